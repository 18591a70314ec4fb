/* The paper notice made on the device from its own signed scan, for printing with no network.
 *
 * The claim code and the QR link are derived with the notice key the device got at enrolment,
 * exactly as notices/claim_codes.py derives them (scan_claim_code, scan_notice_tag), so they
 * become valid the moment the scan reaches the server. Dates come from the operator's calendar
 * the device keeps (notice_kit.deadlines), the wording mirrors notices/paper_notice.py. */
(function (root) {
  "use strict";
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32

  function hmac(keyText, message) {
    var enc = new TextEncoder();
    return crypto.subtle.importKey("raw", enc.encode(keyText), {name: "HMAC", hash: "SHA-256"}, false, ["sign"])
      .then(function (key) { return crypto.subtle.sign("HMAC", key, enc.encode(message)); })
      .then(function (digest) { return new Uint8Array(digest); });
  }
  /* The first ``octets`` bytes as a big-endian number, written as ``chars`` base32 digits, lowest first. */
  function base32(bytes, octets, chars) {
    var number = BigInt(0);
    for (var i = 0; i < octets; i++) number = (number << BigInt(8)) | BigInt(bytes[i]);
    var out = "";
    for (var j = 0; j < chars; j++) out += ALPHABET[Number((number >> BigInt(5 * j)) & BigInt(31))];
    return out;
  }
  function claimCode(key, sequence) {
    return hmac(key, "notice-claim:scan:" + sequence).then(function (digest) {
      var raw = base32(digest, 8, 10);
      return raw.slice(0, 4) + "-" + raw.slice(4, 8) + "-" + raw.slice(8);
    });
  }
  function link(kit, sequence) {
    return hmac(kit.key, "notice-link:" + sequence).then(function (digest) {
      return kit.link_base + sequence + "/" + base32(digest, 10, 16);
    });
  }

  function parts(iso, zone) {
    var fmt = new Intl.DateTimeFormat("en-GB", {timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
                                                hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
    var p = {};
    fmt.formatToParts(new Date(iso)).forEach(function (x) { p[x.type] = x.value; });
    return p;
  }
  function day(isoDate) { var d = isoDate.split("-"); return d[2] + "." + d[1] + "." + d[0]; }

  /* The last day to collect for this scan: from the item's service when the device looked it up
   * at the door, else only when every service gives the same day. */
  function deadline(kit, localDate, service) {
    var days = kit.deadlines[localDate];
    if (!days) return null;
    if (service && days[service]) return days[service];
    var values = Object.keys(days).map(function (k) { return days[k]; });
    return values.every(function (v) { return v === values[0]; }) ? values[0] : null;
  }

  function text(language, facts) {
    var pl = language === "pl", p = facts.profile;
    var otherwise;
    if (p && p.deemed_service && facts.until) {
      otherwise = pl
        ? "Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo. Nieodebrana w ciągu " + p.hold_days + " dni " +
          "od pierwszego awiza zostanie uznana za doręczoną " + facts.until + " (art. 44 KPA) i wróci do nadawcy."
        : "If you do not collect it, a repeat notice will be left. If it is still not collected within " +
          p.hold_days + " days of this first notice, it is deemed served on " + facts.until +
          " (Polish KPA art. 44) and returned to the sender.";
    } else if (p && p.repeat_notice) {
      otherwise = pl
        ? "Jeśli nie odbierzesz przesyłki, zostawimy powtórne awizo; po " + p.hold_days + " dniach przesyłka wróci do nadawcy."
        : "If you do not collect it, a repeat notice will be left; after " + p.hold_days + " days the item is returned to the sender.";
    } else if (p) {
      otherwise = pl ? "Nieodebrana przesyłka wróci do nadawcy." : "If it is not collected, it is returned to the sender.";
    } else {
      otherwise = pl ? "Co się stanie, jeśli nie odbierzesz przesyłki, zobaczysz w zapisie pod kodem QR."
                     : "What happens if it is not collected is in the record behind the QR code.";
    }
    var service = p ? (pl ? p.name_pl : p.name_en) : (pl ? "Przesyłka" : "Item");
    var sender = facts.sender ? (pl ? " od: " : " from: ") + facts.sender : "";
    return {
      title: pl ? "AWIZO — przesyłka czeka na odbiór" : "NOTICE — an item is waiting for you",
      what: service + (pl ? " nr " : " no. ") + facts.number + sender,
      attempt: (pl ? "Próba doręczenia: " : "Delivery attempted: ") + facts.left,
      where_label: pl ? "Odbierz w:" : "Collect at:",
      where: facts.where,
      hours: facts.hours ? (pl ? "Godziny otwarcia: " : "Opening hours: ") + facts.hours : "",
      until_label: pl ? "Do kiedy:" : "Until:",
      until: facts.until || (pl ? "termin w zapisie pod kodem QR" : "the date is in the record behind the QR code"),
      otherwise: otherwise,
      bring: pl ? "Zabierz dokument tożsamości i to awizo." : "Bring an identity document and this notice.",
      qr: pl ? "Zeskanuj kod QR: zobaczysz zapis tej próby doręczenia i zapiszesz się na powiadomienia SMS/e-mail."
             : "Scan the QR code to see the record of this attempt and sign up for SMS/e-mail alerts.",
      note: pl ? "Awizo wydrukowane na urządzeniu; kod QR i kod alertów działają od chwili, gdy skan dotrze do systemu."
               : "Printed on the carrier's device; the QR code and the alerts code work once the scan reaches the system.",
    };
  }

  function qrSvg(url) {
    if (!root.ZXing || !root.ZXing.BrowserQRCodeSvgWriter) return "";
    var svg = new root.ZXing.BrowserQRCodeSvgWriter().write(url, 240, 240);
    svg.setAttribute("viewBox", "0 0 240 240");  // scales with the paper instead of being cropped
    svg.setAttribute("shape-rendering", "crispEdges");
    return svg.outerHTML;
  }

  /* The same shape as GET /h/api/notice/<number>, made from the scan and the device's kit. */
  function build(identity, scan) {
    var kit = identity.notice_kit, payload = scan.payload;
    if (!kit || !payload.sequence || !payload.signature) return Promise.reject(new Error("no notice kit"));
    var zone = kit.time_zone || "Europe/Warsaw";
    var t = parts(payload.occurred_at, zone);
    var localDate = t.year + "-" + t.month + "-" + t.day;
    var item = scan.item || {};
    var service = item.service || null;
    var until = deadline(kit, localDate, service);
    var pickup = identity.pickup || {};
    var ownPickup = !payload.pickup_point || payload.pickup_point === pickup.code;
    var facts = {
      number: payload.tracking_number, sender: item.sender || null, profile: service ? kit.profiles[service] : null,
      left: t.day + "." + t.month + "." + t.year + " " + t.hour + ":" + t.minute,
      where: ownPickup ? [pickup.name, pickup.address].filter(Boolean).join(", ") : payload.pickup_point,
      hours: ownPickup ? pickup.opening_hours : null, until: until ? day(until) : null,
    };
    return Promise.all([claimCode(kit.key, payload.sequence), link(kit, payload.sequence)]).then(function (both) {
      return {
        tracking_number: payload.tracking_number, verify_url: both[1], signup_url: kit.signup_url,
        claim_code: both[0], qr_svg: qrSvg(both[1]), made_on_device: true,
        text: {pl: text("pl", facts), en: text("en", facts)},
      };
    });
  }

  root.AwizoNotice = {build: build, claimCode: claimCode, link: link};
})(typeof self !== "undefined" ? self : this);
