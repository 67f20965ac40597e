"""`build.py serve`: build the preview (the site with drafts, in .cache/preview/), serve it with live
reload, rebuild what changed on every save. output/, what gets published, is not touched.

A broken save never stops the server: the last good preview stays, the terminal prints the error
and every open page shows it in an overlay until the next good save.
"""
from __future__ import annotations

import errno
import html
import json
import logging
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from ..builder import BuildOptions, BuildReport, build
from ..errors import ContentError, ContentErrors, environment_error
from ..i18n import _
from ..publish.output import PREVIEW_DIR
from ..source.content import is_editor_temp_file

WATCHED_FOLDERS = ("content", "templates", "assets")   # and site.yaml, through the project folder
# After the first change, wait this long for more (an editor's save can be several writes) before building.
QUIET_MS = 10
STATE_PATH = "/__xiaokan__/state"
WECHAT_PATH = "/__xiaokan__/wechat/"   # + 2024-06/<slug>/: the 公众号版 of an article, in the preview only
CHANGES_PATH = "/__xiaokan__/changes/"   # + 2024-06/: 修改对照, the text now against the last proof

# The 公众号版 page: the export at phone width and a button that copies it as rich text.
WECHAT_PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>公众号版：%(title)s</title></head>
<body style="margin:0;background:#ededed;font:15px/1.6 sans-serif">
<div style="position:sticky;top:0;background:#2b2b2b;color:#fff;padding:10px 14px;display:flex;gap:12px;align-items:center">
<button id="copy" type="button" style="font:inherit;padding:6px 14px;border:0;border-radius:4px;background:#07c160;color:#fff">复制到公众号</button>
<span id="copied" role="status"></span><a href="%(back)s" style="color:#ddd;margin-left:auto">返回文章</a></div>
%(warnings)s
<div id="post" style="max-width:390px;margin:16px auto;background:#fff;padding:16px">%(post)s</div>
<script>
document.getElementById("copy").addEventListener("click", async function () {
  var post = document.getElementById("post"), done = document.getElementById("copied");
  try {
    await navigator.clipboard.write([new ClipboardItem({
      "text/html": new Blob([post.innerHTML], {type: "text/html"}),
      "text/plain": new Blob([post.innerText], {type: "text/plain"})})]);
  } catch (e) {   // (older browsers: copy the selection)
    var range = document.createRange(); range.selectNodeContents(post);
    getSelection().removeAllRanges(); getSelection().addRange(range); document.execCommand("copy");
    getSelection().removeAllRanges();
  }
  done.textContent = "已复制，可粘贴到公众号编辑器";
});
</script></body></html>"""

# Injected into every served page: keep the scroll position across live reloads, show build
# errors, and (with --navigate) follow the editor to the article just saved.
CLIENT_SCRIPT = """<script>(function () {
  var key = "xiaokan-scroll:" + location.pathname;
  var nav = performance.getEntriesByType("navigation")[0];
  addEventListener("beforeunload", function () { sessionStorage.setItem(key, String(scrollY)); });
  if (nav && nav.type === "reload" && sessionStorage.getItem(key) !== null) {
    var y = +sessionStorage.getItem(key);
    addEventListener("load", function () { scrollTo(0, y); });
    document.addEventListener("DOMContentLoaded", function () { scrollTo(0, y); });
  }
  fetch("%(state)s").then(function (r) { return r.json(); }).then(function (s) {
    var seen = sessionStorage.getItem("xiaokan-serial");   // null: this tab has just opened the site
    sessionStorage.setItem("xiaokan-serial", String(s.serial));
    if (%(navigate)s && s.changed && seen !== null && s.serial > +seen &&
        location.pathname !== s.changed && location.pathname + "index.html" !== s.changed) {
      location.href = s.changed;
    }
  });
})();</script>"""

OVERLAY_STYLE = ("position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;"
                 "font:15px/1.6 ui-monospace,Menlo,Consolas,monospace;padding:2em;white-space:pre-wrap")


@dataclass
class ServeState:
    """What the server knows between saves; touched only from the server's own thread."""
    errors: list[str] = field(default_factory=list)   # rendered errors of the last build; empty when it worked
    serial: int = 0                                    # counts builds triggered by a saved article
    changed: str | None = None                         # URL path of the article saved last
    report: BuildReport | None = None


