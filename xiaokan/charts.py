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


@dataclass(frozen=True)
class Chart:
    kind: str                    # "bar" or "pie"
    caption: str
    label_name: str              # header of the label column, e.g. 年度
    value_name: str              # header of the value column, e.g. 设置数
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def describe(chart: Chart) -> str:
    """The chart in one sentence, as a screen reader announces it."""
    items = "，".join(f"{label} {number(v)}{chart.unit}" for label, v in zip(chart.labels, chart.values))
    return f"{chart.caption or chart.value_name}：{items}"


def svg(chart: Chart) -> str:
    body = _bars(chart) if chart.kind == "bar" else _pie(chart)
    label = escape(describe(chart))
    return (f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}" '
            f'xmlns="http://www.w3.org/2000/svg" {FONT}><title>{label}</title>{body}</svg>')


def _text(x: float, y: float, text: str, size: int = 18, anchor: str = "middle", fill: str = INK,
          bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{weight}>'
            f'{escape(text)}</text>')


def _bars(chart: Chart) -> str:
    left, right, top, bottom = 10, 10, 36, 40
    plot_w, plot_h = WIDTH - left - right, HEIGHT - top - bottom
    slot = plot_w / len(chart.values)
    bar_w = min(slot * 0.6, 80)
    peak = max(chart.values) or 1
    base = top + plot_h
    parts = [f'<line x1="{left}" y1="{base}" x2="{WIDTH - right}" y2="{base}" stroke="{RULE}" stroke-width="1"/>']
    for i, (label, value) in enumerate(zip(chart.labels, chart.values)):
        cx = left + slot * (i + 0.5)
        h = plot_h * value / peak
        parts.append(f'<rect class="bar" x="{cx - bar_w / 2:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" '
                     f'height="{h:.1f}" fill="{PALETTE[0]}"><title>{escape(label)}：{number(value)}{escape(chart.unit)}'
                     f'</title></rect>')
        parts.append(_text(cx, base - h - 8, number(value) + chart.unit, bold=True))
        parts.append(_text(cx, base + 26, label, size=17, fill=MUTED))
    return "".join(parts)


def _pie(chart: Chart) -> str:
    cx, cy, r = 110, HEIGHT / 2, 105
    total = sum(chart.values)
    parts, angle = [], -math.pi / 2   # start at twelve o'clock, clockwise
    for i, value in enumerate(chart.values):
        colour = PALETTE[i % len(PALETTE)]
        share = value / total
        if share >= 1:
            parts.append(f'<circle class="slice" cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>')
        elif share > 0:
            end = angle + 2 * math.pi * share
            x0, y0 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x1, y1 = cx + r * math.cos(end), cy + r * math.sin(end)
            large = 1 if share > 0.5 else 0
            parts.append(f'<path class="slice" d="M{cx},{cy} L{x0:.2f},{y0:.2f} A{r},{r} 0 {large} 1 {x1:.2f},{y1:.2f} Z" '
                         f'fill="{colour}" stroke="#fff" stroke-width="2"/>')
            angle = end
    # Legend: label on one line, number and share on the next, so that long labels fit beside the pie.
    legend_y = cy - 27 * len(chart.values) + 20
    for i, (label, value) in enumerate(zip(chart.labels, chart.values)):
        y = legend_y + 54 * i
        parts.append(f'<rect x="232" y="{y - 15:.1f}" width="18" height="18" fill="{PALETTE[i % len(PALETTE)]}"/>')
        parts.append(_text(258, y, label, anchor="start"))
        parts.append(_text(258, y + 24, f"{number(value)}{chart.unit}（{100 * value / total:.1f}%）", anchor="start",
                           fill=MUTED))
    return "".join(parts)
