"""A department's Word file as an article, in memory: its title and 作者/来源/摄影 lines (docxfront.py),
its body as Markdown and the pictures and tables that go beside it.

mammoth turns the .docx into semantic HTML (styles to headings, Word's numbering to lists, merged
cells to rowspan, footnotes, pictures); this module arranges that HTML as our article, using what
docxread.py reads from the XML that mammoth does not keep (how large, bold and aligned each
paragraph is), and mdtext.py writes it as Markdown in which every text stays text. The caller
(wordimport.py) names and writes the files; until then they stand in the body as tokens.
"""
from __future__ import annotations

import io
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.i18n import N_, _
from ..core.policy import SAFE_SCHEMES, browser_url, is_local, scheme
from ..core.reasons import explain_exception
from .docxfront import (
    NOTE_LINK,
    block_of,
    key,
    remove_blocks,
    take_fields,
    take_letterhead,
    take_title,
    top_blocks,
    visible_text,
)
from .docxlimits import check_docx
from .docxread import (
    WordParagraph,
    chinese_labels,
    paragraph_texts,
    paragraphs,
    picture_paragraphs,
    read_word_xml,
    unmapped,
)
from .docxtables import LINE, arrange_tables
from .mdtext import html_to_markdown, image_line, markdown_text

# Word's Title style is the article's title; mammoth maps headings 1-3 by itself.
STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='标题'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.doc-subtitle:fresh
p[style-name='副标题'] => p.doc-subtitle:fresh
p[style-name='Caption'] => p.doc-caption:fresh
p[style-name='题注'] => p.doc-caption:fresh
"""
MARK = "\uffff"   # (a character XML cannot hold, so no document's text can fake a token)
TOKEN = re.compile(f"{MARK}([BFNAP])([0-9a-z]+){MARK}")
PICTURE_TYPES = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
# Pictures a web page cannot show but Pillow reads: saved as PNG (a scanned certificate in TIFF, a BMP).
CONVERTED_TYPES = frozenset({"image/tiff", "image/bmp", "image/x-bmp", "image/x-ms-bmp"})
# A TIFF or BMP is decoded to be converted: 50 MP (an A4 page scanned at 600 dpi is 35 MP) holds it to
# about 200 MB; a 4 KB TIFF can say 260 MP, which took over 1 GB and many seconds of the desk.
MAX_CONVERTED_PIXELS = 50_000_000
METAFILES = {"image/x-emf": "EMF", "image/emf": "EMF", "image/x-wmf": "WMF", "image/wmf": "WMF"}
CAPTION = re.compile(r"^图\s*[\d一二三四五六七八九十]*\s*[:：.．、]?\s*(.+?)\s*(?:[（(]([^（）()]*(?:供图|摄|提供|图片)[^（）()]*)[）)])?$")
# Hand-typed numbering: 一、 as a heading, （一） one level below, 1. below that (only when short and alone);
# their ranks come after Word's heading levels 1-6 in the article's outline (see _outline).
_LEVELS = ((re.compile(r"^[一二三四五六七八九十百]+、"), 11), (re.compile(r"^[（(][一二三四五六七八九十百]+[）)]"), 12),
           (re.compile(r"^\d{1,2}[.．](?!\d)"), 13))
_DIGIT_ITEM = re.compile(r"^[（(]?\d{1,2}[)）.．、](?!\d)")
_ATTACHMENTS = re.compile(r"^附\s*件\s*\d*\s*[:：]?")
MAX_HEADING = 30   # a numbered line longer than this is a paragraph with a run-in head, as Chinese documents have
@dataclass(frozen=True)
class WordFile:
    suffix: str     # ".png", ".csv" …: the file is named <article>-N<suffix> (tables: -table-N.csv)
    data: bytes


@dataclass(frozen=True)
class WordArticle:
    title: str
    title_from: str                   # "" when the document has a title; else the file name it came from
    fields: tuple[tuple[str, str], ...]   # front matter found in the document: 作者, 来源, 摄影, 日期
    body: str                         # Markdown; F tokens stand for the files' names
    files: tuple[WordFile, ...]
    counts: tuple[tuple[str, int], ...]
    notes: tuple[str, ...]            # what needs the editor's eye
    document_texts: tuple[str, ...]   # every paragraph of the document, for the lost-text check
    set_aside: tuple[str, ...] = ()   # paragraphs left out on purpose (and said in notes): not lost


def read_article(source: Path) -> WordArticle:
    """The article a Word file makes (ContentError for a file that is damaged, hostile or empty)."""
    import mammoth
    from bs4 import BeautifulSoup

    check_docx(source)
    xml = read_word_xml(source)
    pictures: list[tuple[bytes, str] | Exception] = []

    def keep_picture(image) -> dict:
        try:
            with image.open() as stream:
                pictures.append((stream.read(), image.content_type or ""))
        except (KeyError, OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:   # linked, not embedded; or missing or damaged
            pictures.append(exc)
        return {"src": f"{MARK}P{len(pictures)}{MARK}", "alt": image.alt_text or ""}

    with _for_mammoth(source) as stream:
        html = mammoth.convert_to_html(stream, style_map=STYLE_MAP,
                                       convert_image=mammoth.images.img_element(keep_picture)).value
    soup = BeautifulSoup(html, "html.parser")
    facts = [p for p in paragraphs(xml) if not p.in_table and p.text.strip()]
    if not facts and not soup.find(["img", "table"]):
        raise _empty(source)
    _mark_alignment(soup, facts)
    _chinese_lists(soup, chinese_labels(xml))
    counts: dict[str, int] = {}
    notes: list[str] = []
    set_aside: list[str] = []
    facts = _join_drop_caps(soup, facts)
    facts = _drop_contents(soup, facts, notes, set_aside)
    letterhead = take_letterhead(soup, facts)
    title = take_title(soup, letterhead.rest if letterhead else facts, after_letterhead=letterhead is not None)
    fields = take_fields(soup)
    if letterhead is not None:
        set_aside += letterhead.lines
        fields.setdefault("来源", letterhead.issuer)
        notes.append(_("this looks like an official document (公文): its letterhead 「{issuer}」 and its number "
                       "「{number}」 were left out of the text (the letterhead as 来源); the title is the line after "
                       "the number, 「{title}」: check 标题 and 来源").format(
            issuer=letterhead.issuer, number=letterhead.number, title=title or "") if title else
            _("this looks like an official document (公文): its letterhead 「{issuer}」 and its number 「{number}」 "
              "were left out of the text (the letterhead as 来源); no title line follows the number: write 标题")
            .format(issuer=letterhead.issuer, number=letterhead.number))
    _tidy(soup, counts)
    placed = _Placed(soup)
    _pictures(soup, pictures, _Places(picture_paragraphs(xml), len(pictures)), placed, counts, notes)
    _links(soup, notes)
    arrange_tables(soup, placed.block, placed.file, TOKEN, counts, notes)
    footnotes = _footnotes(soup, counts)
    counts[N_("paragraphs")] = sum(1 for p in soup.find_all("p", recursive=False)
                                   if not TOKEN.fullmatch(p.get_text().strip()) and p.get_text().strip())
    counts[N_("lists")] = len(soup.find_all(["ol", "ul"]))
    title_from = ""
    if not title:
        title = re.sub(r"^\d+\s*[-_.、 ]\s*", "", source.stem).strip() or source.stem
        title_from = source.name
    return WordArticle(title, title_from, tuple(fields.items()), _markdown(soup, placed.blocks, footnotes),
                       tuple(placed.files), tuple(counts.items()), tuple(notes + unmapped(xml)),
                       tuple(paragraph_texts(xml)), tuple(set_aside))


_SIMPLE_FIELD = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?fldSimple\b[^>]*?(/?)>")
_TEXT_PARTS = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")


def _for_mammoth(source: Path):
    """The Word file as mammoth reads it: a field Word writes whole (w:fldSimple: a caption's 图 1 number,
    NUMPAGES) shows the text it holds, which mammoth drops; other files are read as they are."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in _TEXT_PARTS if name in archive.namelist()}
        if not any(b"fldSimple" in data for data in parts.values()):
            return source.open("rb")
        out = tempfile.NamedTemporaryFile(suffix=".docx")   # (on disk: a photo-heavy report is hundreds of MB unpacked)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for item in archive.infolist():
                data = parts.get(item.filename)
                copy.writestr(item.filename, _SIMPLE_FIELD.sub(b"", data) if data is not None else archive.read(item))
    out.seek(0)
    return out


