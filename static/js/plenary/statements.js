// The plenary page's statements: per section, numbered, with in-place editing, moving (buttons,
// Alt+Arrow keys, drag and drop), deleting, their source items (with "Unmerge") and their dots.
// Elements are kept per statement id, so an open editor, a notice and focus survive live updates.

import { placeInOrder } from "../live.js";
import { el, partsByKey } from "../dom.js";
import { count } from "./plenary-connection.js";
import { enableDragAndDrop } from "./drag.js";

export class StatementList {
  constructor({ root, queue, canModerate, sections, pool, announce, onDelete }) {
    this.root = root;
    this.queue = queue;
    this.canModerate = canModerate;
    this.sections = sections;
    this.pool = pool;
    this.announce = announce;
    this.onDelete = onDelete;
    this.elements = new Map(); // statement id -> li
    this.editing = new Map(); // statement id -> {base}
    this.notices = new Map(); // statement id -> {message, mine}
    this.view = new Map();
    this.order = new Map(); // section -> [statements]
    this.tally = null;
    this.dragging = null;
    this.containers = partsByKey(root, "section.statement-section[data-section]", "section", {
      list: "ol.statements", empty: ".statements-empty", count: ".section-count", heading: ".statement-section-heading",
    });
    if (canModerate) this._listen();
  }

  render(view, order, tally) {
    this.view = view;
    this.order = order;
    this.tally = tally;
    const active = document.activeElement;
    const focusedLi = active && active.closest ? active.closest("li.statement") : null;
    const shown = new Set();
    for (const [key, parts] of this.containers) {
      const list = order.get(key) || [];
      placeInOrder(parts.list, list.map((s, index) => {
        shown.add(s.id);
        const li = this.elements.get(s.id) || this._create(s.id);
        this._update(li, s, index, list.length);
        return li;
      }));
      parts.empty.hidden = list.length > 0;
      parts.count.textContent = list.length ? `(${list.length})` : "";
    }
    for (const [id, li] of this.elements) {
      if (!shown.has(id)) {
        li.remove();
        this.elements.delete(id);
        this.editing.delete(id);
      }
    }
    // Moving an element in the document drops its focus: give it back.
    if (focusedLi && focusedLi.isConnected && document.activeElement !== active && active.isConnected) active.focus();
  }

  /** The statement options for "Add to statement…". */
  options() {
    const out = [];
    for (const section of this.sections) {
      const list = this.order.get(section.key) || [];
      if (list.length) out.push({ section, statements: list });
    }
    return out;
  }

  /** A notice on the statement: `mine`, the moderator's unsaved wording ({text, details}) or null; `retry`, a
   *  mutation the queue set aside, offered with "Try again". */
  showConflict(statementId, message, mine, retry = null) {
    this.notices.set(statementId, { message, mine, retry });
    const li = this.elements.get(statementId);
    const s = this.view.get(statementId);
    if (li && s) this._notice(li, s);
  }

  focus(statementId) {
    const li = this.elements.get(statementId);
    if (li) li.focus();
  }

  // Elements ------------------------------------------------------------------------------------------

  _create(id) {
    const li = el("li", "statement");
    li.dataset.id = id;
    li.id = `statement-${id}`;
    const head = el("div", "statement-head");
    head.append(el("span", "statement-number"), el("p", "statement-text"));
    const meta = el("p", "statement-meta");
    meta.append(el("span", "statement-dots"), el("span", "statement-pending", "Saving…"));
    li.append(head, el("div", "statement-details"), meta);
    if (this.canModerate) {
      li.tabIndex = 0; // for Alt+Arrow moves and Enter to edit
      li.draggable = true;
      li.setAttribute("aria-describedby", "statement-help");
      const controls = el("div", "statement-controls");
      for (const [cls, label] of [["statement-edit", "Edit"], ["statement-up", "↑ Up"], ["statement-down", "↓ Down"],
        ["statement-delete", "Delete"]]) {
        const b = el("button", `button button-small button-secondary ${cls}`, label);
        b.type = "button";
        controls.append(b);
      }
      li.append(controls);
    }
    li.append(el("div", "statement-notice"));
    const sources = el("div", "statement-sources");
    sources.append(el("p", "statement-sources-label"), el("ul", "statement-source-list"));
    li.append(sources);
    this.elements.set(id, li);
    return li;
  }

  _update(li, s, index, total) {
    li.dataset.section = s.section;
    li.classList.toggle("pending", Boolean(s.pending));
    li.querySelector(".statement-number").textContent = s.number;
    const text = li.querySelector(".statement-text");
    if (text.textContent !== s.text) text.textContent = s.text;
    showDetails(li.querySelector(".statement-details"), s.details || "");
    li.querySelector(".statement-pending").hidden = !s.pending;
    const dots = li.querySelector(".statement-dots");
    const showDots = this.tally && (this.tally.open || this.tally.ballots > 0);
    dots.hidden = !showDots;
    if (showDots) {
      const n = (this.tally.counts && this.tally.counts[s.id]) || 0;
      dots.textContent = count(n, "dot");
    }
    if (this.canModerate) {
      const label = `statement ${s.number}`;
      const set = (cls, aria, disabled) => {
        const b = li.querySelector(cls);
        b.setAttribute("aria-label", aria);
        b.disabled = Boolean(disabled);
      };
      const editing = this.editing.has(s.id);
      set(".statement-edit", `Edit ${label}`, editing);
      set(".statement-up", `Move ${label} up`, index === 0);
      set(".statement-down", `Move ${label} down`, index === total - 1);
      set(".statement-delete", `Delete ${label}`, false);
    }
    this._sources(li, s);
    this._notice(li, s);
  }

