// Small DOM helpers shared by the pages: building nodes without innerHTML (user text only ever goes in as
// text nodes), screen-reader announcements, the highlight of new entries, and copying to the clipboard.

/**
 * A new element. `props` is a class name (a string), or an object: `className`, `text` (set with
 * textContent), `hidden`, and any other key as an attribute (false/null/undefined: left out). `children`
 * are nodes or strings (as text); null and undefined are skipped.
 *   el("p", "notice", text)    el("button", {type: "button", className: "button-small", text: "Undo"})
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const attributes = typeof props === "string" ? { className: props } : props || {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "hidden") node.hidden = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** A function that tells screen reader users `text` through the live region `node` (a live region
 *  repeats a text only if it changes, so a repeat gets a no-break space). */
export function announcer(node) {
  return (text) => {
    node.textContent = node.textContent === text ? `${text}\u00a0` : text;
  };
}

/** Highlight a new entry for `ms` (restarting the animation if it runs) and scroll it into view. */
export function highlight(node, ms) {
  node.classList.remove("is-new");
  void node.offsetWidth; // restart the animation
  node.classList.add("is-new");
  clearTimeout(node._highlight);
  node._highlight = setTimeout(() => node.classList.remove("is-new"), ms);
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  node.scrollIntoView({ block: "nearest", behavior: reduced ? "auto" : "smooth" });
}

/** The page's parts per key: for each `selector` match, its `data-<key>` -> {section, ...} with each of
 *  `parts` ({name: selector}) found inside it. */
export function partsByKey(root, selector, key, parts) {
  const found = new Map();
  for (const section of root.querySelectorAll(selector)) {
    const entry = { section };
    for (const [name, inner] of Object.entries(parts)) entry[name] = section.querySelector(inner);
    found.set(section.dataset[key], entry);
  }
  return found;
}

/** Copy `text` to the clipboard and announce it; where the browser does not allow that (or refuses),
 *  call `select()` so the user can press Ctrl+C. */
export function copyText(text, { select, announce }) {
  if (!navigator.clipboard || !window.isSecureContext) select();
  else navigator.clipboard.writeText(text).then(() => announce("Text copied."), select);
}
