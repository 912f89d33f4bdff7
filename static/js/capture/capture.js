// The rapporteur's capture page: type items under each category; everything goes through the outbox, so it
// works offline and after a reload. User text is only ever set with textContent / value.
//
// This module wires the page together. Each part gets what it uses, explicitly, and returns what it offers;
// each depends only on the parts above it in this list (`ui`: what is shown, scheduleRender, announce,
// activateTab; `store`: the items as shown, and send):
//   tabs.js             one tab per category on narrow screens
//   actions.js          adding, editing, deleting (with undo) and moving items
//   notices.js          changes the server refused, shown with the user's text
//   summary.js          the room's summary, typed beside the items
//   render.js           draws the items (with their notices), the summary, the save status and who is here
//   input.js            the items' buttons, keyboard shortcuts, drag and drop

import { RoomConnection, batched, pageConfig } from "../live.js";
import { MESSAGES, connectionMessage, loginMessage, showMessage } from "../connection-messages.js";
import { Outbox, overlay } from "./outbox.js";
import { announcer, el } from "../dom.js";
import { truncate } from "./text.js";
import { setupRender } from "./render.js";
import { setupNotices } from "./notices.js";
import { setupActions } from "./actions.js";
import { setupInput } from "./input.js";
import { setupTabs } from "./tabs.js";
import { setupSummary } from "./summary.js";

export { cleanText, textLength } from "./text.js";

const LOGIN_ENDED = "Your login has ended: new notes are kept in this browser, not sent yet.";

const root = document.getElementById("capture");
if (root) {
  start(root);
  keepForOffline(root);
}

/**
 * Register the service worker (static/sw.js) and ask it to keep this page and its scripts, so that a
 * reload with no network still opens the page, with the outbox. `data-offline` on the root says how far it
 * got: "kept" once the page can be reloaded offline, "unavailable" where the browser cannot (no service
 * workers outside HTTPS, except on localhost).
 */
function keepForOffline(root) {
  const url = root.dataset.serviceWorker;
  if (!url || !("serviceWorker" in navigator)) {
    root.dataset.offline = "unavailable";
    return;
  }
  const page = window.location.pathname;
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data;
    if (data && data.type === "kept" && data.page === page) root.dataset.offline = data.ok ? "kept" : "failed";
  });
  navigator.serviceWorker.register(url, { scope: root.dataset.serviceWorkerScope || "/" })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const assets = new Set();
      for (const entry of performance.getEntriesByType("resource")) assets.add(entry.name);
      for (const node of document.querySelectorAll("script[src], link[rel~='stylesheet'][href], link[rel~='icon'][href]")) {
        assets.add(node.src || node.href);
      }
      const own = [...assets].filter((a) => a.startsWith(`${window.location.origin}/static/`));
      if (registration.active) registration.active.postMessage({ type: "keep", page, assets: own });
    })
    .catch((error) => {
      root.dataset.offline = "failed";
      console.warn("facilitator: this page cannot be kept for offline use", error); // eslint-disable-line no-console
    });
}

/** The categories' columns, by category key, with the elements the page uses in each. */
function findColumns(root) {
  const columns = new Map();
  for (const section of root.querySelectorAll(".category-column[data-category]")) {
    const key = section.dataset.category;
    columns.set(key, {
      key,
      name: section.dataset.name || key,
      section,
      heading: section.querySelector(".column-heading"),
      count: section.querySelector(".column-count"),
      form: section.querySelector(".new-item-form"),
      input: section.querySelector("textarea.new-item"),
      counter: section.querySelector(".char-count"),
      error: section.querySelector(".new-item-error"),
      notices: section.querySelector(".column-notices"),
      list: section.querySelector("ol.items"),
      empty: section.querySelector(".empty-column"),
      tab: root.querySelector(`.category-tab[data-category="${CSS.escape(key)}"]`),
    });
  }
  return columns;
}

