// Logging a workout: typing what you did in a set ticks its "Done" box (untick it to change your mind).
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!input.closest || !input.closest(".portal-log-form") || input.type === "checkbox") return;
  const row = input.closest(".set-row");
  if (!row || input.name.endsWith("_notes") || input.value === "") return;
  const done = row.querySelector('input[type="checkbox"][name$="_done"]');
  if (done) done.checked = true;
});
