/* The installable app in the page: registers the service worker, offers installation, and shows
   what was saved offline until it is sent (the service worker keeps and sends it). */
(function () {
  "use strict";
  var shell = document.getElementById("app-shell");
  if (!shell) return;
  var user = shell.dataset.user || "";
  var DISMISSED = "mecto-app-install-dismissed";
  var DISMISS_DAYS = 60;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // A page shown again (back, or a copy kept for offline use) gets fresh idempotency keys: the
  // key it was served with may already be stored, and reusing it would drop the new entry.
  // A double tap within one page keeps its key, so it is still stored once.
  function freshKeys() {
    document.querySelectorAll('form input[type="hidden"][name="client_uuid"], form input[type="hidden"][name="client_entry_id"]')
      .forEach(function (input) { input.value = uuid(); });
  }
  freshKeys();
  window.addEventListener("pageshow", function (event) { if (event.persisted) freshKeys(); });

  // --- What was saved offline ------------------------------------------------------------------
  var queue = document.getElementById("app-queue");
  var queueText = queue && queue.querySelector("[data-app-queue-text]");
  var sendButton = queue && queue.querySelector("[data-app-queue-send]");
  var offlineQueued = document.querySelector("[data-app-offline-queued]");
  var offlinePlain = document.querySelector("[data-app-offline-plain]");
  var offlineCount = document.querySelector("[data-app-offline-count]");
  var offlineSent = document.querySelector("[data-app-offline-sent]");

  function plural(one, many, count) {
    return count === 1 ? one : many.replace("%(count)s", String(count));
  }

  function showPending(pending) {
    var text = plural(shell.dataset.queuedOne, shell.dataset.queuedMany, pending);
    if (queue) {
      queue.hidden = pending === 0 || Boolean(offlineQueued && !offlineQueued.hidden);
      queueText.textContent = text;
      sendButton.hidden = !navigator.onLine;
    }
    if (offlineCount) offlineCount.textContent = pending ? plural(shell.dataset.waitingOne, shell.dataset.waitingMany, pending) : "";
  }

  function showSent(message) {
    if (message.sent && queue) {
      queue.hidden = false;
      queueText.textContent = plural(shell.dataset.sentOne, shell.dataset.sentMany, message.sent);
      sendButton.hidden = true;
    }
    if (message.failed && queue) {
      queue.hidden = false;
      queueText.textContent = shell.dataset.failed;
    }
    if (offlineSent && message.pending === 0 && (message.sent || offlineQueued && !offlineQueued.hidden)) {
      offlineSent.hidden = false;
      if (offlineCount) offlineCount.textContent = "";
    }
  }

  if (offlineQueued && /[?&]queued=1\b/.test(location.search)) {
    offlineQueued.hidden = false;
    if (offlinePlain) offlinePlain.hidden = true;
  }
  var retry = document.querySelector("[data-app-retry]");
  if (retry) retry.addEventListener("click", function (event) { event.preventDefault(); location.reload(); });

  if ("serviceWorker" in navigator && shell.dataset.serviceWorker) {
    var worker = function () {
      return navigator.serviceWorker.ready.then(function (registration) { return registration.active; });
    };
    var hello = function () {
      worker().then(function (active) { if (active) active.postMessage({ type: "hello", user: user, online: navigator.onLine }); });
    };
    navigator.serviceWorker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (typeof data.pending !== "number") return;
      if (data.type === "sent") { showPending(data.pending); showSent(data); }
      else showPending(data.pending);
    });
    navigator.serviceWorker.addEventListener("controllerchange", hello);
    navigator.serviceWorker.register(shell.dataset.serviceWorker, { scope: "/" }).then(hello).catch(function () {});
    window.addEventListener("online", function () {
      worker().then(function (active) { if (active) active.postMessage({ type: "send" }); });
    });
    window.addEventListener("offline", function () { if (sendButton) sendButton.hidden = true; });
    if (sendButton) sendButton.addEventListener("click", function () {
      worker().then(function (active) { if (active) active.postMessage({ type: "send" }); });
    });
  }

  // --- Install prompt ----------------------------------------------------------------------------
  var install = document.getElementById("app-install");
  if (!install) return;
  var installButton = install.querySelector("[data-app-install-button]");
  var iosHint = install.querySelector("[data-app-ios-hint]");
  var installText = install.querySelector("[data-app-install-text]");
  var standalone = window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;

  function dismissed() {
    var at = Number(localStorage.getItem(DISMISSED) || 0);
    return at && Date.now() - at < DISMISS_DAYS * 864e5;
  }
  if (standalone || dismissed()) return;

  var deferred = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    deferred = event;
    installButton.hidden = false;
    install.hidden = false;
  });
  installButton.addEventListener("click", function () {
    if (!deferred) return;
    var prompt = deferred;
    deferred = null;
    install.hidden = true;
    Promise.resolve(prompt.prompt()).then(function () { return prompt.userChoice; }).then(function (choice) {
      if (choice && choice.outcome === "dismissed") localStorage.setItem(DISMISSED, String(Date.now()));
    }).catch(function () {});
  });
  install.querySelector("[data-app-install-dismiss]").addEventListener("click", function () {
    localStorage.setItem(DISMISSED, String(Date.now()));
    install.hidden = true;
  });
  window.addEventListener("appinstalled", function () { install.hidden = true; });

  // Safari on iPhone and iPad has no install prompt: it is Share, then Add to Home Screen.
  var ua = navigator.userAgent;
  var isIos = /iPhone|iPad|iPod/.test(ua) || (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var isSafari = /Safari/.test(ua) && !/CriOS|FxiOS|EdgiOS|OPiOS/.test(ua);
  if (isIos && isSafari) {
    iosHint.hidden = false;
    installText.hidden = true;
    install.hidden = false;
  }
})();
