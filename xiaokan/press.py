"""What the print office needs of the PDF: its variant, its colours and its output intent.

A press variant (PDF/X-4, PDF/X-1a) prints in CMYK: every colour of the print CSS and of the inline
SVG (charts, QR codes) is a device-cmyk() colour, body text is 100% K, and the PDF carries an output
intent with a CMYK profile from a Debian package (Ghostscript's default_cmyk.icc, in libgs-common).
Other variants keep sRGB colours (PDF/A-3b declares an sRGB output intent itself)."""
from __future__ import annotations

import re
from pathlib import Path

VARIANTS = ("none", "pdf/a-3b", "pdf/x-4", "pdf/x-1a")
PRESS_VARIANTS = frozenset({"pdf/x-4", "pdf/x-1a"})
CMYK_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")

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
    """Every colour attribute of inline SVG (charts, QR codes) as a CMYK colour."""
    return _SVG_COLOR.sub(lambda m: f'{m.group(1)}="{cmyk(m.group(2))}"', html)


def color_profiles(variant: str) -> dict:
    """The output intent's CMYK profile for a press variant ({} otherwise); WeasyPrint embeds it."""
    if variant not in PRESS_VARIANTS:
        return {}
    from weasyprint.css import ColorProfile

    with CMYK_PROFILE.open("rb") as profile:
        return {"device-cmyk": ColorProfile(profile, CMYK_PROFILE.as_uri(), "relative-colorimetric",
                                            (["c"], ["m"], ["y"], ["k"]))}
