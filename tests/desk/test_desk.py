"""The editor's desk: drafts in the preview, the WeChat (公众号) export."""
from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import add_article, get, run_build, running_server, write


def exported(site: Path, which: str) -> tuple[str, str]:
    result = run_build(site, "wechat", which)
    assert result.code == 0, result.stderr
    path = site / result.stderr.strip().splitlines()[-1]
    assert path.relative_to(site).parts[0] == "wechat" and not (site / "output" / path.name).exists()
    return path.read_text(encoding="utf-8"), result.stderr


def test_the_wechat_export_keeps_only_inline_styles_and_numbers_its_links(mini):
    add_article(mini)
    html, _ = exported(mini, "content/2024-07/05-tuijinhui.md")
    body = html.split("<body>", 1)[1]
    assert not re.search(r"<(style|script|link)\b", body)
    assert not re.search(r'\s(class|id)="', body)
    untyled = [m.group(0) for m in re.finditer(r"<(p|h1|h2|table|th|td|figcaption|section)\b(?![^>]*\sstyle=)[^>]*>", body)]
    assert not untyled, untyled[:3]
    # External links and the footnote are numbered notes in reading order; WeChat's own links stay.
    assert not re.search(r'<a\b[^>]*href="https?://(?!mp\.weixin\.qq\.com/)', body)
    assert '<a href="https://mp.weixin.qq.com/s/abc"' in body
    text = re.sub(r"<[^>]+>", "", body)
    assert "教育部通知[1]" in text and "的精神[2]" in text and "评估方案[4]" in text
    notes = re.search(r"注释与参考链接(.*?)阅读原文", text, re.S).group(1)
    assert "[1] https://www.moe.gov.cn/a.html" in notes and "[2] 教育部2024年第5号文件。" in notes
    assert "[3] https://news.example.edu.cn/kan/2024-07/first/" in notes   # (the site's own page: an address)
    # The full text, the photo by its web address, the 阅读原文 line.
    for words in ("我校召开评建推进会", "评建动态", "作者：王五", "会议由校长主持", "一、会议要求", "自评报告", "会议现场",
                  "学校供图", "信息来源：学校新闻网"):
        assert words in text, words
    assert 'src="https://news.example.edu.cn/kan/2024-07/photo.png"' in body
    assert "阅读原文：https://news.example.edu.cn/kan/2024-07/tuijinhui/" in text


def test_a_post_longer_than_wechat_accepts_is_a_warning(mini):
    write(mini, "content/2024-07/06-long.md", "---\n标题: 长文\n栏目: 新闻政策\n---\n" + ("评建工作稳步推进。" * 2400) + "\n")
    _, stderr = exported(mini, "2024-07/long")
    assert "WeChat accepts 20000" in stderr
    assert int(re.search(r"the post has (\d+) characters of text", stderr).group(1)) >= 21600


def test_an_unknown_article_is_named(mini):
    result = run_build(mini, "wechat", "2024-07/no-such")
    assert result.code == 1 and "there is no article '2024-07/no-such'" in result.stderr


def test_a_file_name_typed_short_of_its_end_is_suggested(mini):
    """README: 文件名写错了会提示最接近的那篇. A long pinyin name typed without its last syllables
    (02-xiao-yuan-li-de.md for 02-xiao-yuan-li-de-bai-yu-lan-kai-le.md) was not suggested: .md ended both."""
    write(mini, "content/2024-07/05-xiao-yuan-li-de-bai-yu-lan-kai-le.md", "---\n标题: 校园里的白玉兰开了\n栏目: 新闻政策\n---\n正文。\n")
    for typed in ("content/2024-07/05-xiao-yuan-li-de-bai-yu-lan.md", "2024-07/05-xiao-yuan-li-de.md"):
        result = run_build(mini, "wechat", typed)
        assert result.code == 1 and "did you mean content/2024-07/05-xiao-yuan-li-de-bai-yu-lan-kai-le.md?" in result.stderr, typed


