"""Render a generated 60-page deck through the real slideshow job; report seconds and peak memory.

    .venv/bin/python bench/slides_render.py [--pages 60]

Each page is a 16:9 slide with a title, three lines of text and a photo-like JPEG, which is what
talks usually hold. The job runs as in production (pypdfium2, three JPEG sizes per slide, text
extraction, files through the storage API, rows in a throwaway SQLite database). Peak memory is
the process's maximum resident set size (it counts PDFium's C allocations, which tracemalloc
would miss).
"""

import argparse
import ctypes
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ["HUBBUB_VAR_DIR"] = tempfile.mkdtemp(prefix="hubbub-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.pop("DATABASE_URL", None)


def make_deck(pages: int) -> bytes:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PIL import Image, ImageDraw

    pdf = pdfium.PdfDocument.new()
    for number in range(1, pages + 1):
        page = pdf.new_page(960, 540)
        photo = Image.radial_gradient("L").resize((800, 600)).convert("RGB")
        ImageDraw.Draw(photo).ellipse(
            (100 + number % 300, 100, 500, 400), fill=(200, 80, number % 256)
        )
        jpeg = io.BytesIO()
        photo.save(jpeg, "JPEG", quality=85)
        image = pdfium.PdfImage.new(pdf)
        image.load_jpeg(io.BytesIO(jpeg.getvalue()), inline=True)
        image.set_matrix(pdfium.PdfMatrix().scale(400, 300).translate(520, 60))
        page.insert_obj(image)
        lines = [(f"Slide {number}: delivering services together", 30, 480)] + [
            (f"Point {i}: budgets, partners and what residents told us", 16, 380 - i * 40)
            for i in range(1, 4)
        ]
        for text, size, y in lines:
            obj = pdfium_c.FPDFPageObj_NewTextObj(pdf, b"Helvetica", size)
            buffer = ctypes.create_string_buffer((text + "\0").encode("utf-16-le"))
            pdfium_c.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
            pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 40, y)
            pdfium_c.FPDFPage_InsertObject(page, obj)
        page.gen_content()
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=60)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.factories import EventFactory, UserFactory, grant

    from hubbub.core.permissions import Role
    from hubbub.media.models import Slideshow
    from hubbub.media.services import rendering, slideshows

    event = EventFactory()
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    data = make_deck(args.pages)
    # Stored without running the job, so that the job alone is timed.
    slideshows._enqueue_render = lambda slideshow_id: None
    deck = slideshows.do_create_slideshow(
        event=event, actor=reporter, title="Bench", upload=SimpleUploadedFile("d.pdf", data)
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    status = rendering.do_render_slideshow(deck.pk)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    deck = Slideshow.objects.get(pk=deck.pk)
    assert status == Slideshow.Status.READY, deck.error
    assert deck.slides.count() == args.pages
    media = Path(os.environ["HUBBUB_VAR_DIR"]) / "media"
    stored = sum(f.stat().st_size for f in media.rglob("*") if f.is_file())
    print(f"pages: {args.pages}  deck: {len(data) / 1e6:.1f} MB  status: {status}")
    print(f"render: {seconds:.2f} s ({seconds / args.pages * 1000:.0f} ms per slide)")
    print(f"peak RSS: {peak / 1024:.0f} MB (before the job: {before / 1024:.0f} MB)")
    print(f"stored (deck + 3 images per slide): {stored / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
