"""Live preview in a real browser: a save reloads the open page, keeps its scroll, can follow the editor."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from helpers import add_article, get, running_server, wait_for, write

LONG_BODY = "\n\n".join(f"第{n}段。" + "评建工作稳步推进，" * 30 for n in range(1, 40))


def test_save_reloads_the_open_page_and_keeps_the_scroll_position(mini, page):
    write(mini, "content/2024-07/02-second.md", f"---\ntitle: 第二篇动态\nsection: 评建动态\n---\n{LONG_BODY}\n")
    with running_server(mini) as (base, _):
        page.goto(base + "/2024-07/second/index.html")
        page.wait_for_function("window.LiveReload !== undefined")
        page.evaluate("window.scrollTo(0, 1500)")
        page.wait_for_function("window.scrollY >= 1400")
        write(mini, "content/2024-07/02-second.md",
              f"---\ntitle: 第二篇动态（已修改）\nsection: 评建动态\n---\n{LONG_BODY}\n")
        page.wait_for_function("document.querySelector('h1')?.textContent.includes('已修改')")   # (no h1 while the page reloads)
        page.wait_for_function("window.scrollY >= 1400")


def test_a_reload_sent_before_the_page_listened_still_reaches_it(mini, page):
    """A page asked for while its article was being built is a 404; the build's reload went out before
    the page's live-reload socket was open (held back here), and the page stayed 404 for good."""
    held = []
    page.route("**/livereload.js?**", lambda route: held.append(route))   # (answered only once the build has sent its reload)
    with running_server(mini) as (base, _):
        page.goto(base + "/2024-07/late/", wait_until="domcontentloaded")   # (livereload.js holds "load")
        expect(page.locator("h1")).to_have_text("页面不存在")
        reloads = json.loads(get(base + "/__xiaokan__/state")[1])["reloads"]
        write(mini, "content/2024-07/05-late.md", "---\ntitle: 晚到的一篇\nsection: 评建动态\n---\n正文。\n")
        wait_for(lambda: json.loads(get(base + "/__xiaokan__/state")[1])["reloads"] > reloads)
        wait_for(lambda: held)
        for route in held:
            route.continue_()
        expect(page.locator("h1")).to_have_text("晚到的一篇")


def test_error_overlay_appears_and_goes_away_in_the_browser(mini, page):
    with running_server(mini) as (base, _):
        page.goto(base + "/2024-07/first/index.html")
        page.wait_for_function("window.LiveReload !== undefined")
        article = mini / "content/2024-07/01-first.md"
        good = article.read_text(encoding="utf-8")
        article.write_text(good.replace("日期: 2024-07-01", "日期: 2024-07-41"), encoding="utf-8")
        overlay = page.locator("#xiaokan-error")
        overlay.wait_for()
        assert "content/2024-07/01-first.md:4" in overlay.inner_text()
        article.write_text(good, encoding="utf-8")
        overlay.wait_for(state="detached")


def test_navigate_takes_an_open_page_to_the_saved_article(mini, page):
    with running_server(mini, "--navigate") as (base, _):
        page.goto(base + "/index.html")
        page.wait_for_function("window.LiveReload !== undefined && sessionStorage.getItem('xiaokan-serial') !== null")
        article = mini / "content/2024-07/04-other.md"
        article.write_text(article.read_text(encoding="utf-8").replace("别处的经验。", "别处的新经验。"), encoding="utf-8")
        page.wait_for_url("**/2024-07/other/")
        page.wait_for_load_state()
        expect(page.locator("main")).to_contain_text("别处的新经验")   # (retried: never reads a page mid-navigation)


def test_on_a_phone_the_wechat_button_covers_no_photo_or_table(mini, browser):
    """The 公众号版 button floated over the text: at 375 px it covered photos and tables."""
    add_article(mini)
    with running_server(mini) as (base, _):
        context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(base + "/2024-07/tuijinhui/")
        button = page.get_by_role("link", name="公众号版")
        expect(button).to_be_visible()
        page.wait_for_function("[...document.images].every(i => i.complete)")
        # Each photo and table at the top, the middle and the bottom of the screen: the button never on it.
        overlaps = page.evaluate("""() => {
            const button = document.querySelector('.xiaokan-wechat'), found = [];
            for (const element of document.querySelectorAll('.article img, .article table')) {
                for (const block of ['start', 'center', 'end']) {
                    element.scrollIntoView({block, behavior: 'instant'});
                    const a = button.getBoundingClientRect(), b = element.getBoundingClientRect();
                    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
                        found.push(element.tagName + ' at ' + block);
                    }
                }
            }
            return {found, checked: document.querySelectorAll('.article img, .article table').length};
        }""")
        assert overlaps["checked"] >= 2 and overlaps["found"] == [], overlaps
        button.click()
        page.wait_for_url("**/__xiaokan__/wechat/2024-07/tuijinhui/")
        context.close()


def test_a_failed_pdf_keeps_the_last_good_one_and_the_page_says_why(mini, page, monkeypatch):
    """The PDF is typeset after the page is rebuilt: a mistake only the print edition meets (here in its
    template) is shown over the open page as a failed save is, and the issue page keeps the last good PDF."""
    monkeypatch.setenv("XIAOKAN_PDF_PAUSE", "0.2")
    monkeypatch.setenv("XIAOKAN_PDF_NICE", "0")   # (the other test workers would starve it)
    with running_server(mini, pdf=True) as (base, _):
        issue, pdf = base + "/2024-07/", mini / ".cache/preview/2024-07/xiaokan-2024-07.pdf"
        wait_for(lambda: "xiaokan-2024-07.pdf" in get(issue)[1], 60)   # (the first PDF, typeset at start)
        good = pdf.read_bytes()
        page.goto(issue)
        page.wait_for_function("window.LiveReload !== undefined")
        template = mini / "templates/print/issue.html"
        original = template.read_text(encoding="utf-8")
        write(mini, "templates/print/issue.html", original.replace("<body>", "<body>{{ issue.no_such_field }}", 1))
        overlay = page.locator("#xiaokan-error")
        overlay.wait_for()
        expect(overlay).to_contain_text("the issue's PDF could not be made again")
        expect(overlay).to_contain_text("templates/print/issue.html")
        expect(overlay).to_contain_text("no_such_field")
        assert page.locator('a[href$="xiaokan-2024-07.pdf"]').count() == 1 and pdf.read_bytes() == good
        write(mini, "templates/print/issue.html", original)   # (undone: the last good PDF is the PDF of it)
        overlay.wait_for(state="detached")
        assert pdf.read_bytes() == good
