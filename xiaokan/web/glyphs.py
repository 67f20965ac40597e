"""Which characters the installed fonts draw, as fontconfig knows them (the charset of each font). The
PDF (Pango) falls back to any installed font that has a character the Noto CJK fonts lack (a rare name
of Extension B, an emoji); the social cards do the same here; and the preflight names the characters
that no font has, which would print as empty boxes. Read once per process, and only as far as needed:
the fonts of a family are asked first, all fonts only for the few characters those lack."""
from __future__ import annotations

import bisect
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

# The card and print fonts' fallbacks, in the order chosen when several fonts have a character:
# Symbola (Debian's fonts-symbola: emoji and symbols of Unicode 9, in outline, so that they print in
# black ink like the text) and Hanazono Mincho (fonts-hanazono: CJK Extensions A to F, rare names).
FALLBACK_FAMILIES = ("Symbola", "HanaMinA", "HanaMinB")


WIDEST_ABOVE = 8   # ranges above U+10000 the quick pattern skips (CJK Extension B and the like)


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int     # the face inside a .ttc collection
    family: str


class Coverage:
    """Code points as sorted, merged ranges."""

    def __init__(self, ranges: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def __contains__(self, char: str) -> bool:
        at = bisect.bisect_right(self._starts, ord(char)) - 1
        return at >= 0 and self._ends[at] >= ord(char)

    def __bool__(self) -> bool:
        return bool(self._starts)

    def outside(self, texts) -> set[str]:
        """The characters of texts outside these ranges (spaces and controls aside). A pattern skips the
        common characters at the regex engine's speed (a thousand articles are three million characters),
        and the few others are looked up one by one."""
        return set().union(*(_outside(self, text) for text in texts))

    @cached_property
    def quick(self) -> re.Pattern:
        """Any character but controls, spaces and those in the ranges below U+10000 or the widest above
        (the engine looks up the first in a table; each range above is one more comparison per character)."""
        spans = list(zip(self._starts, self._ends))
        below = [(start, min(end, 0xFFFF)) for start, end in spans if start <= 0xFFFF]
        above = sorted((span for span in spans if span[1] > 0xFFFF), key=lambda span: span[0] - span[1])[:WIDEST_ABOVE]
        ranges = "".join(f"{re.escape(chr(start))}-{re.escape(chr(end))}" for start, end in [(0, 0x20), *below, *above])
        return re.compile(f"[^{ranges}]")


@lru_cache(maxsize=50_000)
def _outside(coverage: Coverage, text: str) -> frozenset[str]:
    """(Remembered by text: the live preview checks every article on each save, most of them unchanged.)"""
    return frozenset(char for char in coverage.quick.findall(text) if char not in coverage)


def needs_glyph(char: str) -> bool:
    """False for what is never drawn: spaces, controls, format characters (zero-width joiners, word
    joiners, soft hyphens) and variation selectors (the ︎/️ after an emoji)."""
    return not (char.isspace() or unicodedata.category(char) in ("Cc", "Cf")
                or 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF)


def undrawable(texts, families: tuple[str, ...]) -> list[str]:
    """The characters of texts that no installed font draws, sorted. The fonts of families (those the
    texts are set in) are asked first, every installed font only about the characters they lack."""
    covered = families_coverage(families)
    if not covered:   # (no fontconfig, or not these fonts: the print fonts' check says so, nothing to tell here)
        return []
    rest = {char for char in covered.outside(texts) if needs_glyph(char)}
    if not rest:
        return []
    everything = all_coverage()
    return sorted(c for c in rest if c not in everything)


@cache
def families_coverage(families: tuple[str, ...]) -> Coverage:
    """What the fonts of these families (fontconfig's names, e.g. Noto Serif CJK SC) draw between them."""
    return Coverage([span for family in families for _font, charset in _listing(family) for span in _ranges(charset)])


@cache
def all_coverage() -> Coverage:
    """What any installed font draws."""
    return Coverage([span for charset in {charset for _font, charset in _listing("")} for span in _ranges(charset)])


@cache
def fallback_font(char: str) -> FontFile | None:
    """An installed font that draws char: one of FALLBACK_FAMILIES when it can, else any; None if none does."""
    fonts = [font for font, _charset in _listing(f":charset={ord(char):x}")]
    ranked = sorted(fonts, key=lambda f: (FALLBACK_FAMILIES.index(f.family) if f.family in FALLBACK_FAMILIES
                                          else len(FALLBACK_FAMILIES), f.path, f.index))
    return ranked[0] if ranked else None


def _listing(pattern: str) -> list[tuple[FontFile, str]]:
    """(font, its charset as fontconfig writes it: `20-7e a0-17f 4e00-9fff …`) of the fonts matching pattern."""
    if shutil.which("fc-list") is None:
        return []
    out = subprocess.run(["fc-list", "--format", "%{file}\t%{index}\t%{family[0]}\t%{charset}\n", pattern],
                         capture_output=True, text=True, check=False).stdout
    fonts = []
    for line in out.splitlines():
        path, index, family, charset = (line.split("\t") + ["", "", ""])[:4]
        if path and index.isdigit():
            fonts.append((FontFile(path, int(index), family), charset))
    return fonts


def _ranges(charset: str) -> list[tuple[int, int]]:
    spans = []
    for token in charset.split():
        start, _, end = token.partition("-")
        try:
            spans.append((int(start, 16), int(end or start, 16)))
        except ValueError:
            continue
    return spans
