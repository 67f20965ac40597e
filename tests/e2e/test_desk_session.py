"""A desk page whose session has ended (idle for 8 hours, the preview restarted, or too many logins of
the account since) sends the editor to the login page, which says why, and back."""
from __future__ import annotations

from playwright.sync_api import expect

from helpers import running_server
from xiaokan.desk.editorial import accounts


def test_a_page_whose_session_ended_says_to_log_in_again(mini, page):
    accounts.add_account(mini, "张三", "主编", "correct horse")
    with running_server(mini) as (base, _):
        page.goto(base + "/编辑部/")
        page.get_by_label("姓名").fill("张三")
        page.get_by_label("密码").fill("correct horse")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("#who")).to_contain_text("张三")
        expect(page.get_by_role("link", name="第一篇新闻")).to_be_visible()
        page.wait_for_load_state("networkidle")   # (the board's own requests done: none meets the ended session)
        # (its session ends: as after 8 idle hours, a restart, or too many logins elsewhere, whose order the
        # page's own polling decides; the cookie it holds then names a session the desk no longer has)
        page.context.add_cookies([{**cookie, "value": "ended-" + cookie["value"]} for cookie in page.context.cookies()])
        page.get_by_role("link", name="第一篇新闻").click()
        expect(page.get_by_role("alert")).to_have_text(
            "登录已过期（8 小时没有使用、在别处登录太多次，或预览重新启动过），请重新登录。")
        expect(page.get_by_role("heading", name="登录编辑部")).to_be_visible()
        page.get_by_label("姓名").fill("张三")
        page.get_by_label("密码").fill("correct horse")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="第一篇新闻")).to_be_visible()   # (back where it was)
        page.reload()
        expect(page.locator("#who")).to_contain_text("张三")
