// Board and pitching screen: swap in the server-rendered parts as they change, over the event's
// live stream (Server-Sent Events). Without JavaScript the pages show the same on reload.

import { gettext, interpolate } from "../hubbub/i18n.js";

// Which element each message type replaces (the payload's html has the same id at its root).
const REGIONS = { "unconf.board": "board", "unconf.pitching": "pitching" };

const root = document.querySelector("[data-unconf-stream]");
if (root && "EventSource" in window) {
  listen(root);
}

function listen(root) {
  const status = document.getElementById("unconf-status");
  const url = new URL(root.dataset.unconfStream, window.location.href);
  // Resume from the page's own position, so nothing sent since it was rendered is missed.
  url.searchParams.set("last_event_id", root.dataset.lastEventId);
  const source = new EventSource(url);
  const say = (text) => {
    if (status) status.textContent = text;
  };

  source.addEventListener("open", () => say(gettext("Live: changes appear automatically.")));
  source.addEventListener("error", () => say(gettext("Connection lost. Reconnecting…")));
  for (const [type, id] of Object.entries(REGIONS)) {
    source.addEventListener(type, (message) => {
      if (!document.getElementById(id)) return;
      swap(id, JSON.parse(message.data).html);
      const said = type === "unconf.board" ? gettext("Board updated at %(time)s") : gettext("Queue updated at %(time)s");
      say(interpolate(said, { time: clock() }));
    });
  }
  source.addEventListener("resync", () => reload());

  function swap(id, html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.getElementById(id) ?? template.content.firstElementChild;
    const current = document.getElementById(id);
    if (fresh && current) current.replaceWith(fresh);
  }

  async function reload() {
    // Too far behind to replay: fetch this page again and swap its live parts in.
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      for (const id of Object.values(REGIONS)) {
        const fresh = doc.getElementById(id);
        const current = document.getElementById(id);
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      }
    } catch {
      say(gettext("Some changes may be missing: reload the page to see them all."));
    }
  }
}

function clock() {
  return new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
}
