"""The 编辑部's routes: each turns a request into one call of the service modules and their answer into
JSON. Mounted into the preview server (serve.py) at /编辑部/ and /desk/."""
from __future__ import annotations

import mimetypes
import re
from dataclasses import asdict
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from ...errors import ContentError, ContentErrors
from ...i18n import _
from ..guard import is_loopback
from . import accounts, articles, board, history, review, tasks, uploads
from .articles import Conflict
from .paths import article_path, issue_folder
from .sessions import LoginThrottle, SessionStore
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
STATIC = Path(__file__).with_name("static")
PAGES = {"/": "desk.html", "/login": "login.html"}


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

    @property
    def login_required(self) -> bool:
        return accounts.has_accounts(self.root)

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
                                           environ.get("QUERY_STRING", ""), headers_of(environ))
            if refused is not None:
                return finish(refused, start_response)
            return site_app(environ, start_response)
        return app

    def preview_refusal(self, method: str, path: str, query: str, headers: dict[str, str]) -> Response | None:
        """On the network, once there are accounts, the preview (drafts, 修改对照, its live-reload
        socket) is for people logged in to the desk: a page asked for without the session goes to the
        desk's login and back, anything else is a 401. On this computer only it is open as before."""
        if not self.on_network or not self.login_required:
            return None
        if self.gate.session_for(cookies_of(headers.get("cookie", "")).get(self.gate.cookie_name)) is not None:
            return None
        if method in SAFE_METHODS and "text/html" in headers.get("accept", ""):
            back = path + ("?" + query if query else "")
            return Response("303 See Other", b"", "text/plain",
                            [("Location", quote(PREFIXES[0]) + "/login?next=" + quote(back, safe=""))])
        return refusal("401 Unauthorized", _('log in to the desk (编辑部) first: the preview shows drafts'))

    def early_refusal(self, method: str, path: str, query: str, headers: dict) -> tuple | None:
        """For the preview server, as soon as a request's head has arrived: the preview's refusal, and a
        change to the desk without a live session (401) before its body is read (preview_http.Early)."""
        headers = {str(k).lower(): str(v) for k, v in headers.items()}
        prefix = next((p for p in PREFIXES if path == p or path.startswith(p + "/")), None)
        if prefix is None:
            refused = self.preview_refusal(method.upper(), path, query, headers)
        elif method.upper() not in SAFE_METHODS and path[len(prefix):] != "/api/login" and \
                self.gate.session_for(cookies_of(headers.get("cookie", "")).get(self.gate.cookie_name)) is None:
            refused = refusal("401 Unauthorized", _('please log in again (the session has ended)'))
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
            return _static(request.path[len("/static/"):])
        if request.path == "/api/login" and request.method == "POST":
            return self._login(request)
        refused = self.gate.unauthorised(request)
        if refused is not None:
            return refused
        handler = ROUTES.get((request.method, request.path)) or _prefixed(request)
        if handler is None:
            return refusal("404 Not Found", _('there is no such page in the desk'))
        try:
            return handler(self, request)
        except Conflict as exc:
            return json_response({"error": _('the file was changed on disk since you opened it'), "conflict": {
                "text": exc.disk_text, "digest": exc.disk_digest}}, "409 Conflict")
        except PermissionError as exc:
            return refusal("403 Forbidden", str(exc))
        except ContentErrors as exc:
            return json_response({"error": "\n".join(e.render() for e in exc.errors)}, "400 Bad Request")
        except (ContentError, BadRequest) as exc:
            return refusal("400 Bad Request", str(exc))

    def _page(self, request: Request) -> Response:
        name = PAGES[request.path]
        if name == "desk.html" and request.session is None:
            if self.login_required:
                return Response("303 See Other", b"", "text/plain", [("Location", "login")])
            request.session = self.sessions.start(accounts.LOCAL_USER, "主编")
            response = _static(name)
            response.headers.append(self.gate.cookie(request.session))
            return response
        return _static(name)

    def _login(self, request: Request) -> Response:
        if request.headers.get("origin") is None:   # (a login comes from the desk's own page, which says so)
            return refusal("403 Forbidden", _('a page of another site may not change anything here'))
        data = request.json()
        name, password = str(data.get("name", "")).strip(), str(data.get("password", ""))
        keys = (f"user:{name}", f"address:{request.remote}")
        wait = self.throttle.wait_seconds(*keys)
        if wait > 0:
            return refusal("429 Too Many Requests", _('too many wrong passwords: try again in {seconds} seconds').format(
                seconds=int(wait) + 1))
        account = accounts.verify(self.root, name, password)
        if account is None:
            self.throttle.failed(*keys)
            self.log(_("desk: a wrong password for {name!r} from {address}").format(name=name, address=request.remote))
            return refusal("401 Unauthorized", _('the name or the password is wrong'))
        self.throttle.succeeded(*keys)
        self.sessions.end(request.cookies.get(self.gate.cookie_name))
        session = self.sessions.start(account.name, account.role, accounts.fingerprint(self.root, account.name) or "")
        response = json_response({"user": account.name, "role": account.role})
        response.headers.append(self.gate.cookie(session))
        return response


