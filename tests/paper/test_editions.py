"""Two editions from one layout (issue 27): the press edition in print/ (PDF/X-4 here), and the reader's
tagged PDF/UA-1 edition on the site; the press edition's inks; the cover inside its margins on A5 and
B5; the preflight's findings about placeholders, the 版记 and the 准印证号.

One build of a small site in A5 with a crowded cover (module fixture), one PDF in B5."""
from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from helpers import FIXTURES, copy_site, run_build, write
from printmeasure import trim

LANGUAGE = "en"   # (messages are checked by their English ids)
MM = 72 / 25.4
PX = 0.75   # WeasyPrint draws in CSS pixels under a 0.75 scale: a size in the stream times PX is in points
PERMIT = "渝内准字（2024）第017号"
TITLES = 14


def crowded_site(root: Path, size: str) -> Path:
    """The mini site with 14 more articles of long titles (本期要目 cannot fit an A5 or B5 cover as it
    is), a chart, a table, a list, links, a heading, a missing photo, an internal notice, a 准印证号."""
    site = copy_site(FIXTURES / "mini", root)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"print:\n  page_size: {size}\n  pdf_variant: pdf/x-4\n"
                      "  bleed: 3mm\n  crop_marks: true\n  internal_notice: 内部资料　注意保存\n  publish_on_site: true\n"
                      "  digital_edition: false\n",
                      encoding="utf-8")
    issue = site / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + f"准印证号: {PERMIT}\n", encoding="utf-8")
    for n in range(TITLES):
        write(site, f"content/2024-07/{10 + n}-long{n}.md", f"---\n标题: 第{n + 1}篇关于职业本科教育教学工作合格评估"
              "评建工作和学校专业建设情况的一篇长标题报道\n"
              f"栏目: {('新闻政策', '评建动态', '他山之石')[n % 3]}\n---\n一段正文。\n")
    write(site, "content/2024-07/05-chart.md", "---\n标题: 图表\n栏目: 新闻政策\n---\n## 一、数量变化\n\n"
          "见[上一篇](01-first.md)和[教育部网站](https://www.moe.gov.cn/)。\n\n- 甲\n- 乙\n\n"
          "| 名称 | 数量 |\n|---|---|\n| 甲 | 1 |\n| 乙 | 2 |\n\n"
          '{{< 图表 类型="柱状图" 文件="years.csv" 标题="各年度设置学校数" 单位="所" >}}\n\n'
          "图1 会议现场\n{: .caption .no-photo }\n")
    write(site, "content/2024-07/years.csv", "年度,数量\n2019,15\n2020,8\n2021,9\n")
    return site


