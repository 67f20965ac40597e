"""Preflight: what a print office checks before it accepts a PDF, checked before it is sent.

`build` and `pdf` print each finding as a warning; `pdf --strict` refuses to publish with any.
Findings about the content are made on every build; findings about the PDF itself (photo
resolution, fonts, page count) when it is rendered, and kept beside it in the PDF cache."""
from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..core.errors import ContentWarning
from ..core.i18n import _
from ..core.urls import is_placeholder
from ..source.markup import Body
from ..source.model import Issue, Site, articles_by_section
from ..source.yamlfile import key_lines, read_text
from .intent import intent_findings
from .longtables import ISSUE_CELLS, PRINT_CELLS, PRINT_CHARACTERS, printed_bodies, table_sizes
from .missingglyphs import issue_glyph_findings, site_glyph_findings
from .press import original_name

MIN_DPI = 200
_CAPTION = re.compile(r'<p class="caption"[^>]*>(.*?)</p>', re.S)
_AFTER_PHOTO = re.compile(r"(<img\b[^>]*>\s*(</a>)?\s*</p>|</figure>|</picture>)\s*$")
_PLACEHOLDER = re.compile(r'<figure class="missing-photo">\s*<figcaption>(.*?)<span class="missing-photo-note"', re.S)
INTERNAL = "内部资料"


def site_findings(site: Site) -> list[ContentWarning]:
    """Findings about the settings of every issue's PDF: where the QR codes point, characters no font has."""
    findings = site_glyph_findings(site) + intent_findings(site)
    if is_placeholder(site.config.base_url) and site.config.print.qr_codes is not False:
        config = site.root / "site.yaml"
        line = key_lines(read_text(config)).get("base_url")
        if site.config.print.qr_codes:
            findings.append(ContentWarning(
                config, line, _("base_url {base_url} is a placeholder: the printed QR codes would point nowhere; set the newsletter's real web address (or print.qr_codes: false)").format(base_url=site.config.base_url)))
        else:
            findings.append(ContentWarning(
                config, line, _("the PDF has no QR codes while base_url is the placeholder {base_url}; they are printed once it is the newsletter's real web address").format(base_url=site.config.base_url), kind="notice"))
    return findings


def content_findings(site: Site, issue: Issue, bodies: dict[str, Body]) -> list[ContentWarning]:
    """Findings that need no PDF: captions standing for photos, boxes printed where a photo is missing,
    tables too long to print, characters no font has, the 版记 of a 内部资料."""
    findings = long_table_findings(site, issue, bodies) + issue_glyph_findings(issue, bodies) + imprint_findings(site, issue)
    for article in issue.articles:
        html = bodies[article.url].html
        found_at = 0   # (captions come in the file's order: two that start alike are told apart by it)
        for placeholder in _PLACEHOLDER.finditer(html):   # (a notice: the editor marked the photo as missing)
            text = _caption_text(placeholder.group(1))
            line = _line_of(article, text, found_at, before="no-photo")
            found_at = line or found_at
            findings.append(ContentWarning(
                article.source, line or None,
                _('the PDF prints a dashed box saying the photo is missing where the photo “{value}” should be; put the photo beside the article and write it above its caption (![{value}](photo.jpg)), or delete the caption if the issue is printed without it').format(value=_quoted(text)), kind="notice"))
        found_at = 0
        for caption in _CAPTION.finditer(html):
            if _AFTER_PHOTO.search(html[:caption.start()]):
                continue
            text = _caption_text(caption.group(1))
            line = _line_of(article, text, found_at)
            found_at = line or found_at
            findings.append(ContentWarning(
                article.source, line or None,
                _('the caption “{value}” stands where a photo was expected, but there is no photo above it; put the photo before it, or mark it {{: .caption .no-photo }} if the photo is missing').format(value=_quoted(text))))
    return findings


def imprint_findings(site: Site, issue: Issue) -> list[ContentWarning]:
    """A 内部资料 names its 编印单位, 印发日期 and 印数 in its 版记 (内部资料性出版物管理规定). The back
    cover prints the school for an unwritten 编印单位 and the issue's date for an unwritten 印发日期, so
    only what would be printed nowhere is missing; the finding points at the line to write it on (the
    template's commented-out `# 印数: 300`, or the file's end). An issue that is not published (drafts
    only, or in preparation, as the preview reads it) is printed for nobody: its 版记 is not asked for yet."""
    if INTERNAL not in (site.config.print.internal_notice or "") or not issue.published:
        return []
    imprint = issue.imprint
    missing = [key for key, value in (("编印单位", imprint.publisher or site.config.school), ("印数", imprint.print_run))
               if not value]
    if not missing:
        return []
    source = issue.folder / "issue.yaml"
    lines = read_text(source).splitlines() if source.is_file() else []
    commented = [n for n, line in enumerate(lines, start=1)
                 for key in missing if re.match(rf"#\s*{key}\s*[:：]", line.strip())]
    line = (commented[0] if commented else len(lines)) or None
    return [ContentWarning(source, line, _('the issue is printed as {notice} but its 版记 lacks {missing}: a 内部资料 names its 编印单位, 印发日期 and 印数; write them in issue.yaml (where the line starts with #, delete the # and the space), e.g. 编印单位: 评建工作办公室, 印数: 300').format(
        notice=INTERNAL, missing="、".join(missing)))]


