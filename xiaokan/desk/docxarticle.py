"""A department's Word file as an article, in memory: its title and 作者/来源/摄影 lines (docxfront.py),
its body as Markdown and the pictures and tables that go beside it.

mammoth turns the .docx into semantic HTML (styles to headings, Word's numbering to lists, merged
cells to rowspan, footnotes, pictures); this module arranges that HTML as our article, using what
docxread.py reads from the XML that mammoth does not keep (how large, bold and aligned each
paragraph is), and mdtext.py writes it as Markdown in which every text stays text. Pictures are
docxpictures.py's, tables docxtables.py's. The caller (wordimport.py) names and writes the files;
until then they stand in the body as tokens (docxtokens.py).
"""
from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.i18n import N_, _
from ..core.policy import SAFE_SCHEMES, browser_url, is_local, on_authors_computer, scheme
from .docxcontents import drop_contents
from .docxfields import for_mammoth
from .docxfront import (
    NOTE_LINK,
    block_of,
    drop_repeated_title,
    key,
    take_fields,
    take_letterhead,
    take_title,
    top_blocks,
    visible_text,
)
from .docxlabels import LISTED, label_blocks, labelled, number_lists
from .docxlimits import check_docx
from .docxlists import listed_together, numbered_paragraphs
from .docxpictures import Places, place_pictures
from .docxread import WordParagraph, paragraphs, read_word_xml
from .docxreport import paragraph_texts, picture_paragraphs, unmapped
from .docxtables import LINE, arrange_tables
from .docxtokens import MARK, TOKEN, Placed, WordFile
from .mdtext import html_to_markdown, markdown_text

# Word's Title style is the article's title; mammoth maps headings 1-3 by itself.
STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='标题'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.doc-subtitle:fresh
p[style-name='副标题'] => p.doc-subtitle:fresh
p[style-name='Caption'] => p.doc-caption:fresh
p[style-name='题注'] => p.doc-caption:fresh
"""
# Hand-typed numbering: 一、 as a heading, （一） one level below, 1. below that (only when short and alone);
# their ranks come after Word's heading levels 1-6 in the article's outline (see _outline).
_LEVELS = ((re.compile(r"^[一二三四五六七八九十百]+、"), 11), (re.compile(r"^[（(][一二三四五六七八九十百]+[）)]"), 12),
           (re.compile(r"^\d{1,2}[.．](?!\d)"), 13))
_DIGIT_ITEM = re.compile(r"^[（(]?\d{1,2}[)）.．、](?!\d)")
_ATTACHMENTS = re.compile(r"^附\s*件\s*\d*\s*[:：]?")
MAX_HEADING = 30   # a numbered line longer than this is a paragraph with a run-in head, as Chinese documents have


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
    first_numbered: str = ""          # the first line, with its label, when Word numbers it as one of several
                                      # (so it is the text's first heading, and the title came from the file name)


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

    with for_mammoth(source) as stream:
        html = mammoth.convert_to_html(stream, style_map=STYLE_MAP,
                                       convert_image=mammoth.images.img_element(keep_picture)).value
    soup = BeautifulSoup(html, "html.parser")
    facts = [p for p in paragraphs(xml) if not p.in_table and p.text.strip()]
    if not facts and not soup.find(["img", "table"]):
        raise _empty(source)
    _mark_alignment(soup, facts)
    counts: dict[str, int] = {}
    notes: list[str] = []
    set_aside: list[str] = []
    facts = _join_drop_caps(soup, facts)
    before = {p.number for p in facts}
    facts = drop_contents(soup, facts, notes, set_aside)
    contents = before - {p.number for p in facts}   # (the 目录's lines)
    numbered = numbered_paragraphs(xml)
    labels = number_lists(soup, xml, numbered, contents, notes)
    letterhead = take_letterhead(soup, facts)
    head = letterhead.rest if letterhead else facts
    listed = listed_together(numbered, contents)
    title = take_title(soup, head, after_letterhead=letterhead is not None, listed=listed)
    first_numbered = ""   # (the first line, numbered by Word as one of several: a heading of the text, not the title)
    if head and (entry := numbered.get(head[0].number)) is not None and entry.shown:
        if title is None and head[0].number in listed:
            first_numbered = (labelled(entry.shown, entry.suffix) + head[0].text.strip())[:MAX_HEADING + 10]
        elif title is not None and key(title).startswith(key(head[0].text)):
            notes.append(_("the title line is numbered by Word ({label}); an article's title carries no number, so "
                           "标题 is “{title}”: the subheadings of the text keep theirs").format(label=entry.shown, title=title))
    fields = take_fields(soup)
    repeated = drop_repeated_title(soup, title, head) if title else None
    if repeated is not None:
        set_aside.append(repeated.text)
        notes.append(_("paragraph {number} repeats the title “{title}” where the text starts (as after a cover page); "
                       "it was left out").format(number=repeated.number, title=title))
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
    label_blocks(labels)
    _tidy(soup, counts)
    placed = Placed(soup)
    place_pictures(soup, pictures, Places(picture_paragraphs(xml), len(pictures)), placed, counts, notes)
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
                       tuple(paragraph_texts(xml)), tuple(set_aside), first_numbered if title_from else "")


def _empty(source: Path):
    from ..core.errors import ContentError

    return ContentError(source, None, _("the Word file has no text, pictures or tables: there is nothing to import"),
                        _("check that this is the file the department meant to send"))


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
        if p.attrs.pop(LISTED, None) is not None:
            continue   # (an item of a Word list: (1) or 1． from Word's numbering is no heading)
        if in_attachments or not text or len(text) > MAX_HEADING or text.endswith(("。", "；", "，")):
            continue
        for pattern, level in _LEVELS:
            if pattern.match(text):
                neighbours = [texts[j] for j in (i - 1, i + 1) if 0 <= j < len(texts)]
                if level == 13 and any(_DIGIT_ITEM.match(t) for t in neighbours):
                    break   # (one of a run of numbered lines: a list typed by hand, not headings)
                p.name, p["data-rank"] = "h6", str(level)
                break
    for item in soup.find_all(attrs={LISTED: True}):   # (those in lists and tables)
        del item[LISTED]
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
        if is_local(href) or on_authors_computer(href):
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
        if kind == "S":
            return "<!-- -->"
        return f"\n{{: .{value} }}" if kind == "A" else m.group(0)

    text = TOKEN.sub(token, text)   # (F tokens stay for the caller: the files are not named yet)
    lines = f"{LINE}(?:[ \t]*{LINE})*"   # (a line inside a table cell, written <br>; none at a cell's ends)
    text = re.sub(rf"(?<!\\)(\|[ \t]*){lines}|{lines}([ \t]*\|)", r"\1\2", text)
    text = re.sub(lines, "<br>", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    if notes:
        text += "\n" + "".join(f"[^{n}]: {markdown_text(note)}\n" for n, note in enumerate(notes, start=1))
    return text
