"""`deploy.after`: a command line run after a deploy or rollback changed the site (any target),
typically a CDN refresh (aliyun cdn RefreshObjectCaches …, tccli cdn PurgePathCache …).

It runs with `sh -c` in the project folder, with three variables: XIAOKAN_TARGET (the target as given),
XIAOKAN_RELEASE (the release now live) and XIAOKAN_CHANGED (a file listing the addresses, under
base_url, of every object uploaded or deleted, one per line; a page both as …/ and …/index.html; after a
rollback to a folder or SSH target, whose releases are not compared file by file, the site's own address).
Its failure (a status other than 0, or no end within ten minutes) is reported in the editor's words,
quoting its last line; the deploy it follows is done and is not undone. It runs in a session of its
own, so that a timeout or Ctrl-C stops every process it started, not sh alone (a hung CDN tool went on).
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..core.i18n import _
from .deployreport import warn

TIMEOUT = 600
KEPT = 64 * 1024   # bytes of its output kept: the end, which says how it ended


@dataclass(frozen=True)
class AfterResult:
    command: str
    output: str              # what it printed (both streams)
    seconds: float
    problem: str | None      # why it failed, in the editor's words (None: it succeeded)


def changed_addresses(base_url: str, paths: list[str]) -> list[str]:
    """The addresses a CDN may hold for these paths of the site."""
    base = base_url.rstrip("/") + "/" if base_url else "/"
    found = []
    for path in paths:
        if path == "index.html" or path.endswith("/index.html"):
            found.append(base + path[:-len("index.html")])
        found.append(base + path)
    return found


def run_after(command: str, root: Path, target, release: str, base_url: str, changed: list[str]) -> AfterResult | None:
    """Run site.yaml's deploy.after (None when there is none) for a deploy or rollback that made release live."""
    if not command:
        return None
    started = time.monotonic()
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="xiaokan-changed-", suffix=".txt", delete=False) as listing:
        listing.write("".join(address + "\n" for address in changed_addresses(base_url, changed)))
    env = {**os.environ, "XIAOKAN_TARGET": str(target), "XIAOKAN_RELEASE": release, "XIAOKAN_CHANGED": listing.name}
    try:
        code, printed = _run(command, root, env)
        output = decoded(printed)
        problem = None
        if code != 0:
            lines = [line.strip() for line in output.splitlines() if line.strip()]
            problem = _('the command of deploy.after failed (exit status {code}): 「{line}」').format(
                code=code, line=(lines[-1] if lines else "")[:300])
    except subprocess.TimeoutExpired as exc:
        output = decoded(exc.stdout or b"")
        problem = _('the command of deploy.after did not end within {minutes} minutes and was stopped').format(minutes=TIMEOUT // 60)
    except OSError as exc:
        output, problem = "", _('the command of deploy.after could not be started: 「{detail}」').format(detail=exc.strerror or exc)
    finally:
        Path(listing.name).unlink(missing_ok=True)
    return AfterResult(command, output, time.monotonic() - started, problem)


def _run(command: str, root: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """`sh -c command` in a session of its own: its status and the end of what it printed (KEPT bytes:
    a tool that printed without end filled the memory). A timeout or Ctrl-C ends the whole group
    (raising on), what the command started included."""
    with _ctrl_c_held() as held:   # (a Ctrl-C between the start and the try below left the command running)
        process = subprocess.Popen(["sh", "-c", command], cwd=root, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        kept = bytearray()
        reader = threading.Thread(target=_keep_end, args=(process.stdout.fileno(), kept), daemon=True)
        deadline = time.monotonic() + TIMEOUT
    try:
        held.deliver()
        reader.start()   # (inside: a Ctrl-C while the thread starts stops the command too)
        process.wait(timeout=TIMEOUT)
        reader.join(max(0.0, deadline - time.monotonic()))   # (what sh left running may hold the output open)
        if reader.is_alive():
            raise subprocess.TimeoutExpired(command, TIMEOUT)
    except BaseException as exc:   # (TimeoutExpired, KeyboardInterrupt, …)
        _stop_group(process, reader)
        if isinstance(exc, subprocess.TimeoutExpired):
            raise subprocess.TimeoutExpired(command, TIMEOUT, output=bytes(kept)) from None
        raise
    process.stdout.close()
    return process.returncode, bytes(kept)


class _HeldCtrlC:
    """A Ctrl-C that came while the command was being started, to be delivered once it can be stopped."""

    def __init__(self):
        self.came = False
        self.handler = None

    def hold(self, signum, frame) -> None:
        self.came = True

    def deliver(self) -> None:
        if not self.came:
            return
        if callable(self.handler):
            self.handler(signal.SIGINT, None)   # (Python's own: KeyboardInterrupt)
        elif self.handler == signal.SIG_DFL:
            signal.raise_signal(signal.SIGINT)


@contextmanager
def _ctrl_c_held():
    """Hold Ctrl-C back while the body runs (the main thread only: no other thread receives it)."""
    held = _HeldCtrlC()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    held.handler = signal.signal(signal.SIGINT, held.hold)
    try:
        yield held
    except BaseException:   # (the command did not start: the Ctrl-C is delivered now)
        signal.signal(signal.SIGINT, held.handler)
        held.deliver()
        raise
    signal.signal(signal.SIGINT, held.handler)


def _keep_end(fd: int, kept: bytearray) -> None:
    """Read the output to its end, keeping its last KEPT bytes."""
    while chunk := os.read(fd, 65536):
        kept += chunk
        if len(kept) > KEPT:   # (from a line's start: not half of a character)
            del kept[:-KEPT]
            del kept[:kept.find(b"\n") + 1]


def _stop_group(process: subprocess.Popen, reader: threading.Thread) -> None:
    """Kill the command's process group and reap sh; the output is closed once its reader has ended (a
    process that left the group may still hold the pipe open: then the reader is left to it)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)   # (the group's id is sh's: start_new_session)
    except (ProcessLookupError, PermissionError, AttributeError):   # (ended already; or no process groups)
        process.kill()
    process.wait()
    if reader.ident is not None:   # (started)
        reader.join(1)
    if not reader.is_alive():
        process.stdout.close()


def decoded(printed: bytes) -> str:
    """What the command printed, as text, line by line: UTF-8, or GBK (GB 18030) as a Chinese Windows tool
    or an old server prints it; else UTF-8 with the undecodable bytes replaced."""
    return "".join(_line(line) for line in printed.splitlines(keepends=True))


def _line(line: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return line.decode(encoding)
        except UnicodeDecodeError:
            continue
    return line.decode("utf-8", "replace")


def report_after(ran: AfterResult | None, args, log, color, rolled_back: bool = False) -> int:
    """What deploy.after did, as the editor reads it; the exit status (1: it failed, the deploy stays done)."""
    if ran is None:
        return 0
    if args.verbose and ran.output.strip():
        log(ran.output.rstrip())
    if ran.problem is None:
        log(_('ran deploy.after in {seconds:.1f} s').format(seconds=ran.seconds))
        return 0
    hint = (_('the rollback itself is done and was not undone; the CDN may serve the withdrawn pages until their cache '
              'expires: run the command yourself once it is fixed, or refresh the CDN in its console') if rolled_back else
            _('the deploy itself is done and was not undone; the CDN may serve the old pages until their cache expires: fix '
              'the command, then run deploy --force (a new release, and the command again), or refresh the CDN in its console'))
    warn(color("33", _('warning: ') + ran.problem) + "\n    → " + hint)   # (--quiet too: the exit status is 1)
    return 1
