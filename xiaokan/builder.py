"""The build pipeline, top to bottom: load -> convert -> plan -> render -> print -> write."""
from __future__ import annotations

import hashlib
import os
import posixpath
import time
from dataclasses import dataclass, field
from datetime import date
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
from .cache import (
    BuildCache,
    input_stamp,
    previous_report,
    read_pickle,
    worth_rewriting,
    write_pickle,
)
from .core.errors import ContentError, ContentErrors, ContentWarning
from .core.fingerprints import Fingerprints, TemplateDigests, engine_digest
from .core.i18n import _
from .core.parallel import iter_indices
from .core.reasons import explain_exception
from .paper.preflight import content_findings, site_findings
from .publish.output import (
    PRINT_DIR,
    SMALL_CHANGE,
    Staging,
    build_lock,
    check_output_dir,
    recover_interrupted,
    write_print_copies,
    write_site,
)
from .source.content import LoadResult, read_site
from .source.markup import Body
from .source.model import Site
from .web.cards import CARD_ISSUES, Card, card_path, make_cards
from .web.edition import make_edition
from .web.pagefind import PagefindError
from .web.pages import IssuePrint, Page, plan_pages
from .web.reading import reading_of
from .web.render import cn_date, make_environment, prepare_templates, render_page
from .web.search import IssueIndexes, for_index

if TYPE_CHECKING:
    from .paper.pdf import IssuePdf


@dataclass
class BuildOptions:
    pdf: bool = True                      # render PDFs whose inputs changed (else reuse cached ones only)
    issue_ids: tuple[str, ...] = ()       # limit PDF rendering to these issues (empty: all)
    search: bool = True                   # re-index for search when articles changed (else reuse the last index)
    cards: bool = True                    # draw missing social cards (else publish the cached ones only)
    out_dir: Path | None = None
    stale_pdf: bool = False               # the live preview: publish an issue's last PDF while a new one renders
    strict: bool = False                  # `pdf --strict`: a preflight warning stops the build
    drafts: bool = False                  # the preview: draft articles and issues too (never into print/)


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
    # What plan_pages was given besides the site and bodies (the preview plans a saved article's page
    # again ahead of its build): each issue's print edition, the social cards there are.
    prints: dict[str, IssuePrint] = field(default_factory=dict)
    cards: frozenset[str] = frozenset()
    pdf_files: dict[str, Path] = field(default_factory=dict)   # issue id -> its PDF in the PDF cache (as pdfs says)


def _search_indexes(site: Site, pages: list[Page], cache: BuildCache, out_dir: Path, refresh: bool) -> IssueIndexes:
    """The search indexes of the article pages, one per issue (an issue is re-indexed only when one of
    its article pages changed), made while the pages render. A page kept from the last build is read
    from out_dir when its issue is indexed again."""
    issues: dict[str, list[str]] = {issue.id: [] for issue in site.issues if issue.articles}
    for page in pages:
        if page.template == "article.html":
            issues.setdefault(page.path.split("/", 1)[0], []).append(page.path)

    def page_copy(path: str) -> str:
        return for_index((out_dir / path).read_text(encoding="utf-8"), path)

    return IssueIndexes(cache.dir, issues, page_copy, site.config.language, refresh)


def _search_files(search: IssueIndexes) -> dict[str, Path]:
    """The indexes, once Pagefind has made them (output path -> file)."""
    try:
        return search.finish()
    except Exception as exc:   # Pagefind's binary missing or failing: say so, leave output/ as it was
        reason = str(exc) if isinstance(exc, PagefindError) else explain_exception(exc)   # (Pagefind's own are translated)
        raise ContentError(None, None, _('the search index could not be built: {exc}').format(exc=reason),
                           _('run `make build` once to install Pagefind (pip package pagefind[bin])')) from exc


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
    loaded = read_site(root, memo, drafts=options.drafts)
    site = loaded.site
    # The social cards need only the titles: they are drawn meanwhile, by a process of their own.
    cards = make_cards(social_cards(site), root / "assets" / site.config.logo if site.config.logo else None,
                       root / ".cache" / "cards", draw=options.cards)
    try:
        made = _make_outputs(root, options, out_dir, log, loaded, cards.files, staging)
        cards.finish()
    finally:
        cards.stop()
    return made


