// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
});
// A select marked data-autosubmit submits its form when picked with a pointer. Keyboard
// users move through the options freely (arrow keys fire "change" in some browsers) and
// submit with Enter or the form's own button, so nothing reloads under their fingers.
let lastInputWasKeyboard = false;
document.addEventListener("keydown", (event) => {
  lastInputWasKeyboard = true;
  const el = event.target;
  if (event.key === "Enter" && el.matches && el.matches("select[data-autosubmit]") && el.form) {
    event.preventDefault();
    el.form.requestSubmit();
  }
}, true);
document.addEventListener("pointerdown", () => { lastInputWasKeyboard = false; }, true);
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]") && el.form && !lastInputWasKeyboard) el.form.requestSubmit();
});
// Mark invalid fields for assistive technology.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".field.has-error").forEach((field) => {
    const input = field.querySelector("input, select, textarea");
    const errors = field.querySelector(".errorlist");
    if (input) {
      input.setAttribute("aria-invalid", "true");
      if (errors && errors.id) {
        const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        if (!ids.includes(errors.id)) ids.push(errors.id);
        input.setAttribute("aria-describedby", ids.join(" "));
      }
    }
  });
});
// The account menu (a <details>) closes on Escape and when clicking elsewhere.
document.addEventListener("click", (event) => {
  document.querySelectorAll("details.account-menu[open]").forEach((menu) => {
    if (!menu.contains(event.target)) menu.open = false;
  });
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.account-menu[open]").forEach((menu) => {
    menu.open = false;
    menu.querySelector("summary").focus();
  });
});
// Sign-up: a new business starts in the browser's time zone and that zone's currency, until
// the person picks their own (the server checks both like any other choice).
document.addEventListener("DOMContentLoaded", () => {
  const zone = document.querySelector("select[data-browser-time-zone]");
  if (!zone) return;
  const currency = zone.form && zone.form.querySelector("select[data-zone-currencies]");
  const currencies = currency ? JSON.parse(currency.dataset.zoneCurrencies || "{}") : {};
  let currencyPicked = false;
  const followZone = () => {
    if (!currency || currencyPicked) return;
    const code = currencies[zone.value] || "USD";
    if ([...currency.options].some((o) => o.value === code)) currency.value = code;
  };
  let browserZone = "";
  try { browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { browserZone = ""; }
  if ([...zone.options].some((o) => o.value === browserZone)) zone.value = browserZone;
  followZone();
  zone.addEventListener("change", followZone);
  if (currency) currency.addEventListener("change", () => { currencyPicked = true; });
});

// Tables marked .table-stack become one card per row on a phone (see app.css): each cell is
// labelled with its column's header, unless the template labelled it already. A header whose
// text is only for screen readers (an actions column) gives no visible label.
function labelStackedTables(root) {
  root.querySelectorAll("table.table-stack").forEach((table) => {
    const headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) return;
    const labels = [];
    Array.from(headRow.cells).forEach((th) => {
      const hidden = th.querySelector(".visually-hidden");
      const text = th.textContent.trim();
      const label = hidden && hidden.textContent.trim() === text ? "" : text;
      for (let n = 0; n < (th.colSpan || 1); n += 1) labels.push(label);
    });
    Array.from(table.tBodies).concat(table.tFoot ? [table.tFoot] : []).forEach((section) => {
      Array.from(section.rows).forEach((row) => {
        let column = 0;
        Array.from(row.cells).forEach((cell) => {
          const label = labels[column];
          if (!cell.hasAttribute("data-label") && label && cell.colSpan === 1) cell.setAttribute("data-label", label);
          column += cell.colSpan || 1;
        });
      });
    });
  });
}
document.addEventListener("DOMContentLoaded", () => labelStackedTables(document));
document.addEventListener("htmx:afterSettle", (event) => labelStackedTables(event.target.parentElement || document));
