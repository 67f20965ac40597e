"""What a reader meets in a real browser: search in Chinese, a phone-sized screen, accessibility (axe-core)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import axe_problems

ARTICLE_01 = "2024-06/jiaoyubu-zhiye-benke-51/index.html"
# One page of every kind the site has.
PAGES = ["index.html", "2024-06/index.html", ARTICLE_01, "2024-06/hainan-chanjiao-ronghe/index.html",
         "sections/news/index.html", "issues/index.html", "search/index.html?q=职业本科", "edition/2024-06/index.html",
         "edition/2024-06/2/index.html", "tags/index.html", "404.html"]


def article_texts(sample: Path) -> dict[str, str]:
    """Title -> plain text of every article page's <article> element."""
    texts = {}
    for page in (sample / "output/2024-06").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<h1>(.*?)</h1>", html).group(1)
        article = html.split("<article", 1)[1].split("</article>", 1)[0]
        texts[title] = re.sub(r"<[^>]+>", "", article)
    return texts


def search(page, base: str, query: str) -> list[dict]:
    page.goto(base + "search/index.html?q=" + query)
    page.wait_for_function("/找到|没有找到|没有加载/.test(document.getElementById('search-status').textContent)")
    return page.eval_on_selector_all("#search-results li", """items => items.map(li => ({
        title: li.querySelector('a').textContent, href: li.querySelector('a').href,
        meta: li.querySelector('.meta').textContent, excerpt: li.querySelector('.excerpt').innerHTML}))""")


def test_search_for_zhiye_benke_finds_the_articles_that_say_it(page, site, sample):
    results = search(page, site, "职业本科")
    texts = article_texts(sample)
    titles = {r["title"] for r in results}
    saying_it = {t for t, text in texts.items() if "职业本科" in text}
    assert len(saying_it) >= 3 and saying_it <= titles
    assert all("职业" in texts[t] and "本科" in texts[t] for t in titles)   # no result without the words
    first = next(r for r in results if r["title"] == "教育部：全国本科层次职业大学增至51所")
    assert "评建简报 2024年第1期" in first["meta"] and "新闻政策" in first["meta"] and "2024年6月16日" in first["meta"]
    assert "<mark>" in first["excerpt"]
    page.goto(first["href"])
    assert page.locator("h1").inner_text() == "教育部：全国本科层次职业大学增至51所"


def test_search_for_shuangshixing_and_for_nothing(page, site, sample):
    titles = [r["title"] for r in search(page, site, "双师型")]
    saying_it = {t for t, text in article_texts(sample).items() if "双师型" in text}
    assert len(saying_it) == 2 and set(titles[:2]) == saying_it   # the articles that say it rank first
    assert search(page, site, "zzzz") == []
    assert "没有找到" in page.locator("#search-status").inner_text()


def test_navigation_is_not_indexed(page, site):
    # 往期 and 订阅 are on every page's navigation, never in an article
    assert search(page, site, "订阅") == []


def test_search_box_in_the_masthead_leads_to_results(page, site):
    page.goto(site + "index.html")
    page.get_by_role("searchbox", name="搜索文章").fill("双师型")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    assert "q=%E5%8F%8C%E5%B8%88%E5%9E%8B" in page.url or "q=双师型" in page.url


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scrolling_on_a_375px_phone(browser, site, path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(site + path)
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def test_wide_tables_scroll_inside_their_own_box_on_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(site + ARTICLE_01)
    boxes = page.eval_on_selector_all(".table-wrap", "els => els.map(e => [e.scrollWidth, e.clientWidth])")
    assert any(scroll > client for scroll, client in boxes), "the 35-university table is wider than a phone"
    page.locator(".table-wrap").first.focus()
    page.keyboard.press("ArrowRight")   # a keyboard user can scroll it: the box takes focus
    assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
    context.close()


def test_desktop_line_length_stays_readable(page, site):
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(site + ARTICLE_01)
    width = page.evaluate("document.querySelector('.body p').getBoundingClientRect().width")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.body p')).fontSize)")
    assert 30 <= width / size <= 45   # characters per line


def test_skip_link_is_the_first_stop_and_focus_is_visible(page, site):
    page.goto(site + "index.html")
    page.wait_for_load_state("load")   # (on a busy machine a Tab pressed earlier can land before the page is ready)
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {text: e.textContent, left: e.getBoundingClientRect().left, outline: s.outlineStyle}; }""")
    assert focused["text"] == "跳到正文" and focused["left"] >= 0 and focused["outline"] != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#main'")


def test_print_of_one_article_leaves_out_the_site_around_it(page, site):
    page.goto(site + ARTICLE_01)
    page.emulate_media(media="print")
    hidden = page.evaluate("""sel => sel.map(s => [...document.querySelectorAll(s)].every(
        e => getComputedStyle(e).display === 'none'))""", [".masthead nav", ".search-box", ".site-footer",
                                                           ".prev-next", ".chart-data"])
    assert all(hidden)
    assert page.locator("h1").is_visible() and page.locator(".chart svg").first.is_visible()


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violations(page, site, path):
    page.goto(site + path)
    if "search" in path:
        page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    bad, passed = axe_problems(page)
    assert not bad, "\n".join(bad)
    assert passed > 20   # axe really ran


def test_search_filters_by_section_and_the_article_marks_the_words(page, site, sample):
    assert len(search(page, site, "教育部")) == 6
    sections = page.eval_on_selector_all("#filter-section option", "o => o.map(x => x.value)")
    assert set(sections) == {"", "新闻政策", "评建动态", "他山之石"}
    assert page.eval_on_selector_all("#filter-year option", "o => o.map(x => x.value)") == ["", "2024"]
    assert "其余" not in page.locator("#search-status").inner_text()
    page.select_option("#filter-section", "他山之石")
    page.wait_for_function("/他山之石/.test(decodeURIComponent(location.search))")
    page.wait_for_function("document.querySelectorAll('#search-results li').length === 1")
    assert "他山之石" in page.locator("#search-results .meta").inner_text()
    page.click("#search-results a.article-link")
    page.wait_for_selector("mark.search-hit")
    assert page.locator("mark.search-hit").first.inner_text() == "教育部"
    assert page.locator("mark.search-hit").count() >= 1
