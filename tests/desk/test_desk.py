"""The editor's desk: drafts in the preview, the WeChat (公众号) export."""
from __future__ import annotations

import re
from pathlib import Path

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


def test_the_change_page_lists_what_changed_since_the_last_proof(mini):
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
    second = proof(mini, "2024-07")
    assert "学校召开评建工作推进会" in second.stderr   # the change list names the edited article
    assert run_build(mini, "build").code == 0
    assert "会议特别强调" in (mini / f"output/2024-07/{slug}/index.html").read_text(encoding="utf-8")
    with pdfplumber.open(mini / "print/xiaokan-2024-07.pdf") as pdf:
        assert "学校召开评建工作推进会" in "".join((p.extract_text() or "").replace("\u2060", "") for p in pdf.pages)
    post, _ = exported(mini, f"2024-07/{slug}")
    assert "会议特别强调" in post and "<style" not in post
