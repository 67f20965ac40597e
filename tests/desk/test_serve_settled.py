"""`build.py serve` after a save: the saved page first, then, once the preview says it has settled,
everything else the save changes (lists, feed, search index); deleted and renamed articles leave the lists."""
from __future__ import annotations

import json
from pathlib import Path

from helpers import get, page_containing, wait_for, write


def settled(base: str) -> bool:
    return json.loads(get(base + "/__xiaokan__/state")[1])["settled"]


def indexed(site: Path, word: str) -> bool:
    """Whether the preview's search index (its shards) holds word."""
    return any(word in shard.read_text(encoding="utf-8") for shard in (site / ".cache/preview/search/data").glob("*.*.json"))


def test_a_save_reaches_its_page_and_once_settled_the_lists_feed_and_search_index(server):
    base, site, _ = server
    assert not indexed(site, "Zephyrquux") and "第一篇改题新闻" not in get(base + "/feed.xml")[1]
    article = site / "content/2024-07/01-first.md"
    write(site, "content/2024-07/01-first.md", article.read_text(encoding="utf-8")
          .replace("标题: 第一篇新闻", "标题: 第一篇改题新闻").replace("这是第一段", "Zephyrquux 这是第一段"))
    page = wait_for(lambda: page_containing(base + "/2024-07/first/", "Zephyrquux"), 60)
    assert "<h1>第一篇改题新闻</h1>" in page
    wait_for(lambda: settled(base), 60)
    assert "第一篇改题新闻" in get(base + "/2024-07/")[1]                # the issue's list
    assert "第一篇改题新闻" in get(base + "/sections/news/")[1]          # the section's
    assert "第一篇改题新闻" in get(base + "/feed.xml")[1]
    assert "第一篇改题新闻" in get(base + "/2024-07/second/")[1]         # the neighbour's link to it
    assert indexed(site, "Zephyrquux")


def test_a_deleted_or_renamed_article_leaves_the_lists(server):
    base, site, _ = server
    assert "他山之石一篇" in get(base + "/2024-07/")[1] and get(base + "/2024-07/other/")[0] == 200
    (site / "content/2024-07/04-other.md").rename(site / "content/2024-07/05-elsewhere.md")
    (site / "content/2024-07/03-draft.md").unlink()
    issue = wait_for(lambda: page_containing(base + "/2024-07/", "2024-07/elsewhere/"), 60)
    assert "草稿不应出现" not in issue
    wait_for(lambda: settled(base), 60)
    assert get(base + "/2024-07/other/")[0] == 404 and get(base + "/2024-07/draft/")[0] == 404
    assert "他山之石一篇" in get(base + "/2024-07/elsewhere/")[1]
    sections = get(base + "/sections/elsewhere/")[1]
    assert "2024-07/elsewhere/" in sections and "2024-07/other/" not in sections and "草稿不应出现" not in sections
