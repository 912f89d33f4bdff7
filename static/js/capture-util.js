// Helpers of the capture page: the server's rules for item text, and building DOM nodes without innerHTML.

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g; // eslint-disable-line no-control-regex

/** What the server will store: trimmed, control characters removed, tabs as spaces. */
export function cleanText(text) {
  return String(text).replace(/\r\n?/g, "\n").replace(/\t/g, " ").replace(CONTROL, "").trim();
}

/** Length as the server counts it (code points, not UTF-16 units). */
export function textLength(text) {
  return [...text].length;
}

/** A new element; `text` is set with textContent, other props as attributes (false/null/undefined: left out). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "className") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "hidden") node.hidden = Boolean(value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

export function truncate(text, n = 120) {
  const chars = [...String(text)];
  return chars.length > n ? `${chars.slice(0, n - 1).join("")}…` : String(text);
}
