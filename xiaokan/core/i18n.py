"""Messages in the editor's language. The code writes English message ids; gettext translates them
from xiaokan/locale/ (Chinese by default; XIAOKAN_LANG=en keeps the English ids, and another
catalogue is one .po file away). scripts/messages.py extracts the ids and compiles the catalogue.

In a message, `{value!r}` shows the value as the editor wrote it, between ' marks ('C:\\照片\\a.jpg',
'it's'): not Python's repr, which doubles every backslash of a Windows path and picks its quote mark
by what the value holds ("it's"). A control or direction character in the
value (a line break, U+202E) shows as ? (core.errors.shown)."""
from __future__ import annotations

import gettext
import os
import string
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
    language = os.environ.get("XIAOKAN_LANG") or DEFAULT_LANGUAGE
    return Message(_catalogue(language).gettext(message))


class Message(str):
    """A translated message whose format() shows `{value!r}` as written, between ' marks."""

    __slots__ = ()

    def format(self, /, *args, **kwargs) -> str:
        if "!r}" not in self:
            return str.format(self, *args, **kwargs)
        return _AS_WRITTEN.vformat(str(self), args, kwargs)

    def format_map(self, mapping) -> str:
        if "!r}" not in self:
            return str.format_map(self, mapping)
        return _AS_WRITTEN.vformat(str(self), (), mapping)

    def __reduce__(self):   # (a message raised in a worker process arrives as text)
        return (str, (str(self),))


class _AsWritten(string.Formatter):
    def convert_field(self, value, conversion):
        if conversion != "r":
            return super().convert_field(value, conversion)
        from .errors import shown

        return f"'{shown(str(value))}'"


_AS_WRITTEN = _AsWritten()
