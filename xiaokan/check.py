"""`build.py check`: every content problem at once, without writing output/."""
from __future__ import annotations

from pathlib import Path

from .builder import convert_articles
from .content import load_site
from .errors import ContentError, ContentErrors, ContentWarning
from .references import reference_problems


def check_site(root: Path) -> tuple[list[ContentError], list[ContentWarning]]:
    """Load and validate everything; then look for images and links in articles that point nowhere."""
    try:
        loaded = load_site(root)
    except ContentErrors as exc:
        return exc.errors, []
    except ContentError as exc:
        return [exc], []
    problems: list[ContentError] = []
    try:
        bodies = convert_articles(loaded.site)
    except ContentError as exc:   # a table or chart that cannot be made
        return [exc], loaded.warnings
    for article in loaded.site.articles:
        refused, missing = reference_problems(article, bodies[article.url], root)
        problems += refused + missing
    return problems, loaded.warnings
