// The capture page's service worker (docs/reliability.md, drill 1): a rapporteur can reload the capture
// page with no network, type on, and the outbox (localStorage) sends everything once the network is back.
//
// Registered by capture.js with the whole site as its scope (facilitator/capture/offline.py allows it).
// It answers only two kinds of request; everything else (pages other than the capture page, /api/,
// /socket.io/, posts) goes to the network exactly as if there were no service worker.
//
//   GET /rooms/<id>/capture (a navigation)  network first; a good answer (200) is kept, per URL; with no
//                                           network the kept copy is shown. A redirect (to the login page)
//                                           or an error drops the kept copy instead.
//   GET /static/...                         from the cache at once when there, refreshed in the background;
//                                           otherwise from the network, and kept.
//
// The kept pages belong to whoever was logged in: logging in or out (a POST to /login or /logout, from any
// page of the site) drops them all, so that nobody is shown someone else's page offline. The outbox itself
// is kept per user in localStorage, and is never touched here.

const VERSION = "v1"; // bump to drop every cached copy on the next visit
const PAGES = `facilitator-pages-${VERSION}`;
const STATIC = `facilitator-static-${VERSION}`;
const CAPTURE_PAGE = /^\/rooms\/\d+\/capture$/;

self.addEventListener("install", () => {
  self.skipWaiting(); // nothing to wait for: the caches are filled by use
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const current = new Set([PAGES, STATIC]);
    for (const name of await caches.keys()) {
      if (name.startsWith("facilitator-") && !current.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && (url.pathname === "/logout" || url.pathname === "/login")) {
    event.waitUntil(caches.delete(PAGES)); // the request itself goes to the network untouched
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && CAPTURE_PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(event, pageKey(url)));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(event, request));
  }
});

// The capture page asks, once loaded, that it and its scripts be kept: the first visit was not loaded
// through this worker, so nothing of it is in the caches yet. It is told when they are.
self.addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "keep" || typeof data.page !== "string") return;
  event.waitUntil((async () => {
    let ok = false;
    try {
      const page = new URL(data.page, self.location.origin);
      if (page.origin === self.location.origin && CAPTURE_PAGE.test(page.pathname)) {
        ok = await keepPage(pageKey(page));
        const assets = Array.isArray(data.assets) ? data.assets : [];
        const cache = await caches.open(STATIC);
        for (const asset of assets) {
          const assetUrl = new URL(asset, self.location.origin);
          if (assetUrl.origin !== self.location.origin || !assetUrl.pathname.startsWith("/static/")) continue;
          if (await cache.match(assetUrl.href)) continue;
          const response = await fetch(assetUrl.href).catch(() => null);
          if (keepable(response)) await cache.put(assetUrl.href, response);
          else ok = false;
        }
      }
    } catch {
      ok = false;
    }
    if (event.source) event.source.postMessage({ type: "kept", page: data.page, ok });
  })());
});

function pageKey(url) {
  return url.origin + url.pathname; // no query, no fragment: one copy per capture page
}

function keepable(response) {
  return Boolean(response && response.ok && response.status === 200 && response.type === "basic" && !response.redirected);
}

async function keepPage(key) {
  const cache = await caches.open(PAGES);
  if (await cache.match(key)) return true;
  const response = await fetch(key, { credentials: "same-origin", redirect: "manual" }).catch(() => null);
  if (!keepable(response)) return false;
  await cache.put(key, response);
  return true;
}

async function networkFirst(event, key) {
  let response;
  try {
    response = await fetch(event.request);
  } catch {
    const kept = await caches.match(key, { cacheName: PAGES });
    return kept || offlinePage();
  }
  // A fresh page replaces the kept one; a redirect (logged out) or an error (no longer allowed) removes it.
  const update = caches.open(PAGES).then((cache) => (keepable(response) ? cache.put(key, response.clone()) : cache.delete(key)));
  event.waitUntil(update.catch(() => undefined));
  return response;
}

async function cacheFirst(event, request) {
  const cache = await caches.open(STATIC);
  const refresh = fetch(request).then(async (response) => {
    if (keepable(response)) await cache.put(request, response.clone());
    return response;
  });
  const kept = await cache.match(request);
  if (kept) {
    event.waitUntil(refresh.catch(() => undefined));
    return kept;
  }
  return refresh;
}

function offlinePage() {
  const body = "<!doctype html><meta charset=utf-8><title>Offline</title>" +
    "<p>There is no network, and this page was not opened on this device before. Try again when you are back online.</p>";
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
