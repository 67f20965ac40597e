"""What a proof prints, article by article, and its record in print/.proofs/ for the next comparison.

A record holds, for each article in reading order, the front matter the proof prints (title, 副标题,
作者, 摄影, 来源, 栏目) and its body as blocks: each heading, paragraph, list item, table row,
caption and picture with its kind ("h2", "p.right", "ol>li", "table>thead>tr", "img"), so that a
heading turned into plain text or a sign-off aligned right counts as a change like a changed word.

Records are files an editor's tools may damage (a sync program, a text editor, a full disk): a
record that is not exactly the shape below is refused as a whole (`RecordDamaged`), never half read.
Records of the first version (title and text lines only) are still read: what they did not keep is
unknown, not changed."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from ..source.markup import Body
from ..source.model import Article, Issue, Site, reading_order

FORMAT = 3   # 3: articles keyed by their file name (2 and 1 keyed them by web address)
# The front matter a proof prints besides the title, as record keys and Article attributes.
# (摄影 is read when the article carries one; an article model without it records nothing for it.)
PRINTED_FIELDS = ("subtitle", "author", "photographer", "source_line", "section")

_BLOCK_ENDS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption", "caption", "blockquote", "dd", "dt", "pre"}
_STRUCTURE = {"ul", "ol", "li", "blockquote", "table", "thead", "figure", "dl"}   # ancestors that change how a block prints
_NOT_TEXT = {"svg", "details", "script", "style"}   # a chart's drawing (its numbers are in its table), folded extras
_VOID = {"img", "br", "hr", "wbr", "input", "source", "col", "area", "meta", "link"}
_SPACES = re.compile(r"[ \t\r\n\f]+")   # (HTML's white space; a full-width space is text)
_ALIGNMENT = re.compile(r"right|cent(er|re)|left|justify|align|indent", re.I)


class RecordDamaged(Exception):
    """A record that cannot be read or is not the shape a proof writes."""


@dataclass(frozen=True)
class Block:
    kind: str | None   # "h2", "p.right", "ol>li", "img" …; None in a first-version record (it kept no kinds)
    text: str


@dataclass(frozen=True)
class PrintedArticle:
    title: str
    fields: dict[str, str] | None          # PRINTED_FIELDS -> text ("" when not printed); None: not recorded
    blocks: tuple[Block, ...] | None       # None: a first-version record, which kept text lines only
    lines: tuple[str, ...] = ()            # the text lines as the first version recorded them


@dataclass(frozen=True)
class ProofRecord:
    day: str
    articles: dict[str, PrintedArticle]    # file name -> article, in reading order


def printed_articles(site: Site, issue: Issue, bodies: dict[str, Body]) -> dict[str, PrintedArticle]:
    """File name -> what the proof prints of the article, in reading order. Keyed by the file, which
    stays when a draft's title (and with it its web address) changes between two proofs."""
    return {a.source.name: PrintedArticle(a.title, printed_fields(a), blocks(bodies[a.url].html), tuple(paragraphs(bodies[a.url].html)))
            for a in reading_order(issue, site.config.sections)}


def printed_fields(article: Article) -> dict[str, str]:
    return {name: str(getattr(article, name, None) or "") for name in PRINTED_FIELDS}


def record_json(day: str, articles: dict[str, PrintedArticle]) -> str:
    return json.dumps({"format": FORMAT, "day": day, "articles": {
        name: {"title": a.title, "fields": a.fields, "blocks": [[b.kind, b.text] for b in a.blocks or ()]}
        for name, a in articles.items()}}, ensure_ascii=False)


