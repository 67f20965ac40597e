"""The preview server and 编辑部 attacked from outside and by careless hands (a second attack pass):
real requests to `build.py serve` on a free port, and the desk's WSGI app in place where a request
cannot be sent from Linux as Windows would take it. What held is in docs/reliability.md's desk table."""
from __future__ import annotations

import http.client
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from test_editorial_http import PORT, Browser, logged_in
from test_serve import network_server

from helpers import LAUNCH, ROOT, free_port, running_server, stop, wait_for
from xiaokan.core.errors import ContentError
from xiaokan.core.i18n import _
from xiaokan.desk import preview_site
from xiaokan.desk.editorial import accounts, app, files


def _request(base: str, method: str, path: str, body: bytes | None = None, **headers: str):
    host = base.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=20)
    try:
        connection.request(method, path, body, {"Origin": base, "Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _login(base: str, password: str = "correct horse"):
    return _request(base, "POST", "/desk/api/login", json.dumps({"name": "张三", "password": password}).encode())


# --- every route and method, from everywhere (held: a guard) --------------------------------------

ROUTE_PATHS = ["/desk/", "/desk/login", "/desk/static/desk.js", "/desk/favicon", "/desk/api/session", "/desk/api/logout",
               "/desk/api/board", "/desk/api/issues", "/desk/api/articles", "/desk/api/article?path=2024-07/01-first.md",
               "/desk/api/findings?path=2024-07/01-first.md", "/desk/api/arrange", "/desk/api/history?path=2024-07/01-first.md",
               "/desk/api/version?path=2024-07/01-first.md&id=" + "0" * 40, "/desk/api/restore", "/desk/api/review",
               "/desk/api/jobs", "/desk/api/jobs/1", "/desk/api/upload?kind=csv&path=2024-07/01-first.md&name=a.csv",
               "/desk/api/login", "/desk/print/xiaokan-2024-07.pdf", "/desk/site/", "/", "/2024-07/first/",
               "/__xiaokan__/state", "/livereload.js"]
CHANGES = ("POST", "PUT", "DELETE", "PATCH", "OPTIONS")


def _session(base: str) -> tuple[str, str]:
    status, headers, _body = _request(base, "GET", "/desk/")
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    return cookie, json.loads(_request(base, "GET", "/desk/api/session", Cookie=cookie)[2])["token"]


def test_no_route_and_method_answers_another_site_or_a_request_without_its_token(mini):
    """Every route of the desk and the preview × GET, HEAD and five methods that change things: without a
    session, with a wrong token, with another session's token, from another site's page, at a
    DNS-rebinding Host. Nothing is changed, no answer lets another site read it (no CORS header), none is a 500."""
    from helpers import snapshot

    with running_server(mini) as (base, _process):
        port = base.rsplit(":", 1)[1]
        cookie, token = _session(base)
        _other_cookie, other_token = _session(base)
        before = snapshot(mini / "content")
        tries = {"no session": {}, "no token": {"Cookie": cookie}, "a wrong token": {"Cookie": cookie, "X-Desk-Token": "x"},
                 "another session's token": {"Cookie": cookie, "X-Desk-Token": other_token},
                 "another site's page": {"Cookie": cookie, "X-Desk-Token": token, "Origin": "http://evil.example"},
                 "a rebinding Host": {"Cookie": cookie, "X-Desk-Token": token, "Host": f"127.0.0.1.evil.example:{port}",
                                      "Origin": f"http://127.0.0.1.evil.example:{port}"}}
        for path in ROUTE_PATHS:
            for method in ("GET", "HEAD", *CHANGES):
                for label, headers in tries.items():
                    if method not in CHANGES and label not in ("another site's page", "a rebinding Host"):
                        continue   # (reading is what a session is for)
                    body = json.dumps({"path": "2024-07/01-first.md", "step": "初审"}).encode() if method in CHANGES else None
                    status, answer, _text = _request(base, method, path, body, **{"Origin": base, **headers})
                    said = (method, path, label, status)
                    assert status < 500 and not [h for h in answer if h.lower().startswith("access-control-")], said
                    assert status >= 400 or (method in ("GET", "HEAD") and label == "another site's page"), said
        assert snapshot(mini / "content") == before
        assert not (mini / ".desk/review.json").exists()


# --- the accounts file changed while the preview is open to the network -----------------------------

@pytest.mark.parametrize("emptied", ["removed", "deleted", "no users"])
def test_on_the_network_the_desk_stays_closed_when_the_accounts_are_gone(mini, emptied):
    """The last account removed (desk-user remove), .desk/ cleaned up, or users.json emptied while
    `serve --host 0.0.0.0` runs: the desk and its preview gave everybody on the network a 主编's
    session without a password (本机's, meant for 127.0.0.1 only)."""
    with network_server(mini) as (base, _process):
        assert _login(base)[0] == 200
        users = mini / accounts.USERS_FILE
        if emptied == "removed":
            accounts.remove_account(mini, "张三")
        elif emptied == "deleted":
            users.unlink()
        else:
            users.write_text('{"users": {}}', encoding="utf-8")
        status, headers, _body = _request(base, "GET", "/desk/")
        assert status == 303 and headers["Location"] == "login" and "Set-Cookie" not in headers
        status, _headers, body = _request(base, "GET", "/desk/api/session")
        assert status == 401
        assert _request(base, "GET", "/2024-07/draft/", Accept="text/html")[0] == 303
        assert _request(base, "GET", "/__xiaokan__/state")[0] == 401
        status, _headers, body = _login(base)
        assert status == 401 and json.loads(body)["error"] == _("the desk has no accounts, so nobody can log in from "
                                                                  "the network")


DAMAGED = {
    "not JSON": ("{users", "账号文件读不出来"),
    "a list of users": ('{"users": []}', "账号文件读不出来"),
    "an account that is text": ('{"users": {"张三": "主编"}}', "账号 '张三'"),
    "an account without its hash": ('{"users": {"张三": {"role": "主编"}}}', "账号 '张三'"),
    "a hash that is no hex": ('{"users": {"张三": {"role": "主编", "salt": "zz", "hash": "00", "n": 16384, "r": 8, '
                              '"p": 1}}}', "账号 '张三'"),
    "scrypt asked for 1 TB": ('{"users": {"张三": {"role": "主编", "salt": "00", "hash": "00", "n": 1073741824, '
                              '"r": 1024, "p": 1}}}', "账号 '张三'"),
}


@pytest.mark.parametrize("text, said", DAMAGED.values(), ids=DAMAGED.keys())
def test_a_damaged_accounts_file_keeps_the_desk_closed_and_says_so_never_a_500(mini, text, said):
    """A login answered 500 「编辑部没能处理这个请求」 (TypeError, KeyError, ValueError in the terminal),
    and the desk's pages and the preview answered 500 to everyone while the file was not JSON."""
    accounts.add_account(mini, "张三", "主编", "correct horse")
    lan = Browser(app.mount(mini, "0.0.0.0", PORT, print), f"192.168.1.20:{PORT}")
    local = Browser(app.Desk(mini, "127.0.0.1", PORT))
    (mini / accounts.USERS_FILE).write_text(text, encoding="utf-8")
    for browser in (lan, local):
        status, _page = browser.call("GET", "/编辑部/")
        assert status == 303 and "Set-Cookie" not in dict(browser.last_headers)   # (to the login: no session)
        status, reply = browser.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"},
                                     {"Origin": f"http://{browser.host}"})
        assert status == 400 and said in reply["error"] and ".desk/users.json" in reply["error"], reply
    assert lan.call("GET", "/2024-07/draft/", headers={"Accept": "text/html"})[0] == 303
    assert lan.call("GET", "/__xiaokan__/state")[0] == 401
    assert local.call("GET", "/2024-07/draft/")[0] == 200   # (on this computer the preview stays open)
    with pytest.raises(ContentError) as raised:   # (and the network start says it, before the desk opens)
        app.mount(mini, "0.0.0.0", PORT, print)
    assert said in raised.value.render()
    with pytest.raises(ContentError):
        accounts.list_accounts(mini)   # (`desk-user list` gave a TypeError traceback)
    assert (mini / accounts.USERS_FILE).read_text(encoding="utf-8") == text   # (nothing rewritten)


def test_an_account_whose_hash_is_damaged_gets_a_new_password_and_the_others_log_in(mini):
    accounts.add_account(mini, "张三", "主编", "correct horse")
    accounts.add_account(mini, "李四", "编辑", "another phrase")
    users = mini / accounts.USERS_FILE
    data = json.loads(users.read_text(encoding="utf-8"))
    data["users"]["张三"]["hash"] = "not hex"
    users.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    desk = app.mount(mini, "127.0.0.1", PORT, print)
    assert logged_in(desk, "李四", "another phrase").call("GET", "/desk/api/board")[0] == 200
    accounts.set_password(mini, "张三", "a new phrase")
    assert accounts.verify(mini, "张三", "a new phrase") == accounts.Account("张三", "主编")


def test_an_accounts_file_saved_by_notepad_with_a_byte_order_mark_still_logs_in(mini):
    """A role changed by hand in Notepad, which may save UTF-8 with a BOM: it was 「账号文件读不出来」 for everyone."""
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    users = mini / accounts.USERS_FILE
    users.write_bytes(b"\xef\xbb\xbf" + users.read_bytes().replace("编辑".encode(), "主编".encode()))
    browser = logged_in(app.mount(mini, "0.0.0.0", PORT, print), "张三", "correct horse")
    assert browser.call("GET", "/desk/api/session")[1]["role"] == "主编"


def test_an_accounts_file_that_cannot_be_read_keeps_the_desk_closed(mini, monkeypatch):
    """(As root, chmod 000 is read all the same: the refusal of the operating system is imitated.)"""
    accounts.add_account(mini, "张三", "主编", "correct horse")
    users = (mini / accounts.USERS_FILE).resolve()
    real = Path.read_text

    def refused(path, *args, **kwargs):
        if Path(path).resolve() == users:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    lan = Browser(app.mount(mini, "0.0.0.0", PORT, print), f"192.168.1.20:{PORT}")
    monkeypatch.setattr(Path, "read_text", refused)
    assert lan.call("GET", "/编辑部/")[0] == 303
    status, reply = lan.call("POST", "/desk/api/login", {"name": "张三", "password": "correct horse"},
                             {"Origin": f"http://192.168.1.20:{PORT}"})
    assert status == 400 and "账号文件读不出来" in reply["error"] and "Permission denied" not in reply["error"], reply
    assert lan.call("GET", "/__xiaokan__/state")[0] == 401


@pytest.mark.skipif(os.name == "nt", reason="Windows keeps no such permission bits")
def test_an_accounts_file_others_may_change_is_refused_on_the_network_and_one_they_may_read_is_said(mini):
    """Anyone on this computer could have added an account of their own (a 主编) to a users.json that
    others may write, and read the password hashes of one others may read."""
    accounts.add_account(mini, "张三", "主编", "correct horse")
    users = mini / accounts.USERS_FILE
    users.chmod(0o666)
    with pytest.raises(ContentError) as raised:
        app.mount(mini, "0.0.0.0", PORT, print)
    assert "chmod 600" in raised.value.render() and ".desk/users.json" in raised.value.render()
    users.chmod(0o644)
    said: list[str] = []
    app.mount(mini, "0.0.0.0", PORT, said.append)
    assert any("chmod 600" in line for line in said), said
    users.chmod(0o600)
    said.clear()
    app.mount(mini, "0.0.0.0", PORT, said.append)
    assert not said and stat.S_IMODE(users.stat().st_mode) == 0o600


# --- before a login, a request holds no more than a login does ------------------------------------

def _answer_to_head(base: str, head: str) -> int:
    address, port = base.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=20) as connection:
        connection.sendall(head.encode())
        return int(connection.recv(4096).split(b" ", 2)[1])   # (answered before a byte of the body is sent)


