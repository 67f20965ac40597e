"""Pictures of a Word file: each saved beside the article (TIFF and BMP as PNG) with its caption (the
line after it, or a 题注 above it), or named in the report with its paragraph and what to do."""
from __future__ import annotations

import io
import os
import re
import sys
import threading
from contextlib import contextmanager

from ..core.i18n import N_, _
from ..core.reasons import explain_exception
from ..source.images import strict_pillow
from .docxlimits import beyond_its_data
from .docxtokens import TOKEN, Placed
from .mdtext import image_line

PICTURE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
# Pictures a web page cannot show but Pillow reads: saved as PNG (a scanned certificate in TIFF, a BMP).
CONVERTED_TYPES = frozenset({"image/tiff", "image/bmp", "image/x-bmp", "image/x-ms-bmp"})
# A TIFF or BMP is decoded to be converted: 50 MP (an A4 page scanned at 600 dpi is 35 MP) holds it to
# about 200 MB; a 4 KB TIFF can say 260 MP, which took over 1 GB and many seconds of the desk.
MAX_CONVERTED_PIXELS = 50_000_000
# Pillow's name for a picture's format -> the type it is saved as, for those a page shows as they are;
# the formats converted to PNG. No other of Pillow's readers is given a picture's bytes (its EPS reader
# runs Ghostscript).
WEB_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "MPO": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
CONVERTED_FORMATS = ("TIFF", "BMP", "DIB")
READ_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", *CONVERTED_FORMATS)   # (Pillow's JPEG reader reads MPO too)
METAFILES = {"image/x-emf": "EMF", "image/emf": "EMF", "image/x-wmf": "WMF", "image/wmf": "WMF"}
CAPTION = re.compile(r"^图\s*[\d一二三四五六七八九十]*\s*[:：.．、]?\s*(.+?)\s*(?:[（(]([^（）()]*(?:供图|摄|提供|图片)[^（）()]*)[）)])?$")


class Places:
    """Where each picture is, said one way in every line of the report: 「第 5 段的图片」 (「第 5 段的第 2
    张图片」 beside another); 「第 N 张图片」 when the document's pictures cannot be told apart so."""

    def __init__(self, paragraphs: list[int], count: int):
        self.paragraphs = paragraphs if len(paragraphs) == count else []

    def __call__(self, number: int) -> str:
        if not 0 < number <= len(self.paragraphs) or not self.paragraphs[number - 1]:
            return _("picture {number}").format(number=number)
        paragraph = self.paragraphs[number - 1]
        if self.paragraphs.count(paragraph) == 1:
            return _("the picture in paragraph {paragraph}").format(paragraph=paragraph)
        return _("picture {order} in paragraph {paragraph}").format(
            order=self.paragraphs[:number].count(paragraph), paragraph=paragraph)


