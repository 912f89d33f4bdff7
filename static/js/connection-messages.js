// What the pages say about their live connection: the indicator's labels and the messages shown when the
// connection is refused or fails, in one place, so every page says the same thing in the same words.

import { el } from "./dom.js";

export const MESSAGES = {
  failed: "The live connection failed. Reload the page.",
  sessionEnded: "Your session has ended, so the live connection was refused.",
  noAccess: {
    board: "You do not have access to this board.",
    plenary: "You do not have access to this plenary.",
    room: "You do not have access to this room.",
  },
};

const LABELS = { live: "Live", offline: "Reconnecting…", denied: "Not connected", error: "Not connected" };

/** The indicator's label for `state`: before the first time live "Connecting…", after it any wait says
 *  "Reconnecting…", so a page never looks like a fresh start. */
export function connectionLabel(state, everLive) {
  if (state === "connecting") return everLive ? "Reconnecting…" : "Connecting…";
  return LABELS[state] || state;
}

/** The "Live" indicator of the big screens: returns show(state) for the connection's states. */
export function connectionIndicator(container, label) {
  let everLive = false;
  return (state) => {
    if (state === "live") everLive = true;
    const waiting = state === "connecting" || state === "offline";
    container.dataset.state = waiting ? (everLive ? "offline" : "connecting") : state;
    label.textContent = connectionLabel(state, everLive);
  };
}

/** One line of text in the page's message box. */
export function showMessage(container, text) {
  container.replaceChildren(el("p", "", text));
  container.hidden = false; // eslint-disable-line no-param-reassign
}

/** A small "connection refused: log in" message with a link. */
export function loginMessage(container, loginUrl, text = MESSAGES.sessionEnded) {
  const a = el("a", { href: loginUrl || `/login?next=${encodeURIComponent(window.location.pathname)}` }, "Log in again");
  container.replaceChildren(el("p", "", `${text} `, a, " to continue."));
  container.hidden = false; // eslint-disable-line no-param-reassign
}

/**
 * Show in `container` what connection `state` (with the server's `detail`) means: a refused login, no
 * access (`noAccess`), a failure (`failed`); hide it once live. `loginRequired` replaces the log-in link
 * where logging in is not the way back (a public board), `loginText` the text before it.
 */
export function connectionMessage(container, state, detail, {
  loginUrl, loginText, loginRequired, noAccess = MESSAGES.failed, failed = MESSAGES.failed,
} = {}) {
  if (state === "denied" && detail === "login required") {
    if (loginRequired) showMessage(container, loginRequired);
    else loginMessage(container, loginUrl, loginText);
  } else if (state === "denied") {
    showMessage(container, detail || noAccess);
  } else if (state === "error") {
    showMessage(container, detail || failed);
  } else if (state === "live") {
    container.hidden = true; // eslint-disable-line no-param-reassign
    container.replaceChildren();
  }
}
