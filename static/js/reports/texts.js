// The report page's texts save by themselves: each one shortly after the writer stops typing, and when it
// loses focus, over POST /events/<id>/report/texts/<field> with the version it was based on. A text someone
// else saved meanwhile comes back as a conflict: their text is shown beside ours, ours stays in the box,
// and nothing is saved until the writer chooses. Without this script the form's button saves everything.
// User text: textContent only.

const DEBOUNCE_MS = 1200;
const RETRY_MS = 10000;

export function csrfToken() {
  const input = document.querySelector('input[name="csrf_token"]');
  return input ? input.value : "";
}

// POST a JSON body; resolves to {status, answer}, or rejects when the network or the server failed.
export async function sendJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (!answer || response.status >= 500) throw new Error(`server answered ${response.status}`);
  return { status: response.status, answer };
}

function start(form) {
  const texts = [...form.querySelectorAll("[data-report-text]")].map((box) => new ReportText(box, form));
  const saveAll = document.getElementById("save-all");
  if (saveAll) saveAll.hidden = true;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    for (const text of texts) text.saveNow();
  });
  window.addEventListener("beforeunload", (e) => {
    if (texts.some((t) => t.unsaved())) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
}

class ReportText {
  constructor(box, form) {
    this.field = box.dataset.reportText;
    this.url = form.dataset.saveUrl.replace("FIELD", encodeURIComponent(this.field));
    this.area = box.querySelector("textarea");
    this.version = box.querySelector(`input[name="version-${CSS.escape(this.field)}"]`);
    this.status = box.querySelector(".text-status");
    this.box = box;
    this.saved = this.area.value; // what the server has, as far as we know
    this.timer = null;
    this.sending = false;
    this.conflict = false;
    const refused = box.querySelector(".conflict-notice .their-text"); // the form's save came back refused
    if (refused) {
      const message = box.querySelector(".conflict-notice p").textContent;
      this.showConflict({ message, text: refused.textContent, version: Number(this.version.value) });
    }
    this.area.addEventListener("input", () => this.changed());
    this.area.addEventListener("blur", () => this.saveNow());
  }

  unsaved() {
    return this.conflict || this.sending || this.area.value !== this.saved;
  }

  changed() {
    if (this.conflict) return; // nothing is saved until the writer chooses in the conflict note
    this.show("Unsaved changes", "pending");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.saveNow(), DEBOUNCE_MS);
  }

  async saveNow() {
    clearTimeout(this.timer);
    this.timer = null;
    if (this.conflict || this.sending || this.area.value === this.saved) return;
    const text = this.area.value;
    this.sending = true;
    this.show("Saving…", "pending");
    try {
      const { status, answer } = await sendJson(this.url, { text, base_version: Number(this.version.value) });
      if (answer.ok) {
        this.version.value = String(answer.version);
        this.saved = text;
        this.show("Saved", "saved");
      } else if (answer.error === "conflict") {
        this.showConflict(answer);
      } else {
        this.show(`Not saved: ${answer.message || `the server answered ${status}`}`, "error");
      }
    } catch {
      this.failed();
    } finally {
      this.sending = false;
    }
    // Typed on while the save was under way: save again once the typing stops.
    if (!this.conflict && this.area.value !== this.saved && this.status.dataset.kind !== "error") this.changed();
  }

  failed() {
    this.show("Not saved — ", "error");
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "link-button";
    retry.textContent = "retry";
    retry.addEventListener("click", () => this.saveNow());
    this.status.append(retry);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.saveNow(), RETRY_MS);
  }

  show(message, kind) {
    this.status.textContent = message;
    this.status.dataset.kind = kind;
  }

  // Someone else saved this text: show theirs, keep ours in the box, and let the writer choose.
  showConflict(answer) {
    this.conflict = true;
    this.show("Not saved: someone else changed this text.", "error");
    for (const old of this.box.querySelectorAll(".conflict-notice")) old.remove();
    const notice = document.createElement("div");
    notice.className = "conflict-notice";
    notice.setAttribute("role", "alert");
    const message = document.createElement("p");
    message.textContent = answer.message;
    const label = document.createElement("p");
    label.textContent = "Their text:";
    const theirs = document.createElement("blockquote");
    theirs.className = "their-text";
    theirs.textContent = answer.text;
    const actions = document.createElement("p");
    actions.className = "conflict-actions";
    const keep = button("Keep my text (replace theirs)", () => {
      this.version.value = String(answer.version);
      this.resolve(notice);
      this.saveNow();
    });
    const take = button("Use their text", () => {
      this.version.value = String(answer.version);
      this.area.value = answer.text;
      this.saved = answer.text;
      this.resolve(notice);
      this.show("Saved", "saved");
    });
    actions.append(keep, " ", take);
    notice.append(message, label, theirs, actions);
    this.status.after(notice);
  }

  resolve(notice) {
    notice.remove();
    this.conflict = false;
  }
}

function button(text, onClick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "button button-small button-secondary";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

const form = document.getElementById("report-texts");
if (form) start(form);
