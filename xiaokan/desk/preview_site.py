"""What the preview answers: the files of the preview folder (the site with drafts), with the live
client, the error overlay and a bar with the article's 公众号版 added to each page; the 公众号版 and
the 修改对照 pages; the state the open pages poll.

Any request is answered: a path no file can have (not UTF-8, a NUL byte, a name longer than a file
name may be) is a 400 or a 404, never an exception. When the preview's files are gone (.cache/
deleted while it runs), the first request for a page the last build made builds them again.
"""
from __future__ import annotations

import html
import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Callable

from ..builder import BuildReport
from ..core.devices import is_windows_device
from ..core.i18n import _
from ..paper.issuepdfs import reader_path
from ..publish.objectheaders import media_type
from .pdfworker import UP_TO_DATE
from .preview_http import LIVE_PATH, LIVE_SCRIPT, SANDBOX_SEARCH, carries_token

NAME_MAX = 255    # bytes of one file name (Linux, macOS, Windows' NTFS in UTF-16 units)
PATH_MAX = 4096   # bytes of a whole path
STATE_PATH = "/__xiaokan__/state"
WECHAT_PATH = "/__xiaokan__/wechat/"   # + 2024-06/<slug>/: the 公众号版 of an article, in the preview only
CHANGES_PATH = "/__xiaokan__/changes/"   # + 2024-06/: 修改对照, the text now against the last proof
# With trust_html, an article's own scripts run in the preview: its pages are served in a sandbox (an
# opaque origin, not the desk's), so that a script cannot read the desk's token nor act as whoever opens it.
SANDBOX = "sandbox allow-scripts allow-popups allow-forms allow-modals allow-downloads"
PDF_PATH = "/__xiaokan__/pdf/"   # + 2024-06.pdf: the issue's print edition with its drafts, as the preview typeset it

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

# A reload sent before the page's live-reload socket was open never reaches it (a page asked for
# while its build ran stayed a 404): once connected, the page asks how many reloads were sent since it
# was served (__RELOADS__, filled in per answer) and reloads itself if any were.
CATCH_UP = """<script>document.addEventListener("LiveReloadConnect", function () {
  fetch("__STATE__").then(function (r) { return r.json(); }).then(function (s) {
    if (s.reloads > __RELOADS__) location.reload();
  });
});</script>"""

# Injected into every served page: keep the scroll position across live reloads, show build
# errors, and (with --navigate) follow the editor to the article just saved.
CLIENT_SCRIPT = """<script>(function () {
  var key = "xiaokan-scroll:" + location.pathname;
  var nav = performance.getEntriesByType("navigation")[0];
  var store;   // (a sandboxed page, of a site with trust_html, has no sessionStorage: memory instead)
  try { store = sessionStorage; } catch (e) { store = {getItem: function () { return null; }, setItem: function () {}}; }
  addEventListener("beforeunload", function () { store.setItem(key, String(scrollY)); });
  if (nav && nav.type === "reload" && store.getItem(key) !== null) {
    var y = +store.getItem(key);
    addEventListener("load", function () { scrollTo(0, y); });
    document.addEventListener("DOMContentLoaded", function () { scrollTo(0, y); });
  }
  fetch("%(state)s").then(function (r) { return r.json(); }).then(function (s) {
    var seen = store.getItem("xiaokan-serial");   // null: this tab has just opened the site
    store.setItem("xiaokan-serial", String(s.serial));
    if (%(navigate)s && s.changed && seen !== null && s.serial > +seen &&
        location.pathname !== s.changed && location.pathname + "index.html" !== s.changed) {
      location.href = s.changed;
    }
  });
})();</script>"""

# What a sandboxed page's search adds to the addresses of the index (assets/search.js reads it).
SEARCH_QUERY = b'<meta name="xiaokan-search-query" content="t=%s">'

OVERLAY_STYLE = ("position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;"
                 "font:15px/1.6 ui-monospace,Menlo,Consolas,monospace;padding:2em;white-space:pre-wrap")

