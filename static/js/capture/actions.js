// What the rapporteur does to items: add one (Enter in a category's box), edit, delete (with undo) and move.
// Every change is queued with `store.send`, so it shows at once and is saved when the server answers.
//
// Returns {updateCounter, startEdit, saveEdit, cancelEdit, deleteItem, moveBy, moveToCategory, moveTo}.

import { newId } from "../ids.js";
import { cleanText, textLength, truncate } from "./text.js";

const UNDO_MS = 10000;

export function setupActions({ root, columns, categoryKeys, firstColumn, elements, editing, maxLength, numberFormat,
  toast, toastMessage, undoButton, store, ui }) {
  const { send, itemOf } = store;
  const { state } = ui;
  let undo = null; // {id, timer}

  // Adding ------------------------------------------------------------------------------------------

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
      ui.announce(tooLong(n));
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

  // Editing -----------------------------------------------------------------------------------------

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
    ui.activateTab(li.dataset.category);
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
    state.focusAfterRender = id;
    ui.scheduleRender();
  }

  function cancelEdit(id) {
    endEdit(id);
    state.focusAfterRender = id;
    ui.scheduleRender();
  }

  // Deleting, with undo -----------------------------------------------------------------------------

  function deleteItem(id) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const ids = state.view.orders.get(item.category) || [];
    const index = ids.indexOf(id);
    const neighbour = ids[index + 1] || ids[index - 1];
    if (editing.has(id)) endEdit(id);
    send({ op: "delete", item: id });
    state.focusAfterRender = neighbour ? neighbour : columns.get(item.category)?.input || null;
    showUndo(id, item.text);
    ui.scheduleRender();
  }

  function showUndo(id, text) {
    hideUndo();
    toastMessage.textContent = `Item deleted: “${truncate(text, 60)}”.`;
    toast.hidden = false;
    undo = { id, timer: null };
    armUndoTimer();
    ui.announce("Item deleted. To undo, press Control+Z or use the Undo button at the bottom of the page.");
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
    state.focusAfterRender = id;
    ui.announce("Item restored.");
    ui.scheduleRender();
  }

  undoButton.addEventListener("click", undoDelete);
  toast.addEventListener("focusout", () => armUndoTimer());

  document.addEventListener("keydown", (event) => {
    if (!undo || event.key.toLowerCase() !== "z" || !(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
    if (event.target.matches && event.target.matches("textarea, input, select")) return; // their own undo
    event.preventDefault();
    undoDelete();
  });

  // Moving ------------------------------------------------------------------------------------------

  function moveBy(id, delta) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const ids = state.view.orders.get(item.category) || [];
    const from = ids.indexOf(id);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= ids.length) return;
    send({ op: "move", item: id, category: item.category, position: to });
    state.focusAfterRender = id;
    ui.announce(`Moved to position ${to + 1} of ${ids.length}.`);
    ui.scheduleRender();
  }

  function moveToCategory(id, direction) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const target = categoryKeys[categoryKeys.indexOf(item.category) + direction];
    if (!target) return;
    send({ op: "move", item: id, category: target });
    state.focusAfterRender = id;
    ui.announce(`Moved to ${columns.get(target).name}.`);
    ui.scheduleRender();
  }

  function moveTo(id, category, position) {
    const item = itemOf(id);
    if (!item || item.state !== "active") return;
    const orders = state.view.orders;
    const siblings = (orders.get(category) || []).filter((each) => each !== id);
    const at = Math.min(position, siblings.length);
    if (item.category === category && (orders.get(category) || []).indexOf(id) === at) return;
    send({ op: "move", item: id, category, position: at });
    state.focusAfterRender = id;
    ui.scheduleRender();
  }

  return { updateCounter, startEdit, saveEdit, cancelEdit, deleteItem, moveBy, moveToCategory, moveTo };
}
