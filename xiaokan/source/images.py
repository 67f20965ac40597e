"""Photos beside an article: smaller copies for the web (srcset), the original for the PDF.

A phone on a slow connection should not download a 4000-pixel photo to show it 375 pixels wide.
The web page offers copies 480, 960 and 1440 pixels wide and lets the browser choose; the PDF keeps
the original at print resolution. Copies are made once and kept in .cache/images/, by the
photo's path, size and modification time.
"""
from __future__ import annotations

import hashlib
import os
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..core.i18n import _
from ..core.reasons import explain_exception

WIDTHS = (480, 960, 1440)
RESIZABLE = {".jpg", ".jpeg", ".png", ".webp"}
FOLDER = "_resized"          # output/_resized/<issue>/<name>-480w.jpg: no issue's name starts with _,
                             # so no editor's file can take the name of a copy
SIZES = "(max-width: 42rem) 100vw, 40rem"   # the article column: full width on phones, 40rem on desktops


# Types browsers show. HEIC (iPhone), TIFF and BMP are not among them: they are refused with a hint.
WEB_IMAGES = RESIZABLE | {".gif", ".svg", ".avif"}
# A 200-megapixel phone photo is a real photo; Pillow's own guard (89 MP) would call it an attack.
MAX_PIXELS = 260_000_000


class ImageError(Exception):
    """A photo that cannot be shown: what is wrong and what to do."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class ImagePlan:
    width: int
    height: int
    variants: tuple[tuple[int, str], ...]   # (width, path relative to the issue folder: ../_resized/<issue>/…)


def plan_image(folder: Path, src: str) -> ImagePlan | None:
    """Size of the image and the copies the web gets; None when it is not a photo we resize (SVG, GIF)
    or is missing (the reference check reports that). ImageError for a photo that is damaged, is
    not a picture, is too large, or is of a type browsers cannot show."""
    path = folder / src
    stem = PurePosixPath(src)
    suffix = path.suffix.lower()
    if ".." in stem.parts or stem.is_absolute() or not path.is_file():
        return None
    if suffix not in WEB_IMAGES:
        raise ImageError(_('browsers cannot show {value} pictures').format(value=suffix) if suffix else
                         _('the picture has no file type at the end of its name (.jpg, .png)'),
                         _("open the photo and save it as JPEG or PNG (an iPhone's HEIC photo too), then link that file"))
    if suffix not in RESIZABLE:
        return None
    width, height = inspect_photo(path)
    variants = tuple((w, f"../{FOLDER}/{folder.name}/{stem.parent / stem.stem}-{w}w{suffix}") for w in WIDTHS if w < width)
    return ImagePlan(width, height, variants)


@contextmanager
def strict_pillow():
    """Pillow reading as a check must: a truncated file is an error, not a picture with a grey end
    (WeasyPrint, once imported, sets ImageFile.LOAD_TRUNCATED_IMAGES for the whole process), and its
    English warnings about damaged data are not printed (the caller says what is wrong, in Chinese)."""
    from PIL import ImageFile

    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def inspect_photo(path: Path) -> tuple[int, int]:
    """The photo's displayed size, after decoding all of it once (a truncated file fails here, not in
    the reader's browser or in the PDF). JPEGs are decoded at a reduced scale, which is quick."""
    from PIL import Image, UnidentifiedImageError  # (imported only for articles with photos)

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with strict_pillow(), Image.open(path) as image:
            size = _upright(image)
            if image.width * image.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            if image.format == "JPEG":
                image.draft("RGB", (image.width // 8 or 1, image.height // 8 or 1))
            image.load()
    except Image.DecompressionBombError:
        raise ImageError(_('the photo is too large to publish (over {value} million pixels)').format(value=MAX_PIXELS // 1000000),
                         _('save a smaller copy, e.g. 6000 pixels on its long side')) from None
    except UnidentifiedImageError:
        raise ImageError(_('the file is not a picture (or of a kind that cannot be read)'),
                         _('open it and save it again as JPEG or PNG')) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(_('the photo is damaged and cannot be read ({reason})').format(reason=explain_exception(exc)),
                         _('copy the photo again from its original, or save it again as JPEG')) from None
    return size


def _upright(image) -> tuple[int, int]:
    """Width and height as displayed: phone photos are often stored sideways with an EXIF rotation."""
    orientation = image.getexif().get(0x0112, 1)
    return (image.height, image.width) if orientation in (5, 6, 7, 8) else image.size


def copy_path(source: Path, width: int, cache_dir: Path) -> Path:
    """Where the copy of this version of the photo at this width is cached (by its issue folder and name,
    size and mtime, so that deciding needs no reading of the photo, and a moved project keeps its copies)."""
    stat = source.stat()
    place = "/".join(Path(os.path.normpath(source)).parts[-2:])
    key = hashlib.sha256(f"{place}\0{stat.st_size}\0{stat.st_mtime_ns}\0{width}".encode()).hexdigest()
    return cache_dir / f"{key[:32]}{source.suffix.lower()}"


def make_copy(source: Path, width: int, target: Path) -> Path:
    """Write target: source `width` pixels wide, upright."""
    from PIL import Image, ImageOps

    target.parent.mkdir(parents=True, exist_ok=True)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with Image.open(source) as image:
        if image.format == "JPEG":   # decode at the smallest scale that still covers the copy
            image.draft("RGB", (width * 2, max(1, round(width * 2 * image.height / image.width))))
        image = ImageOps.exif_transpose(image)
        height = max(1, round(image.height * width / image.width))   # (a 6000 × 1 strip: not 0 pixels high)
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
