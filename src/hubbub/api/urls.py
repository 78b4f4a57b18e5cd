from ninja import NinjaAPI

from . import errors
from .comments import router as comments_router
from .events import router as events_router
from .live import router as live_router

api = NinjaAPI(
    title="hubbub API",
    version="1",
    description="Events, programme and live blog. Writes need `Authorization: Bearer TOKEN`.",
    urls_namespace="api",
)
errors.install(api)
api.add_router("/events", "hubbub.api.setup.router")  # first: it also answers the reads it shares
api.add_router("/events/", events_router)
api.add_router("/events/", live_router)
api.add_router("/events/", comments_router)
api.add_router("/events/", "hubbub.api.media.router")
