// The coach's calendar: drag a session to another time or day (pointer events: mouse, pen and
// touch), or focus it and press M (or its Move link) for a dialog with date and time fields.
// Either way the server moves it through the booking service; a refusal snaps it back and
// says why. Free hours of the week grid are one tab stop: arrow keys move, Enter books.
(() => {
  const SNAP = 15; // minutes
  const DAY = 24 * 60;

  const csrf = () => {
    const input = document.querySelector("[data-move-form] input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  };
  const status = (message, isError) => {
    const box = document.getElementById("cal-status");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
    box.classList.toggle("is-error", Boolean(isError));
    if (isError) box.setAttribute("role", "alert");
  };
  const pad = (n) => String(n).padStart(2, "0");

  async function move(event, date, time) {
    const body = new FormData();
    body.append("date", date);
    body.append("time", time);
    const response = await fetch(event.dataset.moveUrl, {
      method: "POST",
      body,
      headers: { Accept: "application/json", "X-CSRFToken": csrf() },
      credentials: "same-origin",
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {}; }
    return { ok: response.ok && data.ok, message: data.message || response.statusText };
  }

  // --- Drag and drop --------------------------------------------------------------------
  function setUpDrag(root) {
    const view = root.dataset.view;
    let drag = null;

    // The day under the pointer (not the dragged session's own day, which is under it too).
    const target = (x, y) => Array.from(root.querySelectorAll("[data-drop]")).find((el) => {
      const box = el.getBoundingClientRect();
      return x >= box.left && x < box.right && y >= box.top && y < box.bottom;
    }) || null;
    const dropTime = (col, y) => {
      const box = col.getBoundingClientRect();
      let minutes = ((y - drag.grabOffset - box.top) / box.height) * DAY;
      minutes = Math.max(0, Math.min(DAY - SNAP, Math.round(minutes / SNAP) * SNAP));
      return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
    };
    const clearTargets = () => root.querySelectorAll(".is-drop-target").forEach((el) => el.classList.remove("is-drop-target"));
    const reset = (el) => {
      el.style.transform = "";
      el.classList.remove("is-dragging", "is-saving");
      clearTargets();
    };

    root.addEventListener("pointerdown", (e) => {
      const el = e.target.closest(".cal-event");
      if (!el || e.button !== 0 || e.target.closest("[data-move]")) return;
      // No text selection and no native drag of the link (either would cancel this drag).
      if (e.pointerType === "mouse") e.preventDefault();
      const box = el.getBoundingClientRect();
      drag = { el, x: e.clientX, y: e.clientY, grabOffset: e.clientY - box.top, moved: false, id: e.pointerId };
    });
    root.addEventListener("pointermove", (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 6) return;
      if (!drag.moved) {
        drag.moved = true;
        drag.el.classList.add("is-dragging");
        drag.el.setPointerCapture(e.pointerId);
      }
      e.preventDefault();
      drag.el.style.transform = `translate(${dx}px, ${dy}px)`;
      clearTargets();
      const col = target(e.clientX, e.clientY);
      if (col) col.classList.add("is-drop-target");
    });
    const finish = async (e) => {
      if (!drag || e.pointerId !== drag.id) return;
      const { el, moved } = drag;
      if (!moved) { drag = null; return; }
      const col = target(e.clientX, e.clientY);
      const date = col ? col.dataset.date : null;
      const time = col && view === "week" ? dropTime(col, e.clientY) : el.dataset.time;
      drag = null;
      // The click that follows a drag must not open the session.
      el.addEventListener("click", (c) => c.preventDefault(), { once: true, capture: true });
      if (!date || (date === el.dataset.date && time === el.dataset.time)) { reset(el); return; }
      el.classList.add("is-saving");
      const result = await move(el, date, time);
      if (result.ok) {
        status(result.message, false);
        window.location.reload();
      } else {
        reset(el);
        status(result.message, true);
        el.querySelector(".cal-event-link").focus();
      }
    };
    // A link would start the browser's own drag (of its address) and cancel ours.
    root.addEventListener("dragstart", (e) => { if (e.target.closest(".cal-event")) e.preventDefault(); });
    root.addEventListener("pointerup", finish);
    root.addEventListener("pointercancel", (e) => { if (drag && drag.el) reset(drag.el); drag = null; });
  }

  // --- Move dialog (keyboard) -----------------------------------------------------------
  function setUpDialog() {
    const dialog = document.getElementById("cal-move-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return;
    const form = dialog.querySelector("[data-move-form]");
    const error = dialog.querySelector("#cal-move-error");
    let current = null;
    const open = (el) => {
      current = el;
      form.action = el.dataset.moveUrl;
      form.elements.date.value = el.dataset.date;
      form.elements.time.value = el.dataset.time;
      dialog.querySelector("[data-move-label]").textContent = el.dataset.label;
      error.hidden = true;
      dialog.showModal();
      form.elements.date.focus();
    };
    document.addEventListener("click", (e) => {
      const button = e.target.closest("[data-move]");
      if (!button) return;
      e.preventDefault();
      open(button.closest(".cal-event"));
    });
    document.addEventListener("keydown", (e) => {
      const el = e.target.closest && e.target.closest(".cal-event");
      if (el && (e.key === "m" || e.key === "M") && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        open(el);
      }
    });
    dialog.querySelector("[data-move-cancel]").addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => { if (current) current.querySelector(".cal-event-link").focus(); });
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      if (!form.elements.date.value || !form.elements.time.value) {
        error.textContent = form.elements.date.value ? form.elements.time.validationMessage : form.elements.date.validationMessage;
        error.hidden = false;
        return;
      }
      const result = await move(current, form.elements.date.value, form.elements.time.value);
      if (result.ok) {
        status(result.message, false);
        window.location.reload();
      } else {
        error.textContent = result.message;
        error.hidden = false;
        form.elements.time.focus();
      }
    });
  }

  // --- Free hours: one tab stop, arrows move between them ----------------------------------
  function setUpSlots(root) {
    const cols = Array.from(root.querySelectorAll(".cal-col"));
    const grid = cols.map((col) => Array.from(col.children).filter((c) => c.classList.contains("cal-slot")));
    const first = grid[0] && grid[0][9] && grid[0][9].matches("a") ? grid[0][9] : root.querySelector("a.cal-slot");
    if (!first) return;
    first.tabIndex = 0;
    root.addEventListener("keydown", (e) => {
      const slot = e.target.closest && e.target.closest("a.cal-slot");
      if (!slot) return;
      let c = grid.findIndex((list) => list.includes(slot));
      let r = grid[c].indexOf(slot);
      const moves = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
      if (!moves[e.key]) return;
      e.preventDefault();
      const [dc, dr] = moves[e.key];
      do { c += dc; r += dr; } while (grid[c] && grid[c][r] && !grid[c][r].matches("a"));
      const next = grid[c] && grid[c][r];
      if (!next) return;
      slot.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-calendar]").forEach((root) => {
      setUpDrag(root);
      if (root.dataset.view === "week") setUpSlots(root);
    });
    const body = document.querySelector("[data-scroll-to]");
    if (body) {
      const hour = body.querySelector(".cal-hour-label");
      if (hour) body.scrollTop = hour.offsetHeight * Number(body.dataset.scrollTo);
    }
    setUpDialog();
  });
})();
