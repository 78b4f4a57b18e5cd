"""The live blog. ``publish()`` is the one way a change reaches readers' streams.

The two functions here import ``publishing`` when called: it imports models, which cannot be
loaded while Django is still importing the apps, and this package is imported first.
"""


def publish(event, type: str, payload: dict, *, subject: str = "") -> int:
    """Send ``payload`` as a ``type`` message on ``event``'s live stream once the transaction
    commits; returns the message's sequence number. See :mod:`hubbub.live.publishing`."""
    from .publishing import publish as _publish

    return _publish(event, type, payload, subject=subject)


def publish_private(event, type: str, id: int, payload: dict) -> None:
    """Send ``payload`` to the event's team desk (never the public stream) on commit.
    See :func:`hubbub.live.publishing.publish_private`."""
    from .publishing import publish_private as _publish_private

    _publish_private(event, type, id, payload)


def close_desk_streams(event, user_id: int) -> None:
    """End ``user_id``'s open team desk streams on ``event`` in every process, on commit.
    See :func:`hubbub.live.publishing.close_desk_streams`."""
    from .publishing import close_desk_streams as _close_desk_streams

    _close_desk_streams(event, user_id)


def publish_ephemeral(event, type: str, payload: dict, *, key: str) -> None:
    """Send ``payload`` to ``event``'s connected readers outside the resumable sequence (no id,
    no replay), coalesced per ``key`` to at most one a second. See
    :func:`hubbub.live.publishing.publish_ephemeral`."""
    from .publishing import publish_ephemeral as _publish_ephemeral

    _publish_ephemeral(event, type, payload, key=key)
