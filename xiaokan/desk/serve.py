"""`build.py serve`: build the preview (the site with drafts, in .cache/preview/), serve it with live
reload, rebuild what changed on every save. output/, what gets published, is not touched. Each issue's
PDF that is out of date is typeset by a process of its own once the editor pauses (pdfworker.py).

A save of one article's text shows its page first (savedpage.py) and reloads the open pages; the
build of the rest runs in a thread (buildqueue.py) while requests are answered.

A broken save never stops the server: the last good preview stays, the terminal prints the error
and every open page shows it in an overlay until the next good save. What a request gets is
preview_site.py's; who may ask (Host, Origin) and the live-reload socket are preview_http.py's.
"""
from __future__ import annotations

import errno
import signal
import threading
import time
from pathlib import Path
from typing import Callable

from ..builder import BuildOptions, BuildReport, build
from ..core.errors import ContentError
from ..core.i18n import _
from ..publish.output import PREVIEW_DIR
from ..source.content import is_editor_temp_file
from .buildqueue import BuildQueue, Outcome, attempt
from .guard import is_loopback
from .pdfstale import PrintKeys, preview_site
from .pdfworker import PdfRenders
from .preview_http import OpenPages, listen
from .preview_site import ServeState, site_app
from .savedpage import SavedPage

WATCHED_FOLDERS = ("content", "templates", "assets")   # and site.yaml, through the project folder
# After the first change, wait this long for more (an editor's save can be several writes) before building.
QUIET_MS = 10


def serve(root: Path, host: str, port: int, pdf: bool, navigate: bool, log: Callable[[str], None]) -> None:
    """Serve until Ctrl-C. Only the preview folder is served, on host (127.0.0.1 unless told otherwise)."""
    from tornado import ioloop

    _check_address(host, port)
    from .editorial.app import mount  # the 编辑部 at /编辑部/ (it refuses the network without accounts)
    from .editorial.wsgi import MAX_BODY

    desk = mount(root, host, port, log)
    out_dir = (root / PREVIEW_DIR).resolve()   # (drafts included: never output/, which gets published)
    state = ServeState(pdf=pdf)
    pages = OpenPages(state.live_token)
    loop = ioloop.IOLoop.current()
    keys = PrintKeys(root)   # (which issues' print editions a build changed)
    queue: BuildQueue | None = None   # (the first build runs before the server answers, in this thread)
    shown: dict[Path, tuple[str, bytes]] = {}   # saved file -> its page written ahead of the build (savedpage.py)
    reload_after = False           # (the next build's pages go to the open pages whatever it wrote)
    said: set[str] = set()         # the warnings the terminal shows already: each rebuild adds only new ones
    stop = threading.Event()   # (set when the server ends; the watchers stop with it)
    # Before building: no save is missed (the IOLoop calls saved() once the first build is done).
    _start_watching(root, lambda changed: loop.add_callback(saved, changed), stop)
    log(_('building …'))

    def reload_pages() -> None:
        state.reloads += 1   # (before sending: a page connecting meanwhile catches up with it)
        pages.reload()

    def pdf_written() -> None:
        nonlocal reload_after
        if state.pdf_errors:
            state.pdf_errors, reload_after = [], True
        state.settled = False
        queue.want([])   # (publishes the new PDF into the preview: the issue page's link stays where it was)

    def pdf_failed(errors: list[str]) -> None:
        state.pdf_errors = errors
        for error in errors:
            log(_("error: ") + error)
        log(_("the issue page links the last good PDF; fix the file and save again"))
        reload_pages()

    renders = PdfRenders(root, log, pdf_written, pdf_failed) if pdf else None

    def run_build() -> BuildReport:
        # (with the search index and the social cards: a save's build runs in the background)
        return build(root, BuildOptions(pdf=False, stale_pdf=True, drafts=True, out_dir=out_dir), lambda msg: None)

    def built(outcome: Outcome, changed: list[Path]) -> None:
        """After a build (on the IOLoop): the state, the terminal, the PDF queue, the open pages."""
        nonlocal reload_after, said
        state.settled = queue is None or queue.settled
        state.builds += 1
        written, reload_after = dict(shown), False
        shown.clear()
        if outcome.report is None:
            _failed(state, outcome.errors, log)
            reload_pages()
            return
        report = outcome.report
        state.sandbox = _trusts_html(root)
        recovered = bool(state.errors)
        state.errors, state.report = [], report
        article = _saved_article(report, changed)
        if article is not None and article.source not in written:   # (else announced when it was shown)
            state.serial += 1
            state.changed = "/" + article.url
        warnings = [warning.render() for warning in report.warnings]
        for warning in warnings:
            if warning not in said:
                log(warning)
        said = set(warnings)
        line = _("rebuilt {count} file(s) in {ms:.0f} ms").format(count=len(report.rendered), ms=report.seconds * 1000)
        log(_("recovered: {line}").format(line=line) if recovered else line)
        if recovered or reload_after or (changed and _news(out_dir, report, changed, written)):
            reload_pages()
        # Every issue whose PDF is out of date is queued; those the saves changed first, after the pause.
        # (The first good build queues every missing or stale one, as a render cut off leaves it.)
        if renders and (site := report.site or (preview_site(root, report) if keys.keys is None else None)):
            touched = keys.changed(site, report.bodies)
            issues = [issue.id for issue in site.issues]
            if renders.update(report, issues, set(issues) if touched is None else set(touched) & set(issues)):
                state.pdf_errors = []   # (its PDF is in the cache: the change that failed was undone)

    state.sandbox = _trusts_html(root)   # (until a build has read site.yaml)
    desk.sandboxed = lambda: state.sandbox
    built(attempt(run_build), [])
    queue = BuildQueue(run_build, built)
    page_first = SavedPage(root, out_dir)

    def saved(changed: list[Path]) -> None:
        log(_("changed: {files}").format(files=", ".join(_short(root, p) for p in changed[:3])
                                         + (" …" if len(changed) > 3 else "")))
        started = time.perf_counter()
        # (after a failed build, only the build can say that the problem is gone)
        first = None if state.errors else page_first.write(state.report, changed)
        if first is not None:
            article, data = first
            shown[changed[0]] = (f"{article.url}index.html", data)
            state.serial += 1
            state.changed = "/" + article.url
            log(_("showed {url} in {ms:.0f} ms; the rest follows").format(
                url=article.url, ms=(time.perf_counter() - started) * 1000))
            reload_pages()
        state.settled = False
        queue.want(changed)

    def repair() -> None:
        log(_("the preview's files were deleted (.cache/); building them again …"))
        built(attempt(run_build), [])
        reload_pages()

    listen(desk.wrap(site_app(out_dir, state, navigate, _base_path(root), repair)), host, port, pages, log,
           max_body=MAX_BODY, early=desk.early_refusal)
    named = f"[{host}]" if ":" in host else host   # (an IPv6 address is written in brackets in an address)
    if is_loopback(host):
        log(_("previewing on http://{host}:{port}/ with drafts (Ctrl-C stops; only this computer can open it)")
            .format(host=named, port=port))
    else:
        log(_("previewing on http://{host}:{port}/ with drafts (Ctrl-C stops; open to the network on {host})")
            .format(host=named, port=port))
    log(_("the editor's desk (编辑部): http://{host}:{port}/编辑部/").format(host=named, port=port))
    _end_on_signals()
    try:
        loop.start()
    except KeyboardInterrupt:   # (Ctrl-C is how the preview is meant to end)
        pass
    finally:
        stop.set()   # (the watcher's thread ends with the server)
        if renders:
            renders.stop()   # (no PDF process outlives the preview)


