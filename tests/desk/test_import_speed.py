"""`build.py import` of long documents: a department's Word file may number thousands of paragraphs in
thousands of lists, hold a 目录 of thousands of lines, or (damaged or hostile) claim thousands of list
levels. These tests check the import's result on such documents; they used to take 45-63 s each where
a step was quadratic (attack pass). Their time is not asserted (the shared CI machine's load would make
a bound flaky): `pytest --durations` shows it, and the figures are in the commits that made them linear."""
from __future__ import annotations

import re
import time
from xml.sax.saxutils import escape

from test_import import LOST, import_file

import worddocs


def _paragraphs(document, entries) -> None:
    """Paragraphs written as XML before the section properties (python-docx's add_paragraph takes seconds for
    thousands): (text, numId or None, level, style or None) each."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    end = document.element.body[-1]
    for text, number, level, style in entries:
        properties = (f'<w:pStyle w:val="{style}"/>' if style else "") + (
            f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{number}"/></w:numPr>' if number is not None else "")
        end.addprevious(parse_xml(f'<w:p {nsdecls("w")}><w:pPr>{properties}</w:pPr><w:r><w:t>{escape(text)}</w:t></w:r></w:p>'))


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def test_five_thousand_numbered_paragraphs_in_two_thousand_lists_import_in_seconds(mini, tmp_path, monkeypatch):
    """1,800 lists restarted one after another (one list to mammoth, cut 1,800 times: each cut moved every item
    after it) and 1,400 items numbered 一、二、 in 200 lists that go on (each item made a paragraph moved every
    item after it): 5,000 numbered paragraphs in 2,000 lists took 45 s besides mammoth's reading (2 s); they
    take 5 (bs4, Markdown, the lost-text check, each linear)."""
    import docx
    import mammoth

    document = docx.Document()
    document.add_paragraph("评建任务清单", style="Title")
    worddocs.list_definition(document, 80, [("decimal", "%1.")])
    worddocs.list_definition(document, 81, [("chineseCounting", "%1、")])
    entries = []
    for n in range(1800):
        worddocs.list_instance(document, 100 + n, 80, {0: 1})
        entries += [(f"第{n}组甲项", 100 + n, 0, None), (f"第{n}组乙项", 100 + n, 0, None)]
    entries.append(("以下各项由各学院负责。", None, 0, None))
    for n in range(200):
        worddocs.list_instance(document, 2000 + n, 81)
        entries += [(f"第{n}组第{k}件事", 2000 + n, 0, None) for k in range(7)]
    _paragraphs(document, entries)
    document.save(tmp_path / "tasks.docx")
    reading: list[float] = []   # (mammoth's own time, which the import does not decide)
    convert = mammoth.convert_to_html

    def timed_convert(*args, **kwargs):
        result, seconds = _timed(lambda: convert(*args, **kwargs))
        reading.append(seconds)
        return result

    monkeypatch.setattr(mammoth, "convert_to_html", timed_convert)
    (article, report), seconds = _timed(import_file, mini, tmp_path / "tasks.docx")
    assert LOST not in report, report
    text = article.read_text(encoding="utf-8")
    assert text.count("<!-- -->") == 1799 and "\n1. 第1799组甲项\n2. 第1799组乙项\n" in text, text[-3000:]
    assert "\n一千四百、第199组第6件事\n" in text and "\n一千零一、第142组第6件事\n" in text, text[-3000:]


def test_a_list_definition_claiming_thousands_of_levels_is_read_in_a_moment(tmp_path):
    """Word has nine list levels. A file claiming 3,000 (each never restarting) with a paragraph at each and
    3,000 more at the first: each paragraph looked at every level below its own, and Word's numbers took
    seconds to count (50 s for 6,000); levels past the ninth are not read."""
    import docx

    from xiaokan.desk.docxlists import numbered_paragraphs
    from xiaokan.desk.docxread import read_word_xml

    document = docx.Document()
    worddocs.list_definition(document, 90, [("decimal", "%1.")] * 3000, {i: '<w:lvlRestart w:val="0"/>' for i in range(3000)})
    worddocs.list_instance(document, 90, 90)
    _paragraphs(document, [(f"第{i}级", 90, i, None) for i in range(3000)] + [(f"第{i}项", 90, 0, None) for i in range(3000)])
    document.save(tmp_path / "levels.docx")
    xml = read_word_xml(tmp_path / "levels.docx")
    found, seconds = _timed(numbered_paragraphs, xml)
    assert [found[n].label for n in sorted(found)][-2:] == ["3000.", "3001."], found


def test_a_numbered_table_of_contents_of_thousands_of_lines_is_left_out_in_a_moment(tmp_path):
    """A 目录 of 5,000 lines Word numbers as a list (a TOC \\n field): taking each line out looked through every
    line left in its list (10 s for 5,000, a minute for 10,000)."""
    import docx
    import mammoth
    from bs4 import BeautifulSoup
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    from xiaokan.desk.docxcontents import drop_contents
    from xiaokan.desk.docxread import paragraphs, read_word_xml

    document = docx.Document()
    document.add_paragraph("评建工作总结", style="Title")
    document.add_paragraph("目录")
    worddocs.list_definition(document, 80, [("decimal", "%1.")])
    worddocs.list_instance(document, 80, 80)
    _paragraphs(document, [(f"第{n}节", 80, 0, None) for n in range(5000)] + [("第0节", None, 0, "Heading1"), ("正文。", None, 0, None)])
    lines = [p for p in document.element.body.iter() if p.tag.endswith("}p")][2:5002]
    field = f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="%s"/></w:r>'
    lines[0].insert(1, parse_xml(field % "separate"))
    lines[0].insert(1, parse_xml(f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> TOC \\o "1-3" \\n </w:instrText></w:r>'))
    lines[0].insert(1, parse_xml(field % "begin"))
    lines[-1].append(parse_xml(field % "end"))
    document.save(tmp_path / "toc.docx")
    with open(tmp_path / "toc.docx", "rb") as stream:
        soup = BeautifulSoup(mammoth.convert_to_html(stream).value, "html.parser")
    facts = [p for p in paragraphs(read_word_xml(tmp_path / "toc.docx")) if p.text.strip()]
    notes: list[str] = []
    rest, seconds = _timed(drop_contents, soup, facts, notes, [])
    assert notes == ["Word 文件里的第 2–5002 段是 Word 的目录，没有导入：网页会按文章的小标题自己生成目录"], notes
    assert "<li>" not in str(soup) and [p.text for p in rest] == ["评建工作总结", "第0节", "正文。"], str(soup)[:500]


def test_a_list_of_ten_thousand_items_is_written_as_markdown_in_a_moment():
    """markdownify numbered each item of a list by counting the items before it: 10 s for 10,000 items."""
    from xiaokan.desk.mdtext import html_to_markdown

    html = "<ol>" + "".join(f"<li>第{n}项</li>" for n in range(10000)) + "</ol><ol start=\"3\"><li>甲</li><li>乙</li></ol>"
    markdown, seconds = _timed(html_to_markdown, html)
    assert re.search(r"\n10000\. 第9999项\n", markdown) and markdown.rstrip().endswith("3. 甲\n4. 乙"), markdown[-200:]
