"""Photos from phones and browsers: checked by content, bounded in pixels, stripped of metadata.

Every uploaded image (live entry photos, gallery photos, blog covers) goes through
``clean_photo``. A small file can declare an enormous image (a 0.5 MB PNG of 13,000 × 13,000
pixels takes 1.3 GB to decode), so the pixel count is checked from the header before anything
is decoded, and JPEGs are decoded at a reduced scale. The copy that is stored is re-encoded
from pixels alone: no EXIF (so no GPS position), XMP, IPTC, comments or text chunks survive,
and a colour profile is applied (converted to sRGB) rather than carried along.
"""

import io
import threading
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_EDGE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}
_ALPHA_FORMATS = {"PNG", "WEBP", "GIF"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# One decode at a time in each process: several uploads arriving together wait their turn
# instead of each holding a full-size image in memory.
_decoding = threading.Lock()


@dataclass
class CleanImage:
    file: ContentFile
    width: int
    height: int
    thumbnail: ContentFile | None = None


def _unreadable(field: str) -> ValidationError:
    return ValidationError(
        {field: _("That file is not a photo we can read (JPEG, PNG, WebP or GIF).")}
    )


def _too_many_pixels(field: str, size: tuple[int, int] | None = None) -> ValidationError:
    limit = f"{settings.HUBBUB_IMAGE_MAX_PIXELS / 1_000_000:g}"
    if size is None:
        message = _("The photo has too many pixels; the limit is %(limit)s megapixels.") % {
            "limit": limit
        }
    else:
        message = _(
            "The photo is %(width)s × %(height)s pixels; the limit is %(limit)s megapixels. "
            "Make it smaller and upload it again."
        ) % {"width": size[0], "height": size[1], "limit": limit}
    return ValidationError({field: message})


def check_image_header(upload, *, field: str = "image") -> tuple[str, int, int]:
    """The image's format and size read from its header alone, or ValidationError on ``field``.

    Nothing is decoded: this refuses a wrong type, an oversized file or too many pixels for
    the cost of reading a few bytes, so every file of a request can be checked first.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > settings.HUBBUB_MAX_PHOTO_BYTES:
        raise ValidationError(
            {field: _("The photo is larger than %(limit)s MB.")
             % {"limit": f"{settings.HUBBUB_MAX_PHOTO_BYTES / (1024 * 1024):.0f}"}}
        )  # fmt: skip
    upload.seek(0)
    try:
        with Image.open(upload) as probe:
            kind, (width, height) = probe.format, probe.size
            if kind not in ACCEPTED_FORMATS:
                raise ValidationError({field: _("Upload a JPEG, PNG, WebP or GIF photo.")})
            if width * height > settings.HUBBUB_IMAGE_MAX_PIXELS:
                raise _too_many_pixels(field, (width, height))
            probe.verify()  # chunk checksums and structure, still without decoding
    except Image.DecompressionBombError:
        # Pillow's own guard fires while opening when the setting is raised past its limit.
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _unreadable(field) from None
    finally:
        upload.seek(0)
    return kind, width, height


def clean_photo(
    upload, *, field: str = "image", max_edge: int = MAX_EDGE, thumbnail_edge: int | None = None
) -> CleanImage:
    """A re-encoded copy of ``upload`` (and a thumbnail if asked) with no metadata.

    Raises ValidationError on ``field`` for anything that is not a readable photo within the
    byte and pixel limits; nothing is decoded before those checks pass.
    """
    kind, _width, _height = check_image_header(upload, field=field)
    try:
        with _decoding, Image.open(upload) as original:
            profile = original.info.get("icc_profile")
            image = _decode_reduced(original, max_edge)
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _unreadable(field) from None
    finally:
        upload.seek(0)
    keep_alpha = kind in _ALPHA_FORMATS and image.mode in {"RGBA", "LA", "PA"}
    image = _to_srgb(image, profile, keep_alpha)
    name, data = _encode(image, keep_alpha)
    thumbnail = None
    if thumbnail_edge is not None:
        small = image.copy()
        small.thumbnail((thumbnail_edge, thumbnail_edge))
        thumbnail = ContentFile(_encode(_flatten(small), False)[1], name="thumb.jpg")
    return CleanImage(
        file=ContentFile(data, name=name),
        width=image.width,
        height=image.height,
        thumbnail=thumbnail,
    )


def _decode_reduced(original: Image.Image, max_edge: int) -> Image.Image:
    """The first frame, at most ``max_edge`` on its long side, turned upright.

    The JPEG decoder scales by 1/2, 1/4 or 1/8 while decoding (``draft``); other formats are
    decoded once at full size (bounded by the pixel limit) and shrunk with ``reduce`` straight
    after (inside ``thumbnail``). The EXIF orientation is applied to the small copy, not the
    full-size one.
    """
    image = original
    if image.format in {"JPEG", "MPO"}:
        # Decode at 1/2, 1/4 or 1/8 scale, keeping at least twice the final size for quality.
        # (``thumbnail`` would ask for a square box, which a landscape photo never scales into.)
        scale = min(1.0, max_edge / max(image.size))
        image.draft(None, (round(image.width * scale * 2), round(image.height * scale * 2)))
    if image.mode in {"P", "PA", "1"}:
        # Palette images shrink badly (nearest neighbour only); bounded by the pixel limit.
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.thumbnail((max_edge, max_edge))
    upright = ImageOps.exif_transpose(image)
    upright.info = {}
    return upright


def _to_srgb(image: Image.Image, profile: bytes | None, keep_alpha: bool) -> Image.Image:
    """RGB or RGBA pixels in sRGB: an embedded profile (Display P3 from phones, CMYK from print
    work) is applied, so colours stay right once the profile itself is dropped."""
    mode = "RGBA" if keep_alpha else "RGB"
    if profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            input_mode = image.mode if image.mode in {"RGB", "RGBA", "CMYK", "L"} else None
            if input_mode is not None:
                if keep_alpha and input_mode != "RGBA":
                    image = image.convert("RGBA")
                elif not keep_alpha and input_mode == "RGBA":
                    image = image.convert("RGB")
                converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode=mode)
                if converted is not None:
                    converted.info = {}
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a damaged or unusual profile: fall back to treating the pixels as sRGB
    converted = image.convert(mode)
    converted.info = {}
    return converted


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent areas on white, for a JPEG copy."""
    if image.mode != "RGBA":
        return image.convert("RGB")
    background = Image.new("RGB", image.size, "white")
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image, keep_alpha: bool) -> tuple[str, bytes]:
    """PNG for images with transparency, JPEG otherwise; ``info`` is empty, so no metadata
    (not even a JPEG comment, which Pillow would otherwise copy) is written."""
    image.info = {}
    out = io.BytesIO()
    if keep_alpha:
        image.save(out, "PNG", optimize=True)
        return "photo.png", out.getvalue()
    image.save(out, "JPEG", quality=85, optimize=True)
    return "photo.jpg", out.getvalue()
