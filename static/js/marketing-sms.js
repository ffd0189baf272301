/* SMS length, mirroring marketing/sms_counter.py: GSM-7 (160 / 153 per part, extension
   characters count twice) or UCS-2 (70 / 67, characters outside the BMP count twice). */
(function () {
  "use strict";
  var BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var EXT = "^{}\\[~]|€\f";
  var LIMITS = { "GSM-7": [160, 153], "UCS-2": [70, 67] };
  var MERGE = /\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}/g;

  function count(text) {
    text = text || "";
    var chars = Array.from(text);
    var gsm = chars.every(function (ch) { return BASIC.indexOf(ch) >= 0 || EXT.indexOf(ch) >= 0; });
    var encoding = gsm ? "GSM-7" : "UCS-2";
    var units = 0;
    chars.forEach(function (ch) {
      if (gsm) { units += EXT.indexOf(ch) >= 0 ? 2 : 1; } else { units += ch.codePointAt(0) > 0xffff ? 2 : 1; }
    });
    var single = LIMITS[encoding][0], multi = LIMITS[encoding][1];
    var segments = units === 0 ? 0 : (units <= single ? 1 : Math.ceil(units / multi));
    return {
      characters: chars.length, encoding: encoding, units: units, segments: segments,
      per_segment: segments <= 1 ? single : multi,
      remaining: (segments <= 1 ? single : segments * multi) - units
    };
  }

  function substitute(text, values) {
    return (text || "").replace(MERGE, function (_m, name) { return values[name] || ""; });
  }

  function estimate(text, config) {
    var result = count(substitute(text, config.typical || {}));
    var longest = {};
    Object.keys(config.longest || {}).forEach(function (k) { longest[k] = "x".repeat(config.longest[k]); });
    var worst = count(substitute(text, longest));
    result.max_segments = Math.max(worst.segments, result.segments);
    return result;
  }

  window.MectoSms = { count: count, estimate: estimate };

  function bind() {
    var input = document.querySelector("[data-sms-input]");
    var out = document.querySelector("[data-sms-counter]");
    var warn = document.querySelector("[data-sms-warning]");
    var configNode = document.getElementById("sms-config");
    if (!input || !out) { return; }
    var config = configNode ? JSON.parse(configNode.textContent) : {};
    var stringsNode = document.getElementById("editor-strings");
    var strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
    function fill(pattern, values) {
      return pattern.replace(/\{(\w+)\}/g, function (_m, k) { return values[k]; });
    }
    function update() {
      var r = estimate(input.value, config);
      out.textContent = fill(strings.counter || "{characters} · {encoding} · {segments}", r);
      if (warn) {
        warn.textContent = r.max_segments > r.segments ? fill(strings.warning || "{max_segments}", r) : "";
      }
    }
    input.addEventListener("input", update);
    update();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", bind); } else { bind(); }
})();
