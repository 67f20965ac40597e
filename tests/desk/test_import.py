"""`build.py import`: Word files (.docx) made by python-docx (as Word writes them) and by LibreOffice
(as WPS users send them) become draft articles; the built page shows every paragraph, heading, list,
merged table, photo and footnote of the document, and the import report lists only what really
needs the editor's eye."""
from __future__ import annotations

import re
import shutil
import string
import warnings
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import worddocs
from helpers import run_build, write

LANGUAGE = "zh_CN"   # (the import report is asserted in Chinese, as editors read it)
needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by make test")
LOST = "没有导入的文字"


def import_file(site: Path, docx: Path, section: str = "评建动态", *extra: str):
    result = run_build(site, "import", str(docx), "--issue", "2024-07", "--section", section, *extra)
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


def body_of(page: str) -> str:
    return page.split('<div class="body">', 1)[1].split("</article>", 1)[0]


def flat(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def printed_html(site: Path) -> str:
    """The print edition's HTML of issue 2024-07, as WeasyPrint is given it."""
    from xiaokan.builder import BuildOptions
    from xiaokan.paper.pdf import print_html
    from xiaokan.pipeline import make_outputs

    made = make_outputs(site, BuildOptions(pdf=False, search=False), (site / "output").resolve(), lambda message: None)
    return print_html(made.env, made.site, next(i for i in made.site.issues if i.id == "2024-07"), made.bodies)


def test_a_word_file_becomes_a_draft_with_its_front_matter(mini, tmp_path):
    article, report = import_file(mini, worddocs.word_docx(tmp_path / "稿件.docx"))
    text = article.read_text(encoding="utf-8")
    for line in ("标题: 学校召开评建工作推进会", "栏目: 评建动态", "作者: 张三", "来源: 教务处", "草稿: true"):
        assert line in text, line
    assert "\u3000" not in text.split("---", 2)[2], "the full-width indentation is gone"
    assert "## 会议部署" in text and "### 一、明确工作责任" in text and "#### （一）细化任务分工" in text
    # Word's own 一、二、 numbering (chineseCounting) keeps its labels, as the document shows them
    assert "### 一、提高思想认识" in text and "### 二、加强组织领导" in text
    assert "**各学院**要成立评建工作小组，*主要负责人*亲自抓。" in text
    assert "稿件.docx →" in report and "图片 2 张" in report and "合并单元格的表格 1 个（存为 CSV）" in report
    assert "有批注：批注没有导入" in report and "有修订：已按接受全部修订导入" in report
    assert LOST not in report   # the article's text is the document's text
    assert "output/" not in report


def test_an_imported_article_follows_its_issues_date(mini, tmp_path):
    """No fixed 日期 is written: when the editor changes the issue's date, the article follows it."""
    article, _ = import_file(mini, worddocs.word_docx(tmp_path / "稿件.docx"))
    assert re.search(r"^日期:\s+#", article.read_text(encoding="utf-8"), re.M)
    issue = mini / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("2024-07-31", "2024-08-02"), encoding="utf-8")
    page = publish_and_build(mini, article)
    assert 'datetime="2024-08-02"' in page


def test_a_date_the_document_states_is_kept(mini, tmp_path):
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["日期：2024年7月5日", "正文一段。"])
    article, _ = import_file(mini, docx)
    assert re.search(r"^日期: 2024-07-05\s", article.read_text(encoding="utf-8"), re.M)


def test_the_built_page_shows_the_whole_word_document(mini, tmp_path):
    article, _ = import_file(mini, worddocs.word_docx(tmp_path / "tuijin.docx"))
    body = body_of(publish_and_build(mini, article))
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
    assert "脚注 1 个" in report and LOST not in report
    text = article.read_text(encoding="utf-8")
    assert "标题: 兄弟院校评建经验交流" in text and "来源: 高教研究所" in text
    body = body_of(publish_and_build(mini, article))
    assert worddocs.PARAGRAPHS[0] in flat(body) and worddocs.PARAGRAPHS[1] in flat(body)
    assert re.search(r"<h2[^>]*>一、主要做法</h2>", body)   # (Heading 2, the only level the document uses: ##)
    assert re.search(r'<td rowspan="2"[^>]*>机械学院</td>', body)
    assert "交流现场" in body and "高教研究所供图" in body
    assert 'class="footnote"' in body and "教育部2023年第5号文件。" in body


# A department's report, as Word and as WPS (LibreOffice) write it.
def report_docx(kind: str, folder: Path) -> Path:
    if kind == "wps":
        if shutil.which("soffice") is None:
            pytest.skip("LibreOffice is installed by make test")
        return worddocs.report_libreoffice_docx(folder)
    return worddocs.report_docx(folder / "3-评建任务报告.docx", latin_bold_title=kind == "word-latin-bold")


KINDS = ["word", "word-latin-bold", "wps"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_footnote_or_a_link_is_no_false_alarm(mini, tmp_path, kind):
    article, report = import_file(mini, report_docx(kind, tmp_path))
    assert LOST not in report, report
    text = article.read_text(encoding="utf-8")
    assert "[^1]" in text and worddocs.REPORT_FOOTNOTE in text and "[网站](http://" in text
    body = body_of(publish_and_build(mini, article))
    assert worddocs.REPORT_PARAGRAPHS[0].replace("要求", "要求") in flat(re.sub(r"<sup.*?</sup>", "", body))
    assert re.search(r'详细安排见教务处<a href="http://jwc\.example\.edu\.cn/pinggu/notice%282024%29\.html"[^>]*>网站</a>。', body)


@pytest.mark.parametrize("kind", KINDS)
def test_a_title_set_large_and_centred_is_the_title(mini, tmp_path, kind):
    """WPS sets a title large and centred, not bold; Word may make only its digits bold."""
    article, report = import_file(mini, report_docx(kind, tmp_path))
    text = article.read_text(encoding="utf-8")
    assert f"标题: {worddocs.REPORT_TITLE}\n" in text
    assert worddocs.REPORT_TITLE not in text.split("---", 2)[2], "the title is not repeated in the body"
    assert "文件名" not in report


def test_a_title_taken_from_the_file_name_is_said(mini, tmp_path):
    docx = worddocs.plain_docx(tmp_path / "3-评建任务报告.docx", ["各单位要对照问题清单逐项整改，按时提交整改台账。"], title=None)
    article, report = import_file(mini, docx)
    assert "标题: 评建任务报告\n" in article.read_text(encoding="utf-8")
    assert "文件名" in report and "3-评建任务报告.docx" in report


@pytest.mark.parametrize("kind", KINDS)
def test_an_attachment_list_is_not_made_headings(mini, tmp_path, kind):
    article, _ = import_file(mini, report_docx(kind, tmp_path))
    body = article.read_text(encoding="utf-8").split("---", 2)[2]
    assert "附件：1.合格评估自查自评表\n" in body and "\n2.问题清单及整改台账模板\n" in body
    assert not re.search(r"^#+ .*(合格评估自查自评表|问题清单)", body, re.M)


def test_a_run_of_numbered_lines_is_not_made_headings(mini, tmp_path):
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["会议提出三项要求：", "1.提高认识", "2.压实责任", "3.按时完成",
                                                       "各单位认真落实。", "4.经费保障", "学校统筹安排经费。"])
    body = import_file(mini, docx)[0].read_text(encoding="utf-8").split("---", 2)[2]
    assert "\n1.提高认识\n" in body and "\n3.按时完成\n" in body
    assert "\n## 4.经费保障\n" in body   # (a numbered line alone between paragraphs is a heading: the only level, ##)


@pytest.mark.parametrize("kind", KINDS)
def test_headings_carry_no_emphasis_marks(mini, tmp_path, kind):
    body = import_file(mini, report_docx(kind, tmp_path))[0].read_text(encoding="utf-8")
    assert "\n## 一、工作目标\n" in body and "**" not in body


@pytest.mark.parametrize("kind", KINDS)
def test_a_right_aligned_signature_stays_right_on_the_web_in_print_and_in_wechat(mini, tmp_path, kind):
    article, _ = import_file(mini, report_docx(kind, tmp_path))
    text = article.read_text(encoding="utf-8")
    for line in worddocs.REPORT_SIGNATURE:
        assert f"{line}\n{{: .right }}\n" in text
    body = body_of(publish_and_build(mini, article))
    for line in worddocs.REPORT_SIGNATURE:
        assert f'<p class="right">{line}</p>' in body
    printed = printed_html(mini).replace("\u2060", "")   # (the print edition glues characters with word joiners)
    assert f'<p class="right">{worddocs.REPORT_SIGNATURE[0]}</p>' in printed
    assert run_build(mini, "wechat", str(article)).code == 0
    post = next((mini / "wechat").rglob("*.html")).read_text(encoding="utf-8")
    assert re.search(rf'<p style="[^"]*text-align: ?right[^"]*">{worddocs.REPORT_SIGNATURE[1]}</p>', post)


@pytest.mark.parametrize("kind", KINDS)
def test_the_photographer_is_a_field_of_their_own(mini, tmp_path, kind):
    article, _ = import_file(mini, report_docx(kind, tmp_path))
    text = article.read_text(encoding="utf-8")
    assert re.search(r"^来源: 教务处\s", text, re.M) and re.search(r"^摄影: 李明\s", text, re.M)
    assert "（供稿" not in text.split("---", 2)[2]
    page = publish_and_build(mini, article)
    assert "摄影：李明" in page.split('<div class="body">', 1)[0]
    assert re.search(r'<p class="article-author">[^<]*摄影：李明', printed_html(mini).replace("\u2060", ""))


def test_the_same_file_imported_twice_is_said_and_replaced_only_when_asked(mini, tmp_path):
    docx = worddocs.report_docx(tmp_path / "report.docx")
    article, _ = import_file(mini, docx)
    before = snapshot(mini / "content")
    again = run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "评建动态")
    assert again.code == 0 and "导入过" in again.stderr and "--replace" in again.stderr
    assert snapshot(mini / "content") == before, "no second article, nothing changed"
    article.write_text(article.read_text(encoding="utf-8").replace("各单位要对照", "各单位要认真对照"), encoding="utf-8")
    replaced = run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "评建动态", "--replace")
    assert replaced.code == 0, replaced.stderr
    assert sorted(snapshot(mini / "content")) == sorted(before), "the draft was replaced in place"
    assert "各单位要对照" in article.read_text(encoding="utf-8")


def test_another_file_of_the_same_name_is_refused_without_replace(mini, tmp_path):
    import_file(mini, worddocs.plain_docx(tmp_path / "新闻稿.docx", ["第一版的正文。"]))
    (tmp_path / "new").mkdir()
    second = worddocs.plain_docx(tmp_path / "new" / "新闻稿.docx", ["第二版的正文。"])
    before = snapshot(mini / "content")
    result = run_build(mini, "import", str(second), "--issue", "2024-07", "--section", "评建动态")
    assert result.code == 1 and "新闻稿.docx" in result.stderr and "--replace" in result.stderr
    assert snapshot(mini / "content") == before
    article, _ = import_file(mini, second, "评建动态", "--replace")
    assert "第二版的正文。" in article.read_text(encoding="utf-8")


