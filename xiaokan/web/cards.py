"""Social cards: the picture a chat app shows under a pasted link (og:image), one per article and one per
issue: the masthead, the title and where it appeared. Drawn with Pillow, cached by what they show."""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..core.errors import ContentError
from ..core.i18n import _
from ..core.parallel import map_indices
from ..core.reasons import explain_exception
from .glyphs import fallback_font, families_coverage, needs_glyph

SIZE = (1200, 630)            # what WeChat, QQ, Weibo and the Open Graph consumers crop least
STYLE = "5"                   # bump when the drawing changes: cached cards are made again
RED, PAPER, INK, MUTED = (140, 28, 19), (251, 248, 244), (31, 35, 40), (87, 96, 106)
CARDS_DIR = "cards"           # cards/2024-06/foo.jpg: a folder of the site's own, which no content file can take
CARD_ISSUES = 3               # articles of the newest issues get a card of their own; older ones their issue's
BACKGROUND_FROM = 40          # this many cards to draw are worth a process of their own
_NO_LINE_START = "，。、；：！？）》」』”’…"


@dataclass(frozen=True)
class Card:
    path: str        # output path, e.g. cards/2024-06/foo.jpg
    masthead: str    # the newsletter's name
    school: str
    title: str
    footer: str      # 「栏目」 · 2024年第1期 · 2024年6月16日


def card_path(url: str) -> str:
    """The card of the page at `url` (`2024-06/foo/` -> `cards/2024-06/foo.jpg`). Not beside the page:
    an issue's folder publishes its editors' files under their own names (a photo named card.jpg)."""
    return f"{CARDS_DIR}/{url.strip('/')}.jpg"


def make_cards(cards: list[Card], logo: Path | None, cache_dir: Path, draw: bool = True) -> CardDrawing:
    """The cards there will be (output path -> cached image) and the drawing of the missing ones,
    started at once in a process of its own (at ~3.5 ms a card). A quick build (`--no-search`) draws
    none and publishes the cards it has, as MkDocs-Material's social plugin is left off while writing."""
    logo_digest = hashlib.sha256(logo.read_bytes()).hexdigest() if logo else ""
    files, missing = {}, []
    for card in cards:
        key = hashlib.sha256("\0".join((STYLE, logo_digest, card.masthead, card.school, card.title, card.footer))
                             .encode()).hexdigest()[:32]
        target = cache_dir / f"{key}.jpg"
        if target.is_file():
            files[card.path] = target
        elif draw:
            files[card.path] = target
            missing.append((card, target))
    drawing = CardDrawing(files, missing, logo)
    drawing.start()
    return drawing


