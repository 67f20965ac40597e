"""Word import: which line is the article's title, and that it stands once. The title of a 校刊 article carries no
number: a first heading Word numbers 一、, alone at its level, is the title without its 一、; numbered as the first
of several (一、 with 二、 after it), it is the text's first subheading, with its label, as the others keep theirs,
and the title comes from the file name. A cover page's title set again where the text starts is left out, and
only text that is the title's."""
from __future__ import annotations

import re

import pytest
from test_import import LOST, body_of, flat, import_file, publish_and_build

import worddocs
from helpers import run_build


def _numbered_headings(document) -> None:
    """Heading 1 numbered 一、 and Heading 2 （一） by their styles (a list level linked to each), as Word's 多级列表 does."""
    worddocs.list_definition(document, 70, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）")],
                             {0: '<w:pStyle w:val="Heading1"/>', 1: '<w:pStyle w:val="Heading2"/>'})
    worddocs.list_instance(document, 70, 70)
    worddocs.number_style(document, "Heading1", 70)
    worddocs.number_style(document, "Heading2", 70)


def test_a_first_heading_word_numbers_alone_is_the_title_without_its_number(mini, tmp_path):
    """「一、关于开展…的通知」 numbered by Word as the only Heading 1: the title is 「关于开展…的通知」 (the report
    says why), and the body's Heading 2 keep their （一）（二）."""
    import docx

    document = docx.Document()
    _numbered_headings(document)
    document.add_heading("关于开展2024年专业评估自评工作的通知", 1)
    document.add_paragraph("各学院：为做好评估工作，现将有关事项通知如下。")
    for heading in ("工作目标", "工作要求"):
        document.add_heading(heading, 2)
        document.add_paragraph(f"{heading}的具体内容。")
    document.save(tmp_path / "tongzhi.docx")
    article, report = import_file(mini, tmp_path / "tongzhi.docx")
    assert LOST not in report, report
    text = article.read_text(encoding="utf-8")
    assert "标题: 关于开展2024年专业评估自评工作的通知\n" in text, text
    assert "标题这一行用的是 Word 自动编号（一、）" in report and "从文件名" not in report, report
    page = publish_and_build(mini, article)
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", body_of(page)) == ["（一）工作目标", "（二）工作要求"], body_of(page)
    assert "一、" not in flat(page), page


def test_a_first_heading_numbered_as_the_first_of_several_stays_a_subheading(mini, tmp_path):
    """「一、工作目标」「二、主要做法」 numbered by Word, no title line: the first became the title, 「工作目标」, and
    the text began at 「二、主要做法」; it stays the first subheading, 「一、工作目标」, and the title is the file's name."""
    import docx

    document = docx.Document()
    _numbered_headings(document)
    for heading in ("工作目标", "主要做法"):
        document.add_heading(heading, 1)
        document.add_paragraph(f"{heading}的具体内容。")
    document.save(tmp_path / "评建工作总结.docx")
    article, report = import_file(mini, tmp_path / "评建工作总结.docx")
    assert LOST not in report, report
    assert "标题: 评建工作总结\n" in article.read_text(encoding="utf-8")
    assert "文档第一行「一、工作目标」用的是 Word 自动编号，后面还有同级的编号" in report and "评建工作总结.docx" in report, report
    body = body_of(publish_and_build(mini, article))
    assert re.findall(r"<h2[^>]*>(.*?)</h2>", body) == ["一、工作目标", "二、主要做法"], body


def _cover(path, title: str, again: str, kind: str, after: list[str] | None = None):
    """A report's cover page (the title in Word's Title style, 教务处, the date, a page break), then `again` where the
    text starts, as kind (a Heading 1, a bold centred line, the Title style again), then the text."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    for line in ("教务处", "2024年7月"):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    if kind == "heading":
        document.add_heading(again, 1)
    elif kind == "title":
        document.add_paragraph(again, style="Title")
    else:
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.add_run(again).bold = True
    for text in after or ["今年以来，学校扎实推进评建工作，各项任务按期完成。"]:
        document.add_paragraph(text)
    document.save(path)
    return path


@pytest.mark.parametrize("again, kind", [("2024年评建工作总结", "heading"), ("２０２４年评建　工作 总结", "bold"),
                                         ("2024年评建工作总结", "title")], ids=["heading", "full-width-and-spaces", "title-style"])
def test_a_cover_title_set_again_where_the_text_starts_stands_once(mini, tmp_path, again, kind):
    """The title on the cover, and again where the text starts (a heading, a bold line in full-width digits with
    spaces, the Title style): the article showed it twice, as its title and as its first line."""
    docx = _cover(tmp_path / "zongjie.docx", "2024年评建工作总结", again, kind)
    article, report = import_file(mini, docx)
    assert LOST not in report, report
    assert "第 4 段在正文开头又写了一遍标题“2024年评建工作总结”" in report, report
    page = publish_and_build(mini, article)
    body = flat(body_of(page))
    assert "评建工作总结" not in body and "评建工作" not in body.replace("推进评建工作", ""), body
    assert body.startswith("教务处2024年7月今年以来") and "<h1" in page and flat(page).count("2024年评建工作总结") >= 1


@pytest.mark.parametrize("again, after", [
    ("2024年评建工作总结（续）", None),
    ("2024年评建工作", ["总结大会召开", "今年以来，学校扎实推进评建工作。"]),
    ("今年以来，学校扎实推进评建工作。", ["2024年评建工作总结"]),
], ids=["more-than-the-title", "title-split-otherwise", "title-after-the-text-starts"])
def test_text_that_is_not_the_title_where_the_text_starts_stays(mini, tmp_path, again, after):
    """Only the title's own text is left out: a line that says more, lines that join into other text, the title's
    words after the text has begun all stay."""
    docx = _cover(tmp_path / "zongjie.docx", "2024年评建工作总结", again, "bold", after)
    article, report = import_file(mini, docx)
    assert LOST not in report and "又写了一遍标题" not in report, report
    body = flat(body_of(publish_and_build(mini, article)))
    for text in [again, *(after or [])]:
        assert text in body, (text, body)


def test_a_file_name_with_direction_characters_is_shown_as_it_is_stored(mini, tmp_path):
    """A name someone else chose may hold U+202E, which shows 报告<U+202E>xcod.docx as 报告xcod.docx reversed: the report,
    the error of a file refused and the 原稿 line show a ? for it, never the character itself."""
    docx = worddocs.word_docx(tmp_path / "source.docx")
    tricky = docx.rename(tmp_path / "报告\u202excod.docx")
    article, stderr = import_file(mini, tricky)
    assert "\u202e" not in stderr and "报告?xcod.docx" in stderr
    assert "\u202e" not in article.read_text(encoding="utf-8") and "报告?xcod.docx" in article.read_text(encoding="utf-8")
    refused = tmp_path / "表\u2067格.doc"
    refused.write_bytes(b"not a docx")
    result = run_build(mini, "import", str(refused), "--issue", "2024-07", "--section", "评建动态")
    assert result.code == 1 and "\u2067" not in result.stderr and "表?格.doc" in result.stderr, result.stderr
