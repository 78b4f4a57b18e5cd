from django.urls import reverse


def blog_url(name: str, event=None, **kwargs) -> str:
    if event is not None:
        return reverse(f"blog:{name}", kwargs={"event": event.slug, **kwargs})
    return reverse(f"site_blog:{name}", kwargs=kwargs)
