/* Scanning with the phone camera, decoded on the device by the vendored ZXing library
 * (vendor/zxing-library-0.23.0.min.js, Apache-2.0; Chromium on Linux has no BarcodeDetector). */
(function () {
  "use strict";
  var TEXTS = JSON.parse((document.getElementById("texts") || {}).textContent || "{}");
  function _(text) { return TEXTS[text] || text; }

  function init(onNumber) {
    var button = document.getElementById("camera-button");
    var box = document.getElementById("camera");
    var video = document.getElementById("camera-video");
    var message = document.getElementById("camera-message");
    var stream = null, timer = null, reader = null;
    var canvas = document.createElement("canvas");

    function stop() {
      if (timer) clearInterval(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = null;
      box.hidden = true;
    }
    function makeReader() {
      var ZXing = window.ZXing;
      var hints = new Map();
      hints.set(ZXing.DecodeHintType.POSSIBLE_FORMATS, [ZXing.BarcodeFormat.CODE_128, ZXing.BarcodeFormat.CODE_39,
        ZXing.BarcodeFormat.QR_CODE, ZXing.BarcodeFormat.DATA_MATRIX]);
      hints.set(ZXing.DecodeHintType.TRY_HARDER, true);
      var r = new ZXing.MultiFormatReader();
      r.setHints(hints);
      return r;
    }
    function tick() {
      if (!video.videoWidth) return;
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext("2d", {willReadFrequently: true}).drawImage(video, 0, 0);
      var ZXing = window.ZXing;
      try {
        var source = new ZXing.HTMLCanvasElementLuminanceSource(canvas);
        var result = reader.decode(new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(source)));
        var text = result.getText();
        var check = window.AwizoS10.validate(text);
        if (check.ok) { stop(); onNumber(check.value); }
        else message.textContent = _("Odczytano kod, ale to nie numer przesyłki: ") + text;
      } catch (e) { /* nothing found in this frame */ }
    }
    button.addEventListener("click", function () {
      if (!window.ZXing || !navigator.mediaDevices) {
        message.textContent = _("Aparat niedostępny na tym urządzeniu.");
        box.hidden = false;
        return;
      }
      reader = reader || makeReader();
      box.hidden = false;
      message.textContent = _("Skieruj aparat na kod kreskowy przesyłki.");
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false}).then(function (s) {
        stream = s;
        video.srcObject = s;
        return video.play();
      }).then(function () {
        timer = setInterval(tick, 250);
      }).catch(function (e) {
        message.textContent = _("Nie można włączyć aparatu: ") + e.message;
      });
    });
    document.getElementById("camera-close").addEventListener("click", stop);
  }
  window.AwizoCamera = {init: init};
})();
