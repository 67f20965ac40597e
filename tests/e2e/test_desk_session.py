"""A desk page whose session has ended (idle for 8 hours, the preview restarted, or too many logins of
the account since) sends the editor to the login page, which says why, and back."""
from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import expect

from helpers import running_server
from xiaokan.desk.editorial import accounts
from xiaokan.desk.editorial.sessions import MOST_PER_ACCOUNT


def log_in_elsewhere(base: str) -> None:
    request = urllib.request.Request(base + "/desk/api/login", method="POST", headers={
        "Origin": base, "Content-Type": "application/json"},
        data=json.dumps({"name": "张三", "password": "correct horse"}).encode())
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        cookie = response.headers["Set-Cookie"].split(";")[0]
    # used once after it began: the desk ends a session never used before one in use (another site's
    # requests without the cookie must not end the editor's)
    used = urllib.request.Request(base + "/desk/api/session", headers={"Cookie": cookie})
    with urllib.request.urlopen(used, timeout=10) as response:
        assert response.status == 200


def test_a_page_whose_session_ended_says_to_log_in_again(mini, page):
    accounts.add_account(mini, "张三", "主编", "correct horse")
    with running_server(mini) as (base, _):
        page.goto(base + "/编辑部/")
        page.get_by_label("姓名").fill("张三")
        page.get_by_label("密码").fill("correct horse")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("#who")).to_contain_text("张三")
        for _n in range(MOST_PER_ACCOUNT):   # (the account's oldest session, this page's, ends)
            log_in_elsewhere(base)
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
