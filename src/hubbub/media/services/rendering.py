"""The background job that renders a deck to images: one page at a time, three sizes each.

A job that fails leaves no slides behind and stores a reason the uploader understands.
"""

import io
import logging
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from ..models import Slide, Slideshow

logger = logging.getLogger(__name__)

LARGE_EDGE = 1600
SMALL_EDGE = 800
THUMB_EDGE = 240
SOFFICE_TIMEOUT = 300


class RenderError(Exception):
    """A reason a person understands, stored on the slideshow."""


def do_render_slideshow(slideshow_id: int) -> str:
    """Render a pending slideshow; returns its final status. Safe to call twice."""
    claimed = Slideshow.objects.filter(pk=slideshow_id, status=Slideshow.Status.PENDING).update(
        status=Slideshow.Status.PROCESSING
    )
    if not claimed:
        return Slideshow.objects.filter(pk=slideshow_id).values_list("status", flat=True).first()
    slideshow = Slideshow.objects.select_related("event").get(pk=slideshow_id)
    # Slides left from an earlier attempt are replaced.
    old = list(slideshow.slides.all())
    if old:
        Slide.objects.filter(pk__in=[s.pk for s in old]).delete()
        delete_files(slide_files(old))
    made: list[Slide] = []
    try:
        with _local_pdf(slideshow) as pdf_path:
            texts = _render_pdf(pdf_path, slideshow, made)
    except RenderError as exc:
        return _fail(slideshow, made, str(exc))
    except Exception:
        logger.exception("rendering slideshow %s failed", slideshow_id)
        return _fail(slideshow, made, _("Something went wrong while rendering the slides."))
    with transaction.atomic():
        slideshow.text = "\n\n".join(texts)
        slideshow.status = Slideshow.Status.READY
        slideshow.error = ""
        slideshow.rendered_at = timezone.now()
        slideshow.save(update_fields=["text", "status", "error", "rendered_at"])
    return slideshow.status


def slide_files(slides) -> list:
    return [f for s in slides for f in (s.image, s.image_small, s.thumbnail) if f]


def delete_files(files) -> None:
    for field in files:
        try:
            field.storage.delete(field.name)
        except OSError:  # already gone: nothing to clean up
            logger.warning("could not delete %s", field.name)


def _fail(slideshow: Slideshow, made: list[Slide], reason: str) -> str:
    Slide.objects.filter(slideshow=slideshow).delete()
    delete_files(slide_files(made))
    slideshow.status = Slideshow.Status.FAILED
    slideshow.error = reason
    slideshow.save(update_fields=["status", "error"])
    return slideshow.status


@contextmanager
def _local_file(field, suffix: str):
    """A path on this machine for a stored file (a temporary copy for object storage)."""
    try:
        path = field.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with field.open("rb") as source:
            shutil.copyfileobj(source, tmp, 1024 * 1024)
        tmp.flush()
        yield tmp.name


@contextmanager
def _local_pdf(slideshow: Slideshow):
    with _local_file(slideshow.source, f".{slideshow.kind}") as path:
        if slideshow.kind == Slideshow.Kind.PDF:
            yield path
            return
        with tempfile.TemporaryDirectory(prefix="hubbub-soffice-") as workdir:
            yield convert_to_pdf(path, workdir)


def convert_to_pdf(path: str, workdir: str) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RenderError(
            _(
                "PowerPoint and OpenDocument slides need LibreOffice on the server, which is "
                "not installed. Upload the slides as a PDF instead."
            )
        )
    command = [
        soffice,
        # Its own profile, so a desktop LibreOffice or a second job cannot lock it.
        f"-env:UserInstallation=file://{workdir}/profile",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        workdir,
        path,
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=SOFFICE_TIMEOUT, check=True)
    except (subprocess.SubprocessError, OSError):
        raise RenderError(
            _("LibreOffice could not convert the slides; save them as a PDF and upload that.")
        ) from None
    pdf = Path(workdir) / (Path(path).stem + ".pdf")
    if not pdf.exists():
        raise RenderError(
            _("LibreOffice could not convert the slides; save them as a PDF and upload that.")
        )
    return str(pdf)


def open_pdf(path):
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise RenderError(
                _("The PDF is protected by a password. Upload a copy without one.")
            ) from None
        raise RenderError(
            _("The file could not be read as a PDF; it may be damaged. Export it again.")
        ) from None


def _render_pdf(path, slideshow: Slideshow, made: list[Slide]) -> list[str]:
    pdf = open_pdf(path)
    texts = []
    try:
        count = len(pdf)
        if count == 0:
            raise RenderError(_("The PDF has no pages."))
        if count > settings.HUBBUB_MAX_SLIDES:
            raise RenderError(
                _("The slides have %(count)s pages; the limit is %(limit)s.")
                % {"count": count, "limit": settings.HUBBUB_MAX_SLIDES}
            )
        for index in range(count):
            image, text = render_page(pdf, index)
            made.append(_store_slide(slideshow, index + 1, image, text))
            texts.append(text)
    finally:
        pdf.close()
    return texts


def check_page_pictures(page, number: int) -> None:
    """Refuse a page holding a picture over the pixel limit, from the PDF's own numbers.

    PDFium decodes a picture at its full size even to draw it small, so a few bytes declaring
    13,000 × 13,000 pixels would cost gigabytes in the worker.
    """
    limit = settings.HUBBUB_IMAGE_MAX_PIXELS
    for picture in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        width, height = picture.get_px_size()
        if width * height > limit:
            raise RenderError(
                _(
                    "Slide %(n)s holds a picture of %(width)s × %(height)s pixels; the limit is "
                    "%(limit)s megapixels. Make the picture smaller and export the slides again."
                )
                % {"n": number, "width": width, "height": height, "limit": f"{limit / 1e6:g}"}
            )


def render_page(pdf, index: int) -> tuple[Image.Image, str]:
    """One page as an RGB image with its long edge LARGE_EDGE, and the page's text."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise RenderError(_("Page %(n)s has no size.") % {"n": index + 1})
        check_page_pictures(page, index + 1)
        scale = LARGE_EDGE / max(width, height)
        bitmap = page.render(scale=scale)
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        textpage = page.get_textpage()
        text = textpage.get_text_bounded().replace("\r\n", "\n").strip()
        textpage.close()
    finally:
        page.close()
    return image, text


def _jpeg(image: Image.Image, edge: int | None = None) -> ContentFile:
    if edge is not None:
        image = image.copy()
        image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    image.info = {}  # pixels only: nothing from the PDF travels with the slide image
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue())


def _store_slide(slideshow: Slideshow, number: int, image: Image.Image, text: str) -> Slide:
    slide = Slide(slideshow=slideshow, number=number, text=text)
    slide.image.save(f"{number}-large.jpg", _jpeg(image), save=False)
    slide.image_small.save(f"{number}-small.jpg", _jpeg(image, SMALL_EDGE), save=False)
    slide.thumbnail.save(f"{number}-thumb.jpg", _jpeg(image, THUMB_EDGE), save=False)
    slide.width, slide.height = image.size
    slide.save()
    return slide