class CardDrawing:
    """Cards drawn while the build goes on: they need only the titles, known once the content is
    loaded, and the pages only which cards there will be. One process of their own uses the core the
    build leaves idle while it plans and indexes; finish() waits for it (or draws here, where
    processes cannot be forked or the cards are few)."""

    def __init__(self, files: dict[str, Path], missing: list[tuple[Card, Path]], logo: Path | None):
        self.files, self.missing, self.logo = files, missing, logo
        self._process = None
        self._answer = None

    def start(self) -> None:
        if len(self.missing) < BACKGROUND_FROM or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._answer, child_end = context.Pipe(duplex=False)
        self._process = context.Process(target=self._draw_all, args=(child_end,), daemon=True)
        self._process.start()
        child_end.close()

    def finish(self) -> None:
        """Every missing card is drawn once this returns; OSError if one could not be."""
        if self._process is None:
            if self.missing:
                self._prepare()
                missing, logo = self.missing, self.logo
                map_indices(lambda i: _draw(missing[i][0], logo, missing[i][1]), len(missing), min_batch=40)
            return
        try:
            problem = self._answer.recv()
        except EOFError:
            problem = (None, _("the drawing process stopped (exit code {code})").format(code=self._process.exitcode), None)
        self._process.join()
        self._process = None
        if problem and problem[0] is None:   # (a damaged logo, say: the reason is said in the editor's words already)
            raise ContentError(problem[2], None, _("the social cards could not be drawn: {reason}").format(reason=problem[1]),
                               _("check the logo named in site.yaml (logo:), then build again"))
        if problem:
            raise OSError(*problem)   # (as the drawing process met it: a full disk is said as such)

    def stop(self) -> None:
        """After a failed build: stop drawing and remove a card left half-written."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            for temp in self.missing[0][1].parent.glob(f"*.{self._process.pid}.tmp"):
                temp.unlink(missing_ok=True)
            self._process = None

    def _prepare(self) -> None:
        """The cache folder, the fonts and the shared background, before any card is drawn (in the
        process that draws them, or before the drawing processes are forked)."""
        self.missing[0][1].parent.mkdir(parents=True, exist_ok=True)
        warm_up(self.logo, self.missing[0][0].masthead, self.missing[0][0].school)

    def _draw_all(self, answer) -> None:   # (in the drawing process)
        try:
            self._prepare()
            for card, target in self.missing:
                _draw(card, self.logo, target)
            answer.send(None)
        except OSError as exc:
            answer.send((exc.errno, explain_exception(exc), str(exc.filename) if exc.filename else None))
        except BaseException as exc:   # noqa: BLE001 — whatever it was, the build says it and stops
            answer.send((None, explain_exception(exc), None))


@cache
def _font_file(family: str) -> tuple[str, int] | None:
    """The font file fontconfig chooses for a family (the same Noto CJK fonts as the PDF), and the face
    in it (a .ttc holds the Japanese, Korean and Chinese faces: index 0 would draw Japanese forms)."""
    if shutil.which("fc-match") is None:
        return None
    found = subprocess.run(["fc-match", "-f", "%{file}\t%{index}", family], capture_output=True, text=True,
                           check=False).stdout
    path, _sep, index = found.partition("\t")
    return (path, int(index)) if path and index.isdigit() else None


@cache
def _font(family: str, size: int):
    from PIL import ImageFont

    found = _font_file(family)
    try:
        return ImageFont.truetype(found[0], size, index=found[1]) if found else ImageFont.load_default(size)
    except OSError:
        return ImageFont.load_default(size)


@cache
def _for_char(font, char: str):
    """font, or when it lacks char (an emoji, a rare name of CJK Extension B) an installed font of the
    same size that has it, as the PDF falls back (glyphs.py). None has it: font, whose empty box the
    preflight has named."""
    from PIL import ImageFont

    if not needs_glyph(char) or char in families_coverage((font.font.family,)):
        return font
    fallback = fallback_font(char)
    if fallback is None:
        return font
    try:
        return ImageFont.truetype(fallback.path, font.size, index=fallback.index)
    except OSError:
        return font


def _lines(text: str, font, width: int, most: int) -> list[str]:
    """Break a title into lines that fit `width` (character by character: Chinese has no spaces), at
    most `most` lines, the last one ending in … when the title is longer. Widths are summed from each
    character's advance, measured once per font (a title is a few dozen characters of a few hundred)."""
    def advance(char: str) -> float:
        return _advance(font, char)

    lines, line, used = [], "", 0.0
    for char in text:
        step = advance(char)
        # (a closing mark stays with the line before it, as 禁则 asks: it may stand in the margin)
        if used + step > width and line and char not in _NO_LINE_START:
            lines.append(line)
            line, used = char.lstrip(), step if char.strip() else 0.0
        else:
            line, used = line + char, used + step
    lines.append(line)
    if len(lines) > most:
        lines = lines[:most]
        while lines[-1] and sum(map(advance, lines[-1] + "…")) > width:
            lines[-1] = lines[-1][:-1]
        lines[-1] += "…"
    return lines


@cache
def _advance(font, char: str) -> float:
    return _for_char(font, char).getlength(char)


