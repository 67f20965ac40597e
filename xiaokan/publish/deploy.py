"""Publishing output/ to a web server: `build.py deploy`.

The target (a folder on this computer, or `user@host:/path` reached by SSH; see target.py) holds:

    /srv/www/pingjian/releases/20240630-081500-123/   one complete copy of output/ per deploy
    /srv/www/pingjian/current -> releases/20240630-081500-123   what the web server serves
    /srv/www/pingjian/.xiaokan-deploy.json   the record: the releases deploy made, what was live, in order
    /srv/www/pingjian/.xiaokan-deploy.lock   held by a running deploy (flock)

A deploy copies output/ into a new release with rsync, sending only files whose content changed and
hard-linking the unchanged ones to the live release (`--link-dest`, as Capistrano and most deploy
tools do), then makes it live with one atomic rename of the `current` symlink. Until that rename the
live site is untouched: a deploy that fails midway leaves a `.partial-*` folder, which the record
names and the next deploy removes. Rollback follows the record's history (releases.py). Deploy
removes and names only what the record says it made: other folders in releases/ are left alone.

A dry run reads and changes nothing: it runs the very rsync of the real deploy with --dry-run, so
what it lists is what the deploy then does. Every step is a shell script run on the target (here, or
through ssh), so local and remote targets are the same code.
"""
from __future__ import annotations

import getpass
import os
import secrets
import shlex
import socket
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from ..core.errors import DeployError, NothingToRollBack
from ..core.i18n import _
from ..source.model import DeployOptions
from .builtsite import built_site
from .output import MARKER
from .releases import (
    PARTIAL,
    RECORD,
    Record,
    after_deploy,
    after_rollback,
    dump_record,
    leftovers,
    parse_record,
    reconcile,
    release_name,
)
from .target import (
    LOCK,
    Target,
    TargetLock,
    busy_error,
    check_programs,
    launch,
    lock_info,
    parse_target,
    run,
    ssh_options,
    tool_error,
)

__all__ = ["DeployResult", "RollbackResult", "deploy", "parse_target", "rollback"]

RELEASES = "releases"
CURRENT = "current"
# rsync: recursive, symlinks, permissions, compare by content (-c); no times, owner or group, so that
# an unchanged file is identical in all it keeps and is hard-linked to the live release.
RSYNC = ["rsync", "-rlpc", "--delete", "--chmod=D0755,F0644", f"--exclude=/{MARKER}", "--out-format=%i %n"]
# What the live release has that output/ no longer has: the two file lists compared, no file read.
RSYNC_DELETIONS = ["rsync", "-rl", "--delete", "--dry-run", "--existing", "--ignore-existing",
                   f"--exclude=/{MARKER}", "--out-format=%i %n"]


@dataclass(frozen=True)
class DeployResult:
    release: str | None      # the release made live (None for a dry run)
    previous: str | None     # what `--rollback` makes live afterwards
    uploaded: list[str]      # files sent (new or changed)
    deleted: list[str]       # files of the live release the new one no longer has
    linked: int              # unchanged files, hard-linked to the live release
    removed_releases: list[str]
    warning: str | None = None   # a step after the switch that failed (the deploy itself is done)
    unchanged: bool = False      # output/ is what is live already: no release was made (or, dry, would be)


@dataclass(frozen=True)
class RollbackResult:
    withdrawn: str           # the release that was live
    live: str                # the release live again
    earlier: str | None      # what another `--rollback` would make live


@dataclass(frozen=True)
class _State:
    current: str | None      # the release `current` serves (None: nothing live)
    entries: frozenset[str]  # the names in releases/
    record: Record           # reconciled with the above


def deploy(root: Path, target: Target, options: DeployOptions, dry_run: bool = False, force: bool = False) -> DeployResult:
    """Copy output/ to the target as a new release and make it live; or, dry, say exactly what that
    would upload, delete and remove, changing nothing. When output/ is what is live already (nothing to
    upload, nothing to delete), no release is made (a copy of the live one would only push the release
    before it out of --rollback's reach) unless force."""
    check_programs(target, rsync=True)
    with built_site(root) as source:   # (a snapshot: a build started meanwhile does not change what is sent)
        state = _read_state(target, probe_lock=True)
        if dry_run:
            release = release_name(datetime.now(UTC), state.entries)
            sent = _upload(source, target, options, release, state.current, dry_run=True) if state.current else _site_files(source)
            deleted = _deletions(source, target, state.current)
            if state.current and not sent and not deleted and not force:
                return DeployResult(None, state.record.previous, [], [], len(_site_files(source)), [], unchanged=True)
            after, removed = after_deploy(state.record, release, options.keep)
            return DeployResult(None, after.previous, sent, deleted, len(_site_files(source)) - len(sent), removed)
        with TargetLock(target, _lock_info()) as lock:
            state = _read_state(target, probe_lock=False)   # (as it is now that no one else deploys)
            return _make_live(source, target, options, state, release_name(datetime.now(UTC), state.entries), lock, force)


