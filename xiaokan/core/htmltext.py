"""HTML read as text: the one tokenizer the wings share for the HTML the engine made (rendered bodies,
pages) and the raw HTML an article may hold.

A tag is `<` and a name (or `/`, `!`, `?`) up to the `>` that is not inside a quoted attribute value
(`<img alt="a>b">` is one tag); a comment ends at `-->`. A `<` followed by anything else is text, as a
browser reads it (`a < b`). The quantifiers are possessive: a `<` with no `>` after it costs one scan.
"""
from __future__ import annotations

import re
from html import unescape

MARKUP = re.compile(r"<(?:[a-zA-Z/?](?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>"
                    r"|!--.*?(?:-->|$)|!(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+>)", re.S)
_BLANKS = re.compile(r"\s+")


def without_tags(html: str, between: str = "") -> str:
    """html with its tags and comments left out (replaced by between), its entities as written."""
    return MARKUP.sub(between, html)


def text_of(fragment: str) -> str:
    """The plain text of an HTML fragment, entities undone and blanks collapsed to one space."""
    return _BLANKS.sub(" ", unescape(MARKUP.sub("", fragment))).strip()
