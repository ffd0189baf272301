// The automation builder without JSON. Without JavaScript the page posts plain fields: each
// rule row and step is edited in place, the empty row at the end adds one, "Remove" boxes take
// one out and positions order the steps. With it: rows are added and removed in place, a step
// shows only its kind's settings, steps move up and down, and a rule's value input follows its
// field (a select of statuses, tags or coaches, a number, a date).
(() => {
  const form = document.querySelector("[data-automation-builder]");
  if (!form) return;
  const kinds = JSON.parse(form.dataset.fieldKinds || "{}");
  const valueTemplates = {};
  form.querySelectorAll("[data-value-kind]").forEach((t) => {
    valueTemplates[t.dataset.valueKind] = t.innerHTML;
  });

  const addRow = (container, listSelector, templateSelector) => {
    const total = container.querySelector('input[name$="-TOTAL_FORMS"]');
    const max = parseInt(container.dataset.max || "50", 10);
    const list = container.querySelector(listSelector);
    if (list.children.length >= max) return null;
    const index = parseInt(total.value, 10);
    const holder = document.createElement("div");
    holder.innerHTML = container.querySelector(templateSelector).innerHTML.replace(/__prefix__/g, String(index)).trim();
    const row = holder.firstElementChild;
    list.append(row);
    total.value = String(index + 1);
    return row;
  };

  const removable = (row, onRemove) => {
    const box = row.querySelector('[data-remove-box] input[type="checkbox"]');
    if (!box) return;
    const wrap = box.closest("[data-remove-box]");
    const label = wrap.querySelector("label").textContent;
    wrap.hidden = true;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary small";
    button.textContent = label;
    button.addEventListener("click", () => {
      box.checked = true;
      row.hidden = true;
      onRemove(row);
    });
    (row.querySelector(".step-actions") || row).append(button);
  };

  // --- Rules -------------------------------------------------------------------------------------------
  const swapValue = (row) => {
    const field = row.querySelector('[name$="-field"]').value;
    const op = row.querySelector('[name$="-op"]').value;
    const valueBox = row.querySelector("[data-rule-value]");
    const current = valueBox.querySelector('[name$="-value"]');
    row.querySelector("[data-event-key]").hidden = field !== "event";
    valueBox.hidden = op === "exists" || op === "not_exists";
    const kind = op === "in" || op === "not_in" ? "text" : kinds[field] || "text";
    if (current.dataset.kind === kind) return;
    const html = (valueTemplates[kind] || valueTemplates.text)
      .replace(/__name__/g, current.name)
      .replace(/__id__/g, current.id);
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const next = holder.firstElementChild;
    next.dataset.kind = kind;
    if (next.tagName !== "SELECT" || [...next.options].some((o) => o.value === current.value)) next.value = current.value;
    current.replaceWith(next);
  };
  const enhanceRule = (row) => {
    row.querySelector('[name$="-field"]').addEventListener("change", () => swapValue(row));
    row.querySelector('[name$="-op"]').addEventListener("change", () => swapValue(row));
    row.querySelector('[data-rule-value] [name$="-value"]').dataset.kind = "";
    swapValue(row);
    removable(row, () => {
      const next = row.parentElement.querySelector("[data-rule]:not([hidden]) select");
      (next || row.closest("[data-rules]").querySelector("[data-add-rule]")).focus();
    });
  };
  form.querySelectorAll("[data-rules]").forEach((rules) => {
    rules.querySelectorAll("[data-rule-list] [data-rule]").forEach(enhanceRule);
    const add = rules.querySelector("[data-add-rule]");
    add.hidden = false;
    add.addEventListener("click", () => {
      const row = addRow(rules, "[data-rule-list]", "[data-rule-template]");
      if (!row) return;
      enhanceRule(row);
      row.querySelector("select").focus();
    });
  });

  // --- Steps -------------------------------------------------------------------------------------------
  const steps = form.querySelector("[data-steps]");
  const list = steps.querySelector("[data-step-list]");
  const legendText = steps.querySelector("[data-step-legend]")?.textContent || "";
  const visibleSteps = () => [...list.querySelectorAll("[data-step]")].filter((s) => !s.hidden);
  const renumber = () => {
    visibleSteps().forEach((step, i) => {
      step.querySelector('[name$="-order"]').value = String(i + 1);
      const legend = step.querySelector("[data-step-legend]");
      if (!legend.dataset.label) legend.dataset.label = legendText.replace(/\d+/, "__n__");
      if (legend.dataset.label.includes("__n__")) legend.textContent = legend.dataset.label.replace("__n__", String(i + 1));
    });
  };
  const showKind = (step) => {
    const kind = step.querySelector('[name$="-kind"]').value;
    step.querySelectorAll("[data-kinds]").forEach((box) => {
      box.hidden = !kind || !box.dataset.kinds.split(" ").includes(kind);
    });
  };
  const enhanceStep = (step) => {
    step.querySelector('[name$="-kind"]').addEventListener("change", () => showKind(step));
    step.querySelector("[data-step-order]").hidden = true;
    showKind(step);
    const move = step.querySelector("[data-step-move]");
    move.hidden = false;
    move.querySelectorAll("[data-move]").forEach((button) => {
      button.addEventListener("click", () => {
        const all = visibleSteps();
        const i = all.indexOf(step);
        const j = button.dataset.move === "up" ? i - 1 : i + 1;
        if (j < 0 || j >= all.length) return;
        if (j < i) all[j].before(step);
        else all[j].after(step);
        renumber();
        button.focus();
      });
    });
    removable(step, () => {
      renumber();
      const next = visibleSteps()[0];
      (next ? next.querySelector("select") : steps.querySelector("[data-add-step]")).focus();
    });
  };
  list.querySelectorAll("[data-step]").forEach(enhanceStep);
  const addStep = steps.querySelector("[data-add-step]");
  addStep.hidden = false;
  addStep.addEventListener("click", () => {
    const step = addRow(steps, "[data-step-list]", "[data-step-template]");
    if (!step) return;
    step.querySelector("[data-step-legend]").dataset.label = legendText.replace(/\d+/, "__n__");
    enhanceStep(step);
    renumber();
    step.querySelector("select").focus();
  });
  renumber();
})();
