"""Where `build.py deploy` publishes: a folder on this computer, or `user@host:/path` reached by SSH.

This module refuses targets that cannot be right (inside the project, whose next build would wipe
every release; text that ssh or rsync would read as an option), runs a POSIX shell step on the target
(locally or through ssh: the same script either way), turns a tool's failure into a Chinese message
that quotes the tool's own line 「…」 with a hint for a folder or for a server, and holds the lock that
keeps two deploys to one target apart.

The lock is flock(1) on `<target>/.xiaokan-deploy.lock`, held by a small shell step that runs for as
long as the deploy does and ends when its standard input closes: when the deploy ends, is killed, or
its SSH connection drops, the kernel releases the lock with the process. A stale lock cannot exist.
"""
from __future__ import annotations

import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DeployError
from ..core.i18n import _
from ..source.deploysettings import SettingProblem, read_target

LOCK = ".xiaokan-deploy.lock"
# ssh never asks (BatchMode), gives up on a server that does not answer (a firewall that swallows the
# connection, a server that accepts it and hangs: without a limit deploy waited for ever), and notices a
# connection that went silent midway (15 s probes, 4 missed: a minute).
CONNECT_TIMEOUT = 30


def ssh_options() -> list[str]:
    return ["-o", "BatchMode=yes", "-o", f"ConnectTimeout={CONNECT_TIMEOUT}", "-o", "ServerAliveInterval=15",
            "-o", "ServerAliveCountMax=4"]
# Lines of a tool's error output that say what happened (rsync's own summary line says nothing).
_SUMMARY = ("rsync error:", "rsync: connection unexpectedly closed", "rsync: [sender] write error", "Warning: Permanently added")
_UNREACHABLE = ("ssh:", "Permission denied (", "Host key verification failed", "Could not resolve hostname",
                "Connection closed by", "Connection reset by", "Connection timed out", "Connection refused",
                "kex_exchange_identification", "No route to host", "Network is unreachable")


@dataclass(frozen=True)
class Target:
    host: str | None     # user@host for SSH; None for a folder on this computer
    path: str            # absolute path of the target folder
    ssh: str = "ssh"     # the ssh command (rsync -e), e.g. `ssh -p 2222 -i ~/.ssh/deploy`

    @property
    def rsync_dest(self) -> str:
        return f"{self.host}:{self.path}" if self.host else self.path

    def shell(self, script: str) -> list[str]:
        """The command that runs a POSIX shell script on the target (tools speak English: their
        messages are quoted as they are)."""
        script = "LC_ALL=C; export LC_ALL; " + script
        return shlex.split(self.ssh) + ssh_options() + [self.host, script] if self.host else ["sh", "-c", script]

    def __str__(self) -> str:
        return self.rsync_dest


def parse_target(text: str, root: Path, ssh: str = "ssh") -> Target:
    """`user@host:/srv/www/x` (SSH) or a folder (absolute, or relative to the project); refused (see
    source/deploysettings.py) when it is inside the project, holds it, is a home or system folder, or
    could be read as an option, is an address (https://…, s3:/… with a slash missing), was typed in
    Chinese input mode or holds a password."""
    try:
        host, path = read_target(text, root)
    except SettingProblem as exc:
        raise DeployError(None, None, exc.message, exc.hint) from None
    return Target(host, path, ssh)


