"""The 编辑部's routes: each turns a request into one call of the service modules and their answer into
JSON. Mounted into the preview server (serve.py) at /编辑部/ and /desk/."""
from __future__ import annotations

import base64
import hashlib
import html
import mimetypes
import re
from dataclasses import asdict
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from ...errors import ContentError, ContentErrors, environment_error
from ...i18n import _
from ..guard import is_loopback
from . import accounts, articles, board, frontmatter, hints, history, review, schema, tasks, uploads
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
            return self._answered(Desk._login, request)
        refused = self.gate.unauthorised(request)
        if refused is not None:
            return refused
        handler = ROUTES.get((request.method, request.path)) or _prefixed(request)
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

    def _page(self, request: Request) -> Response:
        name = PAGES[request.path]
        if name == "desk.html" and request.session is None:
            if self.login_required:
                return Response("303 See Other", b"", "text/plain", [("Location", "login")])
            request.session = self.sessions.start(accounts.LOCAL_USER, "主编")
            response = _static(name)
            response.headers.append(self.gate.cookie(request.session))
            return response
        if name == "login.html":   # (where the desk is open, as it is: the office network, or this computer only)
            where = (_('the desk on this computer is open to the office network: log in with the account the 主编 made for you')
                     if self.on_network else
                     _('the desk is open on this computer only, not to the network; it has accounts, so log in with yours'))
            page = _static(name)
            page.body = page.body.replace(b"{where}", html.escape(where).encode())
            return page
        return _static(name)

    def _login(self, request: Request) -> Response:
        if request.headers.get("origin") is None:   # (a login comes from the desk's own page, which says so)
            return refusal("403 Forbidden", _('a page of another site may not change anything here'))
        data = schema.read(request.json(), {"name": schema.default(schema.text(200), ""),
                                            "password": schema.default(schema.text(1000), "")})
        name, password = data["name"].strip(), data["password"]
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


ISSUE_FORM = schema.record({name: schema.text(500) for name, _key in board.ISSUE_FIELDS} | {"id": schema.text()},
                           partial=True)
ARTICLE_FORM = schema.record({name: schema.flag if name in frontmatter.FLAGS else
                              schema.one_of(schema.list_of(schema.text(), 200), schema.text()) if name == "tags" else
                              schema.one_of(schema.whole(), schema.text(20)) if name == "order" else
                              schema.text(20_000 if name == "summary" else schema.MAX_LINE)
                              for name, _key in frontmatter.FIELDS}, partial=True)
PATH = schema.default(schema.text(400), "")
LAYOUT = schema.list_of(schema.record({"section": schema.text(), "articles": schema.list_of(schema.text(400), 2000)}), 200)


def _new_issue(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"id": schema.issue_id, "fields": schema.default(ISSUE_FORM, {})})
    fields = {k: v for k, v in data["fields"].items() if k != "id"}
    notices = board.create_issue(desk.root, data["id"], fields, request.session.user)
    return json_response({"id": data["id"], "notices": notices})


def _new_article(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"issue": schema.issue_id, "section": schema.default(schema.text(), ""),
                                        "title": schema.default(schema.text(), "")})
    path = board.new_article(desk.root, data["issue"], data["section"], data["title"], request.session.user)
    return json_response({"path": path})


def _open(desk: Desk, request: Request) -> Response:
    rel = schema.read(request.query, {"path": PATH})["path"]
    opened = articles.open_article(desk.root, rel)
    issue_id = opened.path.split("/")[0]
    issue = board.read_issue(desk.root / "content" / issue_id)
    checked = review.current(desk.root, opened.path)
    pdf = f"print/xiaokan-{issue_id}.pdf"   # (the last 生成网站's, served by the desk: the site may not publish it)
    return json_response({**asdict(opened), "issue_title": issue.get("title", ""), "steps": checked.steps,
                          "reset": checked.reset, "pdf": pdf if (desk.root / pdf).is_file() else None})


