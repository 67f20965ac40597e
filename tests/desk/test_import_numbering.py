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
    worddocs.list_definition(document, 80, [("decimal", "%1."), ("lowerLetter", "%2)")])
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
    assert "## 第一章 工作目标" in text and "### 1\\.1 指导思想" in text, text
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
