"""Publishing output/ to a web server: `build.py deploy`.

The target (a folder on this computer, or `user@host:/path` reached by SSH) holds releases:

    /srv/www/pingjian/releases/20240630-081500/   one complete copy of output/ per deploy
    /srv/www/pingjian/current -> releases/20240630-081500   what the web server serves

A deploy copies output/ into a new release with rsync, sending only files whose content changed and
hard-linking the unchanged ones to the live release (`--link-dest`, as Capistrano and most deploy
tools do), then makes it live with one atomic rename of the `current` symlink. Until that rename
the live site is untouched: a deploy that fails midway leaves a `.partial-*` folder, removed by the
next deploy. The last few releases are kept for `deploy --rollback`. Local and remote targets run
the same shell commands (locally, or through ssh), so both paths are the same code.
"""
from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import DeployError
from ..i18n import _
from ..source.model import DeployOptions
from .output import MARKER

RELEASES = "releases"
CURRENT = "current"
PARTIAL = ".partial-"
# rsync: recursive, symlinks, permissions, compare by content (-c); no times, owner or group, so that
# an unchanged file is identical in all it keeps and is hard-linked to the live release.
RSYNC = ["rsync", "-rlpc", "--delete", "--chmod=D0755,F0644", f"--exclude=/{MARKER}"]
_REMOTE = re.compile(r"^(?P<host>(?:[^@/:\s]+@)?[^@/:\s]+):(?P<path>/.*)$")


@dataclass(frozen=True)
class Target:
    host: str | None     # user@host for SSH; None for a folder on this computer
    path: str            # absolute path of the target folder
    ssh: str = "ssh"     # the ssh command (rsync -e), e.g. `ssh -p 2222 -i ~/.ssh/deploy`

    @property
    def rsync_dest(self) -> str:
        return f"{self.host}:{self.path}" if self.host else self.path

    def __str__(self) -> str:
        return self.rsync_dest


@dataclass(frozen=True)
class DeployResult:
    release: str
    previous: str | None
    uploaded: list[str]      # files sent (new or changed)
    deleted: list[str]       # files of the live release the new one no longer has
    linked: int              # unchanged files, hard-linked to the previous release
    removed_releases: list[str]


def parse_target(text: str, root: Path, ssh: str = "ssh") -> Target:
    """`user@host:/srv/www/x` (SSH) or a folder (absolute, or relative to the project)."""
    text = text.strip()
    remote = _REMOTE.match(text)
    if remote:
        return Target(remote.group("host"), remote.group("path").rstrip("/") or "/", ssh)
    if re.match(r"^[^/\s]+:", text):
        raise DeployError(None, None, _('deploy target {target!r} is neither a folder nor user@host:/absolute/path').format(target=text),
                          _('e.g. deploy: {{target: www@news.example.edu.cn:/srv/www/pingjian}}'))
    return Target(None, str((root / text).resolve()), ssh)


def _run(target: Target, script: str, check: bool = True) -> str:
    """Run a POSIX shell script on the target (here, or over SSH) and return what it printed."""
    command = shlex.split(target.ssh) + ["-o", "BatchMode=yes", target.host, script] if target.host else ["sh", "-c", script]
    result = subprocess.run(command, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise DeployError(None, None, _('the deploy target {target} answered with an error: {message}').format(
            target=target, message=_last_line(result.stderr) or result.returncode),
            _('check that the folder exists and is writable, and (for SSH) that `{ssh} {host}` logs in without a password').format(
                ssh=target.ssh, host=target.host or ""))
    return result.stdout


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _state(target: Target) -> tuple[str | None, list[str], list[str]]:
    """The live release, the complete releases (oldest first) and interrupted ones."""
    p = shlex.quote(target.path)
    listing = _run(target, f"mkdir -p {p}/{RELEASES} && cd {p} && "
                           f"echo \"current=$(readlink {CURRENT} 2>/dev/null || true)\" && ls -1A {RELEASES}")
    lines = listing.splitlines()
    current = lines[0].removeprefix("current=").strip().removeprefix(f"{RELEASES}/") or None
    names = [n for n in lines[1:] if n]
    return current, sorted(n for n in names if not n.startswith(".")), [n for n in names if n.startswith(PARTIAL)]


def _switch(target: Target, release: str) -> None:
    """Make a release live: a new symlink renamed over `current` (rename(2) is atomic)."""
    p = shlex.quote(target.path)
    link = shlex.quote(f"{RELEASES}/{release}")
    _run(target, f"cd {p} && ln -sfn {link} .current.new && mv -Tf .current.new {CURRENT}")


def _release_name(existing: list[str]) -> str:
    """The time of the deploy (UTC), to the millisecond: names sort in the order releases were made."""
    now = datetime.now(UTC)
    name = now.strftime("%Y%m%d-%H%M%S-") + f"{now.microsecond // 1000:03d}"
    if existing and name <= max(existing):   # (a clock set back: still after the last one)
        name = max(existing) + "-1"
    return name


def _rsync(source: Path, target: Target, dest: str, options: DeployOptions, extra: list[str]) -> tuple[int, str, str]:
    command = RSYNC + ["--out-format=%i %n"] + extra
    if options.bandwidth:
        command.append(f"--bwlimit={options.bandwidth}")
    if target.host:
        command += ["-e", f"{target.ssh} -o BatchMode=yes"]
    command += [f"{source}/", dest]
    result = subprocess.run(command, capture_output=True, text=True)
    return result.returncode, result.stdout, result.stderr


def _site_files(source: Path) -> list[str]:
    """The files of output/ that a release holds (all but the build's marker)."""
    return sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file() and p.name != MARKER)


