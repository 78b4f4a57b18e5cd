from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubbub.comments.targets import describe
from hubbub.comments.views import comments_context, finish, handle_comment_post
from hubbub.core import ratelimit, visitor
from hubbub.core.charts import ChartRow, bar_chart_svg
from hubbub.core.eventviews import add_service_errors, event_view, render_event
from hubbub.core.http import client_ip
from hubbub.core.permissions import Action, policy
from hubbub.core.ratelimit import RateLimited
from hubbub.events.lifecycle import EventClosed, archive_message
from hubbub.events.services import programme_sessions

from . import followups, services
from .forms import ItemFormSet, MorningAfterForm, NoteForm, ReflectionForm
from .impact import PROGRESS, impact, impact_csv, public_summary
from .models import ActionAnswer, MorningAfterRequest, Reflection


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _items_from(formset) -> list[dict]:
    return [
        {key: form.cleaned_data.get(key) for key in
         ("text", "session_id", "action_answer", "action", "with_whom", "due")}
        for form in formset.forms
    ]  # fmt: skip


def _add_item_errors(form, formset, exc: ValidationError) -> None:
    """Put ``items.N.field`` errors on the Nth item's field, the rest on the main form."""
    if not hasattr(exc, "error_dict"):
        add_service_errors(form, exc)
        return
    rest = {}
    for key, messages_ in exc.message_dict.items():
        parts = key.split(".") if key else []
        if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(formset.forms):
                for message in messages_:
                    formset.forms[index].add_error(parts[2], message)
                continue
        rest[key] = messages_
    if rest:
        add_service_errors(form, ValidationError(rest))


def _with_extra_item(data):
    """The POST data with one more empty item: "Add another item" without JavaScript."""
    data = data.copy()
    total = int(data.get("items-TOTAL_FORMS", "1") or 1)
    data["items-TOTAL_FORMS"] = str(min(total + 1, 20))
    return data


@event_view(section="reflections")
def index(request, event):
    reflections = services.published(event)
    session = None
    session_id = request.GET.get("session", "")
    if session_id.isdigit():
        session = event.sessions.filter(pk=int(session_id)).first()
        if session is not None:
            reflections = reflections.filter(items__session=session).distinct()
    context = {
        "reflections": list(reflections[:100]),
        "session": session,
        "can_moderate": policy.can(request.user, Action.MODERATE_COMMENTS, event),
        "is_team": policy.has_any_role(request.user, event),
        "morning_form": MorningAfterForm(),
    }
    if event.has_ended:
        context.update(public_summary(event, chart_id="reflections-chart"))
    return render_event(request, event, "reflections/index.html", context)


@event_view(section="reflections")
def write(request, event):
    if event.is_archive:
        context = {"closed": archive_message()}
        return render_event(request, event, "reflections/write.html", context, status=409)
    sessions = list(programme_sessions(event))
    draft = services.draft_for(event, request.user)
    status = 200
    if request.method == "POST":
        data = request.POST
        adding = "add_item" in data
        if adding:
            data = _with_extra_item(data)
        form = ReflectionForm(data, user=request.user)
        formset = ItemFormSet(data, prefix="items", form_kwargs={"sessions": sessions})
        if adding:
            # Show the form again with one more item; nothing is checked or saved yet.
            for bound in [form, *formset.forms]:
                bound.is_valid()
                bound._errors = {}
            formset._non_form_errors = formset.error_class()
        elif form.is_valid() and formset.is_valid():
            submit = "save_draft" not in data
            try:
                reflection = services.do_save_reflection(
                    event=event,
                    user=request.user,
                    name=form.cleaned_data.get("name", ""),
                    email=form.cleaned_data.get("email", ""),
                    items=_items_from(formset),
                    closing=form.cleaned_data["closing"],
                    public_actions=form.cleaned_data["public_actions"],
                    submit=submit,
                    reflection=draft,
                    ip_address=visitor.client_address(request) or "",
                    base_url=_base_url(request),
                )
            except RateLimited:
                form.add_error(None, _("You are sending reflections very fast. Please wait a "
                                       "few minutes and try again."))  # fmt: skip
                status = 429
            except (ValidationError, EventClosed) as exc:
                if isinstance(exc, EventClosed):
                    exc = ValidationError(str(exc))
                _add_item_errors(form, formset, exc)
                status = 400
            else:
                return _after_save(request, event, reflection, submit)
        else:
            status = 400
    else:
        initial_items = [{}]
        initial = {}
        session_id = request.GET.get("session", "")
        if draft is not None:
            initial = {"closing": draft.closing, "public_actions": "1" if draft.public_actions
                       else "0"}  # fmt: skip
            initial_items = [
                {"text": i.text, "session_id": str(i.session_id or ""),
                 "action_answer": i.action_answer, "action": i.action,
                 "with_whom": i.with_whom, "due": i.due}
                for i in draft.items.all()
            ] or [{}]  # fmt: skip
        elif session_id.isdigit():
            initial_items = [{"session_id": session_id}]
        form = ReflectionForm(initial=initial, user=request.user)
        formset = ItemFormSet(
            prefix="items", initial=initial_items, form_kwargs={"sessions": sessions}
        )
    context = {"form": form, "formset": formset, "draft": draft}
    return render_event(request, event, "reflections/write.html", context, status=status)


def _after_save(request, event, reflection, submitted):
    if not submitted:
        messages.success(request, _("Your draft is saved. Come back to finish it any time."))
        return redirect("reflections:new", event=event.slug)
    if reflection.status == Reflection.Status.PUBLISHED:
        messages.success(request, _("Thank you: your reflection is published."))
        return redirect(reflection.get_absolute_url())
    if reflection.author_id is None:
        messages.info(request, _("Thank you. We have sent a link to %(email)s: follow it to "
                                 "confirm your address. Nothing is published until you do.")
                      % {"email": reflection.guest_email})  # fmt: skip
    else:
        messages.info(request, _("Thank you: your reflection will appear once a moderator "
                                 "has read it."))  # fmt: skip
    return redirect("reflections:index", event=event.slug)


