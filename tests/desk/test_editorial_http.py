"""编辑部 over HTTP (its WSGI app, called in place): the requests it must refuse — no token, a foreign
Host or Origin, paths out of content/, a network start without accounts, password guessing — and a
conflict and a restore as the browser sends them."""
from __future__ import annotations

import io
import json
import re
import time
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xiaokan.core.errors import ContentError
from xiaokan.core.i18n import _
from xiaokan.desk.editorial import accounts, app, articles, history
from xiaokan.desk.editorial.sessions import (
    ACCOUNT_FREE_FAILURES,
    ACCOUNT_LONGEST_WAIT,
    FIRST_WAIT,
    FORGET_AFTER,
    FREE_FAILURES,
    IDLE_SECONDS,
    MOST_PER_ACCOUNT,
    MOST_RECORDS,
    LoginThrottle,
    SessionStore,
)

PORT = 8000
HOST = f"127.0.0.1:{PORT}"
ORIGIN = f"http://{HOST}"


def site_app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"the preview"]


class Browser:
    """What an editor's browser sends: its cookie, the page's token, its Host and Origin."""

    def __init__(self, desk: app.Desk, host: str = HOST):
        self.desk, self.host, self.cookies, self.token = desk, host, {}, ""
        self.remote = "10.0.0.9"   # (the client's address)
        self.last_headers: list[tuple[str, str]] = []
        self.wsgi = desk.wrap(site_app)

    def call(self, method: str, path: str, body=None, headers: dict | None = None, raw: bytes | None = None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        path, _, query = path.partition("?")
        environ = {"REQUEST_METHOD": method, "PATH_INFO": path.encode().decode("latin-1"), "QUERY_STRING": query,
                   "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data), "REMOTE_ADDR": self.remote,
                   "HTTP_HOST": self.host, "HTTP_COOKIE": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method not in ("GET", "HEAD"):
            environ["HTTP_ORIGIN"] = ORIGIN
            environ["HTTP_X_DESK_TOKEN"] = self.token
        for name, value in (headers or {}).items():
            key = ("" if name == "Content-Length" else "HTTP_") + name.upper().replace("-", "_")
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        reply = {}

        def start_response(status, response_headers):
            reply.update(status=int(status.split()[0]), headers=response_headers)

        body_bytes = b"".join(self.wsgi(environ, start_response))
        self.last_headers = reply["headers"]
        for name, value in reply["headers"]:
            if name == "Set-Cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        kind = dict(reply["headers"]).get("Content-Type", "")
        return reply["status"], json.loads(body_bytes) if kind.startswith("application/json") else body_bytes

    def open_desk(self):
        status, _page = self.call("GET", "/编辑部/")
        session = self.call("GET", "/desk/api/session")[1]
        self.token = session["token"]
        return status


@pytest.fixture
def browser(mini):
    desk = app.Desk(mini, "127.0.0.1", PORT)
    b = Browser(desk)
    assert b.open_desk() == 200
    return b


def opened(browser, rel="2024-07/01-first.md"):
    status, article = browser.call("GET", f"/desk/api/article?path={rel}")
    assert status == 200
    return article


def test_a_save_with_the_token_is_written_and_without_it_refused(browser, mini):
    article = opened(browser)
    before = (mini / "content/2024-07/01-first.md").read_bytes()
    save = {"path": article["path"], "fields": article["fields"], "body": "新的正文\n", "digest": article["digest"]}
    assert browser.call("PUT", "/desk/api/article", save, {"X-Desk-Token": None})[0] == 403
    assert browser.call("PUT", "/desk/api/article", save, {"X-Desk-Token": "forged"})[0] == 403
    assert (mini / "content/2024-07/01-first.md").read_bytes() == before
    status, saved = browser.call("PUT", "/desk/api/article", save)
    assert status == 200 and (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8").endswith("新的正文\n")
    assert saved["url"] == "/2024-07/first/" and isinstance(saved["findings"], list)


def test_a_foreign_host_or_origin_is_refused_before_anything_is_read_or_written(browser, mini):
    article = opened(browser)
    save = {"path": article["path"], "fields": article["fields"], "body": "x\n", "digest": article["digest"]}
    for host in ("evil.example:8000", "127.0.0.1.nip.io:8000", "localhost:9999", ""):
        assert browser.call("GET", "/desk/api/board", headers={"Host": host})[0] == 403
        assert browser.call("PUT", "/desk/api/article", save, {"Host": host})[0] == 403
    for origin in ("http://evil.example", "null", "http://127.0.0.1:9999", "https://127.0.0.1.evil:8000"):
        assert browser.call("PUT", "/desk/api/article", save, {"Origin": origin})[0] == 403
    assert browser.call("POST", "/desk/api/login", {"name": "x", "password": "y"}, {"Origin": None})[0] == 403
    assert "x\n" not in (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8")
    assert browser.call("GET", "/desk/api/board", headers={"Host": "localhost:8000"})[0] == 200


@pytest.mark.parametrize("path", ["../site.yaml", "2024-07/../../site.yaml", "/etc/passwd", "..%2F..%2Fsite.yaml",
                                  "%2e%2e/site.yaml", "2024-07/%252e%252e/x.md", "2024-07/01-first.md%00.png",
                                  "C:\\Windows\\x.md", "2024-07/.desk.md"])
def test_paths_out_of_content_are_refused_in_every_request(browser, mini, path):
    from urllib.parse import quote

    q = quote(path, safe="%/")
    assert browser.call("GET", f"/desk/api/article?path={q}")[0] == 400
    assert browser.call("GET", f"/desk/api/history?path={q}")[0] == 400
    assert browser.call("PUT", "/desk/api/article", {"path": path, "fields": None, "body": "x", "digest": ""})[0] == 400
    assert browser.call("POST", f"/desk/api/upload?kind=csv&path={q}&name=a.csv", raw=b"a,b\n1,2\n")[0] == 400
    assert browser.call("GET", f"/desk/site/{q}")[0] == 404
    assert (mini / "site.yaml").read_text(encoding="utf-8").startswith("title:")


def test_a_symlink_out_of_content_is_not_followed(browser, mini, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("---\n标题: 秘密\n---\n", encoding="utf-8")
    (mini / "content/2024-07/06-link.md").symlink_to(secret)
    assert browser.call("GET", "/desk/api/article?path=2024-07/06-link.md")[0] == 400


def test_a_network_start_needs_accounts_and_then_a_login(mini):
    with pytest.raises(ContentError) as refused:
        app.mount(mini, "0.0.0.0", PORT, print)
    assert "账号" in str(refused.value) or "accounts" in str(refused.value)
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    desk = app.mount(mini, "0.0.0.0", PORT, print)
    lan = Browser(desk, f"192.168.1.20:{PORT}")
    status, _page = lan.call("GET", "/desk/")
    assert status == 303
    assert lan.call("GET", "/desk/api/board")[0] == 401
    assert lan.call("GET", "/desk/login")[0] == 200
    assert lan.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"},
                    {"Origin": f"http://192.168.1.20:{PORT}"})[0] == 200
    assert lan.call("GET", "/desk/api/board")[0] == 200


def test_wrong_passwords_fail_and_are_slowed_down(mini):
    accounts.add_account(mini, "张三", "主编", "correct horse")
    desk = app.mount(mini, "127.0.0.1", PORT, lambda m: None)
    now = [1000.0]
    desk.throttle = LoginThrottle(clock=lambda: now[0])
    b = Browser(desk)
    assert b.call("GET", "/desk/")[0] == 303   # (with accounts, a login even on this computer)
    attempts = [b.call("POST", "/desk/api/login", {"name": "张三", "password": f"guess {n}"})[0] for n in range(5)]
    assert attempts == [401] * 5
    assert b.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"})[0] == 429
    now[0] += FIRST_WAIT + 1
    assert b.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"})[0] == 200
    b.token = b.call("GET", "/desk/api/session")[1]["token"]
    assert b.call("POST", "/desk/api/logout", {})[0] == 200
    assert b.call("GET", "/desk/api/board")[0] == 401


def test_a_guesser_cannot_lock_the_account_out_and_guessers_from_many_addresses_are_still_slowed(mini):
    """The brake counted wrong passwords by account name alone: anyone on the network locked the 主编
    out for an hour by guessing wrong."""
    accounts.add_account(mini, "张三", "主编", "correct horse")
    desk = app.mount(mini, "0.0.0.0", PORT, lambda m: None)
    now = [1000.0]
    desk.throttle = LoginThrottle(clock=lambda: now[0])
    office = {"Origin": f"http://192.168.1.20:{PORT}"}
    guesser = Browser(desk, f"192.168.1.20:{PORT}")
    guesser.remote = "192.168.1.66"
    for n in range(FREE_FAILURES):
        assert guesser.call("POST", "/desk/api/login", {"name": "张三", "password": f"guess {n}"}, office)[0] == 401
    status, body = guesser.call("POST", "/desk/api/login", {"name": "张三", "password": "guess again"}, office)
    assert status == 429 and body["error"] == f"密码错误次数太多：请 {int(FIRST_WAIT) + 1} 秒后再试"
    owner = Browser(desk, f"192.168.1.20:{PORT}")   # (the 主编, at their own PC)
    owner.remote = "192.168.1.10"
    assert owner.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"}, office)[0] == 200
    for n in range(ACCOUNT_FREE_FAILURES):   # (one guess from each of many addresses)
        guesser.remote = f"10.1.0.{n}"
        guesser.call("POST", "/desk/api/login", {"name": "张三", "password": f"guess {n}"}, office)
    guesser.remote = "10.1.1.1"
    status, body = guesser.call("POST", "/desk/api/login", {"name": "张三", "password": "one more"}, office)
    assert status == 429 and "秒后再试" in body["error"]   # (slowed, however many addresses it has)
    for n in range(20):   # (going on, as each wait ends)
        now[0] += ACCOUNT_LONGEST_WAIT + 1
        guesser.remote = f"10.2.0.{n}"
        guesser.call("POST", "/desk/api/login", {"name": "张三", "password": f"more {n}"}, office)
    status, body = owner.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"}, office)
    assert status == 429 and int(re.search(r"(\d+) 秒", body["error"])[1]) <= ACCOUNT_LONGEST_WAIT + 1   # (a minute, not an hour)
    now[0] += ACCOUNT_LONGEST_WAIT + 1
    assert owner.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"}, office)[0] == 200


def test_a_guesser_on_ipv6_is_braked_though_it_takes_a_new_address_of_its_network_for_each_guess(mini):
    """An IPv6 computer has a whole /64 of addresses: counted by address, it was never braked (and an
    IPv4 address written as IPv6 was another address than itself)."""
    accounts.add_account(mini, "张三", "主编", "correct horse")
    desk = app.mount(mini, "::", PORT, lambda m: None)
    desk.throttle = LoginThrottle(clock=lambda: 1000.0)
    office = {"Origin": f"http://[2001:db8::20]:{PORT}"}
    guesser = Browser(desk, f"[2001:db8::20]:{PORT}")
    for n in range(FREE_FAILURES):
        guesser.remote = f"2001:db8:0:66::{n + 1:x}"
        assert guesser.call("POST", "/desk/api/login", {"name": "张三", "password": f"guess {n}"}, office)[0] == 401
    guesser.remote = "2001:db8:0:66:ffff:1:2:3"
    status, body = guesser.call("POST", "/desk/api/login", {"name": "张三", "password": "guess again"}, office)
    assert status == 429 and body["error"] == f"密码错误次数太多：请 {int(FIRST_WAIT) + 1} 秒后再试"
    owner = Browser(desk, f"[2001:db8::20]:{PORT}")   # (the 主编, at a computer of another network)
    owner.remote = "2001:db8:0:10::5"
    assert owner.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"}, office)[0] == 200
    for n in range(FREE_FAILURES):
        guesser.remote = "192.168.1.66" if n % 2 else "::ffff:192.168.1.66"
        guesser.call("POST", "/desk/api/login", {"name": "张三", "password": f"v4 guess {n}"}, office)
    status, _body = guesser.call("POST", "/desk/api/login", {"name": "张三", "password": "v4 again"}, office)
    assert status == 429


def test_sessions_end_after_8_idle_hours_and_an_account_keeps_a_bounded_number(mini):
    """Every tab opened on this computer without a cookie began a 本机 session that was never dropped."""
    desk = app.Desk(mini, "127.0.0.1", PORT)
    now = [1000.0]
    desk.sessions = SessionStore(clock=lambda: now[0])
    desk.gate.sessions = desk.sessions
    for _n in range(3 * MOST_PER_ACCOUNT):
        assert Browser(desk).call("GET", "/编辑部/")[0] == 200
    assert len(desk.sessions.sessions) == MOST_PER_ACCOUNT
    b = Browser(desk)
    b.open_desk()
    now[0] += IDLE_SECONDS - 60
    assert b.call("GET", "/desk/api/board")[0] == 200   # (used within 8 hours: it goes on)
    now[0] += IDLE_SECONDS + 1
    assert b.call("GET", "/desk/api/board")[0] == 401
    assert b.call("GET", "/desk/login?expired=1")[0] == 303 and dict(b.last_headers)["Location"] == "./"   # (本机: again)
    assert b.call("GET", "/desk/")[0] == 200 and b.call("GET", "/desk/api/session")[0] == 200
    now[0] += IDLE_SECONDS + 1
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    assert b.call("GET", "/desk/")[0] == 303 and dict(b.last_headers)["Location"] == "login?expired=1"


def test_a_page_of_another_site_cannot_end_the_editors_session_by_asking_for_the_desk_often(mini):
    """Each request for the desk without the cookie (an <img> of another site's page: no SameSite cookie
    goes with it, and none is kept from its answer) began a 本机 session; the eleventh ended the editor's,
    and the desk's next save went to the login page, the text typed with it."""
    editor = Browser(app.Desk(mini, "127.0.0.1", PORT))
    assert editor.open_desk() == 200
    of_another_site = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "image"}
    for _n in range(3 * MOST_PER_ACCOUNT):
        assert Browser(editor.desk).call("GET", "/编辑部/", headers=of_another_site)[0] == 200
    assert len(editor.desk.sessions.sessions) == MOST_PER_ACCOUNT
    assert editor.call("GET", "/desk/api/board")[0] == 200   # (the editor's session goes on)


def test_the_login_brake_forgets_old_records_and_keeps_a_bounded_table():
    """(One record per account name ever tried was kept for as long as the desk ran: names tried by the
    million filled the memory.)"""
    now = [1000.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    for _attempt in range(FREE_FAILURES + 1):
        throttle.failed("user:张三")
    assert throttle.wait_seconds("user:张三") == 2 * FIRST_WAIT
    now[0] += 2 * FIRST_WAIT + 1
    throttle.failed("user:李四")
    assert "user:张三" in throttle.failures   # (its wait is over, but a guesser back within the day is remembered)
    throttle.failed("user:张三")
    assert throttle.wait_seconds("user:张三") == 4 * FIRST_WAIT
    now[0] += 4 * FIRST_WAIT + FORGET_AFTER + 1
    throttle.failed("user:王五")
    assert set(throttle.failures) == {"user:王五"}   # (a day after their waits ended, both are forgotten)
    for n in range(MOST_RECORDS + 500):
        throttle.failed(f"user:guess-{n}")
        if n == MOST_RECORDS // 2:
            for _attempt in range(FREE_FAILURES):
                throttle.failed("user:张三")   # (the name being guessed, among many made-up ones)
    assert len(throttle.failures) == MOST_RECORDS
    assert "user:guess-0" not in throttle.failures and f"user:guess-{MOST_RECORDS + 499}" in throttle.failures
    assert throttle.wait_seconds("user:张三") == FIRST_WAIT   # (its record is not among the oldest: still braked)


def test_roles_limit_the_final_review_and_publishing(mini):
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    desk = app.mount(mini, "127.0.0.1", PORT, lambda m: None)
    b = Browser(desk)
    b.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"})
    b.token = b.call("GET", "/desk/api/session")[1]["token"]
    assert b.call("POST", "/desk/api/review", {"path": "2024-07/03-draft.md", "step": "初审"})[0] == 200
    assert b.call("POST", "/desk/api/review", {"path": "2024-07/03-draft.md", "step": "复审"})[0] == 403
    for kind in ("deploy-dry", "deploy", "rollback"):
        assert b.call("POST", "/desk/api/jobs", {"kind": kind})[0] == 403
    draft = opened(b, "2024-07/03-draft.md")
    before = (mini / "content/2024-07/03-draft.md").read_bytes()
    status, reply = b.call("PUT", "/desk/api/article", {"path": draft["path"], "fields": {"draft": False},
                                                        "body": draft["body"], "digest": draft["digest"]})
    assert status == 403 and "草稿" in reply["error"] and (mini / "content/2024-07/03-draft.md").read_bytes() == before
    published = opened(b, "2024-07/01-first.md")
    assert b.call("PUT", "/desk/api/article", {"path": published["path"], "fields": {"title": published["fields"]["title"]},
                                               "body": "编辑偷偷改的\n", "digest": published["digest"]})[0] == 403


def test_a_file_changed_on_disk_gets_409_with_both_versions_and_nothing_is_overwritten(browser, mini):
    article = opened(browser)
    path = mini / "content/2024-07/01-first.md"
    path.write_text(path.read_text(encoding="utf-8").replace("这是第一段", "另一位编辑改的第一段"), encoding="utf-8")
    theirs = path.read_bytes()
    status, reply = browser.call("PUT", "/desk/api/article", {"path": article["path"], "fields": article["fields"],
                                                              "body": "我的版本\n", "digest": article["digest"]})
    assert status == 409 and path.read_bytes() == theirs and "另一位编辑改的第一段" in reply["conflict"]["text"]
    mine = reply["conflict"]["mine"]   # (the whole file as it would be saved, to compare with the whole file on disk)
    assert mine.startswith("---\n标题: 第一篇新闻\n") and mine.endswith("---\n我的版本\n")
    assert [True, "我的版本"] in reply["conflict"]["mine_lines"] and [False, "标题: 第一篇新闻"] in reply["conflict"]["mine_lines"]
    assert any(changed and "另一位编辑改的第一段" in line for changed, line in reply["conflict"]["theirs_lines"])
    status, _saved = browser.call("PUT", "/desk/api/article", {"path": article["path"], "fields": article["fields"],
                                                               "body": "我的版本\n", "digest": reply["conflict"]["digest"]})
    assert status == 200 and path.read_text(encoding="utf-8").endswith("我的版本\n")
    assert theirs in [history.text_at(mini, article["path"], v.id) for v in history.versions(mini, article["path"])]


def test_history_restore_over_http(browser, mini):
    article = opened(browser, "2024-07/02-second.md")
    first = browser.call("PUT", "/desk/api/article", {"path": article["path"], "fields": article["fields"],
                                                      "body": "第一版\n", "digest": article["digest"]})[1]
    second = browser.call("PUT", "/desk/api/article", {"path": article["path"], "fields": article["fields"],
                                                       "body": "第二版\n", "digest": first["digest"]})[1]
    versions = browser.call("GET", "/desk/api/history?path=2024-07/02-second.md")[1]["versions"]
    older = versions[1]
    diff = browser.call("GET", f"/desk/api/version?path=2024-07/02-second.md&id={older['id']}")[1]["diff"]
    assert ["+", "第一版"] in diff
    assert browser.call("POST", "/desk/api/restore", {"path": article["path"], "id": "0" * 40, "digest": second["digest"]})[0] == 400
    assert browser.call("POST", "/desk/api/restore", {"path": article["path"], "id": older["id"], "digest": second["digest"]})[0] == 200
    assert (mini / "content/2024-07/02-second.md").read_text(encoding="utf-8").endswith("第一版\n")


def test_uploads_are_limited_and_checked_by_content(browser, mini):
    assert browser.call("POST", "/desk/api/upload?kind=photo&path=2024-07/01-first.md&name=x.jpg",
                        raw=b"<html>not a photo</html>")[0] == 400
    assert browser.call("POST", "/desk/api/upload?kind=docx&name=稿件.docx", raw=b"PK\3\4 not really")[0] == 400
    assert browser.call("POST", "/desk/api/upload?kind=docx&name=x.docx",
                        headers={"Content-Length": str(200 * 2**20)})[0] == 413
    assert not list((mini / "content/2024-07").glob("first-*"))


def test_the_preview_is_served_as_before_beside_the_desk(browser):
    assert browser.call("GET", "/2024-07/first/")[1] == b"the preview"
    assert browser.call("GET", "/编辑部")[0] == 301


def logged_in(desk: app.Desk, name: str, password: str) -> Browser:
    b = Browser(desk)
    assert b.call("POST", "/desk/api/login", {"name": name, "password": password})[0] == 200
    b.token = b.call("GET", "/desk/api/session")[1]["token"]
    return b


def test_a_session_ends_when_its_account_is_removed_or_its_password_or_role_changes(mini):
    desk = app.Desk(mini, "127.0.0.1", PORT)
    local = Browser(desk)
    assert local.open_desk() == 200 and local.call("GET", "/desk/api/board")[0] == 200
    accounts.add_account(mini, "张三", "主编", "correct horse")
    assert local.call("GET", "/desk/api/board")[0] == 401   # (本机's session ends once there are accounts)
    b = logged_in(desk, "张三", "correct horse")
    assert b.call("GET", "/desk/api/board")[0] == 200
    accounts.set_password(mini, "张三", "another phrase")   # (desk-user passwd)
    assert b.call("GET", "/desk/api/board")[0] == 401
    assert b.call("POST", "/desk/api/review", {"path": "2024-07/03-draft.md", "step": "初审"})[0] == 401
    b = logged_in(desk, "张三", "another phrase")
    users = mini / accounts.USERS_FILE
    data = json.loads(users.read_text(encoding="utf-8"))
    data["users"]["张三"]["role"] = "编辑"   # (the role changed in users.json)
    users.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert b.call("GET", "/desk/api/board")[0] == 401
    b = logged_in(desk, "张三", "another phrase")
    assert b.call("GET", "/desk/api/session")[1]["role"] == "编辑"
    accounts.remove_account(mini, "张三")   # (desk-user remove)
    assert b.call("GET", "/desk/api/board")[0] == 401


def test_on_the_network_the_preview_needs_the_desks_login_and_on_this_computer_it_does_not(mini):
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    lan = Browser(app.mount(mini, "0.0.0.0", PORT, print), f"192.168.1.20:{PORT}")
    page = {"Accept": "text/html,application/xhtml+xml"}
    for path in ("/", "/2024-07/first/", "/2024-07/draft/", "/__xiaokan__/changes/2024-07/"):
        status, _body = lan.call("GET", path, headers=page)
        location = dict(lan.last_headers)["Location"]
        assert status == 303 and location.startswith("/%E7%BC%96%E8%BE%91%E9%83%A8/login?next="), (path, location)
        assert urllib.parse.unquote(location.split("next=", 1)[1]) == path
    for path in ("/__xiaokan__/state", "/2024-07/first/index.html", "/assets/site.css", "/__xiaokan__/pdf/2024-07.pdf"):
        assert lan.call("GET", path)[0] == 401, path   # (not a page: no redirect, a refusal)
    desk = lan.desk
    assert desk.early_refusal("GET", "/livereload", "", {"Host": f"192.168.1.20:{PORT}"})[0] == 401
    assert desk.early_refusal("GET", "/livereload.js", "", {"Host": f"192.168.1.20:{PORT}"})[0] == 401
    assert lan.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"},
                    {"Origin": f"http://192.168.1.20:{PORT}"})[0] == 200
    assert lan.call("GET", "/2024-07/first/", headers=page) == (200, b"the preview")
    assert lan.call("GET", "/__xiaokan__/state")[0] == 200
    cookie = "; ".join(f"{k}={v}" for k, v in lan.cookies.items())
    assert desk.early_refusal("GET", "/livereload", "", {"Host": f"192.168.1.20:{PORT}", "Cookie": cookie}) is None
    local = Browser(app.mount(mini, "127.0.0.1", PORT, print))   # (this computer only: as before)
    assert local.call("GET", "/2024-07/first/", headers=page) == (200, b"the preview")
    assert local.call("GET", "/__xiaokan__/state")[0] == 200


def test_a_sandboxed_preview_pages_pictures_and_socket_are_let_in_only_where_someone_is_logged_in(mini):
    """With trust_html the preview's pages are sandboxed (of no site): the browser sends their pictures,
    styles and live-reload socket without the desk's cookie, which the network's preview asked for."""
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    desk = app.mount(mini, "0.0.0.0", PORT, print)
    desk.sandboxed = lambda: True
    lan_host = f"192.168.1.20:{PORT}"
    of_sandbox = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "image"}
    logged_in, same_pc, other_pc = Browser(desk, lan_host), Browser(desk, lan_host), Browser(desk, lan_host)
    same_pc.remote = logged_in.remote = "192.168.1.10"
    other_pc.remote = "192.168.1.66"
    assert same_pc.call("GET", "/assets/site.css", headers=of_sandbox)[0] == 401   # (nobody has logged in)
    assert logged_in.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"},
                          {"Origin": f"http://{lan_host}"})[0] == 200
    assert same_pc.call("GET", "/assets/site.css", headers=of_sandbox) == (200, b"the preview")
    assert desk.early_refusal("GET", "/livereload", "", {"Host": lan_host, **of_sandbox}, "192.168.1.10") is None
    socket = {"Host": lan_host, "Origin": "null", "Upgrade": "websocket"}   # (as Chromium opens it: no Sec-Fetch-*)
    assert desk.early_refusal("GET", "/livereload", "", socket, "192.168.1.10") is None
    assert desk.early_refusal("GET", "/livereload", "", socket, "192.168.1.66")[0] == 401
    assert other_pc.call("GET", "/assets/site.css", headers=of_sandbox)[0] == 401
    assert desk.early_refusal("GET", "/livereload", "", {"Host": lan_host, **of_sandbox}, "192.168.1.66")[0] == 401
    link = {"Accept": "text/html", "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Dest": "document"}
    assert same_pc.call("GET", "/2024-07/draft/", headers=link) == (200, b"the preview")   # (a link of the page followed)
    assert other_pc.call("GET", "/2024-07/draft/", headers=link)[0] == 303
    typed = {"Accept": "text/html", "Sec-Fetch-Site": "none", "Sec-Fetch-Dest": "document"}
    assert same_pc.call("GET", "/2024-07/draft/", headers=typed)[0] == 303   # (opened without the cookie: the login)
    desk.sandboxed = lambda: False   # (without trust_html nothing comes without the cookie)
    assert same_pc.call("GET", "/assets/site.css", headers=of_sandbox)[0] == 401


def test_a_change_to_the_desk_without_a_session_is_refused_before_its_body_is_read(mini):
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    desk = app.mount(mini, "127.0.0.1", PORT, print)
    head = {"Host": HOST, "Content-Length": str(40 * 2**20)}
    assert desk.early_refusal("POST", "/编辑部/api/upload", "kind=docx", head)[0] == 401
    assert desk.early_refusal("POST", "/desk/api/login", "", head)[0] == 413   # (no login is 40 MB)
    assert desk.early_refusal("POST", "/desk/api/login", "", {**head, "Content-Length": "200"}) is None   # (a login is let in)


# --- malformed requests: a Chinese 400 (or 404), never a 500 -------------------------------------

class QueuedJobs:
    """Jobs accepted but never run (the fuzzing below must not start builds and deploys)."""

    def __init__(self):
        self.jobs = {}

    def submit(self, kind, who, work):
        from xiaokan.desk.editorial.tasks import Job

        job = self.jobs[len(self.jobs) + 1] = Job(len(self.jobs) + 1, kind, who)
        return job

    def get(self, job_id):
        return self.jobs.get(job_id)


@pytest.fixture
def fuzzed(mini):
    lines = []
    desk = app.Desk(mini, "127.0.0.1", PORT, lines.append)
    desk.jobs = QueuedJobs()
    b = Browser(desk)
    b.open_desk()
    return b, lines


def refused_in_chinese(status, reply, expected=(400, 404)):
    assert status in expected, (status, reply)
    assert isinstance(reply, dict) and re.search(r"[\u4e00-\u9fff]", reply["error"]), reply
    assert "Traceback" not in reply["error"] and "Error" not in reply["error"], reply


LONG_ID = "a" * 300


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/desk/api/jobs/²", None), ("GET", "/desk/api/jobs/" + "9" * 5000, None),
    ("PUT", "/desk/api/article", {"path": "2024-07/01-first.md", "fields": None, "body": "\ud800", "digest": ""}),
    ("PUT", "/desk/api/article", {"path": "2024-07/01-first.md", "fields": {"title": "\udfff"}, "body": "", "digest": ""}),
    ("POST", "/desk/api/arrange", {"issue": "2024-07", "layout": [{"section": "新闻政策", "articles": 5}]}),
    ("POST", "/desk/api/arrange", {"issue": "2024-07", "layout": 5}),
    ("POST", "/desk/api/jobs", {"kind": "import", "issue": "2024-07", "section": "新闻政策", "staged": 5}),
    ("POST", "/desk/api/jobs", {"kind": "deploy", "confirms": "abc"}),
    ("POST", "/desk/api/jobs", {"kind": "deploy", "confirms": [1]}),
    ("POST", "/desk/api/articles", {"issue": LONG_ID, "section": "新闻政策", "title": "标题"}),
    ("POST", "/desk/api/issues", {"id": LONG_ID, "fields": {}}),
    ("PUT", "/desk/api/issue", {"id": LONG_ID, "fields": {}, "digest": ""}), ("GET", "/desk/api/issue?id=" + LONG_ID, None),
    ("PUT", "/desk/api/issue", {"id": "2024-07", "fields": {"print_run": ["300"]}, "digest": ""}),
    ("POST", "/desk/api/jobs", {"kind": "proof", "issue": LONG_ID}),
    ("POST", "/desk/api/upload?kind=photo&path=2099-01/01-x.md&name=x.png", "PNG"),
    ("POST", "/desk/api/upload?kind=csv&path=2099-01/01-x.md&name=x.csv", "CSV"),
    ("POST", "/desk/api/upload?kind=csv&path=2024-07/" + "x" * 250 + ".md&name=x.csv", "CSV"),
    ("POST", "/desk/api/review", {"path": ["2024-07/01-first.md"], "step": {"初审": 1}}),
    ("POST", "/desk/api/login", {"name": 5, "password": None}),
])
def test_a_malformed_request_is_a_chinese_400_never_a_500(fuzzed, method, path, body):
    from test_editorial_service import PNG

    b, lines = fuzzed
    if body == "PNG":
        status, reply = b.call(method, path, raw=PNG)
    elif body == "CSV":
        status, reply = b.call(method, path, raw="序号,名称\n1,甲\n".encode())
    elif body is not None and "\ud800" in json.dumps(body) or "\udfff" in json.dumps(body):
        status, reply = b.call(method, path, raw=json.dumps(body).encode())   # (a lone surrogate, as JSON escapes it)
    else:
        status, reply = b.call(method, path, body)
    refused_in_chinese(status, reply, (400, 401, 404) if "login" in path else (400, 404))
    assert not lines, lines