def _empty(source: Path):
    from ..core.errors import ContentError

    return ContentError(source, None, _("the Word file has no text, pictures or tables: there is nothing to import"),
                        _("check that this is the file the department meant to send"))


class _Placed:
    """Markdown the import writes itself (pictures, tables) and the files beside the article, each
    standing in the HTML as a token until markdownify has run."""

    def __init__(self, soup):
        self.soup, self.blocks, self.files = soup, [], []

    def block(self, markdown: str, inline: bool = False):
        self.blocks.append(markdown)
        token = f"{MARK}B{len(self.blocks)}{MARK}"
        if inline:
            return token
        paragraph = self.soup.new_tag("p")
        paragraph.string = token
        return paragraph

    def file(self, suffix: str, data: bytes) -> str:
        self.files.append(WordFile(suffix, data))
        return f"{MARK}F{len(self.files)}{MARK}"


def _join_drop_caps(soup, facts: list[WordParagraph]) -> list[WordParagraph]:
    """A 首字下沉 letter, a paragraph of its own in Word (and large: it was taken for the title), joins
    the paragraph it begins."""
    if not any(p.drop_cap for p in facts):
        return facts
    joined: list[WordParagraph] = []
    blocks = top_blocks(soup)
    for i, p in enumerate(facts):
        after = facts[i + 1] if i + 1 < len(facts) else None
        element = block_of(blocks, p) if p.drop_cap else None
        following = element.find_next_sibling() if element is not None else None
        if after is None or following is None or following.name != "p" or key(visible_text(following)) != key(after.text):
            joined.append(p)
            continue
        blocks.remove(element)
        first = next((t for t in following.find_all(string=True) if t.strip()), None)
        if first is not None:   # (the paragraph's indentation stood before the letter, not after it)
            first.replace_with(first.lstrip("\u3000 \u00a0\t"))
        following.insert(0, p.text.strip())
        element.decompose()
        facts[i + 1] = replace(after, text=p.text.strip() + after.text.lstrip())
    return joined