def _save(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"path": PATH, "fields": schema.optional(ARTICLE_FORM),
                                        "body": schema.default(schema.text(schema.MAX_BODY_TEXT), ""),
                                        "digest": schema.default(schema.text(64), "")})
    try:
        new = articles.save_article(desk.root, data["path"], data["fields"], data["body"], data["digest"],
                                    request.session.user, role=request.session.role)
    except Conflict as exc:   # (both versions as whole files, the lines that differ marked)
        try:
            mine = articles.composed(articles.existing(desk.root, data["path"]), data["fields"], data["body"])
        except ContentError:
            mine = data["body"]
        theirs, ours = history.side_by_side(exc.disk_text.replace("\r\n", "\n"), mine)
        return json_response({"error": _('the file was changed on disk since you opened it'), "conflict": {
            "text": exc.disk_text, "digest": exc.disk_digest, "mine": mine, "theirs_lines": theirs, "mine_lines": ours}},
            "409 Conflict")
    checked = review.current(desk.root, data["path"])
    return json_response({"digest": new, "steps": checked.steps, "reset": checked.reset, **_checked(desk, data["path"])})


def _findings(desk: Desk, request: Request) -> Response:
    return json_response(_checked(desk, schema.read(request.query, {"path": PATH})["path"]))


def _checked(desk: Desk, rel: str) -> dict:
    checked = articles.check_article(desk.root, rel, desk.memo)
    return {"findings": [asdict(f) for f in checked.findings], "url": checked.url}


def _arrange(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"issue": schema.issue_id, "layout": LAYOUT})
    changed = board.arrange(desk.root, data["issue"], data["layout"], request.session.user, request.session.role)
    return json_response({"changed": changed})


def _upload(desk: Desk, request: Request) -> Response:
    query = schema.read(request.query, {"kind": schema.default(schema.text(), ""), "name": schema.default(schema.text(), ""),
                                        "path": PATH})
    kind, name, rel = query["kind"], query["name"], query["path"]
    if kind == "docx":
        staged = uploads.stage_docx(desk.root, name, request.body)
        return json_response({"staged": staged.parent.name, "name": staged.name})
    if kind == "photo":
        saved = uploads.save_photo(desk.root, rel, name, request.body)
    elif kind == "csv":
        saved = uploads.save_csv(desk.root, rel, name, request.body)
    else:
        raise BadRequest(_('unknown kind of upload'))
    return json_response({"name": saved.name, "notes": list(saved.notes)})


def _history(desk: Desk, request: Request) -> Response:
    rel = schema.read(request.query, {"path": PATH})["path"]
    article_path(desk.root, rel)
    return json_response({"versions": [asdict(v) for v in history.versions(desk.root, rel)]})


def _version(desk: Desk, request: Request) -> Response:
    query = schema.read(request.query, {"path": PATH, "id": schema.default(schema.text(64), "")})
    rel = query["path"]
    path = article_path(desk.root, rel)
    old_text = _version_text(desk, rel, query["id"])
    now = (history.decoded(path.read_bytes()) or "") if path.is_file() else ""
    return json_response({"text": old_text, "diff": history.line_diff(now, old_text)})


def _version_text(desk: Desk, rel: str, version: str) -> str:
    """A version's text (one saved as GBK outside the desk is read as GB18030), or BadRequest."""
    old = history.text_at(desk.root, rel, version)
    if old is None:
        raise BadRequest(_('there is no such version'))
    text = history.decoded(old)
    if text is None:
        raise BadRequest(_('this version is not text the desk can read (neither UTF-8 nor GBK), so it cannot be shown '
                           'or restored'))
    return text


def _restore(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"path": PATH, "id": schema.default(schema.text(64), ""),
                                        "digest": schema.default(schema.text(64), "")})
    rel, version = data["path"], data["id"]
    old = _version_text(desk, rel, version)   # (written back as UTF-8)
    digest = articles.save_article(desk.root, rel, None, old, data["digest"],
                                   request.session.user, _("restored the version of {id}").format(id=version[:7]),
                                   request.session.role)
    return json_response({"digest": digest})


