/* The canonical encoding of a scan ("awizo-scan-v1"), byte for byte the same as
 * notices/scan_signature.py, which documents the format. */
(function (root) {
  "use strict";
  function fixed(value, decimals) {
    if (value === null || value === undefined) return "none";
    return Number(value).toFixed(decimals);
  }
  /* Round before sending, so the server formats the same double the same way. */
  function round(value, decimals) {
    return value === null || value === undefined ? null : Number(Number(value).toFixed(decimals));
  }
  function text(scan) {
    return [
      "awizo-scan-v1",
      "tracking_number=" + scan.tracking_number,
      "outcome=" + scan.outcome,
      "occurred_at=" + scan.occurred_at,
      "lat=" + fixed(scan.location ? scan.location.lat : null, 7),
      "lon=" + fixed(scan.location ? scan.location.lon : null, 7),
      "accuracy_m=" + fixed(scan.location ? scan.location.accuracy_m : null, 1),
      "no_fix=" + (scan.no_fix ? "1" : "0"),
      "pickup_point=" + (scan.pickup_point || ""),
      "sequence=" + String(scan.sequence),
    ].join("\n");
  }
  function base64url(bytes) {
    var s = "";
    var view = new Uint8Array(bytes);
    for (var i = 0; i < view.length; i++) s += String.fromCharCode(view[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  /* Signs with the device's private key; WebCrypto gives the raw 64-byte r||s. */
  function sign(privateKey, scan) {
    var data = new TextEncoder().encode(text(scan));
    return crypto.subtle.sign({name: "ECDSA", hash: "SHA-256"}, privateKey, data).then(base64url);
  }
  root.AwizoCanonical = {text: text, round: round, sign: sign, base64url: base64url};
})(typeof self !== "undefined" ? self : this);
