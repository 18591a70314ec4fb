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

  /* ``{name}`` placeholders filled from ``values``. */
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, name) { return name in values ? values[name] : m; });
  }

  /* The notice's blocks in ``language``, from the templates the kit carries per language. */
  function text(kit, language, facts) {
    var t = (kit.texts || {})[language] || {}, p = facts.profile;
    var otherwise;
    if (p && p.deemed_service && facts.until) {
      otherwise = fill(t.otherwise_deemed, {days: p.hold_days, date: facts.until});
    } else if (p && p.repeat_notice) {
      otherwise = fill(t.otherwise_repeat, {days: p.hold_days});
    } else if (p) {
      otherwise = t.otherwise_return;
    } else {
      otherwise = t.otherwise_unknown;
    }
    var service = p ? (t["service:" + facts.service] || p.name_pl) : t.item;
    var what = fill(facts.sender ? t.what_from : t.what, {service: service, number: facts.number, sender: facts.sender});
    return {
      title: t.title,
      what: what,
      attempt: fill(t.attempt, {time: facts.left}),
      where_label: t.where_label,
      where: facts.where,
      hours: facts.hours ? fill(t.hours, {hours: facts.hours}) : "",
      until_label: t.until_label,
      until: facts.until || t.until_unknown,
      otherwise: otherwise,
      bring: t.bring,
      qr: t.qr,
      note: t.note,
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
      service: service,
      left: t.day + "." + t.month + "." + t.year + " " + t.hour + ":" + t.minute,
      where: ownPickup ? [pickup.name, pickup.address].filter(Boolean).join(", ") : payload.pickup_point,
      hours: ownPickup ? pickup.opening_hours : null, until: until ? day(until) : null,
    };
    return Promise.all([claimCode(kit.key, payload.sequence), link(kit, payload.sequence)]).then(function (both) {
      return {
        tracking_number: payload.tracking_number, verify_url: both[1], signup_url: kit.signup_url,
        claim_code: both[0], qr_svg: qrSvg(both[1]), made_on_device: true,
        languages: ["pl", "en"],
        text: Object.keys(kit.texts || {}).reduce(function (all, language) {
          all[language] = text(kit, language, facts);
          return all;
        }, {}),
      };
    });
  }

  root.AwizoNotice = {build: build, claimCode: claimCode, link: link};
})(typeof self !== "undefined" ? self : this);
