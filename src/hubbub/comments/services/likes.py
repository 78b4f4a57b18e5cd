"""Likes: one per person (account or returning visitor cookie), counted in one query."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from hubbub.events.lifecycle import check_not_archived
from hubbub.live import publish_ephemeral

from ..models import Like
from ..targets import Target, kind_of, model_of
from .spam import check_like_rate

LIKE_UPDATED = "like.updated"
# A page asks for the counts of at most this many targets at once.
MAX_COUNT_KEYS = 200


def do_like(target: Target, *, user=None, reader_key="", liked=True, ip_address=None) -> int:
    """Like (or unlike) once per person; returns the new count. Repeating changes nothing.
    ``reader_key`` is a visitor id the browser sent back: a new one counts for nothing, or a
    script could mint a like per request by dropping its cookie."""
    check_not_archived(target.event)
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not reader_key:
        raise ValidationError({None: _("Your browser needs cookies switched on to like this.")})
    check_like_rate(visitor=f"u:{user.pk}" if signed_in else reader_key, address=ip_address or "")
    ct = ContentType.objects.get_for_model(target.obj)
    who = {"user": user} if signed_in else {"user": None, "reader_key": reader_key[:64]}
    with transaction.atomic():
        existing = Like.objects.filter(content_type=ct, object_id=target.obj.pk, **who)
        changed = False
        if liked and not existing.exists():
            try:
                with transaction.atomic():
                    Like.objects.create(
                        event=target.event, content_type=ct, object_id=target.obj.pk, **who
                    )
                changed = True
            except IntegrityError:  # a double click racing itself
                pass
        elif not liked:
            changed = existing.delete()[0] > 0
        count = like_count(target)
        if changed and target.event is not None:
            # Not in the resumable sequence: a like storm must not move the event's stream
            # position (and with it every cached page); pages fetch counts when they load.
            publish_ephemeral(
                target.event, LIKE_UPDATED, {"target": target.key, "count": count}, key=target.key
            )
    return count


def like_count(target: Target) -> int:
    ct = ContentType.objects.get_for_model(target.obj)
    return Like.objects.filter(content_type=ct, object_id=target.obj.pk).count()


def _by_model(objs) -> dict:
    by_model: dict = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj.pk)
    return by_model


def like_counts(objs) -> dict[str, int]:
    """{"kind-id": count} for the given objects in one query per model."""
    counts: dict[str, int] = {}
    for model, ids in _by_model(objs).items():
        kind = kind_of(model) or "comment"
        ct = ContentType.objects.get_for_model(model)
        rows = (
            Like.objects.filter(content_type=ct, object_id__in=ids)
            .values("object_id")
            .annotate(n=Count("id"))
        )
        counts.update({f"{kind}-{r['object_id']}": r["n"] for r in rows})
    return counts


def parse_like_keys(raw: str) -> list[str]:
    """Checks a comma-separated list of target keys ("entry-42,comment-7") from a page."""
    keys = list(dict.fromkeys(key for key in raw.split(",") if key))
    if len(keys) > MAX_COUNT_KEYS:
        raise ValidationError(
            {"targets": _("Ask for at most %(n)s counts at once.") % {"n": MAX_COUNT_KEYS}}
        )
    for key in keys:
        kind, _sep, object_id = key.rpartition("-")
        if model_of(kind) is None or not (object_id.isascii() and object_id.isdigit()):
            raise ValidationError({"targets": _("Unknown target %(key)s.") % {"key": key[:40]}})
    return keys


def like_counts_by_key(event, keys: list[str]) -> dict[str, int]:
    """{key: count} for targets on ``event`` (0 for anything not liked or not on it); one
    query per kind of target."""
    ids_by_kind: dict[str, list[int]] = {}
    for key in keys:
        kind, _sep, object_id = key.rpartition("-")
        ids_by_kind.setdefault(kind, []).append(int(object_id))
    counts = dict.fromkeys(keys, 0)
    for kind, ids in ids_by_kind.items():
        rows = (
            Like.objects.filter(
                event=event,
                content_type=ContentType.objects.get_for_model(model_of(kind)),
                object_id__in=ids,
            )
            .values("object_id")
            .annotate(n=Count("id"))
        )
        counts.update({f"{kind}-{r['object_id']}": r["n"] for r in rows})
    return counts


def liked_by(objs, user, reader_key) -> set[str]:
    signed_in = user is not None and user.is_authenticated
    if not objs or (not signed_in and not reader_key):
        return set()
    keys = set()
    for model, ids in _by_model(objs).items():
        kind = kind_of(model) or "comment"
        mine = Like.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        )
        mine = (
            mine.filter(user=user) if signed_in else mine.filter(user=None, reader_key=reader_key)
        )
        keys.update(f"{kind}-{oid}" for oid in mine.values_list("object_id", flat=True))
    return keys
