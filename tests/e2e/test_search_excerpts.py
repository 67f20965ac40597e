"""Search results quote the reader's text: no footnote numbers, and an excerpt starts where a sentence can."""
from __future__ import annotations

from PIL import Image

from helpers import run_build, serve_folder, write


def test_an_excerpt_has_no_footnote_numbers_and_starts_at_a_sentence(page, mini):
    Image.new("RGB", (40, 30), (200, 0, 0)).save(mini / "content/2024-07/photo.png")
    write(mini, "content/2024-07/05-footnoted.md",
          "---\n标题: 评建推进\n栏目: 评建动态\n---\n![会议现场](photo.png)。学校召开推进会，自评完成率77.2%[^1]。"
          "会上通报了试点情况。会议要求各单位对照指标逐项整改。\n\n[^1]: 数据来自教务处。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        excerpts = {}
        for query in ("推进会", "逐项整改"):
            page.goto(f"{base}search/index.html?q={query}")
            page.wait_for_function("/找到|没有找到|没有加载/.test(document.getElementById('search-status').textContent)")
            excerpts[query] = page.locator("#search-results .excerpt").first.inner_text()
    assert excerpts["推进会"].startswith("学校召开推进会"), excerpts   # (not 「。学校…」)
    assert "77.2%。" in excerpts["推进会"] and "77.2%1" not in excerpts["推进会"]
    # a match further on: the excerpt starts at its sentence, not inside the one before it
    assert excerpts["逐项整改"].startswith("会议要求各单位"), excerpts


def test_a_match_that_runs_on_over_a_line_break_is_marked_whole(page, mini):
    """The index keeps a line per block (a <br>, a table cell) and a match may run over one: the excerpt
    reaches the line its match ends on and marks the whole match (it stopped at the first line: no mark)."""
    write(mini, "content/2024-07/05-verse.md", "---\n标题: 校歌\n栏目: 评建动态\n---\n春风化雨育桃李  \n匠心筑梦向未来\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        page.goto(f"{base}search/index.html?q=桃李匠心")
        page.wait_for_function("/找到|没有找到|没有加载/.test(document.getElementById('search-status').textContent)")
        assert page.inner_text("#search-status").startswith("找到 1 篇")
        assert page.locator("#search-results .excerpt mark").all_inner_texts() == ["桃李 匠心"]
