/* Today's workout: each set is sent as it is completed (through the installed app's offline
   queue when there is no connection), a rest timer counts down the prescribed rest, and large
   steppers adjust reps, load and RPE. Without this script every form still posts and reloads. */
(function () {
  "use strict";
  var root = document.getElementById("session");
  if (!root) return;
  var text = root.dataset;
  var status = root.querySelector("[data-session-status]");
  var PENDING = "mecto-session-pending-" + text.key;
  var REST = "mecto-session-rest-" + text.key;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function say(message) { if (status) { status.textContent = ""; status.textContent = message; } }
  function readStore(name) { try { return JSON.parse(localStorage.getItem(name) || "null"); } catch (e) { return null; } }
  function writeStore(name, value) {
    try { if (value === null) localStorage.removeItem(name); else localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode */ }
  }

  // --- Steppers: large − and + beside reps, load and RPE -----------------------------------------
  root.querySelectorAll(".set-field input[data-step]").forEach(function (input) {
    var step = parseFloat(input.dataset.step) || 1;
    var box = document.createElement("div");
    box.className = "stepper";
    [[-1, "−", text.textLess], [1, "+", text.textMore]].forEach(function (spec) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button secondary";
      button.textContent = spec[1];
      button.setAttribute("aria-label", spec[2] + ": " + input.getAttribute("aria-label"));
      button.addEventListener("click", function () {
        var current = parseFloat(input.value !== "" ? input.value : input.placeholder);
        if (isNaN(current)) current = 0;
        var next = Math.round((current + spec[0] * step) * 100) / 100;
        var min = input.min !== "" ? parseFloat(input.min) : 0;
        var max = input.max !== "" ? parseFloat(input.max) : Infinity;
        input.value = String(Math.min(max, Math.max(min, next)));
      });
      box.appendChild(button);
    });
    input.insertAdjacentElement("afterend", box);
  });

  // --- Rest timer ---------------------------------------------------------------------------------
  var timer = document.getElementById("rest-timer");
  var left = timer.querySelector("[data-rest-left]");
  var audio = null;
  var ticking = null;
  var hideLater = null;

  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { try { audio = new Context(); } catch (e) { audio = null; } }
    if (audio && audio.state === "suspended") audio.resume();
  }
  function beep() {
    if (!audio) return;
    try {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.2, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.35);
    } catch (e) { /* no sound here */ }
  }
  function show(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    left.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function stopRest(announce) {
    clearInterval(ticking);
    ticking = null;
    writeStore(REST, null);
    if (announce) {
      timer.classList.add("is-over");
      show(0);
      say(text.textRestOver);
      if (navigator.vibrate) navigator.vibrate([200, 100, 200]);
      beep();
      clearTimeout(hideLater);
      hideLater = setTimeout(function () { timer.hidden = true; timer.classList.remove("is-over"); }, 4000);
    } else {
      timer.hidden = true;
      timer.classList.remove("is-over");
    }
  }
  function runRest(end) {
    clearInterval(ticking);
    clearTimeout(hideLater);
    timer.hidden = false;
    timer.classList.remove("is-over");
    writeStore(REST, { end: end });
    var tick = function () {
      var remaining = (end - Date.now()) / 1000;
      if (remaining <= 0) stopRest(true); else show(remaining);
    };
    tick();
    ticking = setInterval(tick, 250);
  }
  timer.querySelector("[data-rest-add]").addEventListener("click", function () {
    var state = readStore(REST);
    if (state) runRest(state.end + 15000);
  });
  timer.querySelector("[data-rest-skip]").addEventListener("click", function () { stopRest(false); });
  var kept = readStore(REST);
  if (kept && kept.end > Date.now()) runRest(kept.end); else writeStore(REST, null);

  // --- Saving sets ----------------------------------------------------------------------------------
  function markRow(row, values) {
    var done = values.done !== "0";
    row.classList.toggle("is-done", done);
    row.classList.toggle("is-skipped", !done);
    row.querySelector("[data-set-state]").textContent = done ? "✓ " + text.textDoneState : text.textSkipped;
    row.querySelector("[data-done-button]").textContent = text.textUpdate;
  }
  function moveNext() {
    var rows = Array.prototype.slice.call(root.querySelectorAll(".session-set"));
    rows.forEach(function (r) { r.classList.remove("is-next"); });
    var next = rows.find(function (r) { return !r.classList.contains("is-done") && !r.classList.contains("is-skipped"); });
    if (next) {
      next.classList.add("is-next");
      next.scrollIntoView({ block: "center", behavior: reduceMotion ? "auto" : "smooth" });
    }
  }
  function fieldsOf(form, done) {
    var data = new FormData(form);
    data.set("done", done);
    if (!data.get("done_at")) data.set("done_at", new Date().toISOString());
    return data;
  }
  function remember(id, data) {
    var pending = readStore(PENDING) || {};
    if (data) {
      var entry = {};
      data.forEach(function (value, name) { if (name !== "csrfmiddlewaretoken") entry[name] = value; });
      pending[id] = entry;
    } else {
      delete pending[id];
    }
    writeStore(PENDING, Object.keys(pending).length ? pending : null);
  }

  function send(form, data) {
    var row = form.closest(".session-set");
    var error = form.querySelector("[data-set-error]");
    row.classList.add("is-saving");
    remember(row.id, data);
    var body = new URLSearchParams();
    data.forEach(function (value, name) { body.append(name, value); });
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": data.get("csrfmiddlewaretoken") || "" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        row.classList.remove("is-saving");
        if (response.status === 400) {
          remember(row.id, null);
          error.textContent = answer.detail || text.textFailed;
          error.hidden = false;
          row.classList.add("has-error");
          return false;
        }
        if (!response.ok && response.status !== 202) throw new Error(String(response.status));
        error.hidden = true;
        row.classList.remove("has-error");
        if (answer.queued) {
          say(text.textQueued);
        } else {
          remember(row.id, null);
          say(text.textSaved);
          if (answer.session) root.dataset.session = answer.session;
        }
        return true;
      });
    }).catch(function () {
      row.classList.remove("is-saving");
      say(text.textFailed);
      return true; // kept on this device; sent again when the page opens next
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches('[data-session-form="set"]')) return;
    event.preventDefault();
    unlockAudio();
    var done = event.submitter && event.submitter.name === "done" ? event.submitter.value : "1";
    var data = fieldsOf(form, done);
    var row = form.closest(".session-set");
    var before = { className: row.className, state: row.querySelector("[data-set-state]").textContent, button: row.querySelector("[data-done-button]").textContent };
    markRow(row, { done: done });
    send(form, data).then(function (ok) {
      if (!ok) {
        // Refused (bad input): the row shows what the server still has.
        row.className = before.className + " has-error";
        row.querySelector("[data-set-state]").textContent = before.state;
        row.querySelector("[data-done-button]").textContent = before.button;
        return;
      }
      moveNext();
      var rest = parseInt(form.dataset.rest, 10) || 0;
      if (done !== "0" && rest > 0) runRest(Date.now() + rest * 1000);
    });
  });

  // Sets saved on this device but not yet confirmed by the server (offline, or the tab closed
  // while sending) are shown again and sent again: saving a set twice stores it once.
  var pending = readStore(PENDING) || {};
  Object.keys(pending).forEach(function (id) {
    var row = document.getElementById(id);
    if (!row) { remember(id, null); return; }
    var form = row.querySelector("form");
    var entry = pending[id];
    ["reps", "load", "rpe", "notes"].forEach(function (name) { if (form.elements[name] && entry[name] != null) form.elements[name].value = entry[name]; });
    markRow(row, entry);
    var data = new FormData(form);
    Object.keys(entry).forEach(function (name) { data.set(name, entry[name]); });
    send(form, data);
  });
  if (Object.keys(pending).length) moveNext();

  // --- Notes: saved a moment after typing stops, and when leaving the field --------------------------
  var notes = root.querySelector('[data-session-form="notes"]');
  if (notes) {
    var area = notes.querySelector("textarea");
    var wait = null;
    var saveNotes = function () {
      clearTimeout(wait);
      var body = new URLSearchParams();
      new FormData(notes).forEach(function (value, name) { body.append(name, value); });
      fetch(notes.action, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { if (response.ok) say(text.textNotesSaved); })
        .catch(function () { say(text.textFailed); });
    };
    area.addEventListener("input", function () { clearTimeout(wait); wait = setTimeout(saveNotes, 1500); });
    notes.addEventListener("submit", function (event) { event.preventDefault(); saveNotes(); });
    // Finishing carries the notes as they are, so a save still waiting is not lost or raced.
    var finish = root.querySelector("form.session-finish");
    if (finish) finish.addEventListener("submit", function () {
      clearTimeout(wait);
      var copy = finish.querySelector('input[name="notes"]') || document.createElement("input");
      copy.type = "hidden";
      copy.name = "notes";
      copy.value = area.value;
      finish.appendChild(copy);
    });
  }
})();
