"""The page (issue 27): the line grid, facing pages, page bottoms, line adjustment, the type hierarchy and
the running heads, read back from the sample's A4 PDF (glyph positions: printmeasure.py) and from a small
site in A5 (the grid is computed for any page size)."""
from __future__ import annotations

import re
import subprocess

import pdfplumber
import pytest

import printmeasure as measure
from helpers import printed
from xiaokan.paper.grid import BODY_PT, PITCH_PT, grid_for

MM = 72 / 25.4


@pytest.fixture(scope="module")
def a4(sample):
    with pdfplumber.open(sample / "print/xiaokan-2024-06.pdf") as pdf:
        yield pdf.pages


def body_pages(pages):
    return [page for page in pages if measure.body_lines(page)]


def test_the_grid_is_whole_characters_and_lines_for_every_page_size():
    for width, height in ((210, 297), (176, 250), (148, 210), (297, 420), (215.9, 279.4)):
        grid = grid_for(width, height)
        assert grid.side_mm * 2 + grid.chars * BODY_PT / MM == pytest.approx(width)
        assert grid.top_mm + grid.bottom_mm + grid.lines * PITCH_PT / MM == pytest.approx(height)
        assert grid.side_mm >= 18 * width / 210 and grid.top_mm >= 24 * height / 297
    assert (grid_for(210, 297).chars, grid_for(210, 297).lines) == (46, 38)


def test_body_baselines_sit_on_the_grid_and_facing_pages_align(a4):
    on, lines, _ = measure.grid_share(body_pages(a4), PITCH_PT)
    assert on / lines >= 0.95, f"{on}/{lines} baselines on the grid"
    aligned, facing = measure.facing_alignment(a4, PITCH_PT)
    assert aligned / facing >= 0.95, f"{aligned}/{facing} lines aligned with the facing page"


def test_body_lines_are_never_stretched_by_more_than_an_eighth_em(a4):
    stretch = measure.line_stretch(body_pages(a4))
    assert max(stretch) <= 1 / 8, f"worst line stretched {max(stretch):.1%} of an em"
    assert measure.percentile(stretch, .99) <= 0.04   # (4.8 % before 挤进: lines now squeeze marks first)


def test_lines_squeeze_marks_to_take_in_the_next_unit_before_spacing_out(a4):
    """挤进: a line with room left over takes in its next character by setting some of its 、，。；：and
    brackets at half width, read back from the glyph positions; ？ and ！ never give up their width."""
    squeezed = measure.squeezed_marks(body_pages(a4))
    assert len({(page, line) for page, _, line in squeezed}) >= 50
    assert {mark for _, mark, _ in squeezed} >= set("，、。") and not {mark for _, mark, _ in squeezed} & set("？！")


def test_the_marks_a_line_may_squeeze():
    from xiaokan.paper.squeeze import candidates

    line = "甲，乙、丙（丁）戊。己“庚？”辛！“壬”。"
    marks = [line[i] for i in candidates(line)]
    assert marks == list("。、，）“（")   # 点号 from the line's end first, then brackets
    assert "？" not in marks and "！" not in marks and line[candidates(line)[4] + 1] == "庚"
    # (not the quotes beside ？！, not 。 in the pair 。”, not the last mark, which hangs)
    assert candidates("（甲，乙）") == [2]   # the marks that hang at the line's edges keep their width


def test_mid_article_pages_end_on_the_blocks_last_line(a4):
    short, mid = measure.short_pages(a4, PITCH_PT, block_lines=grid_for(210, 297).lines)
    assert mid >= 20 and short / mid <= 0.10, f"{short} of {mid} pages an article runs on from end short"


def short_page_layout(grid):
    """Two pages of ten grid lines: an article of four lines, then one whose title and first line end the
    first page while its next paragraph (six lines, kept whole) goes to the second: four lines empty."""
    import weasyprint

    line = f"<p>{'评建' * 10}</p>"
    html = f"""<style>@page {{ size: 120mm {10 * grid.pitch + 40}pt; margin: 20pt 10mm; }}
      body {{ margin: 0; font: 10pt/{grid.pitch}pt sans-serif; }} p, h2 {{ margin: 0; }}
      h2 {{ font-size: 10pt; bookmark-level: 2; bookmark-label: content(); }} .whole {{ break-inside: avoid; }}</style>
      <article class="print-article">{line * 4}</article>
      <article class="print-article" id="second"><header><h2>第二篇</h2></header>{line}
      <p class="whole">{"<br>".join(["评建" * 10] * 6)}</p></article>"""
    return weasyprint.HTML(string=html).render().pages


def test_a_short_page_opens_whole_lines_above_its_last_article_and_its_bookmark_follows():
    from xiaokan.paper.makeup import sink

    grid = grid_for(210, 297)
    pages = short_page_layout(grid)
    assert len(pages) == 2
    (before,) = pages[0].bookmarks
    anchor_before = pages[0].anchors["second"]
    assert sink(pages, grid) == 1
    (after,) = pages[0].bookmarks
    opened = (after[2][1] - before[2][1]) * 0.75 / grid.pitch   # (CSS pixels to lines)
    assert opened >= 2 and opened == pytest.approx(round(opened))   # (whole lines: the grid holds)
    assert pages[0].anchors["second"][1] - anchor_before[1] == pytest.approx(after[2][1] - before[2][1])
    assert sink(short_page_layout(grid)[1:], grid) == 0   # (the last page: nothing runs on from it)


