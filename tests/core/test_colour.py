"""Text on a brand colour: white or near-black, whichever keeps WCAG AA contrast."""

import pytest

from hubbub.core.colour import (
    NEAR_BLACK,
    WHITE,
    best_text_contrast,
    contrast_ratio,
    is_accessible_brand_colour,
    nearest_accessible,
    text_colour_on,
)


def test_contrast_ratio_matches_the_wcag_examples():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#1d70b8", WHITE),
        ("#0b0c0c", WHITE),
        ("#4c2c92", WHITE),
        ("#ffdd00", NEAR_BLACK),
        ("#ffffff", NEAR_BLACK),
        ("#f47738", NEAR_BLACK),
    ],
)
def test_text_colour_is_the_readable_one(background, text):
    assert text_colour_on(background) == text
    assert best_text_contrast(background) >= 4.5


def test_every_colour_in_a_coarse_sweep_is_either_readable_or_refused():
    steps = range(0, 256, 15)
    for red in steps:
        for green in steps:
            for blue in steps:
                colour = f"#{red:02x}{green:02x}{blue:02x}"
                readable = best_text_contrast(colour) >= 4.5
                assert readable == is_accessible_brand_colour(colour), colour


def test_a_mid_tone_is_refused_and_its_suggestions_pass():
    assert not is_accessible_brand_colour("#777777")
    darker, lighter = nearest_accessible("#777777")
    assert is_accessible_brand_colour(darker) and is_accessible_brand_colour(lighter)
    assert darker == "#767676"


def test_anything_but_a_hex_colour_is_not_accessible():
    assert not is_accessible_brand_colour("yellow")
    assert not is_accessible_brand_colour("#fff")
    assert text_colour_on("javascript:") == WHITE
