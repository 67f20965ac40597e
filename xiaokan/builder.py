"""The build pipeline, top to bottom: load -> convert -> plan -> render -> print -> write."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from .cache import (BuildCache, Fingerprints, TemplateDigests, engine_digest, input_stamp, previous_report, read_pickle,
                    write_pickle)
from .content import load_site
from .datablocks import BlockError
from .errors import ContentError, ContentErrors, ContentWarning
from .images import copy_path, make_copy
from .markup import Body, render_markdown
from .model import Article, Site
from .output import asset_copies, build_lock, write_site
from .pages import plan_pages
from .parallel import map_indices
from .references import reference_problems
from .render import make_environment, render_page
from .search import search_index, search_key


@dataclass
class BuildOptions:
    pdf: bool = True                      # render PDFs whose inputs changed (else reuse cached ones only)
    issue_ids: tuple[str, ...] = ()       # limit PDF rendering to these issues (empty: all)
    search: bool = True                   # re-index for search when articles changed (else reuse the last index)
    out_dir: Path | None = None


@dataclass
class BuildReport:
    pages: int
    articles: int
    issues: int
    pdfs: dict[str, str] = field(default_factory=dict)   # issue id -> status line
    warnings: list[ContentWarning] = field(default_factory=list)
    seconds: float = 0.0
    rendered: list[str] = field(default_factory=list)    # output files written anew (the rest were kept)
    site: Site | None = None
    bodies: dict[str, Body] = field(default_factory=dict)


def convert_articles(site: Site, cache: BuildCache | None = None) -> dict[str, Body]:
    """Article.url -> body HTML. Image paths are relative to the article page (one level below its issue)."""
    by_source = {_normal(a.source): a for a in site.articles}
    trust = site.config.trust_html
    bodies: dict[str, Body] = {}
    missing: list[tuple[Article, str]] = []
    for article in site.articles:
        key = hashlib.sha256(f"{trust}\0{article.source.parent.name}\0{article.body_md}".encode()).hexdigest()
        body = cache.body(key, article_link_resolver(article, by_source), article.source.parent) if cache else None
        if body is None:
            missing.append((article, key))
        else:
            bodies[article.url] = body

    def convert(i: int) -> Body:
        article = missing[i][0]
        try:
            return render_markdown(article.body_md, "../", trust, article_link_resolver(article, by_source),
                                   article.source.parent)
        except BlockError as e:
            raise ContentError(article.source, article.body_line + e.index, e.message, e.hint) from None

    for (article, key), body in zip(missing, map_indices(convert, len(missing))):
        bodies[article.url] = body
        if cache:
            cache.store_body(key, body)
    return {a.url: bodies[a.url] for a in site.articles}


def resized_images(site: Site, bodies: dict[str, Body], cache_dir: Path) -> dict[str, Path]:
    """output path -> smaller copy of a photo, for the srcset the article pages offer (made in parallel, cached)."""
    copies: dict[str, Path] = {}
    missing: dict[Path, tuple[Path, int]] = {}
    for article in site.articles:
        for src, width, rel in bodies[article.url].resized:   # (as planned when the Markdown was converted)
            source = article.source.parent / src
            cached = copies[f"{article.issue_id}/{rel}"] = copy_path(source, width, cache_dir)
            if not cached.is_file():
                missing[cached] = (source, width)
    # Resizing a photo takes ~0.1 s: worth a process pool from a handful of new photos on.
    targets = list(missing)
    map_indices(lambda i: make_copy(*missing[targets[i]], targets[i]), len(targets), min_batch=4)
    return copies


def _normal(path: Path) -> str:
    """An absolute, normalised path without touching the disk (Path.resolve() costs system calls)."""
    return os.path.normpath(os.path.abspath(path))


def article_link_resolver(article: Article, by_source: dict[str, Article]):
    """href of a link to another article's .md file -> that article's page, relative to this one."""
    def resolve(href: str) -> str | None:
        path, _, fragment = href.partition("#")
        target = by_source.get(_normal(article.source.parent / unquote(path)))
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


def _search_files(site: Site, cache: BuildCache, article_keys: dict[str, str], files: dict[str, bytes],
                  out_dir: Path, refresh: bool) -> dict[str, Path]:
    """The search index of the article pages (re-indexed only when one of them changed)."""
    def read_pages() -> dict[str, bytes | Path]:   # new pages from memory, kept ones from output/
        return {path: files[path] if path in files else out_dir / path for path in article_keys}
    try:
        return search_index(cache.dir, search_key(article_keys), read_pages, site.config.language, refresh)
    except Exception as exc:   # Pagefind's binary missing or failing: say so, leave output/ as it was
        raise ContentError(None, None, f"the search index could not be built: {exc}",
                           "run `make build` once to install Pagefind (pip package pagefind[extended])") from exc


def build(root: Path, options: BuildOptions, log: Callable[[str], None] = print) -> BuildReport:
    """Build the whole site into output/ (or options.out_dir); output/ changes only if all of it worked.
    Pages whose fingerprint is unchanged since the last build are kept, not rendered again."""
    started = time.perf_counter()
    out_dir = (options.out_dir or root / "output").resolve()
    with build_lock(root):
        stamp = input_stamp(root, repr((options.pdf, options.issue_ids, options.search)))
        previous = previous_report(root, out_dir, stamp)
        if previous is not None:   # nothing changed since the last build
            return BuildReport(previous["pages"], previous["articles"], previous["issues"], previous["pdfs"],
                               [ContentWarning(Path(p), line, message) for p, line, message in previous["warnings"]],
                               time.perf_counter() - started)
        memo = read_pickle(root, "articles", engine_digest())
        read_before = {path: entry[0] for path, entry in memo.items()}
        loaded = load_site(root, memo)
        site = loaded.site
        env = make_environment(root / "templates", site)
        fingerprints = Fingerprints()
        salt = hashlib.sha256(engine_digest().encode() + fingerprints.of(site.config)).hexdigest()
        cache = BuildCache(root, out_dir, salt)
        bodies = convert_articles(site, cache)
        warnings = loaded.warnings + _check_references(site, bodies)
        files: dict[str, bytes] = {}
        kept: list[str] = []
        copies = asset_copies(root, [i.folder for i in site.issues])
        copies.update(resized_images(site, bodies, root / ".cache" / "images"))
        template_digest = TemplateDigests(env)
        pdf_status: dict[str, str] = {}
        from .pdf import issue_pdfs  # (WeasyPrint itself is imported only when a PDF is rendered)

        for pdf in issue_pdfs(site, bodies, options, log, fingerprints, template_digest):
            copies[f"{pdf.issue.url}{pdf.issue.pdf_name}"] = pdf.path
            pdf_status[pdf.issue.id] = pdf.status
        pages = plan_pages(site, bodies, frozenset(pdf_status))
        stale, article_keys = [], {}
        for page in pages:
            key = hashlib.sha256(template_digest(page.template).encode() + fingerprints.of(page.context)).hexdigest()
            if page.template == "article.html":
                article_keys[page.path] = key
            if cache.unchanged(page.path, key):
                kept.append(page.path)
            else:
                stale.append(page)
        for page, data in zip(stale, map_indices(lambda i: render_page(env, stale[i]), len(stale))):
            files[page.path] = data
        copies.update(_search_files(site, cache, article_keys, files, out_dir, options.search))
        write_site(out_dir, files, copies, kept)
        cache.record(copies)
        report = BuildReport(len(pages), len(site.articles), len(site.issues), pdf_status, warnings,
                             time.perf_counter() - started, sorted(files), site, bodies)
        memo = {path: entry for path, entry in memo.items() if os.path.isfile(path)}
        if {path: entry[0] for path, entry in memo.items()} != read_before:
            write_pickle(root, "articles", engine_digest(), memo)
        cache.save(stamp, {   # the stamp from before the build: a file saved meanwhile is seen next time
            "pages": report.pages, "articles": report.articles, "issues": report.issues, "pdfs": report.pdfs,
            "warnings": [[str(w.path), w.line, w.message] for w in warnings]})
    return report
