"""Tables in print (issue 27), read back from the PDFs: the cells' rules and glyphs (pdfplumber)."""
from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
import tablemeasure as measure

from helpers import run_build, write

LANGUAGE = "en"


@pytest.fixture(scope="module")
def sample_pdf(sample):
    with pdfplumber.open(sample / "print/xiaokan-2024-06.pdf") as pdf:
        yield pdf


def build(site: Path) -> Path:
    result = run_build(site, "pdf")
    assert result.code == 0, result.stderr
    return next((site / "print").glob("*.pdf"))


def test_every_continued_table_says_which_it_is(sample_pdf):
    """表1 and the two uncaptioned tables of 教育部：… are 表1, 表2, 表3, and each continuation says so."""
    tables = measure.runs(sample_pdf)
    cut = [table for table in tables if len(table) > 1]
    assert len(cut) >= 4
    for table in cut:
        labels = {fragment.label for fragment in table[1:]}
        assert len(labels) == 1 and re.fullmatch(r"表\d+（续）", labels.pop()), [f.label for f in table]
    heads = "".join(measure.head_text(page) for page in sample_pdf.pages)
    assert "续表" not in heads
    assert {"表1（续）", "表2（续）", "表3（续）"} <= set(re.findall(r"表\d+（续）", heads))


def test_a_title_paragraph_above_a_table_becomes_its_numbered_caption(mini):
    write(mini, "content/2024-07/05-t.md", "---\n标题: 表题\n栏目: 新闻政策\n---\n一段文字。\n\n"
          "各学院人数\n{: .table-title }\n\n| 学院 | 人数 |\n|---|---|\n| 机械 | 10 |\n| 电气 | 12 |\n")
    with pdfplumber.open(build(mini)) as pdf:
        text = "".join(re.sub(r"[\s\u2060]+", "", page.extract_text() or "") for page in pdf.pages)
    assert "表1各学院人数" in text
    assert text.count("各学院人数") == 1   # (the paragraph is the caption now, not a line of its own)


def test_empty_cells_are_blank_and_serial_numbers_centred(sample_pdf):
    cells = [c for page in sample_pdf.pages for c in page.chars if abs(c["size"] - 8.5) < 0.05]
    assert not any(c["text"] in "-–—" for c in cells)   # (the CSVs write 27 empty cells as -)
    checked = 0
    for fragment_page in sample_pdf.pages:
        block = measure.text_block(fragment_page)
        for table in block.find_tables(measure.TABLE_SETTINGS):
            rows = table.rows
            header = table.extract()[0]
            if not header or re.sub(r"\s", "", header[0] or "") != "序号":
                continue
            for row in rows[1:]:
                cell = row.cells[0]
                if not cell:
                    continue
                digits = [c for c in block.chars if cell[0] < c["x0"] < cell[2] and cell[1] < c["top"] < cell[3]
                          and c["text"].isdigit()]
                if digits:
                    ink = (min(c["x0"] for c in digits) + max(c["x1"] for c in digits)) / 2
                    assert ink == pytest.approx((cell[0] + cell[2]) / 2, abs=0.8)
                    checked += 1
    assert checked >= 50


def long_merged_table(site: Path) -> None:
    rows = ["学部,专业,负责人"]
    for dept, n in (("机械学部", 2), ("信息学部", 60), ("经管学部", 2)):
        rows += [f"{dept},{dept[:2]}专业{i + 1},张{i + 1}" for i in range(n)]
    write(site, "content/2024-07/bumen.csv", "\n".join(rows) + "\n")
    write(site, "content/2024-07/05-bumen.md", "---\n标题: 各学部专业\n栏目: 评建动态\n---\n各学部的专业如下。\n\n"
          '{{< 表格 文件="bumen.csv" 标题="各学部专业负责人" 合并="学部" >}}\n')


def test_a_merged_cells_label_is_repeated_where_its_group_continues(mini):
    long_merged_table(mini)
    with pdfplumber.open(build(mini)) as pdf:
        table = next(t for t in measure.runs(pdf) if t[0].header == "学部")
        assert len(table) >= 2
        for fragment in table:
            assert fragment.text[0], f"page {fragment.page}: the merged column is empty where the table goes on"
        assert all(fragment.text[0].startswith("信息学部") for fragment in table[1:])


