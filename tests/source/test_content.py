"""What an editor sees for the mistakes editors make: the file, the line, what to do; output/ untouched."""
from __future__ import annotations

import pytest

from helpers import run_build, snapshot, write

BAD = "content/2024-07/05-bad.md"

# (front matter + body, the line the error must point at, words the message must contain)
BROKEN_ARTICLES = {
    "section typo": ("---\n标题: 坏\n栏目: 新闻证策\n---\n正文\n", 3, ["新闻证策", "did you mean 新闻政策"]),
    "missing title": ("---\n栏目: 新闻政策\n---\n正文\n", 1, ["`标题` is missing", "标题:"]),
    "unclosed front matter": ("---\n标题: 坏\n栏目: 新闻政策\n正文\n", 1, ["never closed", "---"]),
    "no front matter": ("标题: 没有分隔线\n\n正文\n", 1, ["does not start with front matter"]),
    "unbalanced quote": ("---\n标题: \"坏\n栏目: 新闻政策\n---\n正文\n", 2, ["the quote mark \" that opens the value on this line is never closed"]),
    "impossible date": ("---\n标题: 坏\n栏目: 新闻政策\n日期: 2024-02-30\n---\n正文\n", 4, ["2024-02-30", "does not exist"]),
    "not a date": ("---\n标题: 坏\n栏目: 新闻政策\n日期: 下周一\n---\n正文\n", 4, ["下周一", "2024-06-16"]),
    "list as title": ("---\n标题: [甲, 乙]\n栏目: 新闻政策\n---\n正文\n", 2, ["`标题` must be a single line"]),
    "order not a number": ("---\n标题: 坏\n栏目: 新闻政策\n排序: 第一\n---\n正文\n", 4, ["whole number"]),
    "duplicate slug": ("---\n标题: 重复\n栏目: 新闻政策\nslug: first\n---\n正文\n", 1, ["same URL 'first'", "01-first.md"]),
    "non-ASCII slug": ("---\n标题: 坏\n栏目: 新闻政策\nslug: 中文\n---\n正文\n", 4, ["must be ASCII"]),
    "image outside the project": ("---\n标题: 坏\n栏目: 新闻政策\n---\n正文\n\n![图](../../../../etc/passwd)\n", 7,
                                  ["points outside the project"]),
    "absolute image path": ("---\n标题: 坏\n栏目: 新闻政策\n---\n![图](/etc/hosts)\n", 5, ["absolute path"]),
    "title as a group": ("---\n标题:\n  主标题: 坏\n栏目: 新闻政策\n---\n正文\n", 2, ["`标题` must be a single line of text, not a group"]),
    "section as a list": ("---\n标题: 坏\n栏目: [新闻政策]\n---\n正文\n", 3, ["`栏目` must be a single line of text, not a list"]),
    "a number as section": ("---\n标题: 坏\n栏目: 2024\n---\n正文\n", 3, ["栏目 '2024' is not a section"]),
    "author as a group": ("---\n标题: 坏\n栏目: 新闻政策\n作者:\n  姓名: 张三\n---\n正文\n", 4,
                          ["`作者` must be names separated by 、 or a list such as [甲, 乙], not a group"]),
    "source as a group": ("---\n标题: 坏\n栏目: 新闻政策\n来源: {网站: 教育部}\n---\n正文\n", 4,
                          ["`来源` must be a single line of text, not a group"]),
    "date as a list": ("---\n标题: 坏\n栏目: 新闻政策\n日期: [2024-07-01]\n---\n正文\n", 4, ["'[2024-07-01]' is not a date"]),
    "order as a list": ("---\n标题: 坏\n栏目: 新闻政策\n排序: [1]\n---\n正文\n", 4, ["`排序` must be a whole number, not '[1]'"]),
    "slug as a list": ("---\n标题: 坏\n栏目: 新闻政策\n地址: [bad]\n---\n正文\n", 4, ["`地址` must be a single line of text, not a list"]),
    "tags as a group": ("---\n标题: 坏\n栏目: 新闻政策\n标签:\n  甲: 乙\n---\n正文\n", 4, ["`标签` must be names separated by"]),
}


