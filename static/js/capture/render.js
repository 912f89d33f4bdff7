// Drawing the capture page: the items of every category (as the outbox overlay shows them), the save
// status and who else is here. Rendering is batched: `scheduleRender()` draws once, after the current task.
//
// Draws the notices and the summary too (their modules say how). Returns {render, renderPresence, flash}.

import { el } from "../dom.js";
import { truncate } from "./text.js";
import { placeInOrder } from "../live.js";

export function setupRender({ columns, elements, editing, questions, statusEl, presenceEl, me, store, outbox, live,
  notices, summary, ui }) {
  const { state } = ui;
  let lastStatus = "";

  function render() {
    const active = document.activeElement;
    const view = store.freshView();
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
      if (editing.has(id)) notices.keepDraft(id, li);
      li.remove();
      elements.delete(id);
    }
    notices.renderNotices();
    if (summary) summary.renderSummary();
    renderStatus();
    if (state.focusAfterRender) {
      const target = typeof state.focusAfterRender === "string" ? elements.get(state.focusAfterRender) : state.focusAfterRender;
      state.focusAfterRender = null;
      if (target && target.isConnected) focusItem(target);
    } else if (active && active !== document.activeElement && active.isConnected) {
      active.focus({ preventScroll: true }); // moving an element in the DOM blurs it
    }
  }

  /** Make the column's list show exactly `ids`, in order, moving existing elements rather than rebuilding. */
  function reconcile(column, ids) {
    placeInOrder(column.list, ids.map((id, index) => {
      const li = elements.get(id) || createItem(id);
      updateItem(li, state.view.items.get(id), index, ids.length, column);
      return li;
    }));
  }

  function createItem(id) {
    const textId = `text-${id}`;
    const metaId = `meta-${id}`;
    const controls = [
      el("button", { type: "button", className: "item-star", "aria-pressed": "false", "aria-describedby": textId, title: "Key point" },
        el("span", { "aria-hidden": "true", className: "star-icon", text: "★" }),
        el("span", { className: "visually-hidden", text: "Key point" })),
    ];
    controls.push(
      el("button", { type: "button", className: "button-small button-secondary item-edit", "aria-describedby": textId, text: "Edit" }),
      el("button", { type: "button", className: "button-small button-secondary item-delete", "aria-describedby": textId, text: "Delete" }),
      el("button", { type: "button", className: "button-small button-secondary item-up", "aria-label": "Move up", "aria-describedby": textId },
        el("span", { "aria-hidden": "true", text: "↑" })),
      el("button", { type: "button", className: "button-small button-secondary item-down", "aria-label": "Move down", "aria-describedby": textId },
        el("span", { "aria-hidden": "true", text: "↓" })),
    );
    // Last, so that on a narrow column it wraps to a line of its own (rather than the buttons wrapping one by one).
    if (questions.length) {
      const select = el("select", { className: "item-question", id: `q-${id}`, "aria-describedby": textId },
        el("option", { value: "-1", text: "— no question —" }),
        ...questions.map((q, i) => el("option", { value: String(i), text: `${i + 1}. ${truncate(q, 60)}`, title: q })));
      controls.push(el("label", { className: "visually-hidden", for: `q-${id}`, text: "Guiding question" }), select);
    }
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

  function flash(id) {
    setTimeout(() => { // after the render that adds the item
      const li = elements.get(id);
      if (!li) return;
      li.classList.add("just-added");
      setTimeout(() => li.classList.remove("just-added"), 2500);
    }, 0);
  }

  function focusItem(li) {
    ui.activateTab(li.dataset.category || (li.closest(".category-column") || {}).dataset?.category);
    li.focus({ preventScroll: true });
    li.scrollIntoView({ block: "nearest" });
  }

  return { render, renderPresence, flash };
}
