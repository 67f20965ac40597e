"""`build.py import`: Word files (.docx) made by python-docx (as Word writes them) and by LibreOffice
become draft articles; the built page shows every paragraph, heading, list, merged table, photo and
footnote of the document."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import worddocs
from helpers import run_build

LANGUAGE = "zh_CN"   # (the import report is asserted in Chinese, as editors read it)
needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by make test")


def import_file(site: Path, docx: Path, section: str = "评建动态"):
    result = run_build(site, "import", str(docx), "--issue", "2024-07", "--section", section)
    assert result.code == 0, result.stderr
    article = site / result.stderr.strip().splitlines()[-1]
    assert article.is_file(), result.stderr
    return article, result.stderr


def publish_and_build(site: Path, article: Path) -> str:
    text = article.read_text(encoding="utf-8")
    assert "草稿: true" in text   # imported articles are drafts
    article.write_text(text.replace("草稿: true", "草稿: false"), encoding="utf-8")
    result = run_build(site, "build", "--no-pdf", "--no-search")
    assert result.code == 0, result.stderr
    slug = re.sub(r"^\d+-", "", article.stem)
    return (site / "output/2024-07" / slug / "index.html").read_text(encoding="utf-8")


def flat(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_a_word_file_becomes_a_draft_with_its_front_matter(mini, tmp_path):
    article, report = import_file(mini, worddocs.word_docx(tmp_path / "稿件.docx"))
    text = article.read_text(encoding="utf-8")
    for line in ("标题: 学校召开评建工作推进会", "栏目: 评建动态", "日期: 2024-07-31", "作者: 张三", "来源: 教务处", "草稿: true"):
        assert line in text, line
    assert "\u3000" not in text.split("---", 2)[2], "the full-width indentation is gone"
    assert "## 会议部署" in text and "### 一、明确工作责任" in text and "#### （一）细化任务分工" in text
    # Word's own 一、二、 numbering (chineseCounting) keeps its labels, as the document shows them
    assert "### 一、提高思想认识" in text and "### 二、加强组织领导" in text
    assert "**各学院**要成立评建工作小组，*主要负责人*亲自抓。" in text
    assert "稿件.docx →" in report and "图片 2" in report and "合并单元格的表格（CSV） 1" in report
    assert "有批注：批注没有导入" in report and "有修订：已按接受全部修订导入" in report
    assert "没有导入的文字" not in report   # the article's text is the document's text


def test_the_built_page_shows_the_whole_word_document(mini, tmp_path):
    article, _ = import_file(mini, worddocs.word_docx(tmp_path / "tuijin.docx"))
    page = publish_and_build(mini, article)
    body = page.split('<div class="body">', 1)[1].split("</article>", 1)[0]
    for paragraph in worddocs.PARAGRAPHS:
        assert paragraph in body
    assert "会议要求全校上下齐心协力，确保评估顺利通过。" in body   # (the tracked insertion, accepted)
    assert re.search(r"<h2[^>]*>会议部署</h2>", body) and re.search(r"<h3[^>]*>一、明确工作责任</h3>", body)
    assert re.search(r"<h4[^>]*>（一）细化任务分工</h4>", body)
    assert re.search(r"<h3[^>]*>二、加强组织领导</h3>", body)
    assert re.search(r"<ol>\s*<li>完成自评报告初稿</li>\s*<li>整理支撑材料</li>\s*<li>开展专项检查</li>\s*</ol>", body)
    assert re.search(r'<td rowspan="2"[^>]*>机械学院</td>', body), "the merged cell stays merged"
    for cell in ("自评报告", "支撑材料", "7月20日", "电气学院", "专项检查"):
        assert f">{cell}</td>" in body
    figures = re.findall(r"<figure>.*?</figure>", body, re.S)
    assert len(figures) == 2
    assert "会议现场" in figures[0] and '<span class="credit">学校供图</span>' in figures[0]
    assert "分组讨论" in figures[1]
    for src in re.findall(r'<img[^>]*src="([^"]+)"', body):
        assert (mini / "output/2024-07" / Path(src).name).is_file() or src.startswith("../")


@needs_libreoffice
def test_a_libreoffice_document_with_a_footnote_imports_too(mini, tmp_path):
    article, report = import_file(mini, worddocs.libreoffice_docx(tmp_path), section="他山之石")
    assert "脚注 1" in report and "没有导入的文字" not in report
    text = article.read_text(encoding="utf-8")
    assert "标题: 兄弟院校评建经验交流" in text and "来源: 高教研究所" in text
    page = publish_and_build(mini, article)
    body = page.split('<div class="body">', 1)[1].split("</article>", 1)[0]
    assert worddocs.PARAGRAPHS[0] in flat(body) and worddocs.PARAGRAPHS[1] in flat(body)
    assert re.search(r"<h3[^>]*>一、主要做法</h3>", body)
    assert re.search(r'<td rowspan="2"[^>]*>机械学院</td>', body)
    assert "交流现场" in body and "高教研究所供图" in body
    assert 'class="footnote"' in body and "教育部2023年第5号文件。" in body


def test_text_the_article_lacks_is_reported(tmp_path):
    from xiaokan.desk.docxread import document_xml
    from xiaokan.desk.wordimport import _missing_text

    xml = document_xml(worddocs.word_docx(tmp_path / "a.docx"))
    missing = _missing_text(xml, "学校召开评建工作推进会", "张三")
    assert any(worddocs.PARAGRAPHS[0][:20] in line for line in missing)


def test_a_folder_of_word_files_imports_each(mini, tmp_path):
    folder = tmp_path / "来稿"
    folder.mkdir()
    worddocs.word_docx(folder / "一.docx")
    worddocs.word_docx(folder / "二.docx")
    (folder / "~$一.docx").write_bytes(b"lock")   # Word's lock file is not a document
    result = run_build(mini, "import", str(folder), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 0, result.stderr
    made = sorted((mini / "content/2024-07").glob("0[56]-*.md"))
    assert len(made) == 2 and made[0].name != made[1].name


@pytest.mark.parametrize("name, data, message", [
    ("old.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
    ("broken.docx", b"PK\x03\x04 not really", "这个 Word 文件读不了"),
])
def test_a_file_that_is_not_a_docx_is_an_error_naming_it(mini, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = run_build(mini, "import", str(path), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 1 and name in result.stderr and message in result.stderr


def test_an_unknown_section_or_issue_is_refused(mini, tmp_path):
    docx = worddocs.word_docx(tmp_path / "a.docx")
    assert "是不是想写 评建动态？" in run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "评建动太").stderr
    assert "new-issue 2099-01" in run_build(mini, "import", str(docx), "--issue", "2099-01", "--section", "评建动态").stderr


@pytest.mark.parametrize("number, chinese", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五")])
def test_chinese_counting_numbers(number, chinese):
    from xiaokan.desk.docxread import chinese_numeral

    assert chinese_numeral(number) == chinese


def test_a_text_box_is_imported_and_reported(mini, tmp_path):
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.add_paragraph("文本框测试", style="Title")
    paragraph = document.add_paragraph("正文第一段。")
    paragraph._p.append(parse_xml(   # a text box as Word and WPS write it (VML)
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape style="width:200pt;height:50pt"><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>文本框里的说明文字</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape>"
        "</w:pict></w:r>"))
    document.save(tmp_path / "textbox.docx")
    article, report = import_file(mini, tmp_path / "textbox.docx")
    assert "文本框里的说明文字" in article.read_text(encoding="utf-8")
    assert "第 2 段“正文第一段。文本框里的说…”有文本框" in report and "没有导入的文字" not in report
