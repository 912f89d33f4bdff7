// The statements' labels, by the server's one rule (services/conclusions.py `numbers`): (a), (b)... within
// each section, or on across the sections when the event numbers continuously. No imports, so a test can
// run it beside the Python rule (tests/test_conclusions.py).

/** 0 -> a, 25 -> z, 26 -> aa: the report's numbering, without end. */
export function letter(index) {
  let label = "";
  let n = index + 1;
  while (n > 0) {
    const rest = (n - 1) % 26;
    label = String.fromCharCode(97 + rest) + label;
    n = Math.floor((n - 1) / 26);
  }
  return label;
}

/** Statement id -> "(a)", given every section's statement ids in order (sections in their order). */
export function numbers(bySection, continuous) {
  const out = new Map();
  let index = 0;
  for (const ids of bySection) {
    if (!continuous) index = 0;
    for (const id of ids) {
      out.set(id, `(${letter(index)})`);
      index += 1;
    }
  }
  return out;
}
