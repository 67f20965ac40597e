"""A whole build of the tiny fixture site: the pages a reader gets."""
from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image

from helpers import run_build, snapshot, write

ATOM = "{http://www.w3.org/2005/Atom}"


def built(mini: Path) -> Path:
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    return mini / "output"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_article_page_shows_everything_about_the_article(mini):
    page = read(built(mini) / "2024-07/first/index.html")
    assert '<html lang="zh-CN">' in page
    assert "<title>第一篇新闻 - 测试简报</title>" in page
    assert "<h1>第一篇新闻</h1>" in page and "「新闻政策」" in page
    assert '<time datetime="2024-07-01">2024年7月1日</time>' in page and "作者：李四" in page
    assert '<p class="source-line">信息来源：重庆市人民政府网</p>' in page
    assert '<link rel="canonical" href="https://news.example.edu.cn/kan/2024-07/first/">' in page
    assert '<meta property="og:title" content="第一篇新闻">' in page
    assert re.search(r'<meta name="description" content="这是第一段，文字在这里换行。', page)
    # breadcrumbs: home › issue › section
    assert re.search(r'首页</a> › <a href="[^"]*2024-07/index.html">2024年第2期</a> › <a href="[^"]*sections/news/index.html">新闻政策', page)
    # the link to another article's .md file goes to that article's page
    assert '见<a href="../../2024-07/second/index.html">第二篇</a>' in page
    assert 'href="../../tags/zhi-ye-ben-ke/index.html">职业本科</a>' in page


def test_issue_page_lists_articles_by_section_in_site_order(mini):
    page = read(built(mini) / "2024-07/index.html")
    assert "第2期 · 总第2期" in page
    positions = [page.index(name) for name in ("「新闻政策」", "第一篇新闻", "「评建动态」", "第二篇动态", "「他山之石」", "他山之石一篇")]
    assert positions == sorted(positions)


def test_prev_next_follow_the_reading_order(mini):
    out = built(mini)
    second = read(out / "2024-07/second/index.html")
    assert re.search(r'rel="prev" href="[^"]*first/index.html"><span>上一篇</span>第一篇新闻', second)
    assert re.search(r'rel="next" href="[^"]*other/index.html"><span>下一篇</span>他山之石一篇', second)


def test_drafts_appear_nowhere(mini):
    out = built(mini)
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".xml", ".txt"}:
            text = read(path)
            assert "草稿不应出现" not in text and "秘密的草稿正文" not in text, path


def test_every_url_is_ascii_and_every_page_has_title_and_description(mini):
    out = built(mini)
    for path in out.rglob("*.html"):
        rel = path.relative_to(out).as_posix()
        assert rel.isascii(), rel
        text = read(path)
        assert re.search(r"<title>[^<]+</title>", text), rel
        assert re.search(r'<meta name="description" content="[^"]+">', text), rel


def test_home_section_tag_and_archive_pages(mini):
    out = built(mini)
    home = read(out / "index.html")
    assert "2024年第2期" in home and "第一篇新闻" in home and "第二篇动态" in home
    assert "第一篇新闻" in read(out / "sections/news/index.html")
    assert "第二篇动态" not in read(out / "sections/news/index.html")
    assert "第一篇新闻" in read(out / "tags/zhi-ye-ben-ke/index.html")
    assert "2024年第2期" in read(out / "issues/index.html")
    assert "404" in read(out / "404.html") or "找不到" in read(out / "404.html")


def test_section_pages_are_paginated(mini):
    write(mini, "site.yaml", read(mini / "site.yaml") + "per_page: 2\n")
    for n in range(5):
        write(mini, f"content/2024-07/1{n}-extra-{n}.md", f"---\n标题: 额外{n}\n栏目: 新闻政策\n---\n正文\n")
    out = built(mini)
    assert (out / "sections/news/page/3/index.html").is_file()
    assert not (out / "sections/news/page/4/index.html").exists()
    assert "page/2/index.html" in read(out / "sections/news/index.html")


