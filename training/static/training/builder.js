// The program builder: drag and drop with SortableJS (the ↑ ↓ buttons do the same from the
// keyboard), confirmations, and status messages. Inline edits are plain htmx forms.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function announce(text) {
    const status = document.getElementById("builder-status");
    if (status) status.textContent = text;
  }

  function saveOrder(list) {
    const ids = Array.from(list.children)
      .filter((el) => el.dataset && el.dataset.id)
      .map((el) => Number(el.dataset.id));
    return fetch("/training/reorder/", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      credentials: "same-origin",
      body: JSON.stringify({ parent: list.dataset.parent, id: Number(list.dataset.id), ids: ids }),
    }).then((response) => {
      if (!response.ok) {
        return response.json().then((data) => {
          announce(data.detail || "The new order could not be saved.");
          window.alert(data.detail || "The new order could not be saved.");
          window.location.reload();
        });
      }
      announce("New order saved.");
      return null;
    });
  }

  // Labels as coaches write them (mirrors training/labels.py): A, B for exercises on their own,
  // B1, B2 for the exercises of a superset or circuit.
  function letter(index) {
    let letters = "";
    let n = index + 1;
    while (n) {
      const rest = (n - 1) % 26;
      letters = String.fromCharCode(65 + rest) + letters;
      n = Math.floor((n - 1) / 26);
    }
    return letters;
  }

  function relabel(root) {
    root.querySelectorAll("article.workout").forEach((workout) => {
      let index = 0;
      workout.querySelectorAll("ol.blocks > li.block").forEach((block) => {
        const items = Array.from(block.querySelectorAll(":scope > ol.items > li.item"));
        const together = !block.classList.contains("block-straight") && items.length > 1;
        items.forEach((item, n) => {
          const label = item.querySelector(".item-label");
          if (label) label.textContent = together ? letter(index) + (n + 1) : letter(index + n);
        });
        if (items.length) index += together ? 1 : items.length;
      });
    });
  }

  function initSortables(root) {
    if (typeof window.Sortable === "undefined") return;
    root.querySelectorAll(".sortable").forEach((list) => {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      window.Sortable.create(list, {
        handle: ".handle",
        animation: 150,
        draggable: "[data-id]",
        // Exercises may move between blocks of a program; blocks and workouts stay in their list.
        group: list.dataset.parent === "block" ? "items" : list.dataset.parent + "-" + list.dataset.id,
        onEnd: (event) => {
          if (event.from === event.to && event.oldIndex === event.newIndex) return;
          saveOrder(event.to)
            .then(() => {
              if (event.from === event.to) return null;
              if (event.from.querySelector("[data-id]")) return saveOrder(event.from);
              // The block's last exercise moved out: the server removed the empty block.
              const emptied = event.from.closest("li.block");
              if (emptied) emptied.remove();
              return null;
            })
            .then(() => relabel(document));
        },
      });
    });
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // A link to a week, workout or exercise opens the collapsed sections around it.
  function revealTarget() {
    if (!window.location.hash) return;
    const target = document.getElementById(window.location.hash.slice(1));
    if (!target) return;
    let node = target;
    while (node) {
      if (node.tagName === "DETAILS") node.open = true;
      node = node.parentElement;
    }
    target.scrollIntoView();
  }

  document.addEventListener("DOMContentLoaded", () => {
    revealTarget();
    initSortables(document);
    if (window.htmx) {
      window.htmx.onLoad((element) => initSortables(element.parentElement || element));
    }
  });
})();
