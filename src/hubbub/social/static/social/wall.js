// The social wall over the event's live stream: approved posts appear at the top, removed ones
// leave. On the big screen (data-wall-advance) one post shows at a time, moving on every few
// seconds. Without JavaScript the pages show the same on reload.

const root = document.querySelector("[data-wall-stream]");
if (root) {
  const advance = Number(root.dataset.wallAdvance || 0);
  if (advance > 0) startAdvancing(root, advance);
  if ("EventSource" in window) listen(root);
}

function listen(root) {
  const list = document.getElementById("wall-posts");
  const status = document.getElementById("wall-status");
  const empty = document.getElementById("wall-empty");
  const say = (text) => {
    if (status) status.textContent = text;
  };
  const url = new URL(root.dataset.wallStream, window.location.href);
  // Resume from the page's own position, so nothing approved since it was rendered is missed.
  url.searchParams.set("last_event_id", root.dataset.lastEventId);
  const source = new EventSource(url);

  source.addEventListener("open", () => say("Live: new posts appear automatically."));
  source.addEventListener("error", () => say("Connection lost. Reconnecting…"));
  source.addEventListener("resync", () => window.location.reload());
  source.addEventListener("social.approved", (message) => {
    const data = JSON.parse(message.data);
    const template = document.createElement("template");
    template.innerHTML = data.html.trim();
    const fresh = template.content.firstElementChild;
    if (!fresh || !list) return;
    const current = document.getElementById(fresh.id);
    if (current) {
      fresh.className = current.className.includes("wall-post--current")
        ? `${fresh.className} wall-post--current`
        : fresh.className;
      current.replaceWith(fresh);
    } else {
      fresh.classList.add("wall-post--new");
      list.prepend(fresh);
      say(`New post from ${data.author_name || data.author_handle}.`);
    }
    if (empty) empty.hidden = true;
  });
  source.addEventListener("social.removed", (message) => {
    const data = JSON.parse(message.data);
    document.getElementById(`social-post-${data.id}`)?.remove();
    if (empty && list && !list.firstElementChild) empty.hidden = false;
  });
}

function startAdvancing(root, seconds) {
  const list = document.getElementById("wall-posts");
  if (!list) return;
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  root.classList.add("wall-screen--advancing");
  let index = 0;
  const show = () => {
    const posts = [...list.children];
    if (!posts.length) return;
    index %= posts.length;
    posts.forEach((post, i) => post.classList.toggle("wall-post--current", i === index));
    index += 1;
  };
  show();
  // A new post goes to the top; start again from it so it is seen next.
  new MutationObserver((changes) => {
    if (changes.some((c) => [...c.addedNodes].some((n) => n === list.firstElementChild))) {
      index = 0;
      show();
    }
  }).observe(list, { childList: true });
  window.setInterval(show, (reduced ? seconds * 2 : seconds) * 1000);
}
