"""Writing, confirming and moderating reflections.

``check_reflection`` validates everything a writer sends (the page and the API call it
alike) and raises ValidationError naming each field (``items.0.action``); ``do_*`` write.
First-time writers are held for a moderator, as comments are: a writer is trusted once
they have a published reflection or an approved comment, and a guest only through an email
address they confirmed by following a link.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.comments.models import Comment
from hubbub.core import ratelimit
from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.core.text import render_markdown
from hubbub.core.validators import refuse_nul
from hubbub.events.lifecycle import check_not_archived
from hubbub.events.models import Session

from .models import MAX_ACTION, MAX_ITEMS, MAX_TEXT, Reflection, ReflectionItem

CONFIRM_SALT = "hubbub.reflections.confirm"


@dataclass
class ItemInput:
    text: str = ""
    session_id: int | str | None = None
    action_answer: str = ""
    action: str = ""
    with_whom: str = ""
    due: date | str | None = None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return False


# -- validation ----------------------------------------------------------------------------------
def check_reflection(
    *, event, user=None, name="", email="", items=(), closing="", draft=False
) -> dict:
    """Validate a reflection; returns cleaned fields, or raises ValidationError by field.

    Items with nothing in them are dropped (an empty row of the form). A draft may be
    incomplete only in that it may have no item yet."""
    check_not_archived(event)
    items = list(items)
    refuse_nul(name=name, email=email, closing=closing)
    errors: dict[str, str] = {}
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": _("Keep to %(n)s items.") % {"n": MAX_ITEMS}})
    signed_in = user is not None and user.is_authenticated
    if not signed_in:
        name, email = (name or "").strip(), (email or "").strip().lower()
        if not name:
            errors["name"] = _("Give your name: it is shown with your reflection.")
        elif len(name) > 100:
            errors["name"] = _("Keep your name to 100 characters.")
        if not email:
            errors["email"] = _("Give your email address: we send a link to confirm it.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = _("Give an email address like name@example.org.")
    closing = (closing or "").strip()
    if len(closing) > MAX_TEXT:
        errors["closing"] = _("Keep the closing thought to %(n)s characters.") % {"n": MAX_TEXT}
    sessions = {s.pk: s for s in Session.objects.filter(event=event)}
    cleaned_items = []
    for index, item in enumerate(items):
        if isinstance(item, dict):
            item = ItemInput(**item)
        key = f"items.{index}."
        refuse_nul(
            **{key + "text": item.text, key + "action": item.action,
               key + "with_whom": item.with_whom}
        )  # fmt: skip
        text = (item.text or "").strip()
        action = (item.action or "").strip()
        with_whom = (item.with_whom or "").strip()
        answer = item.action_answer or ""
        if answer == "" and action:
            answer = ReflectionItem.Answer.YES
        if not (text or action or with_whom or item.session_id not in (None, "")):
            continue  # an empty row
        if not text:
            errors[key + "text"] = _("Say what stood out for you.")
        elif len(text) > MAX_TEXT:
            errors[key + "text"] = _("Keep each item to %(n)s characters.") % {"n": MAX_TEXT}
        if answer not in ReflectionItem.Answer.values:
            if answer:
                errors[key + "action_answer"] = _("Choose yes, not sure or no.")
            answer = ReflectionItem.Answer.NOT_SURE
        if answer == ReflectionItem.Answer.YES and not action:
            errors[key + "action"] = _(
                "You said you will take action: say what you will do, in your own words."
            )
        if len(action) > MAX_ACTION:
            errors[key + "action"] = _("Keep the action to %(n)s characters.") % {"n": MAX_ACTION}
        if len(with_whom) > 200:
            errors[key + "with_whom"] = _("Keep this to 200 characters.")
        session = None
        if item.session_id not in (None, ""):
            session = sessions.get(_int(item.session_id))
            if session is None:
                errors[key + "session_id"] = _("Choose a session of this event's programme.")
        due = _date(item.due)
        if due is False:
            errors[key + "due"] = _("Give the date as YYYY-MM-DD.")
            due = None
        elif due is not None and due < event.starts_on:
            errors[key + "due"] = _("The date is before the event: choose a later one.")
        if answer != ReflectionItem.Answer.YES:
            action, with_whom, due = "", "", None
        cleaned_items.append(
            {"text": text, "session": session, "action_answer": answer, "action": action,
             "with_whom": with_whom, "due": due}
        )  # fmt: skip
    if not cleaned_items and not draft:
        errors["items"] = _(
            "Your reflection is empty: write at least one thing that stood out for you."
        )
    if errors:
        raise ValidationError(errors)
    return {"name": name, "email": email, "closing": closing, "items": cleaned_items}


# -- trust ---------------------------------------------------------------------------------------
def is_trusted(event, *, user=None, email="") -> bool:
    """Moderators go straight up; so does anyone with a published reflection or an approved
    comment under the same account (or, for a guest, the same confirmed email)."""
    if user is not None and user.is_authenticated:
        if policy.can(user, Action.MODERATE_COMMENTS, event):
            return True
        return (
            Reflection.objects.filter(author=user, status=Reflection.Status.PUBLISHED).exists()
            or Comment.objects.filter(user=user, status=Comment.Status.APPROVED).exists()
        )
    return Reflection.objects.filter(
        author=None,
        guest_email__iexact=email,
        email_confirmed_at__isnull=False,
        status=Reflection.Status.PUBLISHED,
    ).exists()


# -- writes --------------------------------------------------------------------------------------
def draft_for(event, user):
    """The signed-in writer's draft on this event, if they kept one."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Reflection.objects.filter(event=event, author=user, status=Reflection.Status.DRAFT)
        .order_by("-updated_at")
        .first()
    )


