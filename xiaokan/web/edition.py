"""数字报: the printed issue on the web, page by page, as Chinese university newspapers publish it. Each
PDF page becomes an image; the areas where articles stand on it are clickable. The areas come from
WeasyPrint's layout of the issue (not drawn by hand), recorded when the PDF is rendered; the images
are rendered from the PDF itself (PDFium) and cached by its digest, so they change only with it."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.parallel import map_indices

WIDTHS = (600, 900, 1200)     # a phone, a phone at 2x (360 CSS px: 720 wanted; 1200 would double its bytes), a desktop or 3x phone
QUALITY = 80
EDITION_DIR = "edition"       # edition/2024-06/: beside sections/ and tags/, not inside the issue's folder


@dataclass(frozen=True)
class Spot:
    """Where an article stands on a page, as fractions of the trimmed page (so any image size fits)."""
    slug: str
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class EditionPage:
    number: int                          # 1-based, as printed
    images: tuple[tuple[int, str], ...]  # (width, output path)
    spots: tuple[Spot, ...]
    starts: tuple[str, ...]              # slugs of the articles that start on this page, in order
    shows: tuple[str, ...]               # slugs of every article with text on this page


@dataclass(frozen=True)
class Edition:
    issue_id: str
    pages: tuple[EditionPage, ...]
    ratio: float                         # page height / width

    def url(self, number: int = 1) -> str:
        """The page showing printed page `number`: edition/2024-06/ for the first, edition/2024-06/3/."""
        return f"{EDITION_DIR}/{self.issue_id}/" + ("" if number == 1 else f"{number}/")

    def page_of(self, slug: str) -> int | None:
        return next((p.number for p in self.pages if slug in p.starts), None)


def article_areas(document) -> list[list]:
    """Where each article's boxes lie on each page of a laid-out WeasyPrint document, and the links on
    a page that lead to an article (本期要目): [[page index, slug, x, y, w, h, kind], …] in fractions of
    the trimmed page, kind "start" (the article begins here), "text" (it goes on here) or "link"."""
    areas: list[list] = []
    seen: set[str] = set()
    for index, page in enumerate(document.pages):
        width, height = page.width, page.height
        found = []
        for box in _article_boxes(page._page_box):
            slug = box.element.get("id")
            found.append((slug, box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height(),
                          "text" if slug in seen else "start"))
            seen.add(slug)
        for kind, target, (x0, y0, x1, y1), _box in page.links:
            if kind == "internal" and target:
                found.append((target, x0, y0, x1 - x0, y1 - y0, "link"))
        areas += [[index, slug, round(x / width, 4), round(y / height, 4), round(w / width, 4), round(h / height, 4),
                   kind] for slug, x, y, w, h, kind in found]
    return areas


def _article_boxes(box):
    if getattr(box, "element_tag", None) == "article" and box.element.get("id"):
        yield box
        return
    for child in getattr(box, "children", None) or ():
        yield from _article_boxes(child)


def make_edition(issue_id: str, pdf: Path, areas: list[list], slugs: set[str], cache_dir: Path,
                 render: bool = True) -> tuple[Edition | None, dict[str, Path]]:
    """The edition of one issue's PDF, and its page images to publish (output path -> image, rendered
    once per PDF, in parallel). Without render (the live preview, which must not stall for seconds
    after each PDF), only an edition whose images are made already: else (None, {})."""
    folder = cache_dir / _digest(pdf)
    shape = folder / "pages.json"   # the page count and proportions, known without opening the PDF
    try:
        count, ratio = json.loads(shape.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        if not render:
            return None, {}
        import pypdfium2

        document = pypdfium2.PdfDocument(str(pdf))
        try:
            count = len(document)
            left, bottom, right, top = document[0].get_trimbox()
            ratio = (top - bottom) / (right - left)
        finally:
            document.close()
    wanted = [(n, w) for n in range(1, count + 1) for w in WIDTHS]
    if not all(_image(folder, n, w).is_file() for n, w in wanted):
        if not render:
            return None, {}
        folder.mkdir(parents=True, exist_ok=True)
        map_indices(lambda i: _render_page(pdf, i + 1, folder), count, min_batch=8)
    if not shape.is_file():
        shape.write_text(json.dumps([count, ratio]), encoding="utf-8")
    files: dict[str, Path] = {}
    pages = []
    for n in range(1, count + 1):
        images = []
        for w in WIDTHS:
            path = f"{EDITION_DIR}/{issue_id}/page-{n}-{w}.jpg"
            files[path] = _image(folder, n, w)
            images.append((w, path))
        here = [a for a in areas if a[0] == n - 1 and a[1] in slugs]
        spots = tuple(Spot(a[1], *a[2:6]) for a in here)
        starts = tuple(a[1] for a in here if a[6] == "start")
        shows = tuple(dict.fromkeys(a[1] for a in here if a[6] != "link"))
        pages.append(EditionPage(n, tuple(images), spots, starts, shows))
    return Edition(issue_id, tuple(pages), ratio), files


def _digest(pdf: Path) -> str:
    """The PDF's digest: as recorded beside the cached PDF (issuepdfs.intact), else computed."""
    try:
        return pdf.with_suffix(".sha256").read_text(encoding="ascii").strip()[:16]
    except OSError:
        return hashlib.sha256(pdf.read_bytes()).hexdigest()[:16]


def _image(folder: Path, number: int, width: int) -> Path:
    return folder / f"page-{number}-{width}.jpg"


def _render_page(pdf: Path, number: int, folder: Path) -> None:
    """One page, cut to its trim box (no bleed, no crop marks), at each width."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        page = document[number - 1]
        left, bottom, right, top = page.get_trimbox()
        m_left, m_bottom, m_right, m_top = page.get_mediabox()
        crop = (left - m_left, bottom - m_bottom, m_right - right, m_top - top)
        image = page.render(scale=max(WIDTHS) / (right - left), crop=crop).to_pil().convert("RGB")
    finally:
        document.close()
    for width in WIDTHS:
        copy = image if width == image.width else image.resize((width, round(image.height * width / image.width)))
        target = _image(folder, number, width)
        temp = target.with_suffix(f".{os.getpid()}.tmp")
        copy.save(temp, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        os.replace(temp, target)