@cache
def _background(masthead: str, school: str, logo: Path | None):
    """What every card of a site shares: the red band with the emblem, the name and the school, the rule."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle((0, 0, width, 132), fill=RED)
    x = 64
    if logo:
        with Image.open(logo) as emblem:
            emblem = emblem.convert("RGBA").resize((88, 88))
            image.paste(emblem, (64, 22), emblem)
        x = 172
    _text(image, x, 66, masthead, _font("Noto Serif CJK SC:bold", 52), (255, 255, 255))
    if school:
        font = _font("Noto Sans CJK SC", 28)
        _text(image, width - 64 - sum(_advance(font, char) for char in school), 66, school, font, (255, 232, 228))
    draw.line((64, height - 90, width - 64, height - 90), fill=RED, width=3)
    return image


def _draw(card: Card, logo: Path | None, target: Path) -> None:
    image = _background(card.masthead, card.school, logo).copy()
    width, height = SIZE
    for size, most in ((64, 3), (54, 4)):
        title_font = _font("Noto Sans CJK SC:bold", size)
        lines = _lines(card.title, title_font, width - 128, most)
        if not lines[-1].endswith("…") or size == 54:
            break
    y = 132 + (height - 132 - 90 - len(lines) * size * 1.35) / 2 + size * 0.675
    for line in lines:
        _text(image, 64, y, line, title_font, INK)
        y += size * 1.35
    _text(image, 64, height - 48, card.footer, _font("Noto Sans CJK SC", 30), MUTED)
    temp = target.with_suffix(f".{os.getpid()}.tmp")
    image.save(temp, "JPEG", quality=82)
    os.replace(temp, target)


def _text(image, x: float, middle: float, text: str, font, fill: tuple[int, int, int]) -> None:
    """Draw a line of text left-aligned at x and centred on `middle`, glyph by glyph from a cache: a
    card's title shares most of its characters with other titles, and drawing a glyph costs far more
    than pasting it (Chinese needs no kerning; each advance is the one _lines measured). The glyphs go
    straight to the image's core, as Image.paste itself does after checking its arguments: the
    checks were a seventh of a card (~0.5 ms of ~50 pastes), and these are always a colour, a box and
    an L mask."""
    ascent, descent = font.getmetrics()
    baseline = round(middle + (ascent - descent) / 2)
    core = image.im
    for char in text:
        glyph, left, top = _glyph(font, char)
        if glyph is not None:
            x0, y0 = round(x) + left, baseline + top
            core.paste(fill, (x0, y0, x0 + glyph.width, y0 + glyph.height), glyph.im)
        x += _advance(font, char)


_PAD = 8   # room around a glyph for the parts that reach beyond its advance or its ascent


@cache
def _glyph(font, char: str):
    """(mask, offset from the pen position on the baseline): the character drawn once."""
    from PIL import Image, ImageDraw

    if not char.strip():
        return None, 0, 0
    ascent, descent = font.getmetrics()   # (the line's: a fallback font's glyph sits on the same baseline)
    mask = Image.new("L", (int(_advance(font, char)) + 2 * _PAD, ascent + descent + 2 * _PAD), 0)
    ImageDraw.Draw(mask).text((_PAD, _PAD + ascent), char, font=_for_char(font, char), fill=255, anchor="ls")
    box = mask.getbbox()
    if box is None:
        return None, 0, 0
    return mask.crop(box), box[0] - _PAD, box[1] - _PAD - ascent   # (only the inked pixels are pasted)


def warm_up(logo: Path | None, masthead: str, school: str) -> None:
    """Load the fonts and draw the shared background before the drawing processes are forked, so
    that each inherits them instead of loading them again."""
    _background(masthead, school, logo)
    for family, size in (("Noto Sans CJK SC:bold", 64), ("Noto Sans CJK SC:bold", 54), ("Noto Sans CJK SC", 30)):
        _font(family, size)
