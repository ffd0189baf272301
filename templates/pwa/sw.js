/* The client app's service worker: keeps the app shell, shows pages network-first with the
   offline page as fallback, and keeps workout and food logs posted offline until they can be
   sent. Served by branding.views_pwa.service_worker; the configuration comes from branding/pwa.py. */
const CONFIG = {{ config|safe }};
{% verbatim %}
"use strict";

if (CONFIG.pushScript) {
  importScripts(CONFIG.pushScript);
}

const SHELL_CACHE = `mecto-shell-${CONFIG.version}`;
const PAGES_CACHE = `mecto-pages-${CONFIG.version}`;
const STATIC_CACHE = `mecto-static-${CONFIG.version}`;
const CURRENT_CACHES = [SHELL_CACHE, PAGES_CACHE, STATIC_CACHE];
const SYNC_TAG = "mecto-offline-queue";
const HASHED_STATIC = /\.[0-9a-f]{12}\.[a-z0-9]+$/;
const MAX_PAGES = 40;
const OFFLINE_POSTS = CONFIG.offlinePosts.map((rule) => ({ pattern: new RegExp(rule.pattern), key: rule.key }));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// --- IndexedDB: the queue of posts kept offline and a little state -------------------------------
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open("mecto-app", 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
      if (!db.objectStoreNames.contains("state")) db.createObjectStore("state", { keyPath: "name" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function store(name, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    const result = work(tx.objectStore(name));
    tx.oncomplete = () => { db.close(); resolve(result && "result" in result ? result.result : result); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  });
}

const allQueued = () => store("queue", "readonly", (s) => s.getAll());
const removeQueued = (id) => store("queue", "readwrite", (s) => s.delete(id));
const putQueued = (item) => store("queue", "readwrite", (s) => s.put(item));
const getState = async (name) => { const row = await store("state", "readonly", (s) => s.get(name)); return row ? row.value : undefined; };
const setState = (name, value) => store("state", "readwrite", (s) => s.put({ name, value }));

// --- Install and activate ---------------------------------------------------------------------------
self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(CONFIG.shell.map((url) => new Request(url, { credentials: "same-origin", cache: "reload" })));
    // The start page too, when the person is signed in; the app still installs without it.
    try {
      const start = await fetch(CONFIG.startUrl, { credentials: "same-origin" });
      if (start.ok && !start.redirected) await (await caches.open(PAGES_CACHE)).put(CONFIG.startUrl, start);
    } catch (error) { /* offline while installing: the page is kept at the next visit */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("mecto-") && !CURRENT_CACHES.includes(name)).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// --- Fetch ------------------------------------------------------------------------------------------
self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (url.pathname === CONFIG.logoutPath) {
      event.respondWith(forgetPages().then(() => fetch(request)));
      return;
    }
    const rule = OFFLINE_POSTS.find((candidate) => candidate.pattern.test(url.pathname));
    if (rule) event.respondWith(postOrKeep(request, rule));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    event.respondWith(page(request, url, event.resultingClientId));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(staticFile(request, url));
  } else if (CONFIG.shell.includes(url.pathname)) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then((hit) => hit || fetch(request)));
  }
});

// Windows showing a page kept on this device: what they say about who is signed in is stale.
const keptPageClients = new Set();

async function page(request, url, clientId) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && !response.redirected && url.pathname.startsWith(CONFIG.cachePages)) {
      const copy = response.clone();
      caches.open(PAGES_CACHE).then((cache) => cache.put(request, copy).then(() => trimPages(cache)));
    }
    return response;
  } catch (error) {
    const kept = (await caches.match(request, { cacheName: PAGES_CACHE }))
      || (await caches.match(request, { cacheName: PAGES_CACHE, ignoreSearch: true }))
      || (await caches.match(request, { cacheName: SHELL_CACHE, ignoreSearch: true }))
      || (await caches.match(CONFIG.offlineUrl, { cacheName: SHELL_CACHE }));
    if (clientId) keptPageClients.add(clientId);
    return kept || Response.error();
  }
}

async function trimPages(cache) {
  const keys = await cache.keys();
  await Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map((key) => cache.delete(key)));
}

async function forgetPages() {
  await caches.delete(PAGES_CACHE);
}

// After someone signs in or out: the offline page (it carries the brand and the menu) and the
// start page are fetched again for that person.
async function refreshPersonalPages() {
  try {
    const offline = await fetch(CONFIG.offlineUrl, { credentials: "same-origin", cache: "no-store" });
    if (offline.ok) await (await caches.open(SHELL_CACHE)).put(CONFIG.offlineUrl, offline);
    const start = await fetch(CONFIG.startUrl, { credentials: "same-origin", cache: "no-store" });
    if (start.ok && !start.redirected) await (await caches.open(PAGES_CACHE)).put(CONFIG.startUrl, start);
  } catch (error) { /* offline: kept as they were */ }
}

async function staticFile(request, url) {
  const shell = await caches.match(request, { cacheName: SHELL_CACHE });
  if (shell) return shell;
  if (HASHED_STATIC.test(url.pathname)) {
    // A hashed name never changes content: cache first.
    const hit = await caches.match(request, { cacheName: STATIC_CACHE });
    if (hit) return hit;
    const response = await fetch(request);
    if (response.ok) (await caches.open(STATIC_CACHE)).put(request, response.clone());
    return response;
  }
  try {
    return await fetch(request);
  } catch (error) {
    return (await caches.match(request, { ignoreSearch: true })) || Response.error();
  }
}

