"""The 公众号版 export: its photos are online before they are pasted, its caption and credit stay apart,
and each article has a file of its own that no link can redirect."""
from __future__ import annotations

import re
from pathlib import Path

from helpers import add_article, run_build, write

LANGUAGE = "en"   # (the messages are asserted through their English ids)


def export(site: Path, which: str):
    result = run_build(site, "wechat", which)
    assert result.code == 0, result.stderr
    return site / result.stderr.strip().splitlines()[-1], result.stderr


def test_photos_that_are_not_online_are_named_before_the_post_is_pasted(mini):
    add_article(mini)   # (its photo is photo.png; mini's base_url is the placeholder news.example.edu.cn)
    path, said = export(mini, "2024-07/tuijinhui")
    assert re.search(r"warning: the post's 1 photo\(s\) \(photo\.png\) load from base_url https://news\.example\.edu\.cn/kan/, "
                     r"a placeholder", said), said
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8").replace("news.example.edu.cn", "news.cqjd.edu.cn"))
    _, said = export(mini, "2024-07/tuijinhui")
    assert "photo.png) are copied by WeChat from https://news.cqjd.edu.cn/kan/: deploy the site" in said
    article = mini / "content/2024-07/05-tuijinhui.md"
    article.write_text(article.read_text(encoding="utf-8").replace("作者: 王五", "作者: 王五\n草稿: true"), encoding="utf-8")
    _, said = export(mini, "content/2024-07/05-tuijinhui.md")
    assert "photo.png) are not online while the article is a draft" in said
    _, said = export(mini, "2024-07/first")   # (no photo: nothing to say)
    assert "warning" not in said


def test_the_preview_shows_the_photos_from_its_own_server(mini):
    from xiaokan.bodies import convert_articles
    from xiaokan.desk.wechat import export as wechat_export
    from xiaokan.desk.wechat import find_article, theme
    from xiaokan.source.content import load_site

    add_article(mini)
    site = load_site(mini).site
    article = find_article(site, mini, "2024-07/tuijinhui")
    body = convert_articles(site)[article.url]
    post = wechat_export(site, article, body, theme(mini), photos_from="/")
    # shown from the preview's own server; copied into WeChat with the web address it will fetch
    assert 'src="https://news.example.edu.cn/kan/2024-07/photo.png" srcset="/2024-07/photo.png"' in post.html
    assert "阅读原文：https://news.example.edu.cn/kan/2024-07/tuijinhui/" in post.html   # (the links stay the site's)


def test_the_caption_and_the_credit_are_set_apart(mini):
    add_article(mini)
    path, _ = export(mini, "2024-07/tuijinhui")
    text = re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))
    assert "会议现场　学校供图" in text and "会议现场学校供图" not in text


def test_two_articles_never_share_an_export_file(mini):
    write(mini, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(mini, "content/2024-06/01-a-b.md", "---\n标题: 甲\n栏目: 新闻政策\n---\n甲的正文。\n")
    write(mini, "content/2024-06-a/issue.yaml", "标题: 2024年增刊\n期号: 9\n日期: 2024-06-20\n")
    write(mini, "content/2024-06-a/01-b.md", "---\n标题: 乙\n栏目: 新闻政策\n---\n乙的正文。\n")
    first, _ = export(mini, "2024-06/a-b")
    second, _ = export(mini, "2024-06-a/b")
    assert first != second
    assert "甲的正文" in first.read_text(encoding="utf-8") and "乙的正文" in second.read_text(encoding="utf-8")


def test_a_link_at_the_export_path_is_replaced_never_written_through(mini, tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_text("someone else's file", encoding="utf-8")
    first, _ = export(mini, "2024-07/first")
    first.unlink()
    first.symlink_to(outside)
    again, _ = export(mini, "2024-07/first")
    assert again == first and not first.is_symlink() and "第一篇新闻" in first.read_text(encoding="utf-8")
    assert outside.read_text(encoding="utf-8") == "someone else's file"


def test_a_linked_wechat_folder_is_refused(mini, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (mini / "wechat").symlink_to(elsewhere)
    result = run_build(mini, "wechat", "2024-07/first")
    assert result.code == 1 and "wechat" in result.stderr and "Traceback" not in result.stderr
    assert list(elsewhere.iterdir()) == []


def test_the_photographer_is_named_beside_the_author(mini):
    add_article(mini)
    article = mini / "content/2024-07/05-tuijinhui.md"
    article.write_text(article.read_text(encoding="utf-8").replace("作者: 王五", "作者: 王五\n摄影: 李明"), encoding="utf-8")
    path, _ = export(mini, "2024-07/tuijinhui")
    lines = re.findall(r"<p[^>]*>([^<]*)</p>", path.read_text(encoding="utf-8"))   # (classes become inline styles)
    assert any(line.endswith("作者：王五　摄影：李明") for line in lines), lines[:4]


def test_the_post_file_is_written_as_any_saved_file_is(mini):
    """Not 0600 as tempfile.mkstemp makes a file: the post is opened in a browser, or served to a colleague."""
    import os

    old = os.umask(0o022)
    try:
        path, _said = export(mini, "2024-07/first")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644


def test_a_wechat_css_that_links_out_of_templates_is_refused(mini, tmp_path):
    (tmp_path / "elsewhere.css").write_text("body { color: red }", encoding="utf-8")
    (mini / "templates/wechat.css").unlink()
    (mini / "templates/wechat.css").symlink_to(tmp_path / "elsewhere.css")
    result = run_build(mini, "wechat", "2024-07/first")
    assert result.code == 1 and "templates/wechat.css: this file is a link" in result.stderr, result.stderr
    assert not (mini / "wechat").exists() or not any((mini / "wechat").rglob("*.html"))
