"""The search page as a reader uses it: more than a page of results, filters, full-width letters, text
that looks like markup, only the issues that can match loaded, and an index that cannot be loaded."""
from __future__ import annotations

from helpers import run_build, serve_folder, write

STATUS = "/找到|没有找到|没有加载|不能搜索/.test(document.getElementById('search-status').textContent)"


def search(page, base: str, query: str, **filters) -> str:
    params = "&".join(f"{k}={v}" for k, v in filters.items())
    page.goto(f"{base}search/index.html?q={query}" + (f"&{params}" if params else ""))
    page.wait_for_function(STATUS)
    return page.inner_text("#search-status")


def titles(page) -> list[str]:
    return page.locator("#search-results li a.article-link").all_inner_texts()


def test_more_than_thirty_results_come_with_a_button_for_the_rest_and_filters_narrow_them(page, mini):
    for n in range(34):
        section = "评建动态" if n % 2 else "他山之石"
        dated = "日期: 2023-12-01\n" if n == 0 else ""   # (one of last year, for the 年份 filter)
        write(mini, f"content/2024-07/{10 + n:02d}-shixun-{n}.md",
              f"---\n标题: 实训基地第{n}次开放\n栏目: {section}\n{dated}---\n第{n}次开放，实训基地接待了来访的师生。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        assert search(page, base, "实训基地") == "找到 34 篇与「实训基地」有关的文章，显示前 30 篇"
        assert len(titles(page)) == 30
        page.focus("#search-more")
        page.keyboard.press("Enter")   # (a keyboard reader: the hidden button must not drop focus to the page)
        page.wait_for_function("document.querySelectorAll('#search-results li').length === 34")
        assert page.locator("#search-more").is_hidden()
        assert page.evaluate("document.activeElement === document.querySelectorAll('#search-results a')[30]")
        assert "找到 34 篇" in page.inner_text("#search-status") and len(set(titles(page))) == 34
        assert search(page, base, "实训基地", 栏目="评建动态") == "找到 17 篇与「实训基地」有关的文章"
        assert page.locator("#search-more").is_hidden()
        assert search(page, base, "实训基地", 年份="2023") == "找到 1 篇与「实训基地」有关的文章"
        assert titles(page) == ["实训基地第0次开放"]
        assert search(page, base, "实训基地", 年份="2023", 栏目="评建动态") == "没有找到与「实训基地」有关的文章。"


def test_full_width_letters_capitals_and_spaces_are_found_as_written_in_the_text(page, mini):
    write(mini, "content/2024-07/05-obe.md", "---\n标题: 培训会\n栏目: 评建动态\n---\n学校召开基于OBE 理念的培训会。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        for query in ("ＯＢＥ", "obe", "OBE理念", "obe%20%E7%90%86%E5%BF%B5"):
            assert search(page, base, query).startswith("找到 1 篇"), query
            assert titles(page) == ["培训会"]
        marked = page.locator("#search-results .excerpt mark").all_inner_texts()
        assert marked == ["OBE", "理念"], marked
        for query, hit in (("ＯＢＥ", "OBE"), ("OBE理念", "OBE 理念")):   # (the article marks what the search found)
            search(page, base, query)
            page.click("#search-results a.article-link")
            page.wait_for_selector("mark.search-hit")
            assert page.locator("mark.search-hit").all_inner_texts() == [hit]


def test_a_title_and_text_that_look_like_markup_are_shown_as_text(page, mini):
    write(mini, "content/2024-07/05-markup.md", "---\n标题: '<img src=x onerror=\"window.pwned=1\">通知'\n栏目: 评建动态\n---\n"
          "正文写着 `<script>window.pwned=2</script>` 与 &lt;b&gt; 这样的字。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        assert search(page, base, "这样的字").startswith("找到 1 篇")
        assert titles(page) == ['<img src=x onerror="window.pwned=1">通知']
        assert "<script>window.pwned=2</script>" in page.inner_text("#search-results .excerpt")
        assert page.locator("#search-results img, #search-results script").count() == 0
        assert page.evaluate("window.pwned") is None


def test_only_the_issues_holding_every_character_are_loaded(page, mini):
    write(mini, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(mini, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n基地在鼋头渚验收。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    loaded: list[str] = []
    for base in serve_folder(mini / "output"):
        page.on("request", lambda request: loaded.append(request.url.rsplit("/", 1)[-1]))
        assert search(page, base, "鼋头渚").startswith("找到 1 篇") and titles(page) == ["上一期的旧闻"]
        assert [name for name in loaded if name.endswith(".json")] == ["directory.json", next(
            name for name in loaded if name.startswith("2024-06."))]
        loaded.clear()
        assert search(page, base, "鼋鼋鼋不存在") == "没有找到与「鼋鼋鼋不存在」有关的文章。"
        assert [name for name in loaded if name.endswith(".json")] == ["directory.json"]   # (no shard holds 鼋 and 存 together)


def test_a_search_page_without_its_index_says_so(page, mini):
    assert run_build(mini, "build", "--no-pdf", "--no-search").code == 0   # (a fresh site: no index yet)
    for base in serve_folder(mini / "output"):
        assert search(page, base, "新闻") == "搜索索引没有加载（网络不通，或网站还没有搜索索引）。请稍后再点「搜索」。"


def test_letters_folded_differently_by_python_and_the_browser_are_found(page, mini):
    """The directory (Python) and the page (Chromium) must agree on every character of a query: a word's
    last Σ (Python's lower() makes it ς, the page σ), a letter of Unicode 16 (U+A7CB: Chromium lower-cases it,
    Python 3.11 does not), a character beyond the BMP, an emoji; and characters a reader does not see
    (a zero-width space and a soft hyphen pasted from Word) are left out of matching, like blanks."""
    write(mini, "content/2024-07/05-greek.md", "---\n标题: 外文词\n栏目: 评建动态\n---\n"
          "希腊文 ΟΔΟΣ 一词，古文字 \ua7cb 一个，吉野家的𠮷字，还有😀表情。从 Word 贴来的教\u200b育\u00ad部门。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        for query in ("ΟΔΟΣ", "\ua7cb", "𠮷字", "😀表情", "教育部门"):
            assert search(page, base, query).startswith("找到 1 篇"), query
            assert titles(page) == ["外文词"]


def test_a_page_open_across_a_deploy_finds_the_new_shards(page, mini):
    """A reader whose page (or browser cache, 5 minutes) holds the directory of the last deploy asks for
    a shard the new deploy replaced: the page loads the directory again, past the cache, and finds it."""
    write(mini, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(mini, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n基地在鼋头渚验收。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output", as_deployed=True):
        assert search(page, base, "第一段").startswith("找到 1 篇")   # (the directory is cached now, not 2024-06's shard)
        write(mini, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n基地在鼋头渚验收合格。\n")
        assert run_build(mini, "build", "--no-pdf").code == 0   # (2024-06's shard has a new name, the old one is gone)
        assert search(page, base, "鼋头渚").startswith("找到 1 篇")   # (its directory.json from the browser's cache)
        assert titles(page) == ["上一期的旧闻"] and "验收合格" in page.inner_text("#search-results .excerpt")


def test_a_directory_a_cdn_keeps_after_a_deploy_does_not_stop_the_search(page, mini):
    """A CDN that ignores no-cache serves the last deploy's directory for minutes, naming a shard the new
    deploy deleted: the page asks for the directory under an address the CDN has not cached."""
    write(mini, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(mini, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n基地在鼋头渚验收。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    stale = (mini / "output/search/data/directory.json").read_bytes()
    write(mini, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n基地在鼋头渚验收合格。\n")
    assert run_build(mini, "build", "--no-pdf").code == 0   # (2024-06's shard has a new name, the old one is gone)
    for base in serve_folder(mini / "output", as_deployed=True):
        page.route(lambda url: url.endswith("/search/data/directory.json"),   # (the CDN's copy, whatever the browser asks)
                   lambda route: route.fulfill(status=200, body=stale, content_type="application/json"))
        assert search(page, base, "鼋头渚").startswith("找到 1 篇")
        assert titles(page) == ["上一期的旧闻"] and "验收合格" in page.inner_text("#search-results .excerpt")
        page.unroute_all()


def test_a_shard_the_network_failed_to_bring_is_said_and_a_second_search_finds_it(page, mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        page.route("**/search/data/2024-07.*.json", lambda route: route.abort())
        assert search(page, base, "第一段") == "搜索索引没有加载（网络不通，或网站还没有搜索索引）。请稍后再点「搜索」。"
        page.unroute("**/search/data/2024-07.*.json")
        page.click(".search-form button[type=submit]")
        page.wait_for_function("/找到/.test(document.getElementById('search-status').textContent)")
        assert titles(page) == ["第一篇新闻"]


def test_a_page_left_open_finds_what_was_published_since(page, mini):
    """A reader who keeps the search page open: after the 5 minutes a host may cache the directory, a
    search asks for it again and finds an article published since (it kept the first one for good)."""
    assert run_build(mini, "build", "--no-pdf").code == 0
    for base in serve_folder(mini / "output"):
        page.clock.install()
        assert search(page, base, "第一段").startswith("找到 1 篇")
        write(mini, "content/2024-07/05-new.md", "---\n标题: 新发的文章\n栏目: 评建动态\n---\n基地在鼋头渚验收。\n")
        assert run_build(mini, "build", "--no-pdf").code == 0
        page.clock.fast_forward("05:01")
        page.fill("#search-input", "鼋头渚")
        page.click(".search-form button[type=submit]")
        page.wait_for_function("/找到|没有/.test(document.getElementById('search-status').textContent) && "
                               "/鼋头渚/.test(document.getElementById('search-status').textContent)")
        assert page.inner_text("#search-status").startswith("找到 1 篇") and titles(page) == ["新发的文章"]


def test_a_search_page_opened_from_disk_says_where_searching_works(page, mini):
    """An editor follows README (用浏览器打开 output/index.html) and searches: the browser will not let a page
    read the index from disk. It said 「请通过网站访问本页」, naming no address; now it says what to run and where."""
    assert run_build(mini, "build", "--no-pdf").code == 0
    status = search(page, (mini / "output").as_uri() + "/", "新闻")
    assert status.startswith("直接打开的网页文件里不能搜索")
    assert "请运行 make serve，在 http://127.0.0.1:8000/ 的页面上搜索" in status
