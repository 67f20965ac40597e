"""`build.py import`: Word's numbering as Word shows it. Word counts on a list definition (w:abstractNum),
not on a list: a list goes on from where the last list of its definition stopped (3. after 1. 2. and a
paragraph) unless it restarts (w:lvlOverride/w:startOverride); a heading style can number its headings
(w:numPr in styles.xml: 第一章, 1.1). The documents are made with python-docx, their numbering written
into numbering.xml and styles.xml as Word writes it."""
from __future__ import annotations

import re

import pytest
from test_import import LOST, body_of, flat, import_file, publish_and_build

import worddocs


def _document(title: str):
    import docx

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    return document


def _items(document, texts: list[str], number: int, level: int = 0) -> None:
    for text in texts:
        worddocs.in_list(document.add_paragraph(text), number, level)


def _lists(body: str) -> list[tuple[str, list[str]]]:
    """Each <ol> of the page: its start attribute ("" for none) and its items' text."""
    return [(m.group(1) or "", [flat(item) for item in re.findall(r"<li>(.*?)</li>", m.group(2), re.S)])
            for m in re.finditer(r'<ol(?: start="(\d+)")?>(.*?)</ol>', body, re.S)]


def test_numbers_that_go_on_in_word_go_on_on_the_page(mini, tmp_path):
    """1. 2., a paragraph, then 3.: in one list, and in a second list of the same definition (Word's 继续编号);
    the same for 一、二、 then 三、. mammoth started each list at 1 again."""
    document = _document("评建任务")
    worddocs.list_definition(document, 80, [("decimal", "%1.")])
    worddocs.list_definition(document, 81, [("chineseCounting", "%1、")])
    for number, definition in ((80, 80), (81, 80), (82, 81), (83, 81)):
        worddocs.list_instance(document, number, definition)
    _items(document, ["完成自评报告", "整理支撑材料"], 80)
    document.add_paragraph("以上两项七月完成。")
    _items(document, ["开展专项检查"], 80)
    document.add_paragraph("另有两项由各学院负责：")
    _items(document, ["组织学生座谈", "召开督导会议"], 81)
    _items(document, ["提高认识", "加强领导"], 82)
    document.add_paragraph("具体要求另行通知。")
    _items(document, ["严格考核"], 83)
    document.save(tmp_path / "continued.docx")
    article, report = import_file(mini, tmp_path / "continued.docx")
    assert LOST not in report, report
    body = body_of(publish_and_build(mini, article))
    assert _lists(body) == [("", ["完成自评报告", "整理支撑材料"]), ("3", ["开展专项检查"]),
                            ("4", ["组织学生座谈", "召开督导会议"])], body
    assert "一、提高认识" in flat(body) and "二、加强领导" in flat(body) and "三、严格考核" in flat(body), body


def test_a_list_word_restarts_starts_again_on_the_page(mini, tmp_path):
    """Word's 重新开始编号 (a list of the same definition with w:startOverride): right after another list, it was
    one list with it (1. 2. 3. 4. 5.); one that starts at 5 started at 1. A sublist restarted right after
    another cannot be two lists in Markdown: the report says so."""
    document = _document("评建任务")
    worddocs.list_definition(document, 80, [("decimal", "%1."), ("decimal", "%2.")])
    worddocs.list_instance(document, 80, 80)
    worddocs.list_instance(document, 81, 80, {0: 1})
    worddocs.list_instance(document, 82, 80, {0: 5})
    worddocs.list_instance(document, 83, 80, {1: 1})
    _items(document, ["完成自评报告", "整理支撑材料", "开展专项检查"], 80)
    _items(document, ["学院自查", "学校复查"], 81)
    document.add_paragraph("第五项起由督导室负责：")
    _items(document, ["听课评课", "学生评教"], 82)
    document.add_paragraph("分两步：")
    _items(document, ["制订方案"], 80)
    _items(document, ["起草", "审定"], 80, 1)
    _items(document, ["印发", "宣讲"], 83, 1)
    document.save(tmp_path / "restarted.docx")
    article, report = import_file(mini, tmp_path / "restarted.docx")
    assert LOST not in report, report
    assert "第 14 段“印发…”所在的下级列表在 Word 里紧接着前面几项重新从 1 开始编号" in report, report
    body = body_of(publish_and_build(mini, article))
    assert _lists(body[:body.index("分两步")]) == [("", ["完成自评报告", "整理支撑材料", "开展专项检查"]),
                                                  ("", ["学院自查", "学校复查"]), ("5", ["听课评课", "学生评教"])], body
    last = body[body.index("分两步"):]   # (制订方案 goes on from 学生评教, 6; its sublist is one list: 1. to 4.)
    assert '<ol start="7"><li>制订方案<ol><li>起草</li><li>审定</li><li>印发</li><li>宣讲</li></ol>' in re.sub(r">\s+<", "><", last), last
    assert "<!--" not in body, body


