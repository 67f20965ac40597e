"""挤进 (clreq's line adjustment): before a justified Chinese line is spaced out, it takes in the next
unit by setting some of its marks at half width.

WeasyPrint breaks a text box where Pango finds the last break that fits (layout/inline.py: split_text_box);
what is left over would be spread between the characters (cjklayout.py). Here, when something is left over,
the next unit (up to Pango's next break: the print HTML's U+2060 word joiners keep a mark with its
neighbour, so 禁则 holds) is measured, and if enough of the line's 、，。；：, brackets and quotation marks
can each give up half an em (the font's OpenType `halt`, as 标点挤压 does) to make room for it, the box is
split again with those marks squeezed. ？ and ！ and the quotation marks beside them keep their full width;
so do the line's first and last characters (the marks that hang into the margin) and the marks already
halved by a pair. No squeeze may leave a paragraph's last line with one character (typeset.py glues a
paragraph's last two ideographs, not a number and an ideograph: `16/所！`), nor, near a paragraph's end,
leave the next line spaced out by more than 1/20 em where it would have been less (the line before a
paragraph's long last unit, which can squeeze nothing, would take the slack: `院/校与…品牌化/“出海”`). The squeezed marks are indices
of the line's text, kept on its Pango layout (`xiaokan_squeezed`) and given again to every layout made for
the line later (justification, drawing).
"""
from __future__ import annotations

import contextlib
import math
import re

from .cjklayout import BREAK, CLOSING, FULL_WIDTH, GLUE, OPENING, compressed_marks, count_cjk

# Given up in this order, each tier from the line's end: 点号 first, then closing and opening 标号.
_TIERS = ("、，。；：", "）》〉」』】〕”’", "（《〈「『【〔“‘")
SQUEEZABLE = "".join(_TIERS)
_QUOTES = "“”‘’"
_SOLID = re.compile(f"[\u3001-\u3011\u3014-\u301b\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e{GLUE}{BREAK}]+")
_NEXT_LINE_LIMIT = 0.05   # em between characters: a squeeze that leaves the next line stretched more is undone
_NOT_ALONE = OPENING + CLOSING + GLUE + BREAK + "…— "   # (what may follow a paragraph's lone last character)


def candidates(text: str) -> list[int]:
    """Indices of the marks of a line's `text` that may be set at half width, in the order they give way."""
    visible = len(text.rstrip(BREAK + GLUE + " "))
    paired = set(compressed_marks(text))

    def beside_full(i: int) -> bool:
        if text[i] not in _QUOTES:
            return False
        before = text[:i].rstrip(GLUE)[-1:]
        after = text[i + 1:].lstrip(GLUE)[:1]
        return bool(before and before in FULL_WIDTH) or bool(after and after in FULL_WIDTH)

    return [i for tier in _TIERS for i in range(visible - 2, 0, -1)
            if text[i] in tier and i not in paired and not beside_full(i)]


def squeezed_marks(layout, text: str) -> list[int]:
    """The marks of `text` a layout was told to squeeze (only marks: other layouts made meanwhile,
    such as a tab's, may carry the indices too)."""
    return [i for i in getattr(layout, "xiaokan_squeezed", ()) if i < len(text) and text[i] in SQUEEZABLE]


def next_unit(text: str, lang: str | None, get_log_attrs) -> str | None:
    """`text` up to its first line break opportunity (None when there is none before its end: what follows
    may be glued to the next box)."""
    if len(text) < 2:
        return None
    attrs = get_log_attrs(text, lang)
    for end in range(1, len(text)):
        if attrs[end].is_line_break:
            return text[:end].rstrip(" ") or None
    return None


def make_split_text_box(original, squeezing, create_layout, line_size, get_log_attrs):
    """WeasyPrint's split_text_box, taking the next unit in by squeezing marks where that avoids spacing out.
    `squeezing(indices)` is the context in which the layouts made get those marks at half width."""

    def squeezed(context, box, available_width, skip, is_line_start, split):
        """The line split again with its next unit taken in, or None."""
        line, resume, preserved_break = split
        style = box.style
        em = style["font_size"]
        if (line is None or resume is None or preserved_break or style["text_align_all"] != "justify"
                or available_width - line.width < em / 100):
            return None
        encoded = box.text.encode()
        rest = encoded[resume:].decode()
        unit = next_unit(rest, style["lang"], get_log_attrs)
        if unit is None or len(rest[len(unit):].strip(_NOT_ALONE)) == 1:
            return None
        text = encoded[skip:resume].decode() + unit
        marks = candidates(text)
        if _SOLID.fullmatch(unit):   # (ideographs and full-width marks: one em each, no layout needed)
            wide = line.width + em * len(unit.replace(GLUE, "").replace(BREAK, ""))
        else:
            with squeezing(()):
                layout = create_layout(text, style, context, None, 0)
                wide, _ = line_size(layout.get_first_line()[0], style)
                layout.deactivate()
        needed = math.ceil((wide - available_width) / (em / 2) - 1e-6)
        if needed <= 0 or needed > len(marks):
            return None
        with squeezing(tuple(sorted(marks[:needed]))):
            tighter = original(context, box, available_width, skip, is_line_start)
        if tighter[0] is None or (tighter[1] is not None and tighter[1] <= resume) or tighter[2] \
                or tighter[0].width > available_width + em / 1000:
            return None
        return tighter

    def next_line_stretch(context, box, available_width, skip) -> float:
        """How far the line after `skip` is spaced out (em between characters), squeezed if it can be."""
        split = original(context, box, available_width, skip, True)
        line, resume, _ = squeezed(context, box, available_width, skip, True, split) or split
        if line is None or resume is None:
            return 0.0
        return (available_width - line.width) / max(count_cjk(line.text) - 1, 1) / box.style["font_size"]

    def split_text_box(context, box, available_width, skip, is_line_start=True):
        if available_width is None:   # (a line's box split again, its trailing space dropped: keep its marks)
            carried = getattr(getattr(box, "pango_layout", None), "xiaokan_squeezed", ())
            with squeezing(carried if skip == 0 else ()):
                return original(context, box, available_width, skip, is_line_start)
        split = original(context, box, available_width, skip, is_line_start)
        tighter = squeezed(context, box, available_width, skip, is_line_start, split)
        if tighter is None:
            return split
        # (the next line, one unit shorter, must not be spaced out more for it: looked at near a paragraph's
        # end, where the last units may leave it nothing to squeeze or take in)
        if tighter[1] is not None and len(box.text.encode()[tighter[1]:]) < 6 * available_width / box.style["font_size"]:
            after = next_line_stretch(context, box, available_width, tighter[1])
            if after > _NEXT_LINE_LIMIT and after > next_line_stretch(context, box, available_width, split[1]):
                return split
        return tighter

    return split_text_box


@contextlib.contextmanager
def pending(stack: list, indices: tuple[int, ...]):
    """Make `indices` the marks squeezed in the layouts created meanwhile (see cjklayout.set_text)."""
    stack.append(indices)
    try:
        yield
    finally:
        stack.pop()
