// The segment builder: rule rows (field → condition → value), written to the hidden `rules`
// input as JSON, and a live count (debounced) from the page's count endpoint.
(function () {
  "use strict";
  const form = document.querySelector("form.segment-builder");
  if (!form) return;
  const editor = JSON.parse(document.getElementById("segment-editor").textContent);
  const texts = JSON.parse(document.getElementById("segment-texts").textContent);
  const rulesInput = form.querySelector("input[name=rules]");
  const box = document.getElementById("segment-rules");
  const empty = document.getElementById("segment-no-rules");
  const total = document.getElementById("segment-count-total");
  const sample = document.getElementById("segment-count-sample");
  const fields = Object.fromEntries(editor.fields.map((f) => [f.key, f]));
  let counter = 0;
  let timer = null;
  let inflight = null;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.appendChild(c));
    return node;
  }

  function labelled(id, text, control) {
    return el("div", { class: "field" }, [el("label", { for: id, text: text }), control]);
  }

  function select(id, options, current) {
    const s = el("select", { id: id });
    options.forEach((o) => {
      const opt = el("option", { value: o.value, text: o.label });
      if (String(o.value) === String(current)) opt.selected = true;
      s.appendChild(opt);
    });
    return s;
  }

  function valueControls(row, spec, op, value) {
    const holder = row.querySelector(".segment-value");
    holder.replaceChildren();
    const kind = (spec.ops.find((o) => o.op === op) || spec.ops[0]).kind;
    const id = row.dataset.id;
    holder.dataset.kind = kind;
    if (kind === "none") return;
    if (kind === "choice") {
      holder.appendChild(labelled(id + "-v", texts.value, select(id + "-v", spec.choices, value)));
    } else if (kind === "coach") {
      holder.appendChild(labelled(id + "-v", texts.value, select(id + "-v", editor.coaches, value)));
    } else if (kind === "tags") {
      const s = select(id + "-v", editor.tags, null);
      s.multiple = true;
      s.size = Math.min(Math.max(editor.tags.length, 2), 6);
      const chosen = new Set((value || []).map(String));
      Array.from(s.options).forEach((o) => (o.selected = chosen.has(o.value)));
      holder.appendChild(labelled(id + "-v", texts.value, s));
    } else if (kind === "date") {
      holder.appendChild(labelled(id + "-v", texts.value, el("input", { id: id + "-v", type: "date", value: value || "" })));
    } else if (kind === "days" || kind === "number") {
      const attrs = { id: id + "-v", type: "number", inputmode: "numeric", min: kind === "days" ? "1" : "0", value: value ?? (kind === "days" ? 30 : 1) };
      holder.appendChild(labelled(id + "-v", kind === "days" ? texts.days : texts.value, el("input", attrs)));
    } else if (kind === "percent_days") {
      const v = value || { percent: 80, days: 28 };
      holder.appendChild(labelled(id + "-p", texts.percent, el("input", { id: id + "-p", type: "number", min: "0", max: "100", value: v.percent })));
      holder.appendChild(labelled(id + "-d", texts.days, el("input", { id: id + "-d", type: "number", min: "1", value: v.days })));
    }
  }

  function addRow(rule) {
    counter += 1;
    const id = "segment-rule-" + counter;
    const spec = fields[(rule && rule.field) || editor.fields[0].key] || editor.fields[0];
    const row = el("div", { class: "card segment-rule", "data-id": id, role: "group", "aria-label": texts.rule + " " + counter });
    const fieldSel = select(id + "-f", editor.fields.map((f) => ({ value: f.key, label: f.label })), spec.key);
    const opHolder = el("div", { class: "segment-op" });
    const valueHolder = el("div", { class: "segment-value" });
    const remove = el("button", { type: "button", class: "button danger", text: texts.remove });
    row.append(labelled(id + "-f", texts.field, fieldSel), opHolder, valueHolder, remove);
    function renderOps(op, value) {
      const current = fields[fieldSel.value];
      const opSel = select(id + "-o", current.ops.map((o) => ({ value: o.op, label: o.label })), op);
      opHolder.replaceChildren(labelled(id + "-o", texts.op, opSel));
      opSel.addEventListener("change", () => { valueControls(row, current, opSel.value, null); changed(); });
      valueControls(row, current, opSel.value, value);
    }
    fieldSel.addEventListener("change", () => { renderOps(null, null); changed(); });
    remove.addEventListener("click", () => { row.remove(); changed(); });
    renderOps(rule && rule.op, rule && rule.value);
    box.appendChild(row);
  }

  function readRules() {
    return Array.from(box.querySelectorAll(".segment-rule")).map((row) => {
      const id = row.dataset.id;
      const field = row.querySelector("#" + id + "-f").value;
      const op = row.querySelector("#" + id + "-o").value;
      const holder = row.querySelector(".segment-value");
      const kind = holder.dataset.kind;
      let value = null;
      const v = row.querySelector("#" + id + "-v");
      if (kind === "choice" || kind === "date") value = v.value;
      else if (kind === "coach" || kind === "days" || kind === "number") value = v.value === "" ? null : Number(v.value);
      else if (kind === "tags") value = Array.from(v.selectedOptions).map((o) => Number(o.value));
      else if (kind === "percent_days") {
        value = { percent: Number(row.querySelector("#" + id + "-p").value), days: Number(row.querySelector("#" + id + "-d").value) };
      }
      return { field: field, op: op, value: value };
    });
  }

  function sync() {
    const rules = readRules();
    rulesInput.value = JSON.stringify(rules);
    empty.hidden = rules.length > 0;
    return rules;
  }

  function matchValue() {
    const checked = form.querySelector("input[name=match]:checked");
    return checked ? checked.value : "all";
  }

  function count() {
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("rules", rulesInput.value);
    body.append("match", matchValue());
    total.textContent = texts.counting;
    fetch(form.dataset.countUrl, { method: "POST", body: body, signal: inflight.signal, headers: { "X-Requested-With": "fetch" } })
      .then((r) => r.json())
      .then((data) => {
        sample.replaceChildren();
        if (data.error) { total.textContent = data.error; return; }
        total.textContent = data.count === 0 ? texts.none : data.count === 1 ? texts.one : texts.many.replace("%s", data.count.toLocaleString());
        data.sample.forEach((name) => sample.appendChild(el("li", { text: name })));
      })
      .catch((err) => { if (err.name !== "AbortError") total.textContent = ""; });
  }

  function changed() {
    sync();
    clearTimeout(timer);
    timer = setTimeout(count, 300);
  }

  document.getElementById("segment-add-rule").addEventListener("click", () => { addRow(null); changed(); });
  box.addEventListener("input", changed);
  box.addEventListener("change", changed);
  form.querySelectorAll("input[name=match]").forEach((r) => r.addEventListener("change", changed));
  form.addEventListener("submit", sync);
  let initial = [];
  try { initial = JSON.parse(rulesInput.value || "[]"); } catch (e) { initial = []; }
  (Array.isArray(initial) ? initial : []).forEach(addRow);
  sync();
  count();
})();
