"""What an article page offers a reader beyond its text: heading anchors and the table of contents,
the reading time, a summary cut at a sentence end, related articles. Pure functions of the body HTML."""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from functools import lru_cache

from ..core.han import HAN_CHAR
from ..core.htmltext import text_of, without_tags
from ..source.model import Article

# Chinese readers take in about 400 characters a minute of this kind of prose (studies give 300-500);
# Latin words count as English ones, at 200 a minute.
CHARACTERS_PER_MINUTE = 400
WORDS_PER_MINUTE = 200
TOC_MIN_HEADINGS = 3
RELATED_COUNT = 4
TAG_POOL = 24

# A heading, a chart's figure, or a table's scrolling box (not a chart's data table, kept in <details>).
# (The "<" that starts every branch is written once, before them: the regex engine then looks for it as a
# literal prefix and skips the text in between, ten times faster over a thousand bodies.)
_LANDMARK = re.compile(r"<(?:(?P<heading>h(?P<level>[234])(?P<hattrs>\s[^>]*)?>(?P<inner>.*?)</h(?P=level)>)"
                       r"|(?P<chart>figure class=\"chart[^\"]*\">)"
                       r"|(?<!</summary><)div class=\"table-wrap\"[^>]*?aria-label=\"(?P<label>[^\"]*)\"[^>]*>)", re.S)
_LATIN_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.'’-]*")
_ID_UNSAFE = re.compile(r"[\s\"'<>&#%?/\\,，。、；：:！？!（）()《》「」【】\[\]“”‘’·…—.]+")
# A paragraph or a heading (captions and table titles are told apart by their class, _NOT_PROSE).
_BLOCK = re.compile(r"<(p|h[1-6])(\s[^>]*)?>(.*?)</\1>", re.S)
_NOT_PROSE = re.compile(r'class="[^"]*\b(caption|table-title|credit|no-photo)\b')   # a photo's caption, a table's title
_SENTENCE_END = "。！？!?…"
_CLAUSE_END = "，、；;："
# What a reader does not read as text: footnote numbers in the text (77.2%¹), and the notes under it.
_FOOTNOTE_MARK = re.compile(r'<sup\b[^>]*>\s*<a\b[^>]*class="footnote-ref"[^>]*>.*?</a>\s*</sup>'
                            r'|(?:&nbsp;|\u00a0)?<a\b[^>]*class="footnote-backref"[^>]*>.*?</a>', re.S)
_FOOTNOTES = re.compile(r'<div class="footnote">.*?</div>', re.S)
# Marks that end or continue something before them: a summary never starts with one (「。学校…」).
_NO_START = "。，、；：！？…）》」』”’,.;:!?) \u3000"


@dataclass(frozen=True)
class Heading:
    """An entry of the article's table of contents: a heading, or a table or chart a reader looks for."""
    level: int       # 2, 3 or 4 (a table or chart one below the heading it follows)
    anchor: str      # the id the element carries
    text: str
    kind: str = "heading"   # "heading", "table" or "chart"


@dataclass(frozen=True)
class Reading:
    """What the pages show of a body besides its text: the body with its headings anchored, their
    list, its opening as a summary, its reading time and its first photo. Regular expressions over the
    whole body, so made once per body (reading_of) and kept in the build cache beside it."""
    html: str
    headings: tuple[Heading, ...]
    summary: str
    minutes: int
    photo: str   # the first <img> tag (site-root links, for rebase), or ""


SUMMARY_CHARS = 120
_FIRST_IMAGE = re.compile(r"<img\s[^>]*>")


@lru_cache(maxsize=20000)
def reading_of(html: str) -> Reading:
    """(Remembered in the process too: the live preview plans every page on each save.)"""
    anchored, headings = anchor_headings(html)
    photo = _FIRST_IMAGE.search(anchored)
    return Reading(anchored, headings, summary_of(anchored, SUMMARY_CHARS), reading_minutes(anchored),
                   photo.group(0) if photo else "")


def without_footnote_marks(html: str) -> str:
    """A body without the footnote numbers in its text and the ↩ links back to them (the notes stay)."""
    return _FOOTNOTE_MARK.sub("", html) if 'class="footnote' in html else html   # (most have none: a string search)


def reader_html(html: str) -> str:
    """A body without its footnote numbers and notes: the text a summary quotes."""
    return _FOOTNOTES.sub("", without_footnote_marks(html)) if 'class="footnote' in html else html


