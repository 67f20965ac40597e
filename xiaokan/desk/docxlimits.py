"""What a Word file must keep to before anything parses it.

A .docx is a zip of XML parts and pictures. A damaged or hostile one can cut its XML in half, declare
entities (an external file, or nested entities that expand to gigabytes), pack 700 MB of XML into
a 755 KB zip, give one table cell three million columns or hold a 400-megapixel picture. Each is
refused here, from the zip's directory, one streaming pass of expat over each XML part and the
pictures' headers, before mammoth or ElementTree read anything. The limits are far above what
real documents reach (docs/reliability.md gives the reasons for each figure).
"""
from __future__ import annotations

import io
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from xml.parsers import expat

from ..core.errors import ContentError
from ..core.i18n import _
from ..core.reasons import explain_exception
from ..source.images import MAX_PIXELS

# A 300-page report with its pictures compressed by Word is about 30 MB; its document.xml about 10 MB.
MAX_PARTS = 2_000                  # zip members: Word writes a few dozen, one per picture
MAX_XML_BYTES = 32 * 2**20         # one XML part, unpacked (31 MB, 190,000 paragraphs, imports in 95 s, 770 MB)
MAX_TOTAL_BYTES = 400 * 2**20      # all parts, unpacked (pictures included)
MAX_RATIO = 200                    # unpacked / packed, for XML parts over RATIO_FROM; Word's XML packs 5-30x
RATIO_FROM = 2**20
MAX_DEPTH = 200                    # XML nesting: a paragraph in a cell of a table in a cell is about 12 deep
MAX_TABLE_ROWS = 5_000             # a table of 5,000 rows is 100 printed pages
MAX_TABLE_COLUMNS = 63             # Word's own limit
MAX_PICTURE_PIXELS = MAX_PIXELS    # what the build accepts for a photo (260 MP)
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CHUNK = 1 << 16


