// Helpers of the capture page: the server's rules for item text.

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]/g; // eslint-disable-line no-control-regex

/** Line ends unified, tabs as spaces, control characters removed: the server's cleaning, before trimming. */
export function stripControls(text) {
  return String(text).replace(/\r\n?/g, "\n").replace(/\t/g, " ").replace(CONTROL, "");
}

/** What the server will store: trimmed, control characters removed, tabs as spaces. */
export function cleanText(text) {
  return stripControls(text).trim();
}

/** Length as the server counts it (code points, not UTF-16 units). */
export function textLength(text) {
  return [...text].length;
}

export function truncate(text, n = 120) {
  const chars = [...String(text)];
  return chars.length > n ? `${chars.slice(0, n - 1).join("")}…` : String(text);
}
