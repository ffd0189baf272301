// Custom charge lines: "Add a line" adds a row in place and "Remove" drops one, without a
// round trip. Without JavaScript the same buttons post the form (a new row comes back; a
// ticked "Remove this line" is left out), so the page works either way.
(() => {
  const lines = document.querySelector("[data-lines]");
  if (!lines) return;
  const list = lines.querySelector("[data-line-list]");
  const template = lines.querySelector("[data-line-template]");
  const total = lines.querySelector('input[name$="-TOTAL_FORMS"]');
  const addButton = lines.querySelector("[data-add-line]");
  const max = parseInt(lines.dataset.max || "50", 10);

  const visibleRows = () => [...list.querySelectorAll("[data-line]")].filter((row) => !row.hidden);
  const renumber = () => {
    visibleRows().forEach((row, i) => {
      const legend = row.querySelector("legend");
      if (legend) legend.textContent = legend.dataset.label.replace("__num__", String(i + 1));
    });
    addButton.disabled = visibleRows().length >= max;
  };
  const enhance = (row) => {
    const legend = row.querySelector("legend");
    if (legend && !legend.dataset.label) legend.dataset.label = legend.textContent.replace(/\d+|__num__/, "__num__");
    const box = row.querySelector('input[name$="-DELETE"]');
    if (!box || row.querySelector("[data-remove-line]")) return;
    box.closest(".line-remove").hidden = true;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button small secondary";
    remove.dataset.removeLine = "";
    remove.textContent = box.nextElementSibling ? box.nextElementSibling.textContent : "Remove";
    remove.addEventListener("click", () => {
      box.checked = true;
      row.hidden = true;
      renumber();
      const next = visibleRows()[0];
      if (next) next.querySelector("input, select, textarea").focus();
    });
    row.append(remove);
  };

  list.querySelectorAll("[data-line]").forEach(enhance);
  addButton.addEventListener("click", (event) => {
    event.preventDefault();
    if (visibleRows().length >= max) return;
    const index = parseInt(total.value, 10);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    list.append(row);
    total.value = String(index + 1);
    enhance(row);
    renumber();
    row.querySelector("input").focus();
  });
  renumber();
})();
