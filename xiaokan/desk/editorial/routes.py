"""The desk's API: one function per request, each turning it into one call of the service modules and
their answer into JSON (ROUTES maps method and path to it). app.py checks who asks before any runs."""
from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from ...core.errors import ContentError
from ...core.i18n import _
from . import (
    accounts,
    articles,
    board,
    files,
    frontmatter,
    history,
    issuesettings,
    moving,
    publishing,
    review,
    schema,
    tasks,
    uploads,
)
from .articles import Conflict
from .paths import article_path, issue_folder
from .wsgi import BadRequest, Request, Response, json_response, refusal

if TYPE_CHECKING:
    from .app import Desk


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
    data = board.board(desk.root)
    for issue in data["issues"]:   # (the last proof's links stay on the board after the page is reloaded)
        issue["proof"] = files.newest_proof(desk.root, issue["id"])
    return json_response(data)


ISSUE_FORM = schema.record({name: schema.text(500) for name, _key in issuesettings.ISSUE_FIELDS} | {"id": schema.text()},
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


def _issue_settings(desk: Desk, request: Request) -> Response:
    issue_id = schema.read(request.query, {"id": schema.issue_id})["id"]
    return json_response(issuesettings.open_settings(desk.root, issue_id))


def _save_issue_settings(desk: Desk, request: Request) -> Response:
    """刊期设置 saved: by the roles that may 新建一期 (of a published issue, the 主编), only over the version of
    issue.yaml the form showed."""
    data = schema.read(request.json(), {"id": schema.issue_id, "fields": schema.default(ISSUE_FORM, {}),
                                        "digest": schema.default(schema.text(64), "")})
    if not accounts.may(request.session.role, "刊期设置"):
        raise PermissionError(_('a {role} may not do {step}').format(role=request.session.role, step="刊期设置"))
    if not accounts.may(request.session.role, "终审") and board.is_published(desk.root, data["id"]):
        raise PermissionError(_('issue {issue_id} is published (it has articles that are not drafts): only the 主编 may '
                                'change its settings (刊期设置); ask the 主编').format(issue_id=data["id"]))
    fields = {k: v for k, v in data["fields"].items() if k != "id"}
    try:
        digest = issuesettings.save_settings(desk.root, data["id"], fields, data["digest"], request.session.user)
    except issuesettings.Changed as exc:
        return json_response({"error": exc.render(), "changed": True}, "409 Conflict")
    return json_response({"id": data["id"], "digest": digest})


def _new_article(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"issue": schema.issue_id, "section": schema.default(schema.text(), ""),
                                        "title": schema.default(schema.text(), "")})
    path, notices = board.new_article(desk.root, data["issue"], data["section"], data["title"], request.session.user)
    return json_response({"path": path, "notices": list(notices)})


def _open(desk: Desk, request: Request) -> Response:
    rel = schema.read(request.query, {"path": PATH})["path"]
    opened = articles.open_article(desk.root, rel)
    issue_id = opened.path.split("/")[0]
    issue = board.read_issue(desk.root / "content" / issue_id)
    pdf = f"print/xiaokan-{issue_id}.pdf"   # (the last 生成网站's, served by the desk: the site may not publish it)
    return json_response({**asdict(opened), "issue_title": issue.get("title", ""), **review.shown(desk.root, opened.path),
                          "pdf": pdf if (desk.root / pdf).is_file() else None})


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
    return json_response({"digest": new, **review.shown(desk.root, data["path"]), **_checked(desk, data["path"])})


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
    # (its pictures too, where a Word file put in place of the draft removed them)
    restored = history.restore_pictures(desk.root, rel, version, old)
    return json_response({"digest": digest, "restored": restored})


def _review(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"path": PATH, "step": schema.default(schema.text(), "")})
    review.advance(desk.root, data["path"], data["step"], request.session.user, request.session.role)
    return json_response(review.shown(desk.root, data["path"]))


def _delete(desk: Desk, request: Request) -> Response:
    rel = schema.read(request.json(), {"path": PATH})["path"]
    removed = moving.delete_article(desk.root, rel, request.session.user, request.session.role)
    return json_response({"removed": removed})


def _move(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"path": PATH, "issue": schema.issue_id})
    return json_response({"path": moving.move_article(desk.root, data["path"], data["issue"], request.session.user,
                                                      request.session.role)})


def _deleted(desk: Desk, request: Request) -> Response:
    return json_response({"articles": moving.deleted(desk.root)})


def _undelete(desk: Desk, request: Request) -> Response:
    data = schema.read(request.json(), {"path": PATH, "id": schema.default(schema.text(64), "")})
    return json_response({"path": moving.undelete(desk.root, data["path"], data["id"], request.session.user,
                                                  request.session.role)})


JOB = {"kind": schema.default(schema.text(), ""), "issue": schema.optional(schema.issue_id),
       "section": schema.default(schema.text(), ""), "staged": schema.default(schema.list_of(schema.text(64), 100), []),
       "replace": schema.default(schema.flag, False), "separate": schema.default(schema.flag, False),
       "confirms": schema.default(schema.whole(1), 0)}


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
        job = desk.jobs.submit(kind, who, lambda j: publishing.deploy(root, True, j))
    elif kind == "deploy":
        dry = desk.jobs.get(data["confirms"])
        if dry is None or dry.kind != "deploy-dry" or dry.state != "done" or dry.result.get("stamp") != publishing.site_stamp(root):
            raise BadRequest(_('look at the list of changes first (发布 shows it), then confirm'))
        job = desk.jobs.submit(kind, who, lambda j: publishing.deploy(root, False, j))
    elif kind == "rollback-dry":
        job = desk.jobs.submit(kind, who, lambda j: publishing.rollback_plan(root, j))
    elif kind == "rollback":
        job = desk.jobs.submit(kind, who, lambda j: publishing.rollback(root, j))
    elif kind == "import":
        issue_id, section = issue_folder(root, data["issue"] or "").name, data["section"]
        staged = [_staged(root, token) for token in data["staged"]]
        if not staged:
            raise BadRequest(_('no Word file (.docx) to import'))
        job = desk.jobs.submit(kind, who, lambda j: tasks.import_word(root, staged, issue_id, section, who, j,
                                                                     replace=data["replace"], separate=data["separate"]))
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


def prefixed(request: Request):
    if request.method == "GET" and request.path.startswith("/api/jobs/"):
        return _job
    if request.method == "GET" and request.path.startswith(("/print/", "/site/")):
        return files.serve_file
    return None


ROUTES = {
    ("GET", "/api/session"): _session, ("POST", "/api/logout"): _logout, ("GET", "/api/board"): _board,
    ("POST", "/api/issues"): _new_issue, ("GET", "/api/issue"): _issue_settings,
    ("PUT", "/api/issue"): _save_issue_settings, ("POST", "/api/articles"): _new_article, ("GET", "/api/article"): _open,
    ("PUT", "/api/article"): _save, ("GET", "/api/findings"): _findings, ("POST", "/api/arrange"): _arrange,
    ("POST", "/api/upload"): _upload, ("GET", "/api/history"): _history, ("GET", "/api/version"): _version,
    ("POST", "/api/restore"): _restore, ("POST", "/api/review"): _review, ("POST", "/api/jobs"): _submit,
    ("POST", "/api/delete"): _delete, ("POST", "/api/move"): _move, ("GET", "/api/deleted"): _deleted,
    ("POST", "/api/undelete"): _undelete,
}