def test_drafts_are_previewed_with_a_banner_and_an_issue_in_preparation_too(mini):
    write(mini, "content/2024-08/issue.yaml", "标题: 2024年第3期\n期号: 3\n日期: 2024-08-31\n草稿: 是\n")
    write(mini, "content/2024-08/01-next.md", "---\n标题: 下期文章\n栏目: 新闻政策\n---\n准备中的正文。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    home = (mini / "output/index.html").read_text(encoding="utf-8")
    assert "2024年第2期" in home and "下期文章" not in home and not (mini / "output/2024-08").exists()
    with running_server(mini) as (base, _):
        status, page = get(base + "/2024-07/draft/")
        assert status == 200 and "草稿不应出现" in page and "草稿 · 只在预览中显示" in page
        status, page = get(base + "/2024-08/next/")
        assert status == 200 and "本期整期仍在准备中" in page
        assert "草稿 · 本期仍在准备中" in get(base + "/2024-08/")[1]
    assert "草稿不应出现" not in (mini / "output/2024-07/index.html").read_text(encoding="utf-8")
    assert not (mini / "output/2024-07/draft").exists()


def proof(site: Path, *issues: str):
    result = run_build(site, "pdf", "--proof", *issues)
    assert result.code == 0, result.stderr
    return result


def proof_not_typeset(env, site, issue, bodies, html, proof=None, reader=False):
    """In place of render_pdf for a proof whose PDF the test does not read: WeasyPrint takes seconds a proof."""
    import xiaokan.paper.pdf

    assert proof is not None and "<html" in html   # (the print HTML is made as for a real proof)
    return xiaokan.paper.pdf.Rendered(b"%PDF-1.7\n% a stand-in: this test does not read the proof's PDF\n", 4, None)


@pytest.fixture
def proofs_not_typeset(monkeypatch):
    """For a test that reads what a proof says and its 修改对照 page, never its PDF: `pdf --proof` runs
    whole but for WeasyPrint, whose place a stand-in PDF takes. The proof PDF itself is read back by
    test_a_proof_has_its_drafts_and_a_watermark_… and the Word-to-proof test."""
    import xiaokan.paper.pdf

    monkeypatch.setattr(xiaokan.paper.pdf, "render_pdf", proof_not_typeset)


def test_a_proof_has_its_drafts_and_a_watermark_on_every_page_and_is_never_published(mini):
    import pdfplumber

    proof(mini, "2024-07")
    pdf = mini / "print/xiaokan-2024-07-proof-1.pdf"
    with pdfplumber.open(pdf) as document:
        texts = ["".join(c["text"] for c in page.chars) for page in document.pages]
        # the watermark's glyphs are the ones set at an angle (their text matrix has a rotation)
        marks = [[c for c in page.chars if abs(c["matrix"][1]) > 0.1] for page in document.pages]
    assert len(texts) % 4 == 0
    assert any("草稿不应出现" in t for t in texts), "the draft is in the proof"
    for number, chars in enumerate(marks, start=1):
        assert "校样·第1次" in "".join(c["text"] for c in chars).replace(" ", ""), f"page {number} has no 校样 mark"
    assert sorted(p.name for p in (mini / "print").glob("*.pdf")) == ["xiaokan-2024-07-proof-1.pdf"]
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert not list((mini / "output").rglob("*proof*"))


def test_the_change_page_lists_what_changed_since_the_last_proof(mini, proofs_not_typeset):
    proof(mini)   # (no issue named: the newest)
    first = (mini / "print/xiaokan-2024-07-proof-1-changes.html").read_text(encoding="utf-8")
    assert "这是第一次校样" in first
    article = mini / "content/2024-07/02-second.md"
    article.write_text(article.read_text(encoding="utf-8").replace("评建工作的正文", "评估评建工作的正文"), encoding="utf-8")
    result = proof(mini, "2024-07")
    assert "changes since the last proof: 第二篇动态" in result.stderr
    page = (mini / "print/xiaokan-2024-07-proof-2-changes.html").read_text(encoding="utf-8")
    assert "修改：第二篇动态" in page and "<ins>评估</ins>" in page
    assert "第一篇新闻" not in page and "未改动的文章：3 篇" in page
    with running_server(mini) as (base, _):
        status, live = get(base + "/__xiaokan__/changes/2024-07/")
        assert status == 200 and "与第2次校样相比" in live and "没有改动" in live


def test_from_a_word_file_to_preview_proof_page_pdf_and_wechat_post(mini, tmp_path):
    """The editor's whole desk on one department's Word file, with the messages editors read."""
    import pdfplumber

    import worddocs
    import xiaokan.paper.pdf

    imported = run_build(mini, "import", str(worddocs.word_docx(tmp_path / "来稿.docx")), "--issue", "2024-07",
                         "--section", "评建动态")
    assert imported.code == 0, imported.stderr
    article = mini / imported.stderr.strip().splitlines()[-1]
    slug = re.sub(r"^\d+-", "", article.stem)
    with running_server(mini) as (base, _):
        status, page = get(base + f"/2024-07/{slug}/")
        assert status == 200 and "草稿 · 只在预览中显示" in page and "学校召开评建工作推进会" in page
    proof(mini, "2024-07")
    with pdfplumber.open(mini / "print/xiaokan-2024-07-proof-1.pdf") as pdf:
        assert "学校召开评建工作推进会" in "".join((p.extract_text() or "").replace("\u2060", "") for p in pdf.pages)
    article.write_text(article.read_text(encoding="utf-8").replace("草稿: true", "草稿: false")
                       .replace("会议强调", "会议特别强调"), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:   # (the second proof's PDF is not read: what it says is)
        patch.setattr(xiaokan.paper.pdf, "render_pdf", proof_not_typeset)
        second = proof(mini, "2024-07")
    assert "学校召开评建工作推进会" in second.stderr   # the change list names the edited article
    assert run_build(mini, "build").code == 0
    assert "会议特别强调" in (mini / f"output/2024-07/{slug}/index.html").read_text(encoding="utf-8")
    with pdfplumber.open(mini / "print/xiaokan-2024-07.pdf") as pdf:
        assert "学校召开评建工作推进会" in "".join((p.extract_text() or "").replace("\u2060", "") for p in pdf.pages)
    post, _ = exported(mini, f"2024-07/{slug}")
    assert "会议特别强调" in post and "<style" not in post


# --- proof records: damaged ones are set aside, never a traceback (issue 23) ------------------------

DAMAGED_RECORDS = {
    "a list": b"[]",
    "an article that is a string": '{"day": "2024年7月1日", "articles": {"first": "第一篇新闻"}}'.encode(),
    "a number where a list is": '{"articles": {"first": {"title": "第一篇新闻", "paragraphs": 5}}}'.encode(),
    "invalid JSON": b'{"articles": {"first": {"title": "',
    "GBK instead of UTF-8": '{"articles": {"first": {"title": "第一篇新闻", "paragraphs": ["这是第一段"]}}}'.encode("gbk"),
    "nested too deep": b"[" * 100_000 + b"]" * 100_000,
    "blocks of the wrong shape": b'{"format": 2, "articles": {"first": {"title": "x", "fields": {}, "blocks": [["p"]]}}}',
    "a list where the articles are": b'{"articles": [["first", "x"]]}',
}
DAMAGED = "the record of the last proof is damaged; this proof is treated as the first"


@pytest.mark.parametrize("shape", ["a list", "a number where a list is"])
def test_a_damaged_proof_record_is_set_aside_and_the_proof_counts_as_the_first(mini, shape, request):
    if shape != "a list":   # (the proofs' PDFs are typeset for one shape: the others are read alike)
        request.getfixturevalue("proofs_not_typeset")
    records = mini / "print/.proofs/2024-07"
    write(mini, "print/.proofs/2024-07/1.json", "")
    (records / "1.json").write_bytes(DAMAGED_RECORDS[shape])
    result = proof(mini, "2024-07")
    assert DAMAGED in result.stderr and "print/.proofs/2024-07/1.json" in result.stderr and "Traceback" not in result.stderr
    assert (records / "1.json.damaged").read_bytes() == DAMAGED_RECORDS[shape]   # set aside, not deleted
    page = (mini / "print/xiaokan-2024-07-proof-2-changes.html").read_text(encoding="utf-8")
    assert DAMAGED in page and "这是第一次校样" in page
    assert (mini / "print/xiaokan-2024-07-proof-2.pdf").read_bytes()[:5] == b"%PDF-"   # (numbering goes on)
    article = mini / "content/2024-07/02-second.md"
    article.write_text(article.read_text(encoding="utf-8").replace("评建工作的正文", "评估评建工作的正文"), encoding="utf-8")
    third = proof(mini, "2024-07")
    assert DAMAGED not in third.stderr and "changes since the last proof: 第二篇动态" in third.stderr


def test_the_preview_change_page_says_a_record_is_damaged_whatever_its_shape(mini):
    record = mini / "print/.proofs/2024-07/1.json"
    write(mini, "print/.proofs/2024-07/1.json", "")
    with running_server(mini) as (base, _):
        for shape, data in DAMAGED_RECORDS.items():
            record.write_bytes(data)
            status, page = get(base + "/__xiaokan__/changes/2024-07/")
            assert status == 200 and DAMAGED in page and "请全文审读" in page, shape
            assert record.read_bytes() == data, shape   # (the preview only reads; the next proof sets it aside)
    assert "Traceback" not in (mini.parent / "serve.log").read_text(encoding="utf-8")


def test_the_damaged_record_message_is_the_one_editors_read_in_chinese(mini, monkeypatch, proofs_not_typeset):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    write(mini, "print/.proofs/2024-07/1.json", '"不是记录"')
    result = run_build(mini, "pdf", "--proof", "2024-07")
    assert result.code == 0 and "上一次校样的记录损坏，本次按第一次校样处理" in result.stderr


@pytest.fixture(scope="module")
def proofing(tmp_path_factory):
    """The mini site loaded once with what its proof prints: for checking many records quickly."""
    from helpers import FIXTURES, copy_site
    from xiaokan.bodies import convert_articles
    from xiaokan.desk.proofrecord import printed_articles
    from xiaokan.source.content import load_site

    root = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("proofing") / "mini")
    site = load_site(root, drafts=True).site
    issue = site.issues[0]
    return root, site, issue, printed_articles(site, issue, convert_articles(site))


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12)
ARTICLE_RECORDS = st.fixed_dictionaries({"title": st.text(max_size=10) | JSON}, optional={
    "paragraphs": st.lists(st.text(max_size=12), max_size=4) | JSON,
    "blocks": st.lists(st.lists(st.text(max_size=8), max_size=3) | JSON, max_size=4) | JSON,
    "fields": st.dictionaries(st.sampled_from(["author", "source_line", "section", "subtitle", "x"]),
                              st.text(max_size=8) | JSON, max_size=4) | JSON})
