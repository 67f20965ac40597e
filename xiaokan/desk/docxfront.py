"""What of a Word file goes into an article's front matter: its title, found by the way Word sets it
(its Title style; or set clearly larger than the text, as WPS sets titles, large and centred but not
bold; a first heading; a first bold line), and the 作者/来源/摄影/日期 lines departments type
(`作者：张三`, `（供稿：教务处　摄影：李明）`, `文/图：王五`). Also the few ways of looking at mammoth's
HTML that docxarticle.py shares with it."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .docxread import WordParagraph

TITLE_STYLES = frozenset({"title", "标题"})
FIRST_HEADINGS = frozenset({"heading 1", "heading 2", "标题 1", "标题 2"})
MAX_TITLE = 80
MAX_COVER = 12   # blocks of a cover page (its title, 教务处, the date, a logo) before the text, where the title may stand again
_HALF_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}
NOTE_LINK = re.compile(r"^#(foot|end)note-")   # (mammoth's footnote marks and their back links)
_LABELS = {"作者": "作者", "撰稿": "作者", "撰文": "作者", "文": "作者", "文字": "作者", "记者": "作者", "通讯员": "作者",
           "来源": "来源", "信息来源": "来源", "稿件来源": "来源", "供稿": "来源", "供稿单位": "来源",
           "摄影": "摄影", "摄": "摄影", "图片": "摄影", "图": "摄影", "供图": "摄影", "日期": "日期", "发布日期": "日期"}
_LABEL = "|".join(sorted(map(re.escape, _LABELS), key=len, reverse=True))
_FIELD = re.compile(rf"(?P<labels>(?:{_LABEL})(?:\s*[/、]\s*(?:{_LABEL}))*)\s*[:：]\s*(?P<value>\S.*)|(?P<label>{_LABEL})\s*/\s*(?P<value2>\S.*)")
_FIELD_START = re.compile(rf"(?:\s+|\s*[;；,，]\s*)(?=(?:{_LABEL})(?:\s*[/、]\s*(?:{_LABEL}))*\s*[:：/])")
# A 公文's 发文字号 line (渝机电教〔2024〕12号, perhaps with 签发人): the body's short name, the year in
# brackets, the number and 号, and nothing else (a line that cites a 文号 in a sentence is text).
_DOCUMENT_NUMBER = re.compile(r"\s*[^\s《》“”，。、；]{1,15}\s*[〔［\[【（(]\s*(?:19|20)\d{2}\s*[〕］\]】）)]\s*第?\s*\d{1,4}\s*号"
                              r"(?:\s+签发人\s*[:：].{1,20})?\s*")
# A 公文's title: 关于…, or ending in its kind (文种). Such a line above a 文号 is the title (as a 公文
# reposted as news sets them), never a 版头, which names the issuing body (…教务处, …文件).
_DOCUMENT_TITLE = re.compile(r"^\s*关于|(?:通知|通报|决定|决议|意见|办法|方案|报告|请示|批复|函|纪要|规定|细则|公告|通告|命令|议案|要点|规划|计划)\s*$")
MAX_LETTERHEAD = 3   # lines of 版头 (the issuing body, 联合发文 has several) before the 文号
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def key(text: str) -> str:
    """Text as compared between the document and the article: without whitespace."""
    return "".join(text.split())


def visible_text(element) -> str:
    """An element's text without footnote marks (mammoth writes them as [1])."""
    marks = element.find_all("a", href=NOTE_LINK)
    if not marks:
        return element.get_text()
    hidden = {id(s) for mark in marks for s in mark.find_all(string=True)}
    return "".join(s for s in element.find_all(string=True) if id(s) not in hidden)


def own_text(item) -> str:
    """A list item's text without its sublists' and footnote marks' (Word's text of that paragraph)."""
    return "".join(child.get_text() if getattr(child, "name", None) else str(child) for child in item.children
                   if getattr(child, "name", None) not in ("ol", "ul") and not (
                       getattr(child, "name", None) == "sup" and child.find("a", href=NOTE_LINK)))


def top_blocks(soup) -> list:
    """Paragraphs and headings of the body (mammoth writes them at the top level; not those in lists or tables)."""
    return soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6"], recursive=False)