@dataclass
class ServeState:
    """What the server knows between saves; touched only from the server's own thread."""
    errors: list[str] = field(default_factory=list)   # rendered errors of the last build; empty when it worked
    pdf_errors: list[str] = field(default_factory=list)   # of the last PDF render; empty when it worked
    serial: int = 0                                    # counts builds triggered by a saved article
    builds: int = 0                                    # counts finished builds, failed ones too
    changed: str | None = None                         # URL path of the article saved last
    report: BuildReport | None = None
    repaired: BuildReport | None = None                # the build after which the deleted files were made again
    settled: bool = True                               # no save waits for its build (search index, feed, lists)
    pdf: bool = True                                   # the preview typesets the issues' PDFs (no --no-pdf)
    reloads: int = 0                                   # counts the reloads sent to the open pages
    sandbox: bool = False                              # pages in a sandbox of their own (SANDBOX: trust_html)
    # LIVE_PATH answers only with this, which the served pages carry: it is open to pages of no origin,
    # and so to any site's sandboxed frame, which must not learn when and what the editor saves.
    live_token: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @property
    def live_path(self) -> str:
        return f"{LIVE_PATH}?t={self.live_token}"


def site_app(out_dir: Path, state: ServeState, navigate: bool, base_url: bytes = b"",
             repair: Callable[[], None] | None = None):
    """A WSGI app serving files of out_dir only, with the client script and the error overlay added.
    repair (if given) builds the preview folder again when its files are found deleted."""
    script = (CLIENT_SCRIPT % {"state": state.live_path, "navigate": "true" if navigate else "false"}).encode()

    def app(environ, start_response):
        # Each file as the type its name says, never read as a script: a PDF (an attachment, which
        # may hold any text) named in a <script> of a published page with trust_html ran in the
        # desk's origin when the 主编 opened that page from the desk (/编辑部/site/…).
        return answer(environ, lambda status, headers, *rest: start_response(
            status, [*headers, ("X-Content-Type-Options", "nosniff")], *rest))

    def answer(environ, start_response):
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            return _text(start_response, "405 Method Not Allowed", _("the preview only shows pages"), (("Allow", "GET, HEAD"),))
        path = url_path(environ.get("PATH_INFO") or "/")
        if path is None:
            return _text(start_response, "400 Bad Request", _("this address is not valid"))
        if path == STATE_PATH:
            body = json.dumps({"serial": state.serial, "changed": state.changed, "errors": state.errors,
                               "builds": state.builds, "settled": state.settled, "reloads": state.reloads,
                               "pdf": state.pdf, "pdf_errors": bool(state.pdf_errors), "pdfs": _pdfs(state)}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store")])
            return [body]
        if path == LIVE_PATH:   # (any page that has the token may read it: a sandboxed one is of no origin)
            if not carries_token(environ.get("QUERY_STRING", ""), state.live_token):
                return _text(start_response, "403 Forbidden", _("a page of another site may not use the preview"))
            body = json.dumps({"serial": state.serial, "changed": state.changed, "reloads": state.reloads}).encode()
            start_response("200 OK", [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                                      ("Access-Control-Allow-Origin", "*")])
            return [body]
        if path.startswith(CHANGES_PATH) and (page := _changes_page(state, path[len(CHANGES_PATH):])) is not None:
            return _html(start_response, "200 OK", _with_head(page, _live(state)), state.sandbox)
        if path.startswith(PDF_PATH) and (pdf := _pdf_file(state, path[len(PDF_PATH):])) is not None:
            start_response("200 OK", [("Content-Type", "application/pdf"), ("Cache-Control", "no-store")])
            return [pdf]
        if path.startswith(WECHAT_PATH) and (page := _wechat_page(state, path[len(WECHAT_PATH):])) is not None:
            return _html(start_response, "200 OK", _with_head(page, _live(state)), state.sandbox)
        file = resolve(out_dir, path)
        if file is None and repair is not None and _deleted(out_dir, state, path):
            state.repaired = state.report   # (once per build: a page still missing after it is missing indeed)
            repair()
            file = resolve(out_dir, path)
        status = "200 OK"
        if file is None:
            status, file = "404 Not Found", resolve(out_dir, "/404.html")
        if file is None:
            data, ctype = b"<!DOCTYPE html><html><head><title>404</title></head><body></body></html>", "text/html"
        else:
            data = file.read_bytes()
            ctype = media_type(file.name)
        if ctype == "text/html":
            if base_url:   # (the 404 page's links and files are absolute, to the live site: here, the preview's)
                for attribute in (b'href="', b'src="', b'action="'):
                    data = data.replace(attribute + base_url, attribute + b"/")
            return _html(start_response, status, _decorate(data, script, state, _preview_bar(state, path)), state.sandbox)
        # (an SVG or an attachment of HTML opened alone too; not a PDF: Chromium shows none in a sandbox)
        start_response(status, [("Content-Type", ctype), ("Cache-Control", "no-store"),
                                *([("Content-Security-Policy", SANDBOX)] if state.sandbox and ctype != "application/pdf" else []),
                                *([("Access-Control-Allow-Origin", "*")] if _sandboxed_search(state, path, environ) else [])])
        return [data]

    return app


def _pdfs(state: ServeState) -> dict[str, dict]:
    """Each issue's PDF the preview has, drafts included: its address, and whether it is of the text as
    it is now (False: the last one, while the new one is typeset)."""
    report = state.report
    if report is None:
        return {}
    return {issue_id: {"url": f"{PDF_PATH}{issue_id}.pdf", "current": report.pdfs.get(issue_id) == UP_TO_DATE}
            for issue_id in report.pdf_files}


def _pdf_file(state: ServeState, name: str) -> bytes | None:
    """The reader's edition (for the screen) of an issue's PDF in the PDF cache; None when there is none."""
    file = state.report.pdf_files.get(name.removesuffix(".pdf")) if state.report and name.endswith(".pdf") else None
    try:
        return reader_path(file).read_bytes() if file else None
    except OSError:   # (the cache was emptied meanwhile)
        return None


def url_path(raw: str) -> str | None:
    """The URL path a WSGI server hands over (its bytes as Latin-1 text, percent-decoded) as text;
    None when it is no text at all (not UTF-8) or holds a NUL byte, which no file name can."""
    try:
        path = raw.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None
    return None if "\0" in path else path


def resolve(out_dir: Path, url_path: str) -> Path | None:
    """The file for a URL path, never outside out_dir; a folder means its index.html. None for a
    path no file can have (a name longer than NAME_MAX, a path longer than PATH_MAX, `..` out), and,
    before the disk is asked, for one Windows would read as another place: a backslash (`a\\..\\x`,
    `\\\\host\\share`, which Windows would connect to with the editor's credentials), a drive (`C:`) or
    a device (CON, NUL …), whatever the system the preview runs on."""
    rel = url_path.lstrip("/")
    if len(rel.encode()) > PATH_MAX or any(len(part.encode()) > NAME_MAX for part in rel.split("/")):
        return None
    if "\\" in rel or PureWindowsPath(rel).drive or any(is_windows_device(part) for part in rel.split("/")):
        return None
    try:
        target = (out_dir / rel).resolve()
        if target != out_dir and out_dir not in target.parents:
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None
    except (OSError, ValueError):   # (what the file system refuses to look up: a loop of links, no permission)
        return None


def _deleted(out_dir: Path, state: ServeState, path: str) -> bool:
    """Are the preview's files gone (.cache/ deleted while the preview runs)? Yes when its home page
    is, or when the page asked for is one the last good build made."""
    if state.report is None or state.report.site is None or state.report is state.repaired:
        return False
    wanted = path.strip("/").removesuffix("index.html").strip("/")
    return (not (out_dir / "index.html").is_file() or _article_at(state, path) is not None
            or any(issue.id == wanted for issue in state.report.site.issues))


def _text(start_response, status: str, text: str, headers: tuple[tuple[str, str], ...] = ()) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store"), *headers])
    return [(text + "\n").encode()]


def _html(start_response, status: str, page: bytes, sandbox: bool = False) -> list[bytes]:
    start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store"),
                            *([("Content-Security-Policy", SANDBOX)] if sandbox else [])])
    return [page]