def _drop_contents(soup, facts: list[WordParagraph], notes: list[str], set_aside: list[str]) -> list[WordParagraph]:
    """Word's table of contents (its lines end in page numbers, and would repeat every heading as
    text) is left out, with the 目录 line above it: the web page lists the article's headings itself."""
    lines = [p for p in facts if p.toc]
    if not lines:
        return facts
    first = facts.index(lines[0])
    if first > 0 and (key(facts[first - 1].text).lower() in ("目录", "contents") or facts[first - 1].style in ("toc heading", "目录标题")):
        lines.insert(0, facts[first - 1])
    remove_blocks(soup, lines)
    set_aside += [p.text for p in lines]
    notes.append(_("paragraphs {first}–{last} are Word's table of contents (目录); they were not imported: the web page "
                   "makes its own from the article's subheadings").format(first=lines[0].number, last=lines[-1].number))
    return [p for p in facts if p not in lines]


def _mark_alignment(soup, facts: list[WordParagraph]) -> None:
    """Paragraphs Word centres or sets right (a 落款 and its date) keep it as a class (see markup: `{: .right }`)."""
    aligned: dict[str, list[str]] = {}
    for p in facts:
        if p.alignment in ("center", "right"):
            aligned.setdefault(key(p.text), []).append(p.alignment)
    for element in top_blocks(soup):
        queue = aligned.get(key(visible_text(element))) if element.name == "p" else None
        if queue:
            element["class"] = element.get("class", []) + [queue.pop(0)]


def _chinese_lists(soup, labels: dict[str, list[str | None]]) -> None:
    """Items Word numbered 一、二、 become paragraphs that start with their label, as the document shows
    them, each where it stood: its own sublists follow it, and the items after it stay a list after them.
    Items of one text take their labels in document order, as mammoth writes the items."""
    if not labels:
        return
    for item in soup.find_all("li"):
        queue = labels.get(_own_text(item).strip())
        label = queue.pop(0) if queue else None
        if label is None or item.parent is None:
            continue
        listing = item.parent
        paragraph = soup.new_tag("p")
        paragraph.append(label)
        sublists = []
        for child in list(item.children):
            if getattr(child, "name", None) in ("ol", "ul"):
                sublists.append(child.extract())
            else:
                paragraph.append(child.extract())
        later = item.find_next_siblings("li")
        rest = soup.new_tag(listing.name) if later else None
        for following in later:
            rest.append(following.extract())
        item.decompose()
        place = listing
        for block in [paragraph, *sublists, rest]:
            if block is not None:
                place.insert_after(block)
                place = block
        if not listing.find_all("li", recursive=False):
            listing.decompose()


