// On narrow screens the categories are tabs (one column shown at a time); on wide ones, side by side.
// The active tab is kept per room for the browser session.
//
// Returns activateTab(key, focusTab).

const NARROW = "(max-width: 799.98px)";

export function setupTabs({ root, config, columns, categoryKeys }) {
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
  return activateTab;
}
