// The report's PDF: ask the server to convert (POST report.pdf), then poll the conversion's status until
// it is done (a download link) or failed (the reason). Without this script the form posts and the page
// shows the status on reload.

import { sendJson } from "./texts.js";

const POLL_MS = 1500;

const form = document.getElementById("pdf-form");
const statusEl = document.getElementById("pdf-status");
if (form && statusEl) {
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const { answer } = await sendJson(form.action, { scope: form.elements.scope.value });
      show(answer);
    } catch {
      showText("The server could not be reached; try again.");
    } finally {
      button.disabled = false;
    }
  });
  if (statusEl.dataset.statusUrl) poll(statusEl.dataset.statusUrl);
}

function show(answer) {
  if (answer.state === "pending") {
    const bar = document.createElement("progress");
    bar.setAttribute("aria-label", "PDF conversion");
    statusEl.replaceChildren(bar, answer.message);
    setTimeout(() => poll(answer.status_url), POLL_MS);
  } else if (answer.state === "done") {
    const link = document.createElement("a");
    link.href = answer.download_url;
    link.textContent = "Download the PDF";
    statusEl.replaceChildren(link);
  } else {
    showText(answer.message || "The PDF could not be made.");
  }
}

function showText(text) {
  statusEl.replaceChildren(text);
}

async function poll(url) {
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    show(await response.json());
  } catch {
    setTimeout(() => poll(url), POLL_MS * 4); // a blip: keep asking
  }
}
