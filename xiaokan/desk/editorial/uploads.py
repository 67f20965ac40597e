"""Files editors upload: photos and CSV tables saved beside an article, Word files staged for import.
Each is checked by what it contains (not by its name), kept under a size limit, and given a safe,
readable name; a photo is checked at once as the build will check it."""
from __future__ import annotations

import csv
import io
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ...core.errors import ContentError
from ...core.i18n import _
from ...source.images import ImageError, inspect_photo
from ...source.slugs import slug_from_filename
from .articles import existing, write_atomic
from .paths import kept_name, safe_name, unique_name

MB = 1024 * 1024
LIMITS = {"photo": 25 * MB, "csv": 2 * MB, "docx": 40 * MB}
MAX_UNZIPPED = 400 * MB   # a .docx that unpacks to more than this is not a newsletter article
STAGING = Path(".desk") / "uploads"
STAGED_HOURS = 1          # a Word file staged and not imported within this long is removed
SMALL_FOR_PRINT = 1200    # pixels: a photo narrower than this prints soft at more than a third of a page


@dataclass(frozen=True)
class Saved:
    name: str                # the file's name beside the article
    notes: tuple[str, ...]   # what the editor should know (a small photo)


def too_large(kind: str, size: int) -> ContentError | None:
    if size <= LIMITS[kind]:
        return None
    return ContentError(None, None, _('the file is too large ({size} MB; at most {limit} MB)').format(
        size=round(size / MB, 1), limit=LIMITS[kind] // MB), _('save a smaller copy and upload that'))


def image_suffix(data: bytes) -> str | None:
    """The suffix a picture's first bytes say it is: JPEG, PNG, GIF or WebP; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return None


def save_photo(root: Path, rel: str, name: str, data: bytes) -> Saved:
    """The photo beside the article (which must exist), named after it (<article>-1.jpg, -2 …), checked as
    the build checks it."""
    path = existing(root, rel)
    _limit("photo", data)
    suffix = image_suffix(data)
    if suffix is None:
        raise ContentError(None, None, _('{name!r} is not a JPEG, PNG, WebP or GIF picture').format(name=name),
                           _("open the photo and save it as JPEG or PNG (an iPhone's HEIC photo too), then choose that file here"))
    stem = slug_from_filename(path.stem) or "photo"
    n = 1
    while (path.parent / f"{stem}-{n}{suffix}").exists():
        n += 1
    target = path.parent / f"{stem}-{n}{suffix}"
    write_atomic(target, data)
    try:
        width, _height = inspect_photo(target)
    except ImageError as exc:
        target.unlink(missing_ok=True)
        raise ContentError(None, None, exc.message, exc.hint) from None
    notes = ((_('the photo is {width} pixels wide: sharp on the web, but soft in print if shown large').format(width=width),)
             if width < SMALL_FOR_PRINT else ())
    return Saved(target.name, notes)


def save_csv(root: Path, rel: str, name: str, data: bytes) -> Saved:
    """A table as CSV beside the article (which must exist; Excel's CSV UTF-8 or its GBK CSV), for the 表格 shortcode."""
    path = existing(root, rel)
    _limit("csv", data)
    text = _csv_text(data, name)
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        raise ContentError(None, None, _('{name!r} has no rows').format(name=name), _('save the table from Excel as CSV'))
    target = path.parent / unique_name(path.parent, safe_name(name, ".csv"))
    write_atomic(target, data)
    return Saved(target.name, ())


def stage_docx(root: Path, name: str, data: bytes) -> Path:
    """A Word file kept in .desk/uploads/ until the import job reads it (staged files never imported are
    removed after STAGED_HOURS, when the next is staged)."""
    remove_stale_uploads(root)
    _limit("docx", data)
    if not is_docx(data):
        raise ContentError(None, None, _('{name!r} is not a Word file (.docx)').format(name=name),
                           _("open it in Word or WPS and save it as .docx (文件 → 另存为 → Word 文档)"))
    folder = root / STAGING / secrets.token_hex(8)
    folder.mkdir(parents=True)
    target = folder / kept_name(name, ".docx")
    write_atomic(target, data)
    return target


def remove_stale_uploads(root: Path, now: float | None = None) -> list[str]:
    """Remove what was staged more than STAGED_HOURS ago and never imported (a closed tab, an import
    cancelled after the upload); the names removed."""
    folder = root / STAGING
    limit = (time.time() if now is None else now) - STAGED_HOURS * 3600
    removed = []
    for staged in sorted(folder.iterdir()) if folder.is_dir() else []:
        try:
            if staged.lstat().st_mtime < limit:
                shutil.rmtree(staged) if staged.is_dir() and not staged.is_symlink() else staged.unlink()
                removed.append(staged.name)
        except OSError:   # (removed meanwhile by the import job)
            continue
    return removed


def is_docx(data: bytes) -> bool:
    """A zip with word/document.xml in it, of a sane unpacked size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            return any(i.filename == "word/document.xml" for i in infos) and sum(i.file_size for i in infos) < MAX_UNZIPPED
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _csv_text(data: bytes, name: str) -> str:
    if b"\0" in data:
        raise ContentError(None, None, _('{name!r} is not a CSV text file').format(name=name),
                           _('in Excel: 另存为 → CSV UTF-8'))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ContentError(None, None, _('{name!r} is not a CSV text file').format(name=name), _('in Excel: 另存为 → CSV UTF-8'))


def _limit(kind: str, data: bytes) -> None:
    problem = too_large(kind, len(data))
    if problem is not None:
        raise problem
