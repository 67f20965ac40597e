"""CSV tables and charts: the shortcode, rowspan merging, the SVG, and the errors an editor meets."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import run_build, write
from xiaokan.source.datablocks import BlockError, merged_spans
from xiaokan.source.markup import render_markdown

PROVINCES = "序号,名称,省份\n1,甲大学,河北省\n2,乙大学,河北省\n3,丙大学,广西\n4,丁大学,广西\n5,戊大学,广西\n6,己大学,海南省\n"


def render(folder: Path, text: str) -> str:
    return render_markdown(text, folder=folder).html


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr>(.*?)</tr>", html)


def test_table_from_csv_has_header_caption_and_every_row(tmp_path):
    write(tmp_path, "u.csv", PROVINCES)
    html = render(tmp_path, '{{< 表格 文件="u.csv" 标题="本科层次职业学校" >}}')
    assert "<caption>本科层次职业学校</caption>" in html
    assert '<th scope="col">序号</th><th scope="col">名称</th><th scope="col">省份</th>' in html
    assert len(rows_of(html)) == 7   # header + 6
    assert html.count("<td>河北省</td>") == 2


def test_merge_turns_repeated_cells_into_one_cell_with_rowspan(tmp_path):
    write(tmp_path, "u.csv", PROVINCES)
    html = render(tmp_path, '{{< table file="u.csv" merge="省份" >}}')
    body = rows_of(html)[1:]
    assert body[0].endswith('<td rowspan="2">河北省</td>') and "河北省" not in body[1]
    assert body[2].endswith('<td rowspan="3">广西</td>') and "广西" not in body[3] + body[4]
    assert body[5].endswith("<td>海南省</td>")   # a group of one keeps a plain cell
    assert body[1] == "<td>2</td><td>乙大学</td>"
    # each province is a <tbody> of its own, which print keeps on one page
    assert 'class="data merged"' in html and html.count("<tbody>") == 3


def test_merged_column_does_not_cross_a_group_of_the_column_to_its_left():
    rows = (("一", "省教育厅"), ("一", "省教育厅"), ("二", "省教育厅"), ("二", "省财政厅"))
    assert merged_spans(rows, 1) == [3, 0, 0, 1]
    assert merged_spans(rows, 1, frozenset({0, 2})) == [2, 0, 1, 1]


def test_nested_merge_in_the_shortcode_follows_the_left_column(tmp_path):
    write(tmp_path, "t.csv", "序号,任务,牵头单位\n一,甲,省教育厅\n一,乙,省教育厅\n二,丙,省教育厅\n")
    html = render(tmp_path, '{{< 表格 文件="t.csv" 合并="牵头单位，序号" >}}')
    body = rows_of(html)[1:]
    assert body[0] == '<td rowspan="2">一</td><td>甲</td><td rowspan="2">省教育厅</td>'
    assert body[2] == "<td>二</td><td>丙</td><td>省教育厅</td>"


def test_cells_are_escaped_and_markdown_links_become_links(tmp_path):
    write(tmp_path, "l.csv", '名称,备注\n"[民政职业大学](https://baike.baidu.com/item/x)",<script>x</script>\n')
    html = render(tmp_path, '{{< 表格 文件="l.csv" >}}')
    assert '<a href="https://baike.baidu.com/item/x">民政职业大学</a>' in html
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_csv_saved_by_excel_on_chinese_windows_is_read(tmp_path):
    (tmp_path / "gbk.csv").write_bytes("年度,设置数\r\n2019年,15\r\n".encode("gbk"))
    (tmp_path / "bom.csv").write_bytes("\ufeff年度,设置数\r\n2020年,8\r\n".encode("utf-8"))
    assert "<td>2019年</td><td>15</td>" in render(tmp_path, '{{< 表格 文件="gbk.csv" >}}')
    assert '<th scope="col">年度</th>' in render(tmp_path, '{{< 表格 文件="bom.csv" >}}')


def test_bar_chart_svg_has_a_bar_and_a_number_per_row_and_a_data_table(tmp_path):
    write(tmp_path, "y.csv", "年度,设置学校数\n2019年,15\n2020年,8\n2022年,0\n2024年,18\n")
    html = render(tmp_path, '{{< 图表 类型="柱状图" 文件="y.csv" 标题="各年度设置学校数" 单位="所" >}}')
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert svg.count('class="bar"') == 4
    heights = [float(h) for h in re.findall(r'class="bar"[^>]*height="([\d.]+)"', svg)]
    assert heights[3] > heights[0] > heights[1] > heights[2] == 0   # bars are to scale
    for text in ("15所", "8所", "0所", "18所", "2019年", "2024年"):
        assert f">{text}</text>" in svg
    assert 'role="img"' in svg and 'aria-label="各年度设置学校数：2019年 15所，2020年 8所' in svg
    assert "<figcaption>各年度设置学校数</figcaption>" in html
    assert "<details" in html and "<td>2024年</td><td>18</td>" in html


def test_pie_chart_shows_each_share_as_a_slice_with_its_percentage(tmp_path):
    write(tmp_path, "p.csv", "办学性质,学校数\n公办,28\n民办,23\n")
    html = render(tmp_path, '{{< chart type="pie" file="p.csv" unit="所" >}}')
    assert html.count('class="slice"') == 2
    assert ">28所（54.9%）</text>" in html and ">23所（45.1%）</text>" in html
    assert ">公办</text>" in html and ">民办</text>" in html


def test_the_placeholder_word_typed_in_an_article_stays_text(tmp_path):
    """A block is parked under a word while Markdown renders; typing that word must insert nothing."""
    write(tmp_path, "u.csv", PROVINCES)
    text = 'XIAOKANBLOCK0END\n\n说明：XIAOKANBLOCK0END 与 XIAOKANBLOCKX0END。\n\n{{< 表格 文件="u.csv" 标题="表一" >}}\n'
    html = render(tmp_path, text)
    assert html.count("<table") == 1 and html.count("<caption>表一</caption>") == 1
    assert html.index("<table") > html.index("XIAOKANBLOCKX0END"), "the table stays where its shortcode is"
    assert "<p>XIAOKANBLOCK0END</p>" in html and "说明：XIAOKANBLOCK0END 与 XIAOKANBLOCKX0END。" in html
    assert "XIAOKANBLOCK0END" in render(tmp_path, "XIAOKANBLOCK0END\n")


def test_a_shortcode_in_a_code_block_is_left_as_text(tmp_path):
    html = render(tmp_path, '```\n{{< 表格 文件="none.csv" >}}\n```\n')
    assert "{{&lt; 表格" in html


@pytest.mark.parametrize("line, message", [
    ('{{< 表格 文件="nope.csv" >}}', "data file 'nope.csv' does not exist"),
    ('{{< 表格 >}}', "names no CSV file"),
    ('{{< 表单 文件="y.csv" >}}', "unknown shortcode '表单'"),
    ('{{< 表格 文件="y.csv" 颜色="红" >}}', "unknown option '颜色'"),
    ('{{< 表格 文件="y.csv" 合并="省份" >}}', "column '省份' is not in the CSV header"),
    ('{{< 图表 类型="雷达图" 文件="y.csv" >}}', "unknown chart type '雷达图'"),
    ('{{< 图表 文件="bad.csv" >}}', "bad.csv line 3: '十五' is not a number"),
    ('{{< 表格 文件="ragged.csv" >}}', "ragged.csv line 3 has 3 cells, the header has 2"),
    ('{{< 表格 文件="../outside.csv" >}}', "outside the article's folder"),
    ('{{< 图表 文件="many.csv" >}}', "many.csv has 51 rows; a chart shows at most 50"),
])
def test_mistakes_are_reported_with_what_is_wrong(tmp_path, line, message):
    write(tmp_path, "y.csv", "年度,设置数\n2019年,15\n")
    write(tmp_path, "bad.csv", "年度,设置数\n2019年,15\n2020年,十五\n")
    write(tmp_path, "ragged.csv", "年度,设置数\n2019年,15\n2020年,8,多\n")
    write(tmp_path, "many.csv", "年度,设置数\n" + "".join(f"{1970 + n}年,{n}\n" for n in range(51)))
    with pytest.raises(BlockError) as caught:
        render(tmp_path, "第一段\n\n" + line)
    assert message in caught.value.message
    assert caught.value.index == 2


@pytest.mark.parametrize("line, message, hint", [
    ('{{< 表 文件="y.csv" >}}', "unknown shortcode '表'", "did you mean 表格?"),
    ('{{< 表格 文件名="y.csv" >}}', "unknown option '文件名'", "did you mean 文件?"),
    ('{{< 图表 文件="y.csv" 类型="柱形图" >}}', "unknown chart type '柱形图'", "did you mean 柱状图?"),
    ('{{< 表格 文件="y.csv" 颜色="红" >}}', "unknown option '颜色'", "this shortcode takes"),
])
def test_a_close_spelling_in_a_shortcode_is_named(tmp_path, line, message, hint):
    """(Input pass.) A name of a shortcode one slip away from a known one: the hint names it."""
    write(tmp_path, "y.csv", "年度,设置数\n2019年,15\n")
    with pytest.raises(BlockError) as caught:
        render(tmp_path, line)
    assert message in caught.value.message and caught.value.hint.startswith(hint), caught.value.hint
    if not hint.startswith("did"):
        assert "did you mean" not in caught.value.hint


def test_build_names_the_article_file_and_line_of_a_bad_shortcode(mini):
    article = mini / "content/2024-07/01-first.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text + '\n\n{{< 表格 文件="missing.csv" >}}\n', encoding="utf-8")
    line = len(text.split("\n")) + 2
    result = run_build(mini, "build", "--no-pdf")
    assert result.code != 0
    assert f"01-first.md:{line}: data file 'missing.csv' does not exist" in result.stderr
    assert "put missing.csv in 2024-07/" in result.stderr


def test_editing_the_csv_rebuilds_the_page_that_shows_it(mini):
    write(mini, "content/2024-07/y.csv", "年度,设置数\n2019年,15\n")
    article = mini / "content/2024-07/01-first.md"
    article.write_text(article.read_text(encoding="utf-8") + '\n\n{{< 图表 文件="y.csv" 单位="所" >}}\n',
                       encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf").code == 0
    pages = [p for p in (mini / "output/2024-07").glob("*/index.html") if "2019年 15所" in p.read_text("utf-8")]
    assert len(pages) == 1
    write(mini, "content/2024-07/y.csv", "年度,设置数\n2019年,16\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "2019年 16所" in pages[0].read_text("utf-8")


def test_a_chart_keeps_the_precision_the_csv_writes_its_numbers_with(tmp_path):
    write(tmp_path, "rate.csv", "指标,完成率\n师资,60.0\n课程,88.5\n实训,72.25\n")
    write(tmp_path, "count.csv", "年度,学校数\n2023年,60\n2024年,1,200\n".replace("1,200", '"1,200"'))
    rates = render(tmp_path, '{{< 图表 类型="柱状图" 文件="rate.csv" 单位="%" >}}')
    for shown in ("60.00%", "88.50%", "72.25%"):   # (two decimals: the column's most)
        assert f">{shown}</text>" in rates
    assert 'aria-label="完成率：师资 60.00%，课程 88.50%' in rates
    counts = render(tmp_path, '{{< 图表 类型="饼图" 文件="count.csv" 单位="所" >}}')
    assert ">60所（4.8%）</text>" in counts and ">1200所（95.2%）</text>" in counts