// --- Posts kept offline -----------------------------------------------------------------------------
async function idempotencyKey(request, field) {
  const type = request.headers.get("content-type") || "";
  try {
    if (type.includes("application/json")) {
      const body = await request.json();
      return body && typeof body[field] === "string" ? body[field] : "";
    }
    if (type.includes("application/x-www-form-urlencoded") || type.includes("multipart/form-data")) {
      const value = (await request.formData()).get(field);
      return typeof value === "string" ? value : "";
    }
  } catch (error) { /* an unreadable body is not kept */ }
  return "";
}

async function postOrKeep(request, rule) {
  const copy = request.clone();
  const reader = request.clone();
  try {
    return await fetch(request);
  } catch (networkError) {
    const key = await idempotencyKey(reader, rule.key);
    if (!UUID.test(key)) return offlineAnswer(request, false);
    const headers = [];
    copy.headers.forEach((value, name) => { if (name.toLowerCase() !== "x-csrftoken") headers.push([name, value]); });
    const item = {
      url: copy.url,
      headers,
      body: await copy.arrayBuffer(),
      contentType: copy.headers.get("content-type") || "",
      isPage: request.mode === "navigate",
      field: rule.key,
      key,
      user: (await getState("user")) || "",
      queuedAt: Date.now(),
      attempts: 0,
    };
    // The same entry posted twice offline (a double tap) is kept once.
    const existing = (await allQueued()).find((queued) => queued.key === key);
    if (existing) item.id = existing.id;
    await putQueued(item);
    if (self.registration.sync) {
      try { await self.registration.sync.register(SYNC_TAG); } catch (error) { /* the page sends it instead */ }
    }
    await tellClients({ type: "queued" });
    return offlineAnswer(request, true);
  }
}

function offlineAnswer(request, kept) {
  if (request.mode === "navigate") {
    return Response.redirect(`${CONFIG.offlineUrl}${kept ? "?queued=1" : ""}`, 303);
  }
  const body = kept ? { queued: true, detail: CONFIG.queuedMessage } : { detail: "Offline" };
  return new Response(JSON.stringify(body), { status: kept ? 202 : 503, headers: { "Content-Type": "application/json" } });
}

async function rebuilt(item, csrfToken) {
  const headers = new Headers(item.headers);
  headers.set("X-CSRFToken", csrfToken);
  let body = item.body;
  if (item.contentType.includes("application/x-www-form-urlencoded") || item.contentType.includes("multipart/form-data")) {
    // The page's form carried the token of its day; a fresh one replaces it.
    const form = await new Response(item.body, { headers: { "Content-Type": item.contentType } }).formData();
    form.set("csrfmiddlewaretoken", csrfToken);
    if (item.contentType.includes("multipart/form-data")) {
      headers.delete("content-type"); // the new body gets its own boundary
      body = form;
    } else {
      body = new URLSearchParams([...form.entries()].map(([name, value]) => [name, String(value)]));
    }
  }
  return new Request(item.url, { method: "POST", headers, body, credentials: "same-origin", redirect: "follow" });
}

let sending = null;

function sendKept() {
  if (!sending) sending = sendAll().finally(() => { sending = null; });
  return sending;
}

async function sendAll() {
  const items = await allQueued();
  if (!items.length) return tellClients({ type: "sent", sent: 0, failed: 0 });
  const session = await (await fetch(CONFIG.sessionUrl, { credentials: "same-origin", cache: "no-store" })).json();
  let sent = 0;
  let failed = 0;
  for (const item of items) {
    if (!session.user || item.user !== session.user) continue; // someone else's, or signed out: kept
    let response;
    try {
      response = await fetch(await rebuilt(item, session.csrfToken));
    } catch (networkError) {
      await tellClients({ type: "sent", sent, failed });
      throw networkError; // still offline: Background Sync tries again later
    }
    const toLogin = response.redirected && new URL(response.url).pathname.startsWith(CONFIG.loginPath);
    if (response.ok && !toLogin) {
      await removeQueued(item.id);
      sent += 1;
    } else if (toLogin || [401, 403, 408, 429].includes(response.status) || response.status >= 500) {
      item.attempts += 1;
      await putQueued(item);
    } else {
      // Refused as it stands (a form error, a workout no longer scheduled): sending again will not help.
      await removeQueued(item.id);
      failed += 1;
    }
  }
  return tellClients({ type: "sent", sent, failed });
}

async function tellClients(message) {
  const user = (await getState("user")) || "";
  const pending = (await allQueued()).filter((item) => item.user === user).length;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage({ ...message, pending }));
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(sendKept());
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "hello") {
    const fromKeptPage = !data.online || (event.source && keptPageClients.has(event.source.id));
    event.waitUntil((async () => {
      if (!fromKeptPage) {
        const before = await getState("user");
        const user = data.user || "";
        if (before !== user) {
          await setState("user", user);
          if (before !== undefined) await forgetPages(); // someone else signed in, or out
          await refreshPersonalPages();
        }
      }
      await tellClients({ type: "status" });
      if (!fromKeptPage) await sendKept().catch(() => {});
    })());
  } else if (data.type === "send") {
    event.waitUntil(sendKept().catch(() => {}));
  }
});
{% endverbatim %}
