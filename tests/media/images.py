"""Image files built for the tests: metadata-laden phone photos, huge-dimension small files."""

import io
import struct
import zlib

from PIL import Image

GPS = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
COMMENT = b"hubbub-secret-comment: taken at 12 Acacia Avenue"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="hubbub-secret-xmp"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
IPTC_CAPTION = b"hubbub-secret-iptc"
# Text that may appear in no stored file.
SECRETS = [COMMENT, b"hubbub-secret-xmp", IPTC_CAPTION, b"Exif\x00\x00", b"ICC_PROFILE"]


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def linear_srgb_profile() -> bytes:
    """An ICC v2 RGB profile with sRGB's primaries and a linear (gamma 1) tone curve.

    Mid-grey 128 in this profile is about 188 in sRGB, so a copy that drops the profile
    without converting the pixels comes out visibly darker.
    """

    def xyz(x, y, z):
        return b"XYZ \x00\x00\x00\x00" + _s15(x) + _s15(y) + _s15(z)

    description = b"linear sRGB\x00"
    tags = [
        (b"desc", b"desc\x00\x00\x00\x00" + struct.pack(">I", len(description)) + description
         + b"\x00" * 4 + b"\x00" * 4 + b"\x00\x00\x00" + b"\x00" * 67),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", b"curv\x00\x00\x00\x00\x00\x00\x00\x00"),
        (b"gTRC", b"curv\x00\x00\x00\x00\x00\x00\x00\x00"),
        (b"bTRC", b"curv\x00\x00\x00\x00\x00\x00\x00\x00"),
        (b"cprt", b"text\x00\x00\x00\x00none\x00"),
    ]  # fmt: skip
    table, data = b"", b""
    offset = 128 + 4 + 12 * len(tags)
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + b"\x00" * (-len(body) % 4)
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"\x00" * 4
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + b"\x00" * 12
        + b"acsp"
        + b"\x00" * 24
        + struct.pack(">I", 0)
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\x00" * 48
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def phone_jpeg(size=(600, 400), colour=(128, 128, 128), icc: bytes | None = None) -> bytes:
    """A JPEG with EXIF (GPS and orientation), XMP, IPTC, a comment and optionally ICC."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to display
    exif[0x8825] = GPS
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    Image.new("RGB", size, colour).save(
        out, "JPEG", exif=exif, comment=COMMENT, xmp=XMP, quality=95, **extra
    )
    data = out.getvalue()
    # IPTC travels in a Photoshop APP13 segment, which Pillow does not write itself.
    iptc = b"\x1c\x02\x78" + struct.pack(">H", len(IPTC_CAPTION)) + IPTC_CAPTION
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    app13 = _segment(0xED, b"Photoshop 3.0\x00" + resource)
    return data[:2] + app13 + data[2:]


def metadata_png(icc: bytes | None = None) -> bytes:
    """A PNG with transparency and text, EXIF and (optionally) ICC chunks."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", COMMENT.decode())
    info.add_text("XML:com.adobe.xmp", XMP.decode(), zip=True)
    exif = Image.Exif()
    exif[0x8825] = GPS
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    Image.new("RGBA", (300, 200), (20, 120, 200, 128)).save(
        out, "PNG", pnginfo=info, exif=exif, **extra
    )
    return out.getvalue()


def jpeg_segments(data: bytes) -> list[int]:
    """The marker of every segment before the image data (0xE0 for APP0, 0xFE for COM, …)."""
    assert data[:2] == b"\xff\xd8", "not a JPEG"
    markers, position = [], 2
    while position < len(data):
        assert data[position] == 0xFF, f"bad segment at {position}"
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: only image data follows
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        markers.append(marker)
        position += 2 + length
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def huge_png(width: int = 13000, height: int = 13000) -> bytes:
    """A valid black-and-white PNG of ``width`` × ``height`` pixels in a file of about 20 KB."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", pixels)
        + _png_chunk(b"IEND", b"")
    )


def huge_jpeg(width: int = 13000, height: int = 13000) -> bytes:
    """A small JPEG whose frame header says ``width`` × ``height``: a decoder believes it."""
    out = io.BytesIO()
    Image.new("L", (16, 16), 0).save(out, "JPEG")
    data = bytearray(out.getvalue())
    position = 2
    while data[position + 1] not in (0xC0, 0xC1, 0xC2):
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    data[position + 5 : position + 9] = struct.pack(">HH", height, width)
    return bytes(data)