function start(root) {
  const config = pageConfig(root);
  const me = root.dataset.me || "";
  const connectionEl = document.getElementById("connection-message");
  const columns = findColumns(root);
  const categoryKeys = [...columns.keys()];
  let storageWarning = null;

  const elements = new Map(); // item id -> li
  const editing = new Map(); // item id -> {base, original}
  const numberFormat = new Intl.NumberFormat();
  let renderer = null; // made once the parts it draws are
  const ui = {
    state: {
      view: { items: new Map(), orders: new Map() }, // what is shown: the server's items with the outbox applied
      focusAfterRender: null, // an item id or an element, focused after the next render
    },
    scheduleRender: batched(() => renderer.render()),
    /** Tell screen reader users (the live region repeats a text only if it changes). */
    announce: announcer(document.getElementById("announcer")),
    activateTab: setupTabs({ root, config, columns, categoryKeys }),
  };
  const parts = { root, config, columns, categoryKeys, firstColumn: columns.get(categoryKeys[0]), elements, editing, ui };
  let notices = null;
  let summary = null;

  // Connection and outbox -----------------------------------------------------------------------------

  const outbox = new Outbox({
    user: config.user,
    room: config.room,
    maxBytes: config.maxMessageBytes,
    onChange: () => ui.scheduleRender(),
    onAck: (entry, answer) => {
      if (entry.op === "summary") summary.summaryAcked(entry, answer);
      else if (answer.item && answer.item.room === config.room) live.acknowledge(answer.item);
    },
    onReject: (entry, answer, later) => {
      if (entry.op === "summary") summary.summaryRejected(entry, answer);
      else notices.rejected(entry, answer, later);
    },
    onLoginRequired: () => {
      loginMessage(connectionEl, root.dataset.loginUrl, LOGIN_ENDED);
      live.socket.disconnect(); // no more attempts until the next login
      ui.scheduleRender();
    },
    onStorageError: () => {
      if (storageWarning) return;
      storageWarning = el("p", {
        className: "flash flash-info storage-warning",
        text: "This browser cannot keep unsent notes across a reload (its storage is full or switched off). " +
          "Keep this page open until the status says Saved.",
      });
      connectionEl.after(storageWarning);
    },
  });

  const live = new RoomConnection({
    room: config.room,
    keepFor: config.user, // a reload with no network shows the room as last seen, not only the queued notes
    onState: () => ui.scheduleRender(),
    onChange: (change, { live: isLive }) => {
      if (!isLive || change.op !== "create" || !change.item) return;
      const mine = outbox.entries.some((e) => e.item === change.item.id) || change.item.author === me;
      if (mine) return;
      const column = columns.get(change.item.category);
      ui.announce(`New in ${column ? column.name : change.item.category}${change.item.author ? ` from ${change.item.author}` : ""}: ${truncate(change.item.text)}`);
      renderer.flash(change.item.id);
    },
    onPresence: (people) => renderer.renderPresence(people),
    onConnection: (state, detail) => connection(state, detail),
    onJoined: ({ canWrite }) => {
      if (!canWrite) {
        showMessage(connectionEl, "You can no longer write in this room, so new notes will not be saved. Ask the secretariat.");
      }
      outbox.joinedRoom();
    },
    onDisconnect: () => outbox.disconnected(),
  });
  if (live.socket) outbox.attach(live.socket);

  function connection(state, detail) {
    // Refused for want of a login (logged out in another tab while this one was offline): what is queued
    // stays in this browser, as for a login_required answer. The page works offline: no "Reload".
    connectionMessage(connectionEl, state, detail, { loginUrl: root.dataset.loginUrl, loginText: LOGIN_ENDED,
      noAccess: MESSAGES.noAccess.room, failed: "The live connection failed." });
    ui.scheduleRender();
  }

  /** The current view, computed now (enqueueing several mutations in a row needs each one's result). */
  function freshView() {
    ui.state.view = overlay(live.items, outbox.entries, { author: me, categories: categoryKeys });
    return ui.state.view;
  }

  /** Queue a mutation on an item, based on the version the item will have after what is queued. */
  function send(mutation, baseVersion) {
    if (mutation.op !== "create") {
      const item = freshView().items.get(mutation.item);
      if (!item) return null;
      mutation.base_version = baseVersion ?? item.version;
    }
    return outbox.enqueue(mutation);
  }

  function itemOf(id) {
    return freshView().items.get(id);
  }

  // The parts, each given the ones it uses, then the first render ----------------------------------------

  const store = { freshView, send, itemOf };
  const actions = setupActions({
    ...parts, store, maxLength: config.maxLength, numberFormat, toast: document.getElementById("undo-toast"),
    toastMessage: document.getElementById("undo-message"), undoButton: document.getElementById("undo-button"),
  });
  notices = setupNotices({ ...parts, store, outbox, live, actions });
  summary = setupSummary({ config, outbox, live, numberFormat, announce: ui.announce });
  renderer = setupRender({
    ...parts, store, outbox, live, notices, summary, me,
    questions: [...document.querySelectorAll("#guiding-questions > li")].map((li) => li.textContent.trim()),
    statusEl: document.getElementById("save-status"),
    presenceEl: document.getElementById("presence-list"),
  });
  setupInput({ ...parts, store, actions });
  renderer.render();
}
