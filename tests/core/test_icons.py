"""The favicon, app icons and manifest that every page links are there and the right size."""

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from PIL import Image

BASE = Path(__file__).resolve().parents[2] / "src/hubbub/core/templates/base.html"


def test_every_icon_base_html_links_exists():
    linked = re.findall(r"{% static '([^']+)' %}", BASE.read_text())
    assert "hubbub/icons/favicon.svg" in linked and "hubbub/manifest.webmanifest" in linked
    for path in linked:
        assert finders.find(path), path


def test_the_manifests_icons_exist_at_their_stated_sizes():
    manifest_path = Path(finders.find("hubbub/manifest.webmanifest"))
    manifest = json.loads(manifest_path.read_text())
    for icon in manifest["icons"]:
        file = manifest_path.parent / icon["src"]
        assert file.exists(), icon["src"]
        if icon["type"] == "image/png":
            width, height = (int(n) for n in icon["sizes"].split("x"))
            with Image.open(file) as image:
                assert image.size == (width, height)


def test_the_apple_touch_icon_is_180_pixels_square():
    with Image.open(finders.find("hubbub/icons/apple-touch-icon.png")) as image:
        assert image.size == (180, 180)