  _sources(li, s) {
    const label = li.querySelector(".statement-sources-label");
    const list = li.querySelector(".statement-source-list");
    label.textContent = s.items.length ? `Merged from ${count(s.items.length, "item")}:` : "No items merged.";
    const key = JSON.stringify(s.items.map((id) => {
      const item = this.pool.connection.item(id);
      return [id, item ? item.text : "", item ? item.room : 0];
    }));
    if (list.dataset.key === key && list.dataset.number === s.number) return;
    list.dataset.key = key;
    list.dataset.number = s.number;
    list.replaceChildren();
    for (const id of s.items) {
      const item = this.pool.connection.item(id);
      const entry = el("li", "statement-source");
      entry.dataset.item = id;
      const text = item ? item.text : "(this item is no longer available)";
      entry.append(el("span", "statement-source-text", text));
      if (item) entry.append(el("span", "statement-source-room", this.pool.roomLabel(item)));
      if (this.canModerate) {
        const b = el("button", "button button-small button-secondary statement-unmerge", "Unmerge");
        b.type = "button";
        b.setAttribute("aria-label", `Unmerge from statement ${s.number}: ${text.slice(0, 80)}`);
        entry.append(b);
      }
      list.append(entry);
    }
  }

  _notice(li, s) {
    const box = li.querySelector(".statement-notice");
    const notice = this.notices.get(s.id);
    box.hidden = !notice;
    li.classList.toggle("has-notice", Boolean(notice));
    if (!notice) {
      box.replaceChildren();
      return;
    }
    const shown = notice.message + JSON.stringify(notice.mine) + Boolean(notice.retry);
    if (box.dataset.shown === shown) return;
    box.dataset.shown = shown;
    box.className = "statement-notice notice";
    box.setAttribute("role", "alert");
    box.replaceChildren(el("p", "", notice.message));
    if (notice.mine) {
      const p = el("p", "");
      p.append(el("span", "notice-label", "Your wording (not saved):"),
        el("span", "notice-mine-text", [notice.mine.text, notice.mine.details].filter((t) => t).join("\n\n")));
      box.append(p);
    }
    const actions = el("div", "actions");
    if (notice.retry) {
      const again = el("button", "button button-small notice-retry", "Try again");
      again.type = "button";
      actions.append(again);
    } else if (notice.mine) {
      const again = el("button", "button button-small notice-apply", "Apply mine again");
      again.type = "button";
      actions.append(again);
    }
    let dismissLabel = notice.mine ? "Keep theirs" : "Dismiss";
    if (notice.retry) dismissLabel = notice.mine ? "Discard" : "Dismiss";
    const dismiss = el("button", "button button-small button-secondary notice-dismiss", dismissLabel);
    dismiss.type = "button";
    actions.append(dismiss);
    box.append(actions);
  }

  // Actions -------------------------------------------------------------------------------------------