def test_replace_leaves_a_published_article_alone(mini, tmp_path):
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["正文。"])
    article, _ = import_file(mini, docx)
    article.write_text(article.read_text(encoding="utf-8").replace("草稿: true", "草稿: false"), encoding="utf-8")
    before = snapshot(mini / "content")
    result = run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "评建动态", "--replace")
    assert result.code == 1 and "草稿" in result.stderr and snapshot(mini / "content") == before


def test_text_the_article_lacks_is_reported(mini, tmp_path):
    """The other direction: text the article really lacks is listed (here text Word keeps only for
    its newest versions, in mc:Choice, which mammoth does not read)."""
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["正文第一段。", "XXXX"])
    w = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    xml = worddocs.document_part(docx).decode().replace(
        "<w:t>XXXX</w:t></w:r>", f'<w:t>看得见的字</w:t></w:r><mc:AlternateContent {w}><mc:Choice Requires="w14">'
        '<w:r><w:t>只在新版Word里显示的一句话</w:t></w:r></mc:Choice></mc:AlternateContent>')
    _, report = import_file(mini, worddocs.replace_part(docx, tmp_path / "b.docx", "word/document.xml", xml.encode()))
    assert f"{LOST}：看得见的字只在新版Word里显示的一句话" in report


HOSTILE_TEXT = ["正文<script>alert(1)</script>结束。", '{{< 表格 文件="../../site.yaml" >}}', "# 不是标题", "*不是强调*",
                "---", "[^1]: 不是脚注", "1. 不是列表", "> 不是引用", "| a | b |", "<!-- 不是注释 -->", "反斜杠\\*",
                "`不是代码`", "[不是链接](javascript:alert(1))", "&lt;实体&gt; &amp;", "｛｛《 全角", "正文{: .right }",
                "词语\n: 不是定义", "2024. 年度总结", "- 不是列表", "+ 不是列表", "=", "词语\n-", "- - -", "=-=", "1.", ":"]


def test_text_typed_in_word_stays_text(mini, tmp_path):
    docx = worddocs.plain_docx(tmp_path / "a.docx", HOSTILE_TEXT, title='标题: "引号" # 井号 [^1]')
    article, report = import_file(mini, docx)
    assert LOST not in report and '标题: "标题: \\"引号\\" # 井号 [^1]"' in article.read_text(encoding="utf-8")
    page = publish_and_build(mini, article)
    body = body_of(page)
    assert "<script" not in body and "<h1" not in body and "<table" not in body and "<blockquote" not in body
    assert "<ol" not in body and "<hr" not in body and "<em" not in body and "<code" not in body and "<dl" not in body
    assert 'class="right"' not in body and "footnote" not in body and "<a " not in body
    import html
    text = html.unescape(re.sub(r"<[^>]+>", "", body))
    for typed in HOSTILE_TEXT:
        assert " ".join(typed.split()) in " ".join(text.split()), typed
    assert '<h1>标题: "引号" # 井号 [^1]</h1>' in html.unescape(page)


# Text Markdown would not act on: written as typed, no backslash the editor would puzzle over in the file.
PLAIN_TEXT = ["会议通报了各单位自查的情况，并布置了下一步的工作。", "2.问题清单及整改台账模板，请各单位月底前报送。", "1.1 小节的内容见附件。", "-5℃以下停课", "+86 电话", ":冒号开头", "=号开头", "2024.07.05 会议"]


def test_text_markdown_would_not_act_on_is_written_as_typed(mini, tmp_path):
    """(A new editor's walk: 2.问题清单 was written 2\\.问题清单, and the editor saw the backslash in the desk.)"""
    article, report = import_file(mini, worddocs.plain_docx(tmp_path / "a.docx", PLAIN_TEXT, title="照原样"))
    written = article.read_text(encoding="utf-8")
    for typed in PLAIN_TEXT:
        assert f"\n{typed}\n" in written, typed
    text = body_of(publish_and_build(mini, article))
    assert "<ol" not in text and "<ul" not in text and "<dl" not in text and "<hr" not in text
    for typed in PLAIN_TEXT:
        assert f"<p>{typed}</p>" in text, typed


def test_a_caption_with_brackets_and_quotes_keeps_its_picture(mini, tmp_path):
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("图注测试", style="Title")
    document.add_picture(worddocs.io.BytesIO(worddocs.photo((10, 120, 10))), width=Cm(8))
    document.add_paragraph('图1 "会场"](x.png) 一角（学校"供图"）')
    document.save(tmp_path / "a.docx")
    article, report = import_file(mini, tmp_path / "a.docx")
    body = body_of(publish_and_build(mini, article))
    figure = re.search(r"<figure>.*?</figure>", body, re.S).group(0)
    assert re.search(r'<img [^>]*src="[^"]+\.png"', figure)
    assert '<figcaption>"会场"](x.png) 一角<span class="credit">学校"供图"</span></figcaption>' in figure.replace("&quot;", '"')
    assert LOST not in report


def test_existing_pictures_and_tables_are_never_overwritten(mini, tmp_path):
    docx = worddocs.word_docx(tmp_path / "a.docx")
    folder = mini / "content/2024-07"
    stem = "xue-xiao-zhao-kai-ping-jian-gong-zuo-tui-jin-hui"
    for name in (f"{stem}-1.png", f"{stem}-table-1.csv"):   # (another article's photo and table, by chance so named)
        (folder / name).write_bytes(b"another article's file")
    before = snapshot(folder)
    article, _ = import_file(mini, docx)
    after = snapshot(folder)
    assert {name: after[name] for name in before} == before
    text = article.read_text(encoding="utf-8")
    assert f"{stem}-2.png" in text and f"{stem}-table-2.csv" in text and f"{stem}-1.png" not in text
    assert not [name for name in after if name.startswith(".")], "no temporary file is left"


