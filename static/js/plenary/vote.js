// The participants' voting page (phone first): the statements, live, with "+ dot" and "− dot" buttons.
// Every dot is a `vote` with a UUID made here; a vote that gets no answer in time (or is cut off by a lost
// connection) is sent again with the same UUID, which the server counts once. User text: textContent only.

import { batched, placeInOrder } from "../live.js";
import { newId } from "../ids.js";
import { el, partsByKey } from "../dom.js";
import { connectionLabel } from "../connection-messages.js";
import { PlenaryConnection, count, readPlenaryPage } from "./plenary-connection.js";

const ACK_TIMEOUT_MS = 8000;
const BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
const MESSAGES = {
  closed: "Voting is not open yet. Your dots can be placed as soon as the moderators open the vote.",
  no_dots_left: "You have used all your dots. Take one back from another statement to move it.",
  not_found: "That statement was withdrawn, so the dot was not placed.",
};

const root = document.getElementById("vote");
if (root) start(root);

function start(root) {
  const page = readPlenaryPage(root);
  const event = page.event;
  const connectionEl = document.getElementById("vote-connection");
  const dotsLeftEl = document.getElementById("dots-left");
  const messageEl = document.getElementById("vote-message");
  const withdrawnBox = document.getElementById("vote-withdrawn");
  const emptyEl = document.getElementById("vote-empty");
  const containers = partsByKey(root, "section.vote-section[data-section]", "section", { list: "ol.vote-statements" });
  const elements = new Map();
  const pending = []; // {action, vote, statement}: sent one at a time, resent with the same vote id
  let ballot = null; // {votes: [{id, statement}], left}
  let sending = false;
  let attempts = 0;
  let retryTimer = null;
  let generation = 0;
  const schedule = batched(render); // draw once per batch of changes
  let everLive = false;

  const connection = new PlenaryConnection({
    event,
    items: false,
    onState: () => schedule(),
    onBallot: (b) => {
      ballot = { votes: [...(b.votes || [])], left: b.left };
      schedule();
    },
    onTally: (tally) => {
      // Votes cleared by the secretariat (or dots that no longer add up): fetch this ballot again.
      if (ballot && ballot.votes.length) {
        const mine = new Map();
        for (const v of ballot.votes) mine.set(v.statement, (mine.get(v.statement) || 0) + 1);
        const active = (id) => connection.statements.get(id) && connection.statements.get(id).state === "active";
        const stale = [...mine].some(([id, n]) => active(id) && ((tally.counts || {})[id] || 0) < n);
        if (stale && !pending.length) connection.refresh();
      }
      if (tally.open && messageEl.dataset.kind === "closed") hideMessage();
      schedule();
    },
    onConnection: (state) => showConnection(state),
    onJoined: () => {
      generation += 1;
      sending = false;
      attempts = 0;
      pump();
    },
    onDisconnect: () => {
      generation += 1;
      sending = false;
      schedule();
    },
  });

  // What this device has voted, with the dots on their way applied.
  function myVotes() {
    const votes = ballot ? [...ballot.votes] : [];
    for (const p of pending) {
      if (p.action === "add" && !votes.some((v) => v.id === p.vote)) votes.push({ id: p.vote, statement: p.statement, pending: true });
      if (p.action === "remove") {
        const at = votes.findIndex((v) => v.id === p.vote);
        if (at >= 0) votes.splice(at, 1);
      }
    }
    return votes;
  }

  function dotsLeft(votes) {
    const tally = connection.tally;
    if (tally && typeof tally.dots === "number") return Math.max(0, tally.dots - votes.length);
    return ballot ? ballot.left : 0;
  }

  function render() {
    const tally = connection.tally || { open: false, counts: {} };
    const votes = myVotes();
    const left = dotsLeft(votes);
    const order = page.order(new Map([...connection.statements].map(([id, s]) => [id, { ...s }])));
    const mine = new Map();
    for (const v of votes) mine.set(v.statement, (mine.get(v.statement) || 0) + 1);
    const shown = new Set();
    for (const [key, parts] of containers) {
      const list = order.get(key) || [];
      parts.section.hidden = list.length === 0;
      placeInOrder(parts.list, list.map((s) => {
        shown.add(s.id);
        const li = elements.get(s.id) || create(s.id);
        update(li, s, mine.get(s.id) || 0, left, tally.open);
        return li;
      }));
    }
    for (const [id, li] of elements) {
      if (!shown.has(id)) {
        li.remove();
        elements.delete(id);
      }
    }
    emptyEl.hidden = shown.size > 0;
    let text;
    if (!connection.tally) text = "Loading your dots…";
    else if (!tally.open && votes.length) text = `Voting is closed. You placed ${count(votes.length, "dot")}.`;
    else if (!tally.open) text = tally.ballots ? "Voting is closed." : "Voting is not open yet.";
    else text = `You have ${count(left, "dot")} left${votes.length ? ` (${votes.length} placed)` : ""}.`;
    if (dotsLeftEl.textContent !== text) dotsLeftEl.textContent = text;
    dotsLeftEl.dataset.open = tally.open ? "true" : "false";
    // Dots on statements that were withdrawn still count: offer to take them back.
    const lost = votes.filter((v) => !v.pending && !shown.has(v.statement) && connection.statements.has(v.statement));
    withdrawnBox.hidden = !(lost.length && tally.open);
    if (lost.length) {
      document.getElementById("vote-withdrawn-text").textContent =
        `${count(lost.length, "of your dots is", "of your dots are")} on statements that were withdrawn.`;
    }
  }

  function create(id) {
    const li = el("li", "vote-statement");
    li.dataset.id = id;
    const head = el("div", "vote-statement-head");
    head.append(el("span", "vote-number"), el("p", "vote-text"));
    const controls = el("div", "vote-controls");
    const remove = el("button", "button button-secondary vote-remove", "− dot");
    remove.type = "button";
    const mine = el("p", "vote-mine");
    mine.append(el("span", "vote-mine-dots"), el("span", "vote-mine-count"));
    mine.querySelector(".vote-mine-dots").setAttribute("aria-hidden", "true");
    const add = el("button", "button vote-add", "+ dot");
    add.type = "button";
    controls.append(remove, mine, add);
    li.append(head, controls);
    elements.set(id, li);
    return li;
  }

  function update(li, s, n, left, open) {
    li.querySelector(".vote-number").textContent = s.number;
    const text = li.querySelector(".vote-text");
    if (text.textContent !== s.text) text.textContent = s.text;
    li.classList.toggle("has-dots", n > 0);
    li.querySelector(".vote-mine-dots").textContent = "●".repeat(Math.min(n, 20));
    li.querySelector(".vote-mine-count").textContent = n ? `${count(n, "dot")} from you` : "no dots from you";
    const add = li.querySelector(".vote-add");
    const remove = li.querySelector(".vote-remove");
    add.setAttribute("aria-label", `Add a dot to statement ${s.number}`);
    remove.setAttribute("aria-label", `Take a dot back from statement ${s.number}`);
    // aria-disabled keeps the button focusable, so focus never falls off the page when the dots run out.
    add.setAttribute("aria-disabled", !open || left === 0 ? "true" : "false");
    remove.setAttribute("aria-disabled", !open || n === 0 ? "true" : "false");
  }

  root.addEventListener("click", (e) => {
    const button = e.target.closest("button");
    if (!button) return;
    if (button.id === "vote-withdrawn-button") {
      const shown = new Set(elements.keys());
      for (const v of myVotes()) {
        if (!v.pending && !shown.has(v.statement)) pending.push({ action: "remove", vote: v.id, statement: v.statement });
      }
      pump();
      schedule();
      return;
    }
    const li = button.closest("li.vote-statement");
    if (!li) return;
    const id = li.dataset.id;
    const tally = connection.tally || { open: false };
    if (!tally.open) return showMessage(tally.ballots ? "Voting is closed: dots can no longer be placed or taken back." : MESSAGES.closed, "closed");
    const votes = myVotes();
    if (button.classList.contains("vote-add")) {
      if (dotsLeft(votes) === 0) return showMessage(MESSAGES.no_dots_left, "no_dots_left");
      pending.push({ action: "add", vote: newId(), statement: id });
    } else if (button.classList.contains("vote-remove")) {
      const taken = new Set(pending.filter((p) => p.action === "remove").map((p) => p.vote));
      const mineHere = votes.filter((v) => v.statement === id && !taken.has(v.id));
      if (!mineHere.length) return showMessage("You have no dots on this statement.", "none");
      pending.push({ action: "remove", vote: mineHere[mineHere.length - 1].id, statement: id });
    } else {
      return undefined;
    }
    hideMessage();
    render();
    pump();
    return undefined;
  });

  function pump() {
    const socket = connection.socket;
    if (sending || retryTimer || !connection.ready || !socket || !socket.connected) return;
    const p = pending[0];
    if (!p) return;
    sending = true;
    const mine = generation;
    const payload = p.action === "add"
      ? { event, action: "add", vote: p.vote, statement: p.statement }
      : { event, action: "remove", vote: p.vote };
    socket.timeout(ACK_TIMEOUT_MS).emit("vote", payload, (err, answer) => {
      if (mine !== generation) return; // reconnected meanwhile: sent again after the join
      sending = false;
      if (err || !answer || answer.error === "server_error") {
        const delay = BACKOFF_MS[Math.min(attempts, BACKOFF_MS.length - 1)];
        attempts += 1;
        retryTimer = setTimeout(() => {
          retryTimer = null;
          pump();
        }, delay); // the same vote id again: it counts once
        return;
      }
      attempts = 0;
      pending.shift();
      if (answer.ok === true) {
        ballot = { votes: answer.votes || [], left: answer.left };
      } else {
        showMessage(MESSAGES[answer.error] || answer.message || "The dot was not saved.", answer.error);
        if (answer.error === "no_dots_left" || answer.error === "closed") {
          // What follows was built on this one: drop the other dots waiting, the page shows the truth again.
          pending.length = 0;
        }
      }
      schedule();
      pump();
    });
  }

  function showMessage(text, kind) {
    messageEl.replaceChildren(el("p", "", text));
    messageEl.dataset.kind = kind || "";
    messageEl.hidden = false;
    return undefined;
  }

  function hideMessage() {
    messageEl.hidden = true;
    messageEl.dataset.kind = "";
  }

  function showConnection(state) {
    if (state === "live") everLive = true;
    const label = state === "offline" ? "Offline: reconnecting…" : connectionLabel(state, everLive);
    connectionEl.dataset.state = state;
    connectionEl.textContent = pending.length && state !== "live" ? `${label} (${count(pending.length, "dot")} waiting)` : label;
    if (state === "denied") {
      messageEl.replaceChildren();
      const p = el("p", "", "This page needs the event's code again. ");
      const a = el("a", "", "Enter the code");
      a.href = root.dataset.joinUrl;
      p.append(a);
      messageEl.append(p);
      messageEl.hidden = false;
    }
    schedule();
  }
}