def _own_text(item) -> str:
    """A list item's text without its sublists' and footnote marks' (Word's text of that paragraph)."""
    return "".join(child.get_text() if getattr(child, "name", None) else str(child) for child in item.children
                   if getattr(child, "name", None) not in ("ol", "ul") and not (
                       getattr(child, "name", None) == "sup" and child.find("a", href=NOTE_LINK)))


def _tidy(soup, counts: dict[str, int]) -> None:
    """No indentation spaces and no emphasis inside headings; hand-typed 一、（一）1. lines as headings,
    except in an 附件 list or a run of numbered lines; then every heading placed in the article's outline."""
    for p in soup.find_all("p"):
        for node in p.find_all(string=True):
            if node.strip():
                node.replace_with(node.lstrip("\u3000 \u00a0\t"))
                break
    blocks = top_blocks(soup)
    texts = [b.get_text().strip() if b.name == "p" else "" for b in blocks]
    in_attachments = False
    for i, p in enumerate(blocks):
        text = texts[i]
        if p.name != "p":
            in_attachments = False
            continue
        if _ATTACHMENTS.match(text):
            in_attachments = True
            continue
        in_attachments = in_attachments and bool(_DIGIT_ITEM.match(text) or _LEVELS[0][0].match(text))
        if in_attachments or not text or len(text) > MAX_HEADING or text.endswith(("。", "；", "，")):
            continue
        for pattern, level in _LEVELS:
            if pattern.match(text):
                neighbours = [texts[j] for j in (i - 1, i + 1) if 0 <= j < len(texts)]
                if level == 13 and any(_DIGIT_ITEM.match(t) for t in neighbours):
                    break   # (one of a run of numbered lines: a list typed by hand, not headings)
                p.name, p["data-rank"] = "h6", str(level)
                break
    _outline(soup)
    for heading in soup.find_all(["h2", "h3", "h4", "h5", "h6"]):
        for emphasis in heading.find_all(["strong", "em", "b", "i", "u"]):
            emphasis.unwrap()
        if not heading.get_text().strip() and not heading.find("img"):
            heading.decompose()
    soup.smooth()
    counts[N_("headings")] = len(soup.find_all(["h2", "h3", "h4", "h5", "h6"]))


def _outline(soup) -> None:
    """The headings as one outline under the article's title: the highest level the document uses is ##,
    each level below it one # more, none skipped (a document of Heading 2 and Heading 3 only gives ## and
    ###; 一、 with （一） under it gives ## and ###). Word's levels come before the hand-typed ones."""
    headings = soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
    ranks = [int(h.attrs.pop("data-rank", None) or h.name[1]) for h in headings]
    place = {rank: min(2 + i, 6) for i, rank in enumerate(sorted(set(ranks)))}
    for heading, rank in zip(headings, ranks):
        heading.name = f"h{place[rank]}"


class _Places:
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


