// Drag and drop of the plenary page's statements: within a section, and into another one (a `move` with
// the new section). Keyboard users have Alt+Arrow keys and the editor's section select instead.

export function enableDragAndDrop(list) {
  const clearMarks = () => {
    for (const m of list.root.querySelectorAll(".drop-before, .drop-after, .drop-end")) {
      m.classList.remove("drop-before", "drop-after", "drop-end");
    }
  };
  list.root.addEventListener("dragstart", (event) => {
    const li = event.target.closest && event.target.closest("li.statement");
    if (!li || li !== event.target || list.editing.has(li.dataset.id)) return;
    list.dragging = li.dataset.id;
    li.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", li.querySelector(".statement-text").textContent);
  });
  list.root.addEventListener("dragend", (event) => {
    const li = event.target.closest && event.target.closest("li.statement");
    if (li) li.classList.remove("dragging");
    list.dragging = null;
    clearMarks();
  });
  const target = (event) => {
    const section = event.target.closest && event.target.closest("section.statement-section");
    if (!section || !list.dragging) return null;
    const over = event.target.closest("li.statement");
    if (over && over.dataset.id !== list.dragging) {
      const box = over.getBoundingClientRect();
      return { section, over, after: event.clientY > box.top + box.height / 2 };
    }
    return over ? null : { section, over: null };
  };
  list.root.addEventListener("dragover", (event) => {
    const t = target(event);
    if (!t) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    if (t.over) t.over.classList.add(t.after ? "drop-after" : "drop-before");
    else t.section.querySelector("ol.statements").classList.add("drop-end");
  });
  list.root.addEventListener("drop", (event) => {
    const t = target(event);
    clearMarks();
    if (!t) return;
    event.preventDefault();
    const s = list.view.get(list.dragging);
    if (!s) return;
    const key = t.section.dataset.section;
    const others = (list.order.get(key) || []).filter((o) => o.id !== s.id);
    let position = others.length;
    if (t.over) {
      position = others.findIndex((o) => o.id === t.over.dataset.id) + (t.after ? 1 : 0);
    }
    const current = (list.order.get(s.section) || []).findIndex((o) => o.id === s.id);
    if (key === s.section && position === current) return;
    list.queue.enqueue("move", s.id, key === s.section ? { position } : { position, section: key });
    list.announce("Statement moved.");
  });
}
