// What the pages shown on a projector share: the board (board.js) and the plenary projector (projector.js).

const LABELS = { live: "Live", offline: "Reconnecting…", denied: "Not connected", error: "Not connected" };

/**
 * The "Live" indicator: returns show(state) for the connection's states. Before the first time live it
 * says "Connecting…"; after, any loss says "Reconnecting…", so a projector never looks like a fresh start.
 */
export function connectionIndicator(container, label) {
  let everLive = false;
  return (state) => {
    if (state === "live") everLive = true;
    const waiting = state === "connecting" || state === "offline";
    container.dataset.state = waiting ? (everLive ? "offline" : "connecting") : state;
    label.textContent = state === "connecting" ? (everLive ? "Reconnecting…" : "Connecting…") : LABELS[state] || state;
  };
}

/** Show the full-screen toggle where the browser allows it; `refused(text)` tells the user when it says no. */
export function fullScreenButton(button, target, refused) {
  if (!button || !document.fullscreenEnabled) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else target.requestFullscreen().catch(() => refused("This browser refused full screen. Try F11."));
  });
  document.addEventListener("fullscreenchange", () => {
    button.textContent = document.fullscreenElement ? "Exit full screen" : "Full screen";
  });
}