@pytest.mark.parametrize("case", list(BROKEN_ARTICLES))
def test_broken_article_is_reported_with_file_and_line_and_output_is_kept(mini, case):
    text, line, words = BROKEN_ARTICLES[case]
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    write(mini, BAD, text)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert f"{BAD}:{line}: " in result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr
    assert "output/ was left as it was" in result.stderr
    assert snapshot(mini / "output") == before


def test_every_problem_is_listed_at_once(mini):
    write(mini, "content/2024-07/05-a.md", "---\n标题: 甲\n栏目: 新闻证策\n---\n正文\n")
    write(mini, "content/2024-07/06-b.md", "---\n标题: 乙\n栏目: 新闻政策\n日期: 2024-13-01\n---\n正文\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "content/2024-07/05-a.md:3:" in result.stderr and "content/2024-07/06-b.md:4:" in result.stderr
    assert "2 problem(s)" in result.stderr


def test_gbk_file_is_refused_with_a_hint_to_save_as_utf8(mini):
    write(mini, BAD, "---\n标题: 编码\n栏目: 新闻政策\n---\n中文正文\n", encoding="gbk")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert f"{BAD}:2: the file is not UTF-8 text" in result.stderr
    assert "GBK" in result.stderr and "UTF-8" in result.stderr


@pytest.mark.parametrize("name,text,newline", [
    ("bom and crlf", "\ufeff---\n标题: 记事本文章\n栏目: 新闻政策\n---\n正文第一行\n第二行\n", "\r\n"),
    ("full-width colons", "---\n标题：记事本文章\n栏目：新闻政策\n---\n正文第一行\n第二行\n", "\n"),
    ("tabs", "---\n标题:\t记事本文章\n栏目: 新闻政策\n标签:\n\t- 甲\n---\n正文第一行\n第二行\n", "\n"),
    ("chinese date", "---\n标题: 记事本文章\n栏目: 新闻政策\n日期: 2024年7月5日\n---\n正文第一行\n第二行\n", "\n"),
])
def test_windows_habits_with_one_meaning_just_work(mini, name, text, newline):
    write(mini, "content/2024-07/05-notepad.md", text, newline=newline)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    page = (mini / "output/2024-07/notepad/index.html").read_text(encoding="utf-8")
    assert "<h1>记事本文章</h1>" in page
    assert "正文第一行第二行" in page   # a line wrap between Chinese characters is not a space


def test_unknown_key_warns_with_the_closest_key_and_builds(mini):
    write(mini, BAD, "---\n标题: 未知键\n栏目: 新闻政策\n作着: 王五\n---\n正文\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0
    assert f"{BAD}:4: warning: unknown front matter key `作着`" in result.stderr
    assert "did you mean `作者`?" in result.stderr


def test_missing_image_is_an_error_in_build_and_check_alike(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    write(mini, BAD, "---\n标题: 图\n栏目: 新闻政策\n---\n正文\n\n![说明](nothere.jpg)\n")
    built = run_build(mini, "build", "--no-pdf")
    assert built.code == 1
    assert f"{BAD}:7: image 'nothere.jpg' points to a file that does not exist" in built.stderr
    assert snapshot(mini / "output") == before
    checked = run_build(mini, "check")
    assert checked.code == 1
    assert f"{BAD}:7: image 'nothere.jpg' points to a file that does not exist" in checked.stderr


def test_check_finds_broken_link_between_articles(mini):
    write(mini, BAD, "---\n标题: 链接\n栏目: 新闻政策\n---\n见[另一篇](09-gone.md)。\n")
    result = run_build(mini, "check")
    assert result.code == 1
    assert f"{BAD}:5: link '09-gone.md' points to a file that does not exist" in result.stderr


def test_check_passes_on_good_content_without_writing_output(mini):
    result = run_build(mini, "check")
    assert result.code == 0, result.stderr
    assert "content is fine" in result.stderr
    assert not (mini / "output").exists()


@pytest.mark.parametrize("text,line,words", [
    ("title: 简报\nbase_url: https://x.cn/\ntitel: 简报\nsections:\n  - name: 甲\n    slug: a\n", 3,
     ["unknown setting `titel`", "did you mean `title`?"]),
    ("title: 简报\nbase_url: x.cn\nsections:\n  - name: 甲\n    slug: a\n", 2, ["must start with http"]),
    ("title: 简报\nbase_url: https://x.cn/\nsections:\n  - name: 甲\n    slug: 甲\n", None, ["slug"]),
])
def test_bad_site_yaml_names_the_line(mini, text, line, words):
    write(mini, "site.yaml", text)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert ("site.yaml:" + (f"{line}:" if line else "")) in result.stderr
    for word in words:
        assert word in result.stderr


def test_unknown_issue_for_pdf_command(mini):
    result = run_build(mini, "pdf", "2099-01")
    assert result.code == 1
    assert "there is no issue '2099-01'" in result.stderr


def test_missing_cover_image_names_the_issue_yaml_line(mini):
    write(mini, "content/2024-07/issue.yaml", (mini / "content/2024-07/issue.yaml").read_text(encoding="utf-8") + "封面: cover.jpg\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "content/2024-07/issue.yaml:7: cover image 'cover.jpg' is not a file" in result.stderr


def test_symlink_to_a_file_outside_the_project_is_not_published(mini, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    (mini / "content/2024-07/notes.txt").symlink_to(secret)
    result = run_build(mini, "build", "--no-pdf")   # nothing uses it: not published
    assert result.code == 0, result.stderr
    assert not (mini / "output/2024-07/notes.txt").exists()
    write(mini, "content/2024-07/05-notes.md", "---\n标题: 附件\n栏目: 新闻政策\n---\n见[附件](notes.txt)。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "content/2024-07/notes.txt: this file is a link (or lies in a linked folder) that leads to" in result.stderr
    assert "password" not in "".join(p.read_text(encoding="utf-8", errors="replace")
                                     for p in (mini / "output").rglob("*") if p.is_file())


@pytest.mark.parametrize("name,data,words", [
    ("empty file", b"", ["does not start with front matter"]),
    ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00garbage", ["not UTF-8"]),
    ("utf-16 file", "---\n标题: 甲\n栏目: 新闻政策\n---\n正文\n".encode("utf-16"), ["UTF-16 text, not UTF-8"]),
])
def test_files_that_are_not_articles_at_all(mini, name, data, words):
    (mini / BAD).write_bytes(data)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and BAD in result.stderr
    for word in words:
        assert word in result.stderr


@pytest.mark.parametrize("old,new,line,message", [
    ("标题: 2024年第2期", "标题: [2024年, 第2期]", 1, "`标题` must be a single line of text, not a list"),
    ("期号: 2", "期号: [2]", 2, "`期号` must be a whole number, not '[2]'"),
    ("日期: 2024-07-31", "日期: [2024-07-31]", 4, "date '[2024-07-31]' is not a date"),
    ("编辑: [张三]", "编辑: {主编: 张三}", 5, "`编辑` must be names separated by"),
    ("摘要: 测试用的一期。", "摘要:\n  - 测试用的一期。", 6, "`摘要` must be a single line of text, not a list"),
    ("摘要: 测试用的一期。", "摘要: 测试用的一期。\n主编:\n  姓名: 王五", 7, "`主编` must be a single line of text, not a group"),
    ("摘要: 测试用的一期。", "摘要: 测试用的一期。\n印数: [300份]", 7, "`印数` must be a whole number, not '[300份]'"),
])
def test_issue_yaml_values_of_the_wrong_kind_are_errors_at_their_line(mini, old, new, line, message):
    issue = mini / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert f"content/2024-07/issue.yaml:{line}: {message}" in result.stderr, result.stderr
    assert "['" not in result.stderr


def test_an_article_or_issue_dated_after_today_is_published_with_a_warning(mini):
    write(mini, BAD, "---\n标题: 未来\n栏目: 新闻政策\n日期: 2099-06-07\n---\n正文\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert f"{BAD}:4: warning: the date 2099-06-07 is later than today" in result.stderr
    issue = mini / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("日期: 2024-07-31", "日期: 2099-07-31"), encoding="utf-8")
    result = run_build(mini, "check")
    assert "content/2024-07/issue.yaml:4: warning: the date 2099-07-31 is later than today" in result.stderr
    assert "01-first.md" not in result.stderr   # (an article with its own, past date is not concerned)


def test_a_drafts_address_follows_its_title_and_a_published_address_never_changes(mini):
    from xiaokan.source.content import load_site

    def address(name: str) -> str:
        articles = load_site(mini, drafts=True).site.articles
        return next(a.url for a in articles if a.source.name == name)

    imported = write(mini, "content/2024-07/05-3-ping-jian-ren-wu-bao-gao.md",
                     "---\n标题: 3-评建任务报告\n栏目: 评建动态\n草稿: true\n---\n正文\n")
    assert address(imported.name) == "2024-07/3-ping-jian-ren-wu-bao-gao/"
    imported.write_text(imported.read_text(encoding="utf-8").replace("3-评建任务报告", "评建任务报告"), encoding="utf-8")
    assert address(imported.name) == "2024-07/ping-jian-ren-wu-bao-gao/"   # the draft follows its corrected title
    checked = run_build(mini, "check")
    assert "05-3-ping-jian-ren-wu-bao-gao.md: notice: while a draft, the address follows the title" in checked.stderr
    assert "write 地址: ping-jian-ren-wu-bao-gao" in checked.stderr
    imported.write_text(imported.read_text(encoding="utf-8").replace("草稿: true", "地址: ping-jian-ren-wu-bao-gao"),
                        encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert (mini / "output/2024-07/ping-jian-ren-wu-bao-gao/index.html").is_file()
    # A published article's title is corrected: its address (and a printed QR code) stays.
    first = mini / "content/2024-07/01-first.md"
    first.write_text(first.read_text(encoding="utf-8").replace("第一篇新闻", "第一篇新闻（更正）"), encoding="utf-8")
    assert address("01-first.md") == "2024-07/first/"
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "第一篇新闻（更正）" in (mini / "output/2024-07/first/index.html").read_text(encoding="utf-8")


def test_no_address_is_a_name_windows_keeps_for_a_device(mini):
    """(An article titled CON was published at 2024-07/con/: Windows can neither make that folder nor
    unzip it, so a copy of the site on the editors' PCs lost the page.)"""
    from xiaokan.source.content import load_site

    write(mini, "content/2024-07/05-con.md", "---\n标题: CON\n栏目: 新闻政策\n草稿: true\n---\n正文\n")
    write(mini, "content/2024-07/06-lpt1.md", "---\n标题: 打印机\n栏目: 新闻政策\n标签: [COM1, Nul.txt]\n---\n正文\n")
    write(mini, "content/2024-07/07-aux-txt.md", "---\n标题: aux.txt\n栏目: 新闻政策\n草稿: true\n---\n正文\n")
    urls = {a.source.name: a.url for a in load_site(mini, drafts=True).site.articles}
    assert urls["05-con.md"] == "2024-07/con-1/"           # a draft's address, from its title
    assert urls["06-lpt1.md"] == "2024-07/lpt1-1/"         # a published address, from its file name
    assert urls["07-aux-txt.md"] == "2024-07/aux-txt/"     # (no dot left: Windows makes aux-txt)
    assert run_build(mini, "build", "--no-pdf").code == 0
    tags = {p.name for p in (mini / "output/tags").iterdir()}
    assert "com1-1" in tags and "com1" not in tags and "nul-txt" in tags
    written = write(mini, "content/2024-07/08-aux.md", "---\n标题: 辅助\n栏目: 新闻政策\n地址: Aux\n---\n正文\n")
    assert run_build(mini, "check").code == 1   # (Aux is not a-z: the existing refusal)
    written.write_text(written.read_text(encoding="utf-8").replace("地址: Aux", "地址: aux"), encoding="utf-8")
    checked = run_build(mini, "check")
    assert checked.code == 0, checked.stderr
    assert "08-aux.md:4: warning: the address aux/ is a name Windows keeps for a device" in checked.stderr
    assert "地址: aux-1" in checked.stderr