def _make_live(source: Path, target: Target, options: DeployOptions, state: _State, release: str, lock: TargetLock,
               force: bool = False) -> DeployResult:
    p, staging = shlex.quote(target.path), PARTIAL + release
    record = state.record
    # 1. releases/ exists, what an interrupted deploy left is removed, the record names this upload
    _update(target, replace(record, uploading=release), _('could not prepare the deploy target {target}: 「{detail}」'),
            f"mkdir -p {RELEASES}" + _removal(leftovers(record, state.entries)))
    # 2. the upload, and what the live release has that the new one will not
    try:
        sent = _upload(source, target, options, release, state.current, pass_fds=(lock.fd(),))
        deleted = _deletions(source, target, state.current)
        if not lock.held():
            raise DeployError(None, None, _('the connection that held the lock on {target} was lost').format(target=target),
                              _('the live site was not changed; run deploy again'))
    except DeployError:
        launch(target.shell(f"rm -rf {p}/{RELEASES}/{shlex.quote(staging)}"), capture_output=True)
        raise
    if state.current and not sent and not deleted and not force:   # the live release is this site already
        _update(target, replace(record, uploading=None), _('could not prepare the deploy target {target}: 「{detail}」'),
                f"rm -rf -- {RELEASES}/{shlex.quote(staging)}")
        return DeployResult(None, record.previous, [], [], len(_site_files(source)), [], unchanged=True)
    # 3. one step: the release gets its name, the record its history, `current` its new link
    after, removed = after_deploy(record, release, options.keep)
    _update(target, after, _('could not make the new release live on {target}: 「{detail}」'),
            f"mv -- {RELEASES}/{shlex.quote(staging)} {RELEASES}/{shlex.quote(release)}", then=_switch_script(release))
    # 4. the releases that --rollback can no longer reach (deploy's own only)
    warning = None
    if removed:
        try:
            _update(target, replace(after, made=tuple(n for n in after.made if n not in removed)),
                    _('the old releases on {target} could not be removed: 「{detail}」'), "true" + _removal(removed))
        except DeployError as exc:
            warning, removed = exc.render(), []
    return DeployResult(release, after.previous, sent, deleted, len(_site_files(source)) - len(sent), removed, warning)


def rollback(target: Target, dry_run: bool = False) -> RollbackResult:
    """Make the release that was live before the live one live again (the record's history); or, dry,
    say which one that would be, changing nothing."""
    check_programs(target, rsync=False)
    state = _read_state(target, probe_lock=True)
    plan = _rollback_plan(target, state)
    if dry_run:
        return plan
    with TargetLock(target, _lock_info()):
        state = _read_state(target, probe_lock=False)
        plan = _rollback_plan(target, state)
        _update(target, after_rollback(state.record), _('could not roll back on {target}: 「{detail}」'),
                "true", then=_switch_script(plan.live))
    return plan


def _rollback_plan(target: Target, state: _State) -> RollbackResult:
    record = state.record
    if state.current is None:
        raise NothingToRollBack(None, None, _('{target} has no live release to roll back from').format(target=target),
                                _('deploy first'))
    if record.previous is None:
        raise NothingToRollBack(None, None, _('{target} keeps no release that was live before {release}').format(
            target=target, release=state.current), _('there is nothing to roll back to (nothing was changed): the live '
            'release is the earliest one kept. To change the website, correct the articles, then build the site and deploy again'),
            state.current)
    return RollbackResult(state.current, record.previous, after_rollback(record).previous)


# --- reading and changing the target -------------------------------------------------------------

