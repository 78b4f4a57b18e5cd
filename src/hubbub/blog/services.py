"""Blog posts: writes, reads, archives and the site search."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hubbub.comments.targets import Target, event_comments_open
from hubbub.core.audit import log_action
from hubbub.core.images import clean_photo
from hubbub.core.permissions import Action, policy
from hubbub.core.search import Hit, hits_from_sources
from hubbub.core.text import plain_text, render_markdown
from hubbub.events.lifecycle import check_not_archived
from hubbub.events.models import Event
from hubbub.live.models import LiveEntry

from .models import MAX_BODY_LENGTH, Category, Post, Tag

# Post slugs share the blog's URL space with its own pages.
RESERVED_SLUGS = frozenset({"write", "category", "tag", "author", "comments"})


# -- permissions ---------------------------------------------------------------------------------
def can_write(user, event) -> bool:
    """Organisers and editors of the event; staff for the site-wide blog."""
    if user is None or not user.is_authenticated:
        return False
    if event is None:
        return user.is_staff or user.is_superuser
    # Editors hold EDIT_ENTRY on any entry, reporters only on their own: the same line for posts.
    return policy.can(user, Action.EDIT_ENTRY, event)


def require_write(user, event) -> None:
    from django.core.exceptions import PermissionDenied

    if not can_write(user, event):
        raise PermissionDenied(_("Only the event's organisers and editors can write posts."))
    check_not_archived(event)


def can_change(user, event) -> bool:
    """Whether pages offer writing and editing: allowed to write, and not an archive."""
    return can_write(user, event) and not (event is not None and event.is_archive)


# -- validation ----------------------------------------------------------------------------------
def check_post(*, event, title, body, slug="", status=Post.Status.DRAFT, post=None) -> dict:
    errors = {}
    title = (title or "").strip()
    body = (body or "").strip()
    if not title:
        errors["title"] = _("Give the post a title.")
    elif len(title) > 200:
        errors["title"] = _("Keep the title to 200 characters.")
    if not body:
        errors["body"] = _("Write something: the post is empty.")
    elif len(body) > MAX_BODY_LENGTH:
        errors["body"] = _("The post is too long.")
    if status not in Post.Status.values:
        errors["status"] = _("Choose draft, scheduled or published.")
    slug = slugify(slug or title)[:120] or "post"
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-post"
    clash = Post.objects.filter(event=event, slug=slug)
    if post is not None:
        clash = clash.exclude(pk=post.pk)
    if clash.exists():
        errors["slug"] = _("Another post already uses this web address.")
    if errors:
        raise ValidationError(errors)
    return {"title": title, "body": body, "slug": slug}


def _names_to(model, names: str):
    objs = []
    for name in {n.strip() for n in (names or "").split(",") if n.strip()}:
        slug = slugify(name)[:100]
        if slug:
            obj, _created = model.objects.get_or_create(slug=slug, defaults={"name": name[:100]})
            objs.append(obj)
    return objs


# -- writes --------------------------------------------------------------------------------------
def do_save_post(
    *,
    event,
    author,
    title,
    body,
    slug="",
    excerpt="",
    status=Post.Status.DRAFT,
    publish_at=None,
    categories="",
    tags="",
    cover=None,
    cover_alt="",
    comments_open=True,
    post=None,
) -> Post:
    require_write(author, event)
    publish_at = publish_at or timezone.now()
    if status == Post.Status.PUBLISHED and publish_at > timezone.now():
        status = Post.Status.SCHEDULED
    cleaned = check_post(event=event, title=title, body=body, slug=slug, status=status, post=post)
    photo = clean_photo(cover, field="cover") if cover else None
    with transaction.atomic():
        creating = post is None
        post = post or Post(event=event, author=author)
        post.title, post.body, post.slug = cleaned["title"], cleaned["body"], cleaned["slug"]
        post.body_html = render_markdown(post.body)
        post.excerpt = (excerpt or "").strip()[:500]
        post.status, post.publish_at = status, publish_at
        post.comments_open = bool(comments_open)
        post.cover_alt = (cover_alt or "").strip()[:300]
        if photo is not None:
            post.cover.save(photo.file.name, photo.file, save=False)
        post.save()
        post.categories.set(_names_to(Category, categories))
        post.tags.set(_names_to(Tag, tags))
        sync_search_post(post)
        log_action(
            "hubbub.post.created" if creating else "hubbub.post.edited",
            actor=author,
            event=event,
            target=post,
            data={"title": post.title},
        )
    return post


# -- reads ---------------------------------------------------------------------------------------
def visible_posts(event):
    return (
        Post.objects.visible()
        .filter(event=event)
        .select_related("author", "event")
        .prefetch_related(Prefetch("categories"), Prefetch("tags"))
    )


def get_post(event, slug, user=None) -> Post:
    """A visible post; drafts and scheduled posts only for those who may write them."""
    post = (
        Post.objects.filter(event=event, slug=slug)
        .select_related("author", "event")
        .prefetch_related("categories", "tags")
        .first()
    )
    if post is None or (not post.is_visible and not can_write(user, event)):
        raise Http404(_("No post at this address."))
    return post


def neighbours(post) -> tuple[Post | None, Post | None]:
    posts = (
        Post.objects.visible()
        .filter(event=post.event_id and post.event)
        .only("title", "slug", "publish_at", "event_id")
    )
    previous = (
        posts.filter(
            Q(publish_at__lt=post.publish_at) | Q(publish_at=post.publish_at, id__lt=post.id)
        )
        .order_by("-publish_at", "-id")
        .first()
    )
    following = (
        posts.filter(
            Q(publish_at__gt=post.publish_at) | Q(publish_at=post.publish_at, id__gt=post.id)
        )
        .order_by("publish_at", "id")
        .first()
    )
    for p in (previous, following):
        if p is not None:
            p.event = post.event
    return previous, following


def archive_months(event) -> list[dict]:
    rows = (
        Post.objects.visible()
        .filter(event=event)
        .annotate(month=TruncMonth("publish_at", tzinfo=event.tz if event else None))
        .values("month")
        .annotate(count=Count("id"))
        .order_by("-month")
    )
    return [
        {
            "year": r["month"].year,
            "month": r["month"].month,
            "label": date_format(r["month"], "F Y"),
            "count": r["count"],
        }
        for r in rows
    ]


def categories_in_use(event):
    return (
        Category.objects.filter(posts__in=Post.objects.visible().filter(event=event))
        .annotate(count=Count("posts"))
        .order_by("name")
    )


def post_target(post) -> Target:
    event = post.event
    return Target(
        kind="post",
        obj=post,
        event=event,
        title=post.title,
        url=post.get_absolute_url(),
        author=post.author,
        visible=post.is_visible and (event is None or event.is_public),
        comments_open=post.comments_open and event_comments_open(event),
    )


def post_summary(post) -> str:
    return post.excerpt or plain_text(post.body, 280)


# -- search --------------------------------------------------------------------------------------
def sync_search_post(post) -> None:
    """Keep the SQLite FTS5 index in step (PostgreSQL searches the rows themselves)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM hubbub_search WHERE kind = 'post' AND obj_id = %s", [post.pk])
        cursor.execute(
            "INSERT INTO hubbub_search (kind, obj_id, title, body) VALUES ('post', %s, %s, %s)",
            [post.pk, post.title, post.body],
        )


