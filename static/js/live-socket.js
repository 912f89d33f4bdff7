// What every live page's connection shares (docs/protocol.md): the Socket.IO socket, its connection state
// for the page, the page's callbacks, the browser's online/offline hints, and a periodic catch-up.
//
// RoomConnection (live.js: capture page, board) and PlenaryConnection (plenary/plenary-connection.js: plenary, projector,
// voting page) extend it. A subclass provides:
//   _connected()    the socket (re)connected: join and catch up
//   _incoming(c)    a `change` event arrived
//   _catchUp()      the periodic timer fired: ask for anything missed
//   _forget()       (optional) the connection dropped: clear the subclass's in-flight state
//
// Callbacks common to both: onConnection(state, detail) with "connecting" | "live" | "offline" | "denied" |
// "error", and onDisconnect(reason).

/* global io */

const RESYNC_MS = 15000; // periodic catch-up: brings a change whose broadcast was lost (message queue down)

export class LiveSocket {
  constructor(callbacks) {
    this.callbacks = callbacks;
    this.ready = false; // joined and caught up on the current connection
    this.state = "connecting";
    this._generation = 0; // bumped on every (re)join and disconnect: answers of an older one are ignored
    this._gapTimer = null;
    this._joinRetry = null;

    if (typeof io !== "function") {
      this._connection("error", "The live connection library did not load. Reload the page.");
      return;
    }
    this.socket = io({ transports: ["websocket", "polling"] });
    this.socket.on("connect", () => this._connected());
    this.socket.on("disconnect", (reason) => this._dropped(reason));
    this.socket.on("connect_error", (error) => this._connectError(error));
    this.socket.on("change", (change) => this._incoming(change));
    this._connection("connecting");

    // Jitter spreads a hall of boards over the interval.
    setInterval(() => this._catchUp(), RESYNC_MS + Math.random() * RESYNC_MS);

    // The browser knows about a lost network long before the heartbeat does: drop the transport at once so
    // that the page says "offline" and Socket.IO starts reconnecting; when the network is back, retry now.
    window.addEventListener("offline", () => {
      if (this.socket.connected && this.socket.io.engine) this.socket.io.engine.close();
    });
    window.addEventListener("online", () => {
      if (!this.socket.connected && this.state !== "denied") this.socket.connect();
    });
  }

  _forget() {}

  _dropped(reason) {
    this._generation++;
    this.ready = false;
    clearTimeout(this._gapTimer);
    this._gapTimer = null;
    clearTimeout(this._joinRetry);
    this._forget();
    this._call("onDisconnect", reason);
    // "io server disconnect": the server closed it on purpose; Socket.IO will not retry by itself.
    if (reason === "io server disconnect") setTimeout(() => this.socket.connect(), 2000);
    this._connection("offline", reason);
  }

  _connectError(error) {
    const message = (error && error.message) || "";
    // The server refuses a connection only for want of a login (or board link, or join code). `socket.active`
    // is false after a refusal, whatever the message says (some server versions send a generic one).
    if (message === "login required" || !this.socket.active) {
      this._connection("denied", "login required");
      return; // refused by the server: Socket.IO does not retry, and retrying would not help
    }
    this._connection("offline", message);
  }

  _connection(state, detail) {
    this.state = state;
    this._call("onConnection", state, detail);
  }

  _call(name, ...args) {
    const fn = this.callbacks[name];
    if (typeof fn !== "function") return undefined;
    try {
      return fn(...args);
    } catch (error) {
      console.error(`facilitator: ${name} failed`, error); // eslint-disable-line no-console
      return undefined;
    }
  }
}