def check_rate(*, user=None, email="", address="") -> None:
    visitor = f"u:{user.pk}" if user is not None and user.is_authenticated else email
    ratelimit.hit("reflection", visitor=visitor, address=address)


def do_save_reflection(
    *,
    event,
    user=None,
    name="",
    email="",
    items=(),
    closing="",
    public_actions=True,
    submit=True,
    reflection=None,
    ip_address="",
    base_url="",
) -> Reflection:
    """Save a draft (signed-in writers only) or submit. A submitted reflection is published
    when its writer is trusted, held otherwise; a guest's waits for its email first."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not submit:
        raise ValidationError({None: _("Sign in to keep a draft.")})
    cleaned = check_reflection(
        event=event, user=user, name=name, email=email, items=items, closing=closing,
        draft=not submit,
    )  # fmt: skip
    if reflection is not None and (
        not signed_in
        or reflection.author_id != user.pk
        or reflection.status != Reflection.Status.DRAFT
        or reflection.event_id != event.pk
    ):
        raise ValidationError({None: _("This draft is not yours to change.")})
    if submit:
        check_rate(user=user, email=cleaned["email"], address=ip_address)
    now = timezone.now()
    with transaction.atomic():
        if reflection is None:
            reflection = Reflection(event=event)
        if signed_in:
            reflection.author = user
        else:
            reflection.guest_name, reflection.guest_email = cleaned["name"], cleaned["email"]
        reflection.closing = cleaned["closing"]
        reflection.closing_html = render_markdown(cleaned["closing"])
        reflection.public_actions = bool(public_actions)
        if submit:
            reflection.submitted_at = now
            if signed_in and is_trusted(event, user=user):
                reflection.status = Reflection.Status.PUBLISHED
                reflection.published_at = now
                reflection.held_reason = ""
            else:
                reflection.status = Reflection.Status.PENDING
                reflection.held_reason = "first reflection" if signed_in else "email unconfirmed"
        else:
            reflection.status = Reflection.Status.DRAFT
        reflection.save()
        reflection.items.all().delete()
        ReflectionItem.objects.bulk_create(
            ReflectionItem(
                reflection=reflection, order=i, session=item["session"], text=item["text"],
                text_html=render_markdown(item["text"]), action_answer=item["action_answer"],
                action=item["action"], with_whom=item["with_whom"], due=item["due"],
            )
            for i, item in enumerate(cleaned["items"])
        )  # fmt: skip
        if submit and not signed_in:
            reflection_id = reflection.pk
            transaction.on_commit(lambda: send_confirmation(reflection_id, base_url))
        if reflection.status == Reflection.Status.PUBLISHED:
            log_action("hubbub.reflection.published", actor=user, event=event,
                       target=reflection, data={"name": reflection.writer_name})  # fmt: skip
    return reflection


def confirmation_token(reflection: Reflection) -> str:
    return signing.dumps({"r": reflection.pk, "e": reflection.guest_email}, salt=CONFIRM_SALT)


def confirmation_max_age() -> int:
    return settings.HUBBUB_REFLECTIONS_CONFIRM_HOURS * 3600


def send_confirmation(reflection_id: int, base_url: str = "") -> bool:
    reflection = Reflection.objects.filter(pk=reflection_id, author=None).first()
    if reflection is None or reflection.email_confirmed_at is not None:
        return False
    base_url = base_url or settings.HUBBUB_SITE_URL
    link = base_url + reverse(
        "reflections:confirm",
        kwargs={"event": reflection.event.slug, "token": confirmation_token(reflection)},
    )
    context = {
        "reflection": reflection,
        "event": reflection.event,
        "link": link,
        "hours": settings.HUBBUB_REFLECTIONS_CONFIRM_HOURS,
    }
    EmailMultiAlternatives(
        subject=_("Confirm your reflection on %(event)s") % {"event": reflection.event.title},
        body=render_to_string("reflections/email_confirm.txt", context),
        to=[reflection.guest_email],
    ).send()
    return True


def do_confirm_email(event, token: str) -> Reflection:
    """Follow a guest's confirmation link: the reflection goes to the moderators (or is
    published when the address already has a published reflection)."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=confirmation_max_age())
    except signing.SignatureExpired:
        raise ValidationError(
            _("This link has expired: please write your reflection again.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This confirmation link is not valid.")) from None
    with transaction.atomic():
        reflection = (
            Reflection.objects.select_for_update()
            .filter(pk=data.get("r"), event=event, author=None, guest_email=data.get("e"))
            .first()
        )
        if reflection is None:
            raise ValidationError(_("This reflection no longer exists."))
        if reflection.email_confirmed_at is not None:
            return reflection
        trusted = is_trusted(event, email=reflection.guest_email)
        reflection.email_confirmed_at = timezone.now()
        if trusted and reflection.status == Reflection.Status.PENDING:
            reflection.status = Reflection.Status.PUBLISHED
            reflection.published_at = reflection.email_confirmed_at
            reflection.held_reason = ""
            log_action("hubbub.reflection.published", event=event, target=reflection,
                       data={"name": reflection.writer_name})  # fmt: skip
        else:
            reflection.held_reason = "first reflection"
        reflection.save()
    return reflection


