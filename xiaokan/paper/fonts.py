"""Check through fontconfig that the fonts the print layout needs are installed."""
from __future__ import annotations

import shutil
import subprocess

from ..core.errors import ContentError
from ..core.i18n import _

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"


def install_hint() -> str:
    return _("install the Chinese fonts: sudo apt-get install fonts-noto-cjk (or run `make build`, which does it)")


def chinese_font_families() -> set[str]:
    """Family names of installed fonts that cover Chinese, as fontconfig reports them."""
    if shutil.which("fc-list") is None:
        raise ContentError(None, None, _('fontconfig (fc-list) is not installed, so no font can be found for the PDF'),
                           _('sudo apt-get install fontconfig fonts-noto-cjk'))
    listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    return {name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()}


def check_print_fonts() -> list[str]:
    """Raise when no Chinese font exists (the PDF would show empty boxes); warn when ours are missing."""
    families = chinese_font_families()
    if not families:
        raise ContentError(None, None, _('no Chinese font is installed: the PDF would print empty boxes'), install_hint())
    return [_("font {name} is not installed; the PDF uses another Chinese font. {hint}").format(name=name, hint=install_hint())
            for name in (BODY_FONT, HEADING_FONT) if name not in families]