def _article_at(state: ServeState, path: str):
    """The article whose page (or 公众号版) is at this URL path, in the last good build."""
    report = state.report
    if report is None or report.site is None:
        return None
    wanted = path.strip("/").removesuffix("index.html").strip("/")
    return next((a for a in report.site.articles if a.url.strip("/") == wanted), None)


def _preview_bar(state: ServeState, path: str) -> bytes:
    """On an article's page in the preview: a bar above the page with its 公众号版 (never in the built
    site). In the page's flow, not floating over it: on a phone a floating button covered photos and tables."""
    article = _article_at(state, path)
    if article is None:
        return b""
    return (f'<nav class="xiaokan-preview-bar" aria-label="预览" style="display:flex;justify-content:flex-end;gap:8px;'
            'padding:6px 12px;background:#f2f2f2;border-bottom:1px solid #ddd;font:14px/1.6 sans-serif">'
            f'<a class="xiaokan-wechat" href="{WECHAT_PATH}{article.url}" style="background:#07c160;color:#fff;'
            'padding:3px 14px;border-radius:14px;text-decoration:none">公众号版</a></nav>').encode()


def _changes_page(state: ServeState, rest: str) -> bytes | None:
    """修改对照 of an issue as it is now (drafts included) against its last proof."""
    from .proof import last_proof
    from .proofchanges import changes_page
    from .proofrecord import printed_articles

    report = state.report
    issue_id = rest.strip("/")
    issue = next((i for i in report.site.issues if i.id == issue_id), None) if report and report.site else None
    if issue is None:
        return None
    last = last_proof(report.site.root, issue.id, {a.slug: a.source.name for a in issue.articles})
    now = printed_articles(report.site, issue, report.bodies)
    page, _changed = changes_page(report.site, issue, now, last.record, "预览中的当前文本",
                                  f"第{last.number}次校样" if last.record is not None else None, last.damaged is not None)
    return page.encode()


