"""Path parameters shared by the routers."""

from ninja import Path

# An event's slug, as the site's URLs allow it. Checked before any query: a NUL character
# or other stray byte in the path is a 422 naming the parameter, never a database error.
EventSlug = Path[str, {"pattern": r"^[-a-zA-Z0-9_]+$", "description": "The event's slug."}]
TargetKind = Path[str, {"pattern": r"^[-a-z0-9_]+$", "description": "post, entry, comment, …"}]
