"""Peak memory of cleaning one uploaded photo (``core.images.clean_photo``), per kind of file.

    .venv/bin/python bench/image_memory.py [--cases png-13000,png-40mp,jpeg-40mp] [--at-once N]

Each case runs in a fresh process: the file is written first, then the process's maximum
resident set size is read before and after cleaning it (RSS counts Pillow's C buffers, which
tracemalloc would miss). The cases are the attack (a 0.5 MB PNG declaring 13,000 × 13,000
pixels) and honest photos just under the default 40-megapixel limit. Each line gives the
outcome (stored size, or the error the uploader sees) and the peak growth during cleaning.
With ``--at-once N``, N threads clean a copy each at the same moment, as N uploads arriving
together in one server process would.
"""

import argparse
import io
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("HUBBUB_VAR_DIR", tempfile.mkdtemp(prefix="hubbub-bench-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
os.environ.pop("DATABASE_URL", None)

CASES = {
    # name: (format, width, height)
    "png-13000": ("png", 13000, 13000),
    "png-40mp": ("png", 7300, 5470),
    "jpeg-40mp": ("jpeg", 7300, 5470),
}


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def flat_png(width: int, height: int) -> bytes:
    """An RGB PNG of one colour, compressed row by row so that writing it needs little memory."""
    row = b"\x00" + b"\x40\x80\xc0" * width
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def gradient_jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def write_case(name: str, directory: Path) -> Path:
    kind, width, height = CASES[name]
    data = flat_png(width, height) if kind == "png" else gradient_jpeg(width, height)
    path = directory / f"{name}.{kind}"
    path.write_bytes(data)
    return path


def measure(path: Path, at_once: int) -> None:
    """In a fresh process: clean the file (``at_once`` copies together); print RSS growth."""
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hubbub.core.images import clean_photo

    data = path.read_bytes()
    uploads = [SimpleUploadedFile(path.name, data) for _ in range(at_once)]

    def clean(upload) -> str:
        try:
            photo = clean_photo(upload, field="photos")
        except ValidationError as exc:
            return "refused: " + " ".join(exc.messages)
        return f"stored {photo.width}x{photo.height}, {len(photo.file.read()) // 1024} KB"

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with ThreadPoolExecutor(at_once) as pool:
        outcome = next(iter(pool.map(clean, uploads)))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"{path.name} x{at_once}: {path.stat().st_size // 1024} KB file; {outcome}; "
        f"{seconds:.2f} s; peak RSS +{(peak - before) / 1024:.0f} MB "
        f"({before / 1024:.0f} MB before cleaning)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--at-once", type=int, default=1)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--write", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(Path(args.measure), args.at_once)
        return
    if args.write:
        write_case(args.write[0], Path(args.write[1]))
        return
    # Writing and cleaning each run in processes of their own: a child inherits its parent's
    # peak RSS, so a parent that had built a large image would hide the child's figure.
    with tempfile.TemporaryDirectory(prefix="hubbub-images-") as directory:
        for name in args.cases.split(","):
            run = [sys.executable, __file__]
            subprocess.run([*run, "--write", name, directory], check=True, timeout=600)
            path = Path(directory) / f"{name}.{CASES[name][0]}"
            measuring = [*run, "--measure", str(path), "--at-once", str(args.at_once)]
            subprocess.run(measuring, check=True, timeout=600)


if __name__ == "__main__":
    main()