def run(target: Target, script: str, failed: str, stdin: str | None = None) -> str:
    """Run a shell step on the target and return what it printed. `failed` is the message if it fails,
    with {target} and {detail} (the tool's own line)."""
    result = launch(target.shell(script), input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        raise tool_error(target, failed, result.stderr, result.returncode)
    return result.stdout


def launch(command: list[str], **options) -> subprocess.CompletedProcess:
    """subprocess.run, with a program that is not there said as such (it was 「rsync: 文件或文件夹不存在」
    → 检查这个文件夹, as if the target were missing)."""
    try:
        return subprocess.run(command, **options)
    except FileNotFoundError:
        raise missing_program(command[0]) from None


def check_programs(target: Target, rsync: bool) -> None:
    """Refuse, before anything is read or made, a deploy whose rsync or ssh is not installed (a dry run
    to a new folder listed every file, and the deploy then failed having made releases/)."""
    for program in (["rsync"] if rsync else []) + ([shlex.split(target.ssh)[0]] if target.host else []):
        if shutil.which(program) is None:
            raise missing_program(program)


def missing_program(program: str) -> DeployError:
    install = _('install rsync and the SSH client (Debian, Ubuntu and WSL: sudo apt install rsync openssh-client; make build does it)')
    return DeployError(None, None, _('the program {program}, which deploy runs, is not installed on this computer').format(program=program),
                       install if program in ("rsync", "ssh") else
                       _('{program} is the program of the ssh: line of site.yaml\'s deploy group: check what is written there, '
                         'or leave the line out to use ssh').format(program=program))


def tool_line(stderr: str) -> str:
    """The line of a tool's error output that says what went wrong."""
    lines = [line.strip() for line in stderr.replace("\r", "\n").splitlines() if line.strip()]
    telling = [line for line in lines if not line.startswith(_SUMMARY)]
    return (telling or lines or [""])[0][:300]


def tool_error(target: Target, failed: str, stderr: str, code: int) -> DeployError:
    """A step's failure, in the editor's language, quoting the tool's line, with the hint that fits a
    folder on this computer or a server."""
    detail = tool_line(stderr) or _('exit status {code}').format(code=code)
    return DeployError(None, None, failed.format(target=target, detail=detail), _hint(target, detail))


def _hint(target: Target, detail: str) -> str:
    where = {"path": target.path, "host": target.host, "ssh": target.ssh}
    if target.host and detail.startswith(_UNREACHABLE):
        return _('check the network and the address, and that `{ssh} {host}` logs in without a password (once: ssh-copy-id {host})').format(**where)
    if "No space left" in detail or "Disk quota" in detail:
        return _('the disk that holds {path} is full: free some space, then deploy again').format(**where)
    if target.host:
        if "ermission denied" in detail or "not permitted" in detail or "Read-only" in detail:
            return _('the user {host} may not write to {path} on the server: check the folder and its permissions there').format(**where)
        return _('check the folder {path} on the server, and that `{ssh} {host}` logs in without a password').format(**where)
    if "ermission denied" in detail or "not permitted" in detail or "Read-only" in detail:
        return _('you may not write to {path}: check the folder and its permissions, or deploy to another folder').format(**where)
    return _('check that the folder {path} can be created and written to (a file of that name in the way, a missing drive)').format(**where)


class TargetLock:
    """`with TargetLock(target, info):` holds the target's lock, or raises DeployError saying that another
    deploy is running (and since when) without touching anything. Creates the target folder."""

    def __init__(self, target: Target, info: str):
        self.target, self.info = target, info
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> TargetLock:
        p, lock = shlex.quote(self.target.path), shlex.quote(LOCK)
        script = (f"mkdir -p {p} && cd {p} || exit 1; command -v flock >/dev/null 2>&1 || {{ echo no-flock; exit 0; }}; "
                  f"exec 9>>{lock} || exit 1; if flock -n 9; then printf '%s\\n' {shlex.quote(self.info)} >{lock}; "
                  f"echo locked; exec cat >/dev/null; fi; echo busy; cat {lock}")
        try:
            self.process = subprocess.Popen(self.target.shell(script), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True)
        except FileNotFoundError:
            raise missing_program(self.target.shell("")[0]) from None
        answer = ""
        for line in self.process.stdout:   # (past anything a login script on the server prints)
            if line.strip() in ("locked", "busy", "no-flock"):
                answer = line.strip()
                break
        if answer == "locked":
            return self
        out, err = self.process.communicate(timeout=60)
        if answer == "busy":
            raise busy_error(self.target, out)
        if answer == "no-flock":
            raise DeployError(None, None, _('{target} has no `flock` command, which deploy uses to keep two deploys apart').format(target=self.target),
                              _('install util-linux on it (Debian, Ubuntu and CentOS have it by default)'))
        raise tool_error(self.target, _('could not prepare the deploy target {target}: 「{detail}」'), err, self.process.returncode)

    def fd(self) -> int:
        """A descriptor to pass to the upload: the lock is held until the upload's processes end too,
        even if this process is killed."""
        return self.process.stdin.fileno()

    def held(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()
        self.process.stderr.close()


def busy_error(target: Target, info: str) -> DeployError:
    fields = dict(line.split("=", 1) for line in info.splitlines() if "=" in line)
    if "started" in fields:
        message = _('another deploy to {target} is running: started {started} by {by}').format(
            target=target, started=fields["started"], by=fields.get("by", "?"))
    else:
        message = _('another deploy to {target} is running').format(target=target)
    return DeployError(None, None, message, _('wait until it has finished, then deploy again (this one changed nothing); '
                                              'a deploy that was stopped releases the lock by itself'))


def lock_info(started: str, by: str, pid: int) -> str:
    """What the lock file says while a deploy holds it."""
    return f"started={started}\nby={by}\npid={pid}"
