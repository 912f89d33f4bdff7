// What the pages shown on a projector share: the board (board.js) and the plenary projector (projector.js).

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
