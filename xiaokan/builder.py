"""The build pipeline, top to bottom: load -> convert -> plan -> render -> print -> write."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from .content import load_site
from .errors import ContentErrors, ContentWarning
from .markup import Body, render_markdown
from .references import reference_problems
from .model import Article, Site
from .output import asset_copies, build_lock, write_site
from .pages import plan_pages
from .render import make_environment, render_page


@dataclass
class BuildOptions:
    pdf: bool = True                      # render PDFs whose inputs changed (else reuse cached ones only)
    issue_ids: tuple[str, ...] = ()       # limit PDF rendering to these issues (empty: all)
    out_dir: Path | None = None


@dataclass
class BuildReport:
    pages: int
    articles: int
    issues: int
    pdfs: dict[str, str] = field(default_factory=dict)   # issue id -> status line
    warnings: list[ContentWarning] = field(default_factory=list)
    seconds: float = 0.0


def convert_articles(site: Site) -> dict[str, Body]:
    """Article.url -> body HTML. Image paths are relative to the article page (one level below its issue)."""
    by_source = {a.source.resolve(): a for a in site.articles}
    return {a.url: render_markdown(a.body_md, "../", site.config.trust_html, article_link_resolver(a, by_source))
            for a in site.articles}


def article_link_resolver(article: Article, by_source: dict[Path, Article]):
    """href of a link to another article's .md file -> that article's page, relative to this one."""
    def resolve(href: str) -> str | None:
        path, _, fragment = href.partition("#")
        target = by_source.get((article.source.parent / unquote(path)).resolve())
        if target is None:
            return None
        return f"../../{target.url}index.html" + (f"#{fragment}" if fragment else "")
    return resolve


def _check_references(site: Site, bodies: dict[str, Body]) -> list[ContentWarning]:
    """Files outside the project stop the build; missing files are warnings (build.py check makes them errors)."""
    refused, warnings = [], []
    for article in site.articles:
        outside, missing = reference_problems(article, bodies[article.url], site.root)
        refused += outside
        warnings += [ContentWarning(m.path, m.line, m.message) for m in missing]
    if refused:
        raise ContentErrors(refused)
    return warnings


def build(root: Path, options: BuildOptions, log: Callable[[str], None] = print) -> BuildReport:
    """Build the whole site into output/ (or options.out_dir); output/ changes only if all of it worked."""
    started = time.perf_counter()
    out_dir = options.out_dir or root / "output"
    with build_lock(root):
        loaded = load_site(root)
        site = loaded.site
        bodies = convert_articles(site)
        warnings = loaded.warnings + _check_references(site, bodies)
        env = make_environment(root / "templates", site)
        files: dict[str, bytes] = {}
        pdf_status: dict[str, str] = {}
        if site.issues:
            from .pdf import issue_pdfs  # WeasyPrint is heavy: imported only when PDFs are involved

            for issue, data, status in issue_pdfs(site, env, bodies, options, log):
                files[f"{issue.url}{issue.pdf_name}"] = data
                pdf_status[issue.id] = status
        pages = plan_pages(site, bodies, frozenset(pdf_status))
        for page in pages:
            files[page.path] = render_page(env, page)
        write_site(out_dir, files, asset_copies(root, [i.folder for i in site.issues]))
    return BuildReport(len(pages), len(site.articles), len(site.issues), pdf_status, warnings,
                       time.perf_counter() - started)
