"""The preview's PDF: the issue an editor works on, typeset again in a process of its own.

WeasyPrint's layout is pure Python: in a thread of the preview it held the interpreter while the
next save was rebuilt, and a title edit took 1.4 s to reach the page instead of 0.1 s. So the PDF
is made by `python -m xiaokan.desk.pdfworker ROOT ISSUE`, at the lowest priority, with the same
build code as `build.py pdf` (paper/pdf.py's issue_pdfs, into the PDF cache):

- every issue whose PDF the preview's build finds missing or out of date waits in a queue (at start
  too), and they are typeset one at a time, the issue last saved first;
- they start only once the editor has paused (PAUSE_SECONDS after the last save that changed a PDF):
  typing and saving every few seconds costs no PDF at all;
- a save ends a running render only when it made it stale: when the build after it finds the issue's
  print key changed (pdfstale.py; not a web-only template, not another issue); the issue is queued
  again. The PDF cache is written whole or not at all, so the page keeps linking the last good PDF
  meanwhile;
- the child prints JSON lines: {"log": line} for the terminal, {"errors": [...]} when it failed;
- it ends when the preview does, even a preview killed outright: it reads its stdin, which only
  the preview holds open, and leaves at its end of file.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Callable

from ..builder import BuildReport
from ..core.errors import ContentError, ContentErrors, environment_error
from ..core.i18n import _
from ..core.reasons import explain_exception

PAUSE_SECONDS = 1.5    # after the last save, before the PDF is typeset again
NICENESS = 19          # the lowest priority: the editor's saves come first
# (Tests set a shorter pause, and a normal priority: the parallel test workers would starve it.)
PAUSE_VARIABLE, NICE_VARIABLE = "XIAOKAN_PDF_PAUSE", "XIAOKAN_PDF_NICE"
UP_TO_DATE = "unchanged"   # (paper/pdf.py's status of a cached PDF that matches its inputs)
ORPHANED = 3           # the child's exit status when the preview went away first


class PdfRenders:
    """The PDF renders of one preview: a queue of the issues whose PDF is out of date, typeset one at
    a time. Called on the preview's IOLoop only; on_written() when an issue's PDF is in the PDF cache
    (the preview publishes it by building), on_failed(errors) when it could not be made (the cache
    keeps the last good PDF). An issue typeset, or failed, waits for its next change."""

    def __init__(self, root: Path, log: Callable[[str], None], on_written: Callable[[], None],
                 on_failed: Callable[[list[str]], None]):
        from tornado.ioloop import IOLoop

        self.root, self.log, self.on_written, self.on_failed = root, log, on_written, on_failed
        self.loop = IOLoop.current()
        self.pause = _setting(PAUSE_VARIABLE, PAUSE_SECONDS)
        self.timer = None
        self.process: subprocess.Popen | None = None
        self.issue_id: str | None = None   # (the issue being typeset)
        self.queue: list[str] = []         # out of date, not being typeset: the next first
        self.settled: set[str] = set()     # typeset (or failed) since their last change: not again until the next

    def update(self, report: BuildReport, issues: list[str], touched: set[str]) -> bool:
        """After a build of the preview (issues: its issues, newest first; touched: those whose print
        edition changed since the build before, pdfstale.PrintKeys). A render that the save made stale ends; every issue whose PDF
        the build found out of date is queued, the saved ones first, and typeset after the pause when
        the save changed one. True when the touched issues' PDFs are all up to date (in the cache)."""
        current = {issue_id for issue_id, status in report.pdfs.items() if status == UP_TO_DATE}
        self.settled = (self.settled - touched) & set(issues)
        if self.issue_id is not None and (self.issue_id in touched or self.issue_id not in issues):
            self._end_render()   # (a render of a text that is no more)
        order = [i for i in issues if i in touched] + [i for i in self.queue if i not in touched] + issues
        self.queue = [i for i in dict.fromkeys(order)
                      if i in issues and i not in current and i not in self.settled and i != self.issue_id]
        if touched and self.queue:
            self._wait()
        elif self.timer is None:
            self._next()
        return bool(touched) and touched <= current

    def cancel(self) -> None:
        """No render waiting, none running (a killed render leaves the PDF cache as it was)."""
        self.queue = []
        self._end_render()

    def _wait(self) -> None:
        """The next render starts after the pause (a newer save restarts it)."""
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
        self.timer = self.loop.call_later(self.pause, self._paused)

    def _paused(self) -> None:
        self.timer = None
        self._next()

    def _next(self) -> None:
        if self.process is None and self.queue:
            self.issue_id = self.queue.pop(0)
            self._start()

    def _end_render(self) -> None:
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
            self.timer = None
        if self.process is not None:
            self.process.kill()   # (its reader thread reaps it)
            self.process = None
        self.issue_id = None

    def stop(self) -> None:
        """The preview ends: no render outlives it."""
        process = self.process
        self.cancel()
        if process is not None:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:   # (killed: it cannot outlive its kill for long)
                pass

    def _start(self) -> None:
        package = str(Path(__file__).resolve().parents[2])   # (the child imports this very xiaokan)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (package, os.environ.get("PYTHONPATH")))))
        try:
            process = subprocess.Popen([sys.executable, "-m", "xiaokan.desk.pdfworker", str(self.root), self.issue_id],
                                       cwd=self.root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       creationflags=getattr(subprocess, "IDLE_PRIORITY_CLASS", 0))   # (Windows)
        except OSError as exc:
            self.settled.add(self.issue_id)
            self.issue_id = None
            self.on_failed([environment_error(exc).render()])
            return
        self.process = process
        threading.Thread(target=self._follow, args=(process,), daemon=True, name="pdf-render").start()

    def _follow(self, process: subprocess.Popen) -> None:
        """(In a thread of its own) the child's lines, then its end, handed to the IOLoop."""
        errors: list[str] = []
        for line in process.stdout:
            try:
                said = json.loads(line)
            except ValueError:
                continue
            if "log" in said:
                self.loop.add_callback(self.log, said["log"])
            errors += said.get("errors", [])
        process.stdout.close()
        code = process.wait()
        self.loop.add_callback(self._ended, process, code, errors)

    def _ended(self, process: subprocess.Popen, code: int, errors: list[str]) -> None:
        if process is not self.process:   # (cancelled: a newer save made it stale)
            return
        self.settled.add(self.issue_id)   # (rendering it again before it changes would make the same PDF)
        self.process, self.issue_id = None, None
        if code == 0:
            self.on_written()
        else:
            self.on_failed(errors or [_('the PDF could not be made: its process ended unexpectedly ({code})')
                                      .format(code=code)])
        if self.timer is None:
            self._next()


