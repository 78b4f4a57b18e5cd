"""The API answers what its OpenAPI document says, for generated requests: schemathesis
runs every check it has against /api/v1/openapi.json of the app in-process, with a bearer
token of the organiser of an event set up like the demo's live workshop."""

import re

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from hubbub.core.permissions import Role
from hubbub.core.tokens import do_create_token
from hubbub.live.services import do_create_entry
from tests.factories import EventFactory, SessionFactory, UserFactory, grant

from ..blog.helpers import make_comment, make_post

# Small and bounded: a few examples per operation keep the whole run to seconds.
EXAMPLES_PER_OPERATION = 8
EVENT_SLUG = "personalisation-workshop"

schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    WSGIHandler(),
    config=SchemathesisConfig.from_dict(
        {
            "parameters": {"event": EVENT_SLUG},
            "generation": {"max-examples": EXAMPLES_PER_OPERATION},
            "operations": [
                {
                    # Writes also check what a schema cannot say (the session belongs to
                    # the event, the file really is slides, the reply's parent exists, no
                    # NUL character): 422 naming the field is the right answer to those, too.
                    "include-method-regex": "^(POST|PATCH|PUT)$",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2XX", 401, 403, 404, 409, 422, 429]
                        }
                    },
                }
            ],
        }
    ),
)


@schema.auth()
class OrganiserToken:
    """The organiser's bearer token, made by the fixture for each test."""

    token = ""

    def get(self, case, context):
        return OrganiserToken.token

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def demo_like_event(db):
    """The event, what its paths point at, and an organiser's bearer token."""
    event = EventFactory(slug=EVENT_SLUG, status="live")
    organiser = UserFactory(username="demo-organiser", first_name="Demo", last_name="Organiser")
    grant(organiser, event, Role.ORGANISER)
    SessionFactory(event=event)
    entry = do_create_entry(event=event, author=organiser, body="Welcome to the workshop")
    post = make_post(event)
    make_comment(post)
    # The app runs in this thread on the test's transaction: keep Django from closing the
    # connection around each request, as its own test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    OrganiserToken.token = do_create_token(organiser, "fuzz")[1]
    yield {"entry_id": entry.pk, "object_id": post.pk}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    # The same examples on every run, so a build is never green or red by chance; new
    # operations and schema changes still bring new examples.
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_openapi_document_says(case, demo_like_event):
    params = case.path_parameters
    if params:
        # Well-formed ids and kinds point at real objects, so the operations get past 404
        # too; malformed ones (the negative cases) are sent as generated.
        for name, real in demo_like_event.items():
            if isinstance(params.get(name), int):
                params[name] = real
        if re.fullmatch(r"[-a-z0-9_]+", str(params.get("kind", ""))):
            params["kind"] = "post"
        case.path_parameters = params
    case.call_and_validate()
