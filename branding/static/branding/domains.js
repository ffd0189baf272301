// Custom domains: a Copy button beside each DNS record value (the value stays selectable without it).
document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.hidden = false;
    const label = button.firstChild.textContent;
    button.addEventListener("click", () => {
      const source = document.getElementById(button.dataset.copy);
      navigator.clipboard.writeText(source.textContent.trim()).then(() => {
        button.firstChild.textContent = button.dataset.done || "✓";
        setTimeout(() => { button.firstChild.textContent = label; }, 2000);
      });
    });
  });
});
