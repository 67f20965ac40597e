"""A build: whether there is anything to do (the inputs' stamp against the last build's), then the
pipeline's outputs (pipeline.make_outputs) written into output/ and print/ as one change."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .buildoptions import BuildOptions
from .cache import (
    input_stamp,
    output_place,
    previous_report,
    read_pickle,
    worth_rewriting,
    write_pickle,
)
from .core.errors import ContentWarning
from .core.fingerprints import engine_digest
from .core.i18n import _
from .publish.output import (
    PRINT_DIR,
    Staging,
    build_lock,
    check_output_dir,
    recover_interrupted,
    write_print_copies,
    write_site,
)

if TYPE_CHECKING:
    from .source.markup import Body
    from .source.model import Site
    from .web.pages import IssuePrint


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


def _dropped(root: Path, out_dir: Path, made, options: BuildOptions) -> tuple[list[str], list[ContentWarning]]:
    """A page the last build into out_dir published and this one leaves out disappears from the live site
    with the next deploy: said once, by this build (not repeated by a rebuild that has nothing to do), by
    the articles' titles and issues. The issue warning of an issue that was published and is not any more
    says that its pages go (publish/gone.py). Returns the warning and the warnings of the build as said."""
    from .publish.gone import build_warning, gone_issues, page_titles, read_titles, write_titles
    from .source.model import unpublished_issue_message

    warnings = made.warnings
    if options.drafts:
        return [], warnings
    place = output_place(root, out_dir)
    titles = read_titles(root, place)
    gone = made.cache.dropped([*made.files, *made.placed, *made.kept, *made.copies])
    known = page_titles(made.site)
    write_titles(root, place, known)
    if not gone:
        return [], warnings
    titles = {**known, **titles}   # (what pages gone showed: the record's)
    issues = gone_issues(gone, titles)
    was = unpublished_issue_message()
    warnings = [ContentWarning(w.path, w.line, unpublished_issue_message(published_before=True), w.kind)
                if w.message == was and Path(w.path).name == "issue.yaml" and Path(w.path).parent.name in issues else w
                for w in warnings]
    return [ContentWarning(out_dir, None, build_warning(gone, titles))], warnings


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
        from .pipeline import make_outputs  # (the engine itself: a build with nothing to do never loads it)

        staging = Staging(out_dir)
        try:
            made = make_outputs(root, options, out_dir, log, memo, staging)
            site = made.site
            if not options.drafts:   # (the print office never gets a PDF with drafts in it)
                write_print_copies(root / PRINT_DIR, {site_issue.pdf_name: made.pdfs[site_issue.id]
                                                      for site_issue in site.issues if site_issue.id in made.pdfs})
            if options.stages:
                log(_('putting the new website in place …'))
            write_site(out_dir, made.files, made.copies, made.kept, staging, linkable=root / ".cache")
        finally:
            staging.discard()   # (a build that failed leaves no half-made site behind)
        made.cache.record(made.copies)
        dropped, warnings = _dropped(root, out_dir, made, options)
        report = BuildReport(made.pages, len(site.articles), len(site.issues), made.pdf_status, warnings + dropped,
                             time.perf_counter() - started, sorted([*made.files, *made.placed]), site, made.bodies,
                             made.prints, made.cards, made.pdfs)
        memo = {path: entry for path, entry in memo.items() if os.path.isfile(path)}
        if worth_rewriting(read_before.items(), ((path, entry[0]) for path, entry in memo.items())):
            write_pickle(root, "articles", engine_digest(), memo)
        made.cache.save(stamp, {   # the stamp from before the build: a file saved meanwhile is seen next time
            "pages": report.pages, "articles": report.articles, "issues": report.issues, "pdfs": report.pdfs,
            "pdf_files": {i: str(p) for i, p in report.pdf_files.items()},
            # (paths from the project: a copied or moved project's warnings name its own files)
            "warnings": [[_from_root(root, w.path), w.line, w.message, w.kind] for w in warnings]})
    return report


def _from_root(root: Path, path: Path) -> str:
    return os.path.relpath(path, root) if Path(path).is_relative_to(root) else str(path)
