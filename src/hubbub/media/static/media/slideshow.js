// Slideshow viewer: one slide at a time with arrow keys, swipe, buttons, #slide-N links and
// full screen. Without this module every slide is simply listed.
const root = document.querySelector("[data-slideshow]");

if (root) {
  const slides = Array.from(root.querySelectorAll(".slideshow__slide"));
  const controls = root.querySelector("[data-controls]");
  const position = root.querySelector("[data-position]");
  const prev = root.querySelector("[data-prev]");
  const next = root.querySelector("[data-next]");
  const fullscreen = root.querySelector("[data-fullscreen]");
  const hint = root.querySelector("[data-hint]");
  const total = slides.length;
  // Wording comes from the page, where it is translated.
  const positionText = root.dataset.positionText || "Slide {n} of {total}";
  const exitText = root.dataset.exitText || "Leave full screen";
  const enterText = fullscreen.textContent;
  let current = 0;

  const numberFromHash = () => {
    const match = /^#slide-(\d+)$/.exec(window.location.hash);
    const number = match ? Number(match[1]) : 1;
    return Math.min(Math.max(number, 1), total) - 1;
  };

  const show = (index, { updateHash = true } = {}) => {
    current = Math.min(Math.max(index, 0), total - 1);
    slides.forEach((slide, i) => {
      slide.hidden = i !== current;
    });
    position.textContent = positionText
      .replace("{n}", String(current + 1))
      .replace("{total}", String(total));
    prev.disabled = current === 0;
    next.disabled = current === total - 1;
    if (updateHash) {
      history.replaceState(null, "", `#slide-${current + 1}`);
    }
  };

  if (total > 0) {
    root.classList.add("slideshow--one-at-a-time");
    controls.hidden = false;
    hint.hidden = false;
    show(numberFromHash(), { updateHash: false });

    prev.addEventListener("click", () => show(current - 1));
    next.addEventListener("click", () => show(current + 1));
    window.addEventListener("hashchange", () => show(numberFromHash(), { updateHash: false }));

    document.addEventListener("keydown", (event) => {
      const target = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (target.closest("input, textarea, select, [contenteditable]")) return;
      if (event.key === "ArrowRight" || event.key === "PageDown") {
        show(current + 1);
        event.preventDefault();
      } else if (event.key === "ArrowLeft" || event.key === "PageUp") {
        show(current - 1);
        event.preventDefault();
      } else if (event.key === "Home") {
        show(0);
        event.preventDefault();
      } else if (event.key === "End") {
        show(total - 1);
        event.preventDefault();
      }
    });

    let startX = null;
    let startY = null;
    root.addEventListener("pointerdown", (event) => {
      if (event.pointerType === "mouse") return;
      startX = event.clientX;
      startY = event.clientY;
    });
    root.addEventListener("pointerup", (event) => {
      if (startX === null) return;
      const dx = event.clientX - startX;
      const dy = event.clientY - startY;
      startX = null;
      // A deliberate sideways swipe, not a scroll.
      if (Math.abs(dx) > 50 && Math.abs(dx) > Math.abs(dy) * 1.5) {
        show(current + (dx < 0 ? 1 : -1));
      }
    });

    if (document.fullscreenEnabled) {
      fullscreen.addEventListener("click", () => {
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else {
          root.requestFullscreen();
        }
      });
      document.addEventListener("fullscreenchange", () => {
        fullscreen.textContent = document.fullscreenElement ? exitText : enterText;
      });
    } else {
      fullscreen.hidden = true;
    }
  }
}
