"""The media app's services, one module per noun.

- ``access``: who may manage media, and the checks slideshows and galleries share
- ``slideshows``: slide uploads checked by content, reads, edits, slides into the live blog
- ``rendering``: the background job that renders a deck's pages to images
- ``galleries``: galleries and photos (each cleaned by ``core.images``), photos into the live blog

Callers import from the module they need (``from hubbub.media.services import slideshows``).
"""