@pytest.fixture(scope="module")
def a5(tmp_path_factory) -> tuple[Path, str]:
    """The crowded site built in A5, its back cover's template without the 准印证号."""
    site = crowded_site(tmp_path_factory.mktemp("editions") / "site", "A5")
    back = site / "templates/print/back.html"
    back.write_text(re.sub(r"\{% if imprint.permit %\}.*?\{% endif %\}", "", back.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:   # (a module's fixture runs before the language is set)
        patch.setenv("XIAOKAN_LANG", LANGUAGE)
        result = run_build(site, "build")
    assert result.code == 0, result.stderr
    return site, result.stderr


def structure(reader: PdfReader):
    """Every structure element of the tree, from the root down (each with its parent's tag)."""
    def kids(element):
        k = element.get("/K")
        k = k.get_object() if k is not None and hasattr(k, "get_object") else k
        for kid in (k if isinstance(k, ArrayObject) else [k] if k is not None else []):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                yield kid

    def walk(element):
        yield element
        for kid in kids(element):
            yield from walk(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"].get_object()
    return [e for top in kids(root) for e in walk(top)]


def test_the_site_offers_the_readers_tagged_edition(a5):
    site, _ = a5
    reader = PdfReader(site / "output/2024-07/xiaokan-2024-07.pdf")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "zh-CN" and catalog["/MarkInfo"]["/Marked"]
    assert reader.metadata["/Title"] == "测试简报 2024年第2期"   # (the document title, as written)
    elements = structure(reader)
    tags = [str(e["/S"]) for e in elements]
    for tag in ("/H1", "/H2", "/H3", "/L", "/LI", "/Table", "/TH", "/TD", "/Figure", "/Link"):
        assert tag in tags, tag
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert any("各年度设置学校数" in str(f.get("/Alt")) for f in figures)
    assert all(f.get("/Alt") for f in figures)
    # 栏目 H1, article titles H2, the article's own heading (## 一、) H3
    assert tags.count("/H1") >= 3 and tags.count("/H2") >= 28
    assert any(e["/S"] == "/H3" and e["/P"]["/S"] == "/Div" and e["/P"]["/P"]["/S"] == "/Art" for e in elements)
    # the pages are the trimmed pages, with their links
    assert all(page.mediabox == page.trimbox for page in reader.pages)
    assert sum(len(page.get("/Annots") or []) for page in reader.pages) >= 2


def test_running_heads_and_folios_are_artifacts_and_all_content_is_in_the_tree(a5):
    site, _ = a5
    reader = PdfReader(site / "output/2024-07/xiaokan-2024-07.pdf")
    in_tree = {e.indirect_reference.idnum for e in structure(reader)}
    parents = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"].get_object()["/Nums"]
    for index in range(1, len(parents), 2):   # (what each page's marked content and each link belongs to)
        marked = parents[index].get_object()
        for ref in (marked if isinstance(marked, ArrayObject) else [parents[index]]):
            assert ref.idnum in in_tree   # (WeasyPrint leaves the margin boxes' text outside the tree)
    with pdfplumber.open(site / "output/2024-07/xiaokan-2024-07.pdf") as pdf:
        assert re.search(r"— \d+ —", pdf.pages[3].extract_text())   # (a page with a folio)
    stream = reader.pages[3].get_contents().get_data().decode("latin-1")
    assert stream.count("/Artifact\nBMC") >= 3   # running head, its rule, the folio


def test_the_press_edition_is_untagged_and_has_no_links(a5):
    site, _ = a5
    press = PdfReader(site / "print/xiaokan-2024-07.pdf")
    assert press.trailer["/Root"]["/OutputIntents"][0]["/S"] == "/GTS_PDFX"
    assert "/StructTreeRoot" not in press.trailer["/Root"]
    assert sum(len(page.get("/Annots") or []) for page in press.pages) == 0
    assert press.pages[1].mediabox.width > press.pages[1].trimbox.width   # (bleed and crop marks)


def inks(colour) -> int:
    return sum(1 for value in colour if value > 0.005)


def colour_uses(stream: str):
    """(kind, fill colour, size in pt, overprinting) of each text run and ring (a border) in the stream."""
    fill, size, overprint, rects, stack = None, None, False, [], []
    for line in stream.splitlines():
        parts = line.split()
        if not parts:
            continue
        op = parts[-1]
        if op == "q":
            stack.append((fill, overprint))
        elif op == "Q":
            fill, overprint = stack.pop() if stack else (None, False)
        elif op == "scn" and len(parts) == 5:
            fill = tuple(float(v) for v in parts[:4])
        elif op == "gs":
            overprint = overprint or parts[0] == "/xkOverprint"
        elif op == "Tf":
            size = float(parts[-2]) * PX
        elif op in ("TJ", "Tj") and fill:
            yield "text", fill, size, overprint
        elif op == "re":
            rects.append([float(v) for v in parts[:4]])
        elif op in ("f", "f*"):
            if len(rects) == 2 and fill:
                (x0, y0, w0, h0), (x1, y1, w1, h1) = rects
                sides = (abs(x1 - x0), abs(y1 - y0), abs(x1 + w1 - x0 - w0), abs(y1 + h1 - y0 - h0))
                yield "rule", fill, max(sides) * PX, overprint
            rects = []
        elif op in ("n", "S", "B", "b"):
            rects = []


def test_small_red_type_and_thin_rules_use_two_inks_and_black_type_overprints(a5):
    site, _ = a5
    press = PdfReader(site / "print/xiaokan-2024-07.pdf")
    uses = [use for page in press.pages for use in colour_uses(page.get_contents().get_data().decode("latin-1"))]
    small_red = [u for u in uses if u[0] == "text" and u[1][1] > 0.5 and u[2] < 12]
    thin_red = [u for u in uses if u[0] == "rule" and u[1][1] > 0.5 and u[2] < 1]
    assert small_red and thin_red   # (running heads, 「栏目」 of 本期要目, the running head's rule)
    assert all(inks(u[1]) <= 2 for u in small_red + thin_red)
    assert any(inks(u[1]) == 3 for u in uses if u[0] == "text" and u[2] >= 12)   # the masthead keeps its red
    black = [u for u in uses if u[0] == "text" and u[1] == (0, 0, 0, 1)]
    assert black and all(u[3] for u in black)
    assert not any(u[3] for u in uses if u[0] == "text" and u[1] == (0, 0, 0, 0))   # (white type knocks out)
    state = press.pages[3]["/Resources"]["/ExtGState"]["/xkOverprint"]
    assert state["/OP"] and state["/op"] and state["/OPM"] == 1
    reader = PdfReader(site / "output/2024-07/xiaokan-2024-07.pdf")   # the reader's edition keeps the colours
    assert "/xkOverprint" not in reader.pages[3].get_contents().get_data().decode("latin-1")


def cover_pages(pdf) -> list:
    """The pages 本期要目 takes: the cover, and the next page when it goes on there."""
    return [page for n, page in enumerate(pdf.pages[:2]) if n == 0 or "长标题报道....." in (page.extract_text() or "")]


def assert_cover_inside_margins(pdf_path: Path, width_mm: float, height_mm: float) -> None:
    with pdfplumber.open(pdf_path) as pdf:
        pages = cover_pages(pdf)
        text = "".join(re.sub(r"\s+", "", page.extract_text() or "") for page in pages)
        for n in range(TITLES):   # every title is on the cover, none lost
            assert f"第{n + 1}篇" in text, n
        for page in pages:
            x0, top, _, _ = trim(page)
            chars = [c for c in page.chars if c["text"].strip()]
            assert chars
            for c in chars:
                assert c["x0"] - x0 >= 20 * MM - 0.5 and c["x1"] - x0 <= (width_mm - 20) * MM + 0.5, c["text"]
                assert c["top"] - top >= 12 * MM and c["bottom"] - top <= (height_mm - 16) * MM + 0.5, c["text"]


def test_the_cover_keeps_its_contents_inside_the_margins_on_a5(a5):
    site, _ = a5
    assert_cover_inside_margins(site / "print/xiaokan-2024-07.pdf", 148, 210)


def test_the_cover_keeps_its_contents_inside_the_margins_on_b5(tmp_path):
    site = crowded_site(tmp_path / "b5", "B5")
    result = run_build(site, "pdf")
    assert result.code == 0, result.stderr
    assert_cover_inside_margins(site / "print/xiaokan-2024-07.pdf", 176, 250)


def test_the_preflight_names_placeholders_the_imprint_and_the_permit(a5):
    site, said = a5
    assert re.search(r"content/2024-07/05-chart\.md:19: notice: the PDF prints a dashed box saying the photo is "
                     r"missing where the photo “图1 会议现场” should be", said)
    assert re.search(r"content/2024-07/issue\.yaml:7: warning: the issue is printed as 内部资料 but its 版记 lacks "
                     r"印数: a 内部资料", said)
    assert f"issue.yaml: warning: print: the 准印证号 {PERMIT} of issue.yaml is printed neither on the cover nor on " \
           "the back cover" in said


def test_a_cover_that_fits_is_not_taken_for_one_that_runs_over():
    """The cover is tried alone with empty anchors for the articles after its page break: a second
    page that holds no line is the anchors', so the cover fits (as set, not continued); a line on it does not."""
    import weasyprint

    from xiaokan.paper.cover import fits

    cover = '<div style="height: 50mm">本期要目</div><div style="break-before: page">{}</div>'
    assert fits(weasyprint.HTML(string=cover.format('<div id="a"></div>')).render())
    assert not fits(weasyprint.HTML(string=cover.format("第二页的目录")).render())
    low = '<style>@page { margin: 0 }</style><div style="height: 285mm"></div><p>最后一条</p>'   # (into the bottom margin)
    assert not fits(weasyprint.HTML(string=low).render())
