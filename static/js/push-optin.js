/* "Notifications on this device" (templates/comms/push_optin.html): subscribe this browser
   to web push with the platform's key and register it with /api/v1/push/subscriptions/, or
   unsubscribe it. Every text comes translated from the page's data attributes. */
(function () {
  "use strict";

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function isIOS() {
    var ua = navigator.userAgent || "";
    return /iPad|iPhone|iPod/.test(ua) || (/Macintosh/.test(ua) && navigator.maxTouchPoints > 1);
  }

  function isStandalone() {
    return window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true;
  }

  function setUp(box) {
    var toggle = box.querySelector("[data-push-toggle]");
    var status = box.querySelector("[data-push-status]");
    var msg = function (name) { return box.getAttribute("data-msg-" + name) || ""; };
    var say = function (name) { status.textContent = msg(name); };

    function api(method, body) {
      return fetch(box.getAttribute("data-subscriptions-url"), {
        method: method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": box.getAttribute("data-csrf") },
        body: JSON.stringify(body),
      }).then(function (response) {
        if (!response.ok && !(method === "DELETE" && response.status === 404)) throw new Error(String(response.status));
        return response;
      });
    }

    function registration() {
      return navigator.serviceWorker.getRegistration().then(function (found) {
        return found || navigator.serviceWorker.register(box.getAttribute("data-sw-url"));
      }).then(function () { return navigator.serviceWorker.ready; });
    }

    function turnOn() {
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          toggle.checked = false;
          say(permission === "denied" ? "denied" : "off");
          return null;
        }
        return Promise.all([
          registration(),
          fetch(box.getAttribute("data-key-url"), { credentials: "same-origin" }).then(function (r) { return r.json(); }),
        ]).then(function (results) {
          var reg = results[0], key = results[1];
          if (!key.enabled) throw new Error("push off");
          return reg.pushManager.getSubscription().then(function (existing) {
            return existing || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key.public_key) });
          });
        }).then(function (subscription) {
          return api("POST", subscription.toJSON()).then(function () {
            toggle.checked = true;
            say("on");
          });
        });
      });
    }

    function turnOff() {
      return registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (subscription) {
        if (!subscription) return null;
        return api("DELETE", { endpoint: subscription.endpoint }).then(function () { return subscription.unsubscribe(); });
      }).then(function () {
        toggle.checked = false;
        say("off");
      });
    }

    var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
    if (isIOS() && !isStandalone()) {
      say("ios");
      return;
    }
    if (!supported) {
      say("unsupported");
      return;
    }
    toggle.disabled = false;
    if (Notification.permission === "denied") {
      say("denied");
    }
    // Show what this device has; a subscription the browser kept is sent again so the server
    // has its current keys (it may have been dropped after the push service refused it).
    navigator.serviceWorker.getRegistration().then(function (reg) {
      return reg ? reg.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      if (subscription && Notification.permission === "granted") {
        toggle.checked = true;
        say("on");
        return api("POST", subscription.toJSON());
      }
      if (Notification.permission !== "denied") say("off");
      return null;
    }).catch(function () { say("failed"); });

    toggle.addEventListener("change", function () {
      var wanted = toggle.checked;
      toggle.disabled = true;
      say("working");
      (wanted ? turnOn() : turnOff()).catch(function () {
        toggle.checked = !wanted;
        say("failed");
      }).then(function () { toggle.disabled = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-push-optin]").forEach(setUp);
  });
})();
