"""The print edition: one PDF per issue, from templates/print/ through WeasyPrint."""
from __future__ import annotations

import hashlib
import re
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import jinja2
from markupsafe import Markup, escape

from ..core.errors import ContentError
from ..core.i18n import _
from ..core.urls import absolute, is_placeholder, rebase, source_path
from ..source.markup import Body
from ..source.model import PRESS_VARIANTS, Issue, Site, articles_by_section
from ..web.render import render_template
from .cover import contents_entry, fitted_cover
from .fetcher import ProjectOnlyFetcher
from .grid import BODY_PT, MM, grid_for
from .inks import press_inks
from .intent import output_intent
from .issuepdfs import BACK_TEMPLATE, PRINT_TEMPLATE, issue_timestamp
from .longtables import printed_bodies, with_notes
from .makeup import adjusted, make_up, numbered, sink
from .merged import repeat_merged_labels
from .press import cmyk_photo, cmyk_svg_colors, color_profiles, crop_marks, palette
from .pressfile import press_finisher, without_links
from .printmarkup import address, print_markup
from .qr import qr_svg
from .reader import reader_pdf
from .typeset import balanced_title, typeset

_SRCSET = re.compile(r'\s(?:srcset|sizes)="[^"]*"')
_ATTACHMENT_REL = re.compile(r"""\srel\s*=\s*(["']?)[^"'>]*attachment[^"'>]*\1""", re.IGNORECASE)
# Trimmed page sizes in mm (portrait), as CSS names them.
PAGE_MM = {"A3": (297, 420), "A4": (210, 297), "A5": (148, 210), "B4": (250, 353), "B5": (176, 250),
           "letter": (215.9, 279.4), "legal": (215.9, 355.6)}


@dataclass(frozen=True)
class ProofMark:
    """校样: the watermark of a proof PDF."""
    number: int
    day: str   # 2024年7月2日


def print_html(env: jinja2.Environment, site: Site, issue: Issue, bodies: dict[str, Body],
               proof: ProofMark | None = None) -> str:
    """The issue as one HTML document for print: cover with 本期要目, then the sections, run on."""
    options = site.config.print

    def qr(article) -> str | None:
        return qr_svg(site.config.base_url + article.url) if prints_qr_codes(site.config) else None

    sections = articles_by_section(issue, site.config.sections)
    printed = printed_bodies(sections, bodies)

    def body(article) -> str:
        html, leave_out = printed[article.url]
        return article_html(with_notes(html, leave_out, absolute(site.config.base_url, article.url)), site, issue)

    groups = [(section, [(a, body(a), qr(a)) for a in members]) for section, members in sections]
    grid = grid_for(*page_mm(options))
    em_per_line = grid.chars * BODY_PT / grid.title_pt * 0.97

    def title(text: str) -> Markup:
        return Markup(typeset(grid.title_html(balanced_title(text, em_per_line))))

    html = render_template(env, PRINT_TEMPLATE, dict(
        issue=issue, groups=groups, options=options, created=issue_timestamp(issue),
        base_url=site.config.base_url, title=title, cjk=cjk, address=address, contents_entry=contents_entry, c=palette(options.pdf_variant), page=page_mm(options), g=grid,
        proof=proof))
    return cmyk_svg_colors(html) if options.pdf_variant in PRESS_VARIANTS else html


def back_html(env: jinja2.Environment, site: Site, issue: Issue, notes: int, proof: ProofMark | None = None) -> str:
    """阅读笔记 pages (as many as the booklet needs) and the back cover with the 版记."""
    options = site.config.print
    grid = grid_for(*page_mm(options))
    issue_url = site.config.base_url + issue.url
    html = render_template(env, BACK_TEMPLATE, dict(
        issue=issue, options=options, notes=notes, issue_url=issue_url, c=palette(options.pdf_variant),
        cjk=cjk, address=address, page=page_mm(options), proof=proof, g=grid,
        # ruled lines of a 阅读笔记 page: what fits the text block (20 mm for its title)
        note_lines=int((grid.lines * grid.pitch / MM - 20) / 9.2),
        qr=qr_svg(issue_url) if prints_qr_codes(site.config) else None))
    return cmyk_svg_colors(html) if options.pdf_variant in PRESS_VARIANTS else html


def prints_qr_codes(config) -> bool:
    """QR codes are printed when asked, or by default once base_url is the real address: a code that
    points at www.example.edu.cn would send every reader nowhere."""
    return config.print.qr_codes if config.print.qr_codes is not None else not is_placeholder(config.base_url)


def cjk(text, paragraph: bool = False) -> Markup:
    """A line of template text (a title, a date, the 版记) set by the print rules of typeset.py; with
    paragraph, text that may wrap (the summary), whose last line is never one character."""
    return Markup(typeset(str(escape(str(text))), paragraph=paragraph))


def page_mm(options) -> tuple[float, float]:
    """The trimmed page's width and height in mm (a cover's height cannot be 100vh: that is the first page's)."""
    return PAGE_MM[options.page_size]


def article_html(html: str, site: Site, issue: Issue) -> str:
    """An article body as print sets it: print links, print markup, Chinese typesetting."""
    return typeset(print_markup(print_links(html, site, issue), grid_for(*page_mm(site.config.print))))


