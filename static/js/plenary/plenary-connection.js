// The plenary connection shared by the plenary page, the projector and the voting page (docs/protocol.md,
// "The plenary").
//
// It keeps the server's view of the event's statements (deleted ones too, so they can be restored), the
// items of every room (people of the event only; participants get their ballot instead), the vote tally,
// and the last change sequence applied per stream: the plenary's own, and one per room. On every
// (re)connect it sends `plenary:join` with those sequences and applies the answer (snapshots or the changes
// missed). Live `change` events are applied in `seq` order per stream: duplicates are ignored, early
// arrivals wait in a buffer, and a gap that lasts more than a second is filled by joining again with the
// current sequences (which answers with exactly what was missed).
//
// Callbacks:
//   onState({reason})              statements, items or both changed (reason: "snapshot" | "changes" | "change" | "ack")
//   onChange(kind, change, {live}) one change applied; kind is "statement" or "item"
//   onTally(tally)                 the vote tally (from the join answer or a `tally` event)
//   onBallot(ballot)               this device's ballot (participants only)
//   onConnection(state, detail)    "connecting" | "live" | "offline" | "denied" | "error"
//   onJoined()                     joined and caught up: queued mutations may be sent
//   onDisconnect()                 the connection dropped

import { applyVersioned } from "../live.js";
import { LiveSocket } from "../live-socket.js";
import { numbers } from "../statement-numbers.js";

const GAP_WAIT_MS = 1000;
const JOIN_TIMEOUT_MS = 15000;

/** Plural helper: "1 dot", "3 dots". */
export function count(n, word, plural = `${word}s`) {
  return `${n} ${n === 1 ? word : plural}`;
}

/** Per section: active statements in order, each with its display number (positions may be stale, and
 * pending changes are shown at once, so the numbers are worked out here by the server's rule). */
export function orderStatements(statements, sectionKeys, continuous = false) {
  const bySection = new Map(sectionKeys.map((key) => [key, []]));
  for (const s of statements.values()) {
    if (s.state !== "active") continue;
    if (!bySection.has(s.section)) bySection.set(s.section, []);
    bySection.get(s.section).push(s);
  }
  for (const list of bySection.values()) {
    list.sort((a, b) => a.position - b.position || String(a.updated_at).localeCompare(String(b.updated_at)));
  }
  const labels = numbers([...bySection.values()].map((list) => list.map((s) => s.id)), continuous);
  for (const list of bySection.values()) {
    for (const s of list) s.number = labels.get(s.id);
  }
  return bySection;
}

/** What a plenary page's template rendered, the same on the plenary, projector and voting pages: the event,
 *  its sections [{key, name, category}] (category: an event category), and `order(statements)`, the
 *  statements per section numbered as the event says (per section, or across sections). */
export function readPlenaryPage(root) {
  const sections = [...root.querySelectorAll("#section-index > li")].map((li) => ({
    key: li.dataset.key,
    name: li.textContent.trim(),
    category: li.dataset.category === "true",
  }));
  const sectionKeys = sections.map((s) => s.key);
  const continuous = root.dataset.continuousNumbering === "true"; // the event's numbering across sections
  return {
    event: Number.parseInt(root.dataset.event, 10),
    sections,
    sectionKeys,
    sectionName: (key) => (sections.find((s) => s.key === key) || { name: key }).name,
    order: (statements) => orderStatements(statements, sectionKeys, continuous),
  };
}

export class PlenaryConnection extends LiveSocket {
  constructor({ event, items = true, onState, onChange, onTally, onBallot, onConnection, onJoined, onDisconnect } = {}) {
    super({ onState, onChange, onTally, onBallot, onConnection, onJoined, onDisconnect });
    this.event = event;
    this.wantItems = items; // the projector and the voting page need statements only, not every room's items
    this.statements = new Map();
    this.seq = null;
    this.rooms = new Map(); // room id -> {items: Map, seq, early: Map}
    this.tally = null;
    this.ballot = null;
    this.canModerate = false;
    this._early = new Map(); // plenary seq -> change
    this._rejoining = false;
    if (!this.socket) return;
    this.socket.on("tally", (tally) => {
      if (!tally || tally.event !== this.event) return;
      this.tally = tally;
      this._call("onTally", tally);
    });
  }

