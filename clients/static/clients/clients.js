// Clients pages: copy-to-clipboard buttons and drag-and-drop ordering of intake questions.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const input = document.querySelector(button.dataset.copy);
  if (!input) return;
  input.select();
  const done = () => {
    const label = button.textContent;
    button.textContent = button.dataset.copied || "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, () => {});
  else { document.execCommand("copy"); done(); }
});

document.addEventListener("DOMContentLoaded", () => {
  if (typeof Sortable === "undefined") return;
  const status = document.querySelector("[data-reorder-status]");
  const token = document.querySelector("input[name=csrfmiddlewaretoken]");
  document.querySelectorAll("[data-sortable]").forEach((list) => {
    Sortable.create(list, {
      group: "questions",
      handle: ".drag-handle",
      draggable: ".question",
      animation: 120,
      onEnd: (evt) => {
        const target = evt.to;
        const ids = Array.from(target.querySelectorAll(".question")).map((li) => Number(li.dataset.id));
        fetch(target.dataset.reorderUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
          body: JSON.stringify({ section: Number(target.dataset.section), questions: ids }),
          credentials: "same-origin",
        })
          .then((r) => r.json())
          .then((data) => { if (status) status.textContent = data.detail || ""; })
          .catch(() => { if (status) status.textContent = status.dataset.failed || ""; });
      },
    });
  });
});
