"""What a library's exception means, said in the editor's words (through the catalogue, as every
message). Word files, photos, CSV tables and the disk are read by zipfile, zlib, Pillow, expat, csv
and the operating system, whose own messages are English ("File is not a zip file", "Bad CRC-32 for
file 'word/document.xml'", "broken PNG file (chunk b'IDAT')", "could not create decoder object"):
wherever one is caught to be shown, `explain_exception(exc)` gives the sentence to show instead.

The desk's uploads (desk/editorial/uploads.py) and anything else that catches these calls it too, so
that the same fault reads the same everywhere."""
from __future__ import annotations

import csv
import errno
import re
import zipfile
import zlib
from xml.parsers import expat

from .i18n import _


def explain_exception(exc: BaseException) -> str:
    """One clause (no full stop) saying what went wrong, never the library's own English; a fault
    nobody foresaw is named by its kind, for whoever reports it."""
    for kind, explain in _EXPLAINERS:
        if isinstance(exc, kind):
            said = explain(exc)
            if said:
                return said
    return _("an unexpected problem ({kind})").format(kind=type(exc).__name__)


def _zip(exc: BaseException) -> str:
    text = str(exc)
    damaged = re.match(r"Bad CRC-32 for file '(.+)'", text)
    if damaged:
        return _("the part {part} inside the file is damaged (its checksum does not match)").format(part=damaged.group(1))
    if "not a zip file" in text:
        return _("it is not a complete .docx (zip) file: it is damaged, cut off, or another kind of file renamed")
    if "Overlapped entries" in text or "overlap" in text:
        return _("the parts inside the file overlap: it is damaged or made to attack")
    return _("the file is damaged: its parts cannot be unpacked")


def _pillow(exc: BaseException) -> str | None:
    """Pillow's errors, told by their module (Pillow is imported only where photos are read)."""
    if not type(exc).__module__.startswith("PIL"):
        return None
    if type(exc).__name__ == "DecompressionBombError":
        return _("the picture has far too many pixels to be opened safely")
    if type(exc).__name__ == "UnidentifiedImageError":
        return _("the file is not a picture, or a kind of picture that cannot be read")
    return _("the picture's data is damaged or cut off")


def _picture_data(exc: BaseException) -> str | None:
    """Pillow raises plain OSError, SyntaxError and struct.error for damaged data ("broken PNG file",
    "image file is truncated", "could not create decoder object", "not a PNG file")."""
    text = str(exc)
    if re.search(r"PNG|JPEG|image file|decoder|decoding|truncated|chunk|cannot identify|Truncated File Read", text):
        return _("the picture's data is damaged or cut off")
    return None


_ERRNO = {
    errno.ENOENT: lambda: _("the file or folder does not exist (moved, renamed or deleted?)"),
    errno.EACCES: lambda: _("there is no permission to read or write it"),
    errno.EPERM: lambda: _("there is no permission to read or write it"),
    errno.ENOSPC: lambda: _("the disk is full"),
    errno.EDQUOT: lambda: _("the disk quota is used up"),
    errno.EROFS: lambda: _("the disk is read-only"),
    errno.EISDIR: lambda: _("it is a folder, not a file"),
    errno.ENOTDIR: lambda: _("a part of its path is a file, not a folder"),
    errno.ENAMETOOLONG: lambda: _("its name is too long"),
    errno.EIO: lambda: _("the disk could not be read or written (a failing disk, or a drive that was unplugged)"),
    errno.EFBIG: lambda: _("the file is larger than this system lets a program write"),
    errno.EMFILE: lambda: _("too many files are open at once"),
    errno.ENFILE: lambda: _("too many files are open at once"),
    errno.ENOMEM: lambda: _("the computer ran out of memory"),
    errno.EXDEV: lambda: _("it cannot be moved between two disks"),
    errno.EEXIST: lambda: _("a file of that name exists already"),
    errno.ETIMEDOUT: lambda: _("the connection timed out"),
    errno.ECONNREFUSED: lambda: _("the other computer refused the connection"),
}


