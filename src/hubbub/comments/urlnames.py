from django.urls import reverse


def comments_url(name: str, event=None, **kwargs) -> str:
    """A comments URL on an event's pages, or on the site-wide pages when ``event`` is None."""
    if event is not None:
        return reverse(f"comments:{name}", kwargs={"event": event.slug, **kwargs})
    return reverse(f"site_comments:{name}", kwargs=kwargs)
