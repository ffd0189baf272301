// Inbox: insert a saved reply into the message, keep the newest message in view, clear the
// reply box after a send, and "select all" for the clients of a message to several.
function scrollToBottom() {
  document.querySelectorAll("[data-scroll-bottom]").forEach((list) => { list.scrollTop = list.scrollHeight; });
}
document.addEventListener("DOMContentLoaded", scrollToBottom);
document.addEventListener("htmx:afterSettle", scrollToBottom);
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form && form.matches && form.matches("form[data-reset-on-success]") && event.detail.successful) form.reset();
});
document.addEventListener("change", (event) => {
  const picker = event.target.closest("[data-snippet-target]");
  if (!picker || !picker.value) return;
  const box = document.getElementById(picker.dataset.snippetTarget);
  if (box) {
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? box.value.length;
    box.value = box.value.slice(0, start) + picker.value + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + picker.value.length;
  }
  picker.value = "";
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-check-all]");
  if (!button) return;
  const boxes = document.querySelectorAll(`input[type=checkbox][name="${button.dataset.checkAll}"]`);
  const check = Array.from(boxes).some((box) => !box.checked);
  boxes.forEach((box) => { box.checked = check; });
});