def test_before_a_login_a_request_may_not_make_the_server_hold_a_large_body(mini):
    """Eight logins of 44 MB each (or GETs of the login page with such a body) made a preview open to
    the network hold 350 MB, from anyone on the network, without a password."""
    with network_server(mini) as (base, _process):
        host = base.removeprefix("http://")
        for method, path in (("POST", "/desk/api/login"), ("GET", "/desk/login"), ("GET", "/desk/static/desk.js")):
            head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {base}\r\n"
            assert _answer_to_head(base, head + f"Content-Length: {44 * 2**20}\r\n\r\n") == 413, path
            assert _answer_to_head(base, head + "Transfer-Encoding: chunked\r\n\r\n") == 413, path
        status, _headers, body = _request(base, "POST", "/desk/api/login", b"{" + b" " * 2**20 + b"}")
        assert status == 413 and "登录" in json.loads(body)["error"]
        assert _login(base)[0] == 200   # (a login as the page sends it)


def _answer_to_long_head(base: str, path: str) -> bytes:
    """What the server says to a request whose head is a megabyte long (b"": it closed the connection)."""
    address, port = base.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=20) as connection:
        try:
            connection.sendall(f"GET {path} HTTP/1.1\r\nHost: {address}:{port}\r\nX-Pad: ".encode() + b"a" * 2**20
                               + b"\r\n\r\n")
            return connection.recv(4096)
        except ConnectionError:
            return b""