def test_a_folder_of_word_files_imports_each(mini, tmp_path):
    folder = tmp_path / "来稿"
    folder.mkdir()
    worddocs.word_docx(folder / "一.docx")
    worddocs.plain_docx(folder / "二.docx", ["第二篇的正文。"])
    (folder / "~$一.docx").write_bytes(b"lock")   # Word's lock file is not a document
    result = run_build(mini, "import", str(folder), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 0, result.stderr
    made = sorted((mini / "content/2024-07").glob("0[56]-*.md"))
    assert len(made) == 2 and made[0].name != made[1].name


def test_a_bad_file_among_good_ones_stops_nothing_else(mini, tmp_path):
    folder = tmp_path / "来稿"
    folder.mkdir()
    worddocs.plain_docx(folder / "1-first.docx", ["第一篇的正文。"])
    (folder / "2-broken.docx").write_bytes(b"PK\x03\x04 not really")
    worddocs.plain_docx(folder / "3-third.docx", ["第三篇的正文。"])
    result = run_build(mini, "import", str(folder), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 1
    lines = result.stderr.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("1-first.docx →"))
    broken = next(i for i, line in enumerate(lines) if "2-broken.docx" in line and "读不了" in line)
    third = next(i for i, line in enumerate(lines) if line.startswith("3-third.docx →"))
    assert first < broken < third, "each file is reported as it is imported"
    assert "1 个文件没有导入" in lines[-1] and "2-broken.docx" in lines[-1]
    assert len(list((mini / "content/2024-07").glob("0[56]-*.md"))) == 2
    again = run_build(mini, "import", str(folder), "--issue", "2024-07", "--section", "新闻政策")
    assert again.stderr.count("导入过") == 2 and len(list((mini / "content/2024-07").glob("*.md"))) == 6


@pytest.mark.parametrize("name, data, message", [
    ("old.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
    ("broken.docx", b"PK\x03\x04 not really", "这个 Word 文件读不了"),
    ("password.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "密码"),
])
def test_a_file_that_is_not_a_docx_is_an_error_naming_it(mini, tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    result = run_build(mini, "import", str(path), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 1 and name in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "output/" not in result.stderr


def _hostile(tmp_path: Path, case: str) -> Path:
    docx = worddocs.plain_docx(tmp_path / "base.docx", ["正文一段。"])
    xml = worddocs.document_part(docx)
    body = xml.split(b"<w:body>", 1)
    if case == "cut in half":
        data = xml[: len(xml) // 2]
    elif case == "external entity":
        data = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                + body[0].split(b"?>", 1)[1] + b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p>" + body[1].split(b"<w:body>")[-1])
    elif case == "billion laughs":
        entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        data = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "ha">{entities}]>'.encode()
                + body[0].split(b"?>", 1)[1] + b"<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>" + body[1])
    elif case == "gridSpan 3000000":
        data = xml.replace(b"<w:sectPr", b'<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="3000000"/></w:tcPr>'
                                          b"<w:p/></w:tc></w:tr></w:tbl><w:sectPr", 1)
    elif case == "nested 1,000 deep":
        data = xml.replace(b"<w:sectPr", b"<w:sdt>" * 1_000 + b"</w:sdt>" * 1_000 + b"<w:sectPr", 1)
    elif case == "a bomb of text":   # 60 MB of XML in a zip of a few hundred KB
        data = xml.replace(b"<w:sectPr", b"<w:p><w:r><w:t>" + b"a" * (60 << 20) + b"</w:t></w:r></w:p><w:sectPr", 1)
    else:
        raise AssertionError(case)
    return worddocs.replace_part(docx, tmp_path / f"{case}.docx", "word/document.xml", data)


@pytest.mark.parametrize("case, message", [
    ("cut in half", "损坏"), ("external entity", "DTD"), ("billion laughs", "DTD"),
    ("gridSpan 3000000", "表格 1 超过 63 列"), ("nested 1,000 deep", "层"), ("a bomb of text", "word/document.xml"),
])
def test_a_damaged_or_hostile_word_file_is_refused_before_it_is_parsed(mini, tmp_path, case, message):
    docx = _hostile(tmp_path, case)
    before = snapshot(mini / "content")
    result = run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 1 and docx.name in result.stderr and message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "root:" not in result.stderr
    assert snapshot(mini / "content") == before


def test_a_picture_of_400_megapixels_is_refused(mini, tmp_path):
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("巨幅照片", style="Title")
    document.add_picture(worddocs.io.BytesIO(worddocs.png_header(20_000, 20_000)), width=Cm(8))
    document.save(tmp_path / "big.docx")
    before = snapshot(mini / "content")
    result = run_build(mini, "import", str(tmp_path / "big.docx"), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 1 and "big.docx" in result.stderr and "400 百万像素" in result.stderr, result.stderr
    assert snapshot(mini / "content") == before


def test_an_empty_word_file_is_refused(mini, tmp_path):
    import docx

    docx.Document().save(tmp_path / "empty.docx")
    result = run_build(mini, "import", str(tmp_path / "empty.docx"), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 1 and "empty.docx" in result.stderr and "没有可导入" in result.stderr


def test_a_linked_picture_is_reported(mini, tmp_path):
    docx = worddocs.word_docx(tmp_path / "a.docx")
    xml = worddocs.document_part(docx).decode()
    embed = re.search(r'r:embed="(rId\d+)"', xml).group(1)
    linked = worddocs.replace_part(docx, tmp_path / "linked.docx", "word/document.xml",
                                   xml.replace(f'r:embed="{embed}"', f'r:link="{embed}"', 1).encode())
    _, report = import_file(mini, linked)
    assert "图片 1 张" in report and "链接到文件" in report


def _linked(folder, before: str, text: str, href: str, after: str):
    """A Word file titled 导入测试 whose one paragraph holds a hyperlink to href."""
    import docx

    document = docx.Document()
    document.add_paragraph("导入测试", style="Title")
    paragraph = document.add_paragraph(before)
    worddocs._hyperlink(paragraph, text, href)
    paragraph.add_run(after)
    document.save(folder / "a.docx")
    return folder / "a.docx"


@pytest.mark.parametrize("href", ["附件1.xlsx", "file:///C:/Users/admin/Desktop/附件1.xlsx", "C:\\Users\\admin\\附件1.xlsx",
                                  "\\\\server\\share\\附件1.xlsx"])
def test_a_link_to_a_file_on_the_authors_computer_keeps_its_text_and_is_reported(mini, tmp_path, href):
    """(The draft linked a file the site has not: the preview stopped for every editor until it was fixed.)"""
    article, report = import_file(mini, _linked(tmp_path, "详见", "附件1", href, "。"))
    assert "详见附件1。" in article.read_text(encoding="utf-8") and "](" not in article.read_text(encoding="utf-8")
    assert "链接“附件1”指向作者电脑上的文件" in report and LOST not in report
    assert run_build(mini, "check").code == 0


@pytest.mark.parametrize("href", ["java\tscript:alert(1)", "JaVa\nScRiPt:alert(1)", " \tjavascript:alert(1) ",
                                  "java\rscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"])
def test_a_link_a_page_may_not_carry_keeps_its_text_and_is_reported(mini, tmp_path, href):
    """(`java<TAB>script:` was written `java%09script:…`, which the build took for a missing file of the
    site: check failed and the preview stopped for every editor.)"""
    article, report = import_file(mini, _linked(tmp_path, "请点", "这里", href, "。"))
    assert "请点这里。" in article.read_text(encoding="utf-8") and "](" not in article.read_text(encoding="utf-8")
    assert "链接“这里”的地址不能放在网页上" in report and LOST not in report
    assert run_build(mini, "check").code == 0


@pytest.mark.parametrize("href", ["ht\ttps://www.moe.gov.cn/", " \nhttps://www.moe.gov.cn/ ", "HTTPS://www.moe.gov.cn/"])
def test_a_web_address_with_a_tab_or_a_line_break_stays_a_web_address(mini, tmp_path, href):
    """(A browser drops tabs, line breaks and the spaces at either end; the import percent-encoded them, so the build
    took the address for a missing file.)"""
    import docx

    document = docx.Document()
    document.add_paragraph("导入测试", style="Title")
    paragraph = document.add_paragraph("详见")
    worddocs._hyperlink(paragraph, "教育部", href)
    document.save(tmp_path / "a.docx")
    article, report = import_file(mini, tmp_path / "a.docx")
    assert re.search(r"\[教育部\]\(https://www\.moe\.gov\.cn/\)", article.read_text(encoding="utf-8"), re.I)
    assert run_build(mini, "check").code == 0


def test_an_issue_is_named_by_its_id_only(mini, tmp_path):
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["正文。"])
    before = snapshot(mini)
    for issue in (str(mini / "content/2024-07"), str(tmp_path), "../../elsewhere", "content/2024-07"):
        result = run_build(mini, "import", str(docx), "--issue", issue, "--section", "新闻政策")
        assert result.code == 1 and "Traceback" not in result.stderr and "期文件夹名" in result.stderr, result.stderr
    assert "--issue 2024-07" in run_build(mini, "import", str(docx), "--issue", "content/2024-07/", "--section", "新闻政策").stderr
    assert snapshot(mini) == before


def test_an_unknown_section_or_issue_is_refused(mini, tmp_path):
    docx = worddocs.word_docx(tmp_path / "a.docx")
    assert "是不是想写 评建动态？" in run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "评建动太").stderr
    missing = run_build(mini, "import", str(docx), "--issue", "2099-01", "--section", "评建动态").stderr
    assert ".venv/bin/python build.py new-issue 2099-01" in missing and "output/" not in missing


@pytest.mark.parametrize("number, chinese", [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (35, "三十五"), (100, "一百"),
                                             (101, "一百零一"), (110, "一百一十"), (1001, "一千零一"), (2000, "二千"),
                                             (10010, "一万零一十"), (12345, "一万二千三百四十五")])
def test_chinese_counting_numbers(number, chinese):
    """(As LibreOffice numbers them; from 100 on they were digits: 第101条.)"""
    from xiaokan.desk.docxlists import chinese_numeral

    assert chinese_numeral(number) == chinese


@pytest.mark.parametrize("number, legal", [(3, "叁"), (10, "壹拾"), (12, "壹拾贰"), (101, "壹佰零壹"), (1010, "壹仟零壹拾")])
def test_chinese_legal_numbers(number, legal):
    from xiaokan.desk.docxlists import chinese_numeral

    assert chinese_numeral(number, "chineseLegalSimplified") == legal


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
    assert "第 2 段“正文第一段。文本框里的说…”有文本框" in report and LOST not in report


# Any text, heavy in the ASCII punctuation Markdown acts on, with line breaks, tabs, CJK and random Unicode
# (every character XML can hold).
_PUNCTUATION = st.sampled_from(list(string.punctuation) + [" ", "\t", "\n", "　", "。", "｛", "《", "＜", "：", "中", "一"])
_ANY = st.characters(blacklist_categories=("Cs", "Cc", "Cn"))
TEXT = st.text(st.one_of(_PUNCTUATION, _PUNCTUATION, _ANY), min_size=1, max_size=40).filter(lambda t: t.strip())
LINE = TEXT.map(lambda t: t.replace("\n", " ").replace("\t", " ")).filter(lambda t: t.strip())


def _seen(html: str) -> str:
    """What a reader of the page reads, without footnote numbers and back links; whitespace aside
    (where HTML puts a space between elements is the browser's affair)."""
    import html as htmllib

    html = re.sub(r'<a\b[^>]*class="footnote-(?:ref|backref)"[^>]*>.*?</a>', "", html, flags=re.S)
    return "".join(htmllib.unescape(re.sub(r"<[^>]+>", "", html)).split())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(title=LINE.filter(lambda t: len(t.strip()) <= 60), heading=LINE, paragraphs=st.lists(TEXT, min_size=1, max_size=4),
       link=LINE, cells=st.lists(TEXT, min_size=4, max_size=4), merged=st.lists(TEXT, min_size=3, max_size=3),
       caption=LINE, footnote=TEXT)
def test_any_text_in_a_word_file_reaches_the_reader_as_typed(mini, tmp_path_factory, title, heading, paragraphs, link,
                                                             cells, merged, caption, footnote):
    """The property behind the cases above: whatever the document's text, the published article shows
    exactly that text, the report lists no lost paragraph, and nothing but the article's own new files
    changes in content/."""
    from xiaokan.desk.docxfront import loose_key, meta_fields
    from xiaokan.desk.docxpictures import CAPTION
    from xiaokan.desk.wordimport import import_docx
    from xiaokan.source.config import load_config
    from xiaokan.source.content import load_article
    from xiaokan.source.frontmatter import split_front_matter
    from xiaokan.source.markup import render_markdown

    assume(all(meta_fields(p) is None for p in paragraphs + [heading]))
    assume(loose_key(heading) != loose_key(title))   # (the title again where the text starts is left out: see test_import_titles)
    found = CAPTION.match(" ".join(f"图1 {caption}".split()))
    assume(found and found.group(1) == " ".join(caption.split()) and found.group(2) is None)
    assume(not any(re.search(r"\[[^\]]+\]\([^)\s]+\)", cell) for cell in merged))   # (those split the merge: see above)
    docx = worddocs.rich_docx(tmp_path_factory.mktemp("doc") / "稿件.docx", title, heading, paragraphs, link, cells,
                              merged, caption, footnote)
    folder = mini / "content/2024-07"
    before = snapshot(folder)
    report = import_docx(mini, folder, docx, "评建动态")
    try:
        assert report.lost == (), report.lost
        after = snapshot(folder)
        new = set(after) - set(before)
        stem = re.sub(r"^\d+-", "", report.article.stem)
        assert all(name == report.article.name or name.startswith(stem) for name in new), new
        assert {name: after[name] for name in before} == before
        path = mini / report.article
        article = load_article(path, "2024-07", date(2024, 7, 31), load_config(mini / "site.yaml"), [], drafts=True)
        assert article.title == " ".join(title.split())
        seen = _seen(render_markdown(split_front_matter(path.read_text(encoding="utf-8"), path)[1], folder=folder).html)
        typed = [heading, *paragraphs, "链接：" + link, *cells, "学院", "任务", merged[0], merged[1], merged[2],
                 caption, "注释在此。", footnote]
        assert seen == "".join("".join(typed).split())
    finally:
        for name in set(snapshot(folder)) - set(before):
            (folder / name).unlink()


def test_a_write_that_fails_leaves_nothing_half_written(mini, tmp_path):
    """The disk fills up (here: a limit on file size) while the second photo is written: the first
    photo, the half-written second and the temporary files are removed, the article is not written,
    and the message says so in Chinese."""
    import os
    import subprocess
    import sys

    import docx
    from docx.shared import Cm
    from PIL import Image

    document = docx.Document()
    document.add_paragraph("写满磁盘", style="Title")
    document.add_paragraph("正文。")
    for seed in (1, 2):
        noise = worddocs.io.BytesIO()
        Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3) if seed == 2 else bytes(300 * 300 * 3)).save(noise, "PNG")
        document.add_picture(noise, width=Cm(6))
    document.save(tmp_path / "full.docx")
    before = snapshot(mini / "content")
    code = ("import resource, signal, sys; from pathlib import Path; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
            "resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000)); from xiaokan.cli import main; "
            f"sys.exit(main(['import', {str(tmp_path / 'full.docx')!r}, '--issue', '2024-07', '--section', '新闻政策'], "
            f"Path({str(mini)!r})))")
    from helpers import ROOT

    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "XIAOKAN_LANG": "zh_CN", "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1, result.stderr
    assert "full.docx" in result.stderr and "一点也没有留下" in result.stderr and "Traceback" not in result.stderr
    assert "-2.png" in result.stderr, "the second photo was being written: the first had been, and is removed"
    assert snapshot(mini / "content") == before


def test_two_documents_with_one_title_get_two_addresses(mini, tmp_path):
    first, _ = import_file(mini, worddocs.plain_docx(tmp_path / "a.docx", ["第一篇的正文。"], title="评建简讯"))
    second, _ = import_file(mini, worddocs.plain_docx(tmp_path / "b.docx", ["第二篇的正文。"], title="评建简讯"),
                            "评建动态", "--separate")   # (another 简讯, the editor says: not a new version of a.docx)
    assert "地址:" not in first.read_text(encoding="utf-8")
    assert re.search(r"^地址: ping-jian-jian-xun-2\s", second.read_text(encoding="utf-8"), re.M)
    assert run_build(mini, "check").code == 0
    for article in (first, second):
        publish_and_build(mini, article)
    assert (mini / "output/2024-07/ping-jian-jian-xun-2/index.html").is_file()


def test_a_revised_document_titled_as_an_imported_draft_is_held_until_the_editor_says_replace_or_separate(mini, tmp_path,
                                                                                                           monkeypatch):
    """The department sends 评议会（修改稿）.docx for 评议会.docx, imported before: it was imported as a second
    draft beside the first, with no way to replace the first. Now nothing is written until the editor
    says which: --replace puts it in place of that draft (same file, 排序 kept), --separate makes a draft
    of its own. The title is compared as same-title notices compare it (full-width ＡＢＣ is ABC)."""
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    first, _ = import_file(mini, worddocs.plain_docx(tmp_path / "评议会.docx", ["第一版的正文。"], title="ABC学院评议会（一）"))
    first.write_text(re.sub(r"排序: \d+", "排序: 7", first.read_text(encoding="utf-8")), encoding="utf-8")
    revised = worddocs.plain_docx(tmp_path / "评议会（修改稿）.docx", ["第二版的正文。"], title="ＡＢＣ学院评议会(一)")
    before = snapshot(mini / "content")
    held = run_build(mini, "import", str(revised), "--issue", "2024-07", "--section", "评建动态")
    assert held.code == 1 and "Traceback" not in held.stderr, held.stderr
    assert f"/2024-07/{first.name}（由 评议会.docx 导入）的标题也是“ＡＢＣ学院评议会(一)”，这次没有导入" in held.stderr, held.stderr
    assert "加上 --replace 再导入（替换那篇草稿）" in held.stderr and "加上 --separate 另存为新稿" in held.stderr
    assert snapshot(mini / "content") == before, "nothing written until the editor says which"
    replaced = run_build(mini, "import", str(revised), "--issue", "2024-07", "--section", "评建动态", "--replace")
    assert replaced.code == 0, replaced.stderr
    assert f"→ content/2024-07/{first.name}（草稿，替换了原来的文本）" in replaced.stderr, replaced.stderr
    assert sorted(snapshot(mini / "content")) == sorted(before), "replaced in place: no second draft"
    text = first.read_text(encoding="utf-8")
    assert "第二版的正文。" in text and "第一版" not in text and "排序: 7" in text and "评议会（修改稿）.docx" in text
    # another document of that title, the editor says: a draft of its own
    other = worddocs.plain_docx(tmp_path / "另一篇.docx", ["另一篇的正文。"], title="ABC学院评议会（一）")
    second, said = import_file(mini, other, "评建动态", "--separate")
    assert second != first and "另一篇的正文。" in second.read_text(encoding="utf-8") and "第二版的正文。" in first.read_text(encoding="utf-8")
    assert f"这一期已有同标题的文章 {first.name}，这篇是另一篇草稿" in said


def test_a_revised_document_of_an_imported_drafts_name_is_held_and_separate_imports_it_beside(mini, tmp_path):
    import_file(mini, worddocs.plain_docx(tmp_path / "通知.docx", ["第一份通知。"], title="第一份"))
    (tmp_path / "new").mkdir()
    second = worddocs.plain_docx(tmp_path / "new" / "通知.docx", ["第二份通知。"], title="第二份")
    held = run_build(mini, "import", str(second), "--issue", "2024-07", "--section", "评建动态")
    assert held.code == 1 and "--replace" in held.stderr and "--separate" in held.stderr, held.stderr
    article, _ = import_file(mini, second, "评建动态", "--separate")
    assert "第二份通知。" in article.read_text(encoding="utf-8")
    assert sum("第一份通知。" in p.read_text(encoding="utf-8") for p in (mini / "content/2024-07").glob("*.md")) == 1


def test_documents_of_one_title_imported_together_are_siblings_not_versions(mini, tmp_path):
    """Two 简讯 of one title in one import: the second is no new version of the first, made a moment ago."""
    folder = tmp_path / "来稿"
    folder.mkdir()
    for name in ("1.docx", "2.docx"):
        worddocs.plain_docx(folder / name, [f"{name} 的正文。"], title="评建简讯")
    result = run_build(mini, "import", str(folder), "--issue", "2024-07", "--section", "评建动态")
    assert result.code == 0 and result.stderr.count("（草稿）") == 2, result.stderr


def _damaged(tmp_path: Path, case: str) -> Path:
    """A Word file damaged as files are in e-mail and on USB sticks (the library's English was shown)."""
    docx = worddocs.plain_docx(tmp_path / "base.docx", ["正文一段，损坏测试。"])
    target = tmp_path / f"稿件-{len(case)}.docx"
    if case == "not a zip file":
        target.write_bytes(b"This is not a Word file at all, only text named .docx")
    elif case == "no document part":
        with zipfile.ZipFile(target, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
    elif case in ("bad CRC", "damaged compression"):
        stored = case == "bad CRC"
        with zipfile.ZipFile(docx) as source, zipfile.ZipFile(target, "w") as out:
            for item in source.infolist():
                out.writestr(item.filename, source.read(item),
                             zipfile.ZIP_STORED if stored or item.filename != "word/document.xml" else zipfile.ZIP_DEFLATED)
        data = bytearray(target.read_bytes())
        if stored:   # one character changed, the checksum not: "Bad CRC-32 for file 'word/document.xml'"
            at = data.index("损坏".encode())
            data[at:at + 6] = "破损".encode()
        else:        # the deflated stream scrambled: "Error -3 while decompressing data"
            info = zipfile.ZipFile(target).getinfo("word/document.xml")
            start = info.header_offset + 30 + len(info.filename) + len(info.extra)
            data[start + 10:start + 60] = bytes(range(50))
        target.write_bytes(bytes(data))
    return target


@pytest.mark.parametrize("case, words", [
    ("not a zip file", "这个 Word 文件读不了：它不是完整的 .docx（zip）文件"),
    ("bad CRC", "文件里的部件 word/document.xml 已损坏（校验和不符）"),
    ("damaged compression", "文件里的压缩数据已损坏"),
    ("no document part", "里面没有 word/document.xml：它不是 Word 文档"),
])
def test_a_damaged_word_file_is_explained_in_chinese(mini, tmp_path, case, words):
    docx = _damaged(tmp_path, case)
    before = snapshot(mini / "content")
    result = run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "新闻政策")
    assert result.code == 1 and f"{docx.name}: " in result.stderr and words in result.stderr, result.stderr
    assert not re.search(r"zip file|CRC|Error -3|decompress|KeyError|Traceback", result.stderr), result.stderr
    assert snapshot(mini / "content") == before


# --- the tester's report: what "imported before" offers, front matter lines, headings, file modes ---

def _new_issue(mini: Path, issue_id: str) -> None:
    assert run_build(mini, "new-issue", issue_id).code == 0


def _publish(article: Path) -> None:
    article.write_text(article.read_text(encoding="utf-8").replace("草稿: true", "草稿: false"), encoding="utf-8")


@pytest.mark.parametrize("case", ["draft here", "published here", "draft in another issue", "published in another issue"])
def test_imported_before_says_where_and_offers_replace_only_where_it_works(mini, tmp_path, case):
    docx = worddocs.plain_docx(tmp_path / "通知.docx", ["通知的正文。"])
    article, _report = import_file(mini, docx)
    if "published" in case:
        _publish(article)
    issue = "2024-07"
    if "another issue" in case:
        _new_issue(mini, "2024-08")
        issue = "2024-08"
    before = snapshot(mini / "content")
    again = run_build(mini, "import", str(docx), "--issue", issue, "--section", "评建动态")
    assert again.code == 0 and snapshot(mini / "content") == before, again.stderr
    said = again.stderr
    rel = article.relative_to(mini).as_posix()
    expected = {
        "draft here": f"通知.docx：以前导入过，就是草稿 {rel}，这次没有再导入（要用这个文件替换那篇草稿，加上 --replace）",
        "published here": f"通知.docx：以前导入过，就是 {rel}，已经发布了；这次没有要导入的（要修改，直接改那篇文章）",
        "draft in another issue": f"通知.docx：以前导入过，在 2024-07 那一期，是草稿 {rel}；这次没有再导入（如果它属于这一期，"
                                  "先把那篇草稿移到这一期或者删掉，再导入）",
        "published in another issue": f"通知.docx：以前导入过，已经在 2024-07 那一期发布了，就是 {rel}；这次没有要导入的",
    }[case]
    assert expected in said, said
    assert ("--replace" in said) == (case == "draft here")   # (offered only where it works)
    replaced = run_build(mini, "import", str(docx), "--issue", issue, "--section", "评建动态", "--replace")
    assert (replaced.code == 0) == (case == "draft here"), replaced.stderr
    if case != "draft here":   # (and where it does not, --replace is refused saying why, nothing changed)
        assert snapshot(mini / "content") == before and "Traceback" not in replaced.stderr
        assert ("2024-07" in replaced.stderr) if "another" in case else ("草稿" in replaced.stderr)


def test_a_front_matter_line_is_taken_out_of_the_text_once_it_is_in_the_front_matter(mini, tmp_path):
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["（供稿：教务处　摄影：李明）", "来源：教务处", "正文第一段。",
                                                     "来源：宣传部", "正文第二段。"])
    article, report = import_file(mini, docx)
    text = article.read_text(encoding="utf-8")
    front, body = text.split("---", 2)[1:]
    assert "来源: 教务处" in front and "摄影: 李明" in front
    assert "供稿" not in body and "来源：教务处" not in body   # (it stayed in the text as well as in 来源)
    assert "来源：宣传部" in body   # (another 来源 than the one taken: kept, so that nothing is lost)
    assert LOST not in report


def _heading_docx(path: Path, blocks: list[tuple[str, int | None]]) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("标题层级测试", style="Title")
    for text, level in blocks:
        if level:
            document.add_heading(text, level=level)
        else:
            document.add_paragraph(text)
    document.save(path)
    return path


@pytest.mark.parametrize("blocks, expected", [
    ([("工作进展", 2), ("正文。", None), ("具体安排", 3), ("正文。", None)], ["## 工作进展", "### 具体安排"]),
    ([("总体要求", 1), ("正文。", None), ("具体措施", 3), ("正文。", None)], ["## 总体要求", "### 具体措施"]),
    ([("一、工作目标", None), ("正文。", None), ("（一）近期目标", None), ("正文。", None), ("二、工作要求", None),
      ("正文。", None)], ["## 一、工作目标", "### （一）近期目标", "## 二、工作要求"]),
    ([("背景", 1), ("正文。", None), ("一、主要做法", None), ("正文。", None), ("（一）建立台账", None), ("正文。", None)],
     ["## 背景", "### 一、主要做法", "#### （一）建立台账"]),
])
def test_headings_are_an_outline_under_the_title_whatever_levels_word_used(mini, tmp_path, blocks, expected):
    article, report = import_file(mini, _heading_docx(tmp_path / "h.docx", blocks))
    body = article.read_text(encoding="utf-8").split("---", 2)[2]
    found = re.findall(r"^#+ .*$", body, re.M)
    assert found == expected, body
    assert f"小标题 {len(expected)} 个" in report and "标题 " + str(len(expected)) not in report.replace("小标题", "")


def test_imported_files_are_readable_by_a_web_server_as_any_saved_file(mini, tmp_path):
    import os

    docx = worddocs.word_docx(tmp_path / "稿件.docx")   # (an article, two photos and a CSV table)
    for umask, mode in ((0o022, 0o644), (0o027, 0o640)):
        old = os.umask(umask)
        try:
            result = run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "评建动态", "--replace")
        finally:
            os.umask(old)
        assert result.code == 0, result.stderr
        article = mini / result.stderr.strip().splitlines()[-1]
        stem = re.sub(r"^\d+-", "", article.stem)
        written = [article] + [p for p in article.parent.iterdir() if p.name.startswith(stem + "-")]
        assert {p.suffix for p in written} == {".md", ".png", ".csv"}, written
        for path in written:   # (mkstemp made them 0600: a copied output/ was not readable by nginx)
            assert path.stat().st_mode & 0o777 == mode, (path.name, oct(path.stat().st_mode))
    assert run_build(mini, "build", "--no-pdf").code == 0


