"""The example text a new article is made with (`new`, the desk's 新建文章): an editor who writes
below it instead of replacing it would publish it (it showed in the issue page's summary). The build,
check and the desk's save warn at its line; 终审 refuses to publish an article that holds it."""
from __future__ import annotations

from ..core.errors import ContentWarning
from ..core.i18n import _

PLACEHOLDER_BODY = "在这里写正文。段落之间空一行。"
_MARK = "在这里写正文"   # (what is left of it when the editor deleted the rest)


def placeholder_lines(body_md: str) -> list[int]:
    """The indexes of the body's lines that still hold the example text."""
    if _MARK not in body_md:   # (every article, on every build: one search, not a split)
        return []
    return [index for index, line in enumerate(body_md.split("\n")) if _MARK in line]


def placeholder_message(line: int) -> str:
    return _('line {line} is still the example text of a new article, “在这里写正文…”: delete it or write the '
             'article in its place').format(line=line)


def placeholder_warnings(article) -> list[ContentWarning]:
    return [ContentWarning(article.source, article.body_line + index, placeholder_message(article.body_line + index))
            for index in placeholder_lines(article.body_md)]