def _read_state(target: Target, probe_lock: bool) -> _State:
    """What the target holds, read in one step that creates nothing; refuses a target deploy cannot use
    without destroying something (a `current` folder, a `current` link of someone else's, a damaged
    record) and, with probe_lock, one that another deploy is changing."""
    p, mark = shlex.quote(target.path), "--" + secrets.token_hex(8)
    lock = shlex.quote(LOCK)
    probe = (f"if [ -f {lock} ] && command -v flock >/dev/null 2>&1 && ! flock -n -s {lock} true; "
             f"then echo '{mark} busy'; cat {lock}; fi; ") if probe_lock else ""
    listing = run(target, f"[ -e {p} ] || [ -L {p} ] || exit 0; cd {p} || exit 1; "
                          f"if [ -L {CURRENT} ]; then echo '{mark} link'; readlink {CURRENT}; "
                          f"elif [ -e {CURRENT} ]; then echo '{mark} folder'; fi; {probe}"
                          f"if [ -f {RECORD} ]; then echo '{mark} record'; cat {RECORD}; echo; fi; "
                          f"if [ -d {RELEASES} ]; then echo '{mark} releases'; ls -1A {RELEASES}; fi",
                  _('could not read the deploy target {target}: 「{detail}」'))
    sections: dict[str, str] = {}
    for part in listing.split(mark + " ")[1:]:
        name, _nl, body = part.partition("\n")
        sections[name.strip()] = body
    where = f"{target}/{CURRENT}"
    if "folder" in sections:
        raise DeployError(None, None, _('{where} is a folder, not the link to a release that deploy makes').format(where=where),
                          _('nothing was changed; move that folder out of the way (e.g. mv current current.old), then deploy again'))
    if "busy" in sections:
        raise busy_error(target, sections["busy"])
    entries = frozenset(line for line in sections.get("releases", "").splitlines() if line)
    link = sections.get("link", "").strip()
    name = link.removeprefix(f"{target.path}/").removeprefix(f"{RELEASES}/")
    if link and (name == link or "/" in name):
        raise DeployError(None, None, _('{where} points to {link}, not to a release deploy made').format(where=where, link=link),
                          _('nothing was changed; move that link out of the way (e.g. mv current current.old), then deploy again'))
    try:
        record = parse_record(sections["record"]) if sections.get("record", "").strip() else Record()
    except ValueError:
        raise DeployError(None, None, _('the deploy record {target}/{record} is damaged').format(target=target, record=RECORD),
                          _('nothing was changed; move it aside (e.g. to {record}.damaged) and deploy again: a new record is '
                            'started, and the releases of the old one are left alone').format(record=RECORD)) from None
    current = name if link and name in entries and not name.startswith(".") else None
    return _State(current, entries, reconcile(record, current, entries))


def _update(target: Target, record: Record, failed: str, before: str, then: str = "true") -> None:
    """One step on the target: `before`, then the record written whole and renamed into place, then `then`."""
    p, r = shlex.quote(target.path), shlex.quote(RECORD)
    run(target, f"cd {p} && {before} && cat > {r}.new && mv -f {r}.new {r} && {then}", failed, stdin=dump_record(record))


def _switch_script(release: str) -> str:
    """Make a release live: a new symlink renamed over `current` (rename(2) is atomic). The new link's
    name is new each time, so that nothing of someone else's can be in its place."""
    link, new = shlex.quote(f"{RELEASES}/{release}"), f".xiaokan-current-{secrets.token_hex(6)}"
    return f"ln -s {link} {new} && {{ mv -Tf {new} {CURRENT} || {{ rm -f {new}; exit 1; }}; }}"


def _removal(names: list[str]) -> str:
    """`&& (remove these folders of releases/)`, or nothing when there are none."""
    return f" && (cd {RELEASES} && rm -rf -- {' '.join(shlex.quote(n) for n in names)})" if names else ""


def _lock_info() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    started = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
    return lock_info(started, f"{user}@{socket.gethostname()}", os.getpid())


# --- rsync ----------------------------------------------------------------------------------------

def _ssh(target: Target) -> list[str]:
    return ["-e", " ".join([target.ssh, *ssh_options()])] if target.host else []


def _upload(source: Path, target: Target, options: DeployOptions, release: str, base: str | None,
            dry_run: bool = False, pass_fds: tuple[int, ...] = ()) -> list[str]:
    """rsync output/ into releases/.partial-<release>/, sharing unchanged files with `base`: the files sent."""
    command = RSYNC + (["--link-dest", f"../{base}"] if base else []) + (["--dry-run"] if dry_run else [])
    if options.bandwidth:
        command.append(f"--bwlimit={options.bandwidth}")
    command += _ssh(target) + [f"{source}/", f"{target.rsync_dest}/{RELEASES}/{PARTIAL}{release}/"]
    result = launch(command, capture_output=True, text=True, pass_fds=pass_fds)
    if result.returncode != 0:
        raise tool_error(target, _('the upload to {target} failed: 「{detail}」'), result.stderr, result.returncode)
    return [name for code, _sep, name in (line.partition(" ") for line in result.stdout.splitlines())
            if code.startswith((">f", "<f"))]


def _deletions(source: Path, target: Target, base: str | None) -> list[str]:
    """The files of the live release `base` that output/ no longer has."""
    if base is None:
        return []
    command = RSYNC_DELETIONS + _ssh(target) + [f"{source}/", f"{target.rsync_dest}/{RELEASES}/{base}/"]
    result = launch(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise tool_error(target, _('rsync could not compare with {target}: 「{detail}」'), result.stderr, result.returncode)
    return [name.strip() for code, _sep, name in (line.partition(" ") for line in result.stdout.splitlines())
            if code == "*deleting" and not name.endswith("/")]


def _site_files(source: Path) -> list[str]:
    """The files of output/ that a release holds (all but the build's marker)."""
    return sorted(p.relative_to(source).as_posix() for p in source.rglob("*")
                  if p.is_file() and not p.is_symlink() and p.name != MARKER)
