"""The preview's PDF: the issue an editor works on, typeset again in a process of its own.

WeasyPrint's layout is pure Python: in a thread of the preview it held the interpreter while the
next save was rebuilt, and a title edit took 1.4 s to reach the page instead of 0.1 s. So the PDF
is made by `python -m xiaokan.desk.pdfworker ROOT ISSUE`, at the lowest priority, with the same
build code as `build.py pdf` (paper/pdf.py's issue_pdfs, into the PDF cache):

- it starts only once the editor has paused (PAUSE_SECONDS after the last save that changed the
  issue): typing and saving every few seconds costs no PDF at all;
- a save ends a running render, before the page is rebuilt (its text is no more; the render of the
  newer text starts after the next pause); the PDF cache is written whole or not at all, so the page
  keeps linking the last good PDF;
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
from ..errors import ContentError, ContentErrors, environment_error
from ..i18n import _
from ..reasons import explain_exception

PAUSE_SECONDS = 1.5    # after the last save, before the PDF is typeset again
NICENESS = 19          # the lowest priority: the editor's saves come first
# (Tests set a shorter pause, and a normal priority: the parallel test workers would starve it.)
PAUSE_VARIABLE, NICE_VARIABLE = "XIAOKAN_PDF_PAUSE", "XIAOKAN_PDF_NICE"
UP_TO_DATE = "unchanged"   # (paper/pdf.py's status of a cached PDF that matches its inputs)
ORPHANED = 3           # the child's exit status when the preview went away first


class PdfRenders:
    """The PDF renders of one preview. Called on the preview's IOLoop only; on_written() when an
    issue's PDF is in the PDF cache (the preview publishes it by building), on_failed(errors) when it
    could not be made (the cache keeps the last good PDF)."""

    def __init__(self, root: Path, log: Callable[[str], None], on_written: Callable[[], None],
                 on_failed: Callable[[list[str]], None]):
        from tornado.ioloop import IOLoop

        self.root, self.log, self.on_written, self.on_failed = root, log, on_written, on_failed
        self.loop = IOLoop.current()
        self.pause = _setting(PAUSE_VARIABLE, PAUSE_SECONDS)
        self.timer = None
        self.process: subprocess.Popen | None = None
        self.issue_id: str | None = None

    def update(self, report: BuildReport, issue_id: str | None, at_once: bool = False) -> bool:
        """After a build: the issue's PDF is typeset again if the build found it out of date (its text,
        photos, settings or print templates changed). True when it is up to date (in the PDF cache)."""
        if issue_id is None:
            return False
        self.issue_id = issue_id
        if report.pdfs.get(issue_id) == UP_TO_DATE:
            self.cancel()   # (a render of a text that is no more: a change undone)
            return True
        self.request(issue_id, at_once)
        return False

    def request(self, issue_id: str, at_once: bool = False) -> None:
        """This issue changed: a render running now is stale; a new one starts after the pause."""
        self.cancel()
        self.issue_id = issue_id
        self.timer = self.loop.call_later(0 if at_once else self.pause, self._start)

    def cancel(self) -> None:
        """No render waiting, none running (a killed render leaves the PDF cache as it was)."""
        if self.timer is not None:
            self.loop.remove_timeout(self.timer)
            self.timer = None
        if self.process is not None:
            self.process.kill()   # (its reader thread reaps it)
            self.process = None

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
        self.timer = None
        package = str(Path(__file__).resolve().parents[2])   # (the child imports this very xiaokan)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, (package, os.environ.get("PYTHONPATH")))))
        try:
            process = subprocess.Popen([sys.executable, "-m", "xiaokan.desk.pdfworker", str(self.root), self.issue_id],
                                       cwd=self.root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       creationflags=getattr(subprocess, "IDLE_PRIORITY_CLASS", 0))   # (Windows)
        except OSError as exc:
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
        if process is not self.process:   # (cancelled: a newer save wants another render)
            return
        self.process = None
        if code == 0:
            self.on_written()
        else:
            self.on_failed(errors or [_('the PDF could not be made: its process ended unexpectedly ({code})')
                                      .format(code=code)])


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
    from ..fingerprints import Fingerprints, TemplateDigests
    from ..paper.pdf import issue_pdfs
    from ..source.content import read_site
    from ..web.render import make_environment

    loaded = read_site(root, None, drafts=True)
    if loaded.problems:
        raise ContentErrors(loaded.problems)
    site = loaded.site
    issue = next((i for i in site.issues if i.id == issue_id), None)
    if issue is None:
        return   # (deleted meanwhile: the preview's next build says so)
    bodies, problems = convert_bodies(site, None, issue.articles)   # (links resolved against the whole site)
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
