"""The saved article's page first: written into the preview before the build that follows the save.

A save's build plans, fingerprints and checks every page of the site (0.7 s at 1,000 articles on a
loaded machine), while the editor looks at one page: the article saved. So when a save is one
article's Markdown, that article is read again, converted, checked, and its page planned as the build
plans it (plan_pages with the last good build's site, print editions and cards, the article replaced)
and written at once; the browser reloads, and the build makes everything else (lists, neighbours,
feed, sitemap, search index, cards) in the background (buildqueue.py), writing this page again.

Anything unusual leaves the page to the build: not exactly one article file, an article the last
good build did not show, a new address, a problem of any kind (the build reports it with the file and
line), photos or files it links that the last build did not publish.
"""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import jinja2

from ..bodies import content_problems, convert_bodies
from ..builder import BuildReport
from ..core.errors import ContentError
from ..source.content import ARTICLE_SUFFIXES, load_article
from ..source.model import Article, Site
from ..web.pages import plan_pages
from ..web.render import make_environment, render_page


class SavedPage:
    """Writes a saved article's page into the preview folder out_dir ahead of the build."""

    def __init__(self, root: Path, out_dir: Path):
        self.root, self.out_dir = root, out_dir
        self._env: jinja2.Environment | None = None   # (kept while site.yaml stays the same)
        self._config = None

    def write(self, report: BuildReport | None, changed: list[Path]) -> tuple[Article, bytes] | None:
        """(the article, its page as written) when the save was one article's Markdown whose page could
        be made from it; None when the build must do it all."""
        if report is None or report.site is None or len(changed) != 1 or \
                changed[0].suffix.lower() not in ARTICLE_SUFFIXES:
            return None
        site = report.site
        old = _article_of(site, changed[0])
        if old is None:
            return None
        issue = next(i for i in site.issues if i.id == old.issue_id)
        try:
            new = load_article(old.source, issue.id, issue.date, site.config, [], drafts=True)
        except (ContentError, OSError):
            return None
        if new is None or new.slug != old.slug:
            return None
        articles = sorted((new if a is old else a for a in issue.articles), key=lambda a: (a.order, a.source.name))
        saved_issue = replace(issue, articles=tuple(articles))
        saved_site = replace(site, issues=tuple(saved_issue if i is issue else i for i in site.issues))
        bodies, problems = convert_bodies(saved_site, None, (new,))
        body, before = bodies[new.url], report.bodies.get(old.url)
        if problems or before is None or body.references != before.references or body.resized != before.resized:
            return None   # (a problem, or a photo or file the preview does not have yet: the build's)
        bodies = {**report.bodies, new.url: body}
        if content_problems(saved_site, bodies, articles=(new,)):
            return None
        path = f"{new.url}index.html"
        try:
            page = next(p for p in plan_pages(saved_site, bodies, report.prints, report.cards) if p.path == path)
            data = render_page(self._environment(saved_site), page)
        except (ContentError, StopIteration):
            return None
        target = self.out_dir / path
        temp = target.with_name(f".{target.name}.saved")
        try:
            temp.write_bytes(data)
            os.replace(temp, target)
        except OSError:   # (the preview folder gone: the build after makes it again)
            return None
        return new, data

    def _environment(self, site: Site) -> jinja2.Environment:
        if self._env is None or self._config != site.config:
            self._env, self._config = make_environment(self.root / "templates", site), site.config
        return self._env


def _article_of(site: Site, saved: Path) -> Article | None:
    """The article whose source file was saved (compared by name first: resolving every path costs)."""
    resolved = saved.resolve()
    return next((a for a in site.articles if a.source.name in (saved.name, resolved.name)
                 and a.source.resolve() == resolved), None)
