"""`build.py check`: one verdict, every problem at once (drafts too), warnings and notices counted apart."""
from __future__ import annotations

import re

from helpers import run_build, running_server, snapshot, write

LANGUAGE = "en"
DRAFT = "content/2024-07/03-draft.md"


def test_every_problem_of_every_article_is_listed_in_one_pass_by_check_and_build(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    write(mini, "content/2024-07/05-table.md",
          "---\n标题: 表格\n栏目: 新闻政策\n---\n正文。\n\n{{< 表格 文件=\"名单.csv\" >}}\n\n![会场](huichang.jpg)\n")
    write(mini, "content/2024-07/06-photo.md", "---\n标题: 照片\n栏目: 评建动态\n---\n正文。\n\n![会场](zhaopian.jpg)\n")
    write(mini, "content/2024-07/07-section.md", "---\n标题: 栏目\n栏目: 他山之实\n---\n见[表格](05-table.md)。\n")
    write(mini, "content/2024-07/08-link.md", "---\n标题: 链接\n栏目: 他山之石\n---\n见[栏目](07-section.md)。\n")
    expected = [
        "content/2024-07/05-table.md:7: data file '名单.csv' does not exist",
        "content/2024-07/05-table.md:9: image 'huichang.jpg' points to a file that does not exist",
        "content/2024-07/06-photo.md:7: image 'zhaopian.jpg' points to a file that does not exist",
        "content/2024-07/07-section.md:3: 栏目 '他山之实' is not a section of this site",
    ]
    for command in (("check",), ("build", "--no-pdf")):
        result = run_build(mini, *command)
        assert result.code == 1
        for line in expected:
            assert line in result.stderr, (command, result.stderr)
        assert "4 problem(s)" in result.stderr   # (the link to 07-section.md, whose own problem is listed, is not a fifth)
    assert snapshot(mini / "output") == before


def test_check_checks_drafts_and_says_which_problems_are_in_drafts(mini):
    draft = mini / DRAFT
    text = draft.read_text(encoding="utf-8").replace("section: 他山之石", "section: 他山之实") + "\n![照片](missing.jpg)\n"
    draft.write_text(text, encoding="utf-8")
    photo_line = text.split("\n").index("![照片](missing.jpg)") + 1
    result = run_build(mini, "check")
    assert result.code == 1
    assert f"error (draft): {mini / DRAFT}:3: 栏目 '他山之实' is not a section of this site" in result.stderr \
        or f"error (draft): {DRAFT}:3: 栏目 '他山之实'" in result.stderr, result.stderr
    assert "did you mean 他山之石?" in result.stderr
    assert "1 problem(s) found, 1 of them in drafts" in result.stderr
    draft.write_text(draft.read_text(encoding="utf-8").replace("他山之实", "他山之石"), encoding="utf-8")
    result = run_build(mini, "check")
    assert result.code == 1
    assert f"{DRAFT}:{photo_line}: image 'missing.jpg' points to a file that does not exist" in result.stderr
    assert "1 of them in drafts" in result.stderr
    assert run_build(mini, "build", "--no-pdf").code == 0   # a draft's problem does not stop publishing the rest


def test_a_link_from_a_published_article_to_a_draft_is_still_an_error(mini):
    write(mini, "content/2024-07/05-link.md", "---\n标题: 链接\n栏目: 新闻政策\n---\n见[草稿](03-draft.md)。\n")
    result = run_build(mini, "check")
    assert result.code == 1
    assert "05-link.md:5: link '03-draft.md' is to an article that is not published (a draft)" in result.stderr
    assert "0 of them in drafts" not in result.stderr and "error (draft)" not in result.stderr


def test_files_used_by_drafts_are_not_unused(mini):
    write(mini, "content/2024-07/draft-photo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    write(mini, "content/2024-07/draft-data.csv", "年度,数量\n2024年,3\n")
    write(mini, "content/2024-07/left-over.pdf", "%PDF-1.4\n")
    draft = mini / DRAFT
    draft.write_text(draft.read_text(encoding="utf-8") + "\n![照片](draft-photo.svg)\n\n{{< 表格 文件=\"draft-data.csv\" >}}\n",
                     encoding="utf-8")
    result = run_build(mini, "check")
    assert result.code == 0, result.stderr
    assert "left-over.pdf: notice: nothing uses this file" in result.stderr
    assert "draft-photo.svg" not in result.stderr and "draft-data.csv" not in result.stderr


def test_check_counts_warnings_and_notices_apart(mini):
    write(mini, "content/2024-07/unused-1.pdf", "%PDF-1.4\n")
    write(mini, "content/2024-07/unused-2.pdf", "%PDF-1.4\n")
    write(mini, "content/2024-07/05-typo.md", "---\n标题: 拼错\n栏目: 新闻政策\n作着: 王五\n---\n正文。\n")
    result = run_build(mini, "check")
    assert result.code == 0, result.stderr
    assert "content is fine (1 warning(s), 3 notice(s))" in result.stderr   # (the third: no QR codes yet)


def test_check_flags_a_first_level_heading_in_an_article_body(mini):
    write(mini, "content/2024-07/05-h1.md",
          "---\n标题: 标题\n栏目: 新闻政策\n---\n#评建进行时# 学校召开推进会。\n\n# 会议内容\n\n正文。\n\n## 小标题\n")
    result = run_build(mini, "check")
    assert result.code == 0, result.stderr
    assert "05-h1.md:7: warning: a first-level heading (# …) in the text" in result.stderr
    assert "05-h1.md:5:" not in result.stderr and "05-h1.md:11:" not in result.stderr
    built = run_build(mini, "build", "--no-pdf")
    assert "05-h1.md:7: warning: a first-level heading" in built.stderr   # (the same verdict in build)
    page = (mini / "output/2024-07/h1/index.html").read_text(encoding="utf-8")
    assert "<p>#评建进行时# 学校召开推进会。</p>" in page


def test_the_preview_and_check_ask_for_the_imprint_of_the_same_issues_not_of_one_of_drafts_only(mini):
    """(The preview warned 版记 lacks 印数 for an issue of drafts only, which check, like build, leaves out:
    nothing of it is printed.) Both name the 版记 of the issue that is published, and only it."""
    with (mini / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("print:\n  internal_notice: 内部资料\n")
    assert run_build(mini, "new-issue", "2024-08").code == 0
    assert run_build(mini, "new", "--section", "评建动态", "--issue", "2024-08", "还在写的稿子").code == 0
    lacking = re.compile(r"content/(\d{4}-\d{2})/issue\.yaml:\d+: warning: the issue is printed as 内部资料 but its 版记 lacks")
    checked = run_build(mini, "check")
    assert set(lacking.findall(checked.stderr)) == {"2024-07"}, checked.stderr
    with running_server(mini):
        said = (mini.parent / "serve.log").read_text(encoding="utf-8")   # (the first build's warnings come before the address)
    assert set(lacking.findall(said)) == {"2024-07"}, said