def _session(desk: Desk, request: Request) -> Response:
    s = request.session
    return json_response({"user": s.user, "role": s.role, "token": s.token, "login": desk.login_required,
                          "may": {step: accounts.may(s.role, step) for step in accounts.MAY}})


def _logout(desk: Desk, request: Request) -> Response:
    desk.sessions.end(request.session.id)
    response = json_response({})
    response.headers.append(desk.gate.cookie(None))
    return response


def _board(desk: Desk, request: Request) -> Response:
    return json_response(board.board(desk.root))


def _new_issue(desk: Desk, request: Request) -> Response:
    data = request.json()
    fields = data.get("fields") if isinstance(data.get("fields"), dict) else {}
    return json_response({"id": board.create_issue(desk.root, str(data.get("id", "")), fields, request.session.user)})


def _new_article(desk: Desk, request: Request) -> Response:
    data = request.json()
    path = board.new_article(desk.root, str(data.get("issue", "")), str(data.get("section", "")),
                             str(data.get("title", "")), request.session.user)
    return json_response({"path": path})


def _open(desk: Desk, request: Request) -> Response:
    opened = articles.open_article(desk.root, request.query.get("path", ""))
    issue_id = opened.path.split("/")[0]
    issue = board.read_issue(desk.root / "content" / issue_id)
    return json_response({**asdict(opened), "issue_title": issue.get("title", ""),
                          "steps": review.records(desk.root).get(opened.path, [])})


def _save(desk: Desk, request: Request) -> Response:
    data = request.json()
    fields = data.get("fields") if isinstance(data.get("fields"), dict) else None
    rel = str(data.get("path", ""))
    new = articles.save_article(desk.root, rel, fields, str(data.get("body", "")), str(data.get("digest", "")),
                                request.session.user)
    return json_response({"digest": new, **_checked(desk, rel)})


def _findings(desk: Desk, request: Request) -> Response:
    return json_response(_checked(desk, request.query.get("path", "")))


def _checked(desk: Desk, rel: str) -> dict:
    checked = articles.check_article(desk.root, rel, desk.memo)
    return {"findings": [asdict(f) for f in checked.findings], "url": checked.url}


def _arrange(desk: Desk, request: Request) -> Response:
    data = request.json()
    changed = board.arrange(desk.root, str(data.get("issue", "")), data.get("layout"), request.session.user)
    return json_response({"changed": changed})


def _upload(desk: Desk, request: Request) -> Response:
    kind, name = request.query.get("kind", ""), request.query.get("name", "")
    if kind == "docx":
        staged = uploads.stage_docx(desk.root, name, request.body)
        return json_response({"staged": staged.parent.name, "name": staged.name})
    rel = request.query.get("path", "")
    if kind == "photo":
        saved = uploads.save_photo(desk.root, rel, name, request.body)
    elif kind == "csv":
        saved = uploads.save_csv(desk.root, rel, name, request.body)
    else:
        raise BadRequest(_('unknown kind of upload'))
    return json_response({"name": saved.name, "notes": list(saved.notes)})


def _history(desk: Desk, request: Request) -> Response:
    rel = request.query.get("path", "")
    article_path(desk.root, rel)
    return json_response({"versions": [asdict(v) for v in history.versions(desk.root, rel)]})


def _version(desk: Desk, request: Request) -> Response:
    rel = request.query.get("path", "")
    path = article_path(desk.root, rel)
    old = history.text_at(desk.root, rel, request.query.get("id", ""))
    if old is None:
        raise BadRequest(_('there is no such version'))
    now = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    old_text = old.decode("utf-8", "replace")
    return json_response({"text": old_text, "diff": history.line_diff(now, old_text)})


def _restore(desk: Desk, request: Request) -> Response:
    data = request.json()
    rel, version = str(data.get("path", "")), str(data.get("id", ""))
    old = history.text_at(desk.root, rel, version)
    if old is None:
        raise BadRequest(_('there is no such version'))
    digest = articles.save_article(desk.root, rel, None, old.decode("utf-8"), str(data.get("digest", "")),
                                   request.session.user, _("restored the version of {id}").format(id=version[:7]))
    return json_response({"digest": digest})


def _review(desk: Desk, request: Request) -> Response:
    data = request.json()
    steps = review.advance(desk.root, str(data.get("path", "")), str(data.get("step", "")), request.session.user,
                           request.session.role)
    return json_response({"steps": steps})