def serve(root: Path, host: str, port: int, pdf: bool, navigate: bool, log: Callable[[str], None]) -> None:
    """Serve until Ctrl-C. Only the preview folder is served, on host (127.0.0.1 unless told otherwise)."""
    from livereload import Server
    from livereload.handlers import LiveReloadHandler
    from tornado import ioloop

    class QuietServer(Server):
        def _setup_logging(self) -> None:   # livereload's hook: keep our own concise lines instead of its log
            logging.getLogger("livereload").setLevel(logging.WARNING)
            logging.getLogger("tornado.access").setLevel(logging.ERROR)

    _check_address(host, port)
    out_dir = (root / PREVIEW_DIR).resolve()   # (drafts included: never output/, which gets published)
    state = ServeState()
    pdf_worker = _PdfWorker(root, log) if pdf else None

    def rebuild(changed_files: list[Path]) -> None:
        started = time.perf_counter()
        try:
            # The search index and social cards are made at start; edits reuse them rather than wait.
            report = build(root, BuildOptions(pdf=False, search=not changed_files, cards=not changed_files,
                                              stale_pdf=True, drafts=True, out_dir=out_dir), lambda msg: None)
        except ContentErrors as exc:
            _failed(state, [e.render() for e in exc.errors], log)
            return
        except ContentError as exc:
            _failed(state, [exc.render()], log)
            return
        except OSError as exc:
            _failed(state, [environment_error(exc).render()], log)
            return
        recovered = bool(state.errors)
        state.errors, state.report = [], report
        article = _saved_article(report, changed_files)
        if article is not None:
            state.serial += 1
            state.changed = "/" + article.url
        for warning in report.warnings:
            log(warning.render())
        line = _("rebuilt {count} file(s) in {ms:.0f} ms").format(count=len(report.rendered),
                                                                 ms=(time.perf_counter() - started) * 1000)
        log(_("recovered: {line}").format(line=line) if recovered else line)
        if pdf_worker and article is not None:
            pdf_worker.request(report, article.issue_id, on_done=lambda: loop.add_callback(rebuild, []))

    loop = ioloop.IOLoop.current()

    def saved(changed: list[Path]) -> None:
        log(_("changed: {files}").format(files=", ".join(_short(root, p) for p in changed[:3])
                                         + (" …" if len(changed) > 3 else "")))
        rebuild(changed)
        LiveReloadHandler.reload_waiters(path="*")

    stop = threading.Event()   # (set when the server ends; the watchers stop with it)
    _start_watching(root, lambda changed: loop.add_callback(saved, changed), stop)   # before building: no save is missed
    log(_('building …'))
    rebuild([])
    if pdf_worker and state.report and state.report.site:
        for issue in state.report.site.issues[:1]:
            pdf_worker.request(state.report, issue.id, on_done=lambda: loop.add_callback(rebuild, []))
    server = QuietServer(app=_site_app(out_dir, state, navigate, _base_path(root)))
    server.watch(str(root / "site.yaml"), delay="forever")   # livereload's own watcher: ours tells it
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0               # reload on every save, however quick
    if host in ("127.0.0.1", "localhost"):
        log(_("previewing on http://{host}:{port}/ with drafts (Ctrl-C stops; only this computer can open it)")
            .format(host=host, port=port))
    else:
        log(_("previewing on http://{host}:{port}/ with drafts (Ctrl-C stops; open to the network on {host})")
            .format(host=host, port=port))
    try:
        server.serve(port=port, host=host, debug=False, restart_delay=0)
    finally:
        stop.set()   # (the watcher's thread ends with the server)


