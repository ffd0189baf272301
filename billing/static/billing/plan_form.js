// The plan form shows only the fields that matter for the kind of plan chosen.
document.addEventListener("DOMContentLoaded", () => {
  const kind = document.getElementById("id_kind");
  if (!kind) return;
  const field = (name) => {
    const input = document.getElementById(`id_${name}`);
    return input ? input.closest(".field") : null;
  };
  const show = (names, visible) => names.forEach((name) => {
    const el = field(name);
    if (el) el.hidden = !visible;
  });
  const update = () => {
    const membership = kind.value === "membership";
    show(["interval", "trial_days", "minimum_term_periods"], membership);
    show(["validity_days"], !membership);
    show(["sessions"], kind.value !== "service");
  };
  kind.addEventListener("change", update);
  update();
});
