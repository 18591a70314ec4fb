/* UPU S10 item numbers, checked on the device before anything is sent.
 * A port of notices/s10.py: weights 8,6,4,2,3,5,9,7; C = 11 - (sum mod 11); 10 -> 0, 11 -> 5.
 * Both are tested against tests/handheld/s10_vectors.json. */
(function (root) {
  "use strict";
  var WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];
  var PATTERN = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/;

  function normalise(text) {
    return String(text || "").replace(/[\s-]/g, "").toUpperCase();
  }

  function checkDigit(serial) {
    if (!/^\d{8}$/.test(serial)) throw new Error("the serial number must have exactly 8 digits");
    var sum = 0;
    for (var i = 0; i < 8; i++) sum += Number(serial[i]) * WEIGHTS[i];
    var c = 11 - (sum % 11);
    return c === 10 ? 0 : c === 11 ? 5 : c;
  }

  /* Returns {ok: true, value} or {ok: false, reason: {pl, en}}. */
  function validate(text) {
    var value = normalise(text);
    var m = PATTERN.exec(value);
    if (!m) {
      return {ok: false, value: value, reason: {
        pl: "Oczekiwano 2 liter, 9 cyfr i 2 liter kraju, np. RR123456785PL",
        en: "Expected 2 letters, 9 digits and a 2-letter country code, e.g. RR123456785PL"}};
    }
    var expected = checkDigit(m[2]);
    if (Number(m[3]) !== expected) {
      return {ok: false, value: value, reason: {
        pl: "Błędna cyfra kontrolna: " + m[3] + ", powinna być " + expected,
        en: "Wrong check digit: " + m[3] + ", expected " + expected}};
    }
    return {ok: true, value: value};
  }

  root.AwizoS10 = {normalise: normalise, checkDigit: checkDigit, validate: validate};
})(typeof self !== "undefined" ? self : this);