def block_of(blocks: list, paragraph: WordParagraph):
    """The block among blocks that holds paragraph's text (the HTML mammoth made of it), or None."""
    return next((b for b in blocks if key(visible_text(b)) == key(paragraph.text)), None)


def remove_blocks(soup, paragraphs: list[WordParagraph]) -> None:
    """Take the paragraphs out of the article (a 公文's head, Word's 目录): their blocks are deleted."""
    blocks = top_blocks(soup)
    for paragraph in paragraphs:
        element = block_of(blocks, paragraph)
        if element is not None:
            blocks.remove(element)
            element.decompose()


def _title_paragraphs(facts: list[WordParagraph], listed: set[int]) -> list[WordParagraph]:
    """The paragraphs that make the title: the first, when it is in Word's Title style, a first
    heading, or set clearly larger than the text, or centred and bold, or a short line all bold;
    with the next ones set the same way (a title on two lines). Never one of listed (numbered by Word
    as one of several: 一、 with a 二、 after it is the text's first heading, not its title)."""
    if not facts or facts[0].number in listed:
        return []
    first, rest = facts[0], facts[1:]
    sizes: Counter[float] = Counter()
    for p in rest:
        sizes[p.size] += len(p.text)
    body = sizes.most_common(1)[0][0] if sizes else first.size
    larger = first.size >= body + 2
    length = len(first.text.strip())
    if first.style in TITLE_STYLES or larger:
        lines = [first]
        for p in rest[:2]:
            if (p.style, p.size, p.alignment) != (first.style, first.size, first.alignment) or p.number in listed \
                    or sum(len(x.text.strip()) for x in lines) + len(p.text.strip()) > MAX_TITLE:
                break
            lines.append(p)
        return lines if length <= MAX_TITLE else []
    if first.style in FIRST_HEADINGS or first.bold and (first.alignment == "center" or length <= 60):
        return [first] if length <= MAX_TITLE else []
    return []


@dataclass(frozen=True)
class Letterhead:
    """The head of a 公文: its 版头 (the issuing body, large and often red) and its 文号 line; the
    document's title is the line after them."""
    issuer: str                  # the 版头's lines, without 文件 (重庆机电职业技术大学文件)
    number: str                  # the 文号 line as typed
    lines: tuple[str, ...]       # every line taken out of the body
    rest: list[WordParagraph]    # the paragraphs after the 文号


def take_letterhead(soup, facts: list[WordParagraph]) -> Letterhead | None:
    """A 公文's 版头 and 文号 taken out of the body, as a reader of a 公文 skips them to its title; None
    for a document that does not start so (a 文号 line within the first lines, after a 版头 set apart:
    centred, larger than the text, or in a title style, and followed by more text)."""
    at = next((i for i, p in enumerate(facts[:MAX_LETTERHEAD + 1])
               if _DOCUMENT_NUMBER.fullmatch(p.text)), None)
    if not at or at + 1 >= len(facts):
        return None
    head, number = facts[:at], facts[at]
    body = Counter()
    for p in facts[at + 1:]:
        body[p.size] += len(p.text)
    body_size = body.most_common(1)[0][0]
    if not all(p.alignment == "center" or p.size >= body_size + 2 or p.style in TITLE_STYLES for p in head) \
            or any(_DOCUMENT_TITLE.search(p.text) for p in head):
        return None
    taken = [*head, number]
    remove_blocks(soup, taken)
    issuer = "、".join(re.sub(r"\s*文\s*件$", "", " ".join(p.text.split())) for p in head)
    return Letterhead(issuer, " ".join(number.text.split()), tuple(" ".join(p.text.split()) for p in taken),
                      facts[at + 1:])


