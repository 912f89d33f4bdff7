// The room connection shared by the capture page and the board (see docs/protocol.md).
//
// It keeps the server's view of one room: every item by id (deleted ones too, so they can be restored),
// the room's summary (and whether its board shows it) and the last change sequence applied. On every (re)connect it joins with that sequence and applies the
// answer (a snapshot or the changes missed), then applies the `change` events in `seq` order: duplicates
// are ignored, early arrivals wait in a buffer, and a gap that lasts more than a second is filled with `sync`.
// The capture page also keeps the last room it showed in localStorage (see the constructor's `keepFor`).
//
// The page is told what happened through callbacks:
//   onState({items, seq, reason})       the item map changed (reason: "snapshot" | "changes" | "change" | "ack")
//   onChange(change, {live})            one change was applied (live: it came as an event, not a catch-up)
//   onPresence(people)                  who has the room open
//   onConnection(state, detail)         "connecting" | "live" | "offline" | "denied" | "error"
//   onJoined({canWrite, seq})           the join (and catch-up) is complete: the outbox may be flushed
//   onDisconnect()                      the connection dropped (the outbox stops sending)

import { LiveSocket } from "./live-socket.js";

const GAP_WAIT_MS = 1000;
const JOIN_TIMEOUT_MS = 10000;
const KEPT_PREFIX = "facilitator.room-view."; // + user id: the last room this user's browser had open
const KEPT_MAX_CHARS = 2000000; // a bigger room is not kept: the outbox must never run out of storage
const KEEP_DELAY_MS = 1000;

export class RoomConnection extends LiveSocket {
  /** `keepFor` (a user id): keep a copy of the room in this browser, shown at once on the next load, also
   *  with no network; the join then asks only for what changed since. Only the last room is kept. */
  constructor({ room, keepFor, onState, onChange, onPresence, onConnection, onJoined, onDisconnect } = {}) {
    super({ onState, onChange, onPresence, onConnection, onJoined, onDisconnect });
    this.room = room;
    this.items = new Map();
    this.summary = { text: "", version: 0, updated_at: null, author: null };
    this.showSummary = false;
    this.lastSeq = null;
    this.canWrite = false;
    this._early = new Map(); // seq -> change that arrived ahead of a gap (or before the join answer)
    this._syncing = false;
    this._keptKey = keepFor ? KEPT_PREFIX + keepFor : null;
    this._keepTimer = null;
    if (this._keptKey) {
      this._restore();
      window.addEventListener("pagehide", () => this._keep());
    }
    if (!this.socket) return;
    this.socket.on("presence", (data) => {
      if (data && data.room === this.room) this._call("onPresence", Array.isArray(data.people) ? data.people : []);
    });
  }

  /** Active items of one category, in order. */
  ordered(category) {
    return sortItems([...this.items.values()].filter((i) => i.category === category && i.state === "active"));
  }

  /** Take an acknowledged item into the server view at once (its `change` event may come later). */
  acknowledge(item) {
    if (!item || typeof item.id !== "string") return;
    const known = this.items.get(item.id);
    if (known && known.version >= item.version) return;
    this.items.set(item.id, { ...item });
    this._state("ack");
  }

  /** Take an acknowledged summary into the server view at once (versions only go up). */
  acknowledgeSummary(summary) {
    if (this._takeSummary(summary)) this._state("ack");
  }

  _takeSummary(summary) {
    if (!summary || typeof summary.text !== "string" || !(summary.version > this.summary.version)) return false;
    this.summary = { ...summary };
    return true;
  }

  // Connection ---------------------------------------------------------------------------------------

  _connected() {
    this._join();
  }

  _catchUp() {
    this._sync();
  }

  _forget() {
    this._syncing = false;
  }

