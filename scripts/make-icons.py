"""Draws hubbub's favicon and app icons (a speech bubble with three dots) with Pillow.

Run after changing the mark: `.venv/bin/python scripts/make-icons.py`. The SVG favicon beside
them is hand-written to the same geometry (a 24-unit grid).
"""

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "src/hubbub/core/static/hubbub/icons"
BACKGROUND = (11, 12, 12, 255)
MARK = (255, 255, 255, 255)
BRAND = (29, 112, 184, 255)


def draw(size: int, *, padding: float) -> Image.Image:
    scale = 4  # draw large, then shrink: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), BACKGROUND)
    pen = ImageDraw.Draw(image)
    unit = big * (1 - 2 * padding) / 24
    ox = oy = big * padding

    def xy(x: float, y: float) -> tuple[float, float]:
        return ox + x * unit, oy + y * unit

    pen.rounded_rectangle([*xy(2, 3), *xy(22, 17)], radius=2 * unit, fill=MARK)
    pen.polygon([xy(8, 16), xy(13, 16), xy(8, 21)], fill=MARK)
    for cx in (8, 12, 16):
        pen.ellipse([*xy(cx - 1.6, 8.4), *xy(cx + 1.6, 11.6)], fill=BACKGROUND)
    pen.rectangle([*xy(2, 22.2), *xy(22, 23.4)], fill=BRAND)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, padding in [
        ("favicon-32.png", 32, 0.0),
        ("apple-touch-icon.png", 180, 0.12),
        ("icon-192.png", 192, 0.12),
        ("icon-512.png", 512, 0.12),
        ("icon-maskable-512.png", 512, 0.2),
    ]:
        draw(size, padding=padding).save(OUT / name, optimize=True)
    draw(64, padding=0.0).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])


if __name__ == "__main__":
    main()
