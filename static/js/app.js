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
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("select[data-autosubmit]") && el.form) el.form.requestSubmit();
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