  _join() {
    const generation = ++this._generation;
    this.ready = false;
    clearTimeout(this._joinRetry);
    this._connection("connecting");
    this.socket.timeout(JOIN_TIMEOUT_MS).emit("join", { room: this.room, since: this.lastSeq }, (err, answer) => {
      if (generation !== this._generation) return; // a newer connection took over
      if (err) {
        // No answer in time: try again on this connection (the server may be busy).
        if (this.socket.connected) this._joinRetry = setTimeout(() => this.socket.connected && this._join(), 2000);
        return;
      }
      if (!answer || answer.ok !== true) {
        const message = (answer && answer.message) || "The server refused to open this room.";
        this._connection(answer && answer.error === "forbidden" ? "denied" : "error", message);
        // Too many joins from this network for now: join again when the server says it will answer.
        if (answer && answer.error === "rate_limited" && this.socket.connected) {
          const wait = Math.max(1, Number(answer.retry_after) || 5) * 1000;
          this._joinRetry = setTimeout(() => this.socket.connected && this._join(), wait);
        }
        return;
      }
      this.canWrite = Boolean(answer.can_write);
      this.ready = true;
      this._applyAnswer(answer);
      this._connection("live");
      this._call("onJoined", { canWrite: this.canWrite, seq: this.lastSeq });
    });
  }

  // The copy kept in this browser ------------------------------------------------------------------

  _state(reason) {
    this._call("onState", { items: this.items, seq: this.lastSeq, reason });
    if (this._keptKey && !this._keepTimer) {
      this._keepTimer = setTimeout(() => this._keep(), KEEP_DELAY_MS);
    }
  }

  _restore() {
    try {
      const kept = JSON.parse(window.localStorage.getItem(this._keptKey) || "null");
      if (!kept || kept.room !== this.room || typeof kept.seq !== "number" || !Array.isArray(kept.items)) return;
      if (!kept.summary || typeof kept.summary.text !== "string") return; // kept before summaries: start afresh
      for (const item of kept.items) if (item && typeof item.id === "string") this.items.set(item.id, item);
      this.summary = kept.summary;
      this.showSummary = Boolean(kept.showSummary);
      this.lastSeq = kept.seq; // the items hold every change up to here: the join asks for the rest
    } catch {
      // Unreadable: start without it, as on a first visit.
    }
  }

  _keep() {
    clearTimeout(this._keepTimer);
    this._keepTimer = null;
    if (this.lastSeq === null) return;
    try {
      const text = JSON.stringify({ room: this.room, seq: this.lastSeq, items: [...this.items.values()],
        summary: this.summary, showSummary: this.showSummary });
      if (text.length > KEPT_MAX_CHARS) window.localStorage.removeItem(this._keptKey);
      else window.localStorage.setItem(this._keptKey, text);
    } catch {
      // Storage full or switched off: go without the copy, and leave the space to the outbox.
      try {
        window.localStorage.removeItem(this._keptKey);
      } catch {
        // storage is switched off altogether
      }
    }
  }

  // Applying answers and changes -------------------------------------------------------------------

  /** A join or sync answer: a snapshot (both shapes) or the changes after `since`. */
  _applyAnswer(answer) {
    const snapshot = answer.snapshot || (Array.isArray(answer.items) ? answer : null);
    if (snapshot) {
      this.items = new Map();
      for (const item of snapshot.items || []) this.items.set(item.id, { ...item });
      if (snapshot.summary && typeof snapshot.summary.text === "string") this.summary = { ...snapshot.summary };
      this.showSummary = Boolean(snapshot.show_summary);
      this.lastSeq = typeof snapshot.seq === "number" ? snapshot.seq : 0;
      this._state("snapshot");
    } else if (Array.isArray(answer.changes)) {
      for (const change of answer.changes) {
        if (this.lastSeq !== null && change.seq <= this.lastSeq) continue;
        this._apply(change, false);
      }
      if (typeof answer.seq === "number" && (this.lastSeq === null || answer.seq > this.lastSeq)) {
        this.lastSeq = answer.seq;
      }
      this._state("changes");
    }
    // Changes that came while we waited for the answer: drop what the answer covered, keep the rest.
    for (const seq of [...this._early.keys()]) if (seq <= this.lastSeq) this._early.delete(seq);
    this._drain();
  }

