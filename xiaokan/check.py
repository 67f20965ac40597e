"""`build.py check`: every content problem at once, without writing output/."""
from __future__ import annotations

import re
from pathlib import Path

from .content import load_site
from .errors import ContentError, ContentErrors, ContentWarning
from .markup import render_markdown


def check_site(root: Path) -> tuple[list[ContentError], list[ContentWarning]]:
    """Load and validate everything; then look for images and links in articles that point nowhere."""
    try:
        loaded = load_site(root)
    except ContentErrors as exc:
        return exc.errors, []
    except ContentError as exc:
        return [exc], []
    problems: list[ContentError] = []
    for article in loaded.site.articles:
        html = render_markdown(article.body_md, "", loaded.site.config.trust_html)
        folder = article.source.parent
        for src in re.findall(r'<img[^>]*\ssrc="([^"]+)"', html):
            if not re.match(r"^[a-z]+:", src) and not (folder / src).is_file():
                problems.append(ContentError(article.source, _line_of(article, src), f"image {src!r} does not exist",
                                             f"put the file next to the article in {folder.name}/"))
        for href in re.findall(r'<a[^>]*\shref="([^"#]+)', html):
            if not re.match(r"^[a-z]+:", href) and not (folder / href).exists():
                problems.append(ContentError(article.source, _line_of(article, href), f"link to {href!r} points nowhere",
                                             "check the file name, or use a full https:// address"))
    return problems, loaded.warnings


def _line_of(article, needle: str) -> int | None:
    for i, line in enumerate(article.body_md.split("\n")):
        if needle in line:
            return article.body_line + i
    return None