@pytest.mark.parametrize("linked", [True, False], ids=["level-names-its-style", "style-only"])
def test_headings_numbered_by_their_style_keep_their_labels(mini, tmp_path, linked):
    """Heading 1 numbered 第一章 and Heading 2 numbered 1.1 by their styles (w:numPr in styles.xml; Word's list
    definition names the style of each level, or only the style names its list): the labels were dropped."""
    document = _document("评建工作总结")
    worddocs.list_definition(document, 70, [("chineseCounting", "第%1章"), ("decimal", "%1.%2")], {
        0: ('<w:pStyle w:val="Heading1"/>' if linked else "") + '<w:suff w:val="space"/>',
        1: ('<w:pStyle w:val="Heading2"/>' if linked else "") + "<w:isLgl/>"})
    worddocs.list_instance(document, 70, 70)
    worddocs.number_style(document, "Heading1", 70, None if linked else 0)
    worddocs.number_style(document, "Heading2", 70, None if linked else 1)
    for text, level in (("工作目标", 1), ("指导思想", 2), ("基本原则", 2), ("主要做法", 1), ("具体措施", 2)):
        document.add_heading(text, level)
        document.add_paragraph(f"{text}的具体内容。")
    document.save(tmp_path / "chapters.docx")
    article, report = import_file(mini, tmp_path / "chapters.docx")
    assert LOST not in report, report
    text = article.read_text(encoding="utf-8")
    assert "## 第一章 工作目标" in text and "### 1.1 指导思想" in text, text
    headings = re.findall(r"<h([23])[^>]*>(.*?)</h\1>", body_of(publish_and_build(mini, article)))
    assert headings == [("2", "第一章 工作目标"), ("3", "1.1 指导思想"), ("3", "1.2 基本原则"), ("2", "第二章 主要做法"),
                        ("3", "2.1 具体措施")], headings


def test_a_label_word_shows_is_text_on_the_page(mini, tmp_path):
    """A label's text comes from the document (its list definition's w:lvlText) and stays text."""
    document = _document("评建工作总结")
    worddocs.list_definition(document, 70, [("chineseCounting", "<b>第%1章</b> *[注]*")], {0: '<w:pStyle w:val="Heading1"/>'})
    worddocs.list_instance(document, 70, 70)
    worddocs.number_style(document, "Heading1", 70)
    document.add_heading("工作目标", 1)
    document.add_paragraph("具体内容。")
    document.save(tmp_path / "label.docx")
    article, report = import_file(mini, tmp_path / "label.docx")
    body = body_of(publish_and_build(mini, article))
    assert "<h2" in body and "&lt;b&gt;第一章&lt;/b&gt; *[注]* 工作目标</h2>" in body, body
    assert "<b>" not in body and "<em>" not in body, body


def test_a_regulation_of_more_than_a_hundred_articles_keeps_their_chinese_numbers(mini, tmp_path):
    """(Attack pass.) 第%1条 in Chinese counting: from the hundredth article on, the label was written in digits
    (第100条, 第101条); Word and LibreOffice show 第一百条, 第一百零一条."""
    document = _document("学校章程")
    worddocs.list_definition(document, 80, [("chineseCounting", "第%1条")], {0: '<w:suff w:val="space"/>'})
    worddocs.list_instance(document, 80, 80, {0: 99})
    _items(document, ["学校实行党委领导下的校长负责制。", "学校设立学术委员会。", "本章程自发布之日起施行。"], 80)
    document.save(tmp_path / "charter.docx")
    article, report = import_file(mini, tmp_path / "charter.docx")
    assert LOST not in report, report
    body = flat(body_of(publish_and_build(mini, article)))
    assert "第九十九条学校实行党委领导下的校长负责制。第一百条学校设立学术委员会。第一百零一条本章程自发布之日起施行。" in body, body


