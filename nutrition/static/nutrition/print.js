// The print view's Print button (the browser's own print works too).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