@event_view(section="reflections")
def detail(request, event, reflection_id):
    reflection = services.get_published(event, reflection_id)
    target = describe(reflection)
    form, status = None, 200
    if request.method == "POST":
        form, response, status = handle_comment_post(request, target)
        if response is not None:
            return response
    context = {"reflection": reflection, **comments_context(request, target, form)}
    response = render_event(request, event, "reflections/detail.html", context, status=status)
    return finish(request, response)


@event_view(Action.MODERATE_COMMENTS, section="reflections")
def moderate(request, event):
    if request.method == "POST":
        found = (
            Reflection.objects.filter(event=event, pk=request.POST.get("reflection") or 0)
            .exclude(status=Reflection.Status.DRAFT)
            .first()
        )
        decision = request.POST.get("decision")
        if found is None or decision not in ("approve", "reject"):
            messages.error(request, _("That reflection is no longer waiting."))
        else:
            try:
                services.do_moderate(found, actor=request.user, approve=decision == "approve")
            except (ValidationError, EventClosed) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.success(
                    request,
                    _("Published.") if decision == "approve" else _("Rejected: it stays hidden."),
                )
        return redirect("reflections:moderate", event=event.slug)
    context = {"queue": list(services.moderation_queue(event))}
    return render_event(request, event, "reflections/moderate.html", context)


@event_view(section="reflections")
def confirm(request, event, token):
    """A guest's link: a page with one button, so a mail scanner's visit confirms nothing."""
    if request.method == "POST":
        try:
            reflection = services.do_confirm_email(event, token)
        except ValidationError as exc:
            context = {"error": " ".join(exc.messages)}
            return render_event(request, event, "reflections/confirm.html", context, status=400)
        context = {"done": True, "reflection": reflection}
        return render_event(request, event, "reflections/confirm.html", context)
    return render_event(request, event, "reflections/confirm.html", {"token": token})


@event_view(section="reflections")
def answer(request, event, token):
    """A follow-up link: the answer it carries, confirmed with one button, and a note."""
    try:
        item, data = followups.item_for_token(token)
    except ValidationError as exc:
        context = {"error": " ".join(exc.messages)}
        return render_event(request, event, "reflections/answer.html", context, status=400)
    if item.reflection.event_id != event.pk:
        raise PermissionDenied(_("This link belongs to another event."))
    progress = ActionAnswer.Progress(data["p"])
    current = ActionAnswer.objects.filter(item=item, round=data["r"]).first()
    status, done = 200, False
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                current = followups.do_answer(token, form.cleaned_data["note"])
                done = True
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
        else:
            status = 400
    else:
        form = NoteForm(initial={"note": current.note if current else ""})
    others = [
        (label, followups.answer_token(item, data["r"], value))
        for value, label in ActionAnswer.Progress.choices
        if value != progress
    ]
    context = {"item": item, "progress": progress, "current": current, "form": form,
               "done": done, "others": others}  # fmt: skip
    return render_event(request, event, "reflections/answer.html", context, status=status)


@event_view(section="reflections")
def stop(request, event, token):
    try:
        reflection = followups.reflection_for_stop(token)
    except ValidationError as exc:
        context = {"error": " ".join(exc.messages)}
        return render_event(request, event, "reflections/stop.html", context, status=400)
    if reflection.event_id != event.pk:
        raise PermissionDenied(_("This link belongs to another event."))
    done = False
    if request.method == "POST":
        followups.do_stop(token)
        done = True
    context = {"reflection": reflection, "done": done, "token": token}
    return render_event(request, event, "reflections/stop.html", context)


@require_POST
@event_view(section="reflections")
def morning_after(request, event):
    form = MorningAfterForm(request.POST)
    if form.is_valid() and not event.has_ended:
        email = form.cleaned_data["email"].lower()
        try:
            # Anyone can ask; bounded per browser address and per address asked for.
            ratelimit.hit("reflection", address=client_ip(request), email=email)
        except RateLimited:
            messages.error(request, _("Too many requests: please try again later."))
            return redirect("reflections:index", event=event.slug)
        MorningAfterRequest.objects.get_or_create(event=event, email=email)
        messages.success(request, _("We will email you the morning after the event."))
    else:
        messages.error(request, _("Give an email address like name@example.org."))
    return redirect("reflections:index", event=event.slug)


def _require_team(request, event):
    if not policy.has_any_role(request.user, event):
        raise PermissionDenied(_("The impact report is for the event's team."))


@event_view(section="reflections")
def impact_report(request, event):
    _require_team(request, event)
    found = impact(event, quotes=10)
    labels = dict(ActionAnswer.Progress.choices)
    progress_rows = [ChartRow(str(labels[k]), found.progress.get(k, 0)) for k in PROGRESS]
    session_rows = [ChartRow(row["title"], row["pledges"]) for row in found.by_session[:10]]
    context = {
        "impact": found,
        "labels": labels,
        "progress_rows": list(zip(PROGRESS, progress_rows, strict=True)),
        "progress_chart": bar_chart_svg(
            _("Pledged actions by their latest answer"), progress_rows, chart_id="progress"
        ),
        "session_chart": bar_chart_svg(
            _("Sessions that led to most pledged actions"), session_rows, chart_id="sessions"
        ),
    }
    return render_event(request, event, "reflections/impact.html", context)


@event_view(section="reflections")
def impact_export(request, event):
    _require_team(request, event)
    response = HttpResponse(impact_csv(event), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-impact.csv"'
    return response