def _os(exc: BaseException) -> str | None:
    if getattr(exc, "errno", None) in _ERRNO:
        return _ERRNO[exc.errno]()
    if getattr(exc, "errno", None):
        return _("the system refused it (error {code})").format(code=errno.errorcode.get(exc.errno, exc.errno))
    return _picture_data(exc) or _("the file could not be read or written")


def _csv(exc: BaseException) -> str:
    text = str(exc)
    limit = re.search(r"field larger than field limit \((\d+)\)", text)
    if limit:
        return _("a cell is longer than {limit} characters").format(limit=limit.group(1))
    if "new-line character seen in unquoted field" in text:
        return _("a line break inside a cell that is not in double quotes")
    if "unexpected end of data" in text:
        return _("the file ends inside a cell in double quotes")
    if "expected after" in text:
        return _('a closing double quote is followed by more text in the same cell (write "" for a quote inside a cell)')
    if "NUL" in text or "null byte" in text:
        return _("the file holds a NUL character, which no text has")
    return _("the CSV cannot be read")


_EXPAT = {
    "XML_ERROR_NO_ELEMENTS": lambda: _("it ends before it is complete (cut off)"),
    "XML_ERROR_INVALID_TOKEN": lambda: _("it holds characters that are not allowed there"),
    "XML_ERROR_UNCLOSED_TOKEN": lambda: _("it ends before it is complete (cut off)"),
    "XML_ERROR_PARTIAL_CHAR": lambda: _("it ends in the middle of a character (cut off)"),
    "XML_ERROR_TAG_MISMATCH": lambda: _("a tag is closed by another than the one it opened"),
    "XML_ERROR_JUNK_AFTER_DOC_ELEMENT": lambda: _("there is more after its end"),
    "XML_ERROR_UNDEFINED_ENTITY": lambda: _("it uses an entity that is not defined"),
    "XML_ERROR_BAD_CHAR_REF": lambda: _("it refers to a character that does not exist"),
}


def _xml(exc: BaseException) -> str:
    said = expat.errors.messages.get(getattr(exc, "code", None), "")
    for name, explain in _EXPAT.items():
        if said and said == getattr(expat.errors, name, None):
            return explain()
    return _("it is not well-formed XML")


def _value(exc: BaseException) -> str | None:
    text = str(exc)
    if "day is out of range for month" in text:
        return _("that month has no such day")
    if "month must be in 1..12" in text:
        return _("a month is 1 to 12")
    if re.search(r"year .* is out of range", text):
        return _("the year is out of range")
    return _picture_data(exc)


def _eof(_exc: BaseException) -> str:
    return _("the file ends too early: it was cut off (an incomplete download or copy)")


def _unicode(_exc: BaseException) -> str:
    return _("the text is not UTF-8")


def _unsupported(_exc: BaseException) -> str:
    return _("it is compressed or encrypted in a way that cannot be read")


def _runtime(exc: BaseException) -> str | None:
    if "encrypted" in str(exc) or "password" in str(exc):
        return _("it is protected by a password")
    return None


def _syntax(exc: BaseException) -> str | None:
    """ElementTree's ParseError is a SyntaxError; so are Pillow's "not a PNG file" and its like."""
    if hasattr(exc, "code") and hasattr(exc, "position"):
        return _xml(exc)
    return _("the picture's data is damaged or cut off")


def _struct(exc: BaseException) -> str | None:
    return _("the file's data is damaged or cut off") if type(exc).__module__ == "struct" else None


_EXPLAINERS = (
    (zipfile.BadZipFile, _zip),
    (zlib.error, lambda exc: _("the compressed data inside the file is damaged")),
    (csv.Error, _csv),
    (expat.ExpatError, _xml),
    (UnicodeError, _unicode),
    (EOFError, _eof),
    (NotImplementedError, _unsupported),
    (RuntimeError, _runtime),
    (BaseException, _pillow),
    (SyntaxError, _syntax),
    (OSError, _os),
    (ValueError, _value),
    (Exception, _struct),
)
