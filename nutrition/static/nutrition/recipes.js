// Recipe editor: ingredient rows are added from the search (htmx) and removed here; each
// new row gets its own index, and the live nutrition refreshes after either.
(() => {
  const form = () => document.getElementById("recipe-form");
  let next = null;
  document.addEventListener("htmx:configRequest", (event) => {
    const f = form();
    if (!f) return;
    if (event.detail.path.includes("/ingredient-row/")) {
      if (next === null) next = Number(f.dataset.nextIndex || 0);
      let index = next++;
      while (document.getElementById(`ingredient-${index}`)) index = next++;
      event.detail.parameters.index = String(index);
    }
  });
  const refresh = () => { const f = form(); if (f) f.dispatchEvent(new Event("change", { bubbles: true })); };
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "ingredient-rows") {
      const empty = document.getElementById("no-ingredients");
      if (empty) empty.remove();
      const rows = event.detail.target.querySelectorAll(".ingredient-row");
      const added = rows[rows.length - 1];
      if (added) added.querySelector("input[type=number]").focus();
      refresh();
    }
  });
  // Enter in the search box searches; it does not save the recipe.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.id === "ingredient-search") event.preventDefault();
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".remove-row");
    if (!button) return;
    const row = document.getElementById(button.dataset.row);
    if (row) {
      const list = row.parentElement;
      row.remove();
      const focusable = list.querySelector(".ingredient-row input[type=number]") || document.getElementById("ingredient-search");
      if (focusable) focusable.focus();
      refresh();
    }
  });
})();
