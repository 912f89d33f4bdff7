// The room's summary: the session's narrative, typed into one box and saved through the outbox like items.
//
// Typing is coalesced: a pause (or leaving the box or the page) queues ONE summary mutation, based on the
// version the box's text was written on. While it waits unsent, newer typing replaces it; once it may have
// reached the server, newer typing waits for its ack and then goes out on the new version. A co-rapporteur's
// summary appears in the box when it holds nothing unsaved of ours; otherwise our next save is refused as a
// conflict, shown with both texts (kept in this browser across a reload) until the user chooses. Typing that
// cannot be queued yet when the page goes (its predecessor is still unanswered) is kept as a draft.
//
// Returns {renderSummary, summaryAcked, summaryRejected}, or null where the page has no summary box.

import { copyText, el } from "../dom.js";
import { stripControls } from "./text.js";

const PAUSE_MS = 800;

/** What the server will store (services/summary.py): line ends unified, control characters dropped, tabs
 *  as spaces, and nothing but blanks means empty. Not trimmed: the box is saved while the user types. */
export function cleanSummary(text) {
  const clean = stripControls(text);
  return clean.trim() ? clean : "";
}

export function setupSummary({ config, outbox, live, numberFormat, announce }) {
  const area = document.getElementById("summary-text");
  if (!area) return null;
  const counter = document.getElementById("summary-count");
  const meta = document.getElementById("summary-meta");
  const errorEl = document.getElementById("summary-error");
  const noticeEl = document.getElementById("summary-notice");
  const max = config.maxSummaryLength;
  const conflictKey = `facilitator.summary-conflict.${config.user}.${config.room}`;
  const draftKey = `facilitator.summary-draft.${config.user}.${config.room}`;
  let synced = null; // {text, version}: the box was last equal to `text`, which is (or will be) that version
  let conflict = loadConflict(); // {message, theirs: summary, mine: text} until the user chooses
  let timer = null;

  const queued = () => outbox.entries.find((e) => e.op === "summary") || null;
  const known = () => live.lastSeq !== null || queued() !== null;

  function loadConflict() {
    try {
      const kept = JSON.parse(window.localStorage.getItem(conflictKey) || "null");
      return kept && kept.theirs && typeof kept.mine === "string" ? kept : null;
    } catch {
      return null;
    }
  }

  function keepConflict() {
    try {
      if (conflict) window.localStorage.setItem(conflictKey, JSON.stringify(conflict));
      else window.localStorage.removeItem(conflictKey);
    } catch {
      // shown for this visit only
    }
  }

  /** Leaving the page: queue what can be queued, and keep the rest as a draft for the next visit. */
  function leave() {
    flush();
    try {
      if (synced && !conflict && cleanSummary(area.value) !== synced.text) window.localStorage.setItem(draftKey, area.value);
      else window.localStorage.removeItem(draftKey);
    } catch {
      // storage full or switched off: the outbox holds what was queued
    }
  }

  function takeDraft() {
    try {
      const draft = window.localStorage.getItem(draftKey);
      window.localStorage.removeItem(draftKey);
      return draft;
    } catch {
      return null;
    }
  }

  /** The first time the room is known (kept copy, queued summary or join answer): fill the box. */
  function start() {
    const q = queued();
    const server = live.summary;
    synced = q ? { text: q.text, version: q.base_version + 1 } : { text: server.text, version: server.version };
    const draft = takeDraft();
    area.value = conflict ? conflict.mine : draft ?? synced.text;
    if (conflict) synced = { text: conflict.theirs.text, version: conflict.theirs.version };
    area.readOnly = false;
    area.placeholder = "Write the session's narrative here…";
    updateCounter();
    flush(); // a draft kept from the last visit goes out (after the queued summary's ack, if there is one)
  }

  /** Queue what the box holds, if it is new: one summary mutation at a time. */
  function flush() {
    clearTimeout(timer);
    timer = null;
    if (!synced || conflict) return;
    const text = cleanSummary(area.value);
    if (text === synced.text || tooLong(text)) return;
    const q = queued();
    if (q) {
      // Not sent yet: this text takes its place. Maybe sent: wait for its answer (summaryAcked sends this).
      if (outbox.replaceUnsent(q, { op: "summary", text, base_version: q.base_version })) synced = { text, version: q.base_version + 1 };
      return;
    }
    outbox.enqueue({ op: "summary", text, base_version: synced.version });
    synced = { text, version: synced.version + 1 };
  }

  function tooLong(text) {
    const n = [...text].length;
    const over = n > max;
    errorEl.textContent = over
      ? `Too long to save: ${numberFormat.format(n)} characters, the limit is ${numberFormat.format(max)}. Shorten it.`
      : "";
    errorEl.hidden = !over;
    if (over) area.setAttribute("aria-invalid", "true");
    else area.removeAttribute("aria-invalid");
    return over;
  }

  function updateCounter() {
    counter.textContent = `${numberFormat.format([...cleanSummary(area.value)].length)} / ${numberFormat.format(max)}`;
  }

  area.addEventListener("input", () => {
    updateCounter();
    if (conflict) {
      conflict.mine = area.value;
      keepConflict();
      renderNotice();
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(flush, PAUSE_MS);
  });
  area.addEventListener("blur", flush);
  window.addEventListener("pagehide", leave);
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && leave());

  /** The ack of our summary mutation: the box's text is saved, or newer typing goes out now on top of it. */
  function summaryAcked(entry, answer) {
    live.acknowledgeSummary(answer.summary);
    if (synced && answer.summary && entry.text === synced.text) synced = { text: entry.text, version: answer.summary.version };
    flush();
    renderSummary();
  }

  /** The server refused our summary mutation: the user's text stays in the box, nothing is lost. */
  function summaryRejected(entry, answer) {
    if (answer.summary) live.acknowledgeSummary(answer.summary);
    const server = live.summary;
    synced = { text: server.text, version: server.version };
    if (answer.error === "conflict") {
      conflict = { message: answer.message || "Someone else changed the summary meanwhile.", theirs: { ...server },
        mine: area.value };
      keepConflict();
      announce("Summary not saved: someone else changed it meanwhile. Both texts are shown.");
    } else {
      errorEl.textContent = `Summary not saved: ${answer.message || "the server refused it."} Your text is still in the box.`;
      errorEl.hidden = false;
    }
    renderSummary();
  }

  function choose(keepMine) {
    if (!conflict) return;
    const theirs = conflict.theirs;
    if (!keepMine) area.value = theirs.text;
    conflict = null;
    keepConflict();
    synced = { text: theirs.text, version: theirs.version };
    flush(); // keeping mine: saved on top of theirs, which stays in the history
    updateCounter();
    area.focus();
    renderSummary();
  }

  function copyMine() {
    const text = area.value;
    const select = () => {
      area.focus();
      area.select();
      announce("Your text is selected: press Control+C to copy it.");
    };
    copyText(text, { select, announce });
  }

  let shownNotice = null;
  function renderNotice() {
    if (!conflict) {
      noticeEl.replaceChildren();
      noticeEl.hidden = true;
      shownNotice = null;
      return;
    }
    const who = conflict.theirs.author || "Someone else";
    const key = `${conflict.theirs.version}\u0000${conflict.mine}`;
    if (shownNotice === key) return;
    shownNotice = key;
    const button = (label, className, handler) => {
      const b = el("button", { type: "button", className: `button-small ${className}`, text: label });
      b.addEventListener("click", handler);
      return b;
    };
    noticeEl.replaceChildren(el("div", { className: "notice notice-conflict", role: "group",
      "aria-labelledby": "summary-notice-message" },
      el("p", { className: "notice-message", id: "summary-notice-message" },
        el("strong", { text: "Not saved, conflict: " }), conflict.message),
      el("p", { className: "notice-theirs" }, el("span", { className: "notice-label", text: `${who}'s version: ` }),
        el("span", { className: "notice-theirs-text", text: conflict.theirs.text })),
      el("p", { className: "notice-mine" }, el("span", { className: "notice-label", text: "Your version (in the box): " }),
        el("span", { className: "notice-mine-text", text: conflict.mine })),
      el("div", { className: "actions" },
        button("Keep my version", "notice-keep-mine", () => choose(true)),
        button(`Take ${who}'s version`, "button-secondary notice-take-theirs", () => choose(false)),
        button("Copy my text", "button-secondary notice-copy", copyMine))));
    noticeEl.hidden = false;
  }

  /** Follow the server: a co-rapporteur's newer summary fills the box when nothing of ours is unsaved. */
  function renderSummary() {
    if (!synced) {
      if (!known()) return;
      start();
    }
    const server = live.summary;
    const clean = !conflict && !timer && !queued() && cleanSummary(area.value) === synced.text;
    if (clean && server.version > synced.version) {
      const { selectionStart, selectionEnd } = area;
      area.value = server.text;
      if (document.activeElement === area) area.setSelectionRange(selectionStart, selectionEnd);
      synced = { text: server.text, version: server.version };
      updateCounter();
    }
    const pending = queued() || timer;
    meta.textContent = conflict ? "Not saved: see the conflict below."
      : pending ? "Saving the summary…"
        : server.version ? `Saved, version ${server.version}${server.author ? ` by ${server.author}` : ""}.` : "";
    renderNotice();
  }

  return { renderSummary, summaryAcked, summaryRejected };
}
