"""A merged cell's label on every page its rows reach (合并单元格的续表).

A table that merges a column (省份, 学部, 重点任务) gives each group a row group whose first row holds
the merged cell (rowspan). When a group is cut by a page end, WeasyPrint resumes it at a later row,
and that row has no cell in the merged column: the continuation shows an empty column. A typesetter
repeats the label there. This is done on the laid-out pages, in the one layout pass: the first
fragment's cell is copied onto the continuation, over the rows it still spans there, its text
centred as the original is.
"""
from __future__ import annotations


def repeat_merged_labels(pages) -> int:
    """Copy merged cells onto the pages their groups continue on; the number of copies made."""
    from weasyprint.formatting_structure import boxes

    merged: dict[object, list[tuple[int, object]]] = {}   # row group element -> [(first row index, cell)]
    copies = 0
    for page in pages:
        for group in page._page_box.descendants():
            if not isinstance(group, boxes.TableRowGroupBox) or not group.children or group.element is None:
                continue
            rows = group.children
            start = getattr(rows[0], "index", 0)
            key = group.element
            if start == 0 or key not in merged:
                merged[key] = [(getattr(row, "index", 0), cell) for row in rows for cell in row.children
                               if cell.rowspan > 1 and _has_text(cell)]
                continue
            for first, cell in merged[key]:
                if not first < start < first + cell.rowspan:
                    continue
                spanned = [row for row in rows if getattr(row, "index", 0) < first + cell.rowspan]
                top = spanned[0].position_y
                bottom = max(row.position_y + row.height for row in spanned)
                rows[0].children = [*rows[0].children, _placed(cell, top, bottom)]
                copies += 1
    return copies


def _has_text(cell) -> bool:
    return any(getattr(box, "text", "").strip() for box in cell.descendants())


def _placed(cell, top: float, bottom: float):
    """A copy of `cell` over the rows from `top` to `bottom`, its content centred between them."""
    copy = cell.deepcopy()
    copy.translate(0, top - copy.position_y)
    content = [box for box in copy.children]
    if content:
        upper = min(box.position_y for box in content)
        lower = max(box.position_y + box.margin_height() for box in content)
        shift = (top + bottom) / 2 - (upper + lower) / 2
        for box in content:
            box.translate(0, shift)
    copy.height = bottom - top - copy.padding_top - copy.padding_bottom - copy.border_top_width - copy.border_bottom_width
    return copy