def _end_on_signals() -> None:
    """A closed terminal (SIGHUP) or a `kill` (SIGTERM) ends the preview as Ctrl-C does, cleaning up
    (a signal the preview was told to ignore, as `nohup` does with SIGHUP, stays ignored)."""
    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name) and signal.getsignal(getattr(signal, name)) == signal.SIG_DFL:
                signal.signal(getattr(signal, name), interrupt)


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
        log(_("error: ") + error)
    log(_('the site shows the last good build; fix the file and save again'))


def _news(out_dir: Path, report: BuildReport, changed: list[Path], shown: dict[Path, tuple[str, bytes]]) -> bool:
    """Whether a save's build has anything new for the open pages: yes, unless all it saved were
    articles whose pages were shown ahead of it and the build wrote no other page nor those any
    differently. (An edit is then one reload, not two.)"""
    if any(path not in shown for path in changed):
        return True
    pages = dict(shown.values())
    for rel in report.rendered:
        if rel not in pages:
            if rel.endswith(".html"):
                return True
            continue
        try:
            if (out_dir / rel).read_bytes() != pages[rel]:
                return True
        except OSError:
            return True
    return False


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


def _trusts_html(root: Path) -> bool:
    """Whether site.yaml lets articles' own HTML, scripts too, through (trust_html): then the preview's
    pages are served in a sandbox (preview_site.SANDBOX). A site.yaml that cannot be read: yes."""
    try:
        from ..source.config import load_config

        return load_config(root / "site.yaml").trust_html
    except ContentError:
        return True


def _base_path(root: Path) -> bytes:
    """The site's own address: pages that link with it (the 404 page) are shown with local links."""
    try:
        from ..source.config import load_config

        return load_config(root / "site.yaml").base_url.encode()
    except ContentError:
        return b""
