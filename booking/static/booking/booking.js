// Booking pages: show times in the visitor's own time zone, select feed addresses on focus.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.querySelector("[data-tz-select]");
  const params = new URLSearchParams(window.location.search);
  if (select && !params.has("tz")) {
    let zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
    const known = Array.from(select.options).some((o) => o.value === zone);
    if (zone && known && zone !== select.value) {
      params.set("tz", zone);
      window.location.replace(`${window.location.pathname}?${params.toString()}`);
    }
  }
  document.querySelectorAll("input.copy-field").forEach((input) => {
    input.addEventListener("focus", () => input.select());
  });
});
