"""Markdown to safe HTML: markdown-it-py renders, nh3 removes anything that could run."""

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the source is escaped by the renderer, and the sanitiser is a second line of defence.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "hr", "i", "img",
    "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
    "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
}


def render_markdown(source: str) -> str:
    """Return sanitised HTML for ``source``; links get rel="nofollow noopener ugc"."""
    html = _markdown.render(source or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )


def plain_text(source: str, limit: int | None = None) -> str:
    """The text of a markdown source without markup, for titles, summaries and alt text."""
    text = nh3.clean(_markdown.render(source or ""), tags=set()).strip()
    text = " ".join(text.split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text
