"""Chinese line layout in WeasyPrint 70: what a Chinese typesetter does that WeasyPrint does not.

- Inter-character justification. WeasyPrint widens only spaces (layout/inline.py: justify_line,
  count_expandable_spaces), so Chinese lines, which have no spaces, stay ragged. Every CJK character
  becomes an expansion opportunity, given the extra advance through Pango letter-spacing. Pango puts
  half of a cluster's letter-spacing on each side and drops the outer half at both ends of a text
  box, so the gaps inside a box are all alike; where two boxes meet inside a line (`中<b>文</b>`) the
  two dropped halves are put back as offsets, and at the ends of the line nothing is added. Every gap
  of a widened line is then the same and the last glyph ends on the margin.
- 标点挤压 (clreq 3.1.6): of two consecutive full-width punctuation marks, one takes half an em
  through the font's OpenType `halt` feature (Noto CJK has it): the first, unless both are opening
  marks, where the second gives up its empty left half, or the first is ？ or ！, which keep their width.
- Punctuation at the line's edges: a justified line that ends with a closing mark (。，、”） …) lets
  the mark's empty right half hang into the margin, so the ink ends flush; a line that starts with
  an opening mark (“（《 …) moves its empty left half out of the text block.
- 挤进 (clreq): before a line is spaced out, it takes in the next unit if enough of its marks can be
  set at half width (squeeze.py); the layouts made later for that line (justification, drawing) get the
  same marks at half width.
- `word-break: break-all` (a long address or code word: printmarkup.py) wraps at any character from
  the start, as CSS says: WeasyPrint cut such a word only once it overflowed a whole line, so a word
  that had a break opportunity early (`https://`) still went to the next line after it. Every
  character of such a word is an expansion opportunity too, as a CJK character is: a line whose word
  keeps its last characters together on the next line (printmarkup.py) is spread over the whole word,
  not over the two or three characters before it (地　址　为).

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
# Full-width marks whose glyph fills one half of the em (clreq: 点号 and 标号 with an empty half).
OPENING = "“‘（《〈「『【〔"
CLOSING = "”’）》〉」』】〕。，、；：？！"
GLUE = "\u2060"   # the word joiner the print HTML puts between a mark and its neighbour (禁则: typeset.py)
BREAK = "\u200b"  # the zero-width space it puts beside a quotation mark: a line that breaks there ends with it
# A pair of marks, optionally glued: the group that matched is the mark that gives up half its width.
# ？！ keep their full width (clreq): after them the closing mark that follows gives up its half (`？”`).
FULL_WIDTH = "？！"
_HALVED = "".join(mark for mark in CLOSING if mark not in FULL_WIDTH)
_PAIR = re.compile(f"([{_HALVED}])(?={GLUE}?[{OPENING}{CLOSING}])|(?<=[{OPENING}]){GLUE}?([{OPENING}])"
                   f"|(?<=[{FULL_WIDTH}]){GLUE}?([{_HALVED}])")
_installed = False


def count_cjk(text: str, anywhere: bool = False) -> int:
    """The expansion opportunities of `text`: its CJK characters, or (`anywhere`: a long word that
    breaks at any character) every character."""
    return len(text.strip(BREAK)) if anywhere else len(_EXPANDABLE_CJK.findall(text))


def compressed_marks(text: str) -> list[int]:
    """Indices of the marks of `text` set at half width (标点挤压)."""
    return [m.start(m.lastindex) for m in _PAIR.finditer(text)]


def _edge(text: str, at_end: bool, anywhere: bool = False) -> bool:
    """Whether the first (or last) character of `text` is a CJK expansion opportunity."""
    text = text.strip(BREAK)
    if not text or anywhere:
        return bool(text)
    return bool(_EXPANDABLE_CJK.fullmatch(text[-1] if at_end else text[0]))


def install() -> None:
    """Patch WeasyPrint once per process. Safe to call many times."""
    global _installed
    if _installed:
        return
    import weasyprint
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    from . import leaders, squeeze
    if weasyprint.__version__.split(".")[0] != SUPPORTED_MAJOR:
        raise RuntimeError(f"xiaokan.cjklayout supports WeasyPrint {SUPPORTED_MAJOR}.x, not {weasyprint.__version__}; "
                           "install the version pinned in requirements.txt")

    count_spaces = inline.count_expandable_spaces
    original_text_align = inline.text_align
    halt = b"halt 1"
    wrap_char = line_break.PANGO_WRAP_MODE["WRAP_CHAR"]
    squeezing_now: list[tuple[int, ...]] = []   # the marks to squeeze in the layouts being made (squeeze.py)

    def squeezing(indices):
        return squeeze.pending(squeezing_now, tuple(indices))

    def line_edges(line) -> tuple[object | None, object | None]:
        """The first and last in-flow leaf boxes of a line (text boxes or atomic inlines)."""
        leaves = []

        def walk(box):
            if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
                for child in box.children:
                    if child.is_in_normal_flow():
                        walk(child)
            else:
                leaves.append(box)
        walk(line)
        return (leaves[0], leaves[-1]) if leaves else (None, None)

    def count_expandable(box) -> float:
        if isinstance(box, boxes.TextBox):
            text, anywhere = box.text, box.style["word_break"] == "break-all"
            return (count_spaces(box) + count_cjk(text, anywhere)
                    - 0.5 * (_edge(text, False, anywhere) and getattr(box, "xiaokan_line_start", False))
                    - 0.5 * (_edge(text, True, anywhere) and getattr(box, "xiaokan_line_end", False)))
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable(child) for child in box.children)
        return 0

    def justify_line(context, line, extra_width):
        first, last = line_edges(line)
        for leaf, flag in ((first, "xiaokan_line_start"), (last, "xiaokan_line_end")):
            if isinstance(leaf, boxes.TextBox):
                setattr(leaf, flag, True)
        if (opportunities := count_expandable(line)) > 0:
            add_word_spacing(context, line, extra_width / opportunities, 0)

    def add_word_spacing(context, box, spacing, x_advance):
        if isinstance(box, boxes.TextBox):
            box.justification_spacing = spacing
            text, anywhere = box.text, box.style["word_break"] == "break-all"
            starts, ends = _edge(text, False, anywhere), _edge(text, True, anywhere)
            grows = count_spaces(box) + count_cjk(text, anywhere) - 0.5 * starts - 0.5 * ends
            # The halves Pango drops at the box's ends, put back where the box meets another inside the line.
            lead = spacing / 2 if starts and not getattr(box, "xiaokan_line_start", False) else 0
            trail = spacing / 2 if ends and not getattr(box, "xiaokan_line_end", False) else 0
            box.position_x += x_advance + lead
            if grows > 0:
                with squeezing(getattr(box.pango_layout, "xiaokan_squeezed", ())):
                    layout = inline.create_layout(text, box.style, context, max_width=None,
                                                  justification_spacing=spacing)
                layout.deactivate()
                box.width += spacing * grows
                box.pango_layout = layout
            return x_advance + lead + spacing * max(grows, 0) + trail
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            box.position_x += x_advance
            before = x_advance
            for child in box.children:
                if child.is_in_normal_flow():
                    x_advance = add_word_spacing(context, child, spacing, x_advance)
            box.width += x_advance - before
            return x_advance
        box.translate(x_advance, 0)
        return x_advance

    def text_align(context, line, available_width, last):
        """Hang the empty half of a mark at either edge of a justified line into the margin."""
        if line.style["text_align_all"] != "justify" or line.style["direction"] == "rtl":
            return original_text_align(context, line, available_width, last)
        first, final = line_edges(line)
        lead = trail = 0
        if isinstance(first, boxes.TextBox) and first.text and first.text[0] in OPENING:
            lead = first.style["font_size"] / 2
        if not last and isinstance(final, boxes.TextBox) and final.text.rstrip(BREAK)[-1:] in tuple(CLOSING):
            trail = final.style["font_size"] / 2
        return original_text_align(context, line, available_width + lead + trail, last) - lead

    original_set_text = line_break.Layout.set_text

    def set_text(self, text, justify=False):
        original_set_text(self, text, justify)
        anywhere = self.style["word_break"] == "break-all"
        if anywhere:
            pango.pango_layout_set_wrap(self.layout, wrap_char)
        spacing = self.justification_spacing if justify else 0
        justified = bool(spacing) and (anywhere or bool(_EXPANDABLE_CJK.search(self.text or "")))
        if squeezing_now:
            self.xiaokan_squeezed = squeezing_now[-1]
        marks = compressed_marks(self.text or "") + squeeze.squeezed_marks(self, self.text or "")
        if not justified and not marks:
            return
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        offsets = _byte_offsets(self.text)
        for index in marks:
            attr = pango.pango_attr_font_features_new(halt)
            attr.start_index, attr.end_index = offsets[index], offsets[index + 1]
            pango.pango_attr_list_insert(attr_list, attr)
        if justified:
            letter_spacing = self.style["letter_spacing"]
            base = 0 if letter_spacing == "normal" else int(letter_spacing * TO_UNITS)
            units = int(spacing * TO_UNITS) + base
            # One attribute per run of CJK characters (Pango spaces every cluster of a range alike).
            runs = [(0, len(self.text))] if anywhere else [run.span() for run in _EXPANDABLE_RUN.finditer(self.text)]
            for start, end in runs:
                attr = pango.pango_attr_letter_spacing_new(units)
                attr.start_index, attr.end_index = offsets[start], offsets[end]
                pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    inline.count_expandable_spaces = count_expandable
    inline.justify_line = justify_line
    inline.add_word_spacing = add_word_spacing
    inline.text_align = text_align
    line_break.Layout.set_text = set_text
    inline.split_text_box = squeeze.make_split_text_box(
        inline.split_text_box, squeezing, line_break.create_layout, line_break.line_size, line_break.get_log_attrs)
    leaders.install()
    _installed = True


def _byte_offsets(text: str) -> list[int]:
    """UTF-8 byte offset of each character of `text`, and of its end."""
    offsets, position = [0], 0
    for char in text:
        position += len(char.encode())
        offsets.append(position)
    return offsets
