"""Did every paragraph of the Word file reach the article? The article is rendered by the site's own
Markdown renderer and its text taken as a reader sees it (no markup, no footnote numbers, no link
addresses); each paragraph of the document must be found in that text. Comparing what readers see,
not the Markdown source, keeps the report free of false alarms (a footnote mark, a link's address)
and honest about real losses (text the renderer would drop)."""
from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from ..core.i18n import _
from ..source.datablocks import BlockError
from ..source.markup import render_markdown
from .docxfront import key, meta_fields
from .docxpictures import CAPTION

_FOOTNOTE_MARKS = re.compile(r'<a\b[^>]*class="footnote-(?:ref|backref)"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")
MAX_LISTED = 20


def reader_text(markdown: str, folder: Path) -> str:
    """The article body's text as the web page shows it (BlockError if a table cannot be read)."""
    html = _FOOTNOTE_MARKS.sub("", render_markdown(markdown, folder=folder).html)
    return unescape(_TAG.sub(" ", html))


def _probes(paragraph: str) -> list[str]:
    """What of a paragraph must be in the article: a 作者/来源 line's values (they went to the front
    matter), a caption line's caption and credit (the 图1 label is not kept), else all of it."""
    fields = meta_fields(paragraph)
    if fields:
        return list(fields.values())
    caption = CAPTION.match(" ".join(paragraph.split()))
    if caption:
        return [part for part in caption.groups() if part]
    return [paragraph]


class _ArticleText:
    """The article's text, searched paragraph after paragraph. A document in order is found in one
    pass (each search starts where the last one ended). A paragraph that is not there costs a search
    of the whole text; after a few of those, a table of the text's short pieces answers most
    "not there" at once, so a document that lost thousands of paragraphs is checked in linear time too."""

    PIECE = 6
    SLOTS = (1 << 23) - 1
    SEARCHES_BEFORE_TABLE = 32

    def __init__(self, text: str):
        self.text, self.misses, self.pieces = text, 0, None

    def find(self, probe: str, cursor: int) -> int:
        if self.pieces is not None and not self._may_hold(probe):
            return -1
        at = self.text.find(probe, cursor)
        if at < 0:
            at = self.text.find(probe, 0, cursor + len(probe) - 1)   # (out of order: before the cursor)
        if at < 0:
            self.misses += 1
            if self.misses == self.SEARCHES_BEFORE_TABLE:
                self.pieces = bytearray(self.SLOTS + 1)
                for start in range(len(self.text) - self.PIECE + 1):
                    self.pieces[hash(self.text[start:start + self.PIECE]) & self.SLOTS] = 1
        return at

    def _may_hold(self, probe: str) -> bool:
        """False only when the text cannot hold probe (one of its pieces is nowhere in the text)."""
        return all(self.pieces[hash(probe[start:start + self.PIECE]) & self.SLOTS]
                   for start in range(0, len(probe) - self.PIECE + 1, self.PIECE))


def lost_paragraphs(paragraphs: tuple[str, ...], markdown: str, folder: Path, *front: str) -> list[str]:
    """The paragraphs (cut to 40 characters) not in the article's text nor in its front matter values."""
    try:
        have = _ArticleText(key(" ".join(front) + " " + reader_text(markdown, folder)))
    except BlockError as exc:
        return [_("the article's table cannot be read ({problem}); its text was not checked").format(problem=exc.message)]
    cursor = 0
    lost = []
    for paragraph in paragraphs:
        for probe in map(key, _probes(paragraph)):
            if not probe:
                continue
            at = have.find(probe, cursor)
            if at < 0:
                lost.append(" ".join(paragraph.split())[:40])
                break
            cursor = max(cursor, at + len(probe))
    if len(lost) > MAX_LISTED:
        lost[MAX_LISTED:] = [_("… and {count} more paragraphs").format(count=len(lost) - MAX_LISTED)]
    return lost