def read_record(path: Path, file_of: dict[str, str] | None = None) -> ProofRecord:
    """The record at path; RecordDamaged when it cannot be read or has any other shape. An older
    record keyed its articles by web address: file_of (address -> file name, today's) renames them."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, ValueError, RecursionError) as exc:   # (unreadable, not UTF-8, not JSON, nested too deep)
        raise RecordDamaged(str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise RecordDamaged("not a record")
    day = data.get("day", "")
    if not isinstance(day, str):
        raise RecordDamaged("day")
    by_file = data.get("format") == FORMAT or not file_of
    return ProofRecord(day, {(key if by_file else file_of.get(key, key)): _article(entry)
                             for key, entry in data["articles"].items()})


def _article(entry) -> PrintedArticle:
    if not isinstance(entry, dict) or not isinstance(entry.get("title"), str):
        raise RecordDamaged("article")
    fields = entry.get("fields")
    if fields is not None and not (isinstance(fields, dict) and all(isinstance(v, str) for v in fields.values())):
        raise RecordDamaged("fields")
    if "blocks" in entry:
        raw = entry["blocks"]
        if not (isinstance(raw, list) and all(isinstance(b, list) and len(b) == 2 and all(isinstance(x, str) for x in b)
                                              for b in raw)):
            raise RecordDamaged("blocks")
        return PrintedArticle(entry["title"], fields, tuple(Block(kind, text) for kind, text in raw))
    lines = entry.get("paragraphs")
    if not (isinstance(lines, list) and all(isinstance(line, str) for line in lines)):
        raise RecordDamaged("paragraphs")
    return PrintedArticle(entry["title"], fields, None, tuple(lines))


def blocks(html: str) -> tuple[Block, ...]:
    """The body as a reviewer reads it: a block per heading, paragraph, list item, table row (cells
    joined by a full-width space), caption and picture (by its file name), each with its kind."""
    reader = _BlockReader()
    reader.feed(html)
    reader.close()
    return tuple(reader.found)


def paragraphs(html: str) -> list[str]:
    """The text of a body, a paragraph (or heading, list item, table cell) a line, as the first
    version of the record kept it: a body is compared with such a record line by line."""
    html = re.sub(r"<(svg|details)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r"</(p|li|h[1-6]|tr|figcaption|caption|blockquote|dd|dt)>", "\n", html)
    html = re.sub(r"</t[dh]>", "　", html)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return [line.strip() for line in text.splitlines() if line.strip()]


class _BlockReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Block] = []
        self.open: list[tuple[str, str]] = []   # (tag, its kind part) of the elements we are inside
        self.text: list[str] = []               # of the block being read
        self.cells: list[str] = []              # of the table row being read
        self.hidden = 0                         # depth inside an element whose text is not read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.hidden or tag in _NOT_TEXT:
            self.hidden += tag in _NOT_TEXT
            return
        if self._in_cell():
            self.text.append(" " if tag in _BLOCK_ENDS or tag == "br" else "")
        elif tag in _BLOCK_ENDS or tag in _STRUCTURE or tag == "img":
            self._flush()   # (the text before a nested list or a picture is a block of its own)
        if tag == "img":
            src = dict(attrs).get("src") or ""
            self.found.append(Block("img", unquote(src.split("?", 1)[0].rsplit("/", 1)[-1])))
        elif tag == "br":
            self.text.append(" ")
        elif tag == "tr":
            self.cells = []
        if tag not in _VOID:
            self.open.append((tag, _kind_part(tag, dict(attrs))))

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            self.hidden -= tag in _NOT_TEXT
            return
        if not any(name == tag for name, _ in self.open):
            return   # (a stray end tag)
        while self.open:
            name = self.open[-1][0]
            if name in ("td", "th"):
                self.cells.append(_tidy("".join(self.text)))
                self.text = []
            elif name == "tr":
                self.text = ["　".join(cell for cell in self.cells if cell)]
                self.cells = []
                self._flush()
            elif name in _BLOCK_ENDS and not self._in_cell(below=1):
                self._flush()
            self.open.pop()
            if name == tag:
                return

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _in_cell(self, below: int = 0) -> bool:
        return any(name in ("td", "th") for name, _ in self.open[:len(self.open) - below])

    def _flush(self) -> None:
        """The text read so far as a block of the innermost open block element."""
        text = _tidy("".join(self.text))
        self.text = []
        if not text:
            return
        block = max((i for i, (name, _) in enumerate(self.open) if name in _BLOCK_ENDS), default=len(self.open) - 1)
        context = [part for name, part in self.open[:block] if name in _STRUCTURE or part != name]
        self.found.append(Block(">".join([*context, self.open[block][1]]) if self.open else "text", text))


def _tidy(text: str) -> str:
    return _SPACES.sub(" ", text).strip(" ")


def _kind_part(tag: str, attrs: dict[str, str | None]) -> str:
    """'p', 'p.right', 'div.right', 'p[align=center]': the tag and what of it changes the print."""
    classes = sorted((attrs.get("class") or "").split())
    if tag not in _BLOCK_ENDS:
        classes = [c for c in classes if _ALIGNMENT.search(c)]
    part = tag + "".join(f".{c}" for c in classes)
    if attrs.get("align"):
        part += f"[align={attrs['align']}]"
    if align := re.search(r"text-align\s*:\s*([a-z-]+)", attrs.get("style") or "", re.I):
        part += f"[text-align={align.group(1).lower()}]"
    return part
