"""The preview's builds after saves, one at a time in a thread of their own.

A build at 1,000 articles takes most of a second; on the IOLoop it held every request for that long,
the reload of the page the editor looks at included. In a thread the server keeps answering while it
runs (the saved article's page is already written: savedpage.py). Saves that arrive meanwhile wait and
are built together, once, after it. What a build found is handed back to the IOLoop, which alone
touches the preview's state, the PDF queue and the open pages.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

from ..builder import BuildReport
from ..core.errors import ContentError, ContentErrors, environment_error


class Outcome:
    """A build's result: its report, or the rendered problems that stopped it."""

    def __init__(self, report: BuildReport | None = None, errors: list[str] | None = None):
        self.report, self.errors = report, errors or []


def attempt(build: Callable[[], BuildReport]) -> Outcome:
    """Run build, its problems as the messages an editor reads (never an exception)."""
    try:
        return Outcome(build())
    except ContentErrors as exc:
        return Outcome(errors=[e.render() for e in exc.errors])
    except ContentError as exc:
        return Outcome(errors=[exc.render()])
    except OSError as exc:
        return Outcome(errors=[environment_error(exc).render()])


class BuildQueue:
    """Builds the preview after saves. want(changed) asks for a build; done(outcome, changed) is called
    on the IOLoop after it, with every file saved since the last build started. settled is False from a
    want() until the build that covers it is done."""

    def __init__(self, build: Callable[[], BuildReport],
                 done: Callable[[Outcome, list[Path]], None]):
        from tornado.ioloop import IOLoop

        self.loop = IOLoop.current()
        self.build, self.done = build, done
        self.running = False
        self.changed: list[Path] = []
        self.waiting = False   # (a want() the running build does not cover)

    @property
    def settled(self) -> bool:
        return not (self.running or self.waiting)

    def want(self, changed: list[Path]) -> None:
        self.changed += [path for path in changed if path not in self.changed]
        self.waiting = True
        if not self.running:
            self._start()

    def _start(self) -> None:
        changed = self.changed
        self.changed, self.waiting, self.running = [], False, True
        threading.Thread(target=self._run, args=(changed,), daemon=True, name="preview-build").start()

    def _run(self, changed: list[Path]) -> None:
        outcome = attempt(self.build)
        self.loop.add_callback(self._finished, outcome, changed)

    def _finished(self, outcome: Outcome, changed: list[Path]) -> None:
        self.running = False
        self.done(outcome, changed)
        if self.waiting:   # (saves made while it ran)
            self._start()
