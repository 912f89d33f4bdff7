// The capture page's durable outbox (docs/protocol.md, "The browser outbox").
//
// Every mutation is written to localStorage before it is sent, and stays there until the server answers
// it. Mutations go out one at a time, in order, only while the room is joined and caught up. An `ok` answer
// removes the mutation; a refusal (conflict, invalid, not_found, forbidden) removes it, and every later
// mutation of the same item (they were built on top of it), and hands them to the page so that it can show
// them with the user's text. A lost connection or a rate_limited answer keeps it for a later retry. So that
// one mutation never holds up the ones behind it, it is also handed to the page as "failed" after
// MAX_FAILURES server errors (or sends unanswered while connected) in a row, and as "too_large", unsent, when
// it is bigger than `maxBytes` (the server's MAX_MESSAGE_BYTES: far under what the socket carries).
//
// `overlay()` applies the queued mutations on top of the server's items, which is what the page shows:
// a new item appears at once (marked pending), also after a reload, since the outbox is read back on load.

import { newId } from "../ids.js";
import { REFUSALS, RetryQueue } from "../retry-queue.js";

const MAX_BYTES = 64 * 1024;
const FIELDS = ["room", "op", "mutation_id", "item", "base_version", "text", "category", "position", "key_point", "question"];

export class Outbox extends RetryQueue {
  constructor({ user, room, maxBytes, onChange, onAck, onReject, onStorageError, onLoginRequired } = {}) {
    super("outbox", { onChange, onAck, onReject, onStorageError, onLoginRequired });
    this.room = room;
    this.maxBytes = maxBytes || MAX_BYTES;
    this.key = `facilitator.outbox.${user}.${room}`;
    this.entries = this._load();
    // Mutations that may have reached the server: every one sent by this page, and all it found stored (a
    // page before a reload, or another tab, may have sent them). Only the others may still be replaced.
    this.maybeSent = new Set(this.entries.map((e) => e.mutation_id));
    this.socket = null;
    this.joined = false; // the room is joined and caught up: sending is allowed
    window.addEventListener("storage", (event) => {
      // Another tab of the same user and room changed the outbox: take its list (resends are harmless).
      if (event.key !== this.key) return;
      this.entries = this._load();
      for (const e of this.entries) this.maybeSent.add(e.mutation_id);
      this._changed();
      this.pump();
    });
  }

  /** Called by the page: the socket to send on. */
  attach(socket) {
    this.socket = socket;
  }

  /** The join and catch-up are done: resend everything, in order. */
  joinedRoom() {
    this.joined = true;
    this._resume();
  }

  /** The connection dropped: stop; what was in flight stays queued and is resent after the next join. */
  disconnected() {
    this.joined = false;
    this._stop();
  }

  /** Queue a mutation: saved first, then sent (when connected). Returns the stored mutation. */
  enqueue(mutation) {
    const entry = { ...mutation, room: this.room, mutation_id: mutation.mutation_id || newId() };
    for (const key of Object.keys(entry)) if (!FIELDS.includes(key) || entry[key] === undefined) delete entry[key];
    this.entries.push(entry);
    this._save();
    this._changed();
    this.pump();
    return entry;
  }

  /** Put `mutation` in the place of the queued `entry`, as one new mutation, when `entry` cannot have reached
   *  the server yet (so that typing coalesces into one pending change); returns the new entry, or null. */
  replaceUnsent(entry, mutation) {
    const at = this.entries.findIndex((e) => e.mutation_id === entry.mutation_id);
    if (at < 0 || this.maybeSent.has(entry.mutation_id)) return null;
    this.entries.splice(at, 1);
    return this.enqueue(mutation);
  }

  /** Send the first queued mutation, if allowed and nothing is in flight. */
  pump() {
    if (!this._canSend(this.socket, this.joined)) return;
    const entry = this.entries[0];
    if (!entry) return;
    const bytes = messageBytes(entry);
    if (bytes > this.maxBytes) {
      const kb = (n) => `${Math.ceil(n / 1024)} kB`;
      this._giveUp(entry, { ok: false, error: "too_large",
        message: `This change is too large to send (${kb(bytes)}; the limit is ${kb(this.maxBytes)}). Copy the text and split it.` });
      return;
    }
    this.maybeSent.add(entry.mutation_id);
    this._emit(this.socket, "mutate", entry, entry, (answer) => {
      if (answer.ok === true) {
        this.attempts = 0;
        this._remove([entry.mutation_id]);
        this._call("onAck", entry, answer);
      } else if (REFUSALS.has(answer.error)) {
        this._giveUp(entry, answer);
        return;
      } else if (answer.error === "login_required") {
        // Logged out in another tab, or the login expired: keep everything and stop sending; after the
        // next login this page (reloaded) finds the outbox in storage and sends it.
        this._call("onLoginRequired", entry, answer);
        return;
      } else if (answer.error === "rate_limited") {
        this._retryLater(); // sent too fast: not this mutation's fault
        return;
      } else {
        this._failedAgain(entry, entry.mutation_id); // server_error (nothing was saved) or an unknown answer
        return;
      }
      this._changed();
      this.pump();
    });
  }