def _changes(itemized: str) -> tuple[list[str], list[str]]:
    """rsync's itemized lines -> (files sent, files deleted)."""
    sent, deleted = [], []
    for line in itemized.splitlines():
        code, _sep, name = line.partition(" ")
        if code == "*deleting" and not name.endswith("/"):
            deleted.append(name.strip())
        elif code.startswith((">f", "<f")):
            sent.append(name)
    return sent, deleted


def deploy(root: Path, target: Target, options: DeployOptions, dry_run: bool = False) -> DeployResult:
    """Copy output/ to the target as a new release and make it live (or, dry, list what would change)."""
    source = root / "output"
    if not (source / MARKER).is_file() or not (source / "index.html").is_file():
        raise DeployError(source, None, _('there is no built site to deploy in output/'), _('run `build.py build` first'))
    current, releases, partial = _state(target)
    if dry_run:
        if current is None:   # the first deploy: everything
            return DeployResult("", None, _site_files(source), [], 0, [])
        code, out, err = _rsync(source, target, f"{target.rsync_dest}/{CURRENT}/", options, ["--dry-run"])
        if code != 0:
            raise DeployError(None, None, _('rsync could not compare with {target}: {message}').format(target=target, message=_last_line(err)))
        sent, deleted = _changes(out)
        return DeployResult(current, current, sent, deleted, 0, [])
    release = _release_name(releases)
    p = shlex.quote(target.path)
    if partial:   # what an interrupted deploy left
        _run(target, f"cd {p}/{RELEASES} && rm -rf " + " ".join(shlex.quote(n) for n in partial))
    staging = PARTIAL + release
    link = ["--link-dest", f"../{current}"] if current else []
    code, out, err = _rsync(source, target, f"{target.rsync_dest}/{RELEASES}/{staging}/", options, link)
    if code != 0:
        _run(target, f"rm -rf {p}/{RELEASES}/{shlex.quote(staging)}", check=False)
        raise DeployError(None, None, _('the upload to {target} failed: {message}').format(target=target, message=_last_line(err) or code),
                          _('the live site was not changed; run deploy again when the connection or the disk is back'))
    _run(target, f"cd {p}/{RELEASES} && mv {shlex.quote(staging)} {shlex.quote(release)}")
    _switch(target, release)
    sent, deleted = _changes(out)
    removed = _prune(target, releases + [release], release, current, options.keep)
    # (the release holds exactly output/'s files: what was not sent is shared with the last release)
    return DeployResult(release, current, sent, deleted, max(0, len(_site_files(source)) - len(sent)), removed)


def _prune(target: Target, releases: list[str], live: str, previous: str | None, keep: int) -> list[str]:
    """Remove the oldest releases beyond `keep` (never the live one or the one before it)."""
    old = [r for r in sorted(releases)[:-keep] if r not in (live, previous)] if len(releases) > keep else []
    if old:
        p = shlex.quote(target.path)
        _run(target, f"cd {p}/{RELEASES} && rm -rf " + " ".join(shlex.quote(r) for r in old))
    return old


def rollback(target: Target) -> tuple[str, str]:
    """Make the release before the live one live again: (from, to)."""
    current, releases, _partial = _state(target)
    if current is None or current not in releases:
        raise DeployError(None, None, _('{target} has no live release to roll back from').format(target=target),
                          _('deploy first'))
    index = releases.index(current)
    if index == 0:
        raise DeployError(None, None, _('{target} keeps no release older than {release}').format(target=target, release=current),
                          _('there is nothing to roll back to'))
    _switch(target, releases[index - 1])
    return current, releases[index - 1]