def _submit(desk: Desk, request: Request) -> Response:
    data = request.json()
    kind, root, who = str(data.get("kind", "")), desk.root, request.session.user
    if kind in ("deploy", "deploy-dry", "rollback") and not accounts.may(request.session.role, "发布"):
        raise PermissionError(_('a {role} may not do {step}').format(role=request.session.role, step="发布"))
    if kind == "build":
        job = desk.jobs.submit(kind, who, lambda j: tasks.build_site(root, j))
    elif kind == "proof":
        issue_id = issue_folder(root, str(data.get("issue", ""))).name
        job = desk.jobs.submit(kind, who, lambda j: tasks.proof(root, issue_id, j))
    elif kind == "deploy-dry":
        job = desk.jobs.submit(kind, who, lambda j: tasks.deploy(root, True, j))
    elif kind == "deploy":
        dry = desk.jobs.get(int(data.get("confirms", 0) or 0))
        if dry is None or dry.kind != "deploy-dry" or dry.state != "done" or dry.result.get("stamp") != tasks.site_stamp(root):
            raise BadRequest(_('look at the list of changes first (发布 shows it), then confirm'))
        job = desk.jobs.submit(kind, who, lambda j: tasks.deploy(root, False, j))
    elif kind == "rollback":
        job = desk.jobs.submit(kind, who, lambda j: tasks.rollback(root, j))
    elif kind == "import":
        issue_id, section = issue_folder(root, str(data.get("issue", ""))).name, str(data.get("section", ""))
        staged = [_staged(root, token) for token in data.get("staged", []) or []]
        if not staged:
            raise BadRequest(_('no Word file (.docx) to import'))
        job = desk.jobs.submit(kind, who, lambda j: tasks.import_word(root, staged, issue_id, section, who, j,
                                                                     replace=data.get("replace") is True))
    else:
        raise BadRequest(_('unknown job'))
    return json_response(job.view(), "202 Accepted")


def _staged(root: Path, token) -> Path:
    if not isinstance(token, str) or not re.fullmatch(r"[0-9a-f]{16}", token):
        raise BadRequest(_('unknown upload'))
    found = sorted((root / uploads.STAGING / token).glob("*.docx"))
    if not found:
        raise BadRequest(_('unknown upload'))
    return found[0]


def _job(desk: Desk, request: Request) -> Response:
    number = request.path.rsplit("/", 1)[-1]
    job = desk.jobs.get(int(number)) if number.isdigit() else None
    return json_response(job.view()) if job else refusal("404 Not Found", _('there is no such job'))


def _file(desk: Desk, request: Request) -> Response:
    """A proof or issue PDF of print/, or a page of the built site (output/), to open from the desk."""
    rest = request.path.lstrip("/")
    if rest.startswith("print/"):
        name = rest[len("print/"):]
        if not re.fullmatch(r"xiaokan-[A-Za-z0-9_-]+(?:-proof-\d+(?:-changes\.html|\.pdf)|\.pdf)", name):
            return refusal("404 Not Found", _('there is no such page in the desk'))
        file = desk.root / "print" / name
    else:
        out = (desk.root / "output").resolve()
        file = (out / rest[len("site/"):]).resolve()
        if not file.is_relative_to(out):
            return refusal("404 Not Found", _('there is no such page in the desk'))
        if file.is_dir():
            file = file / "index.html"
    if not file.is_file():
        return refusal("404 Not Found", _('there is no such page in the desk'))
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return Response("200 OK", file.read_bytes(), kind + ("; charset=utf-8" if kind.startswith("text/") else ""))


def _prefixed(request: Request):
    if request.method == "GET" and request.path.startswith("/api/jobs/"):
        return _job
    if request.method == "GET" and request.path.startswith(("/print/", "/site/")):
        return _file
    return None


def _static(name: str) -> Response:
    file = STATIC / name
    if "/" in name or name.startswith(".") or not file.is_file():
        return refusal("404 Not Found", _('there is no such page in the desk'))
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response("200 OK", file.read_bytes(), f"{kind}; charset=utf-8")


ROUTES = {
    ("GET", "/api/session"): _session, ("POST", "/api/logout"): _logout, ("GET", "/api/board"): _board,
    ("POST", "/api/issues"): _new_issue, ("POST", "/api/articles"): _new_article, ("GET", "/api/article"): _open,
    ("PUT", "/api/article"): _save, ("GET", "/api/findings"): _findings, ("POST", "/api/arrange"): _arrange,
    ("POST", "/api/upload"): _upload, ("GET", "/api/history"): _history, ("GET", "/api/version"): _version,
    ("POST", "/api/restore"): _restore, ("POST", "/api/review"): _review, ("POST", "/api/jobs"): _submit,
}


def mount(root: Path, host: str, port: int, log: Callable[[str], None]) -> Desk:
    """The desk for `serve`; refuses (ContentError, in Chinese) to open beyond this computer without accounts."""
    accounts.refuse_unprotected_network(root, host)
    return Desk(root, host, port, log)