def test_on_the_network_a_request_head_is_not_held_up_to_megabytes(mini):
    """Fifty heads of 4 MB from anyone on the network (no login needed to send a head) made the preview
    hold 200 MB. On this computer a long address is still answered."""
    with network_server(mini) as (base, _process):
        answer = _answer_to_long_head(base, "/desk/login")
        assert not answer.startswith(b"HTTP/1.1 200"), answer[:100]
        assert _request(base, "GET", "/desk/login")[0] == 200
    with running_server(mini) as (base, _process):
        assert _answer_to_long_head(base, "/desk/login").startswith(b"HTTP/1.1 200")


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="this computer has no IPv6 loopback")
def test_serve_on_the_ipv6_loopback_says_this_computer_only_at_an_address_a_browser_opens(mini):
    """`serve --host ::1` said 「已在 ::1 上向局域网开放」 (it is not) at http://::1:8000/, which no browser opens."""
    port = free_port()
    log = mini.parent / "serve-ipv6.log"
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen([sys.executable, "-c", LAUNCH, str(mini), "serve", "--no-pdf", "--host", "::1",
                                    "--port", str(port)], cwd=mini, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        said = wait_for(lambda: next((t for t in [log.read_text(encoding="utf-8")] if "编辑部：" in t), None), 60)
        assert f"http://[::1]:{port}/（" in said and f"http://[::1]:{port}/编辑部/" in said, said
        assert "只有本机能打开" in said and "局域网" not in said, said
        connection = http.client.HTTPConnection("::1", port, timeout=20)
        connection.request("GET", "/2024-07/first/")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        stop(process)


# --- names Windows reads as paths elsewhere -------------------------------------------------------

@pytest.mark.parametrize("name", ["a\\..\\secret.txt", "C:secret.txt", "\\\\attacker.example\\share\\x.png"])
def test_a_desk_file_named_with_backslashes_or_a_drive_is_never_looked_up(mini, tmp_path, monkeypatch, name):
    """The desk's own files are answered before a login. On Windows `static/a\\..\\..\\..\\.desk\\users.json`
    walked out of the folder, and `\\\\attacker.example\\share\\x` made Windows log in to another
    computer's share with the editor's password hash. Here the name is a file of its own, as
    Windows would have found it."""
    monkeypatch.setattr(files, "STATIC", tmp_path / "static")
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / name).write_text("secret", encoding="utf-8")
    (tmp_path / "static" / "desk.js").write_text("ok", encoding="utf-8")
    browser = Browser(app.Desk(mini, "127.0.0.1", PORT))
    status, reply = browser.call("GET", "/desk/static/" + name)
    assert status == 404 and reply["error"] == _("there is no such page in the desk")
    assert browser.call("GET", "/desk/static/desk.js") == (200, b"ok")


