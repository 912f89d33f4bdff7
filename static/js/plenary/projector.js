// The plenary on the hall's screen: the statements per section, numbered (a), (b)…, updated live with a
// brief highlight; while voting is open, the join code, link and QR code, and the dots per statement as
// bars with their numbers. Read-only. User text is only ever set with textContent.

import { batched, placeInOrder } from "../live.js";
import { fullScreenButton } from "../big-screen.js";
import { connectionIndicator, connectionMessage, showMessage } from "../connection-messages.js";
import { announcer, el, highlight, partsByKey } from "../dom.js";
import { PlenaryConnection, count, readPlenaryPage } from "./plenary-connection.js";

const HIGHLIGHT_MS = 4000;

const root = document.getElementById("projector");
if (root) start(root);

function start(root) {
  const page = readPlenaryPage(root);
  const event = page.event;
  const indicate = connectionIndicator(document.getElementById("projector-connection"),
    document.getElementById("connection-text"));
  const messageEl = document.getElementById("projector-message");
  const announce = announcer(document.getElementById("projector-announcer"));
  const sortButton = document.getElementById("sort-button");
  const votePanel = document.getElementById("vote-panel");
  const emptyEl = document.getElementById("projector-empty");
  const containers = partsByKey(root, "section.projector-section[data-section]", "section",
    { list: "ol.projector-statements" });
  const elements = new Map();
  const fresh = new Set();
  const lastCounts = new Map();
  let sortByVotes = false;
  const schedule = batched(render); // draw once per batch of changes

  const connection = new PlenaryConnection({
    event,
    items: false,
    onState: () => schedule(),
    onChange: (kind, change, { live }) => {
      if (kind !== "statement" || !live || !change.statement) return;
      const s = change.statement;
      if (s.state === "active" && change.op !== "unmerge" && change.op !== "merge") fresh.add(s.id);
      if (change.op === "create" || change.op === "restore") {
        announce(`New in ${page.sectionName(s.section)}: ${s.number} ${s.text}`);
      }
    },
    onTally: () => schedule(),
    onConnection: (state, detail) => showConnection(state, detail),
  });

  function render() {
    const tally = connection.tally || { open: false, counts: {}, ballots: 0, dots: 0 };
    const counts = tally.counts || {};
    const showVotes = Boolean(tally.open || tally.ballots > 0);
    const order = page.order(new Map([...connection.statements].map(([id, s]) => [id, { ...s }])));
    const max = Math.max(1, ...Object.values(counts));
    const shown = new Set();
    let any = false;
    for (const [key, parts] of containers) {
      let list = order.get(key) || [];
      if (showVotes && sortByVotes) {
        list = [...list].sort((a, b) => (counts[b.id] || 0) - (counts[a.id] || 0) || a.position - b.position);
      }
      parts.section.hidden = list.length === 0;
      any = any || list.length > 0;
      placeInOrder(parts.list, list.map((s) => {
        shown.add(s.id);
        const li = elements.get(s.id) || create(s.id);
        update(li, s, showVotes, counts[s.id] || 0, max);
        return li;
      }));
    }
    for (const [id, li] of elements) {
      if (!shown.has(id)) {
        li.remove();
        elements.delete(id);
      }
    }
    emptyEl.hidden = any;
    root.classList.toggle("voting-open", Boolean(tally.open));
    root.classList.toggle("show-votes", showVotes);
    votePanel.hidden = !tally.open;
    document.getElementById("vote-dots").textContent = tally.open ? `${count(tally.dots, "dot")} each` : "";
    document.getElementById("vote-ballots").textContent = tally.open
      ? `${count(tally.ballots || 0, "participant has", "participants have")} voted` : "";
    sortButton.hidden = !showVotes;
    for (const id of fresh) {
      const li = elements.get(id);
      if (li) highlight(li, HIGHLIGHT_MS);
    }
    fresh.clear();
  }

  function create(id) {
    const li = el("li", "projector-statement");
    li.dataset.id = id;
    const body = el("div", "projector-statement-body");
    body.append(el("p", "projector-statement-text"));
    const votes = el("div", "projector-votes");
    const bar = el("progress", "vote-bar");
    bar.setAttribute("aria-hidden", "true");
    votes.append(bar, el("span", "vote-count"));
    body.append(votes);
    li.append(el("span", "projector-number"), body);
    elements.set(id, li);
    return li;
  }

  function update(li, s, showVotes, n, max) {
    const number = li.querySelector(".projector-number");
    if (number.textContent !== s.number) number.textContent = s.number;
    const text = li.querySelector(".projector-statement-text");
    if (text.textContent !== s.text) text.textContent = s.text;
    const votes = li.querySelector(".projector-votes");
    votes.hidden = !showVotes;
    if (!showVotes) return;
    const bar = votes.querySelector(".vote-bar");
    bar.max = max;
    bar.value = n;
    const label = count(n, "dot");
    const countEl = votes.querySelector(".vote-count");
    if (countEl.textContent !== label) countEl.textContent = label;
    if (lastCounts.has(s.id) && lastCounts.get(s.id) !== n) {
      countEl.classList.remove("is-bumped");
      void countEl.offsetWidth; // restart the animation
      countEl.classList.add("is-bumped");
    }
    lastCounts.set(s.id, n);
  }

  function showConnection(state, detail) {
    indicate(state);
    connectionMessage(messageEl, state, detail, { loginUrl: root.dataset.loginUrl });
  }

  sortButton.addEventListener("click", () => {
    sortByVotes = !sortByVotes;
    sortButton.setAttribute("aria-pressed", sortByVotes ? "true" : "false");
    render();
  });

  fullScreenButton(document.getElementById("fullscreen-button"), root, (text) => showMessage(messageEl, text));
}