  /** Every known item of every room, by id. */
  item(id) {
    for (const room of this.rooms.values()) {
      const item = room.items.get(id);
      if (item) return item;
    }
    return undefined;
  }

  *allItems() {
    for (const room of this.rooms.values()) yield* room.items.values();
  }

  /** Ask the server again for what this page may have missed (and this device's ballot). */
  refresh() {
    this._rejoin();
  }

  /** Take an acknowledged statement into the server view at once (its `change` may come later). */
  acknowledge(statement) {
    if (!statement || typeof statement.id !== "string") return;
    const known = this.statements.get(statement.id);
    if (known && known.version >= statement.version) return;
    this.statements.set(statement.id, { ...statement });
    this._call("onState", { reason: "ack" });
  }

  /** Emit with an acknowledgement; resolves to [error, answer] (error: "timeout" or "offline"). */
  request(name, payload, timeoutMs = 10000) {
    return new Promise((resolve) => {
      if (!this.socket || !this.socket.connected) {
        resolve(["offline", null]);
        return;
      }
      this.socket.timeout(timeoutMs).emit(name, payload, (err, answer) => resolve([err ? "timeout" : null, answer]));
    });
  }

  // Connection ---------------------------------------------------------------------------------------

  _connected() {
    this._join(true);
  }

  /** Join again with the current sequences (answered with only what was missed). */
  _catchUp() {
    if (this.ready && this.socket.connected && !this._rejoining) this._join(false);
  }

  _forget() {
    this._rejoining = false;
  }

  _join(fresh) {
    const generation = ++this._generation;
    if (fresh) {
      this.ready = false;
      this._connection("connecting");
    }
    clearTimeout(this._joinRetry);
    const payload = { event: this.event, since: this.seq, items: this.wantItems };
    if (this.rooms.size) {
      payload.rooms = {};
      for (const [id, room] of this.rooms) payload.rooms[String(id)] = room.seq;
    }
    this._rejoining = true;
    this.socket.timeout(JOIN_TIMEOUT_MS).emit("plenary:join", payload, (err, answer) => {
      if (generation !== this._generation) return; // a newer join or connection took over
      this._rejoining = false;
      if (err) {
        if (this.socket.connected) this._joinRetry = setTimeout(() => this.socket.connected && this._join(!this.ready), 2000);
        return;
      }
      if (!answer || answer.ok !== true) {
        const message = (answer && answer.message) || "The server refused to open the plenary.";
        if (answer && answer.error === "forbidden") this._connection("denied", message);
        else {
          this._connection("error", message);
          // A server error may pass (a restart, a busy database), and a rate limit (retry_after) does: try again.
          const wait = Math.max(1, Number(answer && answer.retry_after) || 5) * 1000;
          if (this.socket.connected) this._joinRetry = setTimeout(() => this.socket.connected && this._join(!this.ready), wait);
        }
        return;
      }
      const wasReady = this.ready;
      this.ready = true;
      this._applyAnswer(answer);
      if (!wasReady || this.state !== "live") {
        this._connection("live");
        this._call("onJoined");
      }
    });
  }

  // Applying answers and changes -------------------------------------------------------------------

  _applyAnswer(answer) {
    this.canModerate = Boolean(answer.can_moderate);
    let reason = "changes";
    const snapshot = Array.isArray(answer.statements) ? answer : answer.snapshot;
    if (snapshot && Array.isArray(snapshot.statements)) {
      this.statements = new Map();
      for (const s of snapshot.statements) this.statements.set(s.id, { ...s });
      this.seq = typeof snapshot.seq === "number" ? snapshot.seq : 0;
      reason = "snapshot";
    } else if (Array.isArray(answer.changes)) {
      for (const change of answer.changes) {
        if (this.seq !== null && change.seq <= this.seq) continue;
        this._applyStatement(change, false);
      }
      if (typeof answer.seq === "number" && (this.seq === null || answer.seq > this.seq)) this.seq = answer.seq;
    }
    for (const seq of [...this._early.keys()]) if (seq <= this.seq) this._early.delete(seq);

    if (answer.rooms && typeof answer.rooms === "object") {
      for (const [key, state] of Object.entries(answer.rooms)) this._applyRoomState(Number(key), state);
    }
    if (answer.tally) {
      this.tally = answer.tally;
      this._call("onTally", answer.tally);
    }
    if (answer.ballot) {
      this.ballot = answer.ballot;
      this._call("onBallot", answer.ballot);
    }
    this._call("onState", { reason });
    this._drain();
  }

