"""What a build makes, top to bottom: load -> convert -> check -> plan -> render -> print -> index,
held in memory (Outputs) for `build` to write or `check` to inspect. Imported by builder only when
there is something to make: a build with nothing to do ends before any of this is loaded."""
from __future__ import annotations

import hashlib
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import jinja2

from .bodies import (
    body_warnings,
    content_problems,
    convert_bodies,
    in_file_order,
    published_files,
    resized_images,
)
from .buildoptions import BuildOptions
from .cache import (
    BuildCache,
)
from .core.errors import ContentError, ContentErrors, ContentWarning
from .core.fingerprints import Fingerprints, TemplateDigests, engine_digest
from .core.i18n import _
from .core.parallel import iter_indices
from .paper.preflight import content_findings, site_findings
from .publish.output import (
    SMALL_CHANGE,
    Staging,
)
from .source.content import LoadResult, read_site
from .source.markup import Body
from .source.model import Site
from .web.cards import CARD_ISSUES, Card, card_path, make_cards
from .web.edition import make_edition
from .web.pages import IssuePrint, Page, plan_pages
from .web.reading import reading_of
from .web.render import cn_date, make_environment, prepare_templates, render_page
from .web.search import IssueIndexes, search_record

if TYPE_CHECKING:
    from .paper.issuepdfs import IssuePdf

PROGRESS_PAGES = 50   # (a stage line at least every this many pages, a quarter of them at most)


def _search_indexes(site: Site, pages: list[Page], cache: BuildCache, out_dir: Path, refresh: bool) -> IssueIndexes:
    """The search shards of the article pages, one per issue (an issue's is made again only when one of
    its article pages changed), made while the pages render. A page kept from the last build is read
    from out_dir when its issue is indexed again."""
    issues: dict[str, tuple[str, list[str]]] = {issue.id: (f"{site.config.title} {issue.title}", []) for issue in site.issues
                                               if issue.articles}
    articles = {page.path: page for page in pages if page.template == "article.html"}
    for path in articles:
        issues[path.split("/", 1)[0]][1].append(path)

    def record_of(path: str) -> str:
        return _search_record((out_dir / path).read_text(encoding="utf-8"), articles[path])

    return IssueIndexes(cache.dir, issues, record_of, refresh)


def _search_record(html: str, page: Page) -> str:
    article = page.context["view"].article
    return search_record(html, page.url, article.title, article.section, article.date.isoformat())


def _issue_print(site: Site, pdf: IssuePdf, copies: dict[str, Path], cache_dir: Path, drafts: bool,
                 content: frozenset[str]) -> IssuePrint:
    """What the site shows of an issue's PDF: the download (if site.yaml publishes it) and the 数字报.
    content: the output paths editors' files take; the issue's PDF gives way to them."""
    issue = pdf.issue
    on_site = site.config.print.publish_on_site
    pdf_name = untaken(f"{issue.url}{issue.pdf_name}", content).removeprefix(issue.url)
    if on_site:
        copies[f"{issue.url}{pdf_name}"] = pdf.reader   # (the reader's edition; print/ gets the press's)
    edition = None
    if site.config.print.digital_edition:
        edition, images = make_edition(issue.id, pdf.reader, list(pdf.areas), {a.slug for a in issue.articles}, cache_dir,
                                       render=not drafts)
        copies.update(images)
    pages = len(edition.pages) if edition else pdf.pages
    return IssuePrint(pdf_name if on_site else None, pages, pdf.reader.stat().st_size, edition)


def untaken(path: str, taken: frozenset[str]) -> str:
    """path, or the first of path-2, path-3 … (before its extension) that is not taken: a file the
    site makes moves out of the way of an editor's file of the same name, never over it."""
    stem, dot, extension = path.rpartition(".") if "." in posixpath.basename(path) else (path, "", "")
    n = 1
    while path in taken:
        n += 1
        path = f"{stem}-{n}{dot}{extension}"
    return path


