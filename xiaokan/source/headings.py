"""Headings of the title's level inside an article body: the page's one h1 is the article's title, so
a `# …` line in the text makes a second title (on the page, in its outline, in the print contents)."""
from __future__ import annotations

import re

from ..core.errors import ContentWarning
from ..core.i18n import _
from .markup import Body
from .model import Article

_FENCE = re.compile(r"^\s*(```|~~~)")
_ATX_H1 = re.compile(r"^ {0,3}#(?:[ \t]|$)")
_SETEXT_H1 = re.compile(r"^ {0,3}=+[ \t]*$")
_HTML_H1 = re.compile(r"<h1[\s>]", re.IGNORECASE)


def title_headings(article: Article, body: Body) -> list[ContentWarning]:
    """A warning at each line of the body that makes a heading of the title's level (h1)."""
    if not _HTML_H1.search(body.html):
        return []
    lines = article.body_md.split("\n")
    found, fence = [], None
    for i, line in enumerate(lines):
        opener = _FENCE.match(line)
        if opener:
            fence = None if fence == opener.group(1) else (fence or opener.group(1))
            continue
        if fence:
            continue
        if _ATX_H1.match(line) or _HTML_H1.search(line) or (
                _SETEXT_H1.match(line) and i > 0 and lines[i - 1].strip()):
            found.append(article.body_line + i)
    message = _("a first-level heading (# …) in the text, where only the article's title may be one: "
                "write ## for a heading in the text")
    return [ContentWarning(article.source, line, message) for line in found or [None]]
