// Statement mutations of the plenary page: sent one at a time, each with an acknowledgement and a timeout.
//
// A timeout or a lost connection sends the SAME mutation again (same mutation_id, same payload): the server
// applies each id once and answers a resend with its stored answer. The payload is fixed when the mutation
// is first sent. Its base_version is:
//   - for an edit, the version the moderator edited, moved on past versions made by this page's own
//     mutations (so that "edit, then move" by one person never conflicts with itself);
//   - for the structural ops (move, merge, unmerge, delete, restore), the newest version known. These carry
//     no wording that could be overwritten, so after a conflict they are retried once more, as a new
//     mutation on the current version.
// A server error (or no answer while connected) is retried after a growing pause; after MAX_FAILURES in a
// row the mutation is set aside and handed to the page (onReject, error "failed") to show with "Try again".
// `view()` shows the statements with the queued mutations applied, so the page reacts at once.

import { newId } from "../ids.js";
import { REFUSALS, RetryQueue } from "../retry-queue.js";

const STRUCTURAL = new Set(["move", "merge", "unmerge", "delete", "restore"]);

export class StatementQueue extends RetryQueue {
  constructor({ connection, event, onChange, onAck, onReject } = {}) {
    super("statement queue", { onChange, onAck, onReject });
    this.connection = connection;
    this.event = event;
    this.entries = []; // {op, statement, fields, baseVersion, payload, conflicts}
    this.own = new Map(); // statement id -> Set of versions made by this page's mutations
    window.addEventListener("beforeunload", (event) => {
      if (this.entries.length) {
        event.preventDefault();
        event.returnValue = ""; // eslint-disable-line no-param-reassign
      }
    });
  }

  /** Queue a statement mutation. `baseVersion` (edits): the version the text was edited from. */
  enqueue(op, statement, fields = {}, baseVersion = null) {
    const entry = { op, statement, fields, baseVersion, payload: null, conflicts: 0 };
    this.entries.push(entry);
    this._changed();
    this.pump();
    return entry;
  }

  /** Queue again, at the end, a mutation that was set aside: the same payload (same mutation_id: if the
   *  server did save it meanwhile, it answers with its stored answer instead of applying it twice). */
  retry(entry) {
    this.entries.push({ ...entry, conflicts: 0 });
    this._changed();
    this.pump();
  }

  joined() {
    this._resume();
  }

  disconnected() {
    this._stop();
  }

  pump() {
    const socket = this.connection.socket;
    if (!this._canSend(socket, this.connection.ready)) return;
    const entry = this.entries[0];
    if (!entry) return;
    if (!entry.payload) entry.payload = this._payload(entry);
    this._emit(socket, "plenary:mutate", entry, entry.payload, (answer) => {
      if (answer.ok === true) {
        this.attempts = 0;
        this._remove(entry);
        if (answer.statement) {
          if (!this.own.has(answer.statement.id)) this.own.set(answer.statement.id, new Set());
          this.own.get(answer.statement.id).add(answer.statement.version);
          this.connection.acknowledge(answer.statement);
        }
        this._call("onAck", entry, answer);
      } else if (answer.error === "conflict" && STRUCTURAL.has(entry.op) && entry.conflicts < 2 && answer.statement) {
        // Someone changed the statement meanwhile; a move or an unmerge does not overwrite their words.
        this.attempts = 0;
        this.connection.acknowledge(answer.statement);
        entry.conflicts += 1;
        entry.payload = this._payload(entry);
      } else if (REFUSALS.has(answer.error)) {
        if (answer.statement) this.connection.acknowledge(answer.statement);
        this._giveUp(entry, answer);
        return;
      } else {
        this._failedAgain(entry, entry.payload.mutation_id); // server_error: nothing was saved
        return;
      }
      this._changed();
      this.pump();
    });
  }

  status(connection) {
    const n = this.entries.length;
    if (connection === "connecting" && !this.connection.ready) {
      return n ? { state: "pending", text: `Saving… (${n})` } : { state: "pending", text: "Connecting…" };
    }
    if (connection === "denied" || connection === "error") return { state: "offline", text: n ? `Not saved (${n})` : "Not connected" };
    if (!this.connection.ready) return { state: "offline", text: `Offline (${n})` };
    if (n) return { state: "pending", text: `Saving… (${n})` };
    return { state: "saved", text: "Saved" };
  }

  /** The statements as the moderator should see them: the server's, with the queued mutations applied. */
  view() {
    const out = new Map();
    for (const [id, s] of this.connection.statements) out.set(id, { ...s, items: [...(s.items || [])], pending: false });
    for (const entry of this.entries) {
      const s = out.get(entry.statement);
      if (!s) continue; // a create is shown once it is saved
      const f = entry.fields;
      if (entry.op === "edit") {
        if (typeof f.text === "string") s.text = f.text;
        if (typeof f.details === "string") s.details = f.details;
        if (typeof f.section === "string" && f.section !== s.section) {
          s.section = f.section;
          s.position = Number.MAX_SAFE_INTEGER;
        }
      } else if (entry.op === "move") {
        const section = typeof f.section === "string" ? f.section : s.section;
        const siblings = [...out.values()]
          .filter((o) => o.state === "active" && o.section === section && o.id !== s.id)
          .sort((a, b) => a.position - b.position);
        siblings.splice(Math.min(f.position ?? siblings.length, siblings.length), 0, s);
        s.section = section;
        siblings.forEach((o, index) => {
          o.position = index; // eslint-disable-line no-param-reassign
        });
      } else if (entry.op === "merge") {
        for (const id of f.items || []) if (!s.items.includes(id)) s.items.push(id);
      } else if (entry.op === "unmerge") {
        s.items = s.items.filter((id) => !(f.items || []).includes(id));
      } else if (entry.op === "delete") {
        s.state = "deleted";
      } else if (entry.op === "restore") {
        s.state = "active";
      }
      s.pending = true;
    }
    return out;
  }

  /** Is a mutation of this statement queued? */
  has(statement, op) {
    return this.entries.some((e) => e.statement === statement && (!op || e.op === op));
  }

  // Internals -----------------------------------------------------------------------------------------

  _payload(entry) {
    const payload = { event: this.event, op: entry.op, mutation_id: newId(), statement: entry.statement, ...entry.fields };
    if (entry.op !== "create") {
      const known = this.connection.statements.get(entry.statement);
      const current = known ? known.version : entry.baseVersion || 1;
      let base = current;
      if (!STRUCTURAL.has(entry.op) && typeof entry.baseVersion === "number") {
        base = entry.baseVersion;
        const own = this.own.get(entry.statement) || new Set();
        while (base < current && own.has(base + 1)) base += 1; // past our own changes only
      }
      payload.base_version = base;
    }
    return payload;
  }

  _giveUp(entry, answer) {
    this.attempts = 0;
    this._remove(entry);
    this._call("onReject", entry, answer);
    this._changed();
    this.pump();
  }

  _remove(entry) {
    this.entries = this.entries.filter((e) => e !== entry);
  }
}
