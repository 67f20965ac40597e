"""Messages in the editor's language. The code writes English message ids; gettext translates them
from xiaokan/locale/ (Chinese by default; XIAOKAN_LANG=en keeps the English ids, and another
catalogue is one .po file away). scripts/messages.py extracts the ids and compiles the catalogue."""
from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

DOMAIN = "xiaokan"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"   # xiaokan/locale/
DEFAULT_LANGUAGE = "zh_CN"


@lru_cache(maxsize=8)
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def N_(message: str) -> str:
    """Marks a message id to translate later (where it is stored as a key, e.g. a report's counts)."""
    return message


def _(message: str) -> str:
    """The message in the editor's language (read each time, so a test or a script may switch it)."""
    return _catalogue(os.environ.get("XIAOKAN_LANG") or DEFAULT_LANGUAGE).gettext(message)
