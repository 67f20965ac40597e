"""Preflight: characters that no installed font has. Pango falls back from Noto CJK to any font that has a
character, so what is left prints as an empty box (in the PDF, and on the social card, which falls back
the same way): each such character is named with the file and line it was written on."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from ..core.errors import ContentWarning
from ..core.i18n import _
from ..source.markup import Body
from ..source.model import Issue, Site
from ..web.glyphs import undrawable
from .fonts import BODY_FONT, HEADING_FONT


def issue_glyph_findings(issue: Issue, bodies: dict[str, Body]) -> list[ContentWarning]:
    """The issue's printed texts: each article (its settings and body) and issue.yaml's values."""
    sources = [(a.source, "\n".join(filter(None, (a.title, a.subtitle, a.author, a.source_line, bodies[a.url].html))))
               for a in issue.articles]
    imprint = (str(value) for value in dataclasses.astuple(issue.imprint) if value)
    sources.append((issue.folder / "issue.yaml", "\n".join((issue.title, issue.summary, *issue.editors, *imprint))))
    return glyph_findings(sources)


def site_glyph_findings(site: Site) -> list[ContentWarning]:
    """site.yaml's printed values: the masthead, the school, the internal notice."""
    config = site.config
    return glyph_findings([(site.root / "site.yaml", "\n".join((config.title, config.school, config.print.internal_notice or "")))])


def glyph_findings(sources: list[tuple[Path, str]]) -> list[ContentWarning]:
    """A warning for each line of a file holding characters that no font draws. sources: (file, the text
    of it that is printed); the characters are looked up in the file to give their line."""
    missing = undrawable((text for _, text in sources), (BODY_FONT, HEADING_FONT))
    findings = []
    for path, text in sources:
        here = [char for char in missing if char in text]
        if not here:
            continue
        for line, chars in _lines_of(path, here).items():
            listed = "、".join(f"「{char}」(U+{ord(char):04X})" for char in chars)
            findings.append(ContentWarning(path, line, _(
                "no installed font has {characters}: they print as empty boxes in the PDF and on the social card; "
                "install a font that has them (`make build` installs fonts-hanazono for rare characters and "
                "fonts-symbola for emoji) or write them another way").format(characters=listed)))
    return findings


def _lines_of(path: Path, chars: list[str]) -> dict[int | None, list[str]]:
    """line -> the characters first written on it (None: not found as written)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    found: dict[int | None, list[str]] = {}
    for char in chars:
        line = next((n for n, text in enumerate(lines, start=1) if char in text), None)
        found.setdefault(line, []).append(char)
    return found
