"""The search index as a build step: what is indexed, and when it is rebuilt (the browser side is in e2e/)."""
from __future__ import annotations

import json
import re

from helpers import run_build, snapshot, write


def entry(site) -> dict:
    return json.loads((site / "output/pagefind/pagefind-entry.json").read_text(encoding="utf-8"))


def test_the_articles_are_indexed_in_chinese_and_the_search_page_is_built(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    languages = entry(mini)["languages"]
    assert list(languages) == ["zh"] and languages["zh"]["page_count"] == 3   # the draft is not published
    search_page = (mini / "output/search/index.html").read_text(encoding="utf-8")
    assert 'id="search-input"' in search_page and '<meta name="robots" content="noindex">' in search_page
    home = (mini / "output/index.html").read_text(encoding="utf-8")
    assert 'action="search/index.html"' in home and 'role="search"' in home
    article = (mini / "output/2024-07/first/index.html").read_text(encoding="utf-8")
    assert "<article class=\"article\" data-pagefind-body" in article   # only the article, not the navigation


def test_index_is_kept_when_no_article_changed_and_renewed_when_one_did(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    index = snapshot(mini / "output/pagefind")
    write(mini, "assets/site.css", (mini / "assets/site.css").read_text(encoding="utf-8") + "\n/* x */\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert snapshot(mini / "output/pagefind") == index
    article = mini / "content/2024-07/01-first.md"
    article.write_text(article.read_text(encoding="utf-8").replace("这是第一段", "这是关于双师型教师的第一段"),
                       encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf", "--no-search").code == 0
    assert snapshot(mini / "output/pagefind") == index   # --no-search publishes the last index as it was
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert snapshot(mini / "output/pagefind") != index


def test_no_search_on_a_fresh_site_builds_no_index(mini):
    assert run_build(mini, "build", "--no-pdf", "--no-search").code == 0
    assert not (mini / "output/pagefind").exists()
    assert (mini / "output/search/index.html").is_file()


def older_issue(site) -> None:
    write(site, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(site, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n去年的产教融合基地验收。\n")


def test_each_issue_has_its_own_index_and_an_edit_reindexes_only_its_issue(mini):
    older_issue(mini)
    assert run_build(mini, "build", "--no-pdf").code == 0
    newest, older = mini / "output/pagefind", mini / "output/pagefind/issues/2024-06"
    assert (newest / "pagefind.js").is_file() and entry(mini)["languages"]["zh"]["page_count"] == 3
    assert json.loads((older / "pagefind-entry.json").read_text(encoding="utf-8"))["languages"]["zh"]["page_count"] == 1
    assert not (older / "pagefind.js").exists() and not (newest / "pagefind-ui.js").exists()   # (only what is used)
    search_page = (mini / "output/search/index.html").read_text(encoding="utf-8")
    assert 'data-merge="pagefind/issues/2024-06/"' in search_page
    before_old, before_new = snapshot(older), snapshot(mini / "output/pagefind/fragment")
    write(mini, "content/2024-07/01-first.md",
          (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8").replace("这是第一段", "这是改过的第一段"))
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert snapshot(older) == before_old                                      # the older issue was not indexed again
    assert snapshot(mini / "output/pagefind/fragment") != before_new           # the edited one was


def test_a_failing_pagefind_stops_the_build_and_leaves_output_as_it_was(mini, monkeypatch, tmp_path):
    """Pagefind is given the pages through its service; when it fails (here: exits at once), the build
    says so and publishes nothing, also when its new pages were already being assembled."""
    broken = tmp_path / "pagefind"
    broken.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    with monkeypatch.context() as patch:
        patch.setattr("pagefind_bin.get_executable", lambda: broken)
        run = run_build(mini, "build", "--no-pdf")                # a first build: every page is new
    assert run.code != 0 and "the search index could not be built" in run.stderr and "Traceback" not in run.stderr
    assert not (mini / "output").exists() and not list(mini.glob(".output.xiaokan-*"))
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    write(mini, "templates/base.html", (mini / "templates/base.html").read_text(encoding="utf-8")
          .replace("</footer>", "<p>新的页脚</p></footer>"))                # every page changes
    monkeypatch.setattr("pagefind_bin.get_executable", lambda: broken)
    run = run_build(mini, "build", "--no-pdf")
    assert run.code != 0 and "the search index could not be built" in run.stderr
    assert snapshot(mini / "output") == before and not list(mini.glob(".output.xiaokan-*"))


def test_files_from_the_cache_are_published_as_links_and_survive_the_cache(mini):
    """The search index (and cards, photo copies, PDFs) are hard links to the cache's files, which are
    only ever replaced: deleting .cache/ or building again leaves the published files intact."""
    assert run_build(mini, "build", "--no-pdf").code == 0
    entry_file = mini / "output/pagefind/pagefind-entry.json"
    cached = [p for p in (mini / ".cache/build/pagefind").rglob("pagefind-entry.json")]
    assert any(p.samefile(entry_file) for p in cached)
    before = snapshot(mini / "output")
    import shutil

    shutil.rmtree(mini / ".cache")
    assert snapshot(mini / "output") == before
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert snapshot(mini / "output") == before


def test_a_pagefind_that_stops_answering_times_out_instead_of_hanging_the_build(mini, monkeypatch, tmp_path):
    silent = tmp_path / "pagefind"
    silent.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")   # reads nothing, answers nothing
    silent.chmod(0o755)
    monkeypatch.setattr("pagefind_bin.get_executable", lambda: silent)
    monkeypatch.setattr("xiaokan.web.pagefind.TIMEOUT", 1)
    run = run_build(mini, "build", "--no-pdf")
    assert run.code != 0 and "did not answer within 1 s" in run.stderr and "Traceback" not in run.stderr
    assert not (mini / "output").exists() and not list(mini.glob(".output.xiaokan-*"))


def test_the_index_holds_the_readers_text_without_footnote_numbers():
    from xiaokan.source.markup import render_markdown
    from xiaokan.web.search import for_index

    body = render_markdown("完成率77.2%[^1]。\n\n[^1]: 数据来自教务处。\n").html
    page = f'<html><head></head><body><article class="article" data-pagefind-body><h1>题目</h1>{body}</article></body></html>'
    indexed = for_index(page, "2024-07/a/index.html")
    words = "".join(re.sub(r"<[^>]+>", "", indexed).split())
    assert "77.2%。" in words and "77.2%1" not in words and "↩" not in words
    assert "数据来自教务处。" in words   # (the note itself is text a reader reads: it stays searchable)
