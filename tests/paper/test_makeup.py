"""Make-up after the layout (xiaokan/paper/makeup.py): what a page that is filled keeps, and pictures
that never outgrow the text block. Read back from the laid-out boxes and from a built PDF."""
from __future__ import annotations

import pdfplumber
import pytest

from helpers import printed, write
from xiaokan.paper.grid import PITCH_PT, grid_for

MM = 72 / 25.4


def page_ending_with_a_table(grid):
    """Two pages of ten grid lines: four lines of text and a table with a shaded header end the first,
    the next paragraph (six lines, kept whole) goes to the second."""
    import weasyprint

    line = f"<p>{'评建' * 10}</p>"
    html = f"""<style>@page {{ size: 120mm {10 * grid.pitch + 40}pt; margin: 20pt 10mm; }}
      body {{ margin: 0; font: 10pt/{grid.pitch}pt sans-serif; }} p {{ margin: 0; }}
      table {{ border-collapse: collapse; }} th {{ background: #fde; }} .whole {{ break-inside: avoid; }}</style>
      <article class="print-article">{line * 4}<table><thead><tr><th>序号</th><th>名称</th></tr></thead>
      <tbody><tr><td>1</td><td>甲</td></tr></tbody></table>
      <p class="whole">{"<br>".join(["评建" * 10] * 6)}</p></article>"""
    return weasyprint.HTML(string=html).render().pages


def test_a_table_sunk_to_the_foot_takes_its_shading_with_it():
    """WeasyPrint places backgrounds once a page is laid out: a table moved after it left its header's
    shading behind as a bar across the text, and printed the header white."""
    from weasyprint.formatting_structure import boxes

    from xiaokan.paper.makeup import sink

    grid = grid_for(210, 297)
    pages = page_ending_with_a_table(grid)
    header = next(b for b in pages[0]._page_box.descendants() if isinstance(b, boxes.TableCellBox) and b.element_tag == "th")
    before = header.border_box_y()
    assert sink(pages, grid) == 1
    assert header.border_box_y() > before + grid.pitch   # (it went down whole lines)
    shaded = [b for b in pages[0]._page_box.descendants() if getattr(b, "background", None) is not None
              and b.element_tag in ("th", "tr", "thead", "table")]
    assert shaded
    for box in shaded:
        for layer in box.background.layers:
            assert layer.painting_area[1] == pytest.approx(box.border_box_y(), abs=0.5), box.element_tag


def test_a_portrait_photo_fits_the_block_with_its_caption(mini):
    """A portrait photo as wide as the block is taller than an A4 page's text block: it ran into the
    foot margin and its caption went alone to the next page."""
    from PIL import Image

    Image.new("RGB", (1200, 2000), (40, 90, 140)).save(mini / "content/2024-07/tall.jpg")
    write(mini, "content/2024-07/05-tall.md", "---\n标题: 新落成的实训楼\n栏目: 评建动态\n---\n学校新落成的实训楼投入使用。\n\n"
          "![新落成的实训楼](tall.jpg)\n\n实训楼共六层。\n")
    grid = grid_for(210, 297)
    with printed(mini) as pdf:
        (page,) = [p for p in pdf.pages if any(i["height"] > 300 for i in p.images)]
        photo = max(page.images, key=lambda i: i["height"])
        trim_top = (page.height - 297 * MM) / 2
        foot = trim_top + grid.top_mm * MM + grid.lines * PITCH_PT
        assert photo["bottom"] <= foot + 0.5
        below = "".join(c["text"] for c in page.chars if c["top"] > photo["bottom"])
        assert "新落成的实训楼" in below   # (the caption, on the photo's page)


def pushed_photo_html(grid) -> str:
    """Pages of ten grid lines: three lines of text, then a photo five lines high with its caption (eight
    lines with its space) that does not fit the six left, then a head: the text after the photo
    cannot come up to fill the hole."""
    import base64
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (300, 200), (40, 90, 140)).save(png, "PNG")
    src = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    line = f"<p>{'评建' * 10}</p>"
    return f"""<style>@page {{ size: 120mm {10 * grid.pitch + 40}pt; margin: 20pt 10mm; }}
      body {{ margin: 0; font: 10pt/{grid.pitch}pt sans-serif; }} p, h2, figcaption {{ margin: 0; }}
      h2 {{ font-size: 10pt; break-after: avoid; }} figure {{ margin: {grid.pitch}pt 0; break-inside: avoid; }}
      img {{ display: block; height: {5 * grid.pitch}pt; }}</style>
      <article class="print-article"><div class="article-body">{line * 3}
      <figure style="padding-bottom: 0.000pt"><img src="{src}" alt="照片"><figcaption>图1 照片</figcaption></figure>
      <h2>二、下一步</h2>{line * 8}</div></article>"""


