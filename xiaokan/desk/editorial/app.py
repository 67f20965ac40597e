"""The 编辑部 as a web application: who may ask (the Host and Origin, the login, the session and its
token, the role), the desk's two pages, and each request handed to its route (routes.py) with what a
route raises turned into the Chinese answer the page shows. Mounted into the preview server
(serve.py) at /编辑部/ and /desk/."""
from __future__ import annotations

import html
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from ...core.errors import ContentError, ContentErrors, environment_error
from ...core.i18n import _
from ..guard import is_loopback
from . import accounts, hints, schema, tasks, uploads
from .articles import Conflict
from .files import serve_file, site_icon, static_file
from .routes import ROUTES, prefixed
from .sessions import ACCOUNT_PREFIX, LoginThrottle, SessionStore, client_of
from .wsgi import (
    SAFE_METHODS,
    BadRequest,
    Gate,
    Request,
    Response,
    cookies_of,
    finish,
    headers_of,
    json_response,
    read_request,
    refusal,
)

PREFIXES = ("/编辑部", "/desk")
PAGES = {"/": "desk.html", "/login": "login.html"}
BEFORE_LOGIN_BODY = 64 * 1024   # bytes a request without a session may send (a login is a few hundred)


class Desk:
    """The desk of one project, served by one preview server at one address."""

    def __init__(self, root: Path, listen_host: str, port: int, log: Callable[[str], None] = lambda m: None):
        self.root = root.resolve()
        self.log = log
        self.sessions = SessionStore()
        self.throttle = LoginThrottle()
        self.gate = Gate(listen_host, port, self.sessions, f"xiaokan-desk-{port}", self._still_valid)
        self.jobs = tasks.JobRunner()
        self.memo: dict = {}   # (articles read before, for the per-article check)
        self.dry_runs: dict[int, float] = {}
        self.sandboxed: Callable[[], bool] = lambda: False   # (the preview's pages in a sandbox: serve.py says)

    @property
    def login_required(self) -> bool:
        """On the network always (accounts removed while the preview runs leave the desk closed, not
        open to everyone as 本机); on this computer once there are accounts."""
        return self.on_network or accounts.has_accounts(self.root)

    def _still_valid(self, session) -> bool:
        """Is the account behind the session as it was at its login? (本机's session: while there are no accounts.)"""
        if not session.account:
            return not self.login_required
        return accounts.fingerprint(self.root, session.user) == session.account

    @property
    def on_network(self) -> bool:
        return not is_loopback(self.gate.listen_host)

    def wrap(self, site_app):
        """The preview's WSGI app with the desk in front of it, at its prefixes."""
        def app(environ, start_response):
            path = (environ.get("PATH_INFO") or "/").encode("latin-1", "replace").decode("utf-8", "replace")
            for prefix in PREFIXES:
                if path == prefix:   # (the desk's relative links need the slash)
                    return finish(Response("301 Moved Permanently", b"", "text/plain",
                                           [("Location", quote(prefix) + "/")]), start_response)
                if path.startswith(prefix + "/"):
                    return self(environ, start_response, len(prefix))
            refused = self.preview_refusal(environ.get("REQUEST_METHOD", "GET").upper(), path,
                                           environ.get("QUERY_STRING", ""), headers_of(environ), environ.get("REMOTE_ADDR", ""))
            if refused is not None:
                return finish(refused, start_response)
            return site_app(environ, start_response)
        return app

    def preview_refusal(self, method: str, path: str, query: str, headers: dict[str, str],
                        remote: str = "") -> Response | None:
        """On the network (where there must be accounts), the preview (drafts, 修改对照, its live-reload
        socket) is for people logged in to the desk: a page asked for without the session goes to the
        desk's login and back, anything else is a 401. On this computer only it is open as before.
        A sandboxed preview page (trust_html) is of no site, so the browser sends its pictures, styles,
        socket and the pages its links open without the session's cookie: those are let in from an address
        where someone is logged in."""
        if not self.on_network:
            return None
        if self.gate.session_for(cookies_of(headers.get("cookie", "")).get(self.gate.cookie_name)) is not None:
            return None
        # (Chromium sends a socket's handshake with Origin null but no Sec-Fetch-Site)
        of_sandbox = headers.get("sec-fetch-site") == "cross-site" or (
            path == "/livereload" and headers.get("origin", "").strip().lower() == "null")
        if self.sandboxed() and remote and of_sandbox and self.sessions.from_address(remote):
            return None
        if method in SAFE_METHODS and "text/html" in headers.get("accept", ""):
            back = path + ("?" + query if query else "")
            return Response("303 See Other", b"", "text/plain",
                            [("Location", quote(PREFIXES[0]) + "/login?next=" + quote(back, safe=""))])
        return refusal("401 Unauthorized", _('log in to the desk (编辑部) first: the preview shows drafts'))

    def early_refusal(self, method: str, path: str, query: str, headers: dict, remote: str = "") -> tuple | None:
        """For the preview server, as soon as a request's head has arrived: the preview's refusal, and
        for the desk, a request without a live session that changes anything but the login (401) or
        sends more than a login does (413), before its body is read (preview_http.Early)."""
        headers = {str(k).lower(): str(v) for k, v in headers.items()}
        prefix = next((p for p in PREFIXES if path == p or path.startswith(p + "/")), None)
        if prefix is None:
            refused = self.preview_refusal(method.upper(), path, query, headers, remote)
        elif self.gate.session_for(cookies_of(headers.get("cookie", "")).get(self.gate.cookie_name)) is not None:
            return None
        elif method.upper() not in SAFE_METHODS and path[len(prefix):] != "/api/login":
            refused = refusal("401 Unauthorized", _('please log in again (the session has ended)'))
        elif "transfer-encoding" in headers or _length(headers) > BEFORE_LOGIN_BODY:
            refused = refusal("413 Payload Too Large", _('the request is too large for a login (at most {limit} KB)').format(
                limit=BEFORE_LOGIN_BODY // 1024))
        else:
            return None
        if refused is None:
            return None
        return int(refused.status.split()[0]), [("Content-Type", refused.content_type), *refused.headers], refused.body

    def __call__(self, environ, start_response, prefix_length: int) -> list[bytes]:
        request = read_request(environ, prefix_length)
        if isinstance(request, Response):
            return finish(request, start_response)
        return finish(self.answer(request), start_response)

    def answer(self, request: Request) -> Response:
        refused = self.gate.foreign(request)
        if refused is not None:
            return refused
        request.session = self.gate.session_of(request)
        if request.method == "GET" and request.path in PAGES:
            return self._page(request)
        if request.method == "GET" and request.path.startswith("/static/"):
            return static_file(request.path[len("/static/"):])
        if request.method == "GET" and request.path == "/favicon":
            return site_icon(self.root)
        if request.path == "/api/login" and request.method == "POST":
            return self._answered(Desk._login, request)
        refused = self.gate.unauthorised(request)
        if refused is not None:
            return self._opened_alone(request) or refused
        handler = ROUTES.get((request.method, request.path)) or prefixed(request)
        if handler is None:
            return refusal("404 Not Found", _('there is no such page in the desk'))
        return self._answered(handler, request)

    def _answered(self, handler, request: Request) -> Response:
        """The handler's answer; what it raises, as the status and Chinese message the page shows."""
        try:
            return handler(self, request)
        except Conflict as exc:
            return json_response({"error": _('the file was changed on disk since you opened it'), "conflict": {
                "text": exc.disk_text, "digest": exc.disk_digest}}, "409 Conflict")
        except PermissionError as exc:
            return refusal("403 Forbidden", str(exc))
        except ContentErrors as exc:
            return json_response({"error": "\n".join(hints.for_desk(e).render() for e in exc.errors)}, "400 Bad Request")
        except ContentError as exc:
            return refusal("400 Bad Request", hints.for_desk(exc).render())
        except BadRequest as exc:
            return refusal("400 Bad Request", str(exc))
        except OSError as exc:   # (the computer's trouble, not the request's: a full disk, no permission)
            problem = environment_error(exc)
            self.log(_("desk: {path}: {problem}").format(path=request.path[:200], problem=problem.render()))
            return refusal("500 Internal Server Error", problem.render())
        except Exception as exc:   # noqa: BLE001 — one line in the terminal and an answer, never a traceback
            self.log(_("desk: could not answer {path}: {error}").format(path=request.path[:200], error=repr(exc)[:300]))
            return refusal("500 Internal Server Error", _('the desk could not answer this request; the terminal says why'))

    def _opened_alone(self, request: Request) -> Response | None:
        """A proof, PDF or page of the built site opened without the session (a tab of its own, another
        browser): on this computer without accounts, with the 本机 session desk.html gives; with accounts,
        the login page and back."""
        if request.session is not None or request.method != "GET" or prefixed(request) is not serve_file:
            return None
        if self.login_required:
            back = quote(PREFIXES[0] + request.path, safe="")
            return Response("303 See Other", b"", "text/plain", [("Location", quote(PREFIXES[0]) + "/login?next=" + back)])
        request.session = self.sessions.start(accounts.LOCAL_USER, "主编")
        response = self._answered(serve_file, request)
        response.headers.append(self.gate.cookie(request.session))
        return response

    def _page(self, request: Request) -> Response:
        name = PAGES[request.path]
        if name == "desk.html" and request.session is None:
            if self.login_required:   # (with a cookie of a session that has ended: the login page says so)
                ended = "?expired=1" if request.cookies.get(self.gate.cookie_name) else ""
                return Response("303 See Other", b"", "text/plain", [("Location", "login" + ended)])
            request.session = self.sessions.start(accounts.LOCAL_USER, "主编")
            response = static_file(name)
            response.headers.append(self.gate.cookie(request.session))
            return response
        if name == "login.html" and request.query.get("expired") and not self.login_required:   # (本机: begun again)
            return Response("303 See Other", b"", "text/plain", [("Location", "./")])
        if name == "login.html":   # (where the desk is open, as it is: the office network, or this computer only)
            where = (_('the desk on this computer is open to the office network: log in with the account the 主编 made for you')
                     if self.on_network else
                     _('the desk is open on this computer only, not to the network; it has accounts, so log in with yours'))
            page = static_file(name)
            page.body = page.body.replace(b"{where}", html.escape(where).encode())
            return page
        return static_file(name)

    def _login(self, request: Request) -> Response:
        if request.headers.get("origin") is None:   # (a login comes from the desk's own page, which says so)
            return refusal("403 Forbidden", _('a page of another site may not change anything here'))
        data = schema.read(request.json(), {"name": schema.default(schema.text(200), ""),
                                            "password": schema.default(schema.text(1000), "")})
        name, password = data["name"].strip(), data["password"]
        # (by the name from this address, and by the address: one guesser does not lock the account's owner
        # out; the account from every address together, more slowly, still slows a guesser of many addresses)
        client = client_of(request.remote)   # (an IPv6 address by its /64: one computer has all of it)
        keys = (f"user:{name}\n{client}", f"address:{client}")
        wait = self.throttle.wait_seconds(*keys, ACCOUNT_PREFIX + name)
        if wait > 0:
            return refusal("429 Too Many Requests", _('too many wrong passwords: try again in {seconds} seconds').format(
                seconds=int(wait) + 1))
        if self.on_network and not accounts.has_accounts(self.root):   # (all removed while the preview runs)
            return refusal("401 Unauthorized", _('the desk has no accounts, so nobody can log in from the network'))
        account = accounts.verify(self.root, name, password)
        if account is None:
            self.throttle.failed(*keys, ACCOUNT_PREFIX + name)
            self.log(_("desk: a wrong password for {name!r} from {address}").format(name=name, address=request.remote))
            return refusal("401 Unauthorized", _('the name or the password is wrong'))
        self.throttle.succeeded(*keys)
        self.sessions.end(request.cookies.get(self.gate.cookie_name))
        session = self.sessions.start(account.name, account.role, accounts.fingerprint(self.root, account.name) or "",
                                      request.remote)
        response = json_response({"user": account.name, "role": account.role})
        response.headers.append(self.gate.cookie(session))
        return response


def _length(headers: dict[str, str]) -> int:
    """The request's Content-Length (0 without one; preview_http refuses one that is no number)."""
    given = headers.get("content-length", "").strip()
    return int(given) if given.isascii() and given.isdigit() else 0


def mount(root: Path, host: str, port: int, log: Callable[[str], None]) -> Desk:
    """The desk for `serve`; refuses (ContentError, in Chinese) to open beyond this computer without accounts."""
    accounts.refuse_unprotected_network(root, host)
    loose = accounts.permission_warning(root) if not is_loopback(host) else None
    if loose is not None:
        log(_("warning: ") + loose.render())
    uploads.remove_stale_uploads(root)   # (Word files staged before the last stop and never imported)
    return Desk(root, host, port, log)