def _fts5_query(query: str) -> str:
    # Each word as a quoted prefix term, so user input can never be FTS5 syntax.
    words = [w.replace('"', "") for w in query.split()]
    return " ".join(f'"{w}"*' for w in words if w)


def search(query: str, event=None, limit: int = 50) -> list[Hit]:
    """Visible posts and live entries matching ``query``, best first; one event or all."""
    query = (query or "").strip()[:200]
    if not query:
        return []
    posts = Post.objects.visible().filter(
        Q(event__isnull=True) | ~Q(event__status=Event.Status.DRAFT)
    )
    entries = LiveEntry.objects.exclude(event__status=Event.Status.DRAFT)
    if hasattr(LiveEntry, "Status"):  # entries waiting for an editor are not public yet
        entries = entries.filter(status=LiveEntry.Status.PUBLISHED)
    if event is not None:
        posts, entries = posts.filter(event=event), entries.filter(event=event)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        sq = SearchQuery(query, search_type="websearch", config="english")
        pv = SearchVector("title", weight="A", config="english") + SearchVector(
            "body", weight="B", config="english"
        )
        ev = SearchVector("body", config="english")
        post_rows = list(
            posts.annotate(rank=SearchRank(pv, sq))
            .filter(rank__gt=0)
            .select_related("event")
            .order_by("-rank")[:limit]
        )
        entry_rows = list(
            entries.annotate(rank=SearchRank(ev, sq))
            .filter(rank__gt=0)
            .select_related("event")
            .order_by("-rank")[:limit]
        )
        ranked = [(p.rank, p) for p in post_rows] + [(e.rank, e) for e in entry_rows]
        ranked.sort(key=lambda pair: -pair[0])
    else:
        match = _fts5_query(query)
        if not match:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT kind, obj_id, bm25(hubbub_search, 0, 0, 5.0, 1.0) AS score "
                "FROM hubbub_search WHERE hubbub_search MATCH %s ORDER BY score LIMIT %s",
                [match, limit * 4],
            )
            rows = cursor.fetchall()
        order = {(kind, int(obj_id)): i for i, (kind, obj_id, _score) in enumerate(rows)}
        post_ids = [i for k, i in order if k == "post"]
        entry_ids = [i for k, i in order if k == "entry"]
        found = [*posts.filter(pk__in=post_ids).select_related("event"),
                 *entries.filter(pk__in=entry_ids).select_related("event")]  # fmt: skip
        ranked = sorted(
            ((order[("post" if isinstance(o, Post) else "entry", o.pk)], o) for o in found),
            key=lambda pair: pair[0],
        )
    hits = []
    for _rank, obj in ranked[:limit]:
        if isinstance(obj, Post):
            hits.append(Hit("post", obj.title, obj.get_absolute_url(), post_summary(obj),
                            obj.event, obj.publish_at))  # fmt: skip
        else:
            hits.append(Hit("entry", plain_text(obj.body, 80), obj.get_absolute_url(),
                            plain_text(obj.body, 280), obj.event, obj.created_at))  # fmt: skip
    # Other apps' hits (slide decks, …) come after the posts and entries.
    return hits + hits_from_sources(query, event, limit)