class Untouchable(type(Path())):
    """A folder whose files may not be looked up: the test fails where the disk would be asked."""

    def __truediv__(self, other):
        raise AssertionError(f"looked up {other!r} on the disk")


@pytest.mark.parametrize("address", ["/\\\\attacker.example\\share\\x.png", "/C:\\Windows\\win.ini", "/C:/Windows/win.ini",
                                     "/2024-07\\..\\..\\site.yaml", "/con", "/2024-07/NUL.html", "/aux.html"])
def test_a_preview_address_windows_reads_as_another_place_is_refused_before_the_disk_is_asked(address):
    """(The preview is open to any page on 127.0.0.1: `<img src="http://127.0.0.1:8000/%5C%5Cattacker.example%5Cshare">`
    made Windows connect to that share with the editor's credentials, or open the device CON.)"""
    assert preview_site.resolve(Untouchable("/srv/preview"), address) is None


def test_a_preview_address_of_the_site_is_still_found(tmp_path):
    (tmp_path / "2024-07/first").mkdir(parents=True)
    (tmp_path / "2024-07/first/index.html").write_text("<p>第一篇</p>", encoding="utf-8")
    (tmp_path / "2024-07/会议:现场.png").write_bytes(b"png")
    assert preview_site.resolve(tmp_path, "/2024-07/first/") == tmp_path / "2024-07/first/index.html"
    assert preview_site.resolve(tmp_path, "/2024-07/会议:现场.png") == tmp_path / "2024-07/会议:现场.png"
    assert preview_site.resolve(tmp_path, "/console/") is None
