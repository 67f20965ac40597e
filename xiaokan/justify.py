"""Inter-character justification for Chinese text in WeasyPrint 70.

WeasyPrint justifies a line only by widening its spaces (layout/inline.py: justify_line,
count_expandable_spaces), so Chinese paragraphs, which have no spaces, stay ragged on the right.
This extension counts every CJK character as an expansion opportunity too and gives it the same
extra advance through Pango letter-spacing. Pango drops half of the letter-spacing at both ends of
a line (here: of a text box), so characters at a box's ends get double, exactly as WeasyPrint does
for spaces; every opportunity then adds the same width and the last glyph ends on the margin.
The last line of a paragraph is untouched: `text-align: justify` makes text-align-last `start`.

Pinned to WeasyPrint 70.x; install() refuses other versions rather than mis-rendering.
"""
from __future__ import annotations

import re

SUPPORTED_MAJOR = "70"
# Ideographs, kana, CJK and full-width punctuation, and the curly quotes Chinese text uses. A doubled
# dash or ellipsis (——, ……) is one glyph in Noto CJK, so it is one opportunity, not two.
_EXPANDABLE_CJK = re.compile(
    "\u2014\u2014|\u2026\u2026|[\u2018\u2019\u201c\u201d\u2026\u2014\u3000-\u303f\u3040-\u30ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff60]")
_EXPANDABLE_RUN = re.compile(f"(?:{_EXPANDABLE_CJK.pattern})+")
_installed = False


def count_cjk(text: str) -> int:
    return len(_EXPANDABLE_CJK.findall(text))


def install() -> None:
    """Patch WeasyPrint once per process. Safe to call many times."""
    global _installed
    if _installed:
        return
    import weasyprint
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import TO_UNITS, ffi, pango, unicode_to_char_p

    if weasyprint.__version__.split(".")[0] != SUPPORTED_MAJOR:
        raise RuntimeError(f"xiaokan.justify supports WeasyPrint {SUPPORTED_MAJOR}.x, not {weasyprint.__version__}; "
                           "install the version pinned in requirements.txt")

    original_count = inline.count_expandable_spaces

    def count_expandable(box) -> int:
        if isinstance(box, boxes.TextBox):
            return original_count(box) + count_cjk(box.text)
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable(child) for child in box.children)
        return 0

    original_set_text = line_break.Layout.set_text

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        spacing = self.justification_spacing if justify else 0
        if not spacing or not self.text or not _EXPANDABLE_CJK.search(self.text):
            return
        letter_spacing = self.style["letter_spacing"]
        base = 0 if letter_spacing == "normal" else int(letter_spacing * TO_UNITS)
        units = int(spacing * TO_UNITS) + base
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        _, bytestring = unicode_to_char_p(self.text)
        end_of_text = len(bytestring)

        def space(start: int, end: int, factor: int) -> None:
            attr = pango.pango_attr_letter_spacing_new(units * factor)
            attr.start_index, attr.end_index = start, end
            pango.pango_attr_list_change(attr_list, attr)

        # One attribute per run of CJK characters (Pango spaces every cluster of a range alike);
        # the first and last cluster of the text get double, as Pango halves spacing at the ends.
        position, consumed = 0, 0   # byte offset of self.text[consumed:]
        for run in _EXPANDABLE_RUN.finditer(self.text):
            position += len(self.text[consumed:run.start()].encode())
            start, end = position, position + len(run.group().encode())
            units_in_run = _EXPANDABLE_CJK.findall(run.group())
            if start == 0:
                first = len(units_in_run[0].encode())
                space(0, first, 2)
                start = first
            if end == end_of_text and start < end:
                last = len(units_in_run[-1].encode())
                space(end - last, end, 2)
                end -= last
            if start < end:
                space(start, end, 1)
            position += len(run.group().encode())
            consumed = run.end()
        pango.pango_layout_set_attributes(self.layout, attr_list)

    inline.count_expandable_spaces = count_expandable
    line_break.Layout.set_text = set_text
    _installed = True
