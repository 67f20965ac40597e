"""Dot leaders (本期要目) that are never a single stray dot before the page number.

WeasyPrint 70 (layout/leader.py) lays a leader out as one dot, so a title that fills its line up to the
page number keeps it on that line with room for one dot, or none: the entry reads `……汇报会.12` or
`……汇报会 12`. As ctex/tocloft's dot fill, a leader here has a least length: the box holding the leader
(print.css: `.contents-end::after`) reserves it as left padding, which the line breaking counts, so an
entry that cannot have it takes its last characters to the next line with a full leader; the dots are
then set over that padding too. They stay on the grid WeasyPrint aligns them on (from the line's right
end), so that the dots of all entries stand in columns.
"""
from __future__ import annotations

_installed = False


def install() -> None:
    """Patch WeasyPrint's leader placement once per process."""
    global _installed
    if _installed:
        return
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline, leader

    original = leader.handle_leader

    def handle_leader(context, line, containing_block):
        """layout/leader.py's handle_leader, with the dots set from the start of the padding of the box
        the leader opens (the reserve) rather than from the leader's own start."""
        index, leader_box = leader.leader_index(line)
        if index is None or not leader_box.children or line.style["direction"] != "ltr":
            return original(context, line, containing_block)
        parent, path = line, index
        while path[1] is not None:
            parent, path = parent.children[path[0]], path[1]
        reserve = parent.padding_left if isinstance(parent, boxes.InlineBox) and path[0] == 0 else 0
        text_box, = leader_box.children
        if not reserve or text_box.width <= 0:
            return original(context, line, containing_block)
        extra_width = containing_block.width - sum(
            child.margin_width() for child in line.children if child.is_in_normal_flow())
        for shape in context.excluded_shapes:
            if shape.position_y + shape.height > line.position_y:
                extra_width -= shape.width
        start = leader_box.position_x - reserve
        end = leader_box.position_x + extra_width + text_box.width
        line.width = containing_block.width
        position_x = line.position_x + line.width
        children = []
        for _ in range(int(line.width // text_box.width)):
            position_x -= text_box.width
            if start <= position_x and position_x + text_box.width <= end:
                dot = text_box.copy()
                dot.position_x = position_x
                children.append(dot)
        leader_box.children = tuple(children)
        box = line   # (widen the leader's boxes and move what follows it, as the original does)
        while index is not None:
            for child in box.children[index[0] + 1:]:
                if child.is_in_normal_flow():
                    child.translate(dx=extra_width)
            box = box.children[index[0]]
            box.width += extra_width
            index = index[1]
        return None

    inline.handle_leader = handle_leader
    _installed = True
