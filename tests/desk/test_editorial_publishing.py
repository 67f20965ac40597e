"""编辑部's 发布 and 回滚 as the 主编 sees them: a 回滚 with nothing to bring back is information (the job
is done, nothing changed), the articles 发布 would put online without 三审 are listed with their reason
before confirming, and 生成网站 says each stage of the build while it runs. (A server over SSH and
object storage: tests/publish/test_deploy.py and test_s3deploy.py.)"""
from __future__ import annotations

from helpers import snapshot, wait_for, write
from xiaokan.desk.editorial import publishing, review, tasks


def run(kind: str, work) -> tasks.Job:
    """A job as the page gets it: run by the desk's own runner, to its end (done or failed)."""
    job = tasks.JobRunner().submit(kind, "主编", work)
    wait_for(lambda: job.state in ("done", "failed"), 300)
    return job


def deploy_to(mini, target) -> None:
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + f"deploy:\n  target: {target}\n")


def test_回滚_with_nothing_to_bring_back_is_information_and_changes_nothing(mini, tmp_path):
    target = tmp_path / "www"
    deploy_to(mini, target)
    for kind, work in (("rollback-dry", publishing.rollback_plan), ("rollback", publishing.rollback)):
        job = run(kind, lambda j, work=work: work(mini, j))   # (never published: no release at all)
        assert job.state == "done" and job.problems == [] and job.result["nothing"], job.view()
        assert job.result["summary"] == (f"什么都没有改：还没有向 {target} 发布过，没有可以回滚的版本。"
                                         "回滚是在某次发布出了问题时用的：它把网站恢复成上一次发布的样子")
        assert not target.exists()
    tasks.build_site(mini, tasks.Job(1, "build", "主编"))
    first = publishing.deploy(mini, False, tasks.Job(2, "deploy", "主编"))["release"]
    before = snapshot(target)
    for kind, work in (("rollback-dry", publishing.rollback_plan), ("rollback", publishing.rollback)):
        job = run(kind, lambda j, work=work: work(mini, j))   # (after the first 发布: one release)
        assert job.state == "done" and job.problems == [] and job.result["nothing"], job.view()
        assert job.result["withdrawn"] == first and "还没有更早的版本可以回滚" in job.result["summary"]
        assert f"{target} 上现在的 {first} 是保留着的最早一版；下次发布以后，就能回滚到这一版" in job.result["summary"]
        assert (target / "current").resolve().name == first and snapshot(target) == before


def test_发布_lists_the_published_articles_that_never_went_through_三审_with_their_reason(mini, tmp_path):
    deploy_to(mini, tmp_path / "www")
    tasks.build_site(mini, tasks.Job(1, "build", "主编"))
    dry = publishing.deploy(mini, True, tasks.Job(2, "deploy-dry", "主编"))
    unreviewed = {a["path"]: (a["title"], a["reason"]) for a in dry["unreviewed"]}
    assert unreviewed == {"2024-07/01-first.md": ("第一篇新闻", "一审都没有经过，却不是草稿"),
                          "2024-07/02-second.md": ("第二篇动态", "一审都没有经过，却不是草稿"),
                          "2024-07/04-other.md": ("他山之石一篇", "一审都没有经过，却不是草稿")}   # (not the draft)
    review.advance(mini, "2024-07/02-second.md", "初审", "王五", "主编")
    for step in ("初审", "复审", "终审"):
        review.advance(mini, "2024-07/01-first.md", step, "王五", "主编")
    dry = publishing.deploy(mini, True, tasks.Job(3, "deploy-dry", "主编"))
    assert [(a["path"], a["reason"]) for a in dry["unreviewed"]] == [
        ("2024-07/02-second.md", "只过了初审，没有终审"), ("2024-07/04-other.md", "一审都没有经过，却不是草稿")]
    assert dry["voided"] == []
    article = mini / "content/2024-07/01-first.md"
    article.write_text(article.read_text(encoding="utf-8") + "终审以后在记事本里改的。\n", encoding="utf-8")
    [voided] = publishing.deploy(mini, True, tasks.Job(4, "deploy-dry", "主编"))["voided"]
    assert voided["path"] == "2024-07/01-first.md" and voided["reason"].startswith("初审、复审、终审以后又改过（在编辑部以外")
    assert voided["reason"].endswith("），需要重审")


def test_生成网站_says_each_stage_of_the_build_in_its_log_as_it_goes(mini):
    job = tasks.Job(1, "build", "主编")
    tasks.build_site(mini, job)
    stages = ["正在读取文章……", "已读取 1 期、3 篇文章，正在检查……", "PDF 2024-07：正在排版 3 篇文章……",
              "数字报 2024-07：正在把2024年第2期的 8 页 PDF 做成图片……", "正在生成 24 个网页……",
              "24 个网页都已生成，正在更新站内搜索……", "正在把新生成的网站放到位……"]
    found = [line for line in job.lines if line in stages]
    assert found == stages, job.lines
