"""`build.py new` and `build.py new-issue`: files an editor can start writing in."""
from __future__ import annotations

from helpers import run_build


def test_new_article_has_complete_front_matter_and_builds(mini, capsys):
    result = run_build(mini, "new", "--section", "他山之石", "--issue", "2024-07", "浙江某学院：聚焦“双师型”教师培养")
    assert result.code == 0, result.stderr
    path = mini / "content/2024-07/05-zhe-jiang-mou-xue-yuan-ju-jiao-shuang-shi-xing.md"
    assert result.stderr.strip().endswith(path.name)
    text = path.read_text(encoding="utf-8")
    # dated like its issue (2024-07-31 in its issue.yaml), not today: the editor may be catching up on an old issue
    for line in ("标题: 浙江某学院：聚焦“双师型”教师培养", "栏目: 他山之石", "日期: 2024-07-31",
                 "排序: 3", "草稿: true"):   # (after 他山之石 of 2024-07: one article and one draft)
        assert line in text
    assert run_build(mini, "build", "--no-pdf").code == 0
    index = (mini / "output/2024-07/index.html").read_text(encoding="utf-8")
    assert "浙江某学院：聚焦“双师型”教师培养" not in index   # a new article is a draft, as in Hugo
    path.write_text(text.replace("草稿: true", "草稿: false"), encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "浙江某学院：聚焦“双师型”教师培养" in (mini / "output/2024-07/index.html").read_text(encoding="utf-8")


def test_new_article_with_a_colon_in_the_title_is_quoted(mini):
    assert run_build(mini, "new", "--section", "新闻政策", "--issue", "2024-07", "OBE: 一次培训").code == 0
    new = mini / "content/2024-07/05-obe-yi-ci-pei-xun.md"
    new.write_text(new.read_text(encoding="utf-8").replace("草稿: true", "草稿: false"), encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "<h1>OBE: 一次培训</h1>" in (mini / "output/2024-07/obe-yi-ci-pei-xun/index.html").read_text(encoding="utf-8")


def test_new_article_refuses_unknown_section_and_issue(mini):
    wrong_section = run_build(mini, "new", "--section", "评建动太", "--issue", "2024-07", "标题")
    assert wrong_section.code == 1 and "did you mean 评建动态?" in wrong_section.stderr
    wrong_issue = run_build(mini, "new", "--section", "评建动态", "--issue", "2099-01", "标题")
    assert wrong_issue.code == 1 and "python build.py new-issue 2099-01" in wrong_issue.stderr


def test_new_issue_is_numbered_after_the_existing_ones(mini):
    result = run_build(mini, "new-issue", "2024-08")
    assert result.code == 0, result.stderr
    text = (mini / "content/2024-08/issue.yaml").read_text(encoding="utf-8")
    assert "标题: 2024年第3期" in text and "期号: 3" in text and "总期号: 3" in text
    assert "日期: 2024-08-01" in text   # from its ID, not today's date
    assert run_build(mini, "new-issue", "2024-08").code == 1          # exists already
    assert run_build(mini, "new-issue", "2024/09").code == 1          # not a folder name
    built = run_build(mini, "build", "--no-pdf")
    assert built.code == 0
    # an issue without articles yet is not the new front page
    assert "content/2024-08/issue.yaml: warning: this issue has no published articles yet" in built.stderr
    assert "2024年第2期" in (mini / "output/index.html").read_text(encoding="utf-8")
