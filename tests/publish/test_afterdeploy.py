"""deploy.after stops whole: a command that hangs is stopped with every process it started."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from helpers import wait_for
from xiaokan.publish import afterdeploy
from xiaokan.publish.afterdeploy import run_after

# How long a state may take to come (each is seen as soon as it comes): CI's shared 2-core machine,
# four test workers, may take seconds to start the Python below or to end a killed process.
SLOW = 60

# A CDN tool that hangs inside the command line: sh waits for a child that never ends.
HANGING = 'echo 正在刷新; sleep 600 & echo $! > child.pid; wait'


def _gone(pid: int) -> bool:
    """Ended (or ended and not yet reaped by whoever adopted it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (FileNotFoundError, ProcessLookupError):
        return True


def _child(folder: Path) -> int:
    return int(wait_for(lambda: (folder / "child.pid").is_file() and (folder / "child.pid").read_text().strip(), SLOW))


def test_a_deploy_after_that_hangs_is_stopped_with_its_children(tmp_path, monkeypatch):
    """(Only sh was killed at the timeout: the hung tool went on running, unseen, after the deploy ended.)"""
    monkeypatch.setattr(afterdeploy, "TIMEOUT", 0.5)
    child = None
    try:
        ran = run_after(HANGING, tmp_path, "folder", "r1", "https://example.edu.cn/", ["index.html"])
        child = _child(tmp_path)
        assert ran is not None and "还没有结束" in ran.problem and "正在刷新" in ran.output
        assert wait_for(lambda: _gone(child), SLOW)
    finally:
        if child and not _gone(child):
            os.kill(child, signal.SIGKILL)


# The deploy as a process of its own (a Ctrl-C reaches it alone), running HANGING as its deploy.after.
RUN_AFTER = ("import sys; from pathlib import Path; from xiaokan.publish import afterdeploy\n{before}"
             f"afterdeploy.run_after({HANGING!r}, Path(sys.argv[1]), 'folder', 'r1', '', [])\n")


def _ctrl_c_ends_all(folder: Path, before: str = "", press: bool = True) -> None:
    """The deploy, stopped by a Ctrl-C (pressed once the command's child runs, or by `before`), ends with
    KeyboardInterrupt and the child the command started is ended too."""
    deploy = subprocess.Popen([sys.executable, "-c", RUN_AFTER.format(before=before), str(folder)],
                              stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2])
    child = None
    try:
        child = _child(folder)
        if press:
            deploy.send_signal(signal.SIGINT)
        assert deploy.wait(timeout=SLOW) != 0 and b"KeyboardInterrupt" in deploy.stderr.read()
        assert wait_for(lambda: _gone(child), SLOW)
    finally:
        deploy.kill()
        deploy.wait()
        if child and not _gone(child):
            os.kill(child, signal.SIGKILL)


def test_ctrl_c_during_deploy_after_stops_its_children_too(tmp_path):
    """(In a session of its own, the command no longer receives the terminal's Ctrl-C: the deploy stops it.)"""
    _ctrl_c_ends_all(tmp_path)


def test_ctrl_c_just_as_the_command_starts_stops_its_children_too(tmp_path):
    """(A Ctrl-C that came after the command started but before the deploy could stop it left it running:
    on CI's busy machine the deploy was not given the processor until sh had started its child.)"""
    _ctrl_c_ends_all(tmp_path, press=False, before=(
        "import os, signal, subprocess, time\n"
        "real = subprocess.Popen\n"
        "def started_then_ctrl_c(*args, **kwargs):\n"
        "    process = real(*args, **kwargs)\n"
        "    pid = Path(sys.argv[1]) / 'child.pid'\n"
        "    while not (pid.is_file() and pid.read_text().strip()):\n"
        "        time.sleep(0.01)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return process\n"
        "afterdeploy.subprocess.Popen = started_then_ctrl_c\n"))