def test_feed_sitemap_and_robots_parse_and_point_at_base_url(mini):
    out = built(mini)
    feed = ET.parse(out / "feed.xml").getroot()
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert set(titles) == {"第一篇新闻", "第二篇动态", "他山之石一篇"}
    assert feed.findtext(f"{ATOM}updated") == "2024-07-03T00:00:00Z"
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert "https://news.example.edu.cn/kan/2024-07/first/" in locs
    assert all(loc.startswith("https://news.example.edu.cn/kan/") for loc in locs)
    assert "Sitemap: https://news.example.edu.cn/kan/sitemap.xml" in read(out / "robots.txt")


def test_titles_are_escaped_in_html_attributes_and_feed(mini):
    write(mini, "content/2024-07/05-xss.md",
          "---\n标题: '<script>alert(\"x\")</script> & \"引号\"'\n栏目: 新闻政策\n---\n正文\n")
    out = built(mini)
    page = read(out / "2024-07/xss/index.html")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(" in page
    feed = ET.parse(out / "feed.xml").getroot()   # still well-formed XML
    assert any("<script>" in (e.findtext(f"{ATOM}title") or "") for e in feed.iter(f"{ATOM}entry"))


def test_images_beside_an_article_are_published(mini):
    Image.new("RGB", (40, 30), (200, 0, 0)).save(mini / "content/2024-07/photo.png")
    write(mini, "content/2024-07/05-photo.md", "---\n标题: 图片\n栏目: 新闻政策\n---\n![实训室](photo.png \"学校供图\")\n")
    out = built(mini)
    assert (out / "2024-07/photo.png").read_bytes() == (mini / "content/2024-07/photo.png").read_bytes()
    assert '<img alt="实训室" decoding="async" height="30" loading="lazy" src="../../2024-07/photo.png" width="40">' \
        in read(out / "2024-07/photo/index.html")
    assert not (out / "2024-07/05-photo.md").exists()


def test_rebuild_is_byte_identical(mini):
    first = snapshot(built(mini))
    assert snapshot(built(mini)) == first


def test_template_error_names_the_template_and_keeps_output(mini):
    out = built(mini)
    before = snapshot(out)
    write(mini, "templates/article.html", read(mini / "templates/article.html").replace("<h1>{{ a.title }}</h1>", "<h1>{{ a.titel }}</h1>"))
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "templates/article.html:" in result.stderr and "titel" in result.stderr
    assert snapshot(out) == before


def test_build_that_fails_midway_leaves_output_untouched(mini, monkeypatch):
    out = built(mini)
    before = snapshot(out)
    import xiaokan.publish.output

    write(mini, "content/2024-07/02-second.md", read(mini / "content/2024-07/02-second.md").replace("正文", "新正文"))
    real = xiaokan.publish.output._swap
    monkeypatch.setattr(xiaokan.publish.output, "_swap", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    result = run_build(mini, "build", "--no-pdf")
    monkeypatch.setattr(xiaokan.publish.output, "_swap", real)
    assert result.code == 130
    assert snapshot(out) == before
    assert not list(mini.glob(".output*")), "the half-built temporary folder is removed"


def test_small_change_interrupted_while_committing_is_rolled_back(mini, monkeypatch):
    out = built(mini)
    before = snapshot(out)
    import xiaokan.publish.output

    monkeypatch.setattr(xiaokan.publish.output, "SMALL_CHANGE", 1.0)   # take the in-place path
    write(mini, "content/2024-07/05-new.md", "---\n标题: 新文章\n栏目: 新闻政策\n---\n正文\n")
    real_replace, calls = xiaokan.publish.output.os.replace, []

    def failing_replace(a, b):
        calls.append(a)
        if len(calls) == 4:
            raise KeyboardInterrupt
        real_replace(a, b)
    monkeypatch.setattr(xiaokan.publish.output.os, "replace", failing_replace)
    result = run_build(mini, "build", "--no-pdf")
    monkeypatch.setattr(xiaokan.publish.output.os, "replace", real_replace)
    assert result.code == 130
    assert snapshot(out) == before
    assert not (out / "2024-07/new").exists()
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "新文章" in read(out / "2024-07/new/index.html")


def test_two_builds_at_once_do_not_corrupt_output(mini):
    results = []
    threads = [threading.Thread(target=lambda: results.append(run_build(mini, "build", "--no-pdf"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.code for r in results] == [0, 0]
    assert snapshot(mini / "output") == snapshot(built(mini))


def test_pdf_of_an_issue_with_only_drafts_says_there_is_nothing_to_print(mini):
    write(mini, "content/2024-08/issue.yaml", "标题: 2024年第3期\n期号: 3\n日期: 2024-08-31\n")
    write(mini, "content/2024-08/01-next.md", "---\n标题: 下期文章\n栏目: 新闻政策\n草稿: 是\n---\n正文。\n")
    write(mini, "content/2024-09/issue.yaml", "标题: 2024年第4期\n期号: 4\n日期: 2024-09-30\n草稿: 是\n")
    write(mini, "content/2024-09/01-later.md", "---\n标题: 再下期\n栏目: 新闻政策\n---\n正文。\n")
    for issue in ("2024-08", "2024-09"):
        result = run_build(mini, "pdf", issue)
        assert result.code == 1
        assert f"issue {issue} has no published article yet (only drafts, or none), so it has no PDF" in result.stderr
        assert f".venv/bin/python build.py pdf {issue} --proof" in result.stderr
        assert not list(mini.glob(f"print/*{issue}*"))


def test_pdf_of_an_unknown_issue_suggests_the_closest(mini):
    result = run_build(mini, "pdf", "2024-7")
    assert result.code == 1
    assert "there is no issue '2024-7'" in result.stderr and "did you mean 2024-07?" in result.stderr


def test_a_rebuild_with_nothing_changed_repeats_warnings_and_notices_as_they_were(mini):
    write(mini, "content/2024-07/05-typo.md", "---\n标题: 拼错\n栏目: 新闻政策\n作着: 王五\n---\n正文。\n")
    first = run_build(mini, "build", "--no-pdf")
    again = run_build(mini, "build", "--no-pdf")   # (nothing changed: the last report is repeated)
    for result in (first, again):
        assert "site.yaml:3: notice: the PDF has no QR codes" in result.stderr
        assert "05-typo.md:4: warning: unknown front matter key" in result.stderr


def test_quiet_prints_warnings_and_errors_but_no_notices_or_progress(mini):
    """README: -q prints only warnings and errors. A notice (提示: nothing wrong, something to know) is
    left out with the progress lines; a warning stays, in check and in build."""
    write(mini, "content/2024-07/unused.txt", "附件")
    write(mini, "content/2024-07/05-empty.md", "---\n标题: 空\n栏目: 新闻政策\n---\n")
    warning = "05-empty.md:5: warning: the article has no text after the front matter"
    loud = run_build(mini, "check")
    assert warning in loud.stderr and "unused.txt: notice: nothing uses this file" in loud.stderr
    assert "content is fine" in loud.stderr
    quiet = run_build(mini, "check", "-q")
    assert quiet.code == 0 and quiet.stderr.strip().splitlines() == [f"{mini}/content/2024-07/{warning}"]
    quiet = run_build(mini, "build", "--no-pdf", "-q")
    assert quiet.code == 0 and quiet.stderr.strip().splitlines() == [f"{mini}/content/2024-07/{warning}"]
    assert (mini / "output/2024-07/empty/index.html").is_file()


def test_the_first_build_does_not_speak_of_files_left_unchanged(mini):
    """(A first build said 「写出 76 个文件，其余没有变化」: there was nothing before it to leave unchanged.)"""
    first = run_build(mini, "build", "--no-pdf")
    assert first.code == 0 and "built 1 issue(s)" in first.stderr and "unchanged" not in first.stderr
    write(mini, "content/2024-07/01-first.md", (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8") + "\n又一段。\n")
    again = run_build(mini, "build", "--no-pdf")
    assert again.code == 0 and re.search(r"\(\d+ file\(s\) written, the rest unchanged\)", again.stderr)