def _check_address(host: str, port: int) -> None:
    """A clear message for a port another program uses and for a host that is no address of this computer."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise ContentError(None, None, _('--host {host!r} is not an address of this computer').format(host=host),
                           _('leave it out (this computer only), or use --host 0.0.0.0 to open the preview to the network')) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ContentError(None, None, _('port {port} is already in use (another preview is running?)').format(port=port),
                                   _('stop the other one, or choose another port: --port {value}').format(value=port + 1)) from None
            raise ContentError(None, None, _('cannot listen on {host}:{port} ({strerror})').format(host=host, port=port, strerror=exc.strerror),
                               _('leave --host out, or use --host 0.0.0.0')) from None


def _failed(state: ServeState, errors: list[str], log: Callable[[str], None]) -> None:
    state.errors = errors
    for error in errors:
        log("error: " + error)
    log(_('the site shows the last good build; fix the file and save again'))


def _saved_article(report: BuildReport, changed_files: list[Path]):
    """The article whose file was saved, if one was. (Only articles with a saved file's name are
    resolved: resolving every article's path on each save cost 30-60 ms at 1,000 articles.)"""
    if report.site is None:
        return None
    saved = {path.resolve() for path in changed_files}
    names = {path.name for path in changed_files} | {path.name for path in saved}   # (as saved, and linked to)
    return next((a for a in report.site.articles if a.source.name in names and a.source.resolve() in saved), None)


def _short(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _start_watching(root: Path, on_change: Callable[[list[Path]], None], stop: threading.Event) -> None:
    """Call on_change with the files saved, as the operating system reports them (inotify, FSEvents,
    ReadDirectoryChanges through watchfiles): no scanning of the tree, no CPU while nothing changes.

    The watches are in place when this returns, so a save made the moment the preview answers is seen
    (watchfiles' own watch() sets them up later, inside its thread). site.yaml is watched through its
    folder, not as a file: an editor that saves by writing a new file and renaming it over the old one
    replaces the file a file watch would follow."""
    from watchfiles._rust_notify import RustNotify  # (what watchfiles.watch() drives; used for its set-up time)

    folders = [str(root / name) for name in WATCHED_FOLDERS if (root / name).is_dir()]
    watches = [(RustNotify(folders, False, False, 300, True, True), lambda path: True)] if folders else []
    watches.append((RustNotify([str(root)], False, False, 300, False, True), lambda path: path.name == "site.yaml"))
    for watcher, wanted in watches:
        threading.Thread(target=_report_changes, args=(watcher, wanted, on_change, stop), daemon=True).start()


def _report_changes(watcher, wanted: Callable[[Path], bool], on_change: Callable[[list[Path]], None],
                    stop: threading.Event) -> None:
    with watcher:
        while True:
            changes = watcher.watch(1000, QUIET_MS, 0, stop)
            if not isinstance(changes, set):   # 'stop' (the server ended) or 'signal'
                return
            saved = sorted({Path(path) for _change, path in changes
                            if not is_editor_temp_file(Path(path).name) and wanted(Path(path))})
            if saved:
                on_change(saved)


class _PdfWorker:
    """Renders one issue's PDF into the PDF cache in a background thread; the HTML never waits for it."""

    def __init__(self, root: Path, log: Callable[[str], None]):
        self.root, self.log = root, log
        self.lock = threading.Lock()
        self.busy = False
        self.pending: tuple | None = None

    def request(self, report: BuildReport, issue_id: str, on_done: Callable[[], None]) -> None:
        with self.lock:
            if self.busy:
                self.pending = (report, issue_id, on_done)
                return
            self.busy = True
        threading.Thread(target=self._run, args=(report, issue_id, on_done), daemon=True).start()

    def _run(self, report: BuildReport, issue_id: str, on_done: Callable[[], None]) -> None:
        from ..fingerprints import Fingerprints, TemplateDigests
        from ..paper.pdf import issue_pdfs
        from ..web.render import make_environment

        while True:
            try:
                site = report.site
                env = make_environment(self.root / "templates", site)
                options = BuildOptions(pdf=True, issue_ids=(issue_id,))
                for _pdf in issue_pdfs(site, report.bodies, options, self.log, Fingerprints(site.root), TemplateDigests(env)):
                    pass
                on_done()
            except (ContentError, ContentErrors) as exc:
                self.log(_('pdf {issue_id}: {exc}').format(issue_id=issue_id, exc=exc))
            except Exception as exc:   # noqa: BLE001 — a failed PDF must not end the preview
                self.log(_('pdf {issue_id}: could not be rendered: {exc}').format(issue_id=issue_id, exc=exc))
            with self.lock:
                if self.pending is None:
                    self.busy = False
                    return
                report, issue_id, on_done = self.pending
                self.pending = None


def _base_path(root: Path) -> bytes:
    """The site's own address: pages that link with it (the 404 page) are shown with local links."""
    try:
        from ..source.config import load_config

        return load_config(root / "site.yaml").base_url.encode()
    except ContentError:
        return b""


def _site_app(out_dir: Path, state: ServeState, navigate: bool, base_url: bytes = b""):
    """A WSGI app serving files of out_dir only, with the client script and the error overlay added."""
    script = (CLIENT_SCRIPT % {"state": STATE_PATH, "navigate": "true" if navigate else "false"}).encode()

    def app(environ, start_response):
        path = unquote(environ.get("PATH_INFO") or "/")
        if path == STATE_PATH:
            body = json.dumps({"serial": state.serial, "changed": state.changed, "errors": state.errors}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
            return [body]
        if path.startswith(CHANGES_PATH) and (page := _changes_page(state, path[len(CHANGES_PATH):])) is not None:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])
            return [page]
        if path.startswith(WECHAT_PATH) and (page := _wechat_page(state, path[len(WECHAT_PATH):])) is not None:
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")])
            return [page]
        status, file = "200 OK", _resolve(out_dir, path)
        if file is None:
            status, file = "404 Not Found", out_dir / "404.html"
        if not file.is_file():
            status, data, ctype = "404 Not Found", b"<!DOCTYPE html><html><head><title>404</title></head><body></body></html>", "text/html"
        else:
            data = file.read_bytes()
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if ctype == "text/html":
            if base_url:
                data = data.replace(b'href="' + base_url, b'href="/').replace(b'action="' + base_url, b'action="/')
            data = _decorate(data, script, state.errors, _wechat_link(state, path))
            ctype += "; charset=utf-8"
        start_response(status, [("Content-Type", ctype), ("Cache-Control", "no-store")])
        return [data]

    return app


def _resolve(out_dir: Path, url_path: str) -> Path | None:
    """The file for a URL path, never outside out_dir; a folder means its index.html."""
    target = (out_dir / url_path.lstrip("/")).resolve()
    if target != out_dir and out_dir not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def _article_at(state: ServeState, path: str):
    """The article whose page (or 公众号版) is at this URL path, in the last good build."""
    report = state.report
    if report is None or report.site is None:
        return None
    wanted = path.strip("/").removesuffix("index.html").strip("/")
    return next((a for a in report.site.articles if a.url.strip("/") == wanted), None)


def _wechat_link(state: ServeState, path: str) -> bytes:
    """On an article's page in the preview: a link to its 公众号版 (never in the built site)."""
    article = _article_at(state, path)
    if article is None:
        return b""
    return (f'<a class="xiaokan-wechat" href="{WECHAT_PATH}{article.url}" style="position:fixed;right:12px;bottom:12px;'
            'z-index:9999;background:#07c160;color:#fff;padding:8px 14px;border-radius:20px;font:14px sans-serif;'
            'text-decoration:none;box-shadow:0 2px 6px rgba(0,0,0,.3)">公众号版</a>').encode()


def _changes_page(state: ServeState, rest: str) -> bytes | None:
    """修改对照 of an issue as it is now (drafts included) against its last proof."""
    from .proof import article_texts, changes_page, last_record

    report = state.report
    issue_id = rest.strip("/")
    issue = next((i for i in report.site.issues if i.id == issue_id), None) if report and report.site else None
    if issue is None:
        return None
    number, record = last_record(report.site.root, issue.id)
    now = article_texts(report.site, issue, report.bodies)
    page, _changed = changes_page(report.site, issue, now, record, "预览中的当前文本", f"第{number}次校样" if number else None)
    return page.encode()


def _wechat_page(state: ServeState, rest: str) -> bytes | None:
    from .wechat import export, theme

    article = _article_at(state, rest)
    if article is None:
        return None
    site = state.report.site
    post = export(site, article, state.report.bodies[article.url], theme(site.root))
    warnings = "".join(f'<p role="alert" style="max-width:390px;margin:12px auto 0;color:#8a1c00">{html.escape(w)}</p>'
                       for w in post.warnings)
    return (WECHAT_PAGE % {"title": html.escape(article.title), "back": "/" + article.url, "post": post.html,
                           "warnings": warnings}).encode()


def _decorate(page: bytes, script: bytes, errors: list[str], extra: bytes = b"") -> bytes:
    page = page.replace(b"</head>", script + b"</head>", 1)
    if extra:
        page = page.replace(b"</body>", extra + b"</body>", 1)
    if errors:
        text = html.escape("\n\n".join(errors))
        overlay = (f'<div id="xiaokan-error" role="alert" style="{OVERLAY_STYLE}"><strong>'
                   f'{html.escape(_("the last save has a problem"))}</strong>\n\n{text}\n\n<em>'
                   f'{html.escape(_("this is the last good version; fix the file and save, and the page recovers by itself"))}'
                   "</em></div>")
        page = page.replace(b"<body>", b"<body>" + overlay.encode(), 1) if b"<body>" in page else overlay.encode() + page
    return page