class Damaged(Exception):
    """A picture the import can tell is damaged without decoding it; reason says how, in the editor's words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


_STDERR = threading.Lock()


@contextmanager
def _libtiff_quiet():
    """libtiff, which Pillow decodes compressed TIFFs with, writes a line of English to the process's own
    stderr for damaged data (`ZIPDecode: Decoding error at scanline 0, …`), past sys.stderr: that stderr
    points at the null device while a picture is converted, so that the editor reads the report's
    Chinese only. (A line another thread writes in that moment goes there too.)"""
    with _STDERR:
        saved = _stderr_to_null()
        if saved is None:
            yield
            return
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _stderr_to_null() -> int | None:
    """The process's stderr pointed at the null device: a copy of what it was, to restore; None when it
    cannot be (no stderr at all, no null device to open): then nothing is silenced, and nothing fails."""
    try:
        sys.stderr.flush()
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):
        return None
    try:
        saved = os.dup(2)
    except OSError:
        os.close(null)
        return None
    try:
        os.dup2(null, 2)
    except OSError:
        os.close(saved)
        return None
    finally:
        os.close(null)
    return saved


def _as_png(data: bytes) -> tuple[bytes | None, Exception | None]:
    """A TIFF or BMP picture as PNG: (its PNG, None); (None, None) when it is too large to decode here;
    (None, why) when Pillow cannot decode it (a damaged file that says it is a TIFF)."""
    from PIL import Image

    with strict_pillow(), _libtiff_quiet():
        try:
            with Image.open(io.BytesIO(data), formats=CONVERTED_FORMATS) as image:
                image.seek(0)   # (a multi-page TIFF: its first page)
                if image.width * image.height > MAX_CONVERTED_PIXELS:
                    return None, None   # (read from the header: nothing decoded yet)
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                    image = image.convert("RGBA" if "A" in image.mode else "RGB")
                out = io.BytesIO()
                image.save(out, "PNG")
                return out.getvalue(), None
        except Exception as exc:   # (Pillow raises many kinds for damaged data; each is the same answer here)
            return None, exc


def _damaged(picture: str, problem: Exception) -> str:
    reason = problem.reason if isinstance(problem, Damaged) else explain_exception(problem)
    return _("{picture} is damaged ({reason}); it was not imported: in Word, right-click it, save it as a picture "
             "(PNG or JPG), and add that with the desk's 图片 button (if Word cannot show it either, ask the "
             "department for the original picture)").format(picture=picture, reason=reason)


def place_pictures(soup, pictures: list, where: Places, placed: Placed, counts: dict[str, int], notes: list[str]) -> None:
    """Each picture saved beside the article, with the caption line that follows it."""
    count = 0
    above = _captions_set_above(soup)
    for img in soup.find_all("img"):
        number = int(m.group(2)) if (m := TOKEN.fullmatch(img.get("src", ""))) else 0
        if (note := img.find_parent("li", id=re.compile(r"^(foot|end)note-"))) is not None:
            # (a Markdown footnote is a line of text: the picture's token stood in it, the file beside no page)
            notes.append(_("a footnote 「{text}…」 holds a picture; it was not imported: a footnote holds text only, "
                           "move the picture into the text").format(text=" ".join(" ".join(t for t in note.find_all(string=True) if not (
                               t.parent.name == "a" and t.parent.get("href", "").startswith(("#footnote-ref", "#endnote-ref")))).split())[:12]))
            img.decompose()
            continue
        picture = pictures[number - 1] if 0 < number <= len(pictures) else None
        problem = None
        if isinstance(picture, tuple) and (picture[1] in PICTURE_TYPES or picture[1] in CONVERTED_TYPES):
            picture, problem = _for_the_web(picture)
        if problem is not None:   # (such a file saved beside the article would stop every PDF of the issue)
            notes.append(_damaged(where(number), problem))
            img.decompose()
            continue
        if not isinstance(picture, tuple) or picture[1] not in PICTURE_TYPES:
            if isinstance(picture, tuple) and picture[1] in METAFILES:
                notes.append(_("{picture} is a Windows metafile ({kind}), which neither web pages nor the PDF can show; it "
                               "was not imported: in Word, right-click it, save it as a picture (PNG), and add that with "
                               "the desk's 图片 button").format(picture=where(number), kind=METAFILES[picture[1]]))
            elif isinstance(picture, tuple):
                notes.append(_("{picture} is in a format web pages cannot show ({kind}); it was not imported: in Word, "
                               "right-click it, save it as a picture (PNG or JPG), and add that with the desk's 图片 button")
                             .format(picture=where(number), kind=picture[1].rpartition("/")[2].upper() or "?"))
            elif isinstance(picture, KeyError):   # (a linked picture is reported with its paragraph by docxread)
                notes.append(_("{picture} is missing from the Word file (it is damaged there); it was not imported")
                             .format(picture=where(number)))
            elif isinstance(picture, Exception):
                notes.append(_("{picture} cannot be read ({reason}); it was not imported")
                             .format(picture=where(number), reason=explain_exception(picture)))
            img.decompose()
            continue
        count += 1
        name = placed.file(PICTURE_TYPES[picture[1]], picture[0])
        in_cell = img.find_parent(["td", "th"]) is not None
        holder = img if in_cell else (img.find_parent("p") or img)
        beside = holder is not img and any(other is not img for other in holder.find_all("img"))
        caption, credit = " ".join(img.get("alt", "").split()), None
        following = holder.find_next_sibling()
        if not in_cell and not beside and following is not None and following.name == "p" \
                and not (above and _caption_above(following)) and (m := CAPTION.match(following.get_text().strip())):
            caption, credit = m.group(1), m.group(2)
            following.decompose()
        elif not in_cell and not beside and holder is not img and _is_caption(above := holder.find_previous_sibling()):
            m = CAPTION.match(" ".join(above.get_text().split()))   # (a 题注 above: 图 3 实训中心外景, or 表 1 …)
            caption, credit = (m.group(1), m.group(2)) if m else (" ".join(above.get_text().split()), None)
            above.decompose()
        if not caption:
            caption = f"图{count}"
            notes.append(_("{picture} has no caption: write what it shows (screen readers read it aloud)")
                         .format(picture=where(number)))
        holder_text = "".join(s for s in holder.find_all(string=True)) if holder is not img else ""
        line = image_line(caption, name, credit)
        if holder_text.strip():   # (text beside the picture in its paragraph stays, after it)
            img.replace_with(placed.block(line, inline=True))
        elif beside:   # (pictures side by side in one paragraph: each a picture of its own, in order)
            holder.insert_before(placed.block(line))
            img.decompose()
        else:
            holder.replace_with(placed.block(line, inline=in_cell))
    counts[N_("pictures")] = count


def _is_caption(element) -> bool:
    """A paragraph in Word's 题注 (Caption) style, with text."""
    return element is not None and element.name == "p" and "doc-caption" in element.get("class", []) \
        and bool(element.get_text().strip())


