"""Errors as JSON that names the field, the same shape everywhere:

``{"detail": "...", "errors": [{"field": "body", "message": "..."}]}``
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from hubbub.core.ratelimit import RateLimited
from hubbub.events.lifecycle import EventClosed

from .auth import CsrfRefused
from .parser import BodyRefused


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# What each error status means, for the OpenAPI document.
ERROR_MEANINGS = {
    400: "The body is not valid JSON.",
    401: "A valid API token is required.",
    403: "Not allowed: no right on this event, or a session write without its CSRF token.",
    404: "No such event or object, or not visible to the caller.",
    409: "The event does not accept this now.",
    413: "The body is larger than the limit.",
    422: "Invalid input; `errors` names each field.",
    429: "Too many requests; wait for Retry-After seconds.",
}


def errors(*codes: int) -> dict:
    """Declared error responses for an operation: ``response={200: Out, **errors(404, 422)}``."""
    return {code: ErrorOut for code in codes}


def error_body(detail: str, errors: list[dict] | None = None) -> dict:
    body: dict = {"detail": detail}
    if errors:
        body["errors"] = errors
    return body


def install(api) -> None:
    @api.exception_handler(NinjaValidationError)
    def schema_error(request, exc):
        errors = []
        for item in exc.errors:
            # loc is (source, parameter name, *field path), e.g. ("body", "payload", "body").
            location = [str(p) for p in item.get("loc", ())]
            field = ".".join(location[2:])
            if not field:
                # ("body", "payload") means the request had no body at all: "payload" is only
                # the handler's argument name, which means nothing to the client.
                field = "body" if location[:1] in ([], ["body"]) else location[-1]
            errors.append({"field": field, "message": item.get("msg", "Invalid value.")})
        return api.create_response(
            request, error_body("The request is not valid.", errors), status=422
        )

    @api.exception_handler(ValidationError)
    def service_error(request, exc):
        if hasattr(exc, "error_dict"):
            errors = [
                {"field": field, "message": message}
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [{"field": "body", "message": m} for m in exc.messages]
        return api.create_response(
            request, error_body("The request is not valid.", errors), status=422
        )

    @api.exception_handler(EventClosed)
    def event_closed(request, exc):
        # Allowed in general, but not now: the event has ended or is an archive.
        return api.create_response(request, error_body(str(exc)), status=409)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        detail = str(exc) or "You may not do that on this event."
        return api.create_response(request, error_body(detail), status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        detail = str(exc) or "Not found."
        return api.create_response(request, error_body(detail), status=404)

    @api.exception_handler(OverflowError)
    def id_out_of_range(request, exc):
        # An id too large for the database (SQLite refuses it before looking) names nothing.
        return api.create_response(request, error_body("Not found."), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthorised(request, exc):
        response = api.create_response(
            request,
            error_body("A valid API token is required (Authorization: Bearer …)."),
            status=401,
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(CsrfRefused)
    def csrf_refused(request, exc):
        detail = (
            "CSRF check failed: a write signed in by the session cookie needs the "
            "X-CSRFToken header from the site's page; scripts use Authorization: Bearer."
        )
        return api.create_response(request, error_body(detail), status=403)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        detail = f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE:,} bytes."
        return api.create_response(request, error_body(detail), status=413)

    @api.exception_handler(RateLimited)
    def rate_limited(request, exc):
        response = api.create_response(
            request,
            error_body(f"Too many requests just now; try again in {exc.retry_after} s."),
            status=429,
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        if isinstance(exc.__cause__, BodyRefused):
            return api.create_response(
                request, error_body(exc.__cause__.detail, exc.__cause__.errors), status=422
            )
        if _unreadable_body(exc):
            errors = [{"field": "body", "message": "The request body is not valid JSON."}]
            return api.create_response(
                request, error_body("The request body could not be read.", errors), status=400
            )
        return api.create_response(request, error_body(str(exc)), status=exc.status_code)


def _unreadable_body(exc: HttpError) -> bool:
    # Ninja turns any failure of its body parser into HttpError(400, "Cannot parse request
    # body") chained to the parser's exception; it raises no other chained HttpError.
    return exc.status_code == 400 and exc.__cause__ is not None
