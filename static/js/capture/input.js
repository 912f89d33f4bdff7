// The items' buttons, question selects, keyboard shortcuts and drag and drop, all delegated from the page's
// root element (items come and go as the room changes). The shortcuts are listed in the page's help text.

export function setupInput({ root, columns, elements, editing, store, actions }) {
  const { send, itemOf } = store;

  // Buttons and selects -----------------------------------------------------------------------------

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
      actions.startEdit(id);
    } else if (button.classList.contains("item-save")) {
      actions.saveEdit(id);
    } else if (button.classList.contains("item-cancel")) {
      actions.cancelEdit(id);
    } else if (button.classList.contains("item-delete")) {
      actions.deleteItem(id);
    } else if (button.classList.contains("item-up")) {
      actions.moveBy(id, -1);
    } else if (button.classList.contains("item-down")) {
      actions.moveBy(id, 1);
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

  // Keyboard ----------------------------------------------------------------------------------------

  root.addEventListener("keydown", (event) => {
    const li = event.target.closest && event.target.closest("li.item");
    if (!li) return;
    const id = li.dataset.id;
    if (event.target.classList.contains("item-edit-text")) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        actions.saveEdit(id);
      } else if (event.key === "Escape") {
        event.preventDefault();
        actions.cancelEdit(id);
      }
      return;
    }
    if (event.target.matches("textarea, select, input")) return;
    if (event.altKey && !event.ctrlKey && !event.metaKey) {
      const moves = { ArrowUp: () => actions.moveBy(id, -1), ArrowDown: () => actions.moveBy(id, 1),
        ArrowLeft: () => actions.moveToCategory(id, -1), ArrowRight: () => actions.moveToCategory(id, 1) };
      if (moves[event.key]) {
        event.preventDefault();
        moves[event.key]();
      }
      return;
    }
    if (event.target !== li || event.ctrlKey || event.metaKey) return;
    if (event.key === "Enter" || event.key === "F2") {
      event.preventDefault();
      actions.startEdit(id);
    } else if (event.key === "Delete") {
      event.preventDefault();
      actions.deleteItem(id);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const sibling = event.key === "ArrowDown" ? li.nextElementSibling : li.previousElementSibling;
      if (sibling) {
        event.preventDefault();
        sibling.focus();
      }
    }
  });

  // Drag and drop -----------------------------------------------------------------------------------

  let dragId = null;

  function clearDropMarks() {
    for (const node of root.querySelectorAll(".drop-before, .drop-end, .drop-target")) {
      node.classList.remove("drop-before", "drop-end", "drop-target");
    }
  }

  /** Where a drop at height `y` lands in the column: before lis[index] (or at the end). */
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
    actions.moveTo(id, column.key, index);
  });

  root.addEventListener("dragend", () => {
    clearDropMarks();
    const li = dragId && elements.get(dragId);
    if (li) li.classList.remove("dragging");
    dragId = null;
  });
}
