/* The email block editor: add, edit, remove and reorder blocks (buttons, so it works from
   the keyboard); it writes the blocks as JSON into the form's field, which the server
   validates. Without this script the JSON field stays visible and editable. */
(function () {
  "use strict";
  var S = {};
  var FIELDS = {
    heading: [["text", "heading_text", "input"]],
    text: [["text", "paragraph", "textarea"]],
    quote: [["text", "quote", "textarea"]],
    button: [["label", "button_label", "input"], ["url", "link", "input"]],
    image: [["src", "image_src", "input"], ["alt", "image_alt", "input"], ["href", "image_href", "input"]],
    divider: [],
    spacer: [["height", "height", "number"]]
  };
  function t(key) { return S[key] || key; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function init() {
    var field = document.querySelector("[data-blocks-json]");
    var root = document.getElementById("block-editor");
    var typesNode = document.getElementById("block-types");
    if (!field || !root || !typesNode) { return; }
    var types = JSON.parse(typesNode.textContent);
    var stringsNode = document.getElementById("editor-strings");
    S = stringsNode ? JSON.parse(stringsNode.textContent) : {};
    var labels = {};
    types.forEach(function (t) { labels[t.type] = t.label; });
    var blocks;
    try { blocks = JSON.parse(field.value || "[]"); } catch (e) { return; }
    if (!Array.isArray(blocks)) { return; }
    field.closest(".field").hidden = true;

    function save() { field.value = JSON.stringify(blocks); }

    function move(index, by, focusSelector) {
      var to = index + by;
      if (to < 0 || to >= blocks.length) { return; }
      var item = blocks.splice(index, 1)[0];
      blocks.splice(to, 0, item);
      draw(to, focusSelector);
    }

    function draw(focusIndex, focusSelector) {
      root.innerHTML = "";
      var list = el("ol", { "class": "block-list" });
      blocks.forEach(function (block, index) {
        var item = el("li", { "class": "card block-item", "data-index": String(index) });
        item.appendChild(el("h3", { "class": "block-title" }, (index + 1) + ". " + (labels[block.type] || block.type)));
        (FIELDS[block.type] || []).forEach(function (spec) {
          var id = "block-" + index + "-" + spec[0];
          var wrap = el("div", { "class": "field" });
          wrap.appendChild(el("label", { "for": id }, t(spec[1])));
          var input = spec[2] === "textarea" ? el("textarea", { id: id, rows: "4" }) : el("input", { id: id, type: spec[2] === "number" ? "number" : "text" });
          if (spec[2] === "number") { input.min = "8"; input.max = "96"; }
          input.value = block[spec[0]] == null ? "" : block[spec[0]];
          input.addEventListener("input", function () {
            block[spec[0]] = spec[2] === "number" ? parseInt(input.value || "24", 10) : input.value;
            save();
          });
          wrap.appendChild(input);
          item.appendChild(wrap);
        });
        var actions = el("div", { "class": "actions" });
        [["up", t("move_up"), -1], ["down", t("move_down"), 1]].forEach(function (a) {
          var b = el("button", { type: "button", "class": "button secondary", "data-move": a[0] }, a[1]);
          b.disabled = (a[2] < 0 && index === 0) || (a[2] > 0 && index === blocks.length - 1);
          b.addEventListener("click", function () { move(index, a[2], "[data-move=" + a[0] + "]"); });
          actions.appendChild(b);
        });
        var remove = el("button", { type: "button", "class": "button secondary" }, t("remove"));
        remove.addEventListener("click", function () {
          blocks.splice(index, 1);
          draw(Math.min(index, blocks.length - 1), "input, textarea, button");
        });
        actions.appendChild(remove);
        item.appendChild(actions);
        list.appendChild(item);
      });
      root.appendChild(list);
      if (!blocks.length) { root.appendChild(el("p", { "class": "empty-inline" }, t("empty"))); }
      var add = el("div", { "class": "field add-block" });
      add.appendChild(el("label", { "for": "add-block-type" }, t("add_block")));
      var select = el("select", { id: "add-block-type" });
      types.forEach(function (t) { select.appendChild(el("option", { value: t.type }, t.label)); });
      var button = el("button", { type: "button", "class": "button secondary" }, t("add"));
      button.addEventListener("click", function () {
        var block = { type: select.value };
        if (block.type === "spacer") { block.height = 24; }
        blocks.push(block);
        draw(blocks.length - 1, "input, textarea, button");
      });
      add.appendChild(select);
      add.appendChild(button);
      root.appendChild(add);
      save();
      if (focusIndex != null && focusIndex >= 0) {
        var target = root.querySelector('[data-index="' + focusIndex + '"]');
        var focus = target && (target.querySelector(focusSelector) || target.querySelector("input, textarea, button"));
        if (focus && !focus.disabled) { focus.focus(); } else if (target) { var any = target.querySelector("button:not([disabled])"); if (any) { any.focus(); } }
      }
    }

    function channel() {
      var checked = document.querySelector('input[name="channel"]:checked') || document.querySelector('input[name="channel"][type="hidden"]');
      return checked ? checked.value : "email";
    }
    function toggle() {
      var sms = channel() === "sms";
      ["subject", "preheader", "blocks"].forEach(function (n) {
        var node = document.querySelector('[data-field="' + n + '"]');
        if (node) { node.hidden = sms; }
      });
      var smsNode = document.querySelector('[data-field="sms_body"]');
      if (smsNode) { smsNode.hidden = !sms; }
    }
    document.querySelectorAll('input[name="channel"]').forEach(function (r) { r.addEventListener("change", toggle); });
    draw();
    toggle();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
