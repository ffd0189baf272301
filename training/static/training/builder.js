// The program builder: drag and drop with SortableJS, the folded workouts (which ones are open is
// kept in the browser and in the address, so a save or a reload shows the same ones), the one
// toolbar per workout acting on the selected exercise (click a row, or Tab to it and use the
// arrow keys), confirmations and status messages. Inline edits are plain htmx forms.
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

  // The page's own wording (in the coach's language), from the status element's data-msg-*.
  function message(name) {
    const status = document.getElementById("builder-status");
    return (status && status.dataset["msg" + name]) || "";
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
          announce(data.detail || message("Failed"));
          window.alert(data.detail || message("Failed"));
          window.location.reload();
        });
      }
      announce(message("Saved"));
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
    root.querySelectorAll(".workout").forEach((workout) => {
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

  // Which workouts are unfolded: kept per program in localStorage and in the address (?open=).
  function programId() {
    const node = document.querySelector("[data-program]");
    return node ? node.dataset.program : "";
  }

  function storageKey() {
    return "mecto.builder.open." + programId();
  }

  function openIds() {
    return Array.from(document.querySelectorAll("details.workout[open]")).map((el) => el.dataset.id);
  }

  function rememberOpen() {
    const ids = openIds();
    try {
      window.localStorage.setItem(storageKey(), JSON.stringify(ids));
    } catch (e) {
      /* private browsing: the address still keeps it */
    }
    const url = new URL(window.location.href);
    url.searchParams.set("open", ids.length ? ids.join(",") : "none");
    url.hash = ""; // the link's target was shown; from now on the coach's folding counts
    window.history.replaceState(window.history.state, "", url);
  }

  function restoreOpen() {
    if (new URL(window.location.href).searchParams.has("open")) return;
    let ids = null;
    try {
      ids = JSON.parse(window.localStorage.getItem(storageKey()) || "null");
    } catch (e) {
      ids = null;
    }
    if (!Array.isArray(ids)) return;
    document.querySelectorAll("details.workout").forEach((el) => {
      el.open = ids.indexOf(el.dataset.id) !== -1;
      if (el.open) {
        const week = el.closest("details.week");
        if (week) week.open = true;
      }
    });
  }

  // One toolbar per workout acts on its selected exercise.
  function workoutOf(node) {
    return node && node.closest ? node.closest("details.workout") : null;
  }

  function items(workout) {
    return Array.from(workout.querySelectorAll("li.item"));
  }

  const chosen = {}; // workout id → the id of its selected exercise, kept across re-renders

  function select(item, focus) {
    const workout = workoutOf(item);
    if (!workout || !item) return;
    chosen[workout.id] = item.id;
    items(workout).forEach((el) => {
      const chosen = el === item;
      el.classList.toggle("selected", chosen);
      if (chosen) el.setAttribute("aria-current", "true");
      else el.removeAttribute("aria-current");
    });
    const toolbar = workout.querySelector(".item-toolbar");
    if (toolbar) {
      const label = item.querySelector(".item-label");
      const text = (label ? label.textContent + " " : "") + item.dataset.name;
      toolbar.querySelector(".toolbar-name").textContent = text;
      toolbar.setAttribute("aria-label", toolbar.dataset.label + ": " + text);
    }
    if (focus) {
      const summary = item.querySelector(".item-head");
      if (summary) summary.focus();
    }
  }

  function selected(workout) {
    return workout.querySelector("li.item.selected") || items(workout)[0] || null;
  }

  function initToolbars(root) {
    const around = workoutOf(root);
    const workouts = around ? [around] : root.querySelectorAll("details.workout");
    workouts.forEach((workout) => {
      const toolbar = workout.querySelector(".item-toolbar");
      if (!toolbar) return;
      if (!toolbar.dataset.label) toolbar.dataset.label = toolbar.getAttribute("aria-label");
      toolbar.hidden = false;
      const help = workout.querySelector(".toolbar-help");
      if (help) help.hidden = false;
      const again = chosen[workout.id] && workout.querySelector("#" + chosen[workout.id]);
      if (again) select(again, false);
      else if (items(workout).length) select(items(workout)[0], false);
    });
  }

  let pending = null; // what to select again after the workout comes back from the server

  function act(workout, action) {
    const item = selected(workout);
    if (!item || !window.htmx) return;
    if (action === "swaps") {
      window.htmx.ajax("GET", item.dataset.swaps, { target: "#swaps-" + item.dataset.id, swap: "innerHTML" });
      return;
    }
    const button = workout.querySelector(".item-toolbar [data-action=" + action + "]");
    if (action === "delete" && !window.confirm(item.dataset.name + ": " + button.dataset.confirm)) return;
    const index = items(workout).indexOf(item);
    pending = { workout: workout.id, item: item.id, index: index, action: action };
    window.htmx.ajax("POST", item.dataset[action], {
      source: button,
      target: "#" + workout.id,
      swap: "outerHTML",
      headers: { "X-CSRFToken": csrfToken() },
    });
  }

  function afterSwap(element) {
    if (!pending || !element || element.id !== pending.workout) return;
    const done = pending;
    pending = null;
    const list = items(element);
    let item = element.querySelector("#" + done.item);
    if (!item && list.length) item = list[Math.min(done.index, list.length - 1)];
    if (item) select(item, done.action === "delete");
    if (done.action !== "delete") {
      const button = element.querySelector(".item-toolbar [data-action=" + done.action + "]");
      if (button) button.focus();
    }
    announce(element.querySelector(".item-toolbar") ? element.querySelector(".toolbar-name").textContent : "");
  }

  document.addEventListener("click", (event) => {
    const handle = event.target.closest("summary .handle");
    if (handle) {
      event.preventDefault(); // dragging by the handle does not fold or unfold
      return;
    }
    const button = event.target.closest(".item-toolbar [data-action]");
    if (button) {
      act(workoutOf(button), button.dataset.action);
      return;
    }
    const item = event.target.closest("li.item");
    if (item) select(item, false);
  });

  document.addEventListener("focusin", (event) => {
    const item = event.target.closest && event.target.closest("li.item");
    if (item && !item.classList.contains("selected")) select(item, false);
  });

  document.addEventListener("keydown", (event) => {
    const summary = event.target.closest && event.target.closest("summary.item-head");
    if (!summary) return;
    const item = summary.closest("li.item");
    const workout = workoutOf(item);
    const list = items(workout);
    const index = list.indexOf(item);
    if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
      event.preventDefault();
      act(workout, event.key === "ArrowUp" ? "up" : "down");
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      const next = list[index + (event.key === "ArrowUp" ? -1 : 1)];
      if (next) select(next, true);
    } else if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      select(event.key === "Home" ? list[0] : list[list.length - 1], true);
    } else if (event.key === "Delete") {
      event.preventDefault();
      act(workout, "delete");
    }
  });

  document.addEventListener(
    "toggle",
    (event) => {
      if (event.target.matches && event.target.matches("details.workout")) rememberOpen();
    },
    true,
  );

  document.addEventListener("DOMContentLoaded", () => {
    restoreOpen();
    revealTarget();
    initSortables(document);
    initToolbars(document);
    if (window.htmx) {
      window.htmx.onLoad((element) => {
        initSortables(element.parentElement || element);
        initToolbars(element);
        afterSwap(element);
      });
    }
  });
})();