def test_labels_a_markdown_list_cannot_show_are_text_on_the_page(mini, tmp_path):
    """Lists Word labels （1） ① A. a) i. -1- and a level labelled 1.1 under 1.: the page numbered them all 1. 2. 3.;
    each item now starts with the label Word shows, as text (-1- stays text, no Markdown list). A list of 1. 2.
    stays a Markdown list."""
    document = _document("评建工作方案")
    formats = [("decimal", "（%1）"), ("decimalEnclosedCircle", "%1"), ("upperLetter", "%1."), ("lowerLetter", "%1)"),
               ("lowerRoman", "%1."), ("decimal", "-%1-")]
    for number, (fmt, text) in enumerate(formats, start=60):
        worddocs.list_definition(document, number, [(fmt, text)])
        worddocs.list_instance(document, number, number)
        document.add_paragraph(f"第{number - 59}组：")
        _items(document, ["自评报告", "支撑材料"], number)
    worddocs.list_definition(document, 70, [("decimal", "%1."), ("decimal", "%1.%2")])
    worddocs.list_instance(document, 70, 70)
    document.add_paragraph("分级任务：")
    _items(document, ["学院自查"], 70)
    _items(document, ["对照指标", "整理材料"], 70, 1)
    _items(document, ["学校复查"], 70)
    document.save(tmp_path / "labels.docx")
    article, report = import_file(mini, tmp_path / "labels.docx")
    assert LOST not in report, report
    body = body_of(publish_and_build(mini, article))
    text = flat(body)
    for shown in ("（1）自评报告（2）支撑材料", "①自评报告②支撑材料", "A.自评报告B.支撑材料", "a)自评报告b)支撑材料",
                  "i.自评报告ii.支撑材料", "-1-自评报告-2-支撑材料"):
        assert shown in text, (shown, body)
    assert _lists(body) == [("", ["学院自查1.1对照指标1.2整理材料", "学校复查"])], body
    assert "<ul" not in body and "<h" not in body.replace("<hr", ""), body


def test_a_list_in_a_table_and_numbering_by_a_style_there_keep_their_labels(mini, tmp_path):
    """In table cells (which hold text only): items numbered 1. 2., items labelled （1）, bullets, and paragraphs
    numbered by their paragraph style (w:numPr in styles.xml, the style named by no list level: mammoth sees no
    list) show the labels Word shows. The numbers were dropped (the style's without a word); a 序号 column
    numbered by the style, whose cells have no text, cannot carry them: the report names its table."""
    from docx.enum.style import WD_STYLE_TYPE

    document = _document("任务清单")
    worddocs.list_definition(document, 80, [("decimal", "%1.")])
    worddocs.list_definition(document, 81, [("decimal", "（%1）")])
    worddocs.list_definition(document, 82, [("chineseCounting", "第%1条")], {0: '<w:suff w:val="space"/>'})
    worddocs.list_definition(document, 83, [("decimal", "%1")])
    for number in (80, 81, 82, 83):
        worddocs.list_instance(document, number, number)
    document.styles.add_style("Table Item", WD_STYLE_TYPE.PARAGRAPH)
    worddocs.number_style(document, "TableItem", 82, 0)
    document.styles.add_style("Row Number", WD_STYLE_TYPE.PARAGRAPH)
    worddocs.number_style(document, "RowNumber", 83, 0)
    table = document.add_table(rows=2, cols=4)
    for col, head in enumerate(("步骤", "要求", "提示", "条款")):
        table.cell(0, col).text = head
    for text in ("自查", "复查"):
        worddocs.in_list(table.cell(1, 0).add_paragraph(text), 80)
    for text in ("按时", "按质"):
        worddocs.in_list(table.cell(1, 1).add_paragraph(text), 81)
    for text in ("附评分表", "按模板填写"):
        table.cell(1, 2).add_paragraph(text, style="List Bullet")
    for text in ("学校实行校长负责制。", "学校设立学术委员会。"):
        table.cell(1, 3).add_paragraph(text, style="Table Item")
    document.add_paragraph("各学院任务：")
    numbered = document.add_table(rows=3, cols=2)
    numbered.cell(0, 0).text, numbered.cell(0, 1).text = "序号", "学院"
    for row, college in ((1, "机械学院"), (2, "电气学院")):
        numbered.cell(row, 0).paragraphs[0].style = document.styles["Row Number"]
        numbered.cell(row, 1).text = college
    document.save(tmp_path / "table-lists.docx")
    article, report = import_file(mini, tmp_path / "table-lists.docx")
    assert LOST not in report, report
    assert report.count("用的是 Word 自动编号") == 1 and "表格 2 用的是 Word 自动编号（Word 文件里的第 " in report, report
    body = body_of(publish_and_build(mini, article))
    cells = [flat(cell) for cell in re.findall(r"<td>(.*?)</td>", body, re.S)]
    assert cells[:4] == ["1.自查2.复查", "（1）按时（2）按质", "•附评分表•按模板填写", "第一条学校实行校长负责制。第二条学校设立学术委员会。"], body
    assert "<td>1. 自查<br" in body and "<td>第一条 学校实行校长负责制。<br" in body, body


