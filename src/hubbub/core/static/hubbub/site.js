// Site-wide behaviour, small and optional: every page works without it.

// After a failed submit the error summary takes focus, so a screen reader announces it and a
// keyboard user starts from the list of problems (GOV.UK error summary pattern).
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
}

// The error summary's links move focus to the field, not just scroll to it.
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (field) {
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  }
});

// The event's sections: behind a Menu button on a phone, always shown on a wide screen (for
// browsers that cannot show a closed <details>' content from CSS alone).
const wide = window.matchMedia("(min-width: 48rem)");
for (const menu of document.querySelectorAll("[data-event-menu]")) {
  const apply = () => {
    menu.open = wide.matches;
    menu.classList.toggle("event-menu--wide", wide.matches);
  };
  apply();
  wide.addEventListener("change", apply);
  menu.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
}
