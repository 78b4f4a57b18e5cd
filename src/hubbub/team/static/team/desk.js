// The team desk: new messages arrive over the team's private SSE stream (session cookie).
// Without JavaScript the page shows every message on reload.

import { gettext } from "../hubbub/i18n.js";

const list = document.getElementById("desk-messages");
if (list && "EventSource" in window) {
  const status = document.getElementById("desk-status");
  const url = new URL(list.dataset.stream, window.location.href);
  url.searchParams.set("last_event_id", list.dataset.lastId || "0");
  const source = new EventSource(url);
  source.addEventListener("open", () => {
    status.textContent = gettext("Live: new messages appear automatically.");
  });
  source.addEventListener("error", () => {
    status.textContent = gettext("Connection lost. Reconnecting…");
  });
  source.addEventListener("desk.message", (event) => {
    const message = JSON.parse(event.data);
    if (document.getElementById(`desk-${message.id}`)) return;
    const template = document.createElement("template");
    template.innerHTML = message.html.trim();
    list.prepend(template.content.firstElementChild);
  });
}