def delete_unconfirmed(now=None) -> int:
    """Delete guests' reflections whose email was not confirmed in time; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.HUBBUB_REFLECTIONS_CONFIRM_HOURS)
    _total, detail = Reflection.objects.filter(
        author=None, email_confirmed_at=None, created_at__lt=cutoff
    ).delete()
    return detail.get("reflections.Reflection", 0)


# -- moderation ----------------------------------------------------------------------------------
def moderation_queue(event):
    return (
        Reflection.objects.filter(event=event, status=Reflection.Status.PENDING)
        .exclude(author=None, email_confirmed_at=None)
        .select_related("author")
        .prefetch_related("items__session__event")
        .order_by("submitted_at", "id")
    )


def do_moderate(reflection: Reflection, *, actor, approve: bool) -> Reflection:
    policy.require(actor, Action.MODERATE_COMMENTS, reflection.event)
    check_not_archived(reflection.event)
    with transaction.atomic():
        # Read again under a lock: the page may be older than a guest's confirmation.
        reflection = Reflection.objects.select_for_update().get(pk=reflection.pk)
        if not reflection.is_confirmed:
            raise ValidationError({None: _("The writer has not confirmed their email yet.")})
        if reflection.status == Reflection.Status.DRAFT:
            raise ValidationError({None: _("Only a submitted reflection can be moderated.")})
        if approve:
            reflection.status = Reflection.Status.PUBLISHED
            reflection.published_at = reflection.published_at or timezone.now()
            action = "hubbub.reflection.approved"
        else:
            reflection.status = Reflection.Status.REJECTED
            action = "hubbub.reflection.rejected"
        reflection.held_reason = ""
        reflection.save(update_fields=["status", "published_at", "held_reason", "updated_at"])
        log_action(action, actor=actor, event=reflection.event, target=reflection,
                   data={"name": reflection.writer_name})  # fmt: skip
    return reflection


# -- reading -------------------------------------------------------------------------------------
def published(event):
    return (
        Reflection.objects.filter(event=event, status=Reflection.Status.PUBLISHED)
        .select_related("author", "event")
        .prefetch_related("items__session__event")
    )


def get_published(event, reflection_id) -> Reflection:
    found = published(event).filter(pk=_int(reflection_id) or 0).first()
    if found is None:
        raise Http404(_("No such reflection."))
    return found


def session_mentions(session) -> int:
    """How many published reflections mention ``session``."""
    return (
        Reflection.objects.filter(status=Reflection.Status.PUBLISHED, items__session=session)
        .distinct()
        .count()
    )