def test_json_nested_deep_or_with_an_infinite_number_is_a_400(fuzzed):
    b, lines = fuzzed
    refused_in_chinese(*b.call("POST", "/desk/api/review", raw=b"[" * 100_000 + b"]" * 100_000))
    refused_in_chinese(*b.call("POST", "/desk/api/review", raw=b'{"path": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"))
    refused_in_chinese(*b.call("POST", "/desk/api/jobs", raw=b'{"kind": "deploy", "confirms": 1e999}'))
    assert not lines


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                    max_leaves=12)
# What each route is meant to get; the fuzzing replaces any part of it (a field, an item, the whole) with any JSON.
FORM = {"title": "标题", "subtitle": "", "section": "新闻政策", "date": "2024-07-05", "author": "张三", "source": "",
        "photographer": "李明", "summary": "", "tags": ["一", "二"], "headline": False, "draft": True, "order": "2",
        "slug": "first"}
MEANT = {
    ("POST", "/api/issues"): {"id": "2024-09", "fields": {"title": "2024年第9期", "number": "9", "date": "2024-09-01",
                                                          "editors": "张三、李四", "print_run": "300"}},
    ("PUT", "/api/issue"): {"id": "2024-07", "fields": {"title": "2024年第2期", "number": "2", "date": "2024-07-31",
                                                        "print_run": "300"}, "digest": ""},
    ("POST", "/api/articles"): {"issue": "2024-07", "section": "新闻政策", "title": "新的一篇"},
    ("PUT", "/api/article"): {"path": st.sampled_from(["2024-07/03-draft.md", "2024-07/01-first.md"]), "fields": FORM, "body": "正文\n", "digest": ""},
    ("POST", "/api/arrange"): {"issue": "2024-07", "layout": [{"section": "他山之石", "articles": ["2024-07/03-draft.md"]}]},
    ("POST", "/api/restore"): {"path": "2024-07/03-draft.md", "id": "0" * 40, "digest": ""},
    ("POST", "/api/review"): {"path": "2024-07/03-draft.md", "step": "初审"},
    ("POST", "/api/jobs"): {"kind": st.sampled_from(["import", "proof", "deploy", "build", "deploy-dry", "rollback"]),
                            "issue": "2024-07", "section": "新闻政策", "staged": ["0123456789abcdef"],
                            "replace": False, "confirms": 1},
    ("POST", "/api/login"): {"name": "张三", "password": "correct horse"},
}
ROUTES = sorted(k for k in app.ROUTES if k[1] != "/api/logout") + [("GET", "/api/jobs/1"), ("GET", "/print/x.pdf"),
                                                                  ("GET", "/site/2024-07/")]
QUERY = st.dictionaries(st.sampled_from(["path", "id", "kind", "name"]),
                        st.one_of(st.sampled_from(["2024-07/01-first.md", "photo", "csv", "docx", "0" * 40, "2024-07"]),
                                  st.text(max_size=20)), max_size=3)


def mutated(meant):
    """meant, with any parts of it (a few, mostly) replaced by any JSON value."""
    if isinstance(meant, st.SearchStrategy):
        kept = meant
    elif isinstance(meant, dict):
        kept = st.fixed_dictionaries({k: mutated(v) for k, v in meant.items()})
    elif isinstance(meant, list):
        kept = st.lists(st.one_of(*[mutated(v) for v in meant]), max_size=3) if meant else st.just([])
    else:
        kept = st.just(meant)
    return st.integers(0, 7).flatmap(lambda n: JSON if n == 0 else kept)   # (one part in eight replaced)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_json_at_any_route_is_answered_below_500_without_a_traceback(fuzzed, data):
    b, lines = fuzzed
    method, path = data.draw(st.sampled_from(ROUTES))
    body = data.draw(mutated(MEANT.get((method, path), {})))
    query = data.draw(QUERY)
    if b.call("GET", "/desk/api/session")[0] != 200:   # (a login with the random body may end the session)
        b.open_desk()
    status, reply = b.call(method, "/desk" + path + "?" + urllib.parse.urlencode(query), raw=json.dumps(body).encode())
    assert status < 500, (method, path, body, query, reply)
    if status >= 400 and isinstance(reply, dict):
        assert "Traceback" not in reply.get("error", "")
    assert not [line for line in lines if "could not answer" in line or "Traceback" in line], lines


def test_a_version_saved_as_gbk_outside_the_desk_is_shown_and_restored_as_utf8(browser, mini):
    path = mini / "content/2024-07/02-second.md"
    article = opened(browser, "2024-07/02-second.md")
    gbk = "---\ntitle: 第二篇动态\nsection: 评建动态\n---\n记事本里用 GBK 保存的正文。\n"
    path.write_bytes(gbk.encode("gbk"))   # (meanwhile, Notepad's ANSI on a Chinese Windows)
    conflict = browser.call("PUT", "/desk/api/article", {"path": article["path"], "fields": article["fields"],
                                                         "body": "编辑部里的正文。\n", "digest": article["digest"]})[1]
    saved = browser.call("PUT", "/desk/api/article", {"path": article["path"], "fields": None,
                                                      "body": "---\ntitle: 第二篇动态\nsection: 评建动态\n---\n编辑部里的正文。\n",
                                                      "digest": conflict["conflict"]["digest"]})
    assert saved[0] == 200, saved
    versions = browser.call("GET", "/desk/api/history?path=2024-07/02-second.md")[1]["versions"]
    kept = next(v for v in versions if history.text_at(mini, "2024-07/02-second.md", v["id"]) == gbk.encode("gbk"))
    status, shown = browser.call("GET", f"/desk/api/version?path=2024-07/02-second.md&id={kept['id']}")
    assert status == 200 and "记事本里用 GBK 保存的正文。" in shown["text"] and ["+", "记事本里用 GBK 保存的正文。"] in shown["diff"]
    status, reply = browser.call("POST", "/desk/api/restore", {"path": article["path"], "id": kept["id"],
                                                               "digest": saved[1]["digest"]})
    assert status == 200, reply
    assert path.read_text(encoding="utf-8") == gbk   # (written back as UTF-8)
    history.record(mini, "2024-07/02-second.md", b"\xff\xfe\x00\xd8 not text \x81", "x", "binary")
    binary = history.versions(mini, "2024-07/02-second.md")[0]
    refused_in_chinese(*browser.call("POST", "/desk/api/restore", {"path": article["path"], "id": binary.id,
                                                                  "digest": articles.digest(path.read_bytes())}))


COMMAND = re.compile(r"build\.py|(?:^|[\s，、（(：:])--[a-z]")


def test_the_desk_names_its_own_buttons_where_the_command_line_names_commands(browser, mini, tmp_path):
    from xiaokan.core.errors import DeployError
    from xiaokan.desk import scaffold
    from xiaokan.desk.editorial import publishing, tasks
    from xiaokan.desk.editorial.hints import for_desk

    status, reply = browser.call("POST", "/desk/api/articles", {"issue": "2024-07", "section": "新闻政策", "title": "  "})
    assert status == 400 and "新建文章" in reply["error"] and not COMMAND.search(reply["error"]), reply
    status, reply = browser.call("POST", "/desk/api/issues", {"id": "2024-07", "fields": {}})
    assert status == 400 and "新建文章" in reply["error"] and not COMMAND.search(reply["error"]), reply
    status, reply = browser.call("POST", "/desk/api/jobs", {"kind": "proof", "issue": "2099-01"})
    assert status == 400 and "新建一期" in reply["error"] and not COMMAND.search(reply["error"]), reply
    status, reply = browser.call("POST", "/desk/api/articles", {"issue": "2099-01", "section": "新闻政策", "title": "x"})
    assert status == 400 and "新建一期" in reply["error"] and not COMMAND.search(reply["error"]), reply
    shared = []   # (errors raised by the command line's own functions, on their way to the page)
    for call in (lambda: scaffold.new_issue(mini, "2024-07", __import__("datetime").date.today()),
                 lambda: scaffold.check_issue_id("content/2024-09"), lambda: scaffold.make_article(mini, "新闻政策", "2024-07", " "),
                 lambda: scaffold.issue_folder(mini, "2099-01", "新闻政策")):
        with pytest.raises(ContentError) as caught:
            call()
        shared.append(caught.value)
    shared.append(DeployError(mini / "output", None, _("there is no built site to deploy in output/"), _("run `build.py build` first")))
    shared.append(ContentError(mini / "content/2024-06/01-x.md", None, _(
        "this document was imported into issue {issue}; --replace replaces a draft of the issue named by --issue only").format(
        issue="2024-06"), _("if it belongs in this issue, move that draft here or delete it first, then import again")))
    shared.append(ContentError(mini / "content/2024-07/01-x.md", None, _(
        "this article is no longer a draft (草稿: false), so --replace does not replace it"), _(
        "make the changes in the article itself, or set 草稿: true first")))
    for error in shared:
        assert COMMAND.search(error.render()), error.render()   # (the command line's hint …)
        shown = tasks.problem(for_desk(error))["text"]
        assert not COMMAND.search(shown) and re.search("新建|生成网站|期文件夹名|替换以前导入的草稿", shown), shown   # (… the desk's)
    job = tasks.Job(1, "deploy-dry", "本机")
    with pytest.raises(ContentError) as no_target:
        publishing.deploy(mini, True, job)
    assert not COMMAND.search(tasks.problem(no_target.value)["text"]) and "site.yaml" in no_target.value.render()


def test_the_issue_pdf_is_the_desks_own_address_and_said_when_missing(browser, mini):
    assert opened(browser)["pdf"] is None   # (no 生成网站 yet: the editor says so instead of a dead link)
    (mini / "print").mkdir()
    (mini / "print/xiaokan-2024-07.pdf").write_bytes(b"%PDF-1.7 test")
    assert opened(browser)["pdf"] == "print/xiaokan-2024-07.pdf"
    status, data = browser.call("GET", "/desk/print/xiaokan-2024-07.pdf")
    assert status == 200 and data == b"%PDF-1.7 test"


def test_the_change_page_keeps_its_own_style_under_the_desks_policy_and_no_inline_script(browser, mini):
    import base64
    import hashlib

    style = b"ins { background: #c6efce; } del { color: #9c0006; }"
    (mini / "print").mkdir()
    (mini / "print/xiaokan-2024-07-proof-2-changes.html").write_bytes(
        b"<!DOCTYPE html><html><head><style>" + style + b"</style></head><body><ins>new</ins></body></html>")
    status, _page = browser.call("GET", "/desk/print/xiaokan-2024-07-proof-2-changes.html")
    policies = [v for k, v in browser.last_headers if k == "Content-Security-Policy"]
    assert status == 200 and len(policies) == 1, policies
    digest = base64.b64encode(hashlib.sha256(style).digest()).decode()
    assert f"'sha256-{digest}'" in policies[0] and "unsafe-inline" not in policies[0]
    assert "script-src" not in policies[0] and "default-src 'self'" in policies[0]


def test_the_login_page_says_where_the_desk_is_open(mini):
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    local = Browser(app.mount(mini, "127.0.0.1", PORT, print)).call("GET", "/desk/login")[1].decode()
    office = Browser(app.mount(mini, "0.0.0.0", PORT, print), f"192.168.1.20:{PORT}").call("GET", "/desk/login")[1].decode()
    assert "只在这台电脑上" in local and "办公室网络" not in local and "{where}" not in local
    assert "向办公室网络开放" in office


def test_a_proof_opened_in_a_tab_of_its_own_opens_here_and_asks_for_the_login_with_accounts(mini):
    (mini / "print").mkdir()
    (mini / "print/xiaokan-2024-07-proof-2.pdf").write_bytes(b"%PDF-1.7 proof")
    alone = Browser(app.mount(mini, "127.0.0.1", PORT, print))   # (no cookie: a new tab of another browser)
    assert alone.call("GET", "/编辑部/print/xiaokan-2024-07-proof-2.pdf") == (200, b"%PDF-1.7 proof")
    assert alone.call("GET", "/编辑部/api/board")[0] == 200   # (the session it was given is the 本机 one)
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    office = Browser(app.mount(mini, "0.0.0.0", PORT, print), f"192.168.1.20:{PORT}")
    status, _body = office.call("GET", "/编辑部/print/xiaokan-2024-07-proof-2.pdf")
    location = dict(office.last_headers)["Location"]
    assert status == 303 and location.startswith("/%E7%BC%96%E8%BE%91%E9%83%A8/login?next=")
    assert urllib.parse.unquote(location.split("next=", 1)[1]) == "/编辑部/print/xiaokan-2024-07-proof-2.pdf"
    assert office.call("GET", "/编辑部/api/board")[0] == 401   # (the desk's data stays a refusal)


def test_a_reviewed_article_changed_outside_the_desk_is_需重审_on_the_board_and_its_page_alike(browser, mini):
    rel, path = "2024-07/03-draft.md", mini / "content/2024-07/03-draft.md"

    def board_and_page(rel):
        board = browser.call("GET", "/desk/api/board")[1]
        card = next(a for i in board["issues"] for g in i["groups"] for a in g["articles"] if a["path"] == rel)
        page = opened(browser, rel)
        assert (card["state"], card["reset"], card["draft"]) == (page["state"], page["reset"], page["draft"])
        return page

    for step in ("初审", "复审", "终审"):
        assert browser.call("POST", "/desk/api/review", {"path": rel, "step": step})[0] == 200
    assert board_and_page(rel)["state"] == "已定稿"
    path.write_text(path.read_text(encoding="utf-8") + "用 sed 改的一句。\n", encoding="utf-8")   # (outside the desk)
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
    page = board_and_page(rel)
    assert page["state"] == "需重审" and page["draft"] is False and page["steps"] == []
    assert page["reset"] == {"by": "", "at": when, "steps": ["初审", "复审", "终审"]}
    for step in ("初审", "复审", "终审"):   # (reviewed again; then the 主编 changes it in the desk)
        browser.call("POST", "/desk/api/review", {"path": rel, "step": step})
    page = board_and_page(rel)
    save = {"path": rel, "fields": page["fields"], "body": page["body"] + "主编补充。\n", "digest": page["digest"]}
    saved = browser.call("PUT", "/desk/api/article", save)[1]
    page = board_and_page(rel)
    assert saved["state"] == page["state"] == "需重审" and page["reset"]["by"] and page["reset"]["at"]
    assert browser.call("POST", "/desk/api/review", {"path": rel, "step": "退回"})[1]["state"] == "草稿"
    assert board_and_page(rel)["state"] == "草稿"


def test_the_desk_pages_tab_shows_the_sites_icon_before_a_login_and_nothing_is_a_404(mini):
    """(The desk's pages named no icon: the browser asked the preview for /favicon.ico, a 404 in its console.)"""
    b = Browser(app.Desk(mini, "127.0.0.1", PORT))
    assert b'<link rel="icon" href="favicon">' in b.call("GET", "/编辑部/")[1]
    accounts.add_account(mini, "张三", "编辑", "一个足够长的密码")
    b = Browser(app.Desk(mini, "127.0.0.1", PORT))   # (a browser not logged in)
    assert b'<link rel="icon" href="favicon">' in b.call("GET", "/编辑部/login")[1]
    assert b.call("GET", "/编辑部/favicon") == (204, b"")   # (no favicon in site.yaml: an empty answer)
    with (mini / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("favicon: favicon.png\n")
    status, icon = b.call("GET", "/desk/favicon")
    assert status == 200 and icon == (mini / "assets/favicon.png").read_bytes()
    assert dict(b.last_headers)["Content-Type"] == "image/png"