  _room(id) {
    let room = this.rooms.get(id);
    if (!room) {
      room = { items: new Map(), seq: null, early: new Map() };
      this.rooms.set(id, room);
    }
    return room;
  }

  _applyRoomState(id, state) {
    if (!state || typeof state !== "object") return;
    const room = this._room(id);
    const snapshot = state.snapshot || (Array.isArray(state.items) ? state : null);
    if (snapshot) {
      room.items = new Map();
      for (const item of snapshot.items || []) room.items.set(item.id, { ...item });
      room.seq = typeof snapshot.seq === "number" ? snapshot.seq : 0;
    } else if (Array.isArray(state.changes)) {
      for (const change of state.changes) {
        if (room.seq !== null && change.seq <= room.seq) continue;
        this._applyItem(room, change, false);
      }
      if (typeof state.seq === "number" && (room.seq === null || state.seq > room.seq)) room.seq = state.seq;
    }
    for (const seq of [...room.early.keys()]) if (seq <= room.seq) room.early.delete(seq);
  }

  _incoming(change) {
    if (!change || typeof change.seq !== "number") return;
    if (typeof change.room === "number") {
      const room = this.rooms.get(change.room);
      if (!room) {
        // A room we have no state for (made after we joined): joining again brings its snapshot.
        if (this.ready) this._rejoin();
        return;
      }
      if (this.ready && room.seq !== null && change.seq <= room.seq) return;
      room.early.set(change.seq, change);
    } else if (change.event === this.event) {
      if (this.ready && this.seq !== null && change.seq <= this.seq) return;
      this._early.set(change.seq, change);
    } else {
      return;
    }
    if (this.ready) this._drain();
  }

  /** Apply buffered changes while they follow on; wait (then join again) when one is missing. */
  _drain() {
    if (!this.ready) return;
    let applied = false;
    while (this.seq !== null && this._early.has(this.seq + 1)) {
      const change = this._early.get(this.seq + 1);
      this._early.delete(change.seq);
      this._applyStatement(change, true);
      applied = true;
    }
    let waiting = this._early.size > 0;
    for (const room of this.rooms.values()) {
      while (room.seq !== null && room.early.has(room.seq + 1)) {
        const change = room.early.get(room.seq + 1);
        room.early.delete(change.seq);
        this._applyItem(room, change, true);
        applied = true;
      }
      if (room.early.size > 0) waiting = true;
    }
    if (applied) this._call("onState", { reason: "change" });
    if (!waiting) {
      clearTimeout(this._gapTimer);
      this._gapTimer = null;
    } else if (!this._gapTimer) {
      this._gapTimer = setTimeout(() => {
        this._gapTimer = null;
        if (this._early.size > 0 || [...this.rooms.values()].some((r) => r.early.size > 0)) this._rejoin();
      }, GAP_WAIT_MS);
    }
  }

  /** Fill a gap: join again with the current sequences (the answer carries what was missed). */
  _rejoin() {
    if (this._rejoining || !this.ready || !this.socket.connected) return;
    this._join(false);
  }

  _applyStatement(change, live) {
    applyVersioned(this.statements, change.statement, change.orders, "section");
    this.seq = change.seq;
    this._call("onChange", "statement", change, { live });
  }

  _applyItem(room, change, live) {
    applyVersioned(room.items, change.item, change.orders, "category");
    room.seq = change.seq;
    this._call("onChange", "item", change, { live });
  }
}