def social_cards(site: Site) -> list[Card]:
    """The og:image of every issue page (the home page shows the latest issue's) and of the articles of
    the newest CARD_ISSUES issues, which are the ones shared in chats; an older article shows its
    issue's card (at ~3 ms a card, an archive of thousands would otherwise draw for seconds)."""
    config = site.config
    cards = []
    for n, issue in enumerate(site.issues):
        numbers = f"总第{issue.total_number}期 · " if issue.total_number else ""
        cards.append(Card(card_path(issue.url), config.title, config.school, f"{config.title} {issue.title}",
                          f"{numbers}{cn_date(issue.date)}"))
        if n < CARD_ISSUES:
            cards += [Card(card_path(a.url), config.title, config.school, a.title,
                           f"「{a.section}」 · {issue.title} · {cn_date(a.date)}") for a in issue.articles]
    return cards


@dataclass
class Outputs:
    """Everything a build would publish, made but not yet written: what check inspects, build writes."""
    site: Site
    env: jinja2.Environment
    bodies: dict[str, Body]
    cache: BuildCache
    warnings: list[ContentWarning]
    pages: int
    files: dict[str, bytes]        # output path -> rendered page
    placed: list[str]              # output paths of pages rendered straight into the staging folder
    kept: list[str]                # output paths whose page in out_dir is still right
    copies: dict[str, Path]        # output path -> file published as it is
    pdfs: dict[str, Path]          # issue id -> its PDF (in the PDF cache)
    pdf_status: dict[str, str]
    prints: dict[str, IssuePrint]
    cards: frozenset[str]


def make_outputs(root: Path, options: BuildOptions, out_dir: Path, log: Callable[[str], None],
                 memo: dict | None = None, staging: Staging | None = None) -> Outputs:
    """load -> convert -> check -> plan -> render -> print -> index, writing nothing outside .cache/
    but, given a staging folder, the rendered pages of a large change into it (see output.Staging).
    Raises ContentErrors with every problem that would break a page or the print edition."""
    say = log if options.stages else _silent
    say(_('reading the articles …'))
    loaded = read_site(root, memo, drafts=options.drafts)
    site = loaded.site
    say(_('read {articles} article(s) of {issues} issue(s); checking them …').format(
        articles=len(site.articles), issues=len(site.issues)))
    # The social cards need only the titles: they are drawn meanwhile, by a process of their own.
    cards = make_cards(social_cards(site), root / "assets" / site.config.logo if site.config.logo else None,
                       root / ".cache" / "cards", draw=options.cards)
    try:
        made = _make_outputs(root, options, out_dir, log, say, loaded, cards.files, staging)
        cards.finish()
    finally:
        cards.stop()
    return made


def _silent(line: str) -> None:
    pass