def take_title(soup, facts: list[WordParagraph], after_letterhead: bool = False, listed: set[int] = frozenset()) -> str | None:
    """The title's lines taken out of the body; after a 公文's 文号, its first line also when it is
    only centred (a 公文 sets its title apart by the place it stands in). The title is the lines'
    text without the label Word numbers them with (labels are put in later: docxlabels.label_blocks);
    listed: the paragraphs Word numbers as one of several, which are no title."""
    lines = _title_paragraphs(facts, listed)
    if not lines and after_letterhead and facts and facts[0].alignment == "center" and facts[0].number not in listed \
            and len(facts[0].text.strip()) <= MAX_TITLE:
        lines = [facts[0]]
    blocks = top_blocks(soup)
    taken = []
    for line in lines:
        element = block_of(blocks, line)
        if element is None:
            break
        taken.append(" ".join(line.text.split()))
        blocks.remove(element)
        element.decompose()
    subtitle = soup.find("p", class_="doc-subtitle")
    if subtitle is not None:
        del subtitle["class"]
    title = ""
    for part in taken:   # (lines of a Chinese title join without a space)
        title += (" " if title and re.match(r"\w", part[0], re.A) and re.match(r"\w", title[-1], re.A) else "") + part
    return title or None


def loose_key(text: str) -> str:
    """Text as a repeated title is compared: without whitespace, full-width letters, digits and signs as ASCII."""
    return "".join(text.translate(_HALF_WIDTH).split())


def drop_repeated_title(soup, title: str, facts: list[WordParagraph]) -> WordParagraph | None:
    """The title set again where the text starts (a cover page's title above the text, as Chinese reports
    have it) taken out: only blocks whose text is the title's, whitespace and full-width forms aside (one
    block, or the title's lines in a row), among the first blocks, before the text starts (a heading
    of another text, a table, a list, a sentence, a paragraph longer than a title). Returns the
    paragraph of facts it was (facts: the title's line first), or None."""
    wanted = loose_key(title)
    if not wanted:
        return None
    blocks = [b for b in soup.find_all(True, recursive=False)][:MAX_COVER]
    for i, block in enumerate(blocks):
        if block.name not in ("p", "h1", "h2", "h3", "h4", "h5", "h6"):
            break
        text = loose_key(visible_text(block))
        if wanted.startswith(text) and text:
            run = [block]
            for after in blocks[i + 1:i + 3]:   # (a title on two or three lines)
                if len(text) >= len(wanted) or after.name != block.name:
                    break
                text += loose_key(visible_text(after))
                run.append(after)
            if text == wanted:
                first = loose_key(visible_text(run[0]))
                for element in run:
                    element.decompose()
                return next((p for p in facts[1:] if loose_key(p.text) == first), None)   # (facts[0]: the title's)
        said = visible_text(block).strip()
        if block.name != "p" or len(said) > MAX_TITLE or re.search(r"[。！？!?；;…]", said):
            break   # (the text has started: a heading, or a sentence)
    return None


def meta_fields(line: str) -> dict[str, str] | None:
    """`作者：张三`, `（供稿：教务处　摄影：李明）`, `文/图：王五` -> front matter fields; None for other text."""
    text = " ".join(line.replace("\u3000", " ").split())
    if len(text) > 60:
        return None
    if (m := re.fullmatch(r"[（(](.*)[）)]", text)) is not None:
        text = m.group(1).strip()
    fields: dict[str, str] = {}
    used: list[str] = []
    for piece in _FIELD_START.split(text):
        m = _FIELD.fullmatch(piece.strip())
        if m is None:
            return None
        labels = re.split(r"\s*[/、]\s*", m.group("labels")) if m.group("labels") else [m.group("label")]
        value = (m.group("value") or m.group("value2")).strip()
        for label in labels:
            fields.setdefault(_LABELS[label], value)
        used += labels
    if used == ["图"]:
        return None   # (图：… alone is a caption)
    if "日期" in fields:
        found = _DATE.fullmatch(fields["日期"])
        try:
            fields["日期"] = date(*map(int, found.groups())).isoformat() if found else ""
        except ValueError:
            fields["日期"] = ""
        if not fields["日期"]:
            return None
    return fields or None


def take_fields(soup) -> dict[str, str]:
    """作者/来源/摄影/日期 lines become front matter and leave the text: a line is taken out once what it
    says is in the front matter (`来源：教务处` after `（供稿：教务处　摄影：李明）` says it again). A line
    that says otherwise (another 来源) stays in the text, so that nothing the document says is lost."""
    found: dict[str, str] = {}
    for p in soup.find_all("p", recursive=False):
        fields = meta_fields(p.get_text())
        if fields and all(found.get(k, v) == v for k, v in fields.items()):
            found.update(fields)
            p.decompose()
    return found
