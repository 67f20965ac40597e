"""The print edition: one PDF per issue, from templates/print/ through WeasyPrint."""
from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

import jinja2

from .cache import Fingerprints, TemplateDigests, engine_digest
from .datablocks import files_digest
from .errors import ContentError
from .markup import Body
from .model import Issue, Site, articles_by_section
from .qr import qr_svg
from .render import make_environment

PRINT_TEMPLATE = "print/issue.html"
# Pango may break after an opening quote or before a closing one; a word joiner forbids it (禁则).
_OPENING = "“‘（《〈「『【〔"
_CLOSING = "”’）》〉」』】〕。，、；：？！…"


def print_html(env: jinja2.Environment, site: Site, issue: Issue, bodies: dict[str, Body]) -> str:
    """The issue as one HTML document for print: cover, 目录, section openers, articles."""
    def qr(article) -> str | None:
        return qr_svg(site.config.base_url + article.url) if site.config.print.qr_codes else None

    groups = [(section, [(a, apply_kinsoku(print_links(bodies[a.url].html, site, issue)), qr(a)) for a in members])
              for section, members in articles_by_section(issue, site.config.sections)]
    created = issue_timestamp(issue)
    return env.get_template(PRINT_TEMPLATE).render(issue=issue, groups=groups, options=site.config.print,
                                                   created=created, base_url=site.config.base_url)


def print_links(html: str, site: Site, issue: Issue) -> str:
    """Links between articles: inside this issue they jump within the PDF, otherwise to the website."""
    def relink(match: re.Match) -> str:
        issue_id, slug = match.group(1), match.group(2)
        if issue_id == issue.id:
            return f'href="#{slug}"'
        return f'href="{site.config.base_url}{issue_id}/{slug}/"'
    return re.sub(r'href="\.\./\.\./([^/"]+)/([^/"]+)/index\.html(?:#[^"]*)?"', relink, html)


def apply_kinsoku(html: str) -> str:
    """Glue opening punctuation to the next character and closing punctuation to the previous one."""
    def glue(text: str) -> str:
        text = re.sub(f"([{_OPENING}])(?=[^\\s<])", "\\1\u2060", text)
        return re.sub(f"(?<=[^\\s>])([{_CLOSING}])", "\u2060\\1", text)
    # Only touch text between tags, never attributes.
    return re.sub(r">([^<]+)<", lambda m: ">" + glue(m.group(1)) + "<", html)


def issue_timestamp(issue: Issue) -> str:
    """A fixed creation date (SOURCE_DATE_EPOCH or the issue date) so that PDFs are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"{issue.date.isoformat()}T00:00:00Z"


class ProjectOnlyFetcher:
    """WeasyPrint url_fetcher that serves files inside the project and refuses everything else."""

    def __init__(self, allowed_roots: list[Path]):
        self.allowed_roots = [r.resolve() for r in allowed_roots]
        self.refused: list[str] = []

    def make(self):
        from urllib.parse import unquote, urlparse

        from weasyprint.urls import URLFetcher

        outer = self

        class Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                parsed = urlparse(url)
                if parsed.scheme == "data":
                    return super().fetch(url, headers)
                if parsed.scheme == "file":
                    path = Path(unquote(parsed.path)).resolve()
                    if any(root == path or root in path.parents for root in outer.allowed_roots) and path.is_file():
                        return super().fetch(url, headers)
                outer.refused.append(url)
                raise ValueError(f"xiaokan refuses to fetch {url}")

        return Fetcher()


def render_pdf(html: str, root: Path, issue: Issue, site: Site) -> tuple[bytes, int]:
    """HTML -> (PDF bytes, page count) with WeasyPrint; missing or outside resources are errors, not blanks."""
    from . import justify

    justify.install()
    import weasyprint

    fetcher = ProjectOnlyFetcher([root / "content", root / "assets", root / "templates"])
    options = site.config.print
    # Article HTML links images as ../name (relative to the article page); resolve them from the issue folder.
    base_url = (issue.folder / "article").resolve().as_uri() + "/"
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher.make()).render()
    pdf = document.write_pdf(
        pdf_variant="pdf/a-3b" if options.pdfa else None,
        pdf_identifier=hashlib.md5(html.encode()).hexdigest().encode(),
        uncompressed_pdf=False,
    )
    if fetcher.refused:
        listed = ", ".join(sorted(set(fetcher.refused)))
        raise ContentError(issue.folder, None, f"the print edition refers to files it may not use: {listed}",
                           "put images beside the article in its issue folder, or in assets/; remote URLs are not fetched")
    return pdf, len(document.pages)


@dataclass(frozen=True)
class IssuePdf:
    issue: Issue
    path: Path       # the PDF in the PDF cache, published by copying
    status: str      # "unchanged" or what rendering it took


def issue_pdfs(site: Site, bodies: dict[str, Body], options, log: Callable[[str], None],
               fingerprints: Fingerprints, template_digest: TemplateDigests) -> Iterator[IssuePdf]:
    """Each issue's PDF: rendered when its print inputs changed and options allow it, else taken from
    the cache. The cache key is computed from the inputs, so an unchanged issue costs no print HTML."""
    from .fonts import check_print_fonts

    root = site.root
    cache_dir = root / ".cache" / "pdf"
    env = None
    fonts_checked = False
    for issue in site.issues:
        key = print_key(site, issue, bodies, fingerprints, template_digest)
        cached = cache_dir / f"{issue.id}-{key}.pdf"
        if cached.is_file():
            yield IssuePdf(issue, cached, "unchanged")
            continue
        if not options.pdf or (options.issue_ids and issue.id not in options.issue_ids):
            continue
        if not fonts_checked:
            for warning in check_print_fonts():
                log(f"warning: {warning}")
            fonts_checked = True
        log(f"pdf {issue.id}: rendering {len(issue.articles)} articles …")
        started = time.perf_counter()
        env = env or make_environment(root / "templates", site)
        data, pages = render_pdf(print_html(env, site, issue, bodies), root, issue, site)
        seconds = time.perf_counter() - started
        cache_dir.mkdir(parents=True, exist_ok=True)
        for stale in cache_dir.glob(f"{issue.id}-*.pdf"):
            stale.unlink()
        temp = cached.with_suffix(".tmp")
        temp.write_bytes(data)
        os.replace(temp, cached)
        status = f"{pages} pages, {len(data) / 1024:.0f} KiB, {seconds:.1f} s"
        log(f"pdf {issue.id}: wrote {issue.pdf_name} ({status})")
        yield IssuePdf(issue, cached, status)


def print_key(site: Site, issue: Issue, bodies: dict[str, Body], fingerprints: Fingerprints,
              template_digest: TemplateDigests) -> str:
    """Everything the issue's PDF depends on: print templates, settings, the issue and its articles,
    their bodies and images, the engine and WeasyPrint, the fixed creation date."""
    import importlib.metadata

    digest = hashlib.sha256(engine_digest().encode())
    digest.update(importlib.metadata.version("weasyprint").encode())
    digest.update(template_digest(PRINT_TEMPLATE).encode())
    digest.update(fingerprints.of(site.config) + fingerprints.of(issue))
    digest.update(issue_timestamp(issue).encode())
    for article in issue.articles:
        body = bodies[article.url]
        digest.update(body.html.encode() + body.data_digest.encode())   # (its photos and CSVs, as checked)
    if issue.cover_image:
        digest.update(files_digest(issue.folder, [issue.cover_image]).encode())
    return digest.hexdigest()[:16]