def _wechat_page(state: ServeState, rest: str) -> bytes | None:
    from .wechat import export, theme

    article = _article_at(state, rest)
    if article is None:
        return None
    site = state.report.site
    post = export(site, article, state.report.bodies[article.url], theme(site.root), photos_from="/")   # (served here)
    warnings = "".join(f'<p role="alert" style="max-width:390px;margin:12px auto 0;color:#8a1c00">{html.escape(w)}</p>'
                       for w in post.warnings)
    return (WECHAT_PAGE % {"title": html.escape(article.title), "back": "/" + article.url, "post": post.html,
                           "warnings": warnings}).encode()


def _live(state: ServeState) -> bytes:
    """What makes a served page reload after each build: livereload.js, and the catch-up on connecting."""
    return (CATCH_UP.replace("__RELOADS__", str(state.reloads)).replace("__STATE__", state.live_path) + LIVE_SCRIPT.replace("__LIVE_TOKEN__", state.live_token)).encode()


def _sandboxed_search(state: ServeState, path: str, environ) -> bool:
    """A file of the search index asked for by a sandboxed page (of no origin) with the pages' token:
    readable by it (SEARCH_QUERY gave the search page the token)."""
    return state.sandbox and path.startswith(SANDBOX_SEARCH) and carries_token(environ.get("QUERY_STRING", ""), state.live_token)


def _with_head(page: bytes, script: bytes) -> bytes:
    return page.replace(b"</head>", script + b"</head>", 1)


def _decorate(page: bytes, script: bytes, state: ServeState, bar: bytes = b"") -> bytes:
    """The page with the client script, the preview bar and, after a failed build or PDF, the overlay."""
    if state.sandbox:   # (the search page of a sandboxed preview asks for the index with the token)
        script += SEARCH_QUERY % state.live_token.encode()
    page = _with_head(page, script + _live(state))
    body = re.search(rb"<body\b[^>]*>", page)
    at = body.end() if body else 0
    if state.errors:
        bar += _overlay(state.errors, _("the last save has a problem"),
                        _("this is the last good version; fix the file and save, and the page recovers by itself"))
    elif state.pdf_errors:
        bar += _overlay(state.pdf_errors, _("the issue's PDF could not be made again"),
                        _("the issue page still links the last good PDF; fix the file and save, "
                          "and the PDF is made again a few seconds later"))
    return page[:at] + bar + page[at:]


def _overlay(errors: list[str], heading: str, footer: str) -> bytes:
    text = html.escape("\n\n".join(errors))
    return (f'<div id="xiaokan-error" role="alert" style="{OVERLAY_STYLE}"><strong>{html.escape(heading)}</strong>'
            f'\n\n{text}\n\n<em>{html.escape(footer)}</em></div>').encode()
