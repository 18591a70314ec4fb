/* The handheld app: enrol, scan (reader, camera, typed), sign, queue offline, send, show the day. */
(function () {
  "use strict";
  var body = document.body;
  var lang = body.dataset.lang || "pl";
  // The page carries its texts from the server's catalogs (msgid: translation), so they work offline too.
  var TEXTS = JSON.parse((document.getElementById("texts") || {}).textContent || "{}");
  function _(text) { return TEXTS[text] || text; }
  var LOCALES = {pl: "pl-PL", en: "en-GB", uk: "uk-UA"};
  var Store = window.AwizoStore;
  var S10 = window.AwizoS10;
  var Canonical = window.AwizoCanonical;
  var NOTICE_OUTCOMES = {notice_left: true, no_access: true};
  var OUTCOME_TEXT = {
    delivered: _("doręczono"), notice_left: _("awizo pozostawione"),
    refused: _("odmowa przyjęcia"), address_unknown: _("adres nieznany"),
    moved: _("adresat wyprowadził się"), no_access: _("brak dostępu, awizo"),
  };
  var STATE_TEXT = {
    queued: _("czeka na wysłanie"), sent: _("wysłano"),
    refused: _("odrzucono"),
  };
  function outcomeText(code) { return OUTCOME_TEXT[code] || code; }
  function $(id) { return document.getElementById(id); }

  // -- service worker: the app shell opens with no network --------------------------------
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.sw, {scope: body.dataset.scope}).catch(function () {});
  }

  // -- status line: network and how many scans wait -----------------------------------------
  function showNetwork() {
    $("net-state").textContent = navigator.onLine ? _("w sieci") : _("bez sieci");
  }
  function refreshCount() {
    return Store.scans().then(function (scans) {
      $("queue-count").textContent = String(scans.filter(function (s) { return s.state === "queued"; }).length);
      return scans;
    });
  }
  window.addEventListener("online", function () { showNetwork(); sync(); });
  window.addEventListener("offline", showNetwork);
  showNetwork();

  // -- sending: in sequence order, each with its own Idempotency-Key ------------------------
  var syncing = null;
  var again = false;
  var revoked = false;
  function sync() {
    if (syncing) { again = true; return syncing; }  // scans made meanwhile go in the next round
    syncing = Store.identity().then(function (identity) {
      if (!identity) return;
      return Store.scans().then(function (scans) {
        var queued = scans.filter(function (s) { return s.state === "queued"; });
        return queued.reduce(function (chain, scan) {
          return chain.then(function (goOn) { return goOn === false ? false : send(identity, scan); });
        }, Promise.resolve(true)).then(function () {
          // Prints made while the network was down are reported once it is back.
          return scans.filter(function (s) { return s.printPending && s.state === "sent"; })
            .reduce(function (chain, scan) {
              return chain.then(function () { return reportPrinted(identity, scan); });
            }, Promise.resolve());
        });
      });
    }).catch(function () {}).then(function () {
      syncing = null;
      return refreshCount().then(function () { document.dispatchEvent(new Event("awizo:synced")); });
    }).then(function () {
      if (again && !revoked) { again = false; return sync(); }
    });
    return syncing;
  }
  window.AwizoSync = sync;

  function send(identity, scan) {
    var payload = Object.assign({}, scan.payload, {sent_at: new Date().toISOString()});
    return fetch(body.dataset.scansUrl, {
      method: "POST",
      // Each scan goes with the token of the enrolment that signed it (it outlives a re-enrolment).
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + (scan.token || identity.token),
                "Idempotency-Key": scan.key},
      body: JSON.stringify(payload),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401) {
          revoked = true;
          if ($("revoked")) $("revoked").hidden = false;
          return false;
        }
        if (response.status >= 500 || response.status === 429) return false;  // try again later
        scan.state = response.ok ? "sent" : "refused";
        scan.response = data;
        scan.sent_at = new Date().toISOString();
        return Store.putScan(scan).then(function () { return true; });
      });
    }, function () { return false; });  // no network: keep it queued
  }
  setInterval(function () { if (navigator.onLine) sync(); }, 15000);

  /* POST …/printed: the paper notice for this scan was printed (reading the notice records nothing). */
  function reportPrinted(identity, scan) {
    var url = body.dataset.noticeUrl.replace(/TN$/, encodeURIComponent(scan.payload.tracking_number)) + "/printed";
    return fetch(url, {method: "POST", headers: {"Authorization": "Bearer " + (scan.token || identity.token)}})
      .then(function (r) { return r.ok; }, function () { return false; })
      .then(function (ok) { scan.printPending = !ok; return Store.putScan(scan); });
  }

  /* With network: fresh pickup point, notice kit (the calendar of deadlines) and correction window. */
  function refreshIdentity() {
    return Store.identity().then(function (identity) {
      if (!identity || !navigator.onLine || !body.dataset.meUrl) return identity;
      return fetch(body.dataset.meUrl, {headers: {"Authorization": "Bearer " + identity.token}}).then(function (r) {
        if (!r.ok) return identity;
        return r.json().then(function (data) {
          return Store.updateIdentity(function (latest) {
            latest.pickup = data.pickup_point;
            latest.notice_kit = data.notice_kit;
            latest.correction_window_s = data.correction_window_s;
          });
        });
      }).catch(function () { return identity; });
    });
  }

  /* Resolves when the service worker is active (the shell is cached), or after 15 s. */
  function shellReady() {
    if (!("serviceWorker" in navigator)) return Promise.resolve();
    return Promise.race([navigator.serviceWorker.ready, new Promise(function (r) { setTimeout(r, 15000); })]);
  }

  // -- enrolment ----------------------------------------------------------------------------
  function b64(buffer) {
    var s = "", view = new Uint8Array(buffer);
    for (var i = 0; i < view.length; i++) s += String.fromCharCode(view[i]);
    return btoa(s);
  }
  function enrolPage() {
    var match = /code=([A-Za-z0-9-]+)/.exec(location.hash);
    if (match) $("enrol-code").value = match[1];
    $("enrol-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var message = $("enrol-message");
      message.textContent = _("Tworzę klucz…");
      // Ask the browser never to evict this app's storage (the queue of scans lives there).
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
      // Non-extractable: the private key can sign but can never be read out of the browser.
      crypto.subtle.generateKey({name: "ECDSA", namedCurve: "P-256"}, false, ["sign", "verify"])
        .then(function (keys) {
          return crypto.subtle.exportKey("spki", keys.publicKey).then(function (spki) {
            return fetch(body.dataset.enrolUrl, {
              method: "POST", headers: {"Content-Type": "application/json"},
              body: JSON.stringify({code: $("enrol-code").value, public_key: b64(spki)}),
            }).then(function (response) {
              return response.json().then(function (data) {
                if (!response.ok) throw new Error(data.detail || response.statusText);
                return Store.saveIdentity({
                  token: data.token, device: data.device, carrier: data.carrier, pickup: data.pickup_point,
                  notice_kit: data.notice_kit, correction_window_s: data.correction_window_s,
                  privateKey: keys.privateKey, publicKey: keys.publicKey, sequence: 0,
                  enrolled_at: new Date().toISOString(),
                }).then(function () { return data; });
              });
            });
          });
        })
        .then(function (data) {
          // Ready for work without network only once the app shell is cached.
          message.textContent = _("Przygotowuję pracę bez sieci…");
          return shellReady().then(function () { return data; });
        })
        .then(function (data) {
          message.textContent = "";
          $("enrolled-carrier").textContent = data.carrier.name;
          $("enrolled").hidden = false;
          history.replaceState(null, "", location.pathname + location.search);  // drop the used code
        })
        .catch(function (error) {
          message.textContent = _("Nie udało się zarejestrować: ") + error.message;
        });
    });
  }

  // -- position -----------------------------------------------------------------------------
  var lastFix = null;
  function showFix() {
    var el = $("gps-state");
    if (!el) return;
    el.textContent = lastFix
      ? "GPS: " + lastFix.lat.toFixed(5) + ", " + lastFix.lon.toFixed(5) + " (±" + Math.round(lastFix.accuracy_m) + " m)"
      : _("GPS: brak pozycji — skan zostanie zapisany jako „bez pozycji”");
    el.className = "gps " + (lastFix ? "fix" : "nofix");
  }
  function toFix(position) {
    return {lat: Canonical.round(position.coords.latitude, 7), lon: Canonical.round(position.coords.longitude, 7),
            accuracy_m: Canonical.round(position.coords.accuracy, 1)};
  }
  var watchId = null;
  function watchPosition() {
    if (!navigator.geolocation) { showFix(); return; }
    watchId = navigator.geolocation.watchPosition(function (p) { lastFix = toFix(p); showFix(); },
      function () { lastFix = null; showFix(); }, {enableHighAccuracy: true, maximumAge: 0});
  }
  /* A fresh fix taken at the tap (never a cached or earlier one); null when there is none.
   * The display watch is paused meanwhile: some browsers answer only one of the two. */
  function currentFix() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation) { resolve(null); return; }
      if (watchId !== null) { navigator.geolocation.clearWatch(watchId); watchId = null; }
      navigator.geolocation.getCurrentPosition(function (p) { resolve(toFix(p)); }, function () { resolve(null); },
        {enableHighAccuracy: true, maximumAge: 0, timeout: 10000});
    }).then(function (fix) {
      lastFix = fix;
      showFix();
      watchPosition();
      return fix;
    });
  }

  // -- scanning -----------------------------------------------------------------------------
  var recording = Promise.resolve();
  var lookedUp = {};  // what GET /h/api/item said at the door, by number: kept with the scan
  function record(identity, number, outcome, pickup) {
    var occurredAt = new Date().toISOString();  // the device's clock at the tap, signed below
    return currentFix().then(function (fix) {
      return Store.nextSequence().then(function (sequence) {
        var payload = {
          tracking_number: number, outcome: outcome, occurred_at: occurredAt,
          location: fix, no_fix: !fix, pickup_point: NOTICE_OUTCOMES[outcome] ? (pickup || null) : null,
          sequence: sequence,
        };
        return Canonical.sign(identity.privateKey, payload).then(function (signature) {
          payload.signature = signature;
          var scan = {key: crypto.randomUUID(), sequence: sequence, payload: payload, state: "queued",
                      made_at: occurredAt, token: identity.token, device_id: identity.device.id,
                      item: lookedUp[number] || null};
          return Store.putScan(scan).then(function () { return scan; });
        });
      });
    });
  }

  function scanPage() {
    Store.identity().then(function (identity) {
      if (!identity) { $("not-enrolled").hidden = false; $("scan-form").hidden = true; return; }
      $("who").textContent = identity.carrier.name + " · " + _("urządzenie") + " #" + identity.device.id;
      var defaultPickup = identity.pickup ? identity.pickup.code : "";
      $("pickup-point").value = defaultPickup;
      var pickupTyped = false;  // the carrier's own choice is never overwritten by a proposal
      $("pickup-point").addEventListener("input", function () { pickupTyped = true; $("pickup-point-about").textContent = ""; });
      var input = $("tracking"), error = $("tracking-error"), current = null;
      watchPosition();
      showFix();

      function choose(text) {
        var check = S10.validate(text);
        if (!check.ok) {
          error.textContent = check.reason[lang] || check.reason.en || check.reason.pl;
          input.setAttribute("aria-invalid", "true");
          input.select();
          return;
        }
        error.textContent = "";
        input.removeAttribute("aria-invalid");
        current = check.value;
        $("current-number").textContent = current;
        $("outcome").hidden = false;
        $("last").hidden = true;
        $("scan-form").hidden = true;  // the outcomes take the screen: all of them without scrolling
        showAddressee(identity, current);
        proposePickup(identity, current);
        // Never an outcome button: a scanner's trailing Enter would record "delivered".
        $("outcome-heading").focus();
        window.scrollTo(0, 0);
      }
      function showAddressee(identity, number) {
        var el = $("addressee");
        el.textContent = _("Adresat: sprawdzam…");
        var url = body.dataset.itemUrl.replace(/TN$/, encodeURIComponent(number));
        fetch(url, {headers: {"Authorization": "Bearer " + identity.token}}).then(function (r) {
          return r.json().then(function (data) {
            if (current !== number) return;
            if (!r.ok) { el.textContent = data.detail || r.statusText; return; }
            lookedUp[number] = {service: data.service, sender: data.sender};
            el.textContent = _("Adresat: ") + data.addressee.name + ", " + data.addressee.address;
          });
        }).catch(function () {
          if (current === number) el.textContent = _("Adresat: niedostępny bez sieci");
        });
      }
      /* The register's nearest point open now, to where the carrier stands (with network and a
       * fix); otherwise the carrier's default point stays, and the server chooses by the scan's
       * position when the field is left empty. */
      function proposePickup(identity, number) {
        var about = $("pickup-point-about");
        if (pickupTyped || !lastFix || !body.dataset.nearestUrl) return;
        var url = body.dataset.nearestUrl + "?lat=" + lastFix.lat + "&lon=" + lastFix.lon + "&lang=" + lang;
        fetch(url, {headers: {"Authorization": "Bearer " + identity.token}}).then(function (r) {
          if (!r.ok) return;
          return r.json().then(function (data) {
            if (current !== number || pickupTyped) return;
            var point = data.pickup_point;
            $("pickup-point").value = point.code;
            about.textContent = point.name + ", " + point.address + " (" + Math.round(point.distance_m) + " m" +
              (point.open_now ? ", " + _("otwarta teraz") : ", " + _("teraz zamknięta")) + ")";
          });
        }).catch(function () { /* offline: the default point stays */ });
      }
      window.AwizoChoose = function (text) { input.value = text; choose(text); };
      $("scan-form").addEventListener("submit", function (event) { event.preventDefault(); choose(input.value); });
      $("outcome-cancel").addEventListener("click", function () { reset(); });

      function reset() {
        current = null;
        $("outcome").hidden = true;
        $("scan-form").hidden = false;
        input.value = "";
        input.focus();
      }
      function saving(busy) {
        $("outcome").setAttribute("aria-busy", busy ? "true" : "false");
        Array.prototype.forEach.call(document.querySelectorAll(".outcome"), function (b) { b.disabled = busy; });
        if (busy) {
          var el = $("gps-state");
          el.textContent = _("Zapisuję… czekam na pozycję GPS (do 10 s)");
          el.className = "gps saving";
        }
      }
      Array.prototype.forEach.call(document.querySelectorAll(".outcome"), function (button) {
        button.addEventListener("click", function () {
          if (!current) return;
          var number = current, outcome = button.dataset.outcome;
          current = null;  // one tap, one scan
          saving(true);
          recording = recording.then(function () {
            return record(identity, number, outcome, $("pickup-point").value.trim().toUpperCase());
          }).then(function (scan) {
            saving(false);
            $("outcome").hidden = true;
            $("scan-form").hidden = false;
            $("last").hidden = false;
            $("last-text").textContent = _("Zapisano") + ": " + number + " — " + outcomeText(outcome) +
              " (" + _("skan nr") + " " + scan.sequence + (scan.payload.no_fix ? ", " + _("bez pozycji") : "") + ")";
            var link = $("last-notice");
            link.hidden = !NOTICE_OUTCOMES[outcome];
            link.href = "notice?key=" + encodeURIComponent(scan.key) + "&lang=" + lang;
            lastScan = scan;
            $("correct-message").textContent = "";
            $("correct-panel").hidden = true;
            showCorrect();
            input.value = "";
            input.focus();
            return refreshCount().then(sync);
          }).catch(function (e) {
            saving(false);
            $("scan-form").hidden = false;
            error.textContent = _("Nie udało się zapisać skanu: ") + e.message;
          });
        });
      });
      // -- correcting the last scan, while the server still takes a correction ----------------
      var lastScan = null, correctTimer = null;
      function showCorrect() {
        var button = $("last-correct");
        button.hidden = true;
        if (correctTimer) { clearTimeout(correctTimer); correctTimer = null; }
        if (!lastScan) return Promise.resolve();
        return Promise.all([Store.getScan(lastScan.key), Store.identity()]).then(function (both) {
          var scan = both[0], latest = both[1] || identity;
          if (!scan || scan.state !== "sent" || !scan.response || !scan.response.id || scan.correction) return;
          var window_s = latest.correction_window_s || 0;
          var left = Date.parse(scan.response.recorded_at) + window_s * 1000 - Date.now();
          if (left <= 0) return;
          lastScan = scan;
          button.hidden = false;
          correctTimer = setTimeout(function () { button.hidden = true; $("correct-panel").hidden = true; }, left);
        });
      }
      document.addEventListener("awizo:synced", showCorrect);
      $("last-correct").addEventListener("click", function () {
        Array.prototype.forEach.call(document.querySelectorAll(".correct-outcome"), function (b) {
          b.hidden = b.dataset.outcome === lastScan.payload.outcome;
          b.disabled = false;
        });
        $("correct-panel").hidden = false;
        $("correct-heading").focus();
      });
      $("correct-cancel").addEventListener("click", function () { $("correct-panel").hidden = true; });
      Array.prototype.forEach.call(document.querySelectorAll(".correct-outcome"), function (button) {
        button.addEventListener("click", function () {
          var scan = lastScan, outcome = button.dataset.outcome, message = $("correct-message");
          Array.prototype.forEach.call(document.querySelectorAll(".correct-outcome"), function (b) { b.disabled = true; });
          var url = body.dataset.scansUrl + "/" + scan.response.id + "/correction";
          fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
                                                "Authorization": "Bearer " + (scan.token || identity.token)},
                      body: JSON.stringify({outcome: outcome})}).then(function (r) {
            return r.json().catch(function () { return {}; }).then(function (data) {
              $("correct-panel").hidden = true;
              $("last-correct").hidden = true;
              if (!r.ok) {
                message.textContent = _("Nie poprawiono: ") + (data.detail || r.statusText);
                return;
              }
              scan.correction = data;
              return Store.putScan(scan).then(function () {
                $("last-text").textContent = _("Poprawiono") + ": " + scan.payload.tracking_number +
                  " — " + outcomeText(outcome) + " (" + _("poprzedni wynik zostaje w zapisie") + ")";
                var link = $("last-notice");
                link.hidden = !NOTICE_OUTCOMES[outcome];
                message.textContent = "";
              });
            });
          }, function () {
            message.textContent = _("Brak sieci: poprawka wymaga połączenia.");
            Array.prototype.forEach.call(document.querySelectorAll(".correct-outcome"), function (b) { b.disabled = false; });
          });
        });
      });

      if (window.AwizoCamera) window.AwizoCamera.init(function (text) { window.AwizoChoose(text); });
      var asked = new URLSearchParams(location.search).get("number");  // from the task list
      if (asked) window.AwizoChoose(asked);
    });
  }

  // -- today --------------------------------------------------------------------------------
  function isToday(iso) {
    var d = new Date(iso), now = new Date();
    return d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  }
  function todayPage() {
    function render() {
      Store.scans().then(function (scans) {
        var list = $("today-list");
        list.textContent = "";
        scans.filter(function (s) { return isToday(s.made_at); }).reverse().forEach(function (s) {
          var li = document.createElement("li");
          li.className = "scan " + s.state;
          li.dataset.key = s.key;
          var time = new Date(s.made_at).toLocaleTimeString(LOCALES[lang] || "pl-PL", {hour: "2-digit", minute: "2-digit"});
          var state = STATE_TEXT[s.state] || s.state;
          li.innerHTML = "";
          var strong = document.createElement("strong");
          strong.className = "mono";
          strong.textContent = s.payload.tracking_number;
          li.appendChild(strong);
          li.appendChild(document.createTextNode(" " + time + " · " + outcomeText(s.payload.outcome) +
            " · " + _("nr") + " " + s.sequence + " · "));
          var badge = document.createElement("span");
          badge.className = "badge " + s.state;
          badge.textContent = state;
          li.appendChild(badge);
          if (s.state === "refused" && s.response && s.response.detail) {
            li.appendChild(document.createTextNode(" — " + s.response.detail));
          }
          if (s.state === "sent" && s.response && s.response.device_evidence && s.response.device_evidence.flags.length) {
            li.appendChild(document.createTextNode(" ⚑ " + s.response.device_evidence.flag_details.map(function (f) { return f[lang] || f.en || f.pl; }).join("; ")));
          }
          if (NOTICE_OUTCOMES[s.payload.outcome]) {
            var a = document.createElement("a");
            a.href = "notice?key=" + encodeURIComponent(s.key) + "&lang=" + lang;
            a.textContent = " " + _("awizo do druku");
            li.appendChild(a);
          }
          list.appendChild(li);
        });
        $("today-empty").hidden = list.children.length > 0;
      });
    }
    render();
    document.addEventListener("awizo:synced", render);
    $("sync-now").addEventListener("click", function () { sync(); });
    function showTasks(tasks) {
      var list = $("tasks-list");
      list.textContent = "";
      (tasks || []).forEach(function (t) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = "scan?number=" + encodeURIComponent(t.tracking_number) + "&lang=" + lang;
        a.className = "mono";
        a.textContent = t.tracking_number;
        li.appendChild(a);
        var address = t.recipient && t.recipient.address ? t.recipient.address : {};
        var due = t.due_at ? new Date(t.due_at).toLocaleDateString(LOCALES[lang] || "pl-PL") : "";
        li.appendChild(document.createTextNode(" · " + [address.line1, address.city].filter(Boolean).join(", ") +
          (due ? " · " + _("do zostawienia od") + " " + due : "")));
        list.appendChild(li);
      });
      $("tasks").hidden = !(tasks && tasks.length);
    }
    /* Questions about a complaint (GET /api/v1/statements): the carrier answers them here. */
    function showStatements(identity, items) {
      var list = $("statements-list");
      list.textContent = "";
      (items || []).forEach(function (q) {
        var li = document.createElement("li");
        li.className = "statement";
        var head = document.createElement("p");
        head.textContent = q.case_number + " · " + q.tracking_number + ": " + q.question;
        li.appendChild(head);
        var box = document.createElement("textarea");
        box.rows = 3;
        box.setAttribute("aria-label", _("Twoje wyjaśnienia"));
        li.appendChild(box);
        var send = document.createElement("button");
        send.type = "button";
        send.textContent = _("Wyślij wyjaśnienia");
        send.addEventListener("click", function () {
          if (!box.value.trim()) return;
          send.disabled = true;
          fetch(body.dataset.statementsUrl + "/" + q.id, {method: "POST", headers: {
            "Authorization": "Bearer " + identity.token, "Content-Type": "application/json"},
            body: JSON.stringify({answer: box.value})}).then(function (r) {
            if (r.ok) { li.textContent = q.case_number + ": " + _("wyjaśnienia wysłane"); }
            else { send.disabled = false; }
          }).catch(function () { send.disabled = false; });
        });
        li.appendChild(send);
        list.appendChild(li);
      });
      $("statements").hidden = !(items && items.length);
    }
    Store.identity().then(function (identity) {
      if (!identity || !navigator.onLine || !body.dataset.statementsUrl) return;
      fetch(body.dataset.statementsUrl, {headers: {"Authorization": "Bearer " + identity.token}}).then(function (r) {
        if (r.ok) return r.json().then(function (data) { showStatements(identity, data.statements || []); });
      }).catch(function () {});
    });
    /* Repeat notices to leave (GET /api/v1/tasks), kept on the device for use offline. */
    Store.tasks().then(showTasks);
    Store.identity().then(function (identity) {
      if (!identity || !navigator.onLine) return;
      fetch(body.dataset.tasksUrl, {headers: {"Authorization": "Bearer " + identity.token}}).then(function (r) {
        if (!r.ok) return;
        return r.json().then(function (data) {
          showTasks(data.tasks || []);
          return Store.saveTasks(data.tasks || []);
        });
      }).catch(function () {});
    });
  }

  // -- printable notice ---------------------------------------------------------------------
  var PAGE_SIZES = {roll58: "58mm 210mm", roll80: "80mm 230mm", a6: "A6"};
  function noticePage() {
    var key = new URLSearchParams(location.search).get("key");
    var message = $("notice-message");
    var paper = $("paper");
    var pageStyle = document.createElement("style");
    document.head.appendChild(pageStyle);
    function setFormat(format) {
      paper.className = "paper " + format;
      pageStyle.textContent = "@page { size: " + PAGE_SIZES[format] + "; margin: 3mm; }";
    }
    Array.prototype.forEach.call(document.querySelectorAll("input[name=format]"), function (radio) {
      radio.addEventListener("change", function () { setFormat(radio.value); });
    });
    setFormat("roll58");
    var current = null;
    $("print").addEventListener("click", function () {
      window.print();
      if (!current) return;
      current.printPending = true;
      Store.putScan(current).then(function () {
        return Store.identity().then(function (identity) { if (identity) return reportPrinted(identity, current); });
      });
    });

    function block(text, language) {
      var section = document.createElement("section");
      section.lang = language;
      section.className = "lang-" + language;
      var h = document.createElement("h2");
      h.textContent = text.title;
      section.appendChild(h);
      [["what"], ["attempt"], ["where_label", "where"], ["hours"], ["until_label", "until"], ["otherwise"], ["bring"], ["qr"], ["note"]]
        .forEach(function (keys) {
          var values = keys.map(function (k) { return text[k]; }).filter(Boolean);
          if (!values.length) return;
          var p = document.createElement("p");
          p.className = "n-" + keys[keys.length - 1];
          if (keys.length === 2) {
            var b = document.createElement("strong");
            b.textContent = values[0] + " ";
            p.appendChild(b);
            p.appendChild(document.createTextNode(values[1]));
          } else {
            p.textContent = values[0];
          }
          section.appendChild(p);
        });
      return section;
    }
    function render(data) {
      paper.textContent = "";
      // Polish first (the notice's legal language), then the item's own language.
      var languages = data.languages || ["pl", "en"];
      var first = languages[0], second = languages[1];
      paper.appendChild(block(data.text[first], first));
      var qr = document.createElement("div");
      qr.className = "qr";
      qr.setAttribute("role", "img");
      qr.setAttribute("aria-label", _("Kod QR: ") + data.verify_url);
      qr.innerHTML = data.qr_svg;
      paper.appendChild(qr);
      var url = document.createElement("p");
      url.className = "mono url";
      url.textContent = data.verify_url;
      paper.appendChild(url);
      if (data.claim_code) {
        var claim = document.createElement("p");
        claim.className = "claim";
        claim.dataset.code = data.claim_code;
        claim.textContent = "Alerty SMS/e-mail / SMS and e-mail alerts: " + data.signup_url + " — kod / code: " + data.claim_code;
        paper.appendChild(claim);
      }
      paper.appendChild(block(data.text[second], second));
      paper.dataset.madeOnDevice = data.made_on_device ? "true" : "false";
      paper.hidden = false;
      $("print").disabled = false;
    }
    Promise.all([Store.identity(), Store.getScan(key)]).then(function (both) {
      var identity = both[0], scan = both[1];
      if (!identity || !scan) { message.textContent = _("Nie znaleziono skanu."); return; }
      current = scan;
      if (scan.notice) { render(scan.notice); return; }
      /* No network, or the scan not sent yet: the device makes the notice from its signed scan. */
      function onDevice() {
        return AwizoNotice.build(identity, scan).then(render, function () {
          message.textContent = _("Awizo będzie gotowe do druku po wysłaniu skanu (brak sieci).");
        });
      }
      if (scan.state !== "sent" || !navigator.onLine) return onDevice();
      var url = body.dataset.noticeUrl.replace(/TN$/, encodeURIComponent(scan.payload.tracking_number));
      return fetch(url, {headers: {"Authorization": "Bearer " + identity.token}}).then(function (r) {
        return r.json().then(function (data) {
          if (!r.ok) throw new Error(data.detail || r.statusText);
          scan.notice = data;  // kept on the device: reprints work offline
          return Store.putScan(scan).then(function () { render(data); });
        });
      }, function () { return scan.correction ? Promise.reject(new Error(_("Brak sieci."))) : onDevice(); });
    }).catch(function (e) { message.textContent = e.message; });
  }

  refreshCount().then(function () { if (navigator.onLine) sync(); });
  if (body.dataset.page !== "enrol") refreshIdentity();
  var page = body.dataset.page;
  if (page === "enrol") enrolPage();
  if (page === "scan") scanPage();
  if (page === "today") todayPage();
  if (page === "notice") noticePage();
})();
