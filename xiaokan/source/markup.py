"""Markdown -> HTML, a pure function of the text (plus where the article's files will be served)."""
from __future__ import annotations

import html as htmllib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

import markdown
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.md_in_html import MarkdownInHtmlExtension
from markdown.extensions.sane_lists import SaneListExtension, SaneOListProcessor
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from ..core.policy import clean_html, is_local, on_authors_computer, safe_url
from ..core.urls import ROOT_MARK, marked, published_path
from .attrlines import LooseAttributes
from .datablocks import BlockError, extract_blocks, files_digest, table_label
from .images import SIZES, WIDTHS, ImageError, plan_image
from .nesting import deepest_line, separate_definitions, too_deep, too_deep_to_read, too_deep_to_show

CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d"
# A line break between two Chinese characters is a wrap in the editor, not a space.
_CJK_NEWLINE = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")
_SKIP = {"pre", "code"}
# `[见上期](../2024-06/03-foo.md#part)`: a link to another article's Markdown file, rewritten to its page.
_ARTICLE_LINK = re.compile(r"^[^#?]+\.md(#.*)?$")
LinkResolver = Callable[[str], "str | None"]

# A start tag, read attribute by attribute: a quoted value may hold `>` or what looks like another
# attribute, and must not hide the real one from the link check (raw HTML quotes as it likes).
_QUOTED_OR_PLAIN = r"""(?:"[^"]*"|'[^']*'|[^\s"'<>]*)"""
_START_TAG = re.compile(rf"""<(?P<tag>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[^\s"'<>/=]+(?:\s*=\s*{_QUOTED_OR_PLAIN})?)*)(?P<end>\s*/?>)""")
_ATTRIBUTE = re.compile(rf"""\s+(?P<name>[^\s"'<>/=]+)(?:\s*=\s*(?P<value>{_QUOTED_OR_PLAIN}))?""")
_LINK_ATTRIBUTES = {"href", "src", "srcset", "poster", "action", "formaction", "xlink:href"}


@dataclass(frozen=True)
class Reference:
    """A file an article body uses: a photo, or an attachment it links to."""
    kind: str           # "image" or "link"
    written: str        # as the editor wrote it (to find its line)
    path: str | None    # where it is published (see urls.published_path); None: outside content/ and assets/


@dataclass(frozen=True)
class Body:
    """An article body rendered to HTML once; its links to site files carry urls.ROOT_MARK and are
    rebased wherever the body is shown. With the files it uses, for checks and for publishing."""
    html: str
    references: tuple[Reference, ...] = ()
    links: tuple[str, ...] = ()    # links to .md files that are not (yet) an article page
    resolved: tuple[tuple[str, str], ...] = ()   # links to other articles: (href as written, page URL)
    data_files: tuple[str, ...] = ()  # CSV files and photos the HTML was made from, relative to the article
    data_digest: str = ""             # their state when read (see datablocks.files_digest)
    missing_alt: tuple[str, ...] = () # images without alt text (an error: screen readers say nothing)
    resized: tuple[tuple[str, int, str], ...] = ()   # copies the srcset offers: (photo, width, copy's path)
    image_problems: tuple[tuple[str, str, str], ...] = ()   # (src, what is wrong, what to do)
    loose_attributes: tuple[tuple[str, str], ...] = ()  # attribute lists alone in a paragraph: (text, what
                                                        # they follow: "p" given to that paragraph, see attrlines)

    @property
    def images(self) -> tuple[str, ...]:
        return tuple(r.written for r in self.references if r.kind == "image")


# What any inline pattern (emphasis, code, links, images, footnotes, escapes, raw HTML, entities,
# hard breaks) needs to see in a text to do something.
_INLINE_MARK = re.compile(r"[\\`\[<&*_]|  \n")