RECORDS = JSON | st.fixed_dictionaries({"articles": st.dictionaries(
    st.sampled_from(["first", "second", "draft", "other", "x"]) | st.text(max_size=6), ARTICLE_RECORDS | JSON, max_size=5)},
    optional={"day": st.text(max_size=8) | JSON, "format": JSON})


@settings(max_examples=300, deadline=None)
@given(data=RECORDS.map(lambda value: json.dumps(value, ensure_ascii=False).encode()) | st.binary(max_size=64))
def test_any_proof_record_is_compared_or_said_to_be_damaged_never_a_traceback(proofing, data):
    from xiaokan.desk.proof import last_proof
    from xiaokan.desk.proofchanges import changes_page

    root, site, issue, now = proofing
    write(root, "print/.proofs/2024-07/1.json", "").write_bytes(data)
    last = last_proof(root, "2024-07")
    assert (last.record is None) != (last.damaged is None)
    page, changed = changes_page(site, issue, now, last.record, "第2次校样", "第1次校样", last.damaged is not None)
    assert (DAMAGED in page) == (last.damaged is not None)
    assert page.endswith("</html>\n") and "<script" not in page   # (whatever the record holds is text)


# --- proofs appear whole or not at all -----------------------------------------------------------

def test_a_full_disk_leaves_no_truncated_proof_under_its_final_name(mini, monkeypatch, proofs_not_typeset):
    # (the proof the full disk stops is not typeset: undo() below ends the stand-in with the full disk, and
    # the proof made after it is typeset and read back)
    real_write = Path.write_bytes

    def disk_full(path: Path, data: bytes) -> int:   # half the bytes reach the disk, then it is full
        if "print" not in path.parts:
            return real_write(path, data)
        real_write(path, data[:len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
    monkeypatch.setattr(Path, "write_bytes", disk_full)
    monkeypatch.setattr(Path, "write_text", lambda path, text, encoding=None, errors=None, newline=None:
                        disk_full(path, text.encode(encoding or "utf-8")))
    result = run_build(mini, "pdf", "--proof", "2024-07")
    assert result.code == 1 and "the disk is full" in result.stderr and "Traceback" not in result.stderr
    left = sorted(p.relative_to(mini).as_posix() for p in (mini / "print").rglob("*") if p.is_file())
    assert left == [], left   # no truncated PDF, page or record, and no temporary file
    monkeypatch.undo()
    proof(mini, "2024-07")
    assert (mini / "print/xiaokan-2024-07-proof-1.pdf").read_bytes()[:5] == b"%PDF-"


# --- 修改对照 compares what the proof prints (issue 24) -------------------------------------------------

def test_the_change_page_sees_changed_front_matter_and_structure_not_only_words(mini, proofs_not_typeset):
    write(mini, "content/2024-07/05-source.md", "---\n标题: 来源改了的文章\n栏目: 评建动态\n来源: 教务处\n---\n正文不变。\n")
    write(mini, "content/2024-07/06-heading.md", "---\n标题: 小标题改成正文的文章\n栏目: 评建动态\n---\n"
          "## 一、工作目标\n\n正文不变。\n")
    write(mini, "content/2024-07/07-signoff.md", "---\n标题: 落款右对齐的文章\n栏目: 评建动态\n---\n"
          "正文不变。\n\n评建工作办公室\n")
    write(mini, "content/2024-07/08-list.md", "---\n标题: 列表改成段落的文章\n栏目: 评建动态\n---\n- 第一项\n- 第二项\n")
    proof(mini, "2024-07")
    write(mini, "content/2024-07/05-source.md", "---\n标题: 来源改了的文章\n栏目: 评建动态\n来源: 评建办公室\n---\n正文不变。\n")
    write(mini, "content/2024-07/06-heading.md", "---\n标题: 小标题改成正文的文章\n栏目: 评建动态\n---\n"
          "一、工作目标\n\n正文不变。\n")
    write(mini, "content/2024-07/07-signoff.md", "---\n标题: 落款右对齐的文章\n栏目: 评建动态\n---\n"
          "正文不变。\n\n评建工作办公室\n{: .right }\n")
    write(mini, "content/2024-07/08-list.md", "---\n标题: 列表改成段落的文章\n栏目: 评建动态\n---\n第一项\n\n第二项\n")
    other = mini / "content/2024-07/04-other.md"
    other.write_text(other.read_text(encoding="utf-8").replace("section: 他山之石", "section: 新闻政策"), encoding="utf-8")
    result = proof(mini, "2024-07")
    changed = re.search(r"changes since the last proof: (.*) \(see", result.stderr).group(1).split("、")
    assert sorted(changed) == sorted(["来源改了的文章", "小标题改成正文的文章", "落款右对齐的文章", "列表改成段落的文章", "他山之石一篇"])
    page = (mini / "print/xiaokan-2024-07-proof-2-changes.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)
    assert "信息来源：" in text and "<del>教务处</del><ins>评建办公室</ins>" in page
    assert "一、工作目标（格式：二级标题 → 段落）" in text
    assert "评建工作办公室（格式：段落 → 段落，右对齐）" in text
    assert "第一项（格式：列表项 → 段落）" in text
    assert "栏目：" in text and "位置：本期第" in text
    assert "第一篇新闻" not in page and "未改动的文章：3 篇" in page


def test_a_record_of_the_previous_version_is_compared_what_it_lacks_is_unknown_not_changed(mini, proofs_not_typeset):
    """The previous version kept each article's title and text lines only (print/.proofs/<issue>/N.json)."""
    from xiaokan.source.content import load_site

    slugs = {a.title: a.slug for a in load_site(mini, drafts=True).site.articles}
    lines = {"第一篇新闻": ["这是第一段，文字在这里换行。", "序号", "名称", "1", "甲学校", "2", "乙学校", "见第二篇。"],
             "第二篇动态": ["评建工作的正文。"], "草稿不应出现": ["秘密的草稿正文。"], "他山之石一篇": ["别处的经验。"]}
    write(mini, "print/.proofs/2024-07/1.json", json.dumps({"day": "2024年7月1日", "articles": {
        slugs[title]: {"title": title, "paragraphs": text} for title, text in lines.items()}}, ensure_ascii=False))
    first = mini / "content/2024-07/01-first.md"
    first.write_text(first.read_text(encoding="utf-8").replace("来源: 重庆市人民政府网", "来源: 市教委"), encoding="utf-8")
    result = proof(mini, "2024-07")
    assert "changes since the last proof: none" in result.stderr and DAMAGED not in result.stderr
    page = (mini / "print/xiaokan-2024-07-proof-2-changes.html").read_text(encoding="utf-8")
    assert "与第1次校样相比" in page and "没有改动" in page
    second = mini / "content/2024-07/02-second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("评建工作的正文", "评估评建工作的正文"), encoding="utf-8")
    write(mini, "print/.proofs/2024-07/2.json", (mini / "print/.proofs/2024-07/1.json").read_text(encoding="utf-8"))
    assert "changes since the last proof: 第二篇动态 (see" in proof(mini, "2024-07").stderr


def test_a_drafts_new_title_is_a_change_of_the_same_article_not_a_new_one(mini, proofs_not_typeset):
    """A draft's web address follows its title, so the proofs match articles by their file."""
    write(mini, "content/2024-07/05-report.md", "---\n标题: 评建任务报告\n栏目: 评建动态\n草稿: true\n---\n报告的正文。\n")
    proof(mini, "2024-07")
    write(mini, "content/2024-07/05-report.md", "---\n标题: 关于评建任务的报告\n栏目: 评建动态\n草稿: true\n---\n报告的正文。\n")
    result = proof(mini, "2024-07")
    assert "changes since the last proof: 关于评建任务的报告 (see" in result.stderr
    page = (mini / "print/xiaokan-2024-07-proof-2-changes.html").read_text(encoding="utf-8")
    assert "新增：" not in page and "删除：" not in page
    assert "<ins>关于</ins>" in page and "报告的正文" not in page   # (the title changed; the unchanged text is not listed)
