// The plenary page's pool: every room's items, by category, then workshop (rounds merged) or session, with filters
// and a selection for merging. Elements are kept per item id, so ticks and focus survive live updates.

import { placeInOrder } from "../live.js";
import { el, partsByKey } from "../dom.js";

export class Pool {
  constructor({ root, connection, canModerate, rooms, sectionName, onSelection }) {
    this.sectionName = sectionName;
    this.root = root;
    this.connection = connection;
    this.canModerate = canModerate;
    this.rooms = rooms; // room id -> {workshop, title, round, roundLabel, group, label, order}
    this.onSelection = onSelection;
    this.selected = new Set(); // item ids, in the order they were ticked
    this.elements = new Map(); // item id -> li
    this.groups = new Map(); // "category|group" -> {wrap, list}; a group is a workshop or a session
    this.merged = new Map(); // item id -> statement (or null when merged into an unknown one)
    this.categories = partsByKey(root, ".pool-category[data-category]", "category",
      { groups: ".pool-groups", empty: ".pool-empty", count: ".pool-category-count" });
    this.filters = {
      workshop: document.getElementById("filter-workshop"),
      category: document.getElementById("filter-category"),
      key: document.getElementById("filter-key"),
      merged: document.getElementById("filter-merged"),
    };
    document.getElementById("pool-filters").addEventListener("submit", (e) => e.preventDefault());
    for (const input of Object.values(this.filters)) input.addEventListener("change", () => this.applyFilters());
    this.shownEl = document.getElementById("pool-shown");
    this.countEl = document.getElementById("pool-count");

    root.addEventListener("change", (event) => {
      const box = event.target.closest("input.select-item");
      if (!box) return;
      const id = box.closest("li.plenary-item").dataset.id;
      if (box.checked) this.selected.add(id);
      else this.selected.delete(id);
      box.closest("li.plenary-item").classList.toggle("is-selected", box.checked);
      this.onSelection();
    });
  }

  /** The selected items that can still be merged, in the order they were ticked. */
  selection() {
    return [...this.selected].map((id) => this.connection.item(id)).filter((i) => i && i.state === "active");
  }

  /** Replace the selection (a suggestion's "Merge these"). */
  select(ids) {
    this.selected = new Set(ids.filter((id) => this.connection.item(id) && !this.merged.has(id)));
    for (const [id, li] of this.elements) {
      const box = li.querySelector("input.select-item");
      if (box) box.checked = this.selected.has(id);
      li.classList.toggle("is-selected", this.selected.has(id));
    }
    this.onSelection();
  }

  clear() {
    this.select([]);
  }

  roomLabel(item) {
    const room = this.rooms.get(item.room);
    return room ? room.label : `Room ${item.room}`;
  }

  /** Draw the items; `view` is the statements as the page shows them (for the "merged into" marks). */
  render(view) {
    this.merged = new Map();
    for (const s of view.values()) {
      if (s.state !== "active") continue;
      for (const id of s.items) this.merged.set(id, s);
    }
    const shown = new Set();
    const byGroup = new Map();
    for (const item of this.connection.allItems()) {
      if (item.state !== "active" || !this.categories.has(item.category)) continue;
      if (!this.merged.has(item.id) && item.statement && !view.has(item.statement)) this.merged.set(item.id, null);
      const room = this.rooms.get(item.room) || { workshop: 0, title: "", round: 0, roundLabel: "", group: "", order: -1 };
      const key = `${item.category}|${room.group}`;
      if (!byGroup.has(key)) byGroup.set(key, { category: item.category, room, items: [] });
      byGroup.get(key).items.push(item);
    }
    for (const [category, parts] of this.categories) {
      const groups = [...byGroup.values()].filter((g) => g.category === category)
        .sort((a, b) => a.room.order - b.room.order);
      placeInOrder(parts.groups, groups.map((g) => {
        const group = this._group(category, g.room);
        g.items.sort((a, b) => this._round(a) - this._round(b) || a.position - b.position
          || String(a.created_at).localeCompare(String(b.created_at)));
        placeInOrder(group.list, g.items.map((item) => {
          shown.add(item.id);
          const li = this.elements.get(item.id) || this._create(item.id);
          this._update(li, item);
          return li;
        }));
        return group.wrap;
      }));
    }
    for (const [id, li] of this.elements) {
      if (!shown.has(id)) {
        li.remove();
        this.elements.delete(id);
      }
    }
    let changed = false;
    for (const id of [...this.selected]) {
      if (!shown.has(id) || this.merged.has(id)) {
        this.selected.delete(id);
        changed = true;
      }
    }
    this.applyFilters();
    if (changed) this.onSelection();
  }

