// Notices: changes the server refused (a conflict, invalid text, a deleted item...) or that the outbox gave up
// on (it failed again and again, or is too large to send), shown on the item (or at the top of its category)
// with the user's own text, a way to copy it, and a way to apply it again, edit it, try again or put it back
// in the box. They are kept in localStorage, so a reload does not lose the user's words.
//
// Returns {rejected, keepDraft, renderNotices}.

import { newId } from "../ids.js";
import { copyText, el } from "../dom.js";
import { cleanText } from "./text.js";

export function setupNotices({ config, columns, categoryKeys, firstColumn, elements, editing, store, outbox, live, actions, ui }) {
  const { state } = ui;
  const noticeElements = new Map(); // notice key -> element
  const noticesKey = `facilitator.notices.${config.user}.${config.room}`;
  let notices = loadNotices();

  function loadNotices() {
    try {
      const list = JSON.parse(window.localStorage.getItem(noticesKey) || "[]");
      return Array.isArray(list) ? list.filter((n) => n && n.key && Array.isArray(n.mutations)) : [];
    } catch {
      return [];
    }
  }

  function saveNotices() {
    try {
      if (notices.length) window.localStorage.setItem(noticesKey, JSON.stringify(notices));
      else window.localStorage.removeItem(noticesKey);
    } catch {
      // the notices stay on screen for this visit
    }
  }

  function addNotice(notice) {
    notices.push({ key: newId(), at: Date.now(), ...notice });
    saveNotices();
    ui.scheduleRender();
  }

  function removeNotice(key) {
    notices = notices.filter((n) => n.key !== key);
    saveNotices();
    const node = noticeElements.get(key);
    const hadFocus = node && node.contains(document.activeElement);
    if (node) node.remove();
    noticeElements.delete(key);
    ui.scheduleRender();
    return hadFocus;
  }

  /** The outbox's refusal of `entry` (and of the `later` mutations of the same item, built on it). */
  function rejected(entry, answer, later) {
    const current = answer.item && answer.item.room === config.room ? answer.item : null;
    if (current && entry.op !== "create") live.acknowledge(current);
    const known = state.view.items.get(entry.item);
    const defaults = {
      conflict: "This item was changed by someone else meanwhile. Nothing was overwritten.",
      invalid: "The server refused this change.",
      not_found: "This item no longer exists.",
      forbidden: "You may not write in this room.",
      failed: "The server could not save this change.",
      too_large: "This change is too large to send.",
    };
    const message = answer.message || defaults[answer.error] || "This change was not saved.";
    addNotice({
      error: answer.error,
      message,
      itemId: entry.item,
      category: (known && known.category) || entry.category || (current && current.category) || categoryKeys[0],
      mutations: [entry, ...later],
    });
    ui.announce(`Not saved: ${message}`);
  }

  /** The item being edited went away (deleted elsewhere): keep the draft as a notice. */
  function keepDraft(id, li) {
    const draft = cleanText(li.querySelector(".item-edit-text").value);
    const category = li.dataset.category;
    editing.delete(id);
    if (!draft) return;
    addNotice({
      error: "not_found",
      message: "The item you were editing was deleted or moved away meanwhile.",
      itemId: id,
      category,
      mutations: [{ op: "edit", item: id, text: draft, category }],
    });
  }

  /** The user's side of a refused change: their text (if any) and what else they changed. */
  function mine(notice) {
    let text = null;
    const parts = [];
    for (const m of notice.mutations) {
      if (typeof m.text === "string") text = m.text;
      if (typeof m.key_point === "boolean") parts.push(m.key_point ? "mark as key point" : "unmark key point");
      if (typeof m.question === "number") parts.push(m.question >= 0 ? `link to question ${m.question + 1}` : "remove the question");
      if (m.op === "move") parts.push(`move to ${columns.get(m.category)?.name || m.category}${typeof m.position === "number" ? `, position ${m.position + 1}` : ""}`);
      else if (m.op === "edit" && typeof m.category === "string") parts.push(`move to ${columns.get(m.category)?.name || m.category}`);
      if (m.op === "delete") parts.push("delete");
      if (m.op === "restore") parts.push("restore");
    }
    return { text, parts };
  }

  function applyAgain(notice) {
    const item = store.itemOf(notice.itemId);
    if (!item) return;
    for (const m of notice.mutations) {
      const fresh = { op: m.op, item: m.item };
      for (const key of ["text", "category", "position", "key_point", "question"]) if (key in m) fresh[key] = m[key];
      if (m.op === "create") {
        Object.assign(fresh, { op: "edit" });
        delete fresh.position;
      }
      store.send(fresh);
    }
    state.focusAfterRender = notice.itemId;
  }

  /** "Try again": the same mutations once more (same ids: one the server did save meanwhile is not
   *  applied twice), at the end of the queue. */
  function tryAgain(notice) {
    for (const m of notice.mutations) outbox.enqueue(m);
    state.focusAfterRender = notice.itemId;
  }

  /** "Copy text": to the clipboard; where the browser does not allow that, select it for Ctrl+C. */
  function copyNoticeText(node, text) {
    const shown = node.querySelector(".notice-mine-text");
    const select = () => {
      const range = document.createRange();
      range.selectNodeContents(shown);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
      ui.announce("The text is selected: press Control+C to copy it.");
    };
    copyText(text, { select, announce: ui.announce });
  }

  function putBack(notice, text) {
    const column = columns.get(notice.category) || firstColumn;
    ui.activateTab(column.key);
    const current = column.input.value.trim();
    column.input.value = current ? `${column.input.value.replace(/\s+$/, "")}\n${text}` : text;
    actions.updateCounter(column);
    column.input.focus();
  }

  function noticeElement(notice) {
    const { text, parts } = mine(notice);
    const item = state.view.items.get(notice.itemId);
    const onItem = item && item.state === "active";
    const messageId = `notice-${notice.key}`;
    const node = el("div", { className: `notice notice-${notice.error}`, role: "group", "aria-labelledby": messageId, "data-notice": notice.key },
      el("p", { className: "notice-message", id: messageId },
        el("strong", { text: notice.error === "conflict" ? "Not saved, conflict: " : "Not saved: " }), notice.message));
    if (text !== null) {
      node.append(el("p", { className: "notice-mine" }, el("span", { className: "notice-label", text: "Your version: " }),
        el("span", { className: "notice-mine-text", text })));
    }
    if (parts.length) {
      node.append(el("p", { className: "notice-parts", text: `Your change: ${parts.join("; ")}.` }));
    }
    const actions = el("div", { className: "actions" });
    const button = (label, className, handler) => {
      const b = el("button", { type: "button", className: `button-small ${className}`, text: label });
      b.addEventListener("click", handler);
      actions.append(b);
    };
    const createOnly = notice.mutations.every((m) => m.op === "create");
    if (notice.error === "failed") {
      button("Try again", "notice-retry", () => {
        removeNotice(notice.key);
        tryAgain(notice);
      });
    } else if (onItem && notice.error === "conflict" && !createOnly) {
      button("Apply my version again", "notice-apply", () => {
        removeNotice(notice.key);
        applyAgain(notice);
      });
      if (text !== null) {
        button("Edit my version", "button-secondary notice-edit", () => {
          removeNotice(notice.key);
          actions.startEdit(notice.itemId, text);
        });
      }
    } else if (onItem && text !== null && notice.error !== "forbidden" && !createOnly) {
      button("Edit again", "notice-edit", () => {
        removeNotice(notice.key);
        actions.startEdit(notice.itemId, text);
      });
    } else if (text !== null) {
      button("Put the text back in the box", "notice-putback", () => {
        removeNotice(notice.key);
        putBack(notice, text);
      });
    }
    if (text !== null) button("Copy text", "button-secondary notice-copy", () => copyNoticeText(node, text));
    // Closing a notice that holds the user's unsaved words throws them away: say so.
    button(text !== null ? "Discard" : "Dismiss", "button-secondary notice-dismiss", () => {
      const hadFocus = removeNotice(notice.key);
      if (hadFocus) state.focusAfterRender = elements.get(notice.itemId) || (columns.get(notice.category) || firstColumn).input;
    });
    node.append(actions);
    return node;
  }

  function renderNotices() {
    const keep = new Set(notices.map((n) => n.key));
    for (const [key, node] of noticeElements) {
      if (!keep.has(key)) {
        node.remove();
        noticeElements.delete(key);
      }
    }
    for (const notice of notices) {
      const item = state.view.items.get(notice.itemId);
      const li = item && item.state === "active" ? elements.get(notice.itemId) : null;
      const container = li ? li.querySelector(".item-notices") : (columns.get(notice.category) || firstColumn).notices;
      let node = noticeElements.get(notice.key);
      const placedOnItem = node && node.dataset.onItem === "true";
      if (node && placedOnItem !== Boolean(li)) {
        // The item came or went: rebuild, since the offered actions differ.
        node.remove();
        noticeElements.delete(notice.key);
        node = null;
      }
      if (!node) {
        node = noticeElement(notice);
        node.dataset.onItem = li ? "true" : "false";
        noticeElements.set(notice.key, node);
      }
      if (node.parentNode !== container) container.append(node);
      if (li) li.classList.add("has-notice");
    }
    for (const li of elements.values()) {
      li.classList.toggle("has-notice", Boolean(li.querySelector(".item-notices .notice")));
    }
  }

  return { rejected, keepDraft, renderNotices };
}
