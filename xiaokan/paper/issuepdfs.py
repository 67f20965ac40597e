"""Each issue's PDF as the build needs it: taken from the PDF cache while its print inputs are the
same (print_key), rendered by `pdf` when they changed. Kept apart from `pdf` so that a build that
renders nothing (`--no-pdf`, an unchanged issue) does not import the typesetting and its rules."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Callable, Iterator

from ..core.fingerprints import FileDigests, Fingerprints, TemplateDigests, engine_digest
from ..core.i18n import _
from ..source.markup import Body
from ..source.model import Issue, Site
from ..web.edition import article_areas
from ..web.render import make_environment

PRINT_TEMPLATE = "print/issue.html"
BACK_TEMPLATE = "print/back.html"

def issue_timestamp(issue: Issue) -> str:
    """A fixed creation date (SOURCE_DATE_EPOCH or the issue date) so that PDFs are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{issue.date.isoformat()}T00:00:00Z"



@dataclass(frozen=True)
class IssuePdf:
    issue: Issue
    path: Path       # the press edition in the PDF cache (site.yaml's variant), copied to print/
    status: str      # "unchanged" or what rendering it took
    findings: tuple[str, ...] = ()   # the preflight's findings on the PDF (preflight.document_findings)
    areas: tuple = ()                # where its articles stand on its pages (edition.article_areas)
    pages: int = 0

    @property
    def reader(self) -> Path:
        """The reader's edition beside it: the site's download and the 数字报's pages."""
        return reader_path(self.path)


def reader_path(pdf: Path) -> Path:
    return pdf.with_suffix(".reader.pdf")


def _recorded(issue: Issue, pdf: Path, status: str) -> IssuePdf:
    """A cached PDF with the preflight findings and article areas recorded beside it."""
    try:
        record = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    return IssuePdf(issue, pdf, status, tuple(record.get("findings", ())), tuple(record.get("areas", ())),
                    record.get("pages", 0))


def issue_pdfs(site: Site, bodies: dict[str, Body], options, log: Callable[[str], None],
               fingerprints: Fingerprints, template_digest: TemplateDigests) -> Iterator[IssuePdf]:
    """Each issue's PDF: rendered when its print inputs changed and options allow it, else taken from
    the cache. The cache key is computed from the inputs, so an unchanged issue costs no print HTML."""
    files = FileDigests(site.root)
    try:
        yield from _issue_pdfs(site, bodies, options, log, fingerprints, template_digest, files)
    finally:
        files.save()


def _issue_pdfs(site: Site, bodies: dict[str, Body], options, log: Callable[[str], None],
                fingerprints: Fingerprints, template_digest: TemplateDigests, files: FileDigests) -> Iterator[IssuePdf]:
    from .fonts import check_print_fonts

    root = site.root
    cache_dir = root / ".cache" / "pdf"
    env = None
    fonts_checked = False
    for issue in site.issues:
        folder = cache_dir / issue.id   # (a folder each: no issue's name is the start of another's)
        render = options.pdf and (not options.issue_ids or issue.id in options.issue_ids)
        if not render and not folder.is_dir():
            continue   # no PDF of this issue to reuse and none to make: its key is not needed
        key = print_key(site, issue, bodies, fingerprints, template_digest, files)
        cached = folder / f"{key}.pdf"
        if intact(cached) and intact(reader_path(cached)):
            yield _recorded(issue, cached, "unchanged")
            continue
        if not render:
            earlier = [p for p in folder.glob("*.pdf") if not p.name.endswith(".reader.pdf")
                       and intact(p) and intact(reader_path(p))]
            if options.stale_pdf and earlier:   # the preview shows the last PDF meanwhile
                yield _recorded(issue, earlier[0], "being rendered again")
            continue
        from .pdf import print_html, render_pdf  # (the typesetting and WeasyPrint: only when one is rendered)
        from .preflight import document_findings

        if not fonts_checked:
            for warning in check_print_fonts():
                log(_('warning: {warning}').format(warning=warning))
            fonts_checked = True
        log(_('pdf {id}: rendering {count} articles …').format(id=issue.id, count=len(issue.articles)))
        started = time.perf_counter()
        env = env or make_environment(root / "templates", site)
        rendered = render_pdf(env, site, issue, bodies, print_html(env, site, issue, bodies), reader=True)
        data, pages = rendered.pdf, rendered.pages
        findings = document_findings(rendered.document, data, issue, site.config.print.pages_multiple_of)
        areas = article_areas(rendered.document)
        seconds = time.perf_counter() - started
        folder.mkdir(parents=True, exist_ok=True)
        cached.with_suffix(".json").write_text(json.dumps({"pages": pages, "findings": findings, "areas": areas},
                                                          ensure_ascii=False),
                                               encoding="utf-8")
        for path, content in ((reader_path(cached), rendered.reader), (cached, data)):   # (each whole once its digest is)
            temp = path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_bytes(content)
            os.replace(temp, path)
            path.with_suffix(".sha256").write_text(hashlib.sha256(content).hexdigest(), encoding="ascii")
        # The last PDF goes only once the new one is whole: a render cut off at any moment (the preview
        # ends stale ones) leaves it intact. (Files of this key stay: another build may be writing them.)
        for stale in folder.iterdir():
            if not stale.name.startswith(key + "."):
                stale.unlink(missing_ok=True)
        status = _("{pages} pages, {size:.0f} KiB, {seconds:.1f} s").format(pages=pages, size=len(data) / 1024,
                                                                           seconds=seconds)
        log(_('pdf {id}: wrote {pdf_name} ({status})').format(id=issue.id, pdf_name=issue.pdf_name, status=status))
        yield IssuePdf(issue, cached, status, tuple(findings), tuple(areas), pages)


def intact(pdf: Path) -> bool:
    """The cached PDF is whole: the digest recorded when it was written still matches its bytes."""
    try:
        recorded = pdf.with_suffix(".sha256").read_text(encoding="ascii").strip()
        return hashlib.sha256(pdf.read_bytes()).hexdigest() == recorded
    except OSError:
        return False


@cache
def _weasyprint_version() -> str:
    """(Looked up once: importlib.metadata reads every installed package's metadata to find it.)"""
    import importlib.metadata

    return importlib.metadata.version("weasyprint")


def print_key(site: Site, issue: Issue, bodies: dict[str, Body], fingerprints: Fingerprints,
              template_digest: TemplateDigests, files: FileDigests) -> str:
    """Everything the issue's PDF depends on: print templates, settings, the issue and its articles,
    their bodies and images, the engine and WeasyPrint, the fixed creation date. Files count by their
    bytes (files), not their times: a fresh clone with its .cache restored keeps its PDFs."""
    digest = hashlib.sha256(engine_digest().encode())
    digest.update(_weasyprint_version().encode())
    digest.update(template_digest(PRINT_TEMPLATE).encode() + template_digest(BACK_TEMPLATE).encode())
    digest.update(fingerprints.of(site.config) + fingerprints.of(issue))
    digest.update(issue_timestamp(issue).encode())
    for article in issue.articles:
        body = bodies[article.url]
        digest.update(body.html.encode())
        for name in body.data_files:   # (its photos and CSVs)
            digest.update(f"{name}\0{files.of(article.source.parent / name)}\n".encode())
    if issue.cover_image:
        digest.update(files.of(issue.folder / issue.cover_image).encode())
    if site.config.print.output_profile:   # (the shop's profile counts by its bytes, as photos do)
        digest.update(files.of(site.root / site.config.print.output_profile).encode())
    return digest.hexdigest()[:16]