# Odd list levels a file may hold: numFmt values the import formats as digits (hebrew1, arabicAlpha, an unknown
# one), none, an empty label, a bullet in a symbol font, numbers that start beyond what a format counts, a level
# that refers to a deeper one, nine levels deep, and a level a file claims beyond Word's nine.
_ODD_LEVELS = [("chineseCounting", "%1、"), ("ideographTraditional", "%1、"), ("decimalEnclosedCircle", "%1"),
               ("upperLetter", "%1."), ("lowerRoman", "%1."), ("bullet", "\uf0b7"), ("hebrew1", "%1."),
               ("arabicAlpha", "%1."), ("none", "%1"), ("decimal", ""), ("no-such-format", "%1."), ("decimal", "%9.%1")]


@pytest.mark.parametrize("start", [1, 2_000_000_000, -3])
def test_odd_list_levels_import_without_a_traceback(mini, tmp_path, start):
    """(Attack pass.) Every odd level imports: each item's text reaches the page once, nothing is lost, no
    traceback; a level that shows no label (none, an empty w:lvlText) has none on the page."""
    document = _document("评建工作方案")
    levels = [(fmt, text.replace("%1", f"%{level + 1}")) for level, (fmt, text) in enumerate(_ODD_LEVELS[:9])]
    worddocs.list_definition(document, 90, levels, {5: '<w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr>'})
    worddocs.list_instance(document, 90, 90, {level: start for level in range(9)})
    for level in range(9):   # (nine levels deep, each under the one before)
        worddocs.in_list(document.add_paragraph(f"第{level}级事项"), 90, level)
    for number, level in enumerate(_ODD_LEVELS[9:], start=91):
        worddocs.list_definition(document, number, [level])
        worddocs.list_instance(document, number, number, {0: start})
        document.add_paragraph(f"列表{number}：")
        _items(document, [f"列表{number}甲", f"列表{number}乙"], number)
    worddocs.in_list(document.add_paragraph("第十五级事项"), 90, 15)
    worddocs.in_list(document.add_paragraph("未定义的列表"), 999)
    table = document.add_table(rows=1, cols=2)
    for level in range(9):
        worddocs.in_list(table.cell(0, 0).add_paragraph(f"表内{level}级"), 90, level)
    document.save(tmp_path / "odd.docx")
    article, report = import_file(mini, tmp_path / "odd.docx")
    assert LOST not in report and "Traceback" not in report, report
    text = flat(body_of(publish_and_build(mini, article)))
    for typed in [f"第{level}级事项" for level in range(9)] + ["第十五级事项", "未定义的列表"] + [f"表内{level}级" for level in range(9)]:
        assert text.count(typed) == 1, (typed, text)
    assert "•第5级事项" in text and "列表91：列表91甲列表91乙" in text and "•表内5级" in text, text
    if start == -3:   # (a Markdown list cannot start below 1: Word's -3. is text)
        assert "列表92：-3.列表92甲-2.列表92乙" in text, text
    if start == 1:
        assert "一、第0级事项甲、第1级事项①第2级事项A.第3级事项i.第4级事项" in text and "א.第6级事项" in text, text
        assert "•第5级事项א.第6级事项أ.第7级事项第8级事项" in text, text   # (mammoth lists five levels: the rest are paragraphs)


