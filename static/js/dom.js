// Building DOM nodes without innerHTML: user text only ever goes in as text nodes.

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