class _PlainText(Treeprocessor):
    """Marks texts that no inline pattern can change as atomic, so Python-Markdown does not try its
    fifteen patterns on them one after another: most Chinese paragraphs have no mark at all, and
    those tries were half of converting an article."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            text = element.text
            if text and not isinstance(text, AtomicString) and not _INLINE_MARK.search(text):
                element.text = AtomicString(text)


class _ArticleTree(Treeprocessor):
    """Join CJK soft line breaks, turn a lone image into a captioned figure, plan photos' smaller copies."""

    def __init__(self, md):
        super().__init__(md)
        self.folder: Path | None = None
        self.missing_alt: list[str] = []
        self.resized: list[tuple[str, int, str]] = []
        self.problems: list[tuple[str, str, str]] = []

    def run(self, root: etree.Element) -> None:
        self._join_cjk_lines(root)
        for parent in list(root.iter()):   # a snapshot: the wrappers added below are not visited again
            previous = None
            for i, child in enumerate(list(parent)):
                if child.tag == "p" and _is_lone_image(child):
                    parent[i] = _figure(child[0])
                elif child.tag == "p" and "no-photo" in (child.get("class") or "").split():
                    parent[i] = _missing_photo(child)
                elif child.tag == "table":
                    parent[i] = _scroll_box(child, previous)
                previous = child
        self.missing_alt, self.resized, self.problems = [], [], []
        for img in root.iter("img"):
            src = img.get("src", "")
            if not img.get("alt", "").strip():
                self.missing_alt.append(src)
            img.set("loading", "lazy")
            img.set("decoding", "async")
            if is_local(src) and self.folder is not None:
                self._responsive(img, src)

    def _responsive(self, img: etree.Element, src: str) -> None:
        """Width and height (no jump while the page loads) and smaller copies for phones (srcset).
        src stays the original: browsers pick from srcset, WeasyPrint prints the original."""
        try:
            plan = plan_image(self.folder, unquote(src))
        except ImageError as exc:
            self.problems.append((src, exc.message, exc.hint))
            return
        if plan is None:
            return
        img.set("width", str(plan.width))
        img.set("height", str(plan.height))
        self.resized += [(unquote(src), w, rel) for w, rel in plan.variants]
        if plan.variants:
            candidates = [f"{quote(rel)} {w}w" for w, rel in plan.variants]
            if plan.width <= WIDTHS[-1]:
                candidates.append(f"{unquote(src)} {plan.width}w")
            img.set("srcset", ", ".join(candidates))
            img.set("sizes", SIZES)

    def _join_cjk_lines(self, element: etree.Element) -> None:
        if element.tag in _SKIP:
            return
        if element.text:
            element.text = _CJK_NEWLINE.sub("", element.text)
        for child in element:
            self._join_cjk_lines(child)
            if child.tail:
                child.tail = _CJK_NEWLINE.sub("", child.tail)


def _is_lone_image(p: etree.Element) -> bool:
    return len(p) == 1 and p[0].tag == "img" and not (p.text or "").strip() and not (p[0].tail or "").strip()


def _figure(img: etree.Element) -> etree.Element:
    """`![说明](photo.jpg "学校供图")` -> figure with the 说明 as caption and the title as credit."""
    figure = etree.Element("figure")
    img.tail = None
    credit = img.attrib.pop("title", None)
    figure.append(img)
    caption_text = img.get("alt", "")
    if caption_text or credit:
        caption = etree.SubElement(figure, "figcaption")
        caption.text = caption_text
        if credit:
            span = etree.SubElement(caption, "span", {"class": "credit"})
            span.text = credit
    return figure


MISSING_PHOTO_NOTE = "原稿此处配有照片，本刊未收录"


def _missing_photo(p: etree.Element) -> etree.Element:
    """A caption whose photo the source did not keep (`{: .caption .no-photo }`): a marked box saying
    so, rather than a caption under nothing or an invented picture."""
    figure = etree.Element("figure", {"class": "missing-photo"})
    caption = etree.SubElement(figure, "figcaption")
    caption.text = p.text
    for child in p:
        caption.append(child)
    note = etree.SubElement(caption, "span", {"class": "missing-photo-note"})
    note.text = MISSING_PHOTO_NOTE
    figure.tail = p.tail
    return figure


def _scroll_box(table: etree.Element, previous: etree.Element | None) -> etree.Element:
    """A wide table scrolls inside its own box on phones; the box is focusable so keyboards can scroll it."""
    title = "".join(previous.itertext()).strip() if previous is not None and "table-title" in (
        previous.get("class") or "") else ""
    header = ["".join(th.itertext()).strip() for th in table.iter("th")]
    box = etree.Element("div", {"class": "table-wrap", "role": "region", "aria-label": title or table_label(header),
                                "tabindex": "0"})
    box.tail, table.tail = table.tail, None
    box.append(table)
    return box