  /** Status for the indicator, given the connection state. */
  status(connection) {
    const n = this.entries.length;
    if (connection === "connecting" && !this.joined) {
      return n ? { state: "pending", text: `Saving… (${n})` } : { state: "pending", text: "Connecting…" };
    }
    if (!this.joined) return { state: "offline", text: `Offline (${n})` };
    if (n) return { state: "pending", text: `Saving… (${n})` };
    return { state: "saved", text: "Saved" };
  }

  // Internals -----------------------------------------------------------------------------------------

  /** Take `entry` out of the queue, with the later mutations of its item (they were built on top of it,
   *  and sending them now could apply them to a version they were not made on), and hand them to the page
   *  to show with the user's text; then go on with the rest. */
  _giveUp(entry, answer) {
    this.attempts = 0;
    const later = this.entries.filter((e) => e.item === entry.item && e.mutation_id !== entry.mutation_id);
    this._remove([entry.mutation_id, ...later.map((e) => e.mutation_id)]);
    this._call("onReject", entry, answer, later);
    this._changed();
    this.pump();
  }

  _remove(ids) {
    const gone = new Set(ids);
    this.entries = this.entries.filter((e) => !gone.has(e.mutation_id));
    this._save();
  }

  _load() {
    try {
      const raw = window.localStorage.getItem(this.key);
      const list = raw ? JSON.parse(raw) : [];
      return Array.isArray(list) ? list.filter((e) => e && typeof e === "object" && e.mutation_id && e.op) : [];
    } catch {
      return [];
    }
  }

  _save() {
    try {
      if (this.entries.length) window.localStorage.setItem(this.key, JSON.stringify(this.entries));
      else window.localStorage.removeItem(this.key);
    } catch (error) {
      this._call("onStorageError", error);
    }
  }
}

/** Bytes of a mutation as the socket sends it (UTF-8 JSON). */
function messageBytes(entry) {
  return new TextEncoder().encode(JSON.stringify(["mutate", entry])).length;
}

/**
 * The items as the user should see them: the server's items with the queued mutations applied in order.
 * Returns {items: Map(id -> item with `pending`), orders: Map(category -> [active ids])}. Each item's
 * `version` is the one it will have once its queued mutations are applied: the next mutation's base.
 */
export function overlay(serverItems, entries, { author = "", categories = [] } = {}) {
  const items = new Map();
  const orders = new Map(categories.map((key) => [key, []]));
  const sorted = [...serverItems.values()].sort(
    (a, b) => a.position - b.position || String(a.created_at).localeCompare(String(b.created_at)),
  );
  for (const item of sorted) {
    items.set(item.id, { ...item, pending: false });
    if (item.state !== "active") continue;
    if (!orders.has(item.category)) orders.set(item.category, []);
    orders.get(item.category).push(item.id);
  }
  const take = (id) => {
    for (const ids of orders.values()) {
      const at = ids.indexOf(id);
      if (at >= 0) ids.splice(at, 1);
    }
  };
  const put = (id, category, position) => {
    if (!orders.has(category)) orders.set(category, []);
    const ids = orders.get(category);
    const at = typeof position === "number" ? Math.min(Math.max(position, 0), ids.length) : ids.length;
    ids.splice(at, 0, id);
  };

  for (const m of entries) {
    const current = items.get(m.item);
    if (m.op === "create") {
      if (current) continue; // already on the server: its answer is on the way
      items.set(m.item, {
        id: m.item,
        room: m.room,
        category: m.category,
        text: m.text,
        position: 0,
        key_point: Boolean(m.key_point),
        question: typeof m.question === "number" && m.question >= 0 ? m.question : null,
        state: "active",
        version: 1,
        author,
        created_at: new Date().toISOString(),
        pending: true,
      });
      put(m.item, m.category, m.position);
      continue;
    }
    if (!current) continue; // unknown here; the server will answer not_found
    if (m.op === "edit") {
      if (typeof m.text === "string") current.text = m.text;
      if (typeof m.key_point === "boolean") current.key_point = m.key_point;
      if ("question" in m) current.question = typeof m.question === "number" && m.question >= 0 ? m.question : null;
      if (typeof m.category === "string" && m.category !== current.category) {
        take(m.item);
        current.category = m.category;
        if (current.state === "active") put(m.item, m.category);
      }
    } else if (m.op === "move") {
      take(m.item);
      if (typeof m.category === "string") current.category = m.category;
      if (current.state === "active") put(m.item, current.category, m.position);
    } else if (m.op === "delete") {
      take(m.item);
      current.state = "deleted";
    } else if (m.op === "restore") {
      take(m.item);
      current.state = "active";
      put(m.item, current.category, current.position);
    }
    if (typeof m.base_version === "number") current.version = m.base_version + 1;
    current.pending = true;
  }
  for (const ids of orders.values()) {
    ids.forEach((id, position) => {
      items.get(id).position = position;
    });
  }
  return { items, orders };
}