def anchor_headings(html: str) -> tuple[str, tuple[Heading, ...]]:
    """Give every h2-h4 of a body an id made from its words (as MkDocs does with Unicode slugs, so a
    shared link says where it points), and every table and chart one too (表1, 图1: a long article
    of figures is found by them), and list them in order for the table of contents."""
    entries: list[Heading] = []
    used = set(re.findall(r'\sid="([^"]+)"', html))
    counts = {"table": 0, "chart": 0}

    def unique(base: str) -> str:
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        return name

    def level_below() -> int:
        return min(4, next((e.level for e in reversed(entries) if e.kind == "heading"), 1) + 1)

    def anchor(match: re.Match) -> str:
        if match.group("heading"):
            level, attrs, inner = int(match.group("level")), match.group("hattrs") or "", match.group("inner")
            text = text_of(inner)
            existing = re.search(r'\sid="([^"]+)"', attrs)
            if existing:
                entries.append(Heading(level, existing.group(1), text))
                return match.group(0)
            name = unique(_ID_UNSAFE.sub("-", text).strip("-")[:40] or f"h{len(entries) + 1}")
            entries.append(Heading(level, name, text))
            return f'<h{level}{attrs} id="{htmllib.escape(name)}">{inner}</h{level}>'
        kind = "chart" if match.group("chart") else "table"
        counts[kind] += 1
        name = unique(f"{'图' if kind == 'chart' else '表'}{counts[kind]}")
        if kind == "chart":
            caption = re.search(r"<figcaption>(.*?)</figcaption>", html[match.end():match.end() + 20000], re.S)
            text = text_of(caption.group(1)) if caption else ""
        else:
            caption = re.match(r"[^<]*<table[^>]*>\s*<caption>(.*?)</caption>", html[match.end():match.end() + 2000], re.S)
            text = text_of(caption.group(1)) if caption else _columns(htmllib.unescape(match.group("label") or ""))
        text = text.strip("（）() ").replace("　", " ")
        entries.append(Heading(level_below(), name, f"{name} {text}" if text else name, kind))
        return f'{match.group(0)[:-1]} id="{name}">'

    return _LANDMARK.sub(anchor, html), tuple(entries)


def _columns(label: str) -> str:
    """A table without a title is named by its first columns: 表格：序号、名称、省份 -> 序号、名称等."""
    columns = label.removeprefix("表格：").split("、")
    return "、".join(columns[:2]) + ("等" if len(columns) > 2 else "")


def reading_minutes(html: str) -> int:
    """Minutes to read a body: its Chinese characters and its Latin words, at reading speed. (Characters
    of three UTF-8 bytes are Chinese or full-width marks: counted from the encoded length, in C.)"""
    text = without_tags(html)
    wide = (len(text.encode("utf-8")) - len(text)) // 2
    words = len(_LATIN_WORD.findall(text))
    return max(1, round(wide / CHARACTERS_PER_MINUTE + words / WORDS_PER_MINUTE))


def summary_of(html: str, limit: int) -> str:
    """The body's opening as a summary of at most `limit` characters: the paragraphs before the first
    heading after text (a summary never runs across a heading), cut after the last whole sentence that
    fits; a first sentence longer than that is cut at a clause mark, or at the limit, and ends with …….
    The text is the reader's: no footnote numbers or notes, and it starts where a sentence can."""
    html = reader_html(html[:20000])
    text = ""
    for match in _BLOCK.finditer(html):
        if match.group(1) != "p":
            if text:
                break
            continue
        if _NOT_PROSE.search(match.group(2) or ""):
            continue
        paragraph = text_of(match.group(3))
        if not paragraph:
            continue
        text = f"{text}{paragraph}" if not text or HAN_CHAR.match(paragraph) else f"{text} {paragraph}"
        if len(text) > limit:
            break
    if not text:   # no paragraph at all (a table, a list): its words, as they come
        text = text_of(without_tags(html[:4000], " "))
    text = text.lstrip(_NO_START)
    if len(text) <= limit:
        return text
    window = text[: limit + 1]
    cut = max(window.rfind(mark) for mark in _SENTENCE_END)
    if cut >= limit // 3:
        end = cut + 1
        while end < len(text) and text[end] in "”’」』）)":   # a closing quote belongs to its sentence
            end += 1
        if end <= limit:
            return text[:end]
    clause = max(window[:limit].rfind(mark) for mark in _CLAUSE_END)
    return (text[:clause] if clause >= limit // 3 else text[:limit]).rstrip() + "……"


class RelatedArticles:
    """Articles sharing an article's tags or its 栏目, those of other issues first, then the newest:
    what a reader of it would open next (its own issue's neighbours are linked already). Indexed once
    per build, so that an archive of thousands of articles does not compare every pair."""

    def __init__(self, articles: list[Article]):
        newest = sorted(articles, key=lambda a: (-a.date.toordinal(), a.issue_id, a.order))
        self._by_section: dict[str, list[Article]] = {}
        self._by_tag: dict[str, list[Article]] = {}
        for a in newest:
            self._by_section.setdefault(a.section, []).append(a)
            for tag in a.tags:
                self._by_tag.setdefault(tag, []).append(a)

    def of(self, article: Article, count: int = RELATED_COUNT) -> list[Article]:
        tags = set(article.tags)
        # (the newest few of each tag: a tag on hundreds of articles must not make each page rank them all)
        pool = {a.url: a for tag in tags for a in self._by_tag[tag][:TAG_POOL]}
        others = 0
        for a in self._by_section.get(article.section, ()):   # newest first: enough from other issues
            if others >= count:
                break
            pool.setdefault(a.url, a)
            others += a.issue_id != article.issue_id
        pool.pop(article.url, None)

        def rank(other: Article) -> tuple:
            return (-len(tags & set(other.tags)), other.issue_id == article.issue_id, other.section != article.section,
                    -other.date.toordinal(), other.order)

        return sorted(pool.values(), key=rank)[:count]