def long_table_findings(site: Site, issue: Issue, bodies: dict[str, Body]) -> list[ContentWarning]:
    """Each table the PDF prints as a note pointing to the web page (longtables), named by its CSV file
    (or its title, or its first column) at the article's line that places it."""
    findings = []
    sections = articles_by_section(issue, site.config.sections)
    printed = printed_bodies(sections, bodies)
    for article in (a for _section, members in sections for a in members):
        html, leave_out = printed[article.url]
        for n, size in enumerate(table_sizes(html)):
            if n not in leave_out:
                continue
            name = size.source or size.caption or _first_cell(html[size.start:size.end])
            shape = _('{name} ({rows} rows, {columns} columns)').format(name=name, rows=f"{size.rows:,}", columns=f"{size.columns:,}")
            if size.too_long():
                message = _('table {table} is longer than the print edition takes ({cells} cells, {characters} characters; '
                            'at most {limit_cells} and {limit_characters}): the PDF prints its title and a note sending '
                            'readers to the web page, which shows it whole').format(
                    table=shape, cells=f"{size.cells:,}", characters=f"{size.characters:,}",
                    limit_cells=f"{PRINT_CELLS:,}", limit_characters=f"{PRINT_CHARACTERS:,}")
            else:
                message = _("table {table} would take the issue's printed tables past {limit} cells: the PDF prints "
                            "its title and a note sending readers to the web page, which shows it whole").format(
                    table=shape, limit=f"{ISSUE_CELLS:,}")
            findings.append(ContentWarning(article.source, _line_of(article, name) or None, message))
    return findings


def _first_cell(table: str) -> str:
    cell = re.search(r"<t[hd]\b[^>]*>(.*?)</t[hd]>", table, re.S)
    return re.sub(r"<[^>]+>", "", cell.group(1)).strip() if cell else ""


def document_findings(document, pdf: bytes, issue: Issue, multiple_of: int) -> list[str]:
    """Findings from the laid-out document and the PDF: photo resolution, fonts, page count."""
    findings = []
    for page_number, page in enumerate(document.pages, start=1):
        for box in _replaced_boxes(page._page_box):
            image = box.replacement
            pixels = getattr(image, "width", None)
            if not pixels or not box.width or not hasattr(image, "mode"):
                continue   # (vector images have no resolution)
            dpi = pixels / (box.width / 96)
            if dpi < MIN_DPI:
                name = original_name(Path(unquote(urlparse(box.element.get("src", "")).path)).name
                                     if box.element is not None else "")
                findings.append(_('photo {name} prints at {dpi:.0f} dpi on page {page_number} (the press needs {MIN_DPI}): use a larger original or print it smaller').format(name=name, dpi=dpi, page_number=page_number, MIN_DPI=MIN_DPI))
    permit = issue.imprint.permit
    if permit and not any(_flat(permit) in _flat(_page_text(document.pages[n])) for n in {0, len(document.pages) - 1}):
        findings.append(_('the 准印证号 {permit} of issue.yaml is printed neither on the cover nor on the back cover, where a 内部资料 must carry it: keep it in the 版记 of templates/print/back.html').format(permit=permit))
    for font in unembedded_fonts(pdf):
        findings.append(_('font {font} is not embedded in the PDF: install it (fonts-noto-cjk) and build again').format(font=font))
    pages = len(document.pages)
    if pages % 4:
        findings.append(_('{pages} pages is not a multiple of 4, so the issue cannot be saddle-stitched (print.pages_multiple_of is {multiple_of})').format(pages=pages, multiple_of=multiple_of))
    return findings


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Names of fonts the PDF uses without carrying them."""
    from pypdf import PdfReader

    missing = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":
                continue   # (glyphs drawn in the PDF itself)
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    return sorted(missing)


def _page_text(page) -> str:
    from weasyprint.formatting_structure import boxes

    def texts(box):
        box = getattr(box, "_box", box)
        if isinstance(box, boxes.TextBox):
            yield box.text
        for child in getattr(box, "children", None) or ():
            yield from texts(child)

    return "".join(texts(page._page_box))


def _flat(text: str) -> str:
    """Text without the spaces and word joiners print adds (中西文间距, 禁则)."""
    return re.sub(r"[\s\u2060]+", "", text)


def _replaced_boxes(box):
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.ReplacedBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _replaced_boxes(child)


def _caption_text(html: str) -> str:
    """A caption's own words as the editor wrote them: without its credit (受访单位 供图) and tags."""
    html = re.sub(r'<span class="credit">.*?</span>', "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html).strip()


def _quoted(text: str, most: int = 40) -> str:
    """The caption in a message: whole, or its first characters and an ellipsis (never cut before a space)."""
    return text if len(text) <= most else text[:most].rstrip() + "…"


def _line_of(article, text: str, after: int = 0, before: str = "") -> int:
    """The first line after line `after` of the article's file that holds the start of `text` (with
    before, the first such line followed by one holding `before`, such as its {: .caption .no-photo }
    line); 0 when none does."""
    probe = text[:24]
    lines = article.source.read_text(encoding="utf-8-sig").splitlines()
    for number, line in enumerate(lines[after:], start=after + 1):
        if probe and (probe in line or probe in re.sub(r"<[^>]+>", "", line)) and (not before or before in "".join(lines[number:number + 1])):
            return number
    return _line_of(article, text, after) if before else 0
