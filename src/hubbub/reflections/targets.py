"""Reflections as something to comment on and like."""

from hubbub.comments.targets import Target, event_comments_open


def reflection_target(reflection) -> Target:
    event = reflection.event
    return Target(
        kind="reflection",
        obj=reflection,
        event=event,
        title=str(reflection),
        url=reflection.get_absolute_url(),
        author=reflection.author,
        visible=event.is_public and reflection.is_published,
        comments_open=event_comments_open(event),
    )