class _Refused(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def check_docx(source: Path) -> None:
    """ContentError naming the file (and the part, line or table) for a Word file that is damaged,
    declares entities or passes a limit; nothing is returned for a file that may be read."""
    try:
        with zipfile.ZipFile(source) as archive:
            _check_archive(archive)
    except _Refused as exc:
        raise ContentError(source, None, exc.message, exc.hint) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
        hint = _("open it in Word or WPS and save it again as .docx")
        with source.open("rb") as stream:
            ole = stream.read(4) == b"\xd0\xcf\x11\xe0"
        if ole:   # (an OLE file: Word 97, or a .docx with a password)
            hint = _("it is an old .doc file or has a password: open it in Word or WPS, remove the password "
                     "(文件 → 信息 → 保护文档) and save it as .docx")
        raise ContentError(source, None, _("this Word file cannot be read: {reason}").format(reason=explain_exception(exc)), hint) from None


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Sizes from the zip's directory first (zipfile never unpacks more than a part's stated size),
    then the XML parts and pictures themselves."""
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        raise _Refused(_("the Word file has {count} parts; a document has a few dozen").format(count=len(parts)),
                       _("open it in Word or WPS and save it again as .docx"))
    xml = [part for part in parts if part.filename.lower().endswith((".xml", ".rels"))]
    for part in xml:
        if part.file_size > RATIO_FROM and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise _Refused(_("part {part} of the Word file unpacks to {ratio} times its size: no document is made so").format(
                part=part.filename, ratio=part.file_size // max(part.compress_size, 1)),
                _("open it in Word or WPS and save it again as .docx"))
        if part.file_size > MAX_XML_BYTES:
            raise _Refused(_("part {part} of the Word file is {size} MB of text; the import takes up to {limit} MB").format(
                part=part.filename, size=part.file_size >> 20, limit=MAX_XML_BYTES >> 20),
                _("split the document into several files"))
    total = sum(part.file_size for part in parts)
    if total > MAX_TOTAL_BYTES:
        raise _Refused(_("the Word file unpacks to {size} MB; the import takes up to {limit} MB").format(
            size=total >> 20, limit=MAX_TOTAL_BYTES >> 20), _("compress its pictures in Word (图片格式 → 压缩图片) "
                                                               "or split it into several files"))
    for part in xml:
        with archive.open(part) as stream:
            _check_xml(stream, part.filename)
    for part in parts:
        if part.filename.lower().startswith("word/media/"):
            _check_picture(archive.read(part), part.filename)


def _check_xml(stream, name: str) -> None:
    """One streaming pass of expat: well-formed, no DTD (so no entities), nesting and tables in bounds."""
    tables = _TableCount(name)
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse_dtd(*_args) -> None:
        raise _Refused(_("part {part} of the Word file declares a DTD or entities, which Word never writes").format(part=name),
                       _("open it in Word or WPS and save it again as .docx"))

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = tables.start
    parser.EndElementHandler = tables.end
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise _Refused(_("part {part} of the Word file is damaged at line {line}: {problem}").format(
            part=name, line=exc.lineno, problem=explain_exception(exc)),
            _("open it in Word or WPS (they repair what they can) and save it again as .docx")) from None


class _TableCount:
    """Depth of the XML, and rows and columns of each table (w:gridSpan widens a cell), as expat reads them."""

    def __init__(self, part: str):
        self.part, self.depth, self.tables, self.table_number = part, 0, [], 0

    def start(self, tag: str, attributes: dict) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Refused(_("part {part} of the Word file is nested {depth} levels deep; documents are never so deep").format(
                part=self.part, depth=self.depth), _("open it in Word or WPS and save it again as .docx"))
        namespace, _sep, local = tag.rpartition("}")
        if namespace != _WORD:
            return
        if local == "tbl":
            self.table_number += 1
            self.tables.append([self.table_number, 0, 0])   # (number, rows, columns of the current row)
        elif local == "tr" and self.tables:
            self.tables[-1][1] += 1
            self.tables[-1][2] = 0
            self._limit(self.tables[-1][1], MAX_TABLE_ROWS, _("rows"))
        elif local in ("tc", "gridSpan") and self.tables:
            span = 1 if local == "tc" else _whole(attributes.get(f"{_WORD}}}val", "1")) - 1
            self.tables[-1][2] += span
            self._limit(self.tables[-1][2], MAX_TABLE_COLUMNS, _("columns"))

    def end(self, tag: str) -> None:
        self.depth -= 1
        if tag == f"{_WORD}}}tbl" and self.tables:
            self.tables.pop()

    def _limit(self, count: int, limit: int, what: str) -> None:
        if count > limit:
            raise _Refused(_("table {number} of the Word file has more than {limit} {what}").format(
                number=self.tables[-1][0], limit=limit, what=what),
                _("a table this large belongs in a spreadsheet: save it as CSV and place it with {{< 表格 文件=\"….csv\" >}}"))


def _whole(text: str) -> int:
    try:
        return max(int(text), 1)
    except ValueError:
        raise _Refused(_("a table cell of the Word file spans {value!r} columns, which is not a number").format(value=text),
                       _("open it in Word or WPS and save it again as .docx")) from None


def _check_picture(data: bytes, name: str) -> None:
    """The picture's size from its header (Pillow reads no pixels on open); one Word would never hold is refused."""
    from PIL import Image, UnidentifiedImageError

    if beyond_its_data(data) is not None:
        return   # (a damaged picture, not a large one: the import reports it as damaged)
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS   # (as images.py sets it: Pillow refuses at twice this on open)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # (and Pillow's English warnings on damaged data: the import reports it)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except Image.DecompressionBombError:
            width, height = MAX_PICTURE_PIXELS, 2   # (over twice the limit: Pillow says no more)
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return   # not a picture Pillow knows (EMF, WMF …): the import reports its type
    if width * height > MAX_PICTURE_PIXELS:
        raise _Refused(_("picture {part} of the Word file has {pixels} million pixels; photos are published up to {limit} million").format(
            part=name, pixels=width * height // 1_000_000, limit=MAX_PICTURE_PIXELS // 1_000_000),
            _("in Word, select the picture and 图片格式 → 压缩图片, or insert a smaller copy, then import again"))


def beyond_its_data(data: bytes) -> tuple[int, int] | None:
    """(width, height) a BMP's header says when the file cannot hold its pixels: a height of -2³¹ (no
    number of rows: Pillow read it as 2³¹), or rows stored as they are (not compressed) that need more
    bytes than follow the header. Such a picture is damaged, not too large. None for any other picture
    (a compressed one may say any size: its data does not tell)."""
    if len(data) < 26 or data[:2] != b"BM":
        return None
    offset, header = struct.unpack_from("<II", data, 10)
    if header == 12:   # (OS/2's header: sizes of 16 bits, never compressed)
        width, height, _planes, bits = struct.unpack_from("<HHHH", data, 18)
        compression = 0
    elif header >= 40 and len(data) >= 34:
        width, height, _planes, bits, compression = struct.unpack_from("<iiHHI", data, 18)
    else:
        return None
    if height == -2**31:
        return width, 2**31
    if compression not in (0, 3, 6) or width <= 0 or bits not in (1, 2, 4, 8, 16, 24, 32):
        return None   # (RLE, JPEG or PNG inside, or a header Pillow refuses itself)
    rows = abs(height)
    return (width, rows) if offset + (width * bits + 31) // 32 * 4 * rows > len(data) else None