def test_a_picture_that_is_no_picture_is_reported_and_left_out(mini, tmp_path):
    """A part that says PNG but holds no picture (a damaged file, a renamed text): saved beside the
    article it would stop every PDF of the issue, proofs and the preview's included."""
    import zipfile

    docx = worddocs.word_docx(tmp_path / "a.docx")
    with zipfile.ZipFile(docx) as archive:
        media = sorted(name for name in archive.namelist() if name.startswith("word/media/"))
    damaged = worddocs.replace_part(docx, tmp_path / "damaged.docx", media[0], b"this is not a picture")
    before = set(snapshot(mini / "content/2024-07"))
    article, report = import_file(mini, damaged)
    assert re.search(r"第 \d+ 段的图片已损坏", report) and "没有导入" in report and "另存为图片" in report, report
    new = set(snapshot(mini / "content/2024-07")) - before
    pictures = [name for name in new if name.endswith((".png", ".jpg", ".jpeg"))]
    assert len(pictures) == len(media) - 1, new   # (the readable one is imported)
    proof = run_build(mini, "pdf", "2024-07", "--proof")
    assert proof.code == 0, proof.stderr
    # The same file written beside a draft by hand: the proof names its line instead of a bare 「不是图片」.
    (mini / "content/2024-07/fake.png").write_bytes(b"this is not a picture")
    write(mini, "content/2024-07/06-fake.md", "---\n标题: 假图\n栏目: 新闻政策\n草稿: 是\n---\n正文。\n\n![会议现场](fake.png)\n")
    proof = run_build(mini, "pdf", "2024-07", "--proof")
    assert proof.code == 1 and "content/2024-07/06-fake.md:8: 图片 'fake.png'：这个文件不是图片" in proof.stderr, proof.stderr


