"""Photos from phones: checked by content, bounded in size, EXIF removed, orientation applied."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_EDGE = 1600
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


@dataclass
class CleanImage:
    file: ContentFile
    width: int
    height: int


def clean_photo(upload, *, field: str = "image", max_edge: int = MAX_EDGE) -> CleanImage:
    """Return a re-encoded copy of ``upload`` with no metadata, or raise ValidationError.

    Re-encoding drops EXIF (including GPS position) and any payload hidden in the file.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("The photo is larger than 20 MB.")})
    try:
        with Image.open(upload) as probe:
            kind = probe.format
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as original:
            if kind not in ACCEPTED_FORMATS:
                raise ValidationError({field: _("Upload a JPEG, PNG, WebP or GIF photo.")})
            image = ImageOps.exif_transpose(original)
            image.thumbnail((max_edge, max_edge))
            has_alpha = image.mode in {"RGBA", "LA", "P"} and kind in {"PNG", "WEBP", "GIF"}
            out = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(out, "PNG", optimize=True)
                extension = "png"
            else:
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
                extension = "jpg"
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            {field: _("That file is not a photo we can read (JPEG, PNG, WebP or GIF).")}
        ) from None
    return CleanImage(
        file=ContentFile(out.getvalue(), name=f"photo.{extension}"),
        width=image.width,
        height=image.height,
    )
