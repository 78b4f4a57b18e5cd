// Live updates on the reader page and in embeds, over Server-Sent Events.
// Without JavaScript (or EventSource) the page still shows everything on reload.

import { gettext, interpolate, ngettext } from "../hubbub/i18n.js";

const root = document.querySelector("[data-live-stream]");
if (root && "EventSource" in window) {
  startLive(root);
}

function startLive(root) {
  const status = document.getElementById("live-status");
  const notice = document.getElementById("new-updates");
  const order = root.dataset.order;
  const sessionFilter = root.dataset.session;
  const firstPage = root.dataset.firstPage === "1";
  const embedded = root.dataset.embed === "1";
  // Entries held back while the reader is scrolled down, so the page does not move under them.
  let held = [];
  let ended = root.dataset.ended === "1";

  const url = new URL(root.dataset.liveStream, window.location.href);
  // Resume from the page's own position: nothing posted since it was rendered is missed.
  url.searchParams.set("last_event_id", root.dataset.lastEventId);
  const source = new EventSource(url);

  source.addEventListener("open", () => {
    status.textContent = ended
      ? gettext("This event has ended: no more updates are expected.")
      : gettext("Live: new updates appear automatically.");
  });
  // The organiser ended the event (or its dates did): say so without a reload.
  source.addEventListener("event.ended", () => {
    ended = true;
    const endedNotice = document.getElementById("event-ended");
    if (endedNotice) endedNotice.hidden = false;
    status.textContent = gettext("This event has ended: no more updates are expected.");
  });
  source.addEventListener("error", () => {
    status.textContent = gettext("Connection lost. Reconnecting…");
  });
  source.addEventListener("entry.created", (message) => onCreated(JSON.parse(message.data)));
  source.addEventListener("entry.updated", (message) => onUpdated(JSON.parse(message.data)));
  source.addEventListener("entry.pinned", (message) => onPinned(JSON.parse(message.data)));
  source.addEventListener("entry.deleted", (message) => onDeleted(JSON.parse(message.data)));
  // The key moments box follows every entry change: new, re-kinded, edited or deleted.
  for (const type of ["entry.created", "entry.updated", "entry.pinned", "entry.deleted"]) {
    source.addEventListener(type, (message) => followKeyMoment(type, JSON.parse(message.data)));
  }
  source.addEventListener("resync", () => reloadEntries());
  // Comments and likes (comments app): show approved comments under their entry, update counts.
  source.addEventListener("comment.approved", (message) => {
    const comment = JSON.parse(message.data);
    const list = document.querySelector(`[data-comments-for="${comment.target}"]`);
    if (!list || document.getElementById(`comment-${comment.id}`)) return;
    countComment(comment.target);
    list.append(fromHtml(comment.html));
    list.hidden = false;
  });
  // Like counts come outside the resumable sequence (no id, never replayed), at most once a
  // second per entry; the counts on a page that may be a cached copy are fetched once on load.
  source.addEventListener("like.updated", (message) => {
    const like = JSON.parse(message.data);
    showLikeCount(like.target, like.count);
  });
  refreshLikeCounts();
  root.addEventListener("submit", (event) => {
    const form = event.target.closest("form[data-like-form]");
    if (!form) return;
    event.preventDefault();
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((like) => {
        form.querySelector(".like-count").textContent = interpolate(
          ngettext("%(n)s person likes this", "%(n)s people like this", like.count),
          { n: like.count },
        );
      })
      .catch(() => form.submit());
  });
  notice.addEventListener("click", showHeld);

  function list() {
    return document.getElementById("entries");
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function matchesFilter(entry) {
    return !sessionFilter || (entry.session && String(entry.session.id) === sessionFilter);
  }

  function onCreated(entry) {
    if (!matchesFilter(entry) || document.getElementById(`entry-${entry.id}`)) return;
    const element = fromHtml(entry.html);
    element.classList.add("entry--new");
    document.getElementById("no-entries")?.remove();
    if (order === "oldest") {
      // Only the last page grows; earlier pages reach it through "Load more".
      if (!document.querySelector("a[rel=next]")) list().append(element);
      return resized();
    }
    if (!firstPage) return;
    if (window.scrollY > 200 && !embedded) {
      held.unshift(element);
      updateNotice();
    } else {
      list().prepend(element);
      status.textContent = interpolate(gettext("New update at %(time)s"), {
        time: element.querySelector("time")?.textContent ?? "",
      });
    }
    resized();
  }

  function updateNotice() {
    if (held.length === 0) {
      notice.hidden = true;
      return;
    }
    notice.textContent = interpolate(
      ngettext("%(n)s new update: show it", "%(n)s new updates: show them", held.length),
      { n: held.length },
    );
    notice.hidden = false;
    status.textContent = interpolate(
      ngettext("%(n)s new update", "%(n)s new updates", held.length),
      { n: held.length },
    );
  }

  function showHeld() {
    const first = held[0];
    list().prepend(...held);
    held = [];
    updateNotice();
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus();
      first.scrollIntoView({ block: "start" });
    }
    resized();
  }

  function replaceEverywhere(entry) {
    const current = document.getElementById(`entry-${entry.id}`);
    if (current) current.replaceWith(fromHtml(entry.html));
    held = held.map((element) => (element.id === `entry-${entry.id}` ? fromHtml(entry.html) : element));
  }

  function onUpdated(entry) {
    replaceEverywhere(entry);
    resized();
  }

  function onPinned(entry) {
    const pinnedArea = document.getElementById("pinned-area");
    document.getElementById(`entry-${entry.id}`)?.remove();
    clearEmptyPinnedArea(pinnedArea);
    if (entry.pinned) {
      if (firstPage && pinnedArea) {
        const wrapper = document.createElement("ul");
        wrapper.className = "entries";
        wrapper.setAttribute("aria-label", "Pinned update");
        wrapper.append(fromHtml(entry.html));
        pinnedArea.replaceChildren(wrapper);
      }
    } else if (matchesFilter(entry)) {
      insertInOrder(fromHtml(entry.html), entry.id);
    }
    resized();
  }

  function insertInOrder(element, id) {
    const items = [...list().querySelectorAll(":scope > li[data-entry-id]")];
    const newestFirst = order !== "oldest";
    const before = items.find((item) =>
      newestFirst ? Number(item.dataset.entryId) < id : Number(item.dataset.entryId) > id,
    );
    if (before) before.before(element);
    else if (!document.querySelector("a[rel=next]")) list().append(element);
  }

  function onDeleted(entry) {
    document.getElementById(`entry-${entry.id}`)?.remove();
    held = held.filter((element) => element.id !== `entry-${entry.id}`);
    updateNotice();
    resized();
  }

  function clearEmptyPinnedArea(pinnedArea) {
    // Unpinned: no empty "Pinned update" list is left behind for screen readers.
    if (pinnedArea && !pinnedArea.querySelector("li")) pinnedArea.replaceChildren();
  }

  function followKeyMoment(type, entry) {
    const box = document.getElementById("key-moments");
    const moments = document.getElementById("key-moments-list");
    if (!box || !moments) return;
    const current = moments.querySelector(`:scope > li[data-entry-id="${entry.id}"]`);
    const isKeyMoment = type !== "entry.deleted" && entry.kind === "key_moment" && entry.status === "published";
    if (!isKeyMoment) {
      current?.remove();
    } else {
      const item = keyMomentItem(entry);
      if (current) current.replaceWith(item);
      else if (type === "entry.created") moments.prepend(item);
      else insertKeyMomentInOrder(moments, item, entry.id);
      const limit = Number(box.dataset.limit || 20);
      while (moments.children.length > limit) moments.lastElementChild.remove();
    }
    box.hidden = moments.children.length === 0;
  }

  function insertKeyMomentInOrder(moments, item, id) {
    // Newest first, as the page lists them (ids grow with time).
    const before = [...moments.children].find((li) => Number(li.dataset.entryId) < id);
    if (before) before.before(item);
    else moments.append(item);
  }

  function keyMomentItem(entry) {
    // The same line the page renders: the time (as the entry card shows it) and a summary.
    const card = fromHtml(entry.html);
    const item = document.createElement("li");
    item.dataset.entryId = entry.id;
    const link = document.createElement("a");
    link.href = entry.url;
    const time = card.querySelector("time");
    if (time) link.append(time.cloneNode(true));
    let summary = (card.querySelector(".entry__body")?.textContent ?? entry.body).split(/\s+/).join(" ").trim();
    if (summary.length > 120) summary = `${summary.slice(0, 119).trimEnd()}…`;
    item.append(link, ` ${summary}`);
    return item;
  }

  function countComment(target) {
    // "N comments" under an entry counts the comment that just arrived.
    for (const link of document.querySelectorAll(`[data-reactions-for="${target}"] [data-comment-count]`)) {
      const count = Number(link.dataset.commentCount || 0) + 1;
      link.dataset.commentCount = count;
      const hidden = link.querySelector(".visually-hidden");
      link.replaceChildren(count === 1 ? "1 comment" : `${count} comments`);
      if (hidden) link.append(hidden);
    }
  }

  async function reloadEntries() {
    // Too far behind to replay: fetch this page again and swap the entries in.
    try {
      const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById("entries-area");
      if (fresh) document.getElementById("entries-area").replaceWith(fresh);
      refreshLikeCounts();
      held = [];
      updateNotice();
      resized();
    } catch {
      status.textContent = gettext("Some updates may be missing: reload the page to see them all.");
    }
  }

  function resized() {
    // Embeds tell the page around them how tall they are, so it can size the frame.
    if (embedded && window.parent !== window) {
      window.parent.postMessage({ hubbub: "height", height: document.body.scrollHeight }, "*");
    }
  }
  resized();
  window.addEventListener("load", resized);
}

// Likes (comments app): the page's HTML may be a cached copy from before the latest likes, so
// ask once for the current counts of the entries shown (a small JSON answer, cached a second).
function refreshLikeCounts() {
  const holders = document.querySelectorAll("[data-like-counts][data-reactions-for]");
  if (!holders.length) return;
  const keys = Array.from(holders, (holder) => holder.dataset.reactionsFor).slice(0, 200);
  const url = new URL(holders[0].dataset.likeCounts, window.location.href);
  url.searchParams.set("targets", keys.join(","));
  fetch(url, { headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response)))
    .then((answer) => {
      for (const [target, count] of Object.entries(answer.counts)) showLikeCount(target, count);
    })
    .catch(() => {});
}

function showLikeCount(target, count) {
  for (const element of document.querySelectorAll(`[data-like-count="${target}"]`)) {
    element.textContent = interpolate(
      ngettext("%(n)s person likes this", "%(n)s people like this", count),
      { n: count },
    );
  }
}