def test_two_pictures_side_by_side_in_one_paragraph_are_both_imported(mini, tmp_path):
    import io

    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("开幕式与闭幕式", style="Title")
    paragraph = document.add_paragraph()   # (two photos in one line, as departments place a pair)
    paragraph.add_run().add_picture(io.BytesIO(worddocs.photo((200, 0, 0))), width=Cm(6))
    paragraph.add_run("\u3000")
    paragraph.add_run().add_picture(io.BytesIO(worddocs.photo((0, 0, 200))), width=Cm(6))
    document.add_paragraph("图1 左为开幕式，右为闭幕式（校团委供图）")
    document.add_paragraph("两场活动共有三千名师生参加。")
    document.save(tmp_path / "pair.docx")
    article, report = import_file(mini, tmp_path / "pair.docx")
    assert "图片 2 张" in report and "第 2 段的第 1 张图片没有图注" in report and LOST not in report
    figures = re.findall(r"<figure>.*?</figure>", body_of(publish_and_build(mini, article)), re.S)
    assert len(figures) == 2 and "图1" in figures[0]
    assert "左为开幕式，右为闭幕式" in figures[1] and '<span class="credit">校团委供图</span>' in figures[1]


def test_word_lists_nested_in_levels_stay_nested_on_the_page(mini, tmp_path):
    """Levels Word numbers 1. stay Markdown lists; a level it labels 1.1 or (a), which a Markdown list cannot
    show, is a paragraph with its label inside the item above it (they were shown 1. 2.)."""
    import docx

    document = docx.Document()
    document.add_paragraph("评建任务分解", style="Title")
    for text, level in [("总体要求", 0), ("指导思想", 1), ("基本原则", 1), ("坚持问题导向", 2), ("主要任务", 0)]:
        worddocs.numbered(document, document.add_paragraph(text), level)
    document.add_paragraph("要点如下：")
    for text, level in [("一级要点", 0), ("二级要点", 1), ("三级要点", 2), ("又一个一级要点", 0)]:
        worddocs.numbered(document, document.add_paragraph(text), level, "bullet")
    document.save(tmp_path / "levels.docx")
    article, _ = import_file(mini, tmp_path / "levels.docx")
    body = re.sub(r"\s+", "", body_of(publish_and_build(mini, article)))
    assert "<ol><li><p>总体要求</p><p>1.1指导思想</p><p>1.2基本原则</p><p>(a)坚持问题导向</p></li><li><p>主要任务</p></li></ol>" in body, body
    assert "<ul><li>一级要点<ul><li>二级要点<ul><li>三级要点</li></ul></li></ul></li><li>又一个一级要点</li></ul>" in body