def _setting(variable: str, default: float) -> float:
    try:
        return max(0.0, float(os.environ.get(variable, default)))
    except ValueError:
        return default


# --- the child -------------------------------------------------------------------------------

def render_issue(root: Path, issue_id: str, log: Callable[[str], None]) -> None:
    """The issue's PDF into the PDF cache, as `build.py pdf ISSUE` makes it (drafts included, as the
    preview shows them). Raises ContentError(s) as the build does."""
    from ..bodies import convert_bodies
    from ..builder import BuildOptions
    from ..core.fingerprints import Fingerprints, TemplateDigests
    from ..paper.issuepdfs import issue_pdfs
    from ..source.content import read_site
    from ..source.references import photo_problems
    from ..web.render import make_environment

    loaded = read_site(root, None, drafts=True)
    if loaded.problems:
        raise ContentErrors(loaded.problems)
    site = loaded.site
    issue = next((i for i in site.issues if i.id == issue_id), None)
    if issue is None:
        return   # (deleted meanwhile: the preview's next build says so)
    bodies, problems = convert_bodies(site, None, issue.articles)   # (links resolved against the whole site)
    problems += [p for article in issue.articles for p in photo_problems(article, bodies[article.url], root)]
    if problems:
        raise ContentErrors(problems)
    alone = replace(site, issues=(issue,))   # (no other issue's PDF is looked at)
    env = make_environment(root / "templates", site)
    for _pdf in issue_pdfs(alone, bodies, BuildOptions(pdf=True, issue_ids=(issue_id,)), log,
                           Fingerprints(root), TemplateDigests(env)):
        pass


def main(argv: list[str]) -> int:
    if hasattr(os, "nice"):   # (on Windows the preview starts it at idle priority)
        os.nice(int(_setting(NICE_VARIABLE, NICENESS)))
    threading.Thread(target=_leave_with_the_preview, daemon=True).start()
    root, issue_id = Path(argv[0]), argv[1]

    def say(**what) -> None:
        print(json.dumps(what, ensure_ascii=False), flush=True)

    try:
        render_issue(root, issue_id, lambda line: say(log=line))
    except ContentErrors as exc:
        say(errors=[error.render() for error in exc.errors])
    except ContentError as exc:
        say(errors=[exc.render()])
    except OSError as exc:
        say(errors=[environment_error(exc).render()])
    except Exception as exc:   # noqa: BLE001 — a failed PDF is a message in the preview, never a traceback
        say(errors=[_('pdf {issue_id}: could not be rendered: {exc}').format(issue_id=issue_id, exc=explain_exception(exc))])
    else:
        return 0
    return 1


def _leave_with_the_preview() -> None:
    """Only the preview holds the write end of stdin: its end of file means the preview is gone.
    (os.read, not sys.stdin: a thread blocked in a buffered read stops the interpreter's own exit.)"""
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os._exit(ORPHANED)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
