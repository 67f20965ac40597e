"""Photos beside an article: smaller copies for the web (srcset), the original for the PDF.

A phone on a slow connection should not download a 4000-pixel photo to show it 375 pixels wide.
The web page offers copies 480, 960 and 1440 pixels wide and lets the browser choose; the PDF keeps
the original at print resolution. Copies are made once and kept in .cache/images/, by the
photo's path, size and modification time.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

WIDTHS = (480, 960, 1440)
RESIZABLE = {".jpg", ".jpeg", ".png", ".webp"}
FOLDER = "_resized"          # output/<issue>/_resized/<name>-480w.jpg
SIZES = "(max-width: 42rem) 100vw, 40rem"   # the article column: full width on phones, 40rem on desktops


@dataclass(frozen=True)
class ImagePlan:
    width: int
    height: int
    variants: tuple[tuple[int, str], ...]   # (width, path relative to the issue folder)


def plan_image(folder: Path, src: str) -> ImagePlan | None:
    """Size of the image and the copies the web gets; None when it is not a photo we resize (SVG, GIF,
    missing or unreadable files are left as they are; the reference check reports missing ones)."""
    path = folder / src
    stem = PurePosixPath(src)
    if path.suffix.lower() not in RESIZABLE or ".." in stem.parts or stem.is_absolute() or not path.is_file():
        return None
    from PIL import Image, UnidentifiedImageError   # (imported only for articles with photos)

    try:
        with Image.open(path) as image:   # reads the header only
            width, height = _upright(image)
    except (OSError, UnidentifiedImageError):
        return None
    variants = tuple((w, f"{FOLDER}/{stem.parent / stem.stem}-{w}w{stem.suffix.lower()}")
                     for w in WIDTHS if w < width)
    return ImagePlan(width, height, variants)


def _upright(image) -> tuple[int, int]:
    """Width and height as displayed: phone photos are often stored sideways with an EXIF rotation."""
    orientation = image.getexif().get(0x0112, 1)
    return (image.height, image.width) if orientation in (5, 6, 7, 8) else image.size


def copy_path(source: Path, width: int, cache_dir: Path) -> Path:
    """Where the copy of this version of the photo at this width is cached (by path, size and mtime,
    so that deciding needs no reading of the photo)."""
    stat = source.stat()
    key = hashlib.sha256(f"{source.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{width}".encode()).hexdigest()
    return cache_dir / f"{key[:32]}{source.suffix.lower()}"


def make_copy(source: Path, width: int, target: Path) -> Path:
    """Write target: source `width` pixels wide, upright."""
    from PIL import Image, ImageOps

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as image:
        image = ImageOps.exif_transpose(image)
        height = round(image.height * width / image.width)
        image = image.resize((width, height), Image.Resampling.LANCZOS)
        partial = target.with_suffix(".part" + target.suffix)
        if target.suffix in (".jpg", ".jpeg"):
            image.convert("RGB").save(partial, "JPEG", quality=82, optimize=True, progressive=True)
        elif target.suffix == ".png":
            image.save(partial, "PNG", optimize=True)
        else:
            image.save(partial, "WEBP", quality=82)
    partial.replace(target)   # never a half-written file in the cache
    return target
