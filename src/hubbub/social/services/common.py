"""What the social wall's service modules share: the stream message types and limits."""

SOCIAL_APPROVED = "social.approved"
SOCIAL_REMOVED = "social.removed"
MIN_INTERVAL = 30
MAX_INTERVAL = 24 * 3600
# A source that fails this many polls in a row is stopped until someone restarts it.
MAX_FAILURES = 5
MAX_BACKOFF = 3600
MAX_SOURCES_PER_EVENT = 50
AVATAR_EDGE = 96
IMAGE_EDGE = 1200
URL_FETCHED = "fetched"


def post_subject(post_id: int) -> str:
    return f"social:{post_id}"


def normal_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()
