// The plenary page's side panels: suggestions of similar items, the voting status, and the undo toast.

import { el } from "../dom.js";
import { count } from "./plenary-connection.js";

/** "Find similar items": groups of unmerged items from different rooms, to merge or dismiss. */
export function setupSuggestions({ connection, event, pool, onMerge, announce }) {
  const button = document.getElementById("suggestions-button");
  const status = document.getElementById("suggestions-status");
  const list = document.getElementById("suggestion-list");
  if (!button) return;

  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = "Looking for similar items…";
    const [err, answer] = await connection.request("plenary:suggestions", { event });
    button.disabled = false;
    if (err || !answer) {
      status.textContent = err === "offline" ? "Not connected: try again when the page is back online."
        : "The server did not answer in time. Try again.";
      return;
    }
    if (answer.ok !== true) {
      status.textContent = answer.message || "The server could not find suggestions.";
      return;
    }
    list.replaceChildren(...answer.suggestions.map((group) => suggestion(group)));
    status.textContent = answer.suggestions.length
      ? `${count(answer.suggestions.length, "group")} of similar items found.`
      : "No similar items found among the unmerged items.";
  });

  function suggestion(group) {
    const li = el("li", "suggestion");
    li.dataset.key = group.key;
    const ids = group.items.map((item) => item.id);
    const score = typeof group.score === "number" ? ` (similarity ${Math.round(group.score * 100)}%)` : "";
    const heading = el("p", "suggestion-heading", `${count(group.items.length, "item")}${score}`);
    const items = el("ul", "suggestion-items");
    for (const item of group.items) {
      const entry = el("li", "suggestion-item");
      entry.append(el("span", "suggestion-item-text", item.text), el("span", "suggestion-item-room", pool.roomLabel(item)));
      items.append(entry);
    }
    const actions = el("div", "actions");
    const merge = el("button", "button button-small suggestion-merge", "Merge these");
    merge.type = "button";
    merge.setAttribute("aria-label", `Merge these ${group.items.length} items`);
    merge.addEventListener("click", () => {
      pool.select(ids);
      if (!pool.selected.size) {
        announce("These items are merged already.");
        li.remove();
        return;
      }
      onMerge();
    });
    const dismiss = el("button", "button button-small button-secondary suggestion-dismiss", "Dismiss");
    dismiss.type = "button";
    dismiss.setAttribute("aria-label", `Dismiss this group of ${group.items.length} items`);
    dismiss.addEventListener("click", async () => {
      dismiss.disabled = true;
      const [err, answer] = await connection.request("plenary:dismiss", { event, items: ids });
      if (err || !answer || answer.ok !== true) {
        dismiss.disabled = false;
        status.textContent = (answer && answer.message) || "The dismissal was not saved. Try again.";
        return;
      }
      const next = li.nextElementSibling || li.previousElementSibling;
      li.remove();
      status.textContent = "Suggestion dismissed; it will not be proposed again.";
      (next ? next.querySelector("button") : button).focus();
    });
    actions.append(merge, dismiss);
    li.append(heading, items, actions);
    return li;
  }
}

/** The voting status line for everyone, and the secretariat's panel. */
export function showTally(tally) {
  if (!tally) return;
  const summary = document.getElementById("voting-summary");
  const ballots = count(tally.ballots || 0, "participant has", "participants have");
  let text = "";
  if (tally.open) text = `Voting is open: ${count(tally.dots, "dot")} each; ${ballots} voted.`;
  else if (tally.ballots) text = `Voting is closed; ${ballots} voted.`;
  if (summary) {
    summary.textContent = text;
    summary.dataset.open = tally.open ? "true" : "false";
  }
  const state = document.getElementById("voting-state");
  if (state) {
    const line = tally.open ? `Voting is open: ${count(tally.dots, "dot")} each; ${ballots} voted.`
      : `Voting is closed${tally.ballots ? `; ${ballots} voted` : ""}.`;
    if (state.textContent !== line) state.textContent = line;
    state.dataset.open = tally.open ? "true" : "false";
  }
  const openButton = document.getElementById("voting-open-button");
  if (openButton) openButton.textContent = tally.open ? "Change the dots" : "Open voting";
}

/** Ask before clearing all votes. */
export function setupVotingForms() {
  for (const form of document.querySelectorAll("#voting form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault(); // eslint-disable-line no-alert
    });
  }
}

/** A toast with an Undo button; it goes after a while, or when another one comes. */
export class Toast {
  constructor({ announce }) {
    this.box = document.getElementById("undo-toast");
    this.message = document.getElementById("undo-message");
    this.button = document.getElementById("undo-button");
    this.announce = announce;
    this.action = null;
    this.timer = null;
    this.button.addEventListener("click", () => {
      const action = this.action;
      this.hide();
      if (action) action();
    });
    this.box.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.hide();
    });
  }

  show(text, action, ms = 12000) {
    this.message.textContent = text;
    this.action = action;
    this.box.hidden = false;
    this.announce(`${text} Undo is available.`);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.hide(), ms);
  }

  hide() {
    clearTimeout(this.timer);
    this.action = null;
    if (this.box.contains(document.activeElement)) document.getElementById("statements-heading").focus();
    this.box.hidden = true;
  }
}