def test_a_chinese_numbered_outline_keeps_its_order_and_its_labels(mini, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("评建工作方案", style="Title")
    for text, level in [("提高认识", 0), ("统一思想", 1), ("明确目标", 1), ("按月报送进展", 2), ("强化保障", 0)]:
        worddocs.numbered(document, document.add_paragraph(text), level, "chinese")
    document.save(tmp_path / "outline.docx")
    article, report = import_file(mini, tmp_path / "outline.docx")
    assert LOST not in report
    body = flat(body_of(publish_and_build(mini, article)))
    assert body.index("一、提高认识") < body.index("（一）统一思想") < body.index("（二）明确目标") \
        < body.index("按月报送进展") < body.index("二、强化保障")


def test_items_of_one_text_at_several_places_of_a_chinese_outline_keep_their_own_labels(mini, tmp_path):
    """工作要求 under 一、 and again under 二、, once more as a decimal item: each shows the label Word shows it with
    (the labels were looked up by text, so every 工作要求 got the last one's)."""
    import docx

    document = docx.Document()
    document.add_paragraph("评建工作方案", style="Title")
    for text, level in [("总体安排", 0), ("工作要求", 1), ("具体任务", 0), ("材料准备", 1), ("工作要求", 1), ("工作要求", 2)]:
        worddocs.numbered(document, document.add_paragraph(text), level, "chinese")
    document.save(tmp_path / "repeated.docx")
    article, report = import_file(mini, tmp_path / "repeated.docx")
    assert LOST not in report
    body = flat(body_of(publish_and_build(mini, article)))
    assert "一、总体安排（一）工作要求二、具体任务（一）材料准备（二）工作要求工作要求" in body, body


def test_a_wingdings_tick_reaches_the_reader_and_is_no_false_alarm(mini, tmp_path):
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.add_paragraph("自查清单", style="Title")
    paragraph = document.add_paragraph("自评报告：")
    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>'))
    paragraph.add_run("已完成。")
    document.save(tmp_path / "ticks.docx")
    article, report = import_file(mini, tmp_path / "ticks.docx")
    assert LOST not in report
    assert "自评报告：✓已完成。" in flat(body_of(publish_and_build(mini, article)))


def test_word_numbering_in_a_table_is_reported(mini, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("任务清单", style="Title")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "序号", "任务"
    for row, task in ((1, "自评报告"), (2, "支撑材料")):   # (the 序号 column numbered by Word: no text of its own)
        worddocs.numbered(document, table.cell(row, 0).paragraphs[0])
        table.cell(row, 1).text = task
    document.save(tmp_path / "numbered-table.docx")
    _, report = import_file(mini, tmp_path / "numbered-table.docx")
    assert report.count("用的是 Word 自动编号") == 1 and "表格 1 用的是 Word 自动编号（Word 文件里的第 4 段：“1.”）" in report, report


def _official_docx(path: Path) -> Path:
    """A 公文 as departments send it: the 版头 (issuing body) large and red, the 文号, then the title in 二号."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(16)
    for text, size, colour in (("重庆机电职业技术大学教务处", 26, RGBColor(0xE0, 0, 0)), ("渝机电教〔2024〕12号", 16, None),
                               ("关于开展2024年专业评估自评工作的通知", 22, None)):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
    document.add_paragraph("各二级学院、各相关部门：")
    document.add_paragraph("\u3000\u3000为做好合格评估准备，经学校研究，决定开展专业评估自评工作。")
    document.save(path)
    return path


def test_an_official_documents_title_is_the_line_after_its_number(mini, tmp_path):
    article, report = import_file(mini, _official_docx(tmp_path / "通知.docx"))
    text = article.read_text(encoding="utf-8")
    assert "标题: 关于开展2024年专业评估自评工作的通知" in text and "来源: 重庆机电职业技术大学教务处" in text, text
    body = text.split("---", 2)[2]
    assert "教务处" not in body and "〔2024〕" not in body and "关于开展" not in body, body
    assert "公文" in report and "「关于开展2024年专业评估自评工作的通知」" in report and "「渝机电教〔2024〕12号」" in report
    assert LOST not in report, report


def _write_toc(document, headings: list[str], field: bool, switches: str, page_numbers: bool, style=None,
               numbered: bool = False) -> None:
    """The 目录's lines, one per heading: in a TOC field (opened in the first line, ended in the last) or
    not, with a tab and the page number or without, in a style, numbered by Word's list numbering or not."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    for n, heading in enumerate(headings, start=1):
        line = document.add_paragraph(style=style)
        if numbered:
            line = worddocs.numbered(document, line)
        runs = [f'<w:r {nsdecls("w")}><w:t>{heading}</w:t></w:r>']
        if page_numbers:
            runs.append(f'<w:r {nsdecls("w")}><w:tab/><w:t>{n}</w:t></w:r>')
        if field and n == 1:
            runs[:0] = [f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin"/></w:r>',
                        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> TOC {switches} </w:instrText></w:r>',
                        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>']
        if field and n == len(headings):
            runs.append(f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>')
        for run in runs:
            line._p.append(parse_xml(run))


def _sections_saved(document, headings: list[str], path: Path, topic=lambda heading: heading) -> Path:
    """The headings the 目录 lists, in Heading 1, each with a paragraph; the document saved at path."""
    for heading in headings:
        document.add_heading(heading, level=1)
        document.add_paragraph(f"{topic(heading)}的具体内容。")
    document.save(path)
    return path


def _contents_docx(path: Path, kind: str, numbered: bool = False) -> Path:
    """A report with Word's table of contents: a TOC field (引用 → 目录, as Word inserts it) or lines in
    the TOC 1 style (as WPS keeps it once the field is gone), each line ending in its page number; the
    headings it lists follow in Heading 1. numbered: the lines are numbered 1. 2. by Word's list
    numbering, and the field's lines have no page number (TOC \\n, or a web layout's), and the headings
    carry no 一、 of their own, so a line has exactly its heading's text."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.add_paragraph("评建工作总结", style="Title")
    document.add_paragraph("目　录")
    headings = ["工作目标", "主要做法"] if numbered else ["一、工作目标", "二、主要做法"]
    style = document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH) if kind == "style" else None
    switches = "\\o \"1-3\" \\n \\h \\z \\u" if numbered else "\\o \"1-3\" \\h \\z \\u"
    _write_toc(document, headings, kind == "field", switches, not (numbered and kind == "field"), style, numbered)
    return _sections_saved(document, headings, path, lambda heading: heading if numbered else heading[2:])


@pytest.mark.parametrize("kind", ["field", "style"])
def test_a_word_table_of_contents_is_left_out_and_said(mini, tmp_path, kind):
    article, report = import_file(mini, _contents_docx(tmp_path / f"toc-{kind}.docx", kind))
    assert "目录" in report and "第 2–4 段" in report and LOST not in report, report
    body = flat(body_of(publish_and_build(mini, article)))
    assert body.count("一、工作目标") == 1 and body.count("二、主要做法") == 1 and "目录" not in body, body


def test_a_paragraph_of_text_in_a_contents_style_stays_text(mini, tmp_path):
    """A paragraph pasted from another document in its TOC 1 style, with no page number: it is text, not a
    line of a table of contents (it was left out, as 目录)."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.add_paragraph("评建工作总结", style="Title")
    document.add_paragraph("今年以来，学校扎实推进评建工作。")
    document.add_paragraph("各学院对照指标逐项整改，成效明显。", style=document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH))
    document.add_paragraph("下一步将继续做好迎评准备。")
    document.save(tmp_path / "pasted.docx")
    article, report = import_file(mini, tmp_path / "pasted.docx")
    assert "目录" not in report and LOST not in report, report
    assert "各学院对照指标逐项整改，成效明显。" in flat(body_of(publish_and_build(mini, article)))


def test_a_table_of_contents_field_that_never_ends_takes_no_text_with_it(mini, tmp_path):
    """A damaged file whose TOC field is never closed: the field said the rest of the document was its
    table of contents, and the whole article was left out as 目录."""
    docx = _contents_docx(tmp_path / "toc.docx", "field")
    unclosed = worddocs.document_part(docx).replace(b'<w:fldChar w:fldCharType="end"/>', b"")
    article, report = import_file(mini, worddocs.replace_part(docx, tmp_path / "unclosed.docx", "word/document.xml", unclosed))
    assert LOST not in report and "目录" not in report, report
    body = flat(body_of(publish_and_build(mini, article)))
    assert "工作目标的具体内容。" in body and "主要做法的具体内容。" in body, body


@pytest.mark.parametrize("kind", ["field", "style"])
def test_a_numbered_table_of_contents_costs_no_heading(mini, tmp_path, kind):
    """A 目录 line Word numbers as a list item, with no page number, has the text of its heading: the heading
    was taken out as the 目录 line (and the line stayed, as a list)."""
    article, report = import_file(mini, _contents_docx(tmp_path / f"toc-{kind}.docx", kind, numbered=True))
    assert "第 2–4 段是 Word 的目录" in report and LOST not in report, report
    assert "## 工作目标" in article.read_text(encoding="utf-8") and "## 主要做法" in article.read_text(encoding="utf-8")
    body = body_of(publish_and_build(mini, article))
    assert re.search(r"<h2[^>]*>工作目标</h2>", body) and re.search(r"<h2[^>]*>主要做法</h2>", body), body
    assert flat(body).count("工作目标") == 2 and "<ol" not in body and "目录" not in flat(body), body


def _cover_contents_docx(path: Path, case: str) -> Path:
    """A report with a cover page (its title, 教务处, the date), Word's 目录 (a TOC field), then the text under
    Heading 1 工作目标 and 主要做法. title-again: the title stands again where the text starts, as Chinese
    reports set it. line-above: the 目录 has no page numbers (TOC \\n), and a line of the cover reads as its
    first line does."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.add_paragraph("评建工作总结", style="Title")
    for line in ["教务处", "2024年7月"] + (["工作目标"] if case == "line-above" else []):
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("目　录")
    headings = ["工作目标", "主要做法"]
    switches = '\\o "1-3" \\h \\z \\u' + (" \\n" if case == "line-above" else "")
    _write_toc(document, headings, True, switches, case == "title-again")
    if case == "title-again":
        document.add_paragraph("评建工作总结", style="Title")
    return _sections_saved(document, headings, path)


@pytest.mark.parametrize("case", ["title-again", "line-above"])
def test_a_table_of_contents_after_a_cover_page_is_left_out(mini, tmp_path, case):
    """(Attack pass.) A cover page whose title stands again after the 目录: the 目录 was imported as text while the
    report said it was left out (the title on the cover was taken for the text after the 目录, which ended the
    search for its lines). A line of the cover that reads as the 目录's first line: that line of the cover was
    taken out in its place, without a word, and the 目录 imported."""
    article, report = import_file(mini, _cover_contents_docx(tmp_path / f"{case}.docx", case))
    assert ("第 4–6 段是 Word 的目录" if case == "title-again" else "第 5–7 段是 Word 的目录") in report, report
    assert LOST not in report, report
    body = body_of(publish_and_build(mini, article))
    assert "目录" not in flat(body) and "主要做法1" not in flat(body), body
    assert re.search(r"<h2[^>]*>工作目标</h2>", body) and re.search(r"<h2[^>]*>主要做法</h2>", body), body
    assert flat(body).count("主要做法") == 2 and "<p>2024年7月</p>" in re.sub(r' class="[^"]*"', "", body), body
    assert flat(body).count("工作目标") == (3 if case == "line-above" else 2), body   # (the cover's line, the heading, its text)


def test_a_captions_number_written_as_a_simple_field_is_kept(mini, tmp_path):
    """Word's 插入题注 numbers 图 1 with a SEQ field; written as w:fldSimple it lost its number on the page."""
    import io

    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("实训中心落成", style="Title")
    document.add_paragraph("新实训中心今天启用。")
    document.add_picture(io.BytesIO(worddocs.photo((20, 120, 60))), width=Cm(8))
    caption = document.add_paragraph("图 ")
    caption._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" SEQ 图 \\* ARABIC "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    caption.add_run(" 实训中心外景")
    table_caption = document.add_paragraph("表 ")
    table_caption._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" SEQ 表 \\* ARABIC "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    table_caption.add_run(" 各学院任务")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "学院", "任务"
    note = document.add_paragraph("全文共 ")
    note._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" NUMPAGES "><w:r><w:t>3</w:t></w:r></w:fldSimple>'))
    note.add_run(" 页。")
    document.save(tmp_path / "fields.docx")
    article, report = import_file(mini, tmp_path / "fields.docx")
    body = body_of(publish_and_build(mini, article))
    assert "全文共3页。" in flat(body) and "表1各学院任务" in flat(body) and LOST not in report, (body, report)
    assert re.search(r"<figure>.*实训中心外景.*</figure>", body, re.S)


def test_a_link_written_as_a_simple_field_keeps_its_address(mini, tmp_path):
    """A HYPERLINK field Word writes whole (w:fldSimple) kept its text and lost its address; it is a link, and a
    link to the author's computer or a script is refused as any other link of the document is."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def field(paragraph, instruction: str, text: str) -> None:
        paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="{escape(instruction, {chr(34): "&quot;"})}">'
                                      f'<w:r><w:t>{escape(text)}</w:t></w:r></w:fldSimple>'))

    document = docx.Document()
    document.add_paragraph("评建通知", style="Title")
    paragraph = document.add_paragraph("详见")
    field(paragraph, ' HYPERLINK "https://jwc.example.edu.cn/notice(2024).html?a=1&b=2" \\o "教务处" ', "教务处*网站*")
    paragraph.add_run("。")
    field(document.add_paragraph("下载"), ' hyperlink "file:///C:/Users/admin/Desktop/附件1.xlsx" ', "附件1")
    field(document.add_paragraph("请点"), ' HYPERLINK "javascript:alert(1)" ', "这里")
    document.save(tmp_path / "fields.docx")
    article, report = import_file(mini, tmp_path / "fields.docx")
    text = article.read_text(encoding="utf-8")
    assert "[教务处\\*网站\\*](https://jwc.example.edu.cn/notice%282024%29.html?a=1&b=2)" in text, text
    assert "链接“附件1”指向作者电脑上的文件" in report and "链接“这里”的地址不能放在网页上" in report, report
    assert LOST not in report and "file:" not in text and "javascript" not in text, (text, report)
    body = body_of(publish_and_build(mini, article))
    assert '<a href="https://jwc.example.edu.cn/notice%282024%29.html?a=1&amp;b=2">教务处*网站*</a>' in body, body
    assert "下载附件1" in flat(body) and "请点这里" in flat(body), body


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NOTICE = "https://jwc.example.edu.cn/notice.html"
# Simple HYPERLINK fields as programs other than Word write them (the XML of the paragraph's field).
_OTHER_FIELDS = {
    "own-namespace": f'<x:fldSimple xmlns:x="{_W}" x:instr=" HYPERLINK &quot;{_NOTICE}&quot; "><x:r><x:t>教务处网站</x:t>'
                     '</x:r></x:fldSimple>',
    "line-break": '<w:fldSimple w:instr=" HYPERLINK &quot;https://jwc.example.edu.cn/&#10;notice.html&quot; "><w:r>'
                  '<w:t>教务处网站</w:t></w:r></w:fldSimple>',
    "comment": f'<w:fldSimple w:instr=" HYPERLINK &quot;{_NOTICE}&quot; "><w:r><w:t>教务处网站</w:t></w:r>'
               '<!-- <w:fldSimple w:instr=" SEQ 图 "> --></w:fldSimple>',
}


@pytest.mark.parametrize("case", list(_OTHER_FIELDS))
def test_a_link_field_as_other_programs_write_it_is_a_link_and_nothing_more(mini, tmp_path, case):
    """(Attack pass.) A simple HYPERLINK field that declares its own namespace prefix: the whole file was refused
    (「它不是格式正确的 XML」), as the prefix's declaration went with the field's tags; one whose address holds a line
    break: the address was cut there and reported as a file on the author's computer (「"https://jwc.example.edu.cn/」);
    one holding a comment with a field's start tag in it: every paragraph after it became a link to its address."""
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["MARK", "这段不是链接。", "结尾段落。"], title="评建通知")
    xml = worddocs.document_part(docx).decode()
    assert "<w:r><w:t>MARK</w:t></w:r>" in xml
    xml = xml.replace("<w:r><w:t>MARK</w:t></w:r>", f"<w:r><w:t>详见</w:t></w:r>{_OTHER_FIELDS[case]}<w:r><w:t>。</w:t></w:r>")
    article, report = import_file(mini, worddocs.replace_part(docx, tmp_path / f"{case}.docx", "word/document.xml", xml.encode()))
    assert "作者电脑" not in report and LOST not in report, report
    text = article.read_text(encoding="utf-8")
    assert f"详见[教务处网站]({_NOTICE})。\n\n这段不是链接。\n\n结尾段落。\n" in text, text
    body = body_of(publish_and_build(mini, article))
    assert f'<p>详见<a href="{_NOTICE}">教务处网站</a>。</p>' in body and body.count("<a ") == 1, body


def test_a_field_is_read_by_its_own_instruction(mini, tmp_path):
    """(Attack pass.) A caption's SEQ field with another attribute whose value reads instr="HYPERLINK …": the
    field was taken for a link to that address (its instruction was looked for anywhere in the tag)."""
    docx = worddocs.plain_docx(tmp_path / "a.docx", ["MARK", "结尾段落。"], title="实训中心落成")
    field = ("<w:fldSimple w:fldLock='0 instr=\"HYPERLINK &quot;https://evil.example.cn/&quot;\"' w:instr=\" SEQ 图 \">"
             "<w:r><w:t>1</w:t></w:r></w:fldSimple>")
    xml = worddocs.document_part(docx).decode().replace("<w:r><w:t>MARK</w:t></w:r>", f"<w:r><w:t>图</w:t></w:r>{field}"
                                                        "<w:r><w:t> 实训中心外景</w:t></w:r>")
    article, report = import_file(mini, worddocs.replace_part(docx, tmp_path / "b.docx", "word/document.xml", xml.encode()))
    text = article.read_text(encoding="utf-8")
    assert "图1 实训中心外景" in text and "evil" not in text and LOST not in report, (text, report)


def _emf() -> bytes:
    """A Windows metafile (EMF) as Visio and Excel charts paste into Word: its header and end record."""
    import struct

    header = struct.pack("<II4i4iIIIIHHIIIii ii", 1, 88, 0, 0, 100, 50, 0, 0, 2646, 1323, 0x464D4520, 0x10000, 108, 2, 1,
                         0, 0, 0, 0, 1024, 768, 320, 240)
    return header + struct.pack("<IIIII", 14, 20, 0, 16, 20)


def test_tiff_and_bmp_pictures_become_png_and_a_metafile_is_explained_by_its_paragraph(mini, tmp_path):
    import copy
    import io

    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.oxml.ns import qn
    from docx.parts.image import ImagePart
    from docx.shared import Cm
    from PIL import Image

    def picture(kind: str, colour) -> io.BytesIO:
        out = io.BytesIO()
        Image.new("RGB", (300, 200), colour).save(out, kind)
        out.seek(0)
        return out

    document = docx.Document()
    document.add_paragraph("证书与流程图", style="Title")
    document.add_picture(picture("TIFF", (90, 90, 10)), width=Cm(6))   # (paragraph 2: a scanned certificate)
    document.add_paragraph("图1 扫描的证书")
    document.add_picture(picture("BMP", (10, 90, 90)), width=Cm(6))    # (paragraph 4)
    document.add_paragraph("图2 画图软件里画的示意图")
    document.add_paragraph("评建工作流程如下：")
    holder = document.add_paragraph()                                    # (paragraph 7: a Visio flow chart, EMF)
    part = ImagePart(PackURI("/word/media/chart.emf"), "image/x-emf", _emf(), document.part.package)
    rid = document.part.relate_to(part, RELATIONSHIP_TYPE.IMAGE)
    drawing = copy.deepcopy(document.paragraphs[1].runs[0]._r)
    drawing.find(".//" + qn("a:blip")).set(qn("r:embed"), rid)
    holder._p.append(drawing)
    document.add_paragraph("图3 评建工作流程")
    document.save(tmp_path / "formats.docx")
    article, report = import_file(mini, tmp_path / "formats.docx")
    assert "图片 2 张" in report, report
    assert "第 7 段的图片是 Windows 图元文件（EMF），网页和 PDF 都不能显示" in report and "另存为图片" in report, report
    assert "没有图注" not in report and "image/" not in report, report
    body = body_of(publish_and_build(mini, article))
    figures = re.findall(r"<figure>.*?</figure>", body, re.S)
    assert len(figures) == 2 and "扫描的证书" in figures[0] and "示意图" in figures[1], body
    assert all(src.endswith(".png") for src in re.findall(r'<img[^>]*src="([^"]+)"', body)), body


def test_a_tiff_too_large_to_convert_is_reported_not_decoded(mini, tmp_path):
    """A TIFF of 64 megapixels that packs into 5 KB (one colour, CCITT G4): converting it to PNG decoded it whole
    (1 GB and many seconds at 260 MP, which the picture limit lets through); it is reported as a picture to
    save as PNG or JPG."""
    import io

    import docx
    from docx.shared import Cm
    from PIL import Image

    scan = io.BytesIO()
    Image.new("1", (8000, 8000), 1).save(scan, "TIFF", compression="group4")
    scan.seek(0)
    document = docx.Document()
    document.add_paragraph("获奖证书", style="Title")
    document.add_paragraph("我校教师获得省级教学成果奖。")
    document.add_picture(scan, width=Cm(8))   # (paragraph 3)
    document.add_paragraph("图1 证书扫描件")
    document.save(tmp_path / "scan.docx")
    article, report = import_file(mini, tmp_path / "scan.docx")
    assert "第 3 段的图片是网页不能显示的格式（TIFF），没有导入" in report and "存成 PNG 或 JPG" in report, report
    assert not list(article.parent.glob(article.stem[3:] + "-*")), report


@pytest.mark.parametrize("kind, options", [("TIFF", {"compression": "tiff_lzw"}), ("BMP", {})])
def test_a_damaged_tiff_is_reported_as_damaged(mini, tmp_path, kind, options):
    """A part that says it is a TIFF (or BMP) and cannot be decoded was called a format web pages cannot show;
    it is a damaged picture, named by its paragraph, with what to do (and no English warning of Pillow's)."""
    import weasyprint  # noqa: F401 — (loaded in the desk's process too: it lets Pillow read truncated files)

    damaged = worddocs.with_picture(tmp_path, kind, lambda whole: whole[:len(whole) // 2], **options)
    with warnings.catch_warnings(record=True) as warned:   # (shown on the editor's terminal, in English)
        warnings.simplefilter("always")
        article, report = import_file(mini, damaged)
    assert not warned, [str(w.message) for w in warned]
    assert "第 3 段的图片已损坏" in report and "没有导入" in report and "另存为图片" in report, report
    assert "PNG 或 JPG" in report and "网页不能显示的格式" not in report and "图片 1 张" not in report, report
    assert not list(article.parent.glob(article.stem[3:] + "-*")), report


def _png_with_damaged_data() -> bytes:
    """A PNG whose compressed pixels are scrambled while every chunk's checksum holds (Image.verify passes it)."""
    import io
    import struct
    import zlib

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (90, 90, 10)).save(out, "PNG")
    data = bytearray(out.getvalue())
    at = data.index(b"IDAT")
    length = struct.unpack(">I", data[at - 4:at])[0]
    pixels = bytes(b ^ 0x55 if i > 1 else b for i, b in enumerate(data[at + 4:at + 4 + length]))
    data[at + 4:at + 8 + length] = pixels + struct.pack(">I", zlib.crc32(b"IDAT" + pixels))
    return bytes(data)


def _picture_bytes(kind: str) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 90, 90)).save(out, kind)
    return out.getvalue()


# What a picture part holds -> (the type python-docx names the part by, its bytes).
_MISNAMED = {"png-damaged-data": ("PNG", _png_with_damaged_data), "tiff-in-a-png-part": ("PNG", lambda: _picture_bytes("TIFF")),
             "png-in-a-jpg-part": ("JPEG", lambda: _picture_bytes("PNG"))}


@pytest.mark.parametrize("case", list(_MISNAMED))
def test_a_picture_is_judged_by_its_bytes_not_its_name(mini, tmp_path, case):
    """(Attack pass.) A PNG part whose data is damaged but whose checksums hold passed the import's check, was
    saved beside the article and stopped the build of the issue (「照片已损坏，读不了」); it is reported as
    damaged. A .png part that holds a TIFF was saved as a .png file no browser shows; it is converted to PNG,
    and a .jpg part that holds a PNG is saved as the PNG it is."""
    import io

    import docx
    from docx.shared import Cm
    from PIL import Image

    kind, data = _MISNAMED[case]
    document = docx.Document()
    document.add_paragraph("获奖证书", style="Title")
    document.add_paragraph("我校教师获得省级教学成果奖。")
    document.add_picture(io.BytesIO(_picture_bytes(kind)), width=Cm(8))   # (paragraph 3)
    document.add_paragraph("图1 证书扫描件")
    document.add_paragraph("证书由省教育厅颁发。")
    document.save(tmp_path / "a.docx")
    with zipfile.ZipFile(tmp_path / "a.docx") as archive:
        media = next(name for name in archive.namelist() if name.startswith("word/media/"))
    article, report = import_file(mini, worddocs.replace_part(tmp_path / "a.docx", tmp_path / f"{case}.docx", media, data()))
    assert LOST not in report, report
    body = body_of(publish_and_build(mini, article))   # (the build of the issue succeeds)
    assert "省级教学成果奖" in body and "证书由省教育厅颁发。" in body, body
    if case == "png-damaged-data":
        assert "第 3 段的图片已损坏" in report and "图片 1 张" not in report and "<img" not in body, (report, body)
        return
    saved = re.findall(r'<img[^>]*src="[^"]*/([^"/]+)"', body)
    assert "图片 1 张" in report and len(saved) == 1 and saved[0].endswith(".png"), (report, body)
    with Image.open(article.parent / saved[0]) as picture:
        assert picture.format == "PNG" and picture.size == (300, 200)


def test_a_caption_styled_above_its_picture_is_its_caption(mini, tmp_path):
    """Word's 插入题注 set above the picture (as Chinese documents set 表 captions, and some 图 ones)."""
    import io

    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("新校区掠影", style="Title")
    for n, (caption, colour) in enumerate((("实训中心外景", (200, 30, 30)), ("图书馆", (30, 200, 30))), start=1):
        document.add_paragraph(f"图 {n} {caption}", style="Caption")
        document.add_picture(io.BytesIO(worddocs.photo(colour)), width=Cm(8))
    document.add_paragraph("校园绿化覆盖率达到百分之四十。")
    document.add_picture(io.BytesIO(worddocs.photo((30, 30, 200))), width=Cm(8))
    document.add_paragraph("图3 校园一角")   # (a caption typed below, in the body text style)
    document.save(tmp_path / "above.docx")
    article, report = import_file(mini, tmp_path / "above.docx")
    assert "没有图注" not in report and LOST not in report, report
    figures = re.findall(r"<figure>.*?</figure>", body_of(publish_and_build(mini, article)), re.S)
    assert len(figures) == 3, figures
    assert "实训中心外景" in figures[0] and "图书馆" in figures[1] and "校园一角" in figures[2], figures


def test_captions_styled_below_pictures_one_after_another_stay_with_their_pictures(mini, tmp_path):
    """Word's 插入题注 puts the caption below the picture: with pictures one after another, each 题注 stood
    between two pictures and was taken for the second's (the first had none, the last 题注 stayed text)."""
    import io

    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("新校区掠影", style="Title")
    document.add_paragraph("校园风光如下。")
    for n, (caption, colour) in enumerate((("实训中心外景", (200, 30, 30)), ("图书馆", (30, 200, 30)), ("体育馆", (30, 30, 200))), start=1):
        document.add_picture(io.BytesIO(worddocs.photo(colour)), width=Cm(8))
        document.add_paragraph(f"图 {n} {caption}", style="Caption")
    document.add_paragraph("校园绿化覆盖率达到百分之四十。")
    document.save(tmp_path / "below.docx")
    article, report = import_file(mini, tmp_path / "below.docx")
    assert "没有图注" not in report and LOST not in report, report
    body = body_of(publish_and_build(mini, article))
    figures = re.findall(r"<figure>.*?</figure>", body, re.S)
    assert len(figures) == 3 and "图 2" not in flat(body), body
    assert "实训中心外景" in figures[0] and "图书馆" in figures[1] and "体育馆" in figures[2], figures


def test_a_picture_in_a_footnote_is_reported_and_leaves_no_mark(mini, tmp_path):
    """A footnote holding a picture: its token stood in the footnote's text on the page (\uffffB2\uffff) and
    its file was written beside the article, used by no page."""
    import io

    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import qn
    from docx.shared import Cm
    from lxml import etree

    document = docx.Document()
    document.add_paragraph("脚注里的图片", style="Title")
    document.add_picture(io.BytesIO(worddocs.photo((20, 120, 60))), width=Cm(8))
    document.add_paragraph("图1 实训中心外景")
    worddocs._footnote_reference(document.add_paragraph("注释在此。"), 1)
    picture_run = document.paragraphs[1].runs[0]._r
    picture = document.part.rels[picture_run.find(".//" + qn("a:blip")).get(qn("r:embed"))].target_part
    part = Part(PackURI("/word/footnotes.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                b"", document.part.package)
    run = re.sub(r'r:embed="[^"]+"', f'r:embed="{part.relate_to(picture, RELATIONSHIP_TYPE.IMAGE)}"',
                 etree.tostring(picture_run).decode())
    part._blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes '
                  'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:id="1"><w:p>'
                  f'<w:r><w:footnoteRef/></w:r><w:r><w:t>见下图</w:t></w:r>{run}</w:p></w:footnote></w:footnotes>').encode()
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    document.save(tmp_path / "footnote.docx")
    article, report = import_file(mini, tmp_path / "footnote.docx")
    assert "脚注「见下图…」里有图片，没有导入" in report and LOST not in report, report
    assert "\uffff" not in article.read_text(encoding="utf-8")
    assert sorted(p.name for p in article.parent.glob(article.stem[3:] + "-*")) == [article.stem[3:] + "-1.png"]
    body = body_of(publish_and_build(mini, article))
    assert "实训中心外景" in body and "见下图" in flat(body), body


def test_lines_inside_a_table_cell_stay_lines_or_are_reported(mini, tmp_path):
    """A cell of two paragraphs, a cell with a line break, a cell holding a small table: the lines stay
    lines in a Markdown table; a CSV (merged) table, whose cells hold one line, says it ran them together."""
    import docx

    document = docx.Document()
    document.add_paragraph("自评工作安排", style="Title")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "要求"
    table.cell(1, 0).text = "自评报告"
    table.cell(1, 1).text = "不少于8000字"
    table.cell(1, 1).add_paragraph("7月10日前提交")
    table.cell(1, 1).add_paragraph("附评分表", style="List Bullet")   # (a list item, then a paragraph: one break each)
    table.cell(1, 1).add_paragraph("按模板填写")
    table.cell(2, 0).text = "支撑材料"
    inner = table.cell(2, 1).add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "材料", (0, 1): "份数", (1, 0): "课程标准", (1, 1): "12份"}.items():
        inner.cell(r, c).text = text
    document.add_paragraph("合并单元格的表格：")
    merged = document.add_table(rows=3, cols=2)
    for (r, c), text in {(0, 0): "学院", (0, 1): "任务", (1, 0): "机械学院", (1, 1): "自评报告", (2, 1): "支撑材料"}.items():
        merged.cell(r, c).text = text
    merged.cell(2, 1).add_paragraph("7月20日前")
    merged.cell(1, 0).merge(merged.cell(2, 0))
    merged.cell(1, 0).text = "机械学院"
    document.save(tmp_path / "cells.docx")
    article, report = import_file(mini, tmp_path / "cells.docx")
    assert LOST not in report, report
    assert "表格 1 的一个单元格里有表格" in report and "表格 2 " in report and "连成了一行" in report, report
    body = body_of(publish_and_build(mini, article))
    assert re.search(r"<td>不少于8000字<br ?/?>7月10日前提交<br ?/?>• 附评分表<br ?/?>按模板填写</td>", body), body
    assert re.search(r"<td>(<br ?/?>)?材料 份数<br ?/?>课程标准 12份</td>", body), body
    assert "支撑材料 7月20日前" in body, body


def test_a_drop_cap_joins_its_paragraph(mini, tmp_path):
    """首字下沉: Word keeps the large first letter as a paragraph of its own (w:framePr dropCap)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    document = docx.Document()
    cap = document.add_paragraph()
    cap.add_run("金").font.size = Pt(48)
    cap._p.get_or_add_pPr().append(parse_xml(f'<w:framePr {nsdecls("w")} w:dropCap="drop" w:lines="3" w:wrap="around" '
                                             'w:vAnchor="text" w:hAnchor="text"/>'))
    document.add_paragraph("\u3000\u3000秋九月，学校迎来了五千名新同学。")
    document.add_paragraph("新生报到现场秩序井然。")
    document.save(tmp_path / "迎新.docx")
    article, report = import_file(mini, tmp_path / "迎新.docx")
    text = article.read_text(encoding="utf-8")
    assert "标题: 迎新" in text and LOST not in report, (text, report)
    assert "金秋九月，学校迎来了五千名新同学。" in flat(body_of(publish_and_build(mini, article)))


def test_a_title_above_a_line_that_cites_a_document_number_stays_the_title(mini, tmp_path):
    """Only a line that is a 文号 makes a 公文 head; a short line citing one is text."""
    docx = worddocs.plain_docx(tmp_path / "学习.docx", ["学习贯彻渝教〔2024〕12号文件精神", "各学院认真组织学习。"],
                               title="学校召开专题学习会")
    article, report = import_file(mini, docx)
    text = article.read_text(encoding="utf-8")
    assert "标题: 学校召开专题学习会" in text and "学习贯彻渝教〔2024〕12号文件精神" in text and "公文" not in report, report


def test_a_notice_whose_number_stands_under_its_title_keeps_its_title(mini, tmp_path):
    """A 公文 reposted as news sets its 文号 under the title: the title is no 版头 (it became 来源, and the
    article was titled after the file)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.add_paragraph("关于开展2024年专业评估自评工作的通知", style="Title")
    document.add_paragraph("渝机电教〔2024〕12号").alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("各二级学院、各相关部门：")
    document.add_paragraph("为做好合格评估准备，经学校研究，决定开展专业评估自评工作。")
    document.save(tmp_path / "转发.docx")
    article, report = import_file(mini, tmp_path / "转发.docx")
    text = article.read_text(encoding="utf-8")
    assert "标题: 关于开展2024年专业评估自评工作的通知" in text and "公文" not in report and "文件名" not in report, report
    assert "来源: 关于" not in text and "渝机电教〔2024〕12号" in text.split("---", 2)[2], text


def test_the_report_counts_the_articles_paragraphs_and_names_words_paragraphs_as_words(mini, tmp_path):
    """(It said 「段落 4 段」 and then 「第 30 段…有批注」: the first counted the article's paragraphs, the
    second Word's, empty ones and table cells too.) Each says whose paragraphs it counts, and a Word
    paragraph without text is found by the text before it."""
    import docx
    from docx.oxml import parse_xml

    path = worddocs.word_docx(tmp_path / "稿件.docx")
    document = docx.Document(path)
    document.add_paragraph()._p.append(parse_xml(
        '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><m:r><m:t>x</m:t></m:r></m:oMath>'))
    document.save(path)
    xml = worddocs.document_part(path).decode("utf-8")
    paragraphs = re.split(r"<w:p[ >/]", xml)   # (Word's paragraphs, counted as Word stores them)
    commented = next(n for n, part in enumerate(paragraphs) if "commentReference" in part)
    equation = next(n for n, part in enumerate(paragraphs) if "oMath" in part)
    _article, report = import_file(mini, path)
    assert "正文段落 4 段" in report and "段落 4 段，" not in report.replace("正文段落 4 段", ""), report
    assert f"请检查：Word 文件里的第 {commented} 段“会议要求全校上下齐心协力…”有批注：批注没有导入" in report, report
    assert f"请检查：Word 文件里的第 {equation} 段（在“…（供稿：教务处）”之后）有公式" in report, report
    assert commented == 30 and equation == commented + 2