  _listen() {
    const root = this.root;
    root.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      const li = event.target.closest("li.statement");
      if (!button || !li) return;
      const s = this.view.get(li.dataset.id);
      if (!s) return;
      if (button.classList.contains("statement-edit")) this._edit(li, s);
      else if (button.classList.contains("statement-up")) this._moveBy(s, -1);
      else if (button.classList.contains("statement-down")) this._moveBy(s, 1);
      else if (button.classList.contains("statement-delete")) this._delete(li, s);
      else if (button.classList.contains("statement-unmerge")) {
        const entry = button.closest("li.statement-source");
        this.queue.enqueue("unmerge", s.id, { items: [entry.dataset.item] });
        this.announce(`Item given back to the pool from statement ${s.number}.`);
        li.focus();
      } else if (button.classList.contains("editor-save")) this._save(li, s);
      else if (button.classList.contains("editor-cancel")) this._closeEditor(li, s.id, true);
      else if (button.classList.contains("notice-apply")) {
        const notice = this.notices.get(s.id);
        this.notices.delete(s.id);
        this.queue.enqueue("edit", s.id, notice.mine, s.version);
        this._notice(li, s);
        li.focus();
      } else if (button.classList.contains("notice-retry")) {
        const notice = this.notices.get(s.id);
        this.notices.delete(s.id);
        this.queue.retry(notice.retry);
        this._notice(li, s);
        li.focus();
      } else if (button.classList.contains("notice-dismiss")) {
        this.notices.delete(s.id);
        this._notice(li, s);
        li.focus();
      }
    });
    root.addEventListener("keydown", (event) => {
      const li = event.target.closest("li.statement");
      if (!li) return;
      const s = this.view.get(li.dataset.id);
      if (!s) return;
      const editor = event.target.closest(".statement-editor");
      if (editor) {
        if (event.key === "Escape") {
          event.preventDefault();
          this._closeEditor(li, s.id, true);
        } else if (event.key === "Enter" && !event.shiftKey && event.target.classList.contains("statement-editor-text")
          && !event.isComposing) {
          event.preventDefault();
          this._save(li, s);
        }
        return;
      }
      if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowDown")) {
        event.preventDefault();
        this._moveBy(s, event.key === "ArrowUp" ? -1 : 1);
      } else if (event.target === li && event.key === "Enter") {
        event.preventDefault();
        this._edit(li, s);
      }
    });
    enableDragAndDrop(this);
  }

  _moveBy(s, delta) {
    const list = this.order.get(s.section) || [];
    const index = list.findIndex((o) => o.id === s.id);
    const target = index + delta;
    if (index < 0 || target < 0 || target >= list.length) return;
    this.queue.enqueue("move", s.id, { position: target });
    this.announce(`Statement moved to ${list[target].number}.`);
  }

  _delete(li, s) {
    const list = this.order.get(s.section) || [];
    const index = list.findIndex((o) => o.id === s.id);
    const next = list[index + 1] || list[index - 1];
    this.queue.enqueue("delete", s.id);
    this.notices.delete(s.id);
    if (next) this.focus(next.id);
    else this.containers.get(s.section).heading.focus();
    this.onDelete(s);
  }

  _edit(li, s) {
    if (this.editing.has(s.id)) {
      li.querySelector(".statement-editor-text").focus();
      return;
    }
    this.editing.set(s.id, { base: s.version });
    const editor = el("div", "statement-editor");
    const textId = `edit-text-${s.id}`;
    const label = el("label", "visually-hidden", `Wording of statement ${s.number}`);
    label.htmlFor = textId;
    const area = el("textarea", "statement-editor-text");
    area.id = textId;
    area.rows = 4;
    area.value = s.text;
    const detailsId = `edit-details-${s.id}`;
    const detailsLabel = el("label", "statement-editor-details-label", "Explanatory text (optional)");
    detailsLabel.htmlFor = detailsId;
    const details = el("textarea", "statement-editor-details");
    details.id = detailsId;
    details.rows = 4;
    details.value = s.details || "";
    const sectionId = `edit-section-${s.id}`;
    const sectionLabel = el("label", "statement-editor-section-label", "Section");
    sectionLabel.htmlFor = sectionId;
    const select = el("select", "statement-editor-section");
    select.id = sectionId;
    for (const section of this.sections) {
      const option = el("option", "", section.name);
      option.value = section.key;
      option.selected = section.key === s.section;
      select.append(option);
    }
    const actions = el("div", "statement-editor-actions");
    const save = el("button", "button button-small editor-save", "Save");
    save.type = "button";
    const cancel = el("button", "button button-small button-secondary editor-cancel", "Cancel");
    cancel.type = "button";
    actions.append(save, cancel, el("span", "hint", "Enter in the wording saves, Shift+Enter: new line, Escape cancels"));
    const row = el("div", "statement-editor-row");
    row.append(sectionLabel, select);
    editor.append(label, area, detailsLabel, details, row, actions);
    li.querySelector(".statement-text").hidden = true;
    li.querySelector(".statement-details").hidden = true;
    li.querySelector(".statement-head").after(editor);
    li.draggable = false;
    li.querySelector(".statement-edit").disabled = true;
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }

  _save(li, s) {
    const editing = this.editing.get(s.id);
    const editor = li.querySelector(".statement-editor");
    if (!editing || !editor) return;
    const text = editor.querySelector(".statement-editor-text").value.trim();
    const details = editor.querySelector(".statement-editor-details").value.trim();
    const section = editor.querySelector("select").value;
    if (!text) {
      editor.querySelector(".statement-editor-text").setAttribute("aria-invalid", "true");
      this.announce("The statement needs some text. Press Escape to cancel, or Delete the statement.");
      return;
    }
    const fields = {};
    if (text !== s.text) fields.text = text;
    if (details !== (s.details || "")) fields.details = details;
    if (section !== s.section) fields.section = section;
    if (Object.keys(fields).length) {
      this.queue.enqueue("edit", s.id, fields, editing.base);
      this.announce(fields.section ? "Statement saved and moved to another section." : "Statement saved.");
    }
    this._closeEditor(li, s.id, true);
  }

  _closeEditor(li, id, refocus) {
    this.editing.delete(id);
    const editor = li.querySelector(".statement-editor");
    if (editor) editor.remove();
    li.querySelector(".statement-text").hidden = false;
    li.querySelector(".statement-details").hidden = false;
    li.draggable = true;
    const edit = li.querySelector(".statement-edit");
    edit.disabled = false;
    if (refocus) edit.focus();
  }
}

/** The explanatory text as paragraphs (blank lines between them), redrawn only when it changed. */
function showDetails(box, details) {
  if (box.dataset.text === details) return;
  box.dataset.text = details;
  box.replaceChildren(...details.split(/\n\s*\n/).filter((p) => p.trim()).map((p) => el("p", "", p.trim())));
}