# (format, w:lvlText, the labels Word shows its first, second and eleventh items with)
_FORMATS = [
    ("chineseCounting", "%1、", ["一、", "二、", "十一、"]),
    ("chineseCountingThousand", "%1、", ["一、", "二、", "十一、"]),
    ("taiwaneseCounting", "%1.", ["一.", "二.", "十一."]),
    ("ideographTraditional", "%1、", ["甲、", "乙、", "甲、"]),
    ("ideographZodiac", "%1、", ["子、", "丑、", "戌、"]),
    ("ideographDigital", "%1.", ["一.", "二.", "一一."]),
    ("ordinalText", "%1:", ["First:", "Second:", "Eleventh:"]),
    ("cardinalText", "%1:", ["One:", "Two:", "Eleven:"]),
    ("ordinal", "%1", ["1st", "2nd", "11th"]),
    ("hebrew1", "%1.", ["א.", "ב.", "יא."]),
    ("hebrew2", "%1.", ["א.", "ב.", "כ."]),
    ("arabicAlpha", "%1.", ["أ.", "ب.", "ز."]),
    ("arabicAbjad", "%1.", ["أ.", "ب.", "ك."]),
    ("koreanDigital", "%1.", ["일.", "이.", "일일."]),
]


def test_labels_in_the_formats_word_offers_are_the_labels_word_shows(mini, tmp_path):
    """(Input pass.) hebrew1, arabicAlpha, ordinalText, cardinalText, ordinal … showed 1. 2. 11.; each item
    now starts with the label Word shows. A format the page cannot write (iroha) is numbered 1, 2, 3 and the
    import report names it."""
    document = _document("编号格式")
    for number, (fmt, text, _labels) in enumerate(_FORMATS + [("iroha", "%1.", [])], start=100):
        worddocs.list_definition(document, number, [(fmt, text)])
        worddocs.list_instance(document, number, number)
        document.add_paragraph(f"格式{number}：")
        _items(document, [f"{fmt}第{i}项" for i in range(1, 12)], number)
    document.save(tmp_path / "formats.docx")
    article, report = import_file(mini, tmp_path / "formats.docx")
    assert LOST not in report, report
    assert "Word 给一些列表用了网页写不出的编号格式（iroha）：这些项改用 1、2、3…… 编号" in report, report
    text = flat(body_of(publish_and_build(mini, article)))
    for fmt, _text, (first, second, eleventh) in _FORMATS:
        assert f"{first}{fmt}第1项" in text and f"{second}{fmt}第2项" in text and f"{eleventh}{fmt}第11项" in text, (fmt, text)
    assert "格式114：iroha第1项iroha第2项" in text   # (an <ol>: the page numbers it 1. 2.)


def test_a_list_deeper_than_five_levels_keeps_its_text_and_the_report_says_so(mini, tmp_path):
    """(Input pass.) mammoth nests lists five levels deep: the items of levels 6 to 9 are paragraphs, with
    their text and labels, and the report now says so (it said nothing)."""
    document = _document("层级")
    worddocs.list_definition(document, 80, [("decimal", "%" + str(level + 1) + ")") for level in range(9)])
    worddocs.list_instance(document, 80, 80)
    for level in range(9):
        worddocs.in_list(document.add_paragraph(f"第{level + 1}级事项"), 80, level)
    document.save(tmp_path / "deep.docx")
    article, report = import_file(mini, tmp_path / "deep.docx")
    assert LOST not in report, report
    assert "有 4 个列表项在 Word 里缩进到了第五级以下（第一个：Word 文件里的第 7 段，第 6 级）" in report, report
    text = flat(body_of(publish_and_build(mini, article)))
    for level in range(9):
        assert text.count(f"第{level + 1}级事项") == 1, (level, text)
    assert "1)第9级事项" in text, text


def test_a_label_with_a_direction_character_is_reported_with_a_question_mark(mini, tmp_path):
    """(Input pass.) The report named a table's label as the file wrote it: a U+202E in w:lvlText turned the
    rest of the report's line around on the terminal. It shows as ?, as in a file name."""
    document = _document("任务清单")
    worddocs.list_definition(document, 80, [("decimal", "\u202e%1.")])
    worddocs.list_instance(document, 80, 80)
    table = document.add_table(rows=2, cols=2)
    for row in range(2):   # (a 序号 column numbered by Word: no text of its own)
        worddocs.in_list(table.cell(row, 0).paragraphs[0], 80)
        table.cell(row, 1).text = f"任务{row}"
    document.save(tmp_path / "rlo.docx")
    _, report = import_file(mini, tmp_path / "rlo.docx")
    assert "\u202e" not in report and "用的是 Word 自动编号（Word 文件里的第 2 段：“?1.”）" in report, report