  _incoming(change) {
    if (!change || change.room !== this.room || typeof change.seq !== "number") return;
    if (!this.ready || this.lastSeq === null) {
      this._early.set(change.seq, change); // the join answer will tell which of these are new
      return;
    }
    if (change.seq <= this.lastSeq) return; // a duplicate
    this._early.set(change.seq, change);
    this._drain();
  }

  /** Apply buffered changes while they follow on; wait (then sync) when one is missing. */
  _drain() {
    let applied = false;
    while (this._early.has(this.lastSeq + 1)) {
      const change = this._early.get(this.lastSeq + 1);
      this._early.delete(change.seq);
      this._apply(change, true);
      applied = true;
    }
    if (applied) this._state("change");
    if (this._early.size === 0) {
      clearTimeout(this._gapTimer);
      this._gapTimer = null;
    } else if (!this._gapTimer && this.ready) {
      this._gapTimer = setTimeout(() => {
        this._gapTimer = null;
        if (this._early.size > 0) this._sync();
      }, GAP_WAIT_MS);
    }
  }

  _sync() {
    if (this._syncing || !this.ready || !this.socket.connected) return;
    this._syncing = true;
    const generation = this._generation;
    this.socket.timeout(JOIN_TIMEOUT_MS).emit("sync", { room: this.room, since: this.lastSeq }, (err, answer) => {
      if (generation !== this._generation) return;
      this._syncing = false;
      if (err || !answer || answer.ok !== true) {
        if (this._early.size > 0) this._gapTimer = setTimeout(() => { this._gapTimer = null; this._sync(); }, 3000);
        return;
      }
      this._applyAnswer(answer);
    });
  }

  _apply(change, live) {
    if (change.op === "summary") this._takeSummary(change.summary);
    else if (change.op === "show_summary") this.showSummary = Boolean(change.show_summary);
    else applyVersioned(this.items, change.item, change.orders, "category");
    this.lastSeq = change.seq;
    this._call("onChange", change, { live });
  }
}

/**
 * Apply one change's entity (an item or a statement) and its new orders to `map` (id -> entity).
 * Versions only go up: an acknowledged entity may already be newer than the change that announces it.
 * `orders` maps a group (category or section) to the ids in their new order; `groupField` names it.
 */
export function applyVersioned(map, entity, orders, groupField) {
  if (entity && typeof entity.id === "string") {
    const known = map.get(entity.id);
    if (!known || !(known.version > entity.version)) map.set(entity.id, { ...entity });
  }
  if (!orders || typeof orders !== "object") return;
  for (const [group, ids] of Object.entries(orders)) {
    if (!Array.isArray(ids)) continue;
    ids.forEach((id, position) => {
      const entry = map.get(id);
      if (entry) {
        entry.position = position;
        entry[groupField] = group;
      }
    });
  }
}

/** `fn` wrapped so that calls made in one task run it once, after that task: pages draw once per batch. */
export function batched(fn) {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      fn();
    });
  };
}

/**
 * Make `list` hold exactly `nodes`, in this order, moving only those out of place: an element that stays
 * keeps its focus, its selection and any running animation.
 */
export function placeInOrder(list, nodes) {
  let cursor = list.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else list.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextElementSibling;
    cursor.remove();
    cursor = next;
  }
}

export function sortItems(items) {
  return items.sort((a, b) => a.position - b.position || String(a.created_at).localeCompare(String(b.created_at)));
}

/** Read the page's configuration from the data- attributes of its root element. */
export function pageConfig(root) {
  const data = root.dataset;
  return {
    room: Number.parseInt(data.room, 10),
    user: data.user,
    canWrite: data.canWrite === "true",
    maxLength: Number.parseInt(data.maxLength, 10) || 4000,
    maxSummaryLength: Number.parseInt(data.maxSummaryLength, 10) || 50000,
    maxMessageBytes: Number.parseInt(data.maxMessageBytes, 10) || undefined,
  };
}
