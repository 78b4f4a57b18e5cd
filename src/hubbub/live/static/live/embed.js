// The one-line embed: <script src="https://SITE/static/live/embed.js" data-hubbub-event="SLUG" async></script>
// It puts the event's live blog in a frame where the script tag is and keeps the frame as tall
// as its content.
(function () {
  const script = document.currentScript;
  if (!script) return;
  const slug = script.dataset.hubbubEvent;
  if (!slug) return;
  const origin = new URL(script.src).origin;
  const frame = document.createElement("iframe");
  frame.src = `${origin}/${encodeURIComponent(slug)}/live/embed`;
  frame.title = script.dataset.hubbubTitle || "Live blog";
  frame.width = "100%";
  frame.height = script.dataset.hubbubHeight || "600";
  frame.loading = "lazy";
  frame.setAttribute("frameborder", "0");
  script.after(frame);
  window.addEventListener("message", (message) => {
    if (message.origin !== origin || message.source !== frame.contentWindow) return;
    const data = message.data;
    if (data && data.hubbub === "height" && Number.isFinite(data.height)) {
      frame.height = String(Math.max(200, Math.min(data.height + 16, 20000)));
    }
  });
})();