def _review(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"path": PATH, "step": schema.default(schema.text(), "")})
    review.advance(desk.root, data["path"], data["step"], request.session.user, request.session.role)
    checked = review.current(desk.root, data["path"])
    return json_response({"steps": checked.steps, "reset": checked.reset})


JOB = {"kind": schema.default(schema.text(), ""), "issue": schema.optional(schema.issue_id),
       "section": schema.default(schema.text(), ""), "staged": schema.default(schema.list_of(schema.text(64), 100), []),
       "replace": schema.default(schema.flag, False), "confirms": schema.default(schema.whole(1), 0)}


def _submit(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), JOB)
    kind, root, who = data["kind"], desk.root, request.session.user
    if kind in ("deploy", "deploy-dry", "rollback", "rollback-dry") and not accounts.may(request.session.role, "发布"):
        raise PermissionError(_('a {role} may not do {step}').format(role=request.session.role, step="发布"))
    if kind == "build":
        job = desk.jobs.submit(kind, who, lambda j: tasks.build_site(root, j))
    elif kind == "proof":
        issue_id = issue_folder(root, data["issue"] or "").name
        job = desk.jobs.submit(kind, who, lambda j: tasks.proof(root, issue_id, j))
    elif kind == "deploy-dry":
        job = desk.jobs.submit(kind, who, lambda j: tasks.deploy(root, True, j))
    elif kind == "deploy":
        dry = desk.jobs.get(data["confirms"])
        if dry is None or dry.kind != "deploy-dry" or dry.state != "done" or dry.result.get("stamp") != tasks.site_stamp(root):
            raise BadRequest(_('look at the list of changes first (发布 shows it), then confirm'))
        job = desk.jobs.submit(kind, who, lambda j: tasks.deploy(root, False, j))
    elif kind == "rollback-dry":
        job = desk.jobs.submit(kind, who, lambda j: tasks.rollback_plan(root, j))
    elif kind == "rollback":
        job = desk.jobs.submit(kind, who, lambda j: tasks.rollback(root, j))
    elif kind == "import":
        issue_id, section = issue_folder(root, data["issue"] or "").name, data["section"]
        staged = [_staged(root, token) for token in data["staged"]]
        if not staged:
            raise BadRequest(_('no Word file (.docx) to import'))
        job = desk.jobs.submit(kind, who, lambda j: tasks.import_word(root, staged, issue_id, section, who, j,
                                                                     replace=data["replace"]))
    else:
        raise BadRequest(_('unknown job'))
    return json_response(job.view(), "202 Accepted")


def _staged(root: Path, token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{16}", token):
        raise BadRequest(_('unknown upload'))
    found = sorted((root / uploads.STAGING / token).glob("*.docx"))
    if not found:
        raise BadRequest(_('unknown upload'))
    return found[0]


def _job(desk: Desk, request: Request) -> Response:
    number = request.path.rsplit("/", 1)[-1]
    job = desk.jobs.get(int(number)) if re.fullmatch(r"[0-9]{1,9}", number) else None
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
    data = file.read_bytes()
    headers = [("Content-Security-Policy", own_styles_policy(data))] if kind == "text/html" else []
    return Response("200 OK", data, kind + ("; charset=utf-8" if kind.startswith("text/") else ""), headers)


def own_styles_policy(page: bytes) -> str:
    """The Content-Security-Policy of a page the desk shows from print/ or output/ (修改对照 keeps its
    look in a <style> of its own): those very styles, by their hash, and the desk's files; still no
    inline script, no other site."""
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(style).digest()).decode() + "'"
                      for style in re.findall(rb"<style\b[^>]*>(.*?)</style>", page, re.S | re.I))
    return ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' " + hashes + "; frame-ancestors 'self'; "
            "form-action 'self'; base-uri 'none'; object-src 'none'")


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
    uploads.remove_stale_uploads(root)   # (Word files staged before the last stop and never imported)
    return Desk(root, host, port, log)
