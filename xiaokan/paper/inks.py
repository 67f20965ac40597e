"""Inks of the press edition: fine colour in two inks, black type overprinting.

On an offset press the four plates register within about 0.1 mm. Type under 12 pt and rules under
1 pt in a three-ink colour (the brand red is M92 Y88 K38) show coloured fringes when the plates are
that much apart, so they keep their two strongest inks (the red becomes M92 Y88; larger type, bands
and thick rules keep the full colour). Black type (100% K) overprints: it is printed on top of what
lies under it (a table's tinted header, the cover's band) instead of leaving a white gap there for
the press to miss; the overprint mode is 1 (OPM 1), so the zero inks of K-only type leave the inks
under it alone (the colours are DeviceCMYK, where OPM 1 applies).

Both are done while WeasyPrint draws the press edition (`press_inks` wraps its text and border
drawing); the layout and the reader's edition keep the colours of the print CSS."""
from __future__ import annotations

from contextlib import contextmanager

SMALL_TEXT_PT = 12
THIN_RULE_PT = 1
PX_PER_PT = 96 / 72
OVERPRINT = "xkOverprint"   # the ExtGState resource of overprinting black type
SIDES = ("top", "right", "bottom", "left")


def fewer_inks(color):
    """A DeviceCMYK colour of three or four inks as its two strongest (None: it has two or fewer)."""
    from tinycss2.color5 import parse_color

    if getattr(color, "space", None) != "device-cmyk":
        return None
    inks = tuple(color.coordinates)
    used = [i for i, value in enumerate(inks) if value > 0.005]
    if len(used) <= 2:
        return None
    kept = sorted(used, key=lambda i: inks[i], reverse=True)[:2]
    values = " ".join(f"{inks[i] if i in kept else 0:.3f}" for i in range(4))
    return parse_color(f"device-cmyk({values} / {color.alpha})")


def _black(color) -> bool:
    return getattr(color, "space", None) == "device-cmyk" and tuple(color.coordinates) == (0, 0, 0, 1) \
        and color.alpha == 1


@contextmanager
def _swapped(style, changes: dict):
    """The style with some values changed while one box is drawn (styles are shared between boxes)."""
    kept = {key: style[key] for key in changes}
    style.update(changes)
    try:
        yield
    finally:
        style.update(kept)


@contextmanager
def press_inks():
    """While the press edition is written: small type and thin rules in two inks, black type overprinting."""
    import pydyf
    from weasyprint import draw
    from weasyprint.draw.color import get_color

    draw_text, draw_border = draw.draw_text, draw.draw_border

    def text(stream, textbox, *args, **kwargs):
        style = textbox.style
        color = style["color"]
        fewer = fewer_inks(color) if style["font_size"] < SMALL_TEXT_PT * PX_PER_PT else None
        if not _black(color):
            with _swapped(style, {"color": fewer} if fewer else {}):
                return draw_text(stream, textbox, *args, **kwargs)
        states = stream._resources["ExtGState"]
        if OVERPRINT not in states:
            states[OVERPRINT] = pydyf.Dictionary({"Type": "/ExtGState", "OP": "true", "op": "true", "OPM": 1})
        stream.push_state()
        pydyf.Stream.set_state(stream, OVERPRINT)
        try:
            return draw_text(stream, textbox, *args, **kwargs)
        finally:
            stream.pop_state()

    def border(stream, box):
        changes = {}
        for side in SIDES:
            width = getattr(box, f"border_{side}_width", 0) or 0
            if 0 < width < THIN_RULE_PT * PX_PER_PT and (fewer := fewer_inks(get_color(box.style, f"border_{side}_color"))):
                changes[f"border_{side}_color"] = fewer
        with _swapped(box.style, changes):
            return draw_border(stream, box)

    draw.draw_text, draw.draw_border = text, border
    try:
        yield
    finally:
        draw.draw_text, draw.draw_border = draw_text, draw_border
