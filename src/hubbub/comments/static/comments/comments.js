// Likes without a page reload; the forms work the same without JavaScript.

import { gettext, interpolate, ngettext } from "../hubbub/i18n.js";
for (const form of document.querySelectorAll("form[data-like-form]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    const liked = form.elements.liked;
    const send = () =>
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    try {
      let response = await send();
      let data = await response.json();
      // A first like only sets the browser's visitor cookie; sending again counts it.
      if (response.ok && data.confirm) {
        response = await send();
        data = await response.json();
      }
      if (!response.ok || data.confirm) throw new Error(data.detail || "");
      const count = form.querySelector(".like-count");
      count.textContent = interpolate(
        ngettext("%(n)s person likes this", "%(n)s people like this", data.count),
        { n: data.count },
      );
      liked.value = data.liked ? "0" : "1";
      button.textContent = data.liked ? gettext("Unlike") : gettext("Like");
      button.setAttribute("aria-pressed", String(data.liked));
    } catch {
      form.submit();
    }
  });
}

// On an event's post, likes and newly approved comments arrive over the event's live stream.
const streamed = document.querySelector("[data-post-stream]");
if (streamed && "EventSource" in window) {
  const url = new URL(streamed.dataset.postStream, window.location.href);
  url.searchParams.set("last_event_id", streamed.dataset.lastEventId);
  const source = new EventSource(url);
  source.addEventListener("like.updated", (message) => {
    const like = JSON.parse(message.data);
    for (const count of document.querySelectorAll(`[data-like-count="${like.target}"]`)) {
      count.textContent = interpolate(
        ngettext("%(n)s person likes this", "%(n)s people like this", like.count),
        { n: like.count },
      );
    }
  });
  source.addEventListener("comment.approved", (message) => {
    const comment = JSON.parse(message.data);
    const list = document.querySelector(`[data-comments-for="${comment.target}"]`);
    if (!list || document.getElementById(`comment-${comment.id}`)) return;
    const template = document.createElement("template");
    template.innerHTML = comment.html.trim();
    list.append(template.content.firstElementChild);
    list.hidden = false;
  });
}
