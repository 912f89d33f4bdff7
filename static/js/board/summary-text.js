// A room's summary as boards show it: paragraphs split by blank lines, lines starting "- " as bullets,
// footnote markers "[^1]" raised, and the footnotes ("[^1]: text" on a line of their own) listed at the end.
// Plain DOM: every piece of the user's text is set with textContent.

const NOTE = /^\[\^([^\]\s]+)\]:\s*(.*)$/;
const MARKER = /\[\^([^\]\s]+)\]/g;
const BULLET = /^\s*[-*]\s+/;

/** The summary's blocks: [{kind: "paragraph", text} | {kind: "list", items: [text]}], and its notes [{label, text}]. */
export function summaryBlocks(text) {
  const blocks = [];
  const notes = [];
  for (const chunk of String(text).split(/\n[ \t]*\n/)) {
    let lines = [];
    let list = null;
    const endParagraph = () => {
      if (lines.length) blocks.push({ kind: "paragraph", text: lines.join(" ") });
      lines = [];
    };
    for (const raw of chunk.split("\n")) {
      const line = raw.trim();
      if (!line) continue;
      const note = NOTE.exec(line);
      if (note) {
        notes.push({ label: note[1], text: note[2] });
      } else if (BULLET.test(raw)) {
        endParagraph();
        if (!list) {
          list = { kind: "list", items: [] };
          blocks.push(list);
        }
        list.items.push(line.replace(BULLET, ""));
        continue;
      } else if (list && /^\s/.test(raw)) {
        list.items[list.items.length - 1] += ` ${line}`; // an indented line goes on with the bullet above
        continue;
      } else {
        lines.push(line);
      }
      list = null;
    }
    endParagraph();
  }
  return { blocks, notes };
}

/** Text with its footnote markers raised: text nodes and <sup> elements. */
function inline(text) {
  const nodes = [];
  let at = 0;
  for (const match of text.matchAll(MARKER)) {
    if (match.index > at) nodes.push(document.createTextNode(text.slice(at, match.index)));
    const sup = document.createElement("sup");
    sup.className = "summary-marker";
    sup.textContent = match[1];
    nodes.push(sup);
    at = match.index + match[0].length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

/** Show `text` in `container`, replacing what was there. */
export function renderSummary(container, text) {
  const { blocks, notes } = summaryBlocks(text);
  const nodes = blocks.map((block) => {
    if (block.kind === "paragraph") {
      const p = document.createElement("p");
      p.append(...inline(block.text));
      return p;
    }
    const ul = document.createElement("ul");
    for (const item of block.items) {
      const li = document.createElement("li");
      li.append(...inline(item));
      ul.append(li);
    }
    return ul;
  });
  if (notes.length) {
    const list = document.createElement("div");
    list.className = "summary-notes";
    for (const note of notes) {
      const p = document.createElement("p");
      const label = document.createElement("sup");
      label.textContent = note.label;
      p.append(label, " ", ...inline(note.text));
      list.append(p);
    }
    nodes.push(list);
  }
  container.replaceChildren(...nodes);
}