def test_a_photo_pushed_off_a_page_is_set_smaller_to_fill_the_hole_it_left():
    """A photo the first layout pushed to the next page, followed by a head (which keeps with its text),
    left six of ten lines empty; set smaller in whole lines it fits the page it belongs on."""
    import weasyprint

    from xiaokan.paper.makeup import adjusted, numbered

    grid = grid_for(210, 297)
    html = numbered(pushed_photo_html(grid))
    first = weasyprint.HTML(string=html).render().pages
    on_first = lambda pages: any(b.element_tag == "img" for b in pages[0]._page_box.descendants())  # noqa: E731
    assert not on_first(first)
    second = adjusted(html, first, grid)
    assert "height: " in second.split("<img", 1)[1].split(">", 1)[0]
    pages = weasyprint.HTML(string=second).render().pages
    assert on_first(pages)
    photo = next(b for b in pages[0]._page_box.descendants() if b.element_tag == "img")
    lines = photo.margin_height() * 0.75 / grid.pitch
    assert lines == pytest.approx(round(lines)) and 0.6 * 5 <= lines < 5   # (smaller, in whole lines)


def test_on_b5_no_table_of_the_sample_starts_or_ends_a_page_with_fewer_than_three_rows(sample):
    """B5's 表1 of the 他山之石 annex: a two-row merged group kept with the next one, which may not be cut
    and did not fit, was left alone at the foot of p42; the second layout lets the groups be cut."""
    import dataclasses
    import io

    import tablemeasure

    from xiaokan.bodies import convert_articles
    from xiaokan.paper.pdf import print_html, render_pdf
    from xiaokan.source.content import load_site
    from xiaokan.web.render import make_environment

    site = load_site(sample).site
    site = dataclasses.replace(site, config=dataclasses.replace(
        site.config, print=dataclasses.replace(site.config.print, page_size="B5")))
    (issue,) = site.issues
    env = make_environment(sample / "templates", site)
    bodies = convert_articles(site)
    pdf = render_pdf(env, site, issue, bodies, print_html(env, site, issue, bodies)).pdf
    with pdfplumber.open(io.BytesIO(pdf)) as read:
        assert len(tablemeasure.runs(read)) >= 3
        assert tablemeasure.short_fragments(read) == []


def test_text_after_a_portrait_photo_with_heads_fills_the_page_the_photo_left(mini):
    """A portrait photo almost a page high did not fit under four paragraphs: it went to the next page,
    and the text after it could not come up past its head (一、建设过程), leaving half the page empty. The
    text now fills that page, head and all; the photo starts the next one with its caption, and the rest
    of the article follows it."""
    from PIL import Image

    import printmeasure

    Image.new("RGB", (1200, 2000), (40, 90, 140)).save(mini / "content/2024-07/tall.jpg")
    para = "学校新落成的实训楼投入使用，实训楼共六层，设有智能制造、工业机器人、新能源汽车等实训室，可同时容纳一千余名学生开展实训。" * 2
    body = "\n\n".join([para] * 4 + ["![新落成的实训楼](tall.jpg)", "## 一、建设过程"] + [para] * 5
                       + ["## 二、使用情况"] + [para] * 6)
    write(mini, "content/2024-07/05-tall.md", f"---\n标题: 新落成的实训楼投入使用\n栏目: 评建动态\n---\n{body}\n")
    grid = grid_for(210, 297)
    with printed(mini) as pdf:
        texts = [page.extract_text() for page in pdf.pages]
        (photo_page,) = [n for n, page in enumerate(pdf.pages) if any(i["height"] > 300 for i in page.images)]
        start = next(n for n, text in enumerate(texts) if n and "新落成的实训楼投入使用" in text)   # (past the cover)
        assert start == photo_page - 1
        assert "一、建设过程" in texts[start] and "二、使用情况" in texts[photo_page + 1]
        assert "图1" in texts[photo_page]   # (its caption, on its page)
        page = pdf.pages[start]
        _, trim_top, _, _ = printmeasure.trim(page)
        foot = trim_top + grid.top_mm * MM + grid.lines * PITCH_PT
        last = max(c["bottom"] for c in page.chars if c["top"] < foot)
        assert foot - last < 3 * PITCH_PT, f"{(foot - last) / PITCH_PT:.1f} lines empty at the foot of p{start + 1}"
