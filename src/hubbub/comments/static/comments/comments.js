// Likes without a page reload; the forms work the same without JavaScript.
for (const form of document.querySelectorAll("form[data-like-form]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    const liked = form.elements.liked;
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const data = await response.json();
      if (!response.ok) throw new Error(data.detail || "");
      const count = form.querySelector(".like-count");
      count.textContent = data.count === 1 ? "1 person likes this" : `${data.count} people like this`;
      liked.value = data.liked ? "0" : "1";
      button.textContent = data.liked ? "Unlike" : "Like";
      button.setAttribute("aria-pressed", String(data.liked));
    } catch {
      form.submit();
    }
  });
}
