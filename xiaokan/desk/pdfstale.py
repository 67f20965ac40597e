"""Which issues' print editions the saves since the last good build changed. The preview's PDF queue
(pdfworker.py) ends a running render only when its issue changed: a web-only template (article.html)
or the site's CSS leaves every PDF as it was, and a save in one issue leaves another issue's render
running.

An issue changed when its print key changed: paper/pdf.py's print_key, the one definition of what an
issue's PDF depends on (its articles and their bodies, photos and data files, issue.yaml and cover,
site.yaml, the print templates and all they pull in, the press profile, the engine), computed from
each good build's site and bodies. So this can never count less, or more, than the PDF cache does.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from ..builder import BuildReport
from ..core.errors import ContentError
from ..source.model import Site


class PrintKeys:
    """The print key of each issue of the preview as the last good build left it."""

    def __init__(self, root: Path):
        self.root = root
        self.keys: dict[str, str] | None = None   # (None: not known yet)

    def changed(self, site: Site, bodies: dict) -> set[str] | None:
        """The ids of the issues whose print key differs from the last build's, new issues included,
        and remember the new keys. None (every issue) the first time, or when a print template cannot
        be read (the render says which). bodies: the build's, every article's; empty when the build
        had nothing to do (then nothing changed since the keys were made, if they were)."""
        if not bodies:
            return None if self.keys is None else set()
        from ..core.fingerprints import FileDigests, Fingerprints, TemplateDigests
        from ..paper.issuepdfs import print_key
        from ..web.render import make_environment

        try:
            digests = TemplateDigests(make_environment(self.root / "templates", site), self.root / ".cache" / "build")
            files, fingerprints = FileDigests(self.root), Fingerprints(self.root)
            keys = {issue.id: print_key(site, issue, bodies, fingerprints, digests, files) for issue in site.issues}
        except (jinja2.TemplateError, ContentError, OSError):
            self.keys = None
            return None
        before, self.keys = self.keys, keys
        return None if before is None else {issue_id for issue_id, key in keys.items() if before.get(issue_id) != key}


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