def _make_outputs(root: Path, options: BuildOptions, out_dir: Path, log: Callable[[str], None], loaded: LoadResult,
                  cards: dict[str, Path], staging: Staging | None) -> Outputs:
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
    from .paper.pdf import issue_pdfs  # (WeasyPrint itself is imported only when a PDF is rendered)

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
        """(the page, or None once placed; its copy for the search index; its key)"""
        page, key = stale[i]
        data = render_page(env, page)
        copy = for_index(data.decode("utf-8"), page.path) if options.search and page.template == "article.html" else None
        if placing:
            staging.write(page.path, data)
            data = None
        return data, copy, key or page_key(page)

    placed: list[str] = []
    with _search_indexes(site, pages, cache, out_dir, options.search) as search:   # (Pagefind indexes while pages render)
        for path in kept:
            if path in article_keys:
                search.page(path, article_keys[path])
        prepare_templates(env, (page.template for page, _key in stale), template_digest)   # (the workers inherit them)
        rendered = iter_indices(render, len(stale))
        search.start()
        for (page, _known), (data, copy, key) in zip(stale, rendered):
            cache.written(page.path, key)
            if page.template == "article.html":
                search.page(page.path, key, copy)
            if data is None:
                placed.append(page.path)
            else:
                files[page.path] = data
        copies.update(_search_files(search))
    template_digest.save()
    printed = {issue.folder for issue in site.issues}   # (an issue in preparation, with no PDF, stops no print run)
    if options.strict and (failed := [w for w in warnings if w.kind == "warning"
                                      and not (w.path.name == "issue.yaml" and w.path.parent not in printed)]):
        raise ContentErrors([ContentError(w.path, w.line, w.message,
                                          _('pdf --strict publishes nothing while the preflight finds a problem'))
                             for w in failed])
    return Outputs(site, env, bodies, cache, warnings, len(pages), files, placed, kept, copies, pdfs, pdf_status,
                   prints, frozenset(cards))


DROPPED_SHOWN = 5   # pages named in the warning about pages no longer published


def _dropped_warning(out_dir: Path, dropped: list[str]) -> list[ContentWarning]:
    """A page the last build published and this one leaves out disappears from the live site with the
    next deploy: said once, by this build (not repeated by a rebuild that has nothing to do)."""
    if not dropped:
        return []
    shown = "、".join(path.removesuffix("index.html") or "/" for path in dropped[:DROPPED_SHOWN])
    more = "…" if len(dropped) > DROPPED_SHOWN else ""
    return [ContentWarning(out_dir, None, _(
        "{count} page(s) or PDF(s) published by the last build are not published any more: {paths}{more}; "
        "the next deploy removes them from the live site (a 数字报 or PDF whose issue PDF is not cached needs "
        "a build without --no-pdf)").format(count=len(dropped), paths=shown, more=more))]


def build(root: Path, options: BuildOptions, log: Callable[[str], None] = print) -> BuildReport:
    """Build the whole site into output/ (or options.out_dir); output/ changes only if all of it worked.
    Pages whose fingerprint is unchanged since the last build are kept, not rendered again.
    Each issue's PDF goes to print/ (for the print office) and, if site.yaml says so, onto the site."""
    started = time.perf_counter()
    with build_lock(root):
        out_dir = check_output_dir(root, options.out_dir or root / "output", explicit=options.out_dir is not None)
        recover_interrupted(out_dir)
        # (today: an article dated in the future is a warning until its day comes)
        stamp = input_stamp(root, repr((options.pdf, options.issue_ids, options.search, options.cards, options.strict,
                                        options.drafts, date.today())))
        previous = previous_report(root, out_dir, stamp)
        if previous is not None:   # nothing changed since the last build
            return BuildReport(previous["pages"], previous["articles"], previous["issues"], previous["pdfs"],
                               [ContentWarning(root / p, line, message, *kind) for p, line, message, *kind in previous["warnings"]],
                               time.perf_counter() - started,
                               pdf_files={i: Path(p) for i, p in previous.get("pdf_files", {}).items()})
        memo = read_pickle(root, "articles", engine_digest())
        read_before = {path: entry[0] for path, entry in memo.items()}
        staging = Staging(out_dir)
        try:
            made = make_outputs(root, options, out_dir, log, memo, staging)
            site = made.site
            if not options.drafts:   # (the print office never gets a PDF with drafts in it)
                write_print_copies(root / PRINT_DIR, {site_issue.pdf_name: made.pdfs[site_issue.id]
                                                      for site_issue in site.issues if site_issue.id in made.pdfs})
            write_site(out_dir, made.files, made.copies, made.kept, staging, linkable=root / ".cache")
        finally:
            staging.discard()   # (a build that failed leaves no half-made site behind)
        made.cache.record(made.copies)
        dropped = [] if options.drafts else made.cache.dropped([*made.files, *made.placed, *made.kept, *made.copies])
        report = BuildReport(made.pages, len(site.articles), len(site.issues), made.pdf_status,
                             made.warnings + _dropped_warning(out_dir, dropped),
                             time.perf_counter() - started, sorted([*made.files, *made.placed]), site, made.bodies,
                             made.prints, made.cards, made.pdfs)
        memo = {path: entry for path, entry in memo.items() if os.path.isfile(path)}
        if worth_rewriting(read_before.items(), ((path, entry[0]) for path, entry in memo.items())):
            write_pickle(root, "articles", engine_digest(), memo)
        made.cache.save(stamp, {   # the stamp from before the build: a file saved meanwhile is seen next time
            "pages": report.pages, "articles": report.articles, "issues": report.issues, "pdfs": report.pdfs,
            "pdf_files": {i: str(p) for i, p in report.pdf_files.items()},
            # (paths from the project: a copied or moved project's warnings name its own files)
            "warnings": [[_from_root(root, w.path), w.line, w.message, w.kind] for w in made.warnings]})
    return report


def _from_root(root: Path, path: Path) -> str:
    return os.path.relpath(path, root) if Path(path).is_relative_to(root) else str(path)