def _captions_set_above(soup) -> bool:
    """Whether the document sets its 题注 above its pictures (as Chinese documents set some): the first
    picture alone in its paragraph has one right above it. Word sets them below; a 题注 between two
    pictures is then the first one's, not the second's."""
    for img in soup.find_all("img"):
        holder = img.find_parent("p")
        if holder is not None and holder.parent is soup and not holder.get_text().strip():
            return _is_caption(holder.find_previous_sibling())
    return False


def _caption_above(element) -> bool:
    """A 题注 directly above a picture of its own: that picture's caption, not the one before it."""
    after = element.find_next_sibling()
    return _is_caption(element) and after is not None and after.name == "p" and after.find("img") is not None \
        and not after.get_text().strip()


def _for_the_web(picture: tuple[bytes, str]) -> tuple[tuple[bytes, str], Exception | None]:
    """A picture whose part says PNG, JPEG, GIF, WebP, TIFF or BMP as a page shows it, by what its bytes
    are, not by what its part says: (the picture, None), a TIFF or BMP (or a .png part that holds one) as
    PNG, a PNG in a .jpg part as PNG; (the picture as it is, None) for one too large to convert (its type
    then says what it is); (the picture, why) when Pillow cannot decode all of it, as the build decodes it
    (a PNG whose checksums hold and whose data is damaged passed Image.verify, and then stopped the build)."""
    from PIL import Image

    data, kind = picture
    if (claimed := beyond_its_data(data)) is not None:
        return picture, Damaged(_("its header says it is {width} × {height} pixels, far more than its data holds")
                                .format(width=claimed[0], height=claimed[1]))
    with strict_pillow():
        try:
            with Image.open(io.BytesIO(data), formats=READ_FORMATS) as image:
                found = image.format or "?"
                if found in WEB_FORMATS:
                    if found in ("JPEG", "MPO"):   # (decoded at a reduced scale, as the build does: quick)
                        image.draft("RGB", (image.width // 8 or 1, image.height // 8 or 1))
                    image.load()
                    return (data, WEB_FORMATS[found]), None
        except Exception as exc:   # (Pillow raises many kinds for damaged data; each is the same answer here)
            return picture, exc
    png, problem = _as_png(data)
    if png is not None:
        return (png, "image/png"), None
    return (data, kind if kind in CONVERTED_TYPES else f"image/{found.lower()}"), problem
