// The history calendar by keyboard: arrow keys move between days (a week up or down),
// Home and End to the first and last day of the month; Enter opens the day.
document.addEventListener("DOMContentLoaded", () => {
  const grid = document.querySelector("[data-month-grid]");
  if (!grid) return;
  const days = Array.from(grid.querySelectorAll("a.day"));
  const steps = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };
  grid.addEventListener("keydown", (event) => {
    const index = days.indexOf(document.activeElement);
    if (index < 0) return;
    let next = null;
    if (event.key in steps) next = index + steps[event.key];
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = days.length - 1;
    if (next === null) return;
    event.preventDefault();
    days[Math.max(0, Math.min(days.length - 1, next))].focus();
  });
});