def print_links(html: str, site: Site, issue: Issue) -> str:
    """A body's links as the PDF needs them: photos from the project's files, links to articles of
    this issue jump within the PDF, every other link goes to the website (never a file:// address)."""
    articles = {a.slug for a in issue.articles}
    press = site.config.print.pdf_variant in PRESS_VARIANTS
    profile = output_intent(site).profile if press else None

    def target(attribute: str, path: str) -> str:
        page, _, fragment = path.partition("#")
        if attribute == "src":
            photo = source_path(site.root, unquote(page)).resolve()
            if press:   # the press prints CMYK photos, in its own profile
                photo = cmyk_photo(photo, site.root / ".cache" / "press", profile)
            return photo.as_uri()
        match = re.fullmatch(r"([^/]+)/([^/]+)/index\.html", unquote(page))
        if match and match.group(1) == issue.id and match.group(2) in articles:
            return f"#{match.group(2)}"
        return absolute(site.config.base_url, page.removesuffix("index.html")) + (f"#{fragment}" if fragment else "")

    html = _SRCSET.sub("", html)   # (the PDF prints the original photo)
    html = _ATTACHMENT_REL.sub("", html)   # rel="attachment" would make WeasyPrint embed the file
    return rebase(html, target)


@dataclass(frozen=True)
class Rendered:
    pdf: bytes                   # the edition of site.yaml's pdf_variant: the print shop's (print/)
    pages: int
    document: object             # the laid-out weasyprint Document, for the preflight
    reader: bytes | None = None  # the reader's tagged edition, for the site and the 数字报 (reader.py)


def render_pdf(env: jinja2.Environment, site: Site, issue: Issue, bodies: dict[str, Body], html: str,
               proof: ProofMark | None = None, reader: bool = False) -> Rendered:
    """The issue's PDF from its print HTML (print_html) with WeasyPrint: the issue, then 阅读笔记 pages and
    the back cover so that the page count is a multiple of `pages_multiple_of`. Missing or outside
    resources are errors, not blanks. With reader, the reader's edition too, from the same layout."""
    from . import cjklayout

    cjklayout.install()
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    root = site.root
    used = {source_path(root, ref.path) for a in issue.articles for ref in bodies[a.url].references
            if ref.kind == "image" and ref.path}
    if issue.cover_image:
        used.add(issue.folder / issue.cover_image)
    fetcher = ProjectOnlyFetcher([root / "assets", root / "templates", root / ".cache" / "press"], used)
    options = site.config.print
    press = options.pdf_variant in PRESS_VARIANTS
    intent = output_intent(site) if press else None
    profiles = _color_profiles(options.pdf_variant, intent.profile if intent else None)
    fonts = FontConfiguration()
    # Bodies link their photos by file address (print_links); the cover is written relative to the issue folder.
    base_url = (issue.folder / "article").resolve().as_uri() + "/"

    def render(html: str):
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher.make()).render(
            font_config=fonts, color_profiles=profiles)

    html = fitted_cover(html, render)   # (本期要目 inside the cover's margins on any page size)

    def lay_out(html: str):
        try:
            return render(html)
        except AssertionError:   # (WeasyPrint 70 on a row group it may not cut that fits no page: let it cut them all)
            return render(html.replace(" keep-group", "").replace('"keep-group', '"'))

    html = numbered(html)
    grid = grid_for(*page_mm(options))
    main = lay_out(html)
    if (second := adjusted(html, main.pages, grid)) != html:   # (make-up: makeup.py)
        main = lay_out(second)
    repeat_merged_labels(main.pages)
    make_up(main.pages)
    sink(main.pages, grid)
    # The back cover is the last page; 阅读笔记 pages before it make up the last sheet.
    notes = -(len(main.pages) + 1) % options.pages_multiple_of
    back = render(back_html(env, site, issue, notes, proof))
    document = main.copy(main.pages + back.pages)
    variant = None if options.pdf_variant == "none" else options.pdf_variant
    identifier = hashlib.md5(html.encode()).hexdigest()
    finisher = crop_marks(options.bleed_mm, press) if options.crop_marks else None
    if press:   # no links on a plate, no transparency in PDF/X-1a, the shop's printing condition (pressfile.py)
        finisher = press_finisher(options.pdf_variant, intent, finisher)
    with _WRITING, _reproducible_xmp(identifier), (without_links(document) if press else nullcontext()), \
            (press_inks() if press else nullcontext()):
        pdf = document.write_pdf(pdf_variant=variant, pdf_identifier=identifier.encode(), uncompressed_pdf=False,
                                 finisher=finisher)
    if reader:   # (an identifier of its own: another file)
        reader_id = hashlib.md5(identifier.encode() + b"reader").hexdigest()
        with _WRITING, _reproducible_xmp(reader_id):
            reader = reader_pdf(document, reader_id.encode())
    if fetcher.refused:
        listed = ", ".join(sorted(set(fetcher.refused)))
        raise ContentError(issue.folder, None, _('the print edition refers to files it may not use: {listed}').format(listed=listed),
                           _('put images beside the article in its issue folder, or in assets/; remote URLs are not fetched'))
    return Rendered(pdf, len(document.pages), document, reader or None)


# Writing a PDF patches functions of WeasyPrint's modules for its duration (the document ID here, the
# press inks, the reader edition's tagging): two writes at once in one process (the desk's job thread
# beside another build) would each restore the other's patch. One write at a time.
_WRITING = threading.Lock()


@contextmanager
def _reproducible_xmp(identifier: str):
    """PDF/X-4 metadata carries a document ID that WeasyPrint draws at random (uuid4); derived from the
    content instead, the same issue gives the same bytes, as for every other variant."""
    import uuid

    from weasyprint.pdf import metadata

    drawn = metadata.uuid4
    metadata.uuid4 = lambda: uuid.UUID(identifier)
    try:
        yield
    finally:
        metadata.uuid4 = drawn


def _color_profiles(variant: str, path: Path | None) -> dict:
    try:
        return color_profiles(variant, path) if path else color_profiles(variant)
    except FileNotFoundError as exc:
        raise ContentError(Path("site.yaml"), None, _('{variant} needs the CMYK profile {filename}').format(variant=variant, filename=exc.filename),
                           _("install Debian's libgs-common (make build installs it)")) from exc


