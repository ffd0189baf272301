// The brand page's live preview: colours, font, name, logo, sender and footer follow what the
// owner types, with the contrast of each colour on white (WCAG 2.1, as the server checks it).
// The page works without it: the server checks everything again on save.
(() => {
  "use strict";
  const HEX = /^#[0-9a-fA-F]{6}$/;

  function channel(value) {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }
  function rgb(colour) {
    return [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16));
  }
  function luminance(colour) {
    const [r, g, b] = rgb(colour).map(channel);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  function contrast(a, b) {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  }
  function readableOn(colour) {
    return contrast(colour, "#ffffff") >= contrast(colour, "#0b0b0b") ? "#ffffff" : "#0b0b0b";
  }
  function formatRatio(ratio) {
    return (Math.floor(ratio * 100) / 100).toFixed(2) + ":1";
  }
  // HSL <-> RGB, as Python's colorsys (hue, lightness, saturation), to suggest the same shade as the server.
  function toHsl(colour) {
    const [r, g, b] = rgb(colour).map((v) => v / 255);
    const max = Math.max(r, g, b), min = Math.min(r, g, b), l = (max + min) / 2;
    if (max === min) return [0, l, 0];
    const d = max - min;
    const s = l <= 0.5 ? d / (max + min) : d / (2 - max - min);
    let h;
    if (max === r) h = (g - b) / d + (g < b ? 6 : 0);
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    return [h / 6, l, s];
  }
  function fromHsl(h, l, s) {
    const hue = (p, q, t) => {
      t = ((t % 1) + 1) % 1;
      if (t < 1 / 6) return p + (q - p) * 6 * t;
      if (t < 1 / 2) return q;
      if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
      return p;
    };
    let r = l, g = l, b = l;
    if (s !== 0) {
      const q = l <= 0.5 ? l * (1 + s) : l + s - l * s;
      const p = 2 * l - q;
      r = hue(p, q, h + 1 / 3); g = hue(p, q, h); b = hue(p, q, h - 1 / 3);
    }
    return "#" + [r, g, b].map((c) => Math.max(0, Math.min(255, Math.round(c * 255))).toString(16).padStart(2, "0")).join("");
  }
  function passingShade(colour, minimum) {
    if (contrast(colour, "#ffffff") >= minimum) return colour.toLowerCase();
    const [h, l0, s] = toHsl(colour);
    let low = 0, high = l0;
    for (let i = 0; i < 30; i++) {
      const mid = (low + high) / 2;
      if (contrast(fromHsl(h, mid, s), "#ffffff") >= minimum) low = mid; else high = mid;
    }
    let shade = fromHsl(h, low, s);
    while (contrast(shade, "#ffffff") < minimum) { low = Math.max(0, low - 0.002); shade = fromHsl(h, low, s); }
    return shade;
  }
  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_m, key) => (key in values ? values[key] : ""));
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("brand-form");
    const preview = document.querySelector(".brand-preview");
    if (!form || !preview) return;
    const minimum = parseFloat(form.dataset.minContrast) || 4.5;
    const fontsNode = document.getElementById("brand-fonts");
    const fonts = fontsNode ? JSON.parse(fontsNode.textContent) : {};
    const field = (name) => form.elements.namedItem(name);
    const colours = { primary: field("primary"), accent: field("accent") };
    const valid = { primary: colours.primary.value, accent: colours.accent.value };

    function setVar(name, value) { preview.style.setProperty(name, value); }

    function updateColour(key) {
      const input = colours[key];
      const value = input.value.trim();
      const output = document.querySelector(`[data-contrast-for="${input.id}"]`);
      const picker = form.querySelector(`[data-picker-for="${input.id}"]`);
      if (!HEX.test(value)) {
        if (output) { output.textContent = form.dataset.textInvalid; output.classList.add("contrast-fail"); }
        return;
      }
      valid[key] = value.toLowerCase();
      if (picker && picker.value.toLowerCase() !== valid[key]) picker.value = valid[key];
      const ratio = contrast(value, "#ffffff");
      const passes = ratio >= minimum;
      if (output) {
        output.textContent = fill(passes ? form.dataset.textPass : form.dataset.textFail, {
          ratio: formatRatio(ratio), min: String(minimum), suggestion: passes ? "" : passingShade(value, minimum),
        });
        output.classList.toggle("contrast-fail", !passes);
      }
      const text = readableOn(value);
      const short = key === "primary" ? "--p" : "--a";
      setVar(short, valid[key]);
      setVar(short + "-text", text);
      const ratioOut = preview.querySelector(`[data-ratio="${key}-text"]`);
      if (ratioOut) ratioOut.textContent = formatRatio(contrast(text, value));
    }

    function updateText() {
      const name = (field("display_name").value || "").trim() || form.dataset.organizationName;
      preview.querySelectorAll("[data-preview-name]").forEach((el) => { el.textContent = name; });
      const sender = (field("sender_name").value || "").trim() || name;
      preview.querySelectorAll("[data-preview-sender]").forEach((el) => { el.textContent = sender; });
      const reply = (field("reply_to").value || "").trim();
      preview.querySelectorAll("[data-preview-reply]").forEach((el) => { el.textContent = reply; });
      const wrap = preview.querySelector("[data-preview-reply-wrap]");
      if (wrap) wrap.hidden = !reply;
      const footer = preview.querySelector("[data-preview-footer]");
      if (footer) footer.textContent = field("footer").value || "";
      const stack = fonts[field("font").value];
      if (stack) setVar("--p-font", stack);
      const social = preview.querySelector("[data-preview-social]");
      if (social) {
        social.replaceChildren();
        form.querySelectorAll(".social-row").forEach((row) => {
          const label = row.querySelector("[data-social-label]").value;
          const url = row.querySelector("[data-social-url]").value.trim();
          if (label && url) {
            const span = document.createElement("span");
            span.textContent = label;
            social.append(span);
          }
        });
      }
    }

    // A chosen logo shows in the preview before it is uploaded (a blob: URL, never sent anywhere).
    let logoBlob = null;
    const logoInput = field("logo");
    const firstLogo = preview.querySelector(".bp-logo");
    const savedLogo = firstLogo ? firstLogo.getAttribute("src") || "" : "";
    function updateLogo() {
      if (logoBlob) { URL.revokeObjectURL(logoBlob); logoBlob = null; }
      const file = logoInput && logoInput.files && logoInput.files[0];
      const remove = field("remove_logo");
      let src = savedLogo;
      if (file && file.type.startsWith("image/") && file.type !== "image/svg+xml") src = logoBlob = URL.createObjectURL(file);
      else if (remove && remove.checked) src = "";
      preview.querySelectorAll(".bp-logo").forEach((img) => {
        if (src) img.src = src; else img.removeAttribute("src");
        img.hidden = !src;
      });
    }

    form.querySelectorAll("[data-picker-for]").forEach((picker) => {
      picker.addEventListener("input", () => {
        const input = document.getElementById(picker.dataset.pickerFor);
        input.value = picker.value;
        updateColour(input.name);
      });
    });
    Object.keys(colours).forEach((key) => colours[key].addEventListener("input", () => updateColour(key)));
    form.addEventListener("input", (event) => {
      if (!(event.target.name in colours)) updateText();
    });
    form.addEventListener("change", (event) => {
      if (event.target.name === "logo" || event.target.name === "remove_logo") updateLogo();
      else updateText();
    });

    // Spare social rows stay folded until asked for.
    const addButton = form.querySelector("[data-add-social]");
    const spares = () => form.querySelectorAll(".social-row[data-spare-row]");
    spares().forEach((row) => { row.hidden = true; });
    if (addButton && spares().length) {
      addButton.hidden = false;
      addButton.addEventListener("click", () => {
        const row = spares()[0];
        if (!row) return;
        row.hidden = false;
        row.removeAttribute("data-spare-row");
        row.querySelector("select").focus();
        if (!spares().length) addButton.hidden = true;
      });
    }

    updateColour("primary");
    updateColour("accent");
    // After a refused save the server's reason stands beside the field; the live line returns on typing.
    Object.values(colours).forEach((input) => {
      const output = document.querySelector(`[data-contrast-for="${input.id}"]`);
      if (!output || !input.closest(".has-error")) return;
      output.hidden = true;
      const reveal = () => { output.hidden = false; };
      input.addEventListener("input", reveal, { once: true });
      const picker = form.querySelector(`[data-picker-for="${input.id}"]`);
      if (picker) picker.addEventListener("input", reveal, { once: true });
    });
    updateText();
  });
})();
