"""What the print office needs of the PDF: its variant, its colours and its output intent.

A press variant (PDF/X-4, PDF/X-1a) prints in CMYK: every colour of the print CSS and of the inline
SVG (charts, QR codes) is a device-cmyk() colour, body text is 100% K, and the PDF carries an output
intent with a CMYK profile: the print shop's (print.output_profile) or Ghostscript's SWOP profile from
Debian's libgs-common (intent.py).
Other variants keep sRGB colours (PDF/A-3b declares an sRGB output intent itself)."""
from __future__ import annotations

import re
from pathlib import Path

from ..source.model import PRESS_VARIANTS
from .intent import DEFAULT_PROFILE as CMYK_PROFILE

# The newsletter's colours. In CMYK the brand red is a print value, greys are black ink only.
RGB_PALETTE = {"ink": "#111", "red": "#8c1c13", "grey": "#444", "rule": "#aaa", "tint": "#f0e6e4", "white": "#fff"}
CMYK_PALETTE = {"ink": "device-cmyk(0 0 0 1)", "red": "device-cmyk(0 .92 .88 .38)", "grey": "device-cmyk(0 0 0 .78)",
                "rule": "device-cmyk(0 0 0 .35)", "tint": "device-cmyk(0 .07 .06 0)", "white": "device-cmyk(0 0 0 0)"}
_SVG_COLOR = re.compile(r'\b(fill|stroke|stop-color|color)="(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|black|white)"')


def palette(variant: str) -> dict[str, str]:
    return CMYK_PALETTE if variant in PRESS_VARIANTS else RGB_PALETTE


def cmyk(color: str) -> str:
    """A hex colour as device-cmyk(); a grey becomes black ink only (no rich black in a rule or a QR code)."""
    named = {"black": "#000000", "white": "#ffffff"}
    value = named.get(color, color).lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    r, g, b = (int(value[i:i + 2], 16) / 255 for i in (0, 2, 4))
    k = 1 - max(r, g, b)
    if abs(r - g) < 0.02 and abs(g - b) < 0.02 or k >= 1:
        return f"device-cmyk(0 0 0 {k:.3f})"
    c, m, y = ((1 - x - k) / (1 - k) for x in (r, g, b))
    return f"device-cmyk({c:.3f} {m:.3f} {y:.3f} {k:.3f})"


def cmyk_svg_colors(html: str) -> str:
    """Every colour attribute of inline SVG (charts, QR codes) as a CMYK colour, and black ink as the
    default fill of each SVG (SVG's own default, black, would be an RGB colour)."""
    html = _SVG_COLOR.sub(lambda m: f'{m.group(1)}="{cmyk(m.group(2))}"', html)
    return re.sub(r"<svg\b(?![^>]*\bfill=)", '<svg fill="device-cmyk(0 0 0 1)"', html)


MM = 72 / 25.4
RASTER_PHOTOS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif")


def original_name(name: str) -> str:
    """The editor's file name of a photo, also when the PDF prints its CMYK copy (cmyk_photo)."""
    return re.sub(r"\.[0-9a-f]{20}\.cmyk\.jpg$", "", name)


def cmyk_photo(photo: Path, cache_dir: Path, profile: Path = CMYK_PROFILE) -> Path:
    """A photo as a CMYK JPEG for a press PDF (sRGB -> the output intent's profile, on white where it was
    transparent), made once per content and profile in .cache/press/; other files are returned as they are."""
    import hashlib

    from PIL import Image, ImageCms

    if photo.suffix.lower() not in RASTER_PHOTOS:
        return photo
    data = photo.read_bytes()
    key = hashlib.sha256(data)
    if profile != CMYK_PROFILE:
        key.update(profile.read_bytes())
    target = cache_dir / f"{photo.name}.{key.hexdigest()[:20]}.cmyk.jpg"
    if target.is_file():
        return target
    with Image.open(photo) as image:
        image.load()
        if image.mode == "CMYK":
            converted = image
        else:
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            converted = ImageCms.profileToProfile(flat, ImageCms.createProfile("sRGB"), str(profile),
                                                  outputMode="CMYK")
        cache_dir.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(".tmp")
        converted.save(temp, "JPEG", quality=92, dpi=image.info.get("dpi", (300, 300)))
        temp.replace(target)
    return target


def crop_marks(bleed_mm: float, press: bool):
    """A WeasyPrint finisher drawing crop marks outside the bleed: each page grows by a margin for them
    (MediaBox), its trim and bleed boxes stay. WeasyPrint's own `marks` are drawn inside the bleed, where
    the print shop would print them (and over the cover's band), so they are not used. Press PDFs draw
    them in registration colour (all inks)."""
    import pydyf

    gap, length = max(bleed_mm, 3.0) * MM, 5 * MM
    colour = b"1 1 1 1 K" if press else b"0 G"

    def finish(document, pdf) -> None:
        for page in [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/Page"]:
            x0, y0, x1, y1 = (float(v) for v in page["TrimBox"])
            lines = []
            for x, y, dx, dy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
                lines.append(f"{x + dx * gap:.2f} {y:.2f} m {x + dx * (gap + length):.2f} {y:.2f} l S".encode())
                lines.append(f"{x:.2f} {y + dy * gap:.2f} m {x:.2f} {y + dy * (gap + length):.2f} l S".encode())
            # WeasyPrint's page stream leaves its flipped coordinates in place: wrap it in q … Q.
            before = pydyf.Stream([b"q"])
            marks = pydyf.Stream([b"Q q", colour, b"0.25 w", *lines, b"Q"], compress=True)
            pdf.add_object(before)
            pdf.add_object(marks)
            page["Contents"] = pydyf.Array([before.reference, page["Contents"], marks.reference])
            margin = gap + length + 1 * MM
            page["MediaBox"] = pydyf.Array([x0 - margin, y0 - margin, x1 + margin, y1 + margin])

    return finish


def color_profiles(variant: str, path: Path = CMYK_PROFILE) -> dict:
    """The output intent's CMYK profile for a press variant ({} otherwise); WeasyPrint embeds it."""
    if variant not in PRESS_VARIANTS:
        return {}
    from weasyprint.css import ColorProfile

    with path.open("rb") as profile:
        return {"device-cmyk": ColorProfile(profile, path.as_uri(), "relative-colorimetric",
                                            (["c"], ["m"], ["y"], ["k"]))}
