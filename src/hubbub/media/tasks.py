from django_tasks import task

from . import services


@task()
def render_slideshow(slideshow_id: int) -> str:
    """Render a deck's pages to images; the id, not the object, so the worker reads it fresh."""
    return services.do_render_slideshow(slideshow_id)
