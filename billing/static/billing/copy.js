// Copy buttons: <button data-copy="#input-id">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copy);
  if (!input) return;
  input.select();
  const done = () => { button.textContent = button.dataset.copied || "✓"; };
  if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, () => {});
  else { document.execCommand("copy"); done(); }
});
