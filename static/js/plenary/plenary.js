// The plenary page: every room's items on one side, the statements the moderators merge them into on the
// other, live (docs/protocol.md, "The plenary"). User text is only ever set with textContent or value.

import { batched } from "../live.js";
import { MESSAGES, connectionMessage } from "../connection-messages.js";
import { newId } from "../ids.js";
import { announcer, el } from "../dom.js";
import { PlenaryConnection, count, readPlenaryPage } from "./plenary-connection.js";
import { StatementQueue } from "./queue.js";
import { Pool } from "./pool.js";
import { StatementList } from "./statements.js";
import { Toast, setupSuggestions, setupVotingForms, showTally } from "./panels.js";

const root = document.getElementById("plenary");
if (root) start(root);

function start(root) {
  const page = readPlenaryPage(root);
  const { event, sections, sectionKeys, sectionName } = page;
  const canModerate = root.dataset.canModerate === "true";
  const maxLength = Number.parseInt(root.dataset.maxLength, 10) || 4000;
  const rooms = new Map();
  for (const [order, li] of root.querySelectorAll("#room-index > li").entries()) {
    rooms.set(Number(li.dataset.room), {
      workshop: Number(li.dataset.workshop), title: li.textContent.trim(), round: Number(li.dataset.round),
      roundLabel: li.dataset.roundLabel, group: li.dataset.group, label: li.dataset.label, order,
    });
  }
  const statusEl = document.getElementById("save-status");
  const messageEl = document.getElementById("connection-message");
  const announce = announcer(document.getElementById("announcer"));
  let connectionState = "connecting";
  const schedule = batched(render); // draw once per batch of changes
  let focusAfterRender = null;
  let queue = null; // made just below: the connection reports its state from its constructor on

  const connection = new PlenaryConnection({
    event,
    onState: () => schedule(),
    onTally: (tally) => {
      showTally(tally);
      schedule();
    },
    onConnection: (state, detail) => {
      connectionState = state;
      showConnection(state, detail);
      updateStatus();
    },
    onJoined: () => queue.joined(),
    onDisconnect: () => queue.disconnected(),
  });
  queue = new StatementQueue({
    connection,
    event,
    onChange: () => {
      updateStatus();
      schedule();
    },
    onAck: acknowledged,
    onReject: rejected,
  });
  const pool = new Pool({ root, connection, canModerate, rooms, sectionName, onSelection: updateSelection });
  const toast = new Toast({ announce });
  const statements = new StatementList({
    root, queue, canModerate, sections, pool, announce,
    onDelete: (s) => toast.show(`Statement ${s.number} deleted.`, () => {
      queue.enqueue("restore", s.id);
      focusAfterRender = s.id;
    }),
  });

  function render() {
    const view = queue.view();
    const order = page.order(view);
    pool.render(view);
    statements.render(view, order, connection.tally);
    if (focusAfterRender && view.has(focusAfterRender) && view.get(focusAfterRender).state === "active") {
      statements.focus(focusAfterRender);
      focusAfterRender = null;
    }
  }

  function updateStatus() {
    if (!queue) return;
    const { state, text } = queue.status(connectionState);
    statusEl.textContent = text;
    statusEl.dataset.state = state;
    statusEl.className = `save-status save-status--${state}`;
  }

  function showConnection(state, detail) {
    connectionMessage(messageEl, state, detail, { loginUrl: root.dataset.loginUrl, noAccess: MESSAGES.noAccess.plenary });
  }

  // Answers to the moderator's own mutations ---------------------------------------------------------

  function acknowledged(entry, answer) {
    if (entry.op === "create" && form.pending === entry.statement) {
      if (form.items.length) pool.clear();
      closeStatementForm(false);
      focusAfterRender = answer.statement.id;
      announce(`Statement saved in ${sectionName(answer.statement.section)}.`);
    } else if (entry.op === "merge") {
      announce(`Items added to statement ${answer.statement.number}.`);
    } else if (entry.op === "restore") {
      announce(`Statement ${answer.statement.number} is back.`);
    }
  }

  function rejected(entry, answer) {
    const message = answer.message || "The server refused this change.";
    if (entry.op === "create") {
      openStatementForm({ text: entry.fields.text, details: entry.fields.details, section: entry.fields.section,
        items: entry.fields.items });
      showFormError(`Not saved: ${message}`);
      return;
    }
    if (answer.error === "failed") {
      // Set aside after failing again and again: shown with the moderator's wording and "Try again".
      statements.showConflict(entry.statement, `Not saved (${entry.op}): ${message}`, wordingOf(entry), entry);
    } else if (answer.error === "conflict" && entry.op === "edit") {
      statements.showConflict(entry.statement, `${message} The current wording is shown above.`, wordingOf(entry));
    } else {
      statements.showConflict(entry.statement, `Not saved (${entry.op}): ${message}`, null);
    }
    announce(`Not saved: ${message}`);
  }

  /** The moderator's own wording in a statement mutation ({text, details}), or null. */
  function wordingOf(entry) {
    const wording = ["text", "details"].filter((key) => typeof entry.fields[key] === "string");
    return wording.length ? Object.fromEntries(wording.map((key) => [key, entry.fields[key]])) : null;
  }

  // Selection, "Merge into new statement" and "Add to statement…" ------------------------------------

  const mergeButton = document.getElementById("merge-button");
  const addButton = document.getElementById("add-button");
  const clearButton = document.getElementById("clear-selection");
  const selectionCount = document.getElementById("selection-count");
  const formEl = document.getElementById("statement-form");
  const addForm = document.getElementById("add-form");
  const form = { pending: null, items: [] };

  function updateSelection() {
    if (!canModerate) return;
    const n = pool.selected.size;
    const hidden = pool.hiddenSelected();
    selectionCount.textContent = n
      ? `${count(n, "item")} selected${hidden ? ` (${hidden} hidden by the filters)` : ""}`
      : "No items selected";
    mergeButton.disabled = n === 0;
    addButton.disabled = n === 0 || statements.options().length === 0;
    clearButton.disabled = n === 0;
  }

  function joined(items) {
    return items.map((i) => {
      const t = i.text.trim();
      return /[.!?;:]$/.test(t) ? t : `${t}.`;
    }).join(" ");
  }

  function listItems(listEl, items) {
    listEl.replaceChildren(...items.map((i) => {
      const li = el("li", "form-item");
      li.append(el("span", "form-item-text", i.text), el("span", "form-item-room", pool.roomLabel(i)));
      return li;
    }));
  }

  /** The new statement form: merging the selected items, or (prefilled) written directly in a section. */
  function openStatementForm(prefill, opener = mergeButton) {
    const items = prefill ? (prefill.items || []).map((id) => connection.item(id)).filter(Boolean) : pool.selection();
    if (!prefill && !items.length) return;
    addForm.hidden = true;
    form.items = items.map((i) => i.id);
    form.pending = null;
    form.opener = opener;
    const text = formEl.elements.text;
    text.value = prefill ? prefill.text || "" : joined(items);
    text.readOnly = false;
    text.removeAttribute("aria-invalid");
    formEl.elements.details.value = prefill ? prefill.details || "" : "";
    formEl.elements.details.readOnly = false;
    const first = items.length ? items[0].category : null;
    formEl.elements.section.value = prefill && prefill.section ? prefill.section
      : (sectionKeys.includes(first) ? first : sectionKeys[sectionKeys.length - 1]);
    document.getElementById("statement-form-count").textContent = items.length
      ? `Merging ${count(items.length, "item")}:` : "Written directly, without items from the rooms.";
    listItems(document.getElementById("statement-form-items"), items);
    document.getElementById("statement-form-error").hidden = true;
    const save = document.getElementById("statement-form-save");
    save.disabled = false;
    save.textContent = "Save statement";
    formEl.hidden = false;
    text.focus();
    text.setSelectionRange(text.value.length, text.value.length);
  }

  function closeStatementForm(refocus) {
    formEl.hidden = true;
    form.pending = null;
    if (refocus) (form.opener || mergeButton).focus();
  }

  function showFormError(message) {
    const error = document.getElementById("statement-form-error");
    error.textContent = message;
    error.hidden = false;
    formEl.elements.text.setAttribute("aria-invalid", "true");
    formEl.elements.text.focus();
  }

  function saveStatementForm() {
    if (form.pending) return;
    const text = formEl.elements.text.value.trim();
    if (!text) return showFormError("Write the statement's wording.");
    if (text.length > maxLength) return showFormError(`At most ${maxLength} characters (this has ${text.length}).`);
    const id = newId();
    form.pending = id;
    formEl.elements.text.readOnly = true;
    formEl.elements.details.readOnly = true;
    document.getElementById("statement-form-error").hidden = true;
    const save = document.getElementById("statement-form-save");
    save.disabled = true;
    save.textContent = "Saving…";
    const details = formEl.elements.details.value.trim();
    queue.enqueue("create", id, { text, details, section: formEl.elements.section.value, items: [...form.items] });
    return undefined;
  }

  function openAddForm() {
    const items = pool.selection();
    const options = statements.options();
    if (!items.length || !options.length) return;
    formEl.hidden = true;
    const select = addForm.elements.statement;
    const previous = select.value;
    select.replaceChildren(...options.map(({ section, statements: list }) => {
      const group = el("optgroup");
      group.label = section.name;
      for (const s of list) {
        const option = el("option", "", `${s.number} ${s.text.length > 90 ? `${s.text.slice(0, 90)}…` : s.text}`);
        option.value = s.id;
        group.append(option);
      }
      return group;
    }));
    if (previous && [...select.options].some((o) => o.value === previous)) select.value = previous;
    document.getElementById("add-form-count").textContent = `Adding ${count(items.length, "item")}:`;
    listItems(document.getElementById("add-form-items"), items);
    document.getElementById("add-form-error").hidden = true;
    addForm.hidden = false;
    select.focus();
  }

  if (canModerate) {
    mergeButton.addEventListener("click", () => openStatementForm());
    root.addEventListener("click", (e) => {
      const button = e.target.closest("button.statement-new");
      if (button) openStatementForm({ section: button.dataset.section, items: [] }, button);
    });
    addButton.addEventListener("click", openAddForm);
    clearButton.addEventListener("click", () => {
      pool.clear();
      announce("Selection cleared.");
    });
    formEl.addEventListener("submit", (e) => {
      e.preventDefault();
      saveStatementForm();
    });
    formEl.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        closeStatementForm(true);
      } else if (e.key === "Enter" && !e.shiftKey && e.target === formEl.elements.text && !e.isComposing) {
        e.preventDefault();
        saveStatementForm();
      }
    });
    document.getElementById("statement-form-cancel").addEventListener("click", () => closeStatementForm(true));
    addForm.addEventListener("submit", (e) => {
      e.preventDefault();
      const target = addForm.elements.statement.value;
      const items = pool.selection().map((i) => i.id);
      if (!target || !items.length) return;
      queue.enqueue("merge", target, { items });
      pool.clear();
      addForm.hidden = true;
      focusAfterRender = target;
      schedule();
    });
    addForm.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        addForm.hidden = true;
        addButton.focus();
      }
    });
    document.getElementById("add-form-cancel").addEventListener("click", () => {
      addForm.hidden = true;
      addButton.focus();
    });
    setupSuggestions({ connection, event, pool, announce, onMerge: () => openStatementForm() });
  }
  setupVotingForms();
  updateSelection();
  updateStatus();
}
