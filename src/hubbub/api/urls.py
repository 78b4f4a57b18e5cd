from ninja import NinjaAPI

from . import errors
from .auth import OptionalTokenAuth, TokenAuth
from .comments import router as comments_router
from .events import router as events_router
from .live import router as live_router
from .parser import JsonObjectParser


class HubbubAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Operations open to anyone say so: the token is optional there (``{}`` first)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        optional, required = OptionalTokenAuth.__name__, TokenAuth.__name__
        schemes = schema.get("components", {}).get("securitySchemes", {})
        if optional in schemes:
            schemes.setdefault(required, schemes.pop(optional))
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("security") == [{optional: []}]:
                    operation["security"] = [{}, {required: []}]
                for status, response in operation.get("responses", {}).items():
                    meaning = errors.ERROR_MEANINGS.get(int(status))
                    if meaning and response.get("description") in (None, "", "OK"):
                        response["description"] = meaning
        return schema


api = HubbubAPI(
    title="hubbub API",
    version="1",
    description=(
        "Events, programme and live blog. Writes need `Authorization: Bearer TOKEN` "
        "(or, from the site's own pages, the session cookie with its `X-CSRFToken` header)."
    ),
    urls_namespace="api",
    parser=JsonObjectParser(),
)
errors.install(api)
api.add_router("/events", "hubbub.api.setup.router")  # first: it also answers the reads it shares
api.add_router("/events/", events_router)
api.add_router("/events/", live_router)
api.add_router("/events/", comments_router)
api.add_router("/events/", "hubbub.api.media.router")
api.add_router("/events/", "hubbub.api.programme.router")
api.add_router("/events/", "hubbub.api.team.router")
api.add_router("/events/", "hubbub.api.stats.router")
api.add_router("/events/", "hubbub.api.reflections.router")
api.add_router("/events/", "hubbub.api.social.router")