def test_no_page_holds_fewer_than_three_rows_of_a_table(mini):
    """Tables at every height of an A5 page: a merged table of one-row groups and a plain one of four rows."""
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + "print:\n  page_size: A5\n")
    rows = ["学部,专业,负责人"]
    for dept, n in (("机械学部", 1), ("电气学部", 1), ("信息学部", 2), ("经管学部", 1), ("艺术学部", 3), ("外语学部", 1)):
        rows += [f"{dept},{dept[:2]}专业{i + 1},张{i + 1}" for i in range(n)]
    write(mini, "content/2024-07/bumen.csv", "\n".join(rows) + "\n")
    write(mini, "content/2024-07/xiangmu.csv", "序号,名称,人数\n" + "".join(f"{i + 1},项目{i + 1},{10 * i}\n" for i in range(4)))
    para = "学校召开专题会议，研究部署本学期教学工作，要求各部门认真落实。" * 2
    for k in range(10):
        write(mini, f"content/2024-07/{10 + k}-t{k}.md", f"---\n标题: 表格{k}\n栏目: 评建动态\n---\n"
              + "\n\n".join(para for _ in range(k + 1)) + "\n\n"
              '{{< 表格 文件="bumen.csv" 标题="各学部负责人" 合并="学部" >}}\n\n'
              f'{para}\n\n{{{{< 表格 文件="xiangmu.csv" 标题="项目" >}}}}\n')
    with pdfplumber.open(build(mini)) as pdf:
        tables = measure.runs(pdf)
        assert len(tables) == 21 and sum(len(t) > 1 for t in tables) >= 1   # (and the fixture's own)
        assert measure.short_fragments(pdf) == []
        assert all(len(t) == 1 for t in tables if t[0].header == "序号")   # four rows are never cut


def test_a_short_merged_group_too_tall_for_a_page_is_cut_not_a_crash(mini):
    """Eight rows of long text under one label do not fit an A5 page: WeasyPrint 70 fails an assertion on
    a group it may not cut; the group is then cut, and its label repeated."""
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + "print:\n  page_size: A5\n")
    long = "该专业面向智能制造产业链，培养具备机械设计、电气控制和工业软件应用能力的高层次技术技能人才。" * 6
    rows = ["学部,专业,说明"] + [f"{dept},{dept[:2]}专业{i + 1},{long}"
                               for dept, n in (("机械学部", 2), ("信息学部", 8), ("经管学部", 2)) for i in range(n)]
    write(mini, "content/2024-07/bumen.csv", "\n".join(rows) + "\n")
    write(mini, "content/2024-07/05-bumen.md", "---\n标题: 各学部专业\n栏目: 评建动态\n---\n各学部的专业如下。\n\n"
          '{{< 表格 文件="bumen.csv" 标题="各学部专业说明" 合并="学部" >}}\n')
    with pdfplumber.open(build(mini)) as pdf:
        table = next(t for t in measure.runs(pdf) if t[0].header == "学部")
        assert len(table) >= 3
        assert all(fragment.text[0] for fragment in table)


def test_short_cells_beside_two_columns_of_long_text_stay_on_one_line(sample_pdf):
    """表1 of 他山之石 has two columns of long text, 具体举措 and 责任单位: beside them 牵头单位 was left to the
    browser, three characters wide, its header 牵头单/位 and most of its cells 省教育/厅. The header and every
    省教育厅 now stand on one line."""
    pages = [page for page in sample_pdf.pages if "具体举措" in (page.extract_text() or "")]
    assert len(pages) >= 4
    for page in pages:
        assert "牵头单位" in (page.extract_text() or "").replace("\u2060", ""), page.page_number
    cells = [cell.replace("\u2060", "") for fragment in measure.fragments(sample_pdf) for row in fragment.rows
             for cell in row if cell and re.sub(r"[\s\u2060]", "", cell) == "省教育厅"]
    assert len(cells) >= 10 and all(cell == "省教育厅" for cell in cells), cells