def _make_outputs(root: Path, options: BuildOptions, out_dir: Path, log: Callable[[str], None], say: Callable[[str], None],
                  loaded: LoadResult, cards: dict[str, Path], staging: Staging | None) -> Outputs:
    site = loaded.site
    env = make_environment(root / "templates", site)
    fingerprints = Fingerprints(root)
    salt = hashlib.sha256(engine_digest().encode() + fingerprints.of(site.config)).hexdigest()
    cache = BuildCache(root, out_dir, salt)
    bodies, problems = convert_bodies(site, cache)
    problems += content_problems(site, bodies, frozenset(Path(p.path) for p in loaded.problems if p.path))
    if loaded.problems or problems:   # every problem of every file, found in one pass
        raise ContentErrors(in_file_order(loaded.problems + problems))
    copies = published_files(site, bodies, root / ".cache")
    content = frozenset(copies)   # (taken by editors' files: nothing the build makes may replace one)
    copies.update(resized_images(site, bodies, root / ".cache" / "images"))
    template_digest = TemplateDigests(env, cache.dir)
    from .paper.issuepdfs import issue_pdfs  # (the typesetting and WeasyPrint: only when a PDF is rendered)

    pdfs: dict[str, Path] = {}
    pdf_status: dict[str, str] = {}
    warnings = list(loaded.warnings) + body_warnings(site.articles, bodies) + (site_findings(site) if site.issues else [])
    for issue in site.issues:
        warnings += content_findings(site, issue, bodies)
    prints: dict[str, IssuePrint] = {}
    for pdf in issue_pdfs(site, bodies, options, log, fingerprints, template_digest):
        pdfs[pdf.issue.id] = pdf.path
        pdf_status[pdf.issue.id] = pdf.status
        warnings += [ContentWarning(pdf.issue.folder / "issue.yaml", None, _('print: {finding}').format(finding=finding))
                     for finding in pdf.findings]
        if site.config.print.digital_edition:
            say(_('数字报 {id}: making the {pages} page(s) of {title} into pictures …').format(
                id=pdf.issue.id, pages=pdf.pages, title=pdf.issue.title))
        prints[pdf.issue.id] = _issue_print(site, pdf, copies, root / ".cache" / "edition", options.drafts, content)
    copies.update(cards)
    pages = plan_pages(site, bodies, prints, frozenset(cards), lambda html: cache.reading(html, reading_of))
    files: dict[str, bytes] = {}
    kept: list[str] = []
    stale: list[tuple[Page, str | None]] = []   # pages to render, with their key when known
    article_keys: dict[str, str] = {}

    def page_key(page: Page) -> str:
        return hashlib.sha256(salt.encode() + template_digest(page.template).encode()
                              + fingerprints.of(page.context)).hexdigest()

    for page in pages:
        if not cache.may_keep(page.path):   # (a first build: keys are computed by the render workers)
            stale.append((page, None))
            continue
        key = page_key(page)
        if page.template == "article.html":
            article_keys[page.path] = key
        if cache.unchanged(page.path, key):
            kept.append(page.path)
        else:
            stale.append((page, key))
    # A large change is assembled anew: the render workers write their pages straight into it.
    placing = staging is not None and (not out_dir.is_dir() or len(stale) > SMALL_CHANGE * len(pages))
    if placing:
        staging.open()

    def render(i: int) -> tuple[bytes | None, str | None, str]:
        """(the page, or None once placed; its record for the search index; its key)"""
        page, key = stale[i]
        data = render_page(env, page)
        record = _search_record(data.decode("utf-8"), page) if options.search and page.template == "article.html" else None
        if placing:
            staging.write(page.path, data)
            data = None
        return data, record, key or page_key(page)

    placed: list[str] = []
    search = _search_indexes(site, pages, cache, out_dir, options.search)   # (an issue's shard is made once its pages are)
    for path in kept:
        if path in article_keys:
            search.page(path, article_keys[path])
    say((_('writing {count} page(s) of the website ({kept} unchanged) …') if kept else _(
        'writing {count} page(s) of the website …')).format(count=len(stale), kept=len(kept)))
    prepare_templates(env, (page.template for page, _key in stale), template_digest)   # (the workers inherit them)
    every = max(PROGRESS_PAGES, len(stale) // 4)
    for n, ((page, _known), (data, record, key)) in enumerate(zip(stale, iter_indices(render, len(stale))), start=1):
        if n % every == 0 and n < len(stale):
            say(_('pages: {done} of {count} written …').format(done=n, count=len(stale)))
        cache.written(page.path, key)
        if page.template == "article.html":
            search.page(page.path, key, record)
        if data is None:
            placed.append(page.path)
        else:
            files[page.path] = data
    say(_('pages: all {count} written; updating the search …').format(count=len(stale)))
    copies.update(search.finish())
    template_digest.save()
    printed = {issue.folder for issue in site.issues}   # (an issue in preparation, with no PDF, stops no print run)
    if options.strict and (failed := [w for w in warnings if w.kind == "warning"
                                      and not (w.path.name == "issue.yaml" and w.path.parent not in printed)]):
        raise ContentErrors([ContentError(w.path, w.line, w.message,
                                          _('pdf --strict publishes nothing while the preflight finds a problem'))
                             for w in failed])
    return Outputs(site, env, bodies, cache, warnings, len(pages), files, placed, kept, copies, pdfs, pdf_status,
                   prints, frozenset(cards))
