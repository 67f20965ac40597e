"""Which issues' print editions a save can change. The preview's PDF queue (pdfworker.py) ends a
running render only when the save made it stale: a web-only template (article.html) or the site's
CSS leaves every PDF as it was, and a save in one issue leaves another issue's render running.

What counts is what paper/pdf.py's print_key counts: the issue's folder (its articles, photos, data
files, cover), site.yaml, the print templates and every template they pull in, the press profile,
and font files anywhere in the project. (A guess that is too narrow costs a render, never a stale
PDF: the build after each render says whether the PDF is current, and the queue keeps it if not.)
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from ..builder import BuildReport
from ..core.errors import ContentError
from ..source.model import Site

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"})


class PrintInputs:
    """The project's print inputs as the last save left them (the print templates' digest)."""

    def __init__(self, root: Path, site: Site):
        self.root, self.site = root.resolve(), site   # (site: as the last good build read it)
        self.templates = self._template_digest()

    def touched(self, changed: list[Path]) -> set[str] | None:
        """The ids of the issues whose PDF the saved files can change (None: every issue's)."""
        profile = self.site.config.print.output_profile
        touched: set[str] = set()
        template_saved = False
        for saved in changed:
            path = saved.resolve()
            if path.suffix.lower() in FONT_SUFFIXES or path == self.root / "site.yaml" \
                    or (profile and path == (self.root / profile).resolve()):
                return None
            if path.is_relative_to(self.root / "content"):   # (an issue's folder, new ones too)
                touched.update(path.relative_to(self.root / "content").parts[:-1][:1])
            elif path.is_relative_to(self.root / "templates"):
                template_saved = True
        if template_saved:
            before, self.templates = self.templates, self._template_digest()
            if before is None or self.templates != before:
                return None
        return touched

    def _template_digest(self) -> str | None:
        """The print templates with all they include, import and extend (None: one cannot be read,
        which the render will report)."""
        from ..core.fingerprints import TemplateDigests
        from ..paper.pdf import BACK_TEMPLATE, PRINT_TEMPLATE
        from ..web.render import make_environment

        try:
            digests = TemplateDigests(make_environment(self.root / "templates", self.site), self.root / ".cache" / "build")
            return digests(PRINT_TEMPLATE) + digests(BACK_TEMPLATE)
        except (jinja2.TemplateError, OSError):
            return None


def preview_site(root: Path, report: BuildReport) -> Site | None:
    """The site the preview shows. (A build with nothing to do reports none: it is read then, as the
    build reads it, with the article memo.)"""
    from ..cache import read_pickle
    from ..core.fingerprints import engine_digest
    from ..source.content import read_site

    if report.site is not None:
        return report.site
    try:
        return read_site(root, read_pickle(root, "articles", engine_digest()), drafts=True).site
    except ContentError:   # (site.yaml broken since the build: the next save's build says so)
        return None
