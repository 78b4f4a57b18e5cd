// The pitch timer: counts down to the deadline the server rendered, as text and a bar. It looks
// the timer up on every tick, so a new pitch swapped in by live.js simply carries on.

import { gettext, interpolate } from "../hubbub/i18n.js";

const TICK_MS = 250;
let announced = null;

function tick() {
  const timer = document.querySelector("[data-countdown]");
  if (!timer) return;
  const text = timer.querySelector("[data-countdown-text]");
  const bar = timer.querySelector("[data-countdown-bar]");
  const total = Number(timer.dataset.seconds);
  const left = Math.max(0, Math.ceil((Date.parse(timer.dataset.deadline) - Date.now()) / 1000));
  const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  const shown = left > 0 ? interpolate(gettext("%(time)s left"), { time: clock }) : gettext("Time’s up");
  if (text && text.textContent !== shown) text.textContent = shown;
  if (bar) bar.value = Math.min(left, total);
  timer.classList.toggle("unconf-countdown--done", left === 0);
  // Say "time's up" once per pitch to screen readers; the seconds themselves stay quiet.
  if (left === 0 && announced !== timer.dataset.deadline) {
    announced = timer.dataset.deadline;
    const status = document.getElementById("unconf-status");
    if (status) status.textContent = gettext("Time’s up for this pitch.");
  }
}

tick();
setInterval(tick, TICK_MS);
