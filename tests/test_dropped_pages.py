"""Pages the live site would lose: every way a page the last build published goes (an article made a
draft, deleted, moved or given a new address, an issue emptied, made a draft or its folder renamed) is
said by the build, the desk's 生成网站 and every deploy dry run, in the editor's words: how many pages,
which articles by title and issue, and what to do if it was not meant (publish/gone.py)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import FIXTURES, copy_site, run_build
from xiaokan.builder import BuildOptions, build
from xiaokan.publish.output import PREVIEW_DIR

AUGUST = "content/2024-08"
IF_NOT_MEANT = "如果不是有意的：把文章改回非草稿（草稿: 否）"


@pytest.fixture
def two_issues(tmp_path) -> Path:
    """The mini site with a second issue, 2024-08, of one published article, built (without PDFs)."""
    site = copy_site(FIXTURES / "mini", tmp_path / "site")
    (site / AUGUST).mkdir()
    (site / AUGUST / "issue.yaml").write_text("标题: 2024年第3期\n期号: 3\n总期号: 3\n日期: 2024-08-31\n", encoding="utf-8")
    (site / AUGUST / "01-a.md").write_text("---\n标题: 八月的新闻\n栏目: 新闻政策\n---\n正文。\n", encoding="utf-8")
    built = run_build(site, "build", "--no-pdf")
    assert built.code == 0, built.stderr
    assert (site / "output/2024-08/a/index.html").is_file()
    return site


def make_draft(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("栏目:", "草稿: true\n栏目:", 1), encoding="utf-8")


def dropped_warning(stderr: str) -> str:
    [line] = [line for line in stderr.splitlines() if "这次不再发布" in line]
    return line


def test_the_desk_preview_between_two_builds_does_not_hide_an_issue_that_goes(two_issues):
    """The walk: the only published article of 2024-08 was 退回 in the desk, whose preview built it (with
    drafts, into its own folder) at once; `build` then said only that the issue has no published article
    ("首页仍显示上一期") and the next deploy deleted the whole issue from the live site without a word:
    the preview's build had replaced the record of what output/ published."""
    site = two_issues
    make_draft(site / AUGUST / "01-a.md")
    build(site, BuildOptions(pdf=False, stale_pdf=True, drafts=True, out_dir=site / PREVIEW_DIR), lambda msg: None)
    result = run_build(site, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert not (site / "output/2024-08").exists()
    warning = dropped_warning(result.stderr)
    assert "output：警告：上一次生成网站时发布的 2 个网页或 PDF 这次不再发布，其中有 1 篇文章：《八月的新闻》（2024年第3期）" in warning
    assert "下次发布（deploy）会把它们从线上网站删掉" in warning and IF_NOT_MEANT in warning
    [issue] = [line for line in result.stderr.splitlines() if "content/2024-08/issue.yaml" in line]
    assert "这一期已经没有已发布的文章，所以不再发布" in issue and "下次发布（deploy）会把它们从线上网站删掉" in issue
    assert "首页仍显示上一期" not in result.stderr


def _draft_article(site: Path) -> None:
    make_draft(site / AUGUST / "01-a.md")


def _delete_article(site: Path) -> None:
    (site / AUGUST / "01-a.md").unlink()


def _move_article(site: Path) -> None:
    shutil.move(site / AUGUST / "01-a.md", site / "content/2024-07/05-a.md")


def _new_address(site: Path) -> None:
    path = site / AUGUST / "01-a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("栏目:", "地址: bayue\n栏目:", 1), encoding="utf-8")


def _issue_made_draft(site: Path) -> None:
    path = site / AUGUST / "issue.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "草稿: true\n", encoding="utf-8")


def _issue_renamed(site: Path) -> None:
    (site / AUGUST).rename(site / "content/2024-09")


@pytest.mark.parametrize("change, pages", [
    (_draft_article, 2), (_delete_article, 2), (_move_article, 2), (_new_address, 1), (_issue_made_draft, 2),
    (_issue_renamed, 2)])
def test_every_way_an_article_page_goes_is_said_by_title_and_issue(two_issues, change, pages):
    site = two_issues
    change(site)
    result = run_build(site, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert not (site / "output/2024-08/a/index.html").exists()
    warning = dropped_warning(result.stderr)
    assert f"上一次生成网站时发布的 {pages} 个网页或 PDF 这次不再发布，其中有 1 篇文章：《八月的新闻》（2024年第3期）" in warning
    assert IF_NOT_MEANT in warning
    assert "这次不再发布" not in run_build(site, "build", "--no-pdf").stderr   # (said once, by the build that dropped it)


def test_a_deploy_dry_run_names_the_articles_it_deletes_from_the_live_site(two_issues, tmp_path):
    """Said by the build or not (a second build has nothing to do and says nothing of it), the dry run
    of the deploy that deletes them from the live site names them too."""
    site, live = two_issues, tmp_path / "live"
    assert run_build(site, "deploy", "--target", str(live)).code == 0
    make_draft(site / AUGUST / "01-a.md")
    assert run_build(site, "build", "--no-pdf").code == 0
    assert run_build(site, "build", "--no-pdf").code == 0
    dry = run_build(site, "deploy", "--dry-run", "--target", str(live))
    assert dry.code == 0, dry.stderr
    [warning] = [line for line in dry.stderr.splitlines() if "从线上网站删掉" in line]
    assert "这次发布（deploy）会从线上网站删掉 2 个网页或 PDF，其中有 1 篇文章：《八月的新闻》（2024年第3期）" in warning
    assert IF_NOT_MEANT in warning


def test_the_desk_dry_run_of_publishing_names_the_articles_it_deletes(two_issues, tmp_path):
    from xiaokan.desk.editorial import publishing
    from xiaokan.desk.editorial.tasks import Job

    site, live = two_issues, tmp_path / "live"
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"deploy:\n  target: {live}\n", encoding="utf-8")
    assert run_build(site, "deploy").code == 0
    (site / AUGUST / "01-a.md").unlink()
    assert run_build(site, "build", "--no-pdf").code == 0
    dry = publishing.deploy(site, True, Job(1, "deploy-dry", "主编"))
    assert dry["gone"].startswith("这次发布（deploy）会从线上网站删掉 2 个网页或 PDF，其中有 1 篇文章：《八月的新闻》（2024年第3期）")
    assert IF_NOT_MEANT in dry["gone"]


def test_an_issue_never_published_says_only_that_it_is_not_on_the_site(two_issues):
    site = two_issues
    (site / "content/2024-09").mkdir()
    (site / "content/2024-09/issue.yaml").write_text("标题: 2024年第4期\n期号: 4\n总期号: 4\n日期: 2024-09-30\n", encoding="utf-8")
    result = run_build(site, "build", "--no-pdf")
    assert "content/2024-09/issue.yaml：警告：这一期还没有已发布的文章，所以不发布：网站上没有这一期" in result.stderr
    assert "这次不再发布" not in result.stderr
