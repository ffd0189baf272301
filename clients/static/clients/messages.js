// Messages: keep the newest message in view and clear the form after a successful send.
function scrollToBottom() {
  const list = document.querySelector("[data-scroll-bottom]");
  if (list) list.scrollTop = list.scrollHeight;
}
document.addEventListener("DOMContentLoaded", scrollToBottom);
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target && event.detail.target.id === "conversation") scrollToBottom();
});
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) form.reset();
});
