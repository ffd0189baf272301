// Meal plan builder: forms marked data-confirm ask first; after an htmx change the day's
// totals are announced to screen readers and focus returns to where the person was.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
let lastFocusId = null;
document.addEventListener("htmx:beforeRequest", () => {
  lastFocusId = document.activeElement && document.activeElement.id ? document.activeElement.id : null;
});
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || !target.classList || !target.classList.contains("plan-day")) return;
  const status = document.getElementById("builder-status");
  const day = document.getElementById(target.id) || target;
  const totals = day.querySelector(".day-totals .totals");
  if (status && totals) status.textContent = totals.textContent;
  const again = lastFocusId && document.getElementById(lastFocusId);
  if (again) again.focus();
});
