"""Pictures for the demo data, drawn with Pillow: no photo of anyone, nothing downloaded.

Each picture is a calm scene of shapes in a palette chosen by ``seed``, labelled as a demo
image, so the galleries, slides and live photos of the demo have something to show.
"""

import io
import random

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

PALETTES = [
    ("#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"),
    ("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"),
    ("#22223b", "#4a4e69", "#9a8c98", "#c9ada7", "#f2e9e4"),
    ("#003049", "#d62828", "#f77f00", "#fcbf49", "#eae2b7"),
    ("#0b3d20", "#2d6a4f", "#52b788", "#b7e4c7", "#f8f9fa"),
]
FONT_PATHS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]


def _font(size: int):
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def draw_scene(seed: int, caption: str, *, size: tuple[int, int] = (960, 640)) -> Image.Image:
    """A picture of overlapping shapes with ``caption`` and "Demo image" written on it."""
    rng = random.Random(seed)
    palette = PALETTES[seed % len(PALETTES)]
    width, height = size
    image = Image.new("RGB", size, palette[0])
    draw = ImageDraw.Draw(image)
    for band in range(6):
        top = height * band // 6
        draw.rectangle((0, top, width, top + height // 6), fill=palette[band % 2])
    for _shape in range(14):
        x, y = rng.randrange(width), rng.randrange(height)
        radius = rng.randrange(width // 20, width // 6)
        colour = rng.choice(palette[1:])
        if rng.random() < 0.5:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        else:
            draw.rounded_rectangle(
                (x - radius, y - radius // 2, x + radius, y + radius // 2), 12, fill=colour
            )
    banner = height // 5
    draw.rectangle((0, height - banner, width, height), fill="#0b0c0c")
    draw.text((24, height - banner + 16), caption[:48], font=_font(height // 16), fill="#ffffff")
    draw.text((24, 16), "Demo image", font=_font(height // 24), fill="#ffffff")
    return image


def demo_photo(seed: int, caption: str, *, size: tuple[int, int] = (960, 640)) -> ContentFile:
    """A JPEG of ``draw_scene``, ready for a model's ImageField or ``clean_photo``."""
    buffer = io.BytesIO()
    draw_scene(seed, caption, size=size).save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name=f"demo-{seed}.jpg")


def demo_pdf(pages: list[tuple[str, str]], *, seed: int = 0) -> ContentFile:
    """A PDF deck, one page per (title, line), drawn as slides."""
    slides = []
    for number, (title, line) in enumerate(pages):
        slide = draw_scene(seed + number, f"{number + 1}/{len(pages)}", size=(1280, 720))
        draw = ImageDraw.Draw(slide)
        draw.rectangle((60, 160, 1220, 480), fill="#ffffff")
        draw.text((90, 190), title[:40], font=_font(56), fill="#0b0c0c")
        draw.text((90, 300), line[:60], font=_font(32), fill="#0b0c0c")
        slides.append(slide)
    buffer = io.BytesIO()
    slides[0].save(buffer, format="PDF", save_all=True, append_images=slides[1:], resolution=96)
    return ContentFile(buffer.getvalue(), name=f"demo-deck-{seed}.pdf")
