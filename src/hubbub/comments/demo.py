"""Demo data: the demo events take comments, so a fresh `make run` shows them working."""

from .models import EventCommentSettings


def load_demo_comment_policy(demo) -> None:
    for event in demo.events.values():
        # Only a new row: reloading the demo keeps a policy someone chose since.
        EventCommentSettings.objects.get_or_create(
            event=event, defaults={"policy": EventCommentSettings.Policy.OPEN}
        )
