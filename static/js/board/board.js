// The projector board (and the participants' read-only board): items appear live, newest in view, and the
// room's summary beside them when a moderator chose to show it. User text is only ever set with textContent.

import { RoomConnection, batched, pageConfig, placeInOrder } from "../live.js";
import { fullScreenButton } from "../big-screen.js";
import { MESSAGES, connectionIndicator, connectionMessage, showMessage as show } from "../connection-messages.js";
import { announcer, el, highlight } from "../dom.js";
import { newId } from "../ids.js";
import { renderSummary } from "./summary-text.js";

const HIGHLIGHT_MS = 4000;

const root = document.getElementById("board");
if (root) start(root);

function start(root) {
  const config = pageConfig(root);
  const isPublic = root.classList.contains("board-public");
  const indicate = connectionIndicator(document.getElementById("board-connection"),
    document.getElementById("connection-text"));
  const messageEl = document.getElementById("board-message");
  const announce = announcer(document.getElementById("board-announcer"));
  const questions = [...document.querySelectorAll("#guiding-questions > li")].map((li) => li.textContent.trim());

  const columns = new Map();
  for (const section of root.querySelectorAll(".board-column[data-category]")) {
    columns.set(section.dataset.category, {
      section,
      name: section.querySelector(".board-column-heading").textContent.trim(),
      list: section.querySelector("ol.board-items"),
      empty: section.querySelector(".board-empty"),
    });
  }
  const summary = { section: document.getElementById("board-summary"), text: document.getElementById("board-summary-text"),
    toggle: document.getElementById("show-summary"), shown: null };
  const elements = new Map();
  const fresh = new Set(); // ids to highlight and scroll to on the next render
  const schedule = batched(render); // draw once per batch of changes

  const live = new RoomConnection({
    room: config.room,
    onState: () => schedule(),
    onChange: (change, { live: isLive }) => {
      if (!isLive || !change.item) return;
      if (change.op === "create" || change.op === "restore") {
        fresh.add(change.item.id);
        if (change.op === "create") {
          const column = columns.get(change.item.category);
          announce(`New in ${column ? column.name : change.item.category}: ${change.item.text}`);
        }
      } else if (change.op === "move" || (change.op === "edit" && change.item.state === "active")) {
        fresh.add(change.item.id);
      }
    },
    onConnection: (state, detail) => showConnection(state, detail),
  });

  function render() {
    const shown = new Set();
    for (const [key, column] of columns) {
      const items = live.ordered(key);
      placeInOrder(column.list, items.map((item) => {
        shown.add(item.id);
        const li = elements.get(item.id) || create(item.id);
        update(li, item);
        return li;
      }));
      column.empty.hidden = items.length > 0;
    }
    for (const [id, li] of elements) {
      if (!shown.has(id)) {
        li.remove();
        elements.delete(id);
      }
    }
    for (const id of fresh) {
      const li = elements.get(id);
      if (li) highlight(li, HIGHLIGHT_MS);
    }
    fresh.clear();
    drawSummary();
  }

  function drawSummary() {
    summary.section.hidden = !live.showSummary;
    if (summary.toggle && !summary.toggle.dataset.busy) {
      summary.toggle.checked = live.showSummary;
      summary.toggle.disabled = !live.ready;
    }
    if (live.showSummary && summary.shown !== live.summary.text) {
      summary.shown = live.summary.text;
      renderSummary(summary.text, live.summary.text);
    }
  }

  /** Moderators: show or hide the summary on this room's boards (every open board follows). */
  function toggleSummary() {
    const show = summary.toggle.checked;
    summary.toggle.dataset.busy = "true";
    live.socket.timeout(10000).emit("mutate", { room: config.room, op: "show_summary", mutation_id: newId(), show },
      (err, answer) => {
        delete summary.toggle.dataset.busy;
        if (err || !answer || answer.ok !== true) {
          showMessage((answer && answer.message) || "The board could not be changed. Try again.");
        } else {
          live.showSummary = answer.show_summary;
        }
        drawSummary();
      });
  }
  if (summary.toggle) summary.toggle.addEventListener("change", toggleSummary);

  function create(id) {
    const li = el("li", "board-item");
    li.dataset.id = id;
    const marker = el("span", "board-item-marker", "★");
    marker.setAttribute("aria-hidden", "true");
    li.append(marker, el("span", "visually-hidden board-item-keylabel", "Key point: "), el("span", "board-item-text"));
    const tag = el("span", "board-item-question");
    li.append(tag);
    elements.set(id, li);
    return li;
  }

  function update(li, item) {
    li.classList.toggle("key-point", Boolean(item.key_point));
    li.querySelector(".board-item-marker").hidden = !item.key_point;
    li.querySelector(".board-item-keylabel").hidden = !item.key_point;
    const text = li.querySelector(".board-item-text");
    if (text.textContent !== item.text) text.textContent = item.text;
    const tag = li.querySelector(".board-item-question");
    const q = typeof item.question === "number" ? item.question : null;
    tag.hidden = q === null;
    if (q !== null && tag.dataset.q !== String(q)) {
      tag.dataset.q = String(q);
      tag.replaceChildren();
      const short = el("span", "", `Q${q + 1}`);
      short.setAttribute("aria-hidden", "true");
      tag.append(short, el("span", "visually-hidden", ` (guiding question ${q + 1}${questions[q] ? `: ${questions[q]}` : ""})`));
      tag.title = questions[q] || "";
    }
  }

  function showConnection(state, detail) {
    indicate(state);
    connectionMessage(messageEl, state, detail, {
      loginUrl: root.dataset.loginUrl,
      loginRequired: isPublic ? "This board link has expired in this browser. Open the short link again." : null,
      noAccess: MESSAGES.noAccess.board,
    });
    schedule(); // the summary's toggle is enabled while live
  }

  function showMessage(text) {
    show(messageEl, text);
  }

  fullScreenButton(document.getElementById("fullscreen-button"), root, showMessage);
}
