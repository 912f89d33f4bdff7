// The rapporteur's capture page: type items under each category; everything goes through the outbox, so it
// works offline and after a reload. User text is only ever set with textContent / value.

import { RoomConnection, pageConfig, loginMessage } from "./live.js";
import { Outbox, overlay, newId } from "./outbox.js";

const UNDO_MS = 10000;
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g; // eslint-disable-line no-control-regex
const NARROW = "(max-width: 799.98px)";

/** What the server will store: trimmed, control characters removed, tabs as spaces. */
export function cleanText(text) {
  return String(text).replace(/\r\n?/g, "\n").replace(/\t/g, " ").replace(CONTROL, "").trim();
}

/** Length as the server counts it (code points, not UTF-16 units). */
export function textLength(text) {
  return [...text].length;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "hidden") node.hidden = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function truncate(text, n = 120) {
  const chars = [...String(text)];
  return chars.length > n ? `${chars.slice(0, n - 1).join("")}…` : String(text);
}

const root = document.getElementById("capture");
if (root) start(root);

function start(root) {
  const config = pageConfig(root);
  const me = root.dataset.me || "";
  const maxLength = config.maxLength;
  const statusEl = document.getElementById("save-status");
  const connectionEl = document.getElementById("connection-message");
  const presenceEl = document.getElementById("presence-list");
  const announcer = document.getElementById("announcer");
  const toast = document.getElementById("undo-toast");
  const toastMessage = document.getElementById("undo-message");
  const undoButton = document.getElementById("undo-button");
  const questions = [...document.querySelectorAll("#guiding-questions > li")].map((li) => li.textContent.trim());
  const numberFormat = new Intl.NumberFormat();

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
  const categoryKeys = [...columns.keys()];
  const firstColumn = columns.get(categoryKeys[0]);

  const elements = new Map(); // item id -> li
  const editing = new Map(); // item id -> {base, original}
  const noticeElements = new Map(); // notice key -> element
  const noticesKey = `facilitator.notices.${config.user}.${config.room}`;
  let notices = loadNotices();
  let view = { items: new Map(), orders: new Map() };
  let focusAfterRender = null;
  let renderQueued = false;
  let storageWarning = null;
  let undo = null; // {id, timer}
  let lastStatus = "";

  // Connection and outbox -----------------------------------------------------------------------------

  const outbox = new Outbox({
    user: config.user,
    room: config.room,
    onChange: () => scheduleRender(),
    onAck: (entry, answer) => {
      if (answer.item && answer.item.room === config.room) live.acknowledge(answer.item);
    },
    onReject: (entry, answer, later) => rejected(entry, answer, later),
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
    onState: () => scheduleRender(),
    onChange: (change, { live: isLive }) => {
      if (!isLive || change.op !== "create" || !change.item) return;
      const mine = outbox.entries.some((e) => e.item === change.item.id) || change.item.author === me;
      if (mine) return;
      const column = columns.get(change.item.category);
      announce(`New in ${column ? column.name : change.item.category}${change.item.author ? ` from ${change.item.author}` : ""}: ${truncate(change.item.text)}`);
      flash(change.item.id);
    },
    onPresence: (people) => renderPresence(people),
    onConnection: (state, detail) => connection(state, detail),
    onJoined: ({ canWrite }) => {
      if (!canWrite) {
        showConnection("You can no longer write in this room, so new notes will not be saved. Ask the secretariat.");
      }
      outbox.joinedRoom();
    },
    onDisconnect: () => outbox.disconnected(),
  });
  if (live.socket) outbox.attach(live.socket);

  function connection(state, detail) {
    if (state === "denied") {
      if (detail === "login required") loginMessage(connectionEl, root.dataset.loginUrl);
      else showConnection(detail || "You do not have access to this room.");
    } else if (state === "error") {
      showConnection(detail || "The live connection failed.");
    } else if (state === "live") {
      connectionEl.hidden = true;
      connectionEl.replaceChildren();
    }
    scheduleRender();
  }

  function showConnection(text) {
    connectionEl.replaceChildren(el("p", { text }));
    connectionEl.hidden = false;
  }

  /** The current view, computed now (enqueueing several mutations in a row needs each one's result). */
  function freshView() {
    view = overlay(live.items, outbox.entries, { author: me, categories: categoryKeys });
    return view;
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

  // Rendering -----------------------------------------------------------------------------------------

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    queueMicrotask(() => {
      renderQueued = false;
      render();
    });
  }

  function render() {
    const active = document.activeElement;
    freshView();
    const shown = new Set();
    for (const column of columns.values()) {
      const ids = view.orders.get(column.key) || [];
      reconcile(column, ids);
      ids.forEach((id) => shown.add(id));
      const n = ids.length;
      column.count.textContent = n ? `(${n})` : "";
      if (column.tab) column.tab.querySelector(".tab-count").textContent = n ? `(${n})` : "";
      column.empty.hidden = n > 0;
    }
    for (const [id, li] of elements) {
      if (shown.has(id)) continue;
      if (editing.has(id)) editedAway(id, li);
      li.remove();
      elements.delete(id);
    }
    renderNotices();
    renderStatus();
    if (focusAfterRender) {
      const target = typeof focusAfterRender === "string" ? elements.get(focusAfterRender) : focusAfterRender;
      focusAfterRender = null;
      if (target && target.isConnected) focusItem(target);
    } else if (active && active !== document.activeElement && active.isConnected) {
      active.focus({ preventScroll: true }); // moving an element in the DOM blurs it
    }
  }

  function reconcile(column, ids) {
    const list = column.list;
    let cursor = list.firstElementChild;
    ids.forEach((id, index) => {
      const li = elements.get(id) || createItem(id);
      updateItem(li, view.items.get(id), index, ids.length, column);
      if (li === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        list.insertBefore(li, cursor);
      }
    });
    while (cursor) {
      const next = cursor.nextElementSibling;
      cursor.remove();
      cursor = next;
    }
  }

  function createItem(id) {
    const textId = `text-${id}`;
    const metaId = `meta-${id}`;
    const controls = [
      el("button", { type: "button", className: "item-star", "aria-pressed": "false", "aria-describedby": textId, title: "Key point" },
        el("span", { "aria-hidden": "true", className: "star-icon", text: "★" }),
        el("span", { className: "visually-hidden", text: "Key point" })),
    ];
    if (questions.length) {
      const select = el("select", { className: "item-question", id: `q-${id}`, "aria-describedby": textId },
        el("option", { value: "-1", text: "— no question —" }),
        ...questions.map((q, i) => el("option", { value: String(i), text: `${i + 1}. ${truncate(q, 60)}`, title: q })));
      controls.push(el("label", { className: "visually-hidden", for: `q-${id}`, text: "Guiding question" }), select);
    }
    controls.push(
      el("button", { type: "button", className: "button-small button-secondary item-edit", "aria-describedby": textId, text: "Edit" }),
      el("button", { type: "button", className: "button-small button-secondary item-delete", "aria-describedby": textId, text: "Delete" }),
      el("button", { type: "button", className: "button-small button-secondary item-up", "aria-label": "Move up", "aria-describedby": textId },
        el("span", { "aria-hidden": "true", text: "↑" })),
      el("button", { type: "button", className: "button-small button-secondary item-down", "aria-label": "Move down", "aria-describedby": textId },
        el("span", { "aria-hidden": "true", text: "↓" })),
    );
    const li = el("li", { className: "item", "data-id": id, tabindex: "0", draggable: "true", "aria-labelledby": `${textId} ${metaId}` },
      el("div", { className: "item-body" },
        el("p", { className: "item-text", id: textId }),
        el("div", { className: "item-editor", hidden: true },
          el("label", { className: "visually-hidden", for: `edit-${id}`, text: "Item text" }),
          el("textarea", { className: "item-edit-text", id: `edit-${id}`, rows: "3", "aria-describedby": `edit-hint-${id} edit-error-${id}` }),
          el("div", { className: "item-editor-actions" },
            el("button", { type: "button", className: "button-small item-save", text: "Save" }),
            el("button", { type: "button", className: "button-small button-secondary item-cancel", text: "Cancel" }),
            el("span", { className: "hint", id: `edit-hint-${id}`, text: "Enter saves, Shift+Enter new line, Escape cancels." })),
          el("p", { className: "error-message item-edit-error", id: `edit-error-${id}`, hidden: true })),
        el("p", { className: "item-meta", id: metaId },
          el("span", { className: "item-keypoint-label", text: "Key point" }),
          el("span", { className: "item-question-tag" }),
          el("span", { className: "item-author" }),
          el("span", { className: "item-pending", text: "pending" }))),
      el("div", { className: "item-controls" }, ...controls),
      el("div", { className: "item-notices" }));
    elements.set(id, li);
    return li;
  }

  function updateItem(li, item, index, count, column) {
    const id = item.id;
    const isEditing = editing.has(id);
    li.classList.toggle("pending", Boolean(item.pending));
    li.classList.toggle("key-point", Boolean(item.key_point));
    li.classList.toggle("editing", isEditing);
    li.draggable = !isEditing;
    const text = li.querySelector(".item-text");
    if (text.textContent !== item.text) text.textContent = item.text;
    li.querySelector(".item-author").textContent = item.author ? `by ${item.author}` : "";
    li.querySelector(".item-pending").hidden = !item.pending;
    li.querySelector(".item-keypoint-label").hidden = !item.key_point;
    const tag = li.querySelector(".item-question-tag");
    const q = typeof item.question === "number" ? item.question : null;
    tag.textContent = q !== null ? `Question ${q + 1}` : "";
    tag.title = q !== null && questions[q] ? questions[q] : "";
    tag.hidden = q === null;
    li.querySelector(".item-star").setAttribute("aria-pressed", item.key_point ? "true" : "false");
    const select = li.querySelector(".item-question");
    if (select) {
      const value = q === null ? "-1" : String(q);
      if (select.value !== value) select.value = value;
    }
    li.querySelector(".item-up").setAttribute("aria-disabled", index === 0 ? "true" : "false");
    li.querySelector(".item-down").setAttribute("aria-disabled", index === count - 1 ? "true" : "false");
    li.dataset.category = column.key;
  }

  function renderStatus() {
    const status = outbox.status(live.state);
    if (status.text !== lastStatus) {
      statusEl.textContent = status.text;
      lastStatus = status.text;
    }
    statusEl.dataset.state = status.state;
    for (const s of ["saved", "pending", "offline"]) statusEl.classList.toggle(`save-status--${s}`, s === status.state);
  }

  function renderPresence(people) {
    const others = people.filter((p) => p && p.name !== me);
    if (!others.length) {
      presenceEl.replaceChildren(el("li", { className: "presence-none", text: "nobody else yet" }));
      return;
    }
    presenceEl.replaceChildren(...others.map((p) => el("li", { className: `presence-person presence-${p.role === "rapporteur" ? "rapporteur" : "viewer"}` },
      p.name, p.role === "rapporteur" ? null : el("span", { className: "presence-role", text: " (viewing)" }))));
  }

  function announce(text) {
    announcer.textContent = announcer.textContent === text ? `${text}\u00a0` : text;
  }

  function flash(id) {
    setTimeout(() => { // after the render that adds the item
      const li = elements.get(id);
      if (!li) return;
      li.classList.add("just-added");
      setTimeout(() => li.classList.remove("just-added"), 2500);
    }, 0);
  }

  function focusItem(li) {
    activateTab(li.dataset.category || (li.closest(".category-column") || {}).dataset?.category);
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
  }

  // Adding --------------------------------------------------------------------------------------------

  function updateCounter(column) {
    const n = textLength(cleanText(column.input.value));
    column.counter.textContent = `${numberFormat.format(n)} / ${numberFormat.format(maxLength)}`;
    const over = n > maxLength;
    column.counter.classList.toggle("over", over);
    if (!over && column.error.dataset.kind === "length") setFieldError(column.input, column.error, "");
  }

  function setFieldError(input, errorEl, message, kind = "") {
    errorEl.textContent = message;
    errorEl.hidden = !message;
    errorEl.dataset.kind = kind;
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function tooLong(n) {
    return `Too long: ${numberFormat.format(n)} characters, the limit is ${numberFormat.format(maxLength)}. Shorten it or split it into two items.`;
  }

  function addItem(column) {
    const text = cleanText(column.input.value);
    if (!text) {
      setFieldError(column.input, column.error, "Type the item first.");
      return;
    }
    const n = textLength(text);
    if (n > maxLength) {
      setFieldError(column.input, column.error, tooLong(n), "length");
      announce(tooLong(n));
      return;
    }
    setFieldError(column.input, column.error, "");
    const id = newId();
    send({ op: "create", item: id, category: column.key, text });
    column.input.value = "";
    updateCounter(column);
    column.input.focus();
    queueMicrotask(() => {
      const li = elements.get(id);
      if (li) li.scrollIntoView({ block: "nearest" });
    });
  }

  for (const column of columns.values()) {
    column.form.addEventListener("submit", (event) => {
      event.preventDefault();
      addItem(column);
    });
    column.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        addItem(column);
      }
    });
    column.input.addEventListener("input", () => {
      updateCounter(column);
      if (column.error.dataset.kind !== "length") setFieldError(column.input, column.error, "");
    });
    updateCounter(column);
  }

  // Item actions --------------------------------------------------------------------------------------

  function itemOf(id) {
    return freshView().items.get(id);
  }

  function startEdit(id, draft) {
    const li = elements.get(id);
    const item = itemOf(id);
    if (!li || !item) return;
    editing.set(id, { base: item.version, original: item.text });
    const editor = li.querySelector(".item-editor");
    const area = li.querySelector(".item-edit-text");
    area.value = draft ?? item.text;
    editor.hidden = false;
    li.querySelector(".item-text").hidden = true;
    li.classList.add("editing");
    li.draggable = false;
    activateTab(li.dataset.category);
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  function endEdit(id) {
    editing.delete(id);
    const li = elements.get(id);
    if (!li) return;
    li.querySelector(".item-editor").hidden = true;
    li.querySelector(".item-text").hidden = false;
    setFieldError(li.querySelector(".item-edit-text"), li.querySelector(".item-edit-error"), "");
    li.classList.remove("editing");
    li.draggable = true;
  }

  function saveEdit(id) {
    const li = elements.get(id);
    const item = itemOf(id);
    const state = editing.get(id);
    if (!li || !item || !state) return;
    const area = li.querySelector(".item-edit-text");
    const errorEl = li.querySelector(".item-edit-error");
    const text = cleanText(area.value);
    if (!text) {
      setFieldError(area, errorEl, "An item needs some text. To remove it, use Delete.");
      return;
    }
    const n = textLength(text);
    if (n > maxLength) {
      setFieldError(area, errorEl, tooLong(n));
      return;
    }
    endEdit(id);
    if (text !== item.text) {
      // Someone else changed the text while this editor was open: send it on the version it was made on,
      // so the server answers with a conflict instead of overwriting their text.
      const changedMeanwhile = item.text !== state.original;
      send({ op: "edit", item: id, text }, changedMeanwhile ? state.base : undefined);
    }
    focusAfterRender = id;
    scheduleRender();
  }

  function cancelEdit(id) {
    endEdit(id);
    focusAfterRender = id;
    scheduleRender();
  }

  /** The item being edited went away (deleted elsewhere): keep the draft as a notice. */
  function editedAway(id, li) {
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

  function deleteItem(id) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const ids = view.orders.get(item.category) || [];
    const index = ids.indexOf(id);
    const neighbour = ids[index + 1] || ids[index - 1];
    if (editing.has(id)) endEdit(id);
    send({ op: "delete", item: id });
    focusAfterRender = neighbour ? neighbour : columns.get(item.category)?.input || null;
    showUndo(id, item.text);
    scheduleRender();
  }

  function showUndo(id, text) {
    hideUndo();
    toastMessage.textContent = `Item deleted: “${truncate(text, 60)}”.`;
    toast.hidden = false;
    undo = { id, timer: null };
    armUndoTimer();
    announce("Item deleted. To undo, press Control+Z or use the Undo button at the bottom of the page.");
  }

  function armUndoTimer() {
    if (!undo) return;
    clearTimeout(undo.timer);
    undo.timer = setTimeout(() => {
      if (toast.contains(document.activeElement) || toast.matches(":hover")) armUndoTimer();
      else hideUndo();
    }, UNDO_MS);
  }

  function hideUndo() {
    if (undo) clearTimeout(undo.timer);
    const hadFocus = toast.contains(document.activeElement);
    undo = null;
    toast.hidden = true;
    if (hadFocus) (firstColumn && firstColumn.input ? firstColumn.input : root).focus();
  }

  function undoDelete() {
    if (!undo) return;
    const { id } = undo;
    hideUndo();
    const item = itemOf(id);
    if (!item || item.state !== "deleted") return;
    send({ op: "restore", item: id });
    focusAfterRender = id;
    announce("Item restored.");
    scheduleRender();
  }

  undoButton.addEventListener("click", undoDelete);
  toast.addEventListener("focusout", () => armUndoTimer());

  function moveBy(id, delta) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const ids = view.orders.get(item.category) || [];
    const from = ids.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    send({ op: "move", item: id, category: item.category, position: to });
    focusAfterRender = id;
    announce(`Moved to position ${to + 1} of ${ids.length}.`);
    scheduleRender();
  }

  function moveToCategory(id, direction) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const target = categoryKeys[categoryKeys.indexOf(item.category) + direction];
    if (!target) return;
    send({ op: "move", item: id, category: target });
    focusAfterRender = id;
    announce(`Moved to ${columns.get(target).name}.`);
    scheduleRender();
  }

  function moveTo(id, category, position) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const siblings = (view.orders.get(category) || []).filter((each) => each !== id);
    const at = Math.min(position, siblings.length);
    if (item.category === category && (view.orders.get(category) || []).indexOf(id) === at) return;
    send({ op: "move", item: id, category, position: at });
    focusAfterRender = id;
    scheduleRender();
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const li = button.closest("li.item");
    if (!li) return;
    const id = li.dataset.id;
    if (button.getAttribute("aria-disabled") === "true") return;
    if (button.classList.contains("item-star")) {
      const item = itemOf(id);
      if (item) send({ op: "edit", item: id, key_point: !item.key_point });
    } else if (button.classList.contains("item-edit")) {
      startEdit(id);
    } else if (button.classList.contains("item-save")) {
      saveEdit(id);
    } else if (button.classList.contains("item-cancel")) {
      cancelEdit(id);
    } else if (button.classList.contains("item-delete")) {
      deleteItem(id);
    } else if (button.classList.contains("item-up")) {
      moveBy(id, -1);
    } else if (button.classList.contains("item-down")) {
      moveBy(id, 1);
    }
  });

  root.addEventListener("change", (event) => {
    const select = event.target.closest("select.item-question");
    if (!select) return;
    const id = select.closest("li.item").dataset.id;
    const value = Number.parseInt(select.value, 10);
    const item = itemOf(id);
    const current = item && typeof item.question === "number" ? item.question : -1;
    if (item && value !== current) send({ op: "edit", item: id, question: value });
  });

  root.addEventListener("keydown", (event) => {
    const li = event.target.closest && event.target.closest("li.item");
    if (!li) return;
    const id = li.dataset.id;
    if (event.target.classList.contains("item-edit-text")) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        saveEdit(id);
      } else if (event.key === "Escape") {
        event.preventDefault();
        cancelEdit(id);
      }
      return;
    }
    if (event.target.matches("textarea, select, input")) return;
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const moves = { ArrowUp: () => moveBy(id, -1), ArrowDown: () => moveBy(id, 1),
        ArrowLeft: () => moveToCategory(id, -1), ArrowRight: () => moveToCategory(id, 1) };
      if (moves[event.key]) {
        event.preventDefault();
        moves[event.key]();
      }
      return;
    }
    if (event.target !== li || event.ctrlKey || event.metaKey) return;
    if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      startEdit(id);
    } else if (event.key === "Delete") {
      event.preventDefault();
      deleteItem(id);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const sibling = event.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
      if (sibling) {
        event.preventDefault();
        sibling.focus();
      }
    }
  });

  document.addEventListener("keydown", (event) => {
    if (!undo || event.key.toLowerCase() !== "z" || !(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
    if (event.target.matches && event.target.matches("textarea, input, select")) return; // their own undo
    event.preventDefault();
    undoDelete();
  });

  // Drag and drop -------------------------------------------------------------------------------------

  let dragId = null;

  function clearDropMarks() {
    for (const node of root.querySelectorAll(".drop-before, .drop-end, .drop-target")) {
      node.classList.remove("drop-before", "drop-end", "drop-target");
    }
  }

  function dropIndex(column, y) {
    const lis = [...column.list.children].filter((li) => li.dataset.id !== dragId);
    const index = lis.findIndex((li) => {
      const box = li.getBoundingClientRect();
      return y < box.top + box.height / 2;
    });
    return { lis, index: index < 0 ? lis.length : index };
  }

  root.addEventListener("dragstart", (event) => {
    const li = event.target.closest && event.target.closest("li.item");
    if (!li || editing.has(li.dataset.id)) return;
    dragId = li.dataset.id;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("application/x-facilitator-item", dragId);
    li.classList.add("dragging");
  });

  root.addEventListener("dragover", (event) => {
    if (!dragId) return;
    const section = event.target.closest && event.target.closest(".category-column");
    if (!section) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    const column = columns.get(section.dataset.category);
    const { lis, index } = dropIndex(column, event.clientY);
    clearDropMarks();
    section.classList.add("drop-target");
    if (index < lis.length) lis[index].classList.add("drop-before");
    else column.list.classList.add("drop-end");
  });

  root.addEventListener("dragleave", (event) => {
    if (dragId && !root.contains(event.relatedTarget)) clearDropMarks();
  });

  root.addEventListener("drop", (event) => {
    if (!dragId) return;
    const section = event.target.closest && event.target.closest(".category-column");
    if (!section) return;
    event.preventDefault();
    const column = columns.get(section.dataset.category);
    const { index } = dropIndex(column, event.clientY);
    const id = dragId;
    clearDropMarks();
    moveTo(id, column.key, index);
  });

  root.addEventListener("dragend", () => {
    clearDropMarks();
    const li = dragId && elements.get(dragId);
    if (li) li.classList.remove("dragging");
    dragId = null;
  });

  // Notices: refused mutations, with the user's text ----------------------------------------------------

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
    scheduleRender();
  }

  function removeNotice(key) {
    notices = notices.filter((n) => n.key !== key);
    saveNotices();
    const node = noticeElements.get(key);
    const hadFocus = node && node.contains(document.activeElement);
    if (node) node.remove();
    noticeElements.delete(key);
    scheduleRender();
    return hadFocus;
  }

  function rejected(entry, answer, later) {
    const current = answer.item && answer.item.room === config.room ? answer.item : null;
    if (current && entry.op !== "create") live.acknowledge(current);
    const known = view.items.get(entry.item);
    const defaults = {
      conflict: "This item was changed by someone else meanwhile. Nothing was overwritten.",
      invalid: "The server refused this change.",
      not_found: "This item no longer exists.",
      forbidden: "You may not write in this room.",
    };
    const message = answer.message || defaults[answer.error] || "This change was not saved.";
    addNotice({
      error: answer.error,
      message,
      itemId: entry.item,
      category: (known && known.category) || entry.category || (current && current.category) || categoryKeys[0],
      mutations: [entry, ...later],
    });
    announce(`Not saved: ${message}`);
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
    const item = itemOf(notice.itemId);
    if (!item) return;
    for (const m of notice.mutations) {
      const fresh = { op: m.op, item: m.item };
      for (const key of ["text", "category", "position", "key_point", "question"]) if (key in m) fresh[key] = m[key];
      if (m.op === "create") {
        Object.assign(fresh, { op: "edit" });
        delete fresh.position;
      }
      send(fresh);
    }
    focusAfterRender = notice.itemId;
  }

  function putBack(notice, text) {
    const column = columns.get(notice.category) || firstColumn;
    activateTab(column.key);
    const current = column.input.value.trim();
    column.input.value = current ? `${column.input.value.replace(/\s+$/, "")}\n${text}` : text;
    updateCounter(column);
    column.input.focus();
  }

  function noticeElement(notice) {
    const { text, parts } = mine(notice);
    const item = view.items.get(notice.itemId);
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
    if (onItem && notice.error === "conflict" && !createOnly) {
      button("Apply my version again", "notice-apply", () => {
        removeNotice(notice.key);
        applyAgain(notice);
      });
      if (text !== null) {
        button("Edit my version", "button-secondary notice-edit", () => {
          removeNotice(notice.key);
          startEdit(notice.itemId, text);
        });
      }
    } else if (onItem && text !== null && notice.error !== "forbidden" && !createOnly) {
      button("Edit again", "notice-edit", () => {
        removeNotice(notice.key);
        startEdit(notice.itemId, text);
      });
    } else if (text !== null) {
      button("Put the text back in the box", "notice-putback", () => {
        removeNotice(notice.key);
        putBack(notice, text);
      });
    }
    button("Dismiss", "button-secondary notice-dismiss", () => {
      const hadFocus = removeNotice(notice.key);
      if (hadFocus) focusAfterRender = elements.get(notice.itemId) || (columns.get(notice.category) || firstColumn).input;
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
      const item = view.items.get(notice.itemId);
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

  // Tabs on narrow screens ------------------------------------------------------------------------------

  const narrow = window.matchMedia(NARROW);
  let activeCategory = sessionStorage.getItem(`facilitator.tab.${config.room}`) || categoryKeys[0];
  if (!columns.has(activeCategory)) activeCategory = categoryKeys[0];

  function activateTab(key, focusTab = false) {
    if (!key || !columns.has(key)) return;
    activeCategory = key;
    try {
      sessionStorage.setItem(`facilitator.tab.${config.room}`, key);
    } catch {
      // not kept: fine
    }
    for (const column of columns.values()) {
      const on = column.key === key;
      column.section.classList.toggle("is-active", on);
      if (column.tab) {
        column.tab.setAttribute("aria-selected", on ? "true" : "false");
        column.tab.tabIndex = on ? 0 : -1;
        if (on && focusTab) column.tab.focus();
      }
    }
  }

  function applyLayout() {
    for (const column of columns.values()) {
      if (narrow.matches) column.section.setAttribute("role", "tabpanel");
      else column.section.removeAttribute("role");
    }
  }

  root.classList.add("tabs-enabled");
  narrow.addEventListener("change", applyLayout);
  applyLayout();
  activateTab(activeCategory);

  const tablist = root.querySelector(".category-tabs");
  if (tablist) {
    tablist.addEventListener("click", (event) => {
      const tab = event.target.closest(".category-tab");
      if (tab) activateTab(tab.dataset.category, true);
    });
    tablist.addEventListener("keydown", (event) => {
      const index = categoryKeys.indexOf(activeCategory);
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: categoryKeys.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      activateTab(categoryKeys[(next + categoryKeys.length) % categoryKeys.length], true);
    });
  }
  root.addEventListener("focusin", (event) => {
    // Focus arriving in a hidden tab's column (for example from a notice) shows that tab.
    const section = event.target.closest && event.target.closest(".category-column");
    if (section && narrow.matches && section.dataset.category !== activeCategory) activateTab(section.dataset.category);
  });

  render();
}
