// The reporter console on a phone: post without reloading, survive a flaky connection.
// Drafts are kept on the device until the server confirms; each post carries a token so a
// retry after a lost answer is stored once.

import { gettext, interpolate } from "../hubbub/i18n.js";

const form = document.querySelector("form[data-console]");
if (form && window.fetch) {
  enhance(form);
}

function newToken() {
  return window.crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

function enhance(form) {
  const body = form.querySelector("textarea[name=body]");
  const token = form.querySelector("input[name=client_token]");
  const status = document.getElementById("compose-status");
  const button = form.querySelector("button[type=submit]");
  const draftKey = `hubbub-draft:${window.location.pathname}`;

  if (!token.value) token.value = newToken();
  if (!body.value && localStorage.getItem(draftKey)) {
    body.value = localStorage.getItem(draftKey);
    status.textContent = gettext("Your unsent draft was restored.");
  }
  body.addEventListener("input", () => localStorage.setItem(draftKey, body.value));

  form.addEventListener("submit", async (submitEvent) => {
    submitEvent.preventDefault();
    if (!body.value.trim()) {
      status.textContent = gettext("Error: write something first, the update is empty.");
      body.focus();
      return;
    }
    button.disabled = true;
    status.textContent = gettext("Posting…");
    const data = new FormData(form);
    try {
      const response = await postWithRetry(form.action || window.location.href, data);
      const result = await response.json();
      if (response.status === 201) {
        document.getElementById("console-empty")?.remove();
        const template = document.createElement("template");
        template.innerHTML = result.html.trim();
        document.getElementById("console-entries").prepend(template.content.firstElementChild);
        form.reset();
        localStorage.removeItem(draftKey);
        token.value = newToken();
        status.textContent =
          result.entry.status === "pending"
            ? gettext("Sent for review. Readers see it once an editor approves it.")
            : gettext("Posted. Readers can see it now.");
        body.focus();
      } else {
        const messages = (result.errors || []).map((error) => error.message).join(" ");
        status.textContent = interpolate(gettext("Error: %(reason)s"), {
          reason: messages || result.detail || gettext("the update was not posted."),
        });
      }
    } catch {
      status.textContent = gettext(
        "Error: no connection. Your draft is kept on this phone; press Post update to try again.",
      );
    } finally {
      button.disabled = false;
    }
  });
}

async function postWithRetry(url, data, attempts = 4) {
  let delay = 1000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fetch(url, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
    }
  }
}