def _as_png(data: bytes) -> bytes | None:
    """A TIFF or BMP picture as PNG (None when Pillow cannot read it, or it is too large to decode here)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)   # (a multi-page TIFF: its first page)
            if image.width * image.height > MAX_CONVERTED_PIXELS:
                return None   # (read from the header: nothing decoded yet)
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.mode else "RGB")
            out = io.BytesIO()
            image.save(out, "PNG")
            return out.getvalue()
    except Exception:   # (Pillow raises many kinds for damaged data; each is the same answer here)
        return None


def _pictures(soup, pictures: list, where: _Places, placed: _Placed, counts: dict[str, int], notes: list[str]) -> None:
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
        if isinstance(picture, tuple) and picture[1] in CONVERTED_TYPES and (png := _as_png(picture[0])) is not None:
            picture = (png, "image/png")
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
        if (problem := _unreadable(picture[0])) is not None:   # (its part says PNG or JPEG, its bytes are no picture)
            notes.append(_("{picture} cannot be read ({reason}); it was not imported")
                         .format(picture=where(number), reason=explain_exception(problem)))
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


def _links(soup, notes: list[str]) -> None:
    """Each hyperlink's address as a browser reads it (tabs and line breaks dropped, controls at its ends
    too), before mdtext.link_target percent-encodes it: `java<TAB>script:` became `java%09script:`, which
    the build took for a missing file. Links a page may not carry (javascript:, data:, vbscript:) and links
    to a file on the author's computer (附件1.xlsx, file:///C:/…, \\\\server\\share) lose their address and
    keep their text: the site has no such file, so the draft stopped the preview of every editor until
    the link was fixed. The report says which."""
    for a in soup.find_all("a", href=True):
        href = browser_url(a["href"])
        kind = scheme(href)
        if href.startswith("#"):
            a["href"] = href
            continue
        if is_local(href) or kind == "file" or re.match(r"[A-Za-z]:[\\/]", href):
            notes.append(_("the link 「{text}」 led to a file on the author's computer ({href}); only its text was imported: "
                           "put the file beside the article and link it, or link its web address")
                         .format(text=_link_text(a), href=href[:120]))
            a.unwrap()
        elif kind is not None and kind not in SAFE_SCHEMES:
            notes.append(_("the address of the link 「{text}」 may not be on a web page ({href}); only its text was imported: "
                           "link a web address (http:// or https://) instead")
                         .format(text=_link_text(a), href=href[:120]))
            a.unwrap()
        elif kind is not None:
            a["href"] = kind + ":" + href.split(":", 1)[1]   # (the scheme as read: `HT\u200bTPS:` is https:)
        else:
            a["href"] = href   # (//host/…)


def _link_text(a) -> str:
    return " ".join(a.get_text(" ").split())[:60]


def _unreadable(data: bytes) -> Exception | None:
    """Why the picture's bytes are no picture (None when Pillow reads them): saved beside the article,
    such a file would stop every PDF of the issue."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:   # (Pillow raises many kinds for damaged data; each is the same answer here)
        return exc
    return None


def _footnotes(soup, counts: dict[str, int]) -> list[str]:
    """Word footnotes and endnotes as Markdown footnotes [^1]."""
    notes: dict[str, str] = {}
    for item in soup.find_all("li", id=re.compile(r"^(foot|end)note-")):
        for back in item.find_all("a", href=re.compile(r"^#(foot|end)note-ref-")):
            back.decompose()
        notes[item["id"]] = " ".join(item.get_text(" ").split())
        parent = item.parent
        item.decompose()
        if parent is not None and not parent.find_all("li"):
            parent.decompose()
    order: list[str] = []
    for ref in soup.find_all("a", href=NOTE_LINK):
        target = ref["href"][1:]
        if target in notes:
            order.append(notes[target])
            holder = ref
            while holder.parent is not None and holder.parent.name == "sup" and len(holder.parent.contents) == 1:
                holder = holder.parent   # (Word's superscript around mammoth's own <sup>)
            holder.replace_with(f"{MARK}N{len(order)}{MARK}")
    counts[N_("footnotes")] = len(order)
    return order


def _markdown(soup, blocks: list[str], notes: list[str]) -> str:
    for p in soup.find_all("p", class_=["right", "center"], recursive=False):
        if p.get_text().strip():
            p.append(f"{MARK}A{'right' if 'right' in p['class'] else 'center'}{MARK}")
    text = html_to_markdown(str(soup))

    def token(m: re.Match) -> str:
        kind, value = m.groups()
        if kind == "B":
            return blocks[int(value) - 1]
        if kind == "N":
            return f"[^{value}]"
        return f"\n{{: .{value} }}" if kind == "A" else m.group(0)

    text = TOKEN.sub(token, text)   # (F tokens stay for the caller: the files are not named yet)
    lines = f"{LINE}(?:[ \t]*{LINE})*"   # (a line inside a table cell, written <br>; none at a cell's ends)
    text = re.sub(rf"(?<!\\)(\|[ \t]*){lines}|{lines}([ \t]*\|)", r"\1\2", text)
    text = re.sub(lines, "<br>", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    if notes:
        text += "\n" + "".join(f"[^{n}]: {markdown_text(note)}\n" for n, note in enumerate(notes, start=1))
    return text