def test_nothing_the_make_up_moves_falls_below_the_text_block(a4):
    """Filled pages (a figure sunk to the foot, lines opened above a head) keep every glyph, photo and
    chart inside the block: only the folio is printed below it."""
    grid = grid_for(210, 297)
    below = []
    for number, page in enumerate(a4[1:-1], 2):
        _x0, top, _x1, bottom = measure.trim(page)
        foot = top + grid.top_mm * MM + grid.lines * PITCH_PT + 2
        below += [(number, c["text"]) for c in page.chars if c["text"].strip() and c["bottom"] > foot and c["size"] > 9.5]
        below += [(number, "figure") for o in page.images + page.curves if foot < o["bottom"] < bottom - 20]
    assert below == []


def test_full_pages_use_every_line_of_the_block(a4):
    """A page of running text holds the grid's 38 lines: its first and last baselines are 37 pitches
    apart (the block was once a hair short of its last line, which then stayed empty on every page)."""
    spans = [round((lines[-1][0] - lines[0][0]) / PITCH_PT) + 1 for page in body_pages(a4)
             if len(lines := measure.body_lines(page)) > 2]
    assert max(spans) == grid_for(210, 297).lines and spans.count(max(spans)) >= 3, spans


def test_no_separator_rule_stands_at_a_page_top(a4):
    for number, page in enumerate(body_pages(a4), start=2):
        first = measure.body_lines(page)[0][0]
        top_of_block = min(c["top"] for c in page.chars if c["top"] > first - 3 * PITCH_PT and c["size"] > 9.5)
        rules = [r for r in page.rects + page.lines if r["width"] > 100 and r["height"] < 1.5
                 and top_of_block - PITCH_PT < r["top"] < top_of_block]
        assert not rules, f"page {number}: a rule above the first line"


def test_titles_headings_and_bylines_follow_the_zihao_scale(a4, sample):
    chars = [c for page in a4 for c in page.chars if c["text"].strip()]
    sizes = {(round(c["size"], 1), c["fontname"].split("+")[-1]) for c in chars}
    assert (22.0, "Noto-Serif-CJK-SC-Bold") in sizes or (22.0, "NotoSerifCJKsc-Bold") in sizes, sizes   # 二号 标题
    assert any(size == 14.0 and "Sans" in font and "Bold" in font for size, font in sizes)                # 四号 黑体
    kai = [c for c in chars if "UKai" in c["fontname"]]
    assert kai and {round(c["size"], 1) for c in kai} <= {10.5, 12.0}                                     # 楷体 bylines
    assert "作者" in "".join(c["text"] for c in kai) or "来源" in "".join(c["text"] for c in kai)
    fonts = subprocess.run(["pdffonts", str(sample / "print/xiaokan-2024-06.pdf")], capture_output=True, text=True).stdout
    assert re.search(r"UKai\S*\s.*\byes\s+yes\b", fonts), "the 楷体 is embedded and subset"


def ink_end(char) -> float:
    return char["x0"] + char["size"] / 2 if char["text"] in measure.CLOSING else char["x1"]


def test_an_a5_page_has_its_own_grid(mini):
    config = mini / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n  page_size: A5\n", encoding="utf-8")
    para = "学校召开专题会议，研究部署本学期教学工作，要求各部门认真落实各项任务，确保评建工作取得实效。" * 3
    (mini / "content/2024-07/09-changwen.md").write_text("---\n标题: 长文\n栏目: 评建动态\n---\n"
                                                         + "\n\n".join([para] * 4) + "\n", encoding="utf-8")
    grid = grid_for(148, 210)
    with printed(mini) as pdf:
        pages = body_pages(pdf.pages)
        on, lines, _ = measure.grid_share(pages, PITCH_PT)
        # (to the ink: a closing mark that ends a line hangs its empty half in the margin)
        widths = [ink_end(chars[-1]) - chars[0]["x0"] for page in pages for _, chars in measure.body_lines(page)
                  if len(chars) >= grid.chars - 1]
    assert lines >= 20 and on / lines >= 0.95
    assert widths and max(widths) == pytest.approx(grid.chars * BODY_PT, abs=0.6)   # 32 characters of 五号


def test_question_and_exclamation_marks_keep_their_full_width(a4):
    """clreq: ？ and ！ are never compressed; in 「？”」 the quote gives up its half, not the question mark."""
    advances = [(b["x0"] - a["x0"]) / a["size"] for page in body_pages(a4) for _, chars in measure.body_lines(page)
                for a, b in zip(chars, chars[1:]) if a["text"] in "？！" and b["x0"] - a["x0"] < 2 * a["size"]]
    assert len(advances) >= 3 and min(advances) >= 0.95, advances


def test_chinese_may_break_before_an_opening_and_after_a_closing_quote():
    """Pango (UAX #14) never breaks beside a quotation mark; print text gives Chinese its breaks back, except
    in table cells (their columns were sized for the breaks they had) and between a paragraph's last two."""
    from xiaokan.paper.typeset import BREAK, typeset

    html = typeset("<p>精选“中国大学MOOC”和“智慧职教”作为平台</p><table><tr><td>精选“慕课”和</td></tr></table>"
                   "<p>他说“好”。</p>")
    body, table, last = html.split("<table>")[0], html.split("<table>")[1].split("</table>")[0], html.split("</table>")[1]
    assert body.replace("\u2060", "").count(BREAK) == 4 and f"{BREAK}“" in body and f"”{BREAK}和" in body
    assert BREAK not in table and BREAK not in last
