"""Colour contrast (WCAG 2.2): pick a readable text colour for any brand colour.

An event's brand colour fills its header. The text on it is whichever of white or the site's
near-black reads better; a colour on which neither reaches ``MIN_TEXT_CONTRAST`` (a narrow band
of mid-tones) is refused where it is set, with the nearest darker and lighter colours that
work suggested in the message.
"""

import re

WHITE = "#ffffff"
NEAR_BLACK = "#0b0c0c"
MIN_TEXT_CONTRAST = 4.5
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


def is_hex_colour(colour: str) -> bool:
    return bool(_HEX.match(colour or ""))


def _linear(channel: int) -> float:
    value = channel / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The WCAG relative luminance of ``colour`` (#RRGGBB), from 0 (black) to 1 (white)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(red) + 0.7152 * _linear(green) + 0.0722 * _linear(blue)


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(background: str) -> str:
    """White or near-black: whichever has the higher contrast on ``background``."""
    if not is_hex_colour(background):
        return WHITE
    on_white = contrast_ratio(background, WHITE)
    on_black = contrast_ratio(background, NEAR_BLACK)
    return WHITE if on_white >= on_black else NEAR_BLACK


def best_text_contrast(background: str) -> float:
    """The contrast of the text colour ``text_colour_on`` picks for ``background``."""
    return contrast_ratio(background, text_colour_on(background))


def is_accessible_brand_colour(colour: str) -> bool:
    return is_hex_colour(colour) and best_text_contrast(colour) >= MIN_TEXT_CONTRAST


def _scaled(colour: str, factor: float) -> str:
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    if factor < 1:
        channels = [round(c * factor) for c in channels]
    else:
        channels = [round(255 - (255 - c) * (2 - factor)) for c in channels]
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in channels)


def nearest_accessible(colour: str) -> tuple[str, str]:
    """The nearest darker and lighter shades of ``colour`` that pass, for a helpful message."""
    darker = lighter = colour
    for step in range(1, 101):
        darker = _scaled(colour, 1 - step / 100)
        if is_accessible_brand_colour(darker):
            break
    for step in range(1, 101):
        lighter = _scaled(colour, 1 + step / 100)
        if is_accessible_brand_colour(lighter):
            break
    return darker, lighter
