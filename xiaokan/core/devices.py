"""Windows' device names, the one rule for every name the project makes (an uploaded file, an article's
address, a tag's folder): CON, PRN, AUX, NUL, COM1-9 and LPT1-9 in any case (superscript digits too).
Windows opens the device for a file or folder of such a name whatever follows its first dot, so it can
neither create it nor unzip it: a site copied to a Windows PC, or a zip of it, would lose that page."""
from __future__ import annotations

import re

_DEVICE = re.compile(r"(?i)con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]")


def is_windows_device(name: str) -> bool:
    """`con`, `NUL.txt`, `aux.2024.csv`: names Windows takes for a device; `console`, `计划CON` are not."""
    return bool(_DEVICE.fullmatch(name.partition(".")[0]))
