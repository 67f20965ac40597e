"""A table longer than the print edition takes is printed as its title, its header and a note sending the
reader to the web page, which shows it whole; the preflight names its file."""
from __future__ import annotations

import re

import pdfplumber

from helpers import run_build, write
from xiaokan.paper.longtables import ISSUE_CELLS, PRINT_CELLS, left_out, table_sizes

LANGUAGE = "en"


def table(rows: int, columns: int = 5, attributes: str = "") -> str:
    header = "".join(f"<th>列{c}</th>" for c in range(columns))
    body = "".join("<tr>" + "".join(f"<td>{r}-{c}</td>" for c in range(columns)) + "</tr>" for r in range(rows))
    return f"<table{attributes}><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def test_a_3000_row_csv_prints_as_a_note_and_the_web_page_keeps_every_row(mini):
    lines = ["序号,学校名称,省份"] + [f"{n},第{n}职业技术大学,河北省" for n in range(1, 3001)]
    (mini / "content/2024-07/schools.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write(mini, "content/2024-07/05-schools.md",
          '---\n标题: 全国职业院校名录\n栏目: 评建动态\n---\n名录如下。\n\n{{< 表格 文件="schools.csv" 标题="院校名录" >}}\n\n以上为全部名录。\n')
    result = run_build(mini, "pdf")
    assert result.code == 0, result.stderr
    [warning] = [line for line in result.stderr.splitlines() if "schools.csv" in line]
    assert "content/2024-07/05-schools.md:7: warning: table schools.csv (3,000 rows, 3 columns) is longer than the print edition" in warning
    page = (mini / "output/2024-07/schools/index.html").read_text(encoding="utf-8")
    assert page.count("<tr>") == 3001 and "第3000职业技术大学" in page   # the web shows the table whole
    with pdfplumber.open(mini / "print/xiaokan-2024-07.pdf") as pdf:
        text = "".join((p.extract_text() or "").replace("\u2060", "") for p in pdf.pages)
        pages = len(pdf.pages)
    assert "此表共 3,000 行、3 列，印刷版从略，全表见网页：https://news.example.edu.cn/kan/2024-07/schools/" in text
    assert "院校名录" in text and "序号" in text and "第1职业技术大学" not in text and "以上为全部名录" in text
    assert pages <= 8   # (the issue without the table: it would take some 90 pages)
    assert run_build(mini, "pdf", "--strict").code == 1   # a warning like any other of the preflight


def test_tables_are_left_out_when_too_long_or_past_the_issues_budget():
    small = table(10)
    too_long = table(PRINT_CELLS // 5)              # (with its header row: just over PRINT_CELLS)
    fits = table(PRINT_CELLS // 5 - 1)
    assert table_sizes(too_long)[0].too_long() and not table_sizes(fits)[0].too_long()
    assert left_out([small, too_long, small]) == [set(), {0}, set()]
    # every table that fits is printed while the issue's tables stay within ISSUE_CELLS
    count = ISSUE_CELLS // table_sizes(fits)[0].cells
    assert left_out([fits] * (count + 2)) == [set()] * count + [{0}, {0}]
    # a span counts the cells it covers: one cell claiming a million columns is too long to print
    assert table_sizes('<table><tr><td colspan="1000000">宽</td></tr></table>')[0].too_long()
    # a table of few cells holding a book's worth of text too
    assert table_sizes(f"<table><tr><td>{'字' * 50_000}</td></tr></table>")[0].too_long()


def test_the_data_tables_under_charts_are_not_printed_nor_counted(mini):
    write(mini, "content/2024-07/rates.csv", "指标,完成率\n" + "".join(f"指标{n},{n}\n" for n in range(40)))
    write(mini, "content/2024-07/05-chart.md", '---\n标题: 图\n栏目: 评建动态\n---\n{{< 图表 类型="柱状图" 文件="rates.csv" >}}\n')
    from xiaokan.bodies import convert_articles
    from xiaokan.paper.longtables import printed_bodies
    from xiaokan.source.content import load_site
    from xiaokan.source.model import articles_by_section

    site = load_site(mini).site
    bodies = convert_articles(site)
    issue = site.issues[0]
    printed = printed_bodies(articles_by_section(issue, site.config.sections), bodies)
    html, _ = printed["2024-07/chart/"]
    assert "<svg" in html and "<table" not in html and re.search(r"<table", bodies["2024-07/chart/"].html)
