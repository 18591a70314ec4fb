/* The device's own storage (IndexedDB): its identity and key pair, and every scan it made.
 * Survives reloads, closing the browser and reboots. Scans stay until sent, and after. */
(function (root) {
  "use strict";
  var DB_NAME = "awizo-handheld";
  var dbPromise = null;

  function open() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("meta", {keyPath: "name"});
        var scans = db.createObjectStore("scans", {keyPath: "key"});
        scans.createIndex("sequence", "sequence", {unique: false});  // per enrolment; a re-enrolled phone starts again at 1
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function tx(stores, mode, body) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(stores, mode);
        var result;
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
        body(t, function (value) { result = value; });
      });
    });
  }

  function req(request, done) {
    request.onsuccess = function () { done(request.result); };
  }

  var Store = {
    identity: function () {
      return tx(["meta"], "readonly", function (t, set) { req(t.objectStore("meta").get("identity"), set); });
    },
    saveIdentity: function (identity) {
      identity.name = "identity";
      return tx(["meta"], "readwrite", function (t) { t.objectStore("meta").put(identity); });
    },
    /* Takes the next sequence number in one transaction: it never goes back or repeats. */
    nextSequence: function () {
      return tx(["meta"], "readwrite", function (t, set) {
        var meta = t.objectStore("meta");
        req(meta.get("identity"), function (identity) {
          identity.sequence = (identity.sequence || 0) + 1;
          meta.put(identity);
          set(identity.sequence);
        });
      });
    },
    /* Changes the identity's other fields in one transaction, so the sequence never goes back. */
    updateIdentity: function (change) {
      return tx(["meta"], "readwrite", function (t, set) {
        var meta = t.objectStore("meta");
        req(meta.get("identity"), function (identity) {
          if (!identity) { set(null); return; }
          change(identity);
          meta.put(identity);
          set(identity);
        });
      });
    },
    /* Kept apart from the identity, so saving them can never roll the sequence back. */
    tasks: function () {
      return tx(["meta"], "readonly", function (t, set) {
        req(t.objectStore("meta").get("tasks"), function (record) { set(record ? record.tasks : []); });
      });
    },
    saveTasks: function (tasks) {
      return tx(["meta"], "readwrite", function (t) { t.objectStore("meta").put({name: "tasks", tasks: tasks}); });
    },
    putScan: function (scan) {
      return tx(["scans"], "readwrite", function (t) { t.objectStore("scans").put(scan); });
    },
    getScan: function (key) {
      return tx(["scans"], "readonly", function (t, set) { req(t.objectStore("scans").get(key), set); });
    },
    /* All scans by sequence number (each enrolment in the order its scans were made). */
    scans: function () {
      return tx(["scans"], "readonly", function (t, set) {
        req(t.objectStore("scans").index("sequence").getAll(), set);
      });
    },
  };
  root.AwizoStore = Store;
})(typeof self !== "undefined" ? self : this);
