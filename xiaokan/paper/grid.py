"""The print edition's line grid (版心网格): the text block as a whole number of characters wide and of
lines high at the body size, for any page size, and the margins that centre it on the page.

Body text is 五号 (10.5 pt) on a pitch of 1.75 (18.375 pt), as Chinese books and 简报 set it: on A4
that is 46 characters by 38 lines. Everything the page carries is a whole number of lines of this
pitch (print.css takes `pitch` from here), so that baselines fall on the grid and facing pages align.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

BODY_PT = 10.5            # 五号
PITCH_PT = BODY_PT * 1.75  # one line of the grid
MM = 72 / 25.4
# The least margin on each side, as a share of the page (A4: 24 mm at the top for the running head,
# 22 mm at the foot for the folio, 19 mm at the sides); the grid's remainder is added to them.
TOP, BOTTOM, SIDE = 24 / 297, 22 / 297, 19 / 210
# Type sizes on the 字号 scale, in points.
ERHAO, SANHAO, SIHAO, XIAOSI, WUHAO, XIAOWU = 22, 16, 14, 12, 10.5, 9


@dataclass(frozen=True)
class Grid:
    width_mm: float
    height_mm: float
    chars: int        # characters per line
    lines: int        # lines per page
    pitch: float = PITCH_PT

    @property
    def side_mm(self) -> float:
        return (self.width_mm - self.chars * BODY_PT / MM) / 2

    @property
    def top_mm(self) -> float:
        return TOP / (TOP + BOTTOM) * self._spare_mm

    @property
    def bottom_mm(self) -> float:
        return BOTTOM / (TOP + BOTTOM) * self._spare_mm

    @property
    def _spare_mm(self) -> float:
        return self.height_mm - self.lines * self.pitch / MM

    @property
    def block_pt(self) -> float:
        """The text block's width."""
        return self.chars * BODY_PT

    @property
    def figure_pt(self) -> float:
        """The tallest picture: the block's height less a line of space above and below it, a line
        of caption and a line to spare (a portrait photo as wide as the block would not fit a page)."""
        return (self.lines - 4) * self.pitch

    @property
    def title_pt(self) -> float:
        """Article titles: 二号 on a wide block (A4 and larger), 三号 on a narrow one (B5, A5)."""
        return ERHAO if self.chars >= 40 else SANHAO

    @property
    def title_leading(self) -> float:
        """An article title's line-height: two lines of the grid for 二号, one and a half for 三号."""
        return self.pitch * (2 if self.title_pt == ERHAO else 1.5)

    def title_html(self, html: str) -> str:
        """A title (its lines joined by <br>) with the half line that makes it whole lines high
        when it has an odd number of lines of one and a half."""
        if self.title_leading / self.pitch % 1 and (html.count("<br>") + 1) % 2:
            return html + '<span class="title-rest"></span>'
        return html

    def lines_for(self, height_pt: float) -> int:
        """How many lines of the grid a thing of this height occupies."""
        return max(1, math.ceil(height_pt / self.pitch - 1e-6))

    def round_up(self, height_pt: float) -> float:
        """The space to add under a thing of this height so that it occupies whole lines."""
        return self.lines_for(height_pt) * self.pitch - height_pt


def grid_for(width_mm: float, height_mm: float) -> Grid:
    """The largest grid inside the least margins of a page of this size (trimmed, in mm)."""
    chars = int((width_mm * (1 - 2 * SIDE)) * MM // BODY_PT)
    lines = int((height_mm * (1 - TOP - BOTTOM)) * MM // PITCH_PT)
    return Grid(width_mm, height_mm, chars, lines)