class _SpacedHashHeading(HashHeaderProcessor):
    """`## 小标题` is a heading, `#评建进行时# 学校召开推进会。` is not: as in CommonMark, the hashes of a
    heading are followed by a space (WeChat topic tags, #话题#, open many paragraphs editors paste)."""

    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:[ \t]+(?:\\.|[^\\#]|#+(?=[^#\n]))*?)?)#*(?:\n|$)")


# A list item's number has at most three digits: `2024. 年度总结` opens a paragraph with a year, as
# Chinese writing does (lists are numbered 1. 2. …); CommonMark would start an <ol start="2024">.
LIST_NUMBER_DIGITS = 3


class _NumberedList(SaneOListProcessor):
    """Ordered lists whose items are numbered with at most LIST_NUMBER_DIGITS digits."""

    def __init__(self, parser):
        super().__init__(parser)
        number, indent = rf"\d{{1,{LIST_NUMBER_DIGITS}}}\.", self.tab_length - 1
        self.RE = re.compile(rf"^[ ]{{0,{indent}}}{number}[ ]+(.*)")
        self.CHILD_RE = re.compile(rf"^[ ]{{0,{indent}}}(({number}))[ ]+(.*)")
        self.INDENT_RE = re.compile(rf"^[ ]{{{indent + 1},{2 * indent + 1}}}(({number})|[*+-])[ ]+.*")


class _ArticleExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        md.xiaokan_loose = LooseAttributes(md)
        md.treeprocessors.register(md.xiaokan_loose, "xiaokan_loose_attributes", 30)   # (before inline and attr_list)
        md.parser.blockprocessors.register(_SpacedHashHeading(md.parser), "hashheader", 70)
        md.parser.blockprocessors.register(_NumberedList(md.parser), "olist", 40)
        md.xiaokan_tree = _ArticleTree(md)
        md.treeprocessors.register(md.xiaokan_tree, "xiaokan_article", 1)
        md.treeprocessors.register(_PlainText(md), "xiaokan_plain_text", 21)   # (just before "inline", 20)


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # One converter per process: building a Markdown instance costs more than converting. The
    # extensions are given as objects: named, Python-Markdown looks them up among every installed
    # package's entry points (35 ms, paid again by each worker process).
    return markdown.Markdown(extensions=[TableExtension(), FootnoteExtension(BACKLINK_TITLE="返回正文"),
                                         AttrListExtension(), DefListExtension(), SaneListExtension(), FencedCodeExtension(),
                                         MarkdownInHtmlExtension(), _ArticleExtension()],
                             output_format="html", lazy_ol=False)


class BodyError(BlockError):
    """Tables or charts of an article that could not be made: the first one's line and message, every
    one of them in `problems`, and the body rendered without them in `body`, so that the article's
    other problems (a missing photo) are found in the same pass."""

    def __init__(self, problems: list[BlockError], body: Body):
        super().__init__(problems[0].index, problems[0].message, problems[0].hint)
        self.problems, self.body = tuple(problems), body


def render_markdown(text: str, trust_html: bool = False, resolve_link: LinkResolver | None = None,
                    folder: Path | None = None) -> Body:
    """Article Markdown -> HTML fragment whose links to site files are written from the site root
    (urls.ROOT_MARK). resolve_link maps a link to another article's .md file to that article's page
    URL (None: not an article); folder is the article's issue folder, where its photos, attachments,
    CSV tables and charts are (BodyError, a datablocks.BlockError, if a table or chart is wrong)."""
    blocks = extract_blocks(text, folder)
    deep = too_deep_to_read(text)
    if deep is not None:
        raise BodyError([deep], Body(""))
    md = _converter()
    md.reset()
    tree = md.xiaokan_tree
    tree.folder = folder
    md.xiaokan_loose.found = []
    try:
        html = md.convert(separate_definitions(blocks.text))
    except RecursionError:   # (nesting too_deep_to_read does not count: emphasis in emphasis …)
        raise BodyError([too_deep(deepest_line(text))], Body("")) from None
    links = _Relinker(folder, resolve_link)
    links.authors_files(html)
    html = blocks.insert(clean_html(html, trust_html))
    deep = too_deep_to_show(html, text)
    if deep is not None:
        raise BodyError([deep], Body(""))
    html = links.relink(html)
    files = tuple(blocks.files) + tuple(dict.fromkeys(
        unquote(r.written) for r in links.references if r.kind == "image" and r.path))
    body = Body(html, tuple(links.references), tuple(links.unresolved), tuple(links.resolved),
                files, files_digest(folder, files) if files and folder else "", tuple(tree.missing_alt),
                tuple(tree.resized), tuple(tree.problems), tuple(md.xiaokan_loose.found))
    if blocks.problems:
        raise BodyError(blocks.problems, body)
    return body


class _Relinker:
    """Every href and src of a body, whoever wrote it (Markdown, raw HTML, a CSV cell): unsafe schemes
    are dropped, links to articles go to their page, files of the site are written from its root."""

    def __init__(self, folder: Path | None, resolve_link: LinkResolver | None):
        self.folder, self.resolve_link = folder, resolve_link
        self.root = folder.parent.parent if folder is not None else None
        self.references: list[Reference] = []
        self.unresolved: list[str] = []
        self.resolved: list[tuple[str, str]] = []

    def relink(self, html: str) -> str:
        return _START_TAG.sub(self._tag, html)

    def authors_files(self, html: str) -> None:
        """References to files of the author's computer (C:\\…, file:///…) in the HTML before it is
        cleaned: the sanitiser drops them as any address of an unsafe scheme, which left a picture
        without its file and a link without its address, without a word."""
        for tag in _START_TAG.finditer(html):
            kind = "image" if tag.group("tag").lower() in ("img", "source", "video", "audio") else "link"
            for attribute in _ATTRIBUTE.finditer(tag.group("attrs") or ""):
                raw = attribute.group("value") or ""
                value = htmllib.unescape(raw[1:-1] if raw[:1] in ("'", '"') else raw).strip()
                if attribute.group("name").lower() in _LINK_ATTRIBUTES and on_authors_computer(value):
                    self.references.append(Reference(kind, value, None))

    def _tag(self, match: re.Match) -> str:
        attrs = match.group("attrs")
        if not attrs:
            return match.group(0)
        kind = "image" if match.group("tag").lower() in ("img", "source", "video", "audio") else "link"
        relinked = _ATTRIBUTE.sub(lambda m: self._attribute(m, kind), attrs)
        return f"<{match.group('tag')}{relinked}{match.group('end')}"

    def _attribute(self, match: re.Match, kind: str) -> str:
        name = match.group("name").lower()
        if name not in _LINK_ATTRIBUTES:
            return match.group(0)
        raw = match.group("value") or ""
        value = htmllib.unescape(raw[1:-1] if raw[:1] in ("'", '"') else raw).strip()
        if name == "srcset":
            new = ", ".join(self._srcset_entry(part.strip()) for part in value.split(",") if part.strip())
        else:
            new = self._url(value, kind)
        if new is None:
            return ""   # an unsafe link loses its address and keeps its text
        return f' {match.group("name")}="{htmllib.escape(new)}"'

    def _srcset_entry(self, entry: str) -> str:
        url, _, width = entry.partition(" ")
        path = published_path(self.root, self.folder, url) if self.root is not None and is_local(url) else None
        return (marked(path) if path else url) + (f" {width}" if width else "")

    def _url(self, url: str, kind: str) -> str | None:
        if url.startswith(ROOT_MARK) or url.startswith("#"):
            return url
        if on_authors_computer(url):   # (recorded by authors_files, before the sanitiser drops it)
            return None
        if not is_local(url):
            return url if safe_url(url) else None
        path_part, _, fragment = url.partition("#")
        path_part = path_part.split("?", 1)[0]
        if kind == "link" and self.resolve_link and _ARTICLE_LINK.match(url):
            page = self.resolve_link(url)
            if page:
                self.resolved.append((url, page))
                return marked(page + "index.html", fragment)
            self.unresolved.append(url)
        if self.root is None or path_part.startswith("/"):
            self.references.append(Reference(kind, url, None))
            return url
        path = published_path(self.root, self.folder, path_part)
        self.references.append(Reference(kind, url, path))
        return marked(path, fragment) if path else url
