"""Background jobs of the media app. Services enqueue them by dotted name, so this module
imports the services and never the other way round."""

from django_tasks import task

from .services.rendering import do_render_slideshow


@task()
def render_slideshow(slideshow_id: int) -> str:
    """Render a deck's pages to images; the id, not the object, so the worker reads it fresh."""
    return do_render_slideshow(slideshow_id)
