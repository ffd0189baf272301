/* Push notifications inside the service worker: /sw.js brings this in with
   importScripts("/static/js/sw-push.js"). The server sends (encrypted) JSON:
   {title, body, url, tag, icon, badge} (mecto/comms/push.py, payload_for). */
(function () {
  "use strict";

  function safeUrl(value) {
    try {
      var url = new URL(value || "/", self.location.origin);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : new URL("/", self.location.origin).href;
    } catch (error) {
      return new URL("/", self.location.origin).href;
    }
  }

  self.addEventListener("push", function (event) {
    var data = {};
    if (event.data) {
      try {
        data = event.data.json();
      } catch (error) {
        data = { body: event.data.text() };
      }
    }
    var options = {
      body: data.body || "",
      icon: data.icon || undefined,
      badge: data.badge || undefined,
      tag: data.tag || undefined,
      renotify: Boolean(data.tag),
      data: { url: safeUrl(data.url) },
    };
    // Every push shows a notification: browsers (Safari above all) revoke silent ones.
    event.waitUntil(self.registration.showNotification(data.title || self.location.hostname, options));
  });

  self.addEventListener("notificationclick", function (event) {
    event.notification.close();
    var target = safeUrl(event.notification.data && event.notification.data.url);
    event.waitUntil(
      self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
        var origin = new URL(target).origin;
        var i;
        for (i = 0; i < windows.length; i += 1) {
          if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
        }
        for (i = 0; i < windows.length; i += 1) {
          if (new URL(windows[i].url).origin === origin && "navigate" in windows[i]) {
            return windows[i].focus().then(function (client) { return client.navigate(target); });
          }
        }
        return self.clients.openWindow ? self.clients.openWindow(target) : null;
      })
    );
  });
})();
