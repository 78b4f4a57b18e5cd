"""The demo wall: a few approved posts about the demo conference, written for the demo."""

from datetime import timedelta

from django.db import transaction

from .adapters import text_to_html
from .models import SocialPost

DEMO_EVENT = "all-change-2011"
DEMO_POSTS = [
    (
        "mastodon",
        "Priya Shah (demo)",
        "@priya@social.example.org",
        "Standing room only for the opening keynote at #AllChange2011. (Demo post.)",
    ),
    (
        "bluesky",
        "Tom Evans (demo)",
        "@tom-evans.example.org",
        "“Change is not an event, it is the job” — best line of the morning. "
        "#AllChange2011 (Demo post.)",
    ),
    (
        "mastodon",
        "Westbrook Digital (demo)",
        "@digital@westbrook.example.org",
        "Our think-tank on shared services starts at 11:30 in Seminar Room 1. "
        "Come and argue with us! #AllChange2011 (Demo post.)",
    ),
]


def load_demo_wall(demo) -> None:
    event = demo.events[DEMO_EVENT]
    if SocialPost.objects.filter(event=event).exists():
        return
    start = event.day_start(event.starts_on) + timedelta(hours=9, minutes=20)
    with transaction.atomic():
        for number, (network, name, handle, text) in enumerate(DEMO_POSTS):
            url = f"https://social.example.org/demo/all-change-2011/{number + 1}"
            SocialPost.objects.create(
                event=event,
                network=network,
                uri=url,
                url=url,
                author_name=name,
                author_handle=handle,
                text=text,
                text_html=text_to_html(text),
                links=[],
                posted_at=start + timedelta(minutes=25 * number),
                status=SocialPost.Status.FEATURED if number == 1 else SocialPost.Status.APPROVED,
            )
