"""Bar and pie charts as inline SVG: crisp on screen and in the PDF, text stays text (searchable, selectable)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

# A narrow canvas so that text stays legible when a phone scales the chart down to ~340 px.
WIDTH, HEIGHT = 480, 280
FONT = 'font-family="Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"'
# Colours at least 3:1 against white (WCAG 1.4.11 for graphical objects) that also differ in lightness,
# not hue alone, so that neighbouring slices stay apart in black-and-white print (CIE L* 30, 58, 16, 52, 47, 52).
PALETTE = ("#8c1c13", "#6d8fb3", "#142a3f", "#b26b00", "#3f7d3a", "#9b6a9e")
INK, MUTED, RULE = "#1f2328", "#57606a", "#8c959f"
# Values a chart may show: 50 bars are 9 units wide each on the canvas (6 px on a phone), the least
# that still reads; past that a chart is a blur (and a 50,000-bar drawing took WeasyPrint 9 minutes and 9 GB).
MAX_VALUES = 50


@dataclass(frozen=True)
class Chart:
    kind: str                    # "bar" or "pie"
    caption: str
    label_name: str              # header of the label column, e.g. 年度
    value_name: str              # header of the value column, e.g. 设置数
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""
    decimals: int = 0            # as the CSV writes its numbers: 60.0 beside 88.5 stays 60.0

    def number(self, value: float) -> str:
        """A value as the chart shows it, with the data's own precision."""
        return f"{value:.{self.decimals}f}"


def decimals_of(cells) -> int:
    """The most digits after the decimal point among numbers as written (`1,234.50` -> 2)."""
    return max((len(cell.rpartition(".")[2]) for cell in cells if "." in cell), default=0)


def describe(chart: Chart) -> str:
    """The chart in one sentence, as a screen reader announces it."""
    items = "，".join(f"{label} {chart.number(v)}{chart.unit}" for label, v in zip(chart.labels, chart.values))
    return f"{chart.caption or chart.value_name}：{items}"


def svg(chart: Chart) -> str:
    body, height = _bars(chart) if chart.kind == "bar" else _pie(chart)
    label = escape(describe(chart))
    return (f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{label}" '
            f'xmlns="http://www.w3.org/2000/svg" {FONT}><title>{label}</title>{body}</svg>')


def text_width(text: str, size: float) -> float:
    """Estimated drawn width: Chinese and full-width characters are 1 em, others about 0.56 em."""
    return sum(size if ord(c) > 0x2e7f else size * 0.56 for c in text)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Lines of at most `width` units (character by character: Chinese has no spaces to break at;
    a closing mark never starts a line)."""
    lines, line = [], ""
    for char in text:
        if line and text_width(line + char, size) > width and char not in "，。、；：）》」”":
            lines.append(line)
            line = char.lstrip()
        else:
            line += char
    return lines + [line]


def _text(x: float, y: float, text: str, size: float = 18, anchor: str = "middle", fill: str = INK,
          bold: bool = False, role: str = "label") -> str:
    """One line of text, or several (a list) one under the other."""
    weight = ' font-weight="bold"' if bold else ""
    lines = text if isinstance(text, list) else [text]
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size * 1.2:.1f}">{escape(line)}</tspan>'
                    for i, line in enumerate(lines)) if len(lines) > 1 else escape(lines[0])
    return (f'<text class="{role}" x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" text-anchor="{anchor}" fill="{fill}"'
            f'{weight}>{spans}</text>')


def _bars(chart: Chart) -> tuple[str, float]:
    """Bars with their values above and their labels below, each within its own slot: a long label
    (装备制造大类) wraps, in a smaller size when the slots are narrow, and never reaches its neighbour's."""
    left, right, top = 10, 10, 36
    slot = (WIDTH - left - right) / len(chart.values)
    room = slot * 0.92
    size = 17 if room >= 17 * 2 else max(11, room / 2)
    labels = [wrap(label, room, size) for label in chart.labels]
    rows = max(len(lines) for lines in labels)
    bottom = 14 + rows * size * 1.2
    height = max(HEIGHT, top + 180 + bottom)
    plot_h = height - top - bottom
    bar_w = min(slot * 0.6, 80)
    peak = max(chart.values) or 1
    base = top + plot_h
    parts = [f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{RULE}" stroke-width="1"/>']
    for i, (label, value, lines) in enumerate(zip(chart.labels, chart.values, labels)):
        cx = left + slot * (i + 0.5)
        h = plot_h * value / peak
        shown = chart.number(value) + chart.unit
        value_size = min(18, room / max(1, text_width(shown, 1)))
        parts.append(f'<rect class="bar" data-colour="0" x="{cx - bar_w / 2:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                     f'height="{h:.1f}" fill="{PALETTE[0]}"><title>{escape(label)}：{chart.number(value)}{escape(chart.unit)}'
                     f'</title></rect>')
        parts.append(_text(cx, base - h - 8, shown, size=round(value_size, 1), bold=True, role="value"))
        parts.append(_text(cx, base + 8 + size, lines, size=round(size, 1), fill=MUTED))
    return "".join(parts), height


def _pie(chart: Chart) -> tuple[str, float]:
    """The pie on the left, the legend on the right: each label wraps within the legend's width."""
    legend_x, size = 258, 18
    labels = [wrap(label, WIDTH - legend_x - 8, size) for label in chart.labels]
    heights = [len(lines) * size * 1.2 + size * 1.2 + 12 for lines in labels]   # label lines, value line, gap
    height = max(HEIGHT, sum(heights) + 20)
    cx, cy, r = 110, height / 2, 105
    total = sum(chart.values)
    parts, angle = [], -math.pi / 2   # start at twelve o'clock, clockwise
    for i, value in enumerate(chart.values):
        colour = PALETTE[i % len(PALETTE)]
        share = value / total
        if share >= 1:
            parts.append(f'<circle class="slice" data-colour="{i % len(PALETTE)}" cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>')
        elif share > 0:
            end = angle + 2 * math.pi * share
            x0, y0 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x1, y1 = cx + r * math.cos(end), cy + r * math.sin(end)
            large = 1 if share > 0.5 else 0
            parts.append(f'<path class="slice" data-colour="{i % len(PALETTE)}" d="M{cx},{cy:.2f} L{x0:.2f},{y0:.2f} A{r},{r} 0 {large} 1 {x1:.2f},{y1:.2f} Z" '
                         f'fill="{colour}" stroke="#fff" stroke-width="2"/>')
            angle = end
    # Legend: the label (wrapped), then the number and share on the next line.
    y = (height - sum(heights)) / 2 + size
    for i, (lines, value) in enumerate(zip(labels, chart.values)):
        parts.append(f'<rect class="swatch" data-colour="{i % len(PALETTE)}" x="{legend_x - 26}" y="{y - 15:.1f}" width="18" height="18" '
                     f'fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(_text(legend_x, y, lines, anchor="start"))
        parts.append(_text(legend_x, y + len(lines) * size * 1.2, f"{chart.number(value)}{chart.unit}（{100 * value / total:.1f}%）",
                           anchor="start", fill=MUTED, role="value"))
        y += heights[i]
    return "".join(parts), height