  applyFilters() {
    const workshop = this.filters.workshop.value;
    const category = this.filters.category.value;
    const keyOnly = this.filters.key.checked;
    const hideMerged = this.filters.merged.checked;
    let total = 0;
    let visible = 0;
    for (const [key, parts] of this.categories) {
      parts.section.hidden = Boolean(category) && category !== key;
      let inCategory = 0;
      let all = 0;
      for (const wrap of parts.groups.children) {
        let inGroup = 0;
        for (const li of wrap.querySelectorAll("li.plenary-item")) {
          all += 1;
          const show = (!workshop || li.dataset.workshop === workshop) && (!keyOnly || li.dataset.key === "true")
            && (!hideMerged || !this.merged.has(li.dataset.id));
          li.hidden = !show;
          if (show) inGroup += 1;
        }
        wrap.hidden = inGroup === 0;
        inCategory += inGroup;
      }
      parts.empty.hidden = inCategory > 0;
      parts.empty.textContent = all ? "No items match the filters." : "No items here yet.";
      parts.count.textContent = all ? `(${inCategory === all ? all : `${inCategory} of ${all}`})` : "";
      total += all;
      if (!parts.section.hidden) visible += inCategory;
    }
    this.countEl.textContent = `(${total})`;
    const filtered = workshop || category || keyOnly || hideMerged;
    this.shownEl.textContent = filtered ? `Showing ${visible} of ${total} items.` : "";
    this.onSelection();
  }

  /** How many selected items the filters hide. */
  hiddenSelected() {
    let n = 0;
    for (const id of this.selected) {
      const li = this.elements.get(id);
      if (li && (li.hidden || li.closest("[hidden]"))) n += 1;
    }
    return n;
  }

  _round(item) {
    const room = this.rooms.get(item.room);
    return room ? room.round : 0;
  }

  _group(category, room) {
    const key = `${category}|${room.group}`;
    let group = this.groups.get(key);
    if (!group) {
      const wrap = el("div", "pool-workshop");
      wrap.dataset.workshop = room.group;
      const headingId = `pool-${category}-${room.group || "other"}`;
      const title = room.workshop ? `Workshop ${room.workshop}: ${room.title}` : room.title || "Other rooms";
      const heading = el("h4", "pool-workshop-heading", title);
      heading.id = headingId;
      const list = el("ol", "pool-items");
      list.setAttribute("aria-labelledby", headingId);
      wrap.append(heading, list);
      group = { wrap, list };
      this.groups.set(key, group);
    }
    return group;
  }

  _create(id) {
    const li = el("li", "plenary-item");
    li.dataset.id = id;
    const body = el("div", "plenary-item-body");
    const meta = el("p", "plenary-item-meta");
    meta.id = `meta-${id}`;
    if (this.canModerate) {
      const box = el("input", "select-item");
      box.type = "checkbox";
      box.id = `select-${id}`;
      box.setAttribute("aria-describedby", meta.id);
      const label = el("label", "plenary-item-text");
      label.htmlFor = box.id;
      li.append(box);
      body.append(label);
    } else {
      body.append(el("p", "plenary-item-text"));
    }
    meta.append(el("span", "plenary-item-room"), el("span", "plenary-item-author"), el("span", "item-keypoint-label", "Key point"));
    const marker = el("a", "merged-marker");
    meta.append(marker);
    body.append(meta);
    li.append(body);
    this.elements.set(id, li);
    return li;
  }

  _update(li, item) {
    const room = this.rooms.get(item.room);
    li.dataset.workshop = room ? room.group : "";
    li.dataset.key = item.key_point ? "true" : "false";
    li.classList.toggle("key-point", Boolean(item.key_point));
    const text = li.querySelector(".plenary-item-text");
    if (text.textContent !== item.text) text.textContent = item.text;
    li.querySelector(".plenary-item-room").textContent = room ? room.roundLabel : `Room ${item.room}`;
    li.querySelector(".plenary-item-author").textContent = item.author ? `by ${item.author}` : "";
    li.querySelector(".item-keypoint-label").hidden = !item.key_point;
    const isMerged = this.merged.has(item.id);
    const statement = this.merged.get(item.id);
    li.classList.toggle("is-merged", isMerged);
    const marker = li.querySelector(".merged-marker");
    marker.hidden = !isMerged;
    if (isMerged) {
      let label = statement && statement.number ? `merged into ${statement.number}` : "merged";
      if (statement && statement.section !== item.category) label += ` (${this.sectionName(statement.section)})`;
      if (marker.textContent !== label) marker.textContent = label;
      if (statement) marker.href = `#statement-${statement.id}`;
      else marker.removeAttribute("href");
    }
    const box = li.querySelector("input.select-item");
    if (box) {
      box.disabled = isMerged;
      box.checked = !isMerged && this.selected.has(item.id);
      li.classList.toggle("is-selected", box.checked);
    }
  }
}
