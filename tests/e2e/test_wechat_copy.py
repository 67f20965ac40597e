"""The 公众号版 in the preview: shown at phone width, copied to the clipboard as rich text (Chromium)."""
from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

from helpers import add_article, get, run_build, running_server, wait_for


def test_the_preview_offers_the_wechat_version_and_copies_it_as_rich_text(mini, browser):
    add_article(mini)
    with running_server(mini) as (base, _):
        wait_for(lambda: get(base + "/2024-07/tuijinhui/")[0] == 200, 60)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, permissions=["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(base + "/2024-07/tuijinhui/")
        page.click("text=公众号版")
        page.wait_for_url("**/__xiaokan__/wechat/2024-07/tuijinhui/")
        # (the preview reloads its pages after a rebuild: if one lands between the click and the
        # clipboard read, open the post again and copy again)
        for attempt in range(3):
            try:
                post = page.locator("#post")
                post.wait_for(state="visible")
                assert post.bounding_box()["width"] <= 430   # at phone width (390 px and its margin)
                page.click("#copy")
                page.wait_for_selector("text=已复制")
                copied = page.evaluate("""async () => {
                    const items = await navigator.clipboard.read();
                    const blob = await items[0].getType("text/html");
                    return await blob.text();
                }""")
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
                page.goto(base + "/__xiaokan__/wechat/2024-07/tuijinhui/")
        context.close()
    assert "我校召开评建推进会" in copied and "会议由校长主持" in copied and 'style="' in copied
    assert "<style" not in copied
    built = run_build(mini, "build", "--no-pdf")
    assert built.code == 0
    assert "公众号版" not in (mini / "output/2024-07/tuijinhui/index.html").read_text(encoding="utf-8")
