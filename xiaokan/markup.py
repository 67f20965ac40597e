"""Markdown -> HTML, a pure function of the text (plus where the article's files will be served)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .datablocks import extract_blocks, files_digest, table_label
from .images import SIZES, WIDTHS, plan_image

EXTENSIONS = ["tables", "footnotes", "attr_list", "def_list", "sane_lists", "md_in_html"]
CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d"
# A line break between two Chinese characters is a wrap in the editor, not a space.
_CJK_NEWLINE = re.compile(rf"(?<=[{CJK}])[ \t]*\n[ \t]*(?=[{CJK}])")
_SKIP = {"pre", "code"}
# `[见上期](../2024-06/03-foo.md#part)`: a link to another article's Markdown file, rewritten to its page.
_ARTICLE_LINK = re.compile(r"^[^#?]+\.md(#.*)?$")
LinkResolver = Callable[[str], "str | None"]

# Raw HTML in Markdown is cleaned with this allowlist unless site.yaml sets trust_html.
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "sup", "sub"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang"},
    "div": {"role", "tabindex", "aria-label"},
    "a": {"href", "hreflang", "rel"},
    "img": {"alt", "src", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start"},
}


@dataclass(frozen=True)
class Body:
    """An article body rendered to HTML, with the local files it refers to (as written, for checks)."""
    html: str
    images: tuple[str, ...] = ()   # relative image paths
    links: tuple[str, ...] = ()    # relative links not resolved to an article page
    resolved: tuple[tuple[str, str], ...] = ()   # links to other articles: (href as written, page URL)
    data_files: tuple[str, ...] = ()  # CSV files and photos the HTML was made from, relative to the article
    data_digest: str = ""             # their state when read (see datablocks.files_digest)
    missing_alt: tuple[str, ...] = () # images without alt text (a check error: screen readers say nothing)
    resized: tuple[tuple[str, int, str], ...] = ()   # copies the srcset offers: (photo, width, copy's path)


def _is_local(url: str) -> bool:
    return bool(url) and not re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//|#)", url)


class _ArticleTree(Treeprocessor):
    """Join CJK soft line breaks, turn a lone image into a captioned figure, fix image and article paths."""

    def __init__(self, md, asset_prefix: str):
        super().__init__(md)
        self.asset_prefix = asset_prefix
        self.resolve_link: LinkResolver | None = None
        self.folder: Path | None = None
        self.images: list[str] = []
        self.missing_alt: list[str] = []
        self.resized: list[tuple[str, int, str]] = []
        self.links: list[str] = []
        self.resolved: list[tuple[str, str]] = []

    def run(self, root: etree.Element) -> None:
        self._join_cjk_lines(root)
        for parent in list(root.iter()):   # a snapshot: the wrappers added below are not visited again
            previous = None
            for i, child in enumerate(list(parent)):
                if child.tag == "p" and _is_lone_image(child):
                    parent[i] = _figure(child[0])
                elif child.tag == "table":
                    parent[i] = _scroll_box(child, previous)
                previous = child
        self.images, self.links, self.resolved, self.missing_alt, self.resized = [], [], [], [], []
        for img in root.iter("img"):
            src = img.get("src", "")
            if not img.get("alt", "").strip():
                self.missing_alt.append(src)
            img.set("loading", "lazy")
            img.set("decoding", "async")
            if _is_local(src):
                self.images.append(src)
                if not src.startswith("/"):
                    self._responsive(img, src)
                    img.set("src", self.asset_prefix + src)
        for a in root.iter("a"):
            href = a.get("href", "")
            if not _is_local(href):
                continue
            url = self.resolve_link(href) if self.resolve_link and _ARTICLE_LINK.match(href) else None
            if url:
                self.resolved.append((href, url))
                a.set("href", url)
            else:
                self.links.append(href)

    def _responsive(self, img: etree.Element, src: str) -> None:
        """Width and height (no jump while the page loads) and smaller copies for phones (srcset).
        src stays the original: browsers pick from srcset, WeasyPrint prints the original."""
        plan = plan_image(self.folder, unquote(src)) if self.folder else None
        if plan is None:
            return
        img.set("width", str(plan.width))
        img.set("height", str(plan.height))
        self.resized += [(unquote(src), w, rel) for w, rel in plan.variants]
        if plan.variants:
            candidates = [f"{self.asset_prefix}{quote(rel)} {w}w" for w, rel in plan.variants]
            if plan.width <= WIDTHS[-1]:
                candidates.append(f"{self.asset_prefix}{src} {plan.width}w")
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


class _ArticleExtension(Extension):
    def __init__(self, asset_prefix: str):
        super().__init__()
        self.asset_prefix = asset_prefix

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        md.xiaokan_tree = _ArticleTree(md, self.asset_prefix)
        md.treeprocessors.register(md.xiaokan_tree, "xiaokan_article", 1)


@lru_cache(maxsize=4)
def _converter(asset_prefix: str) -> markdown.Markdown:
    # One converter per process and prefix: building a Markdown instance costs more than converting.
    return markdown.Markdown(extensions=[*EXTENSIONS, _ArticleExtension(asset_prefix)],
                             extension_configs={"footnotes": {"BACKLINK_TITLE": "返回正文"}},
                             output_format="html", lazy_ol=False)


def render_markdown(text: str, asset_prefix: str = "", trust_html: bool = False,
                    resolve_link: LinkResolver | None = None, folder: Path | None = None) -> Body:
    """Article Markdown -> HTML fragment. asset_prefix is put before relative image paths;
    resolve_link maps a link to another article's .md file to that article's page (None: leave it);
    folder is where the article's CSV tables and charts are (datablocks.BlockError if one is wrong)."""
    blocks = extract_blocks(text, folder)
    md = _converter(asset_prefix)
    md.reset()
    tree = md.xiaokan_tree
    tree.resolve_link = resolve_link
    tree.folder = folder
    html = md.convert(blocks.text)
    if not trust_html:
        html = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None,
                         filter_style_properties={"text-align"})
    files = tuple(blocks.files) + tuple(unquote(src) for src in tree.images if not src.startswith("/"))
    return Body(blocks.insert(html), tuple(tree.images), tuple(tree.links), tuple(tree.resolved),
                files, files_digest(folder, files) if files and folder else "", tuple(tree.missing_alt),
                tuple(tree.resized))


def plain_text(html: str) -> str:
    """Text of an HTML fragment, for descriptions and feed summaries."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()
