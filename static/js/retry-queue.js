// The base of the page's two mutation queues (the capture page's Outbox, the plenary's StatementQueue):
// one mutation in flight at a time, each with an acknowledgement timeout; a lost connection stops sending
// (the next join resends); a failure (a server error, or no answer while connected) is retried after a
// growing pause, and after MAX_FAILURES in a row of the same mutation it is set aside (handed to the page
// with error "failed") so that it never holds up the ones behind it. Subclasses say what to send and how
// to read the answer; callbacks a page gives are called through `_call`, so that a page's bug cannot stop
// the queue.

export const ACK_TIMEOUT_MS = 10000;
export const REFUSALS = new Set(["conflict", "invalid", "not_found", "forbidden"]);
export const MAX_FAILURES = 5; // failures in a row of one mutation before it is set aside
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];

/** The answer a set-aside mutation is handed to the page with. */
export const FAILED = Object.freeze({
  ok: false,
  error: "failed",
  message: `The server could not save this change (${MAX_FAILURES} tries). Try again, or copy the text.`,
});

export class RetryQueue {
  constructor(name, callbacks) {
    this.name = name; // for the console, when a callback fails
    this.callbacks = callbacks;
    this.entries = [];
    this.sending = null; // id of the mutation waiting for its answer
    this.attempts = 0;
    this.failures = { id: null, count: 0 }; // failures in a row of the mutation at the head
    this._retryTimer = null;
    this._generation = 0;
  }

  get size() {
    return this.entries.length;
  }

  /** Joined and caught up: stop waiting, resend from the head. */
  _resume() {
    this.attempts = 0;
    this._stop();
    this.pump();
  }

  /** The connection dropped (or a rejoin began): what was in flight stays queued for the next join. */
  _stop() {
    this._generation++;
    this.sending = null;
    clearTimeout(this._retryTimer);
    this._retryTimer = null;
    this._changed();
  }

  /** May a mutation go out now? (`ready`: joined and caught up.) */
  _canSend(socket, ready) {
    return !this.sending && ready && socket && socket.connected && !this._retryTimer;
  }

  /** Emit `entry`'s `payload` as `event` and hand the answer to `onAnswer`; no answer (or not an object)
   *  in time while connected counts as a failure. An answer after a disconnect is dropped: the rejoin
   *  resends. */
  _emit(socket, event, entry, payload, onAnswer) {
    const generation = this._generation;
    this.sending = payload.mutation_id;
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, answer) => {
      if (generation !== this._generation) return;
      this.sending = null;
      if (err || !answer || typeof answer !== "object") this._failedAgain(entry, payload.mutation_id);
      else onAnswer(answer);
    });
  }

  /** `entry` (sent as mutation `id`) failed: retry later, or set it aside after MAX_FAILURES in a row. */
  _failedAgain(entry, id) {
    if (this.failures.id !== id) this.failures = { id, count: 0 };
    this.failures.count += 1;
    if (this.failures.count < MAX_FAILURES) this._retryLater();
    else this._giveUp(entry, FAILED);
  }

  /** Subclasses: take `entry` out of the queue, hand it to the page with `answer`, go on with the rest. */
  _giveUp(entry, answer) { // eslint-disable-line no-unused-vars
    throw new Error("not implemented");
  }

  _retryLater() {
    const delay = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)];
    this.attempts += 1;
    clearTimeout(this._retryTimer);
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null;
      this.pump();
    }, delay);
    this._changed();
  }

  _changed() {
    this._call("onChange", this);
  }

  _call(name, ...args) {
    const fn = this.callbacks[name];
    if (typeof fn !== "function") return;
    try {
      fn(...args);
    } catch (error) {
      console.error(`facilitator: ${this.name} ${name} failed`, error); // eslint-disable-line no-console
    }
  }
}
