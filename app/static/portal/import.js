// CSV import with a progress bar: upload progress, then the server's streamed progress
// (one JSON object per line) while it checks and saves the rows. Without JavaScript the
// form posts normally and the report page follows.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.XMLHttpRequest) { return; }
  var script = document.currentScript;
  var labels = {
    uploading: script.dataset.uploading, validating: script.dataset.validating, saving: script.dataset.saving
  };
  var box = document.getElementById("progress-box");
  var bar = document.getElementById("progress");
  var text = document.getElementById("progress-text");

  function show(phase, done, total) {
    // Upload is the first 10%, checking the rows up to 60%, saving them the rest.
    var share = { uploading: [0, 10], validating: [10, 60], saving: [60, 100] }[phase] || [100, 100];
    var fraction = total ? done / total : 0;
    bar.value = Math.round(share[0] + (share[1] - share[0]) * fraction);
    text.textContent = (labels[phase] || phase) + ": " + done + (total ? " / " + total : "");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    var seen = 0;
    box.hidden = false;
    form.querySelector("button[type=submit]").disabled = true;
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/x-ndjson");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) { show("uploading", Math.round(e.loaded / 1024), Math.round(e.total / 1024)); }
    };
    function consume() {
      var lines = xhr.responseText.slice(seen).split("\n");
      for (var i = 0; i < lines.length - 1; i++) {
        seen += lines[i].length + 1;
        if (!lines[i]) { continue; }
        var step = JSON.parse(lines[i]);
        if (step.phase === "error") {
          text.textContent = step.error;
          form.querySelector("button[type=submit]").disabled = false;
        } else if (step.report_url) {
          bar.value = 100;
          window.location.assign(step.report_url);
        } else {
          show(step.phase, step.done, step.total);
        }
      }
    }
    xhr.onprogress = consume;
    xhr.onload = consume;
    xhr.onerror = function () {
      text.textContent = "Błąd sieci. / Network error.";
      form.querySelector("button[type=submit]").disabled = false;
    };
    xhr.send(new FormData(form));
  });
})();
