"""The deploy settings (site.yaml's `deploy:` and `build.py deploy --target`), checked before anything
runs: what rsync or ssh would refuse half-way, or a target where a deploy would do harm.

A deploy writes releases/, current and .xiaokan-deploy.* into its target and, over the releases it
made, deletes what --rollback no longer reaches. So a target may not be the project (a build would
wipe it), a folder holding the project, the home folder or a folder of the system (/, /etc, /usr,
/var, /tmp …); nor text that ssh or rsync would read as an option. `keep` and `bandwidth` are whole
numbers in the range rsync and the record accept, and `ssh` a command line that can be split into words.
"""
from __future__ import annotations

import posixpath
import re
import shlex
import unicodedata
from pathlib import Path

from ..core.errors import has_password, without_password
from ..core.i18n import _

REMOTE = re.compile(r"^(?P<host>(?:[^@/:\s]+@)?[^@/:\s]+):(?P<path>/.*)$")
# An address, not a target: without this, https://x/kan or s3:/bucket (a slash missing) were a server
# named https or s3 and its folder //x/kan or /bucket.
_ADDRESS = re.compile(r"^(?P<scheme>https?|s3|oss|cos|ftps?|sftp|scp|ssh|rsync|file|webdavs?|davs?):/", re.I)
WINDOWS_PATH = re.compile(r"^(?P<drive>[A-Za-z]):[\\/](?P<rest>.*)$")
KEEP_MOST = 1_000                    # releases kept for --rollback (each one costs only what changed)
BANDWIDTH_MOST = 10_000_000          # KB/s: 10 GB/s, above any school's line (rsync refuses beyond 2^63 bytes)
# Folders of the system, as themselves (a folder of one's own below them, /srv/www/pingjian, is the usual target).
SYSTEM_FOLDERS = frozenset({
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/libx32", "/media", "/mnt",
    "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/usr/bin", "/usr/lib", "/usr/local",
    "/usr/sbin", "/usr/share", "/var", "/var/cache", "/var/lib", "/var/log", "/var/tmp",
})
# The kernel's and the running system's own file systems: nothing below them is ever a web root (/proc/self,
# /dev/shm, /run/user/1000 are memory that a restart empties).
_PSEUDO = re.compile(r"/(proc|sys|dev|run)(/|$)")
_WRITES = ".xiaokan-deploy.*"


class SettingProblem(Exception):
    """A deploy setting that cannot be used: what is wrong and what to write instead."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


_COMMENTED_DEPLOY = re.compile(r"^#\s*deploy\s*:", re.M)


def commented_deploy_line(config_path: Path) -> int | None:
    """The line of a `# deploy:` that site.yaml carries commented out (the sample's does), or None: an
    editor asked for a target is sent to those lines rather than told to write them anew."""
    try:
        text = config_path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found = _COMMENTED_DEPLOY.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def read_target(text: str, root: Path) -> tuple[str | None, str]:
    """(user@host or None, the target's absolute path) of `user@host:/srv/www/x` or a folder (absolute,
    or relative to the project); SettingProblem for a target that cannot be right."""
    text = text.strip()
    if any(c < " " or c == "\x7f" for c in text):
        raise SettingProblem(_('the deploy target “{target}” contains a line break or another control character').format(target=text),
                             _('write the target on one line'))
    if has_password(text):
        raise SettingProblem(_('the deploy target “{target}” holds a password: site.yaml is shared, and deploy logs in '
                               'with an SSH key').format(target=without_password(text)),
                             _('write the target as user@host:/path and give the server your SSH key once (ssh-copy-id user@host)'))
    address = _ADDRESS.match(text)
    if address and not text.lower().startswith("s3://"):
        raise _address_problem(text, address.group("scheme").lower())
    half = unicodedata.normalize("NFKC", text).replace("。", ".")
    if half != text and (half.lower().startswith("s3://") or _ADDRESS.match(half) or REMOTE.match(half)):
        raise SettingProblem(_('the deploy target “{target}” has full-width letters or punctuation (typed in '
                               'Chinese input mode)').format(target=text),
                             _('write it in half-width (English input mode): {fixed}').format(fixed=half))
    if text.startswith("-"):
        raise _option_like(text)
    remote = REMOTE.match(text)
    if remote:
        host = remote.group("host")
        if host.rpartition("@")[2].startswith("-"):
            raise _option_like(host)
        path = posixpath.normpath(remote.group("path"))
        path = "/" + path.lstrip("/")   # (POSIX keeps a leading //)
        _refuse_system(text, path, home=re.fullmatch(r"/home/[^/]+|/root", path) is not None)
        return host, path
    windows = WINDOWS_PATH.match(text)
    if windows:
        wsl = f"/mnt/{windows.group('drive').lower()}/" + windows.group("rest").replace("\\", "/").strip("/")
        raise SettingProblem(_('the deploy target “{target}” is a Windows path; deploy runs in WSL or on Linux').format(target=text),
                             _('write the same folder as WSL sees it: {path}').format(path=wsl.rstrip("/")))
    if re.match(r"^[^/\s]+:", text):
        raise SettingProblem(_('deploy target “{target}” is neither a folder nor user@host:/absolute/path').format(target=text),
                             _('e.g. target: www@news.example.edu.cn:/srv/www/pingjian (under deploy: in site.yaml)'))
    try:
        path, project = (root / Path(text).expanduser()).resolve(), root.resolve()
    except RuntimeError:   # (a RuntimeError traceback: ~www of a user this computer has not, or a link loop)
        raise SettingProblem(_('the deploy target “{target}” cannot be found: ~ names a user this computer does not have, '
                               'or a link on its way leads back to itself').format(target=text),
                             _('write the folder as a path from /, e.g. /srv/www/pingjian')) from None
    if path == project or project in path.parents:
        raise SettingProblem(_('the deploy target {target} is inside the project folder ({path})').format(target=text, path=path),
                             _('a build replaces output/ and reads content/: deploy to a folder outside the project, e.g. /srv/www/site'))
    _refuse_system(text, path.as_posix(), home=path == Path.home().resolve())
    if path in project.parents:
        raise SettingProblem(_('the deploy target {target} is {path}, a folder that holds the project: deploy would write '
                               'releases/, current and {files} into it').format(target=text, path=path, files=_WRITES),
                             _('deploy to a folder of its own outside the project, e.g. /srv/www/pingjian'))
    return None, str(path)


def _address_problem(text: str, scheme: str) -> SettingProblem:
    hint = _('write a server as user@host:/srv/www/site, a folder as /srv/www/site, or object storage as '
             's3://bucket/folder (the address readers use belongs in base_url)')
    if scheme == "s3":
        return SettingProblem(_('the deploy target “{target}” misses a slash: object storage is written '
                                's3://bucket/folder').format(target=text),
                              _('e.g. target: s3://pingjian-news/site'))
    if scheme in ("http", "https"):
        return SettingProblem(_('the deploy target “{target}” is a web address: deploy needs where the site\'s '
                                'files go, not where readers see them').format(target=text), hint)
    return SettingProblem(_('the deploy target “{target}” is an address of the kind {scheme}://, which deploy '
                            'does not use').format(target=text, scheme=scheme), hint)


def _refuse_system(text: str, path: str, home: bool) -> None:
    if home:
        raise SettingProblem(_('the deploy target {target} is a home folder ({path}): deploy would write releases/, current '
                               'and {files} into it').format(target=text, path=path, files=_WRITES),
                             _('deploy to a folder of its own, e.g. {path}/www or /srv/www/pingjian').format(path=path))
    if path in SYSTEM_FOLDERS or re.fullmatch(r"/mnt/[a-z]", path) or _PSEUDO.match(path):
        raise SettingProblem(_('the deploy target {target} is {path}, a folder of the system: deploy would write releases/, '
                               'current and {files} into it').format(target=text, path=path, files=_WRITES),
                             _('deploy to a folder of its own, e.g. /srv/www/pingjian or /var/www/pingjian'))


def _option_like(text: str) -> SettingProblem:
    return SettingProblem(_('the deploy target “{target}” starts with “-”: ssh and rsync would read it as an option').format(target=text),
                          _('write a folder as a path (/srv/www/site, ./-site) and a server as user@host:/path'))


def ssh_problem(text: str) -> tuple[str, str] | None:
    """(message, hint) for an ssh command that ssh and rsync cannot run as written."""
    example = "ssh -p 2222 -i ~/.ssh/xiaokan_deploy"
    if any(c < " " or c == "\x7f" for c in text):
        return (_('the ssh command contains a line break or another control character'),
                _('write it on one line, e.g. {example}').format(example=example))
    try:
        words = shlex.split(text)
    except ValueError:
        return (_('the ssh command “{ssh}” has a quotation mark that is never closed').format(ssh=text),
                _('close the quote, or write the command without quotes, e.g. {example}').format(example=example))
    if not words:
        return (_('the ssh command is empty'), _('leave the line out to use ssh, or write e.g. {example}').format(example=example))
    if words[0].startswith("-"):
        return (_('the ssh command “{ssh}” starts with an option, not with the program').format(ssh=text),
                _('begin with the program: ssh {rest}').format(rest=text))
    return None


def whole_number_problem(key: str, text: str, least: int, most: int) -> tuple[str, str] | None:
    """(message, hint) for a value of `keep` or `bandwidth` that is no whole number from least to most."""
    if text.isdigit() and least <= int(text) <= most:
        return None
    if key == "bandwidth":
        return (_('`bandwidth` must be a whole number of KB/s from 0 to {most}, not {value}').format(most=most, value=text),
                _('e.g. bandwidth: 2000 (about 2 MB/s); 0 or no line: no limit'))
    return (_('`{key}` must be a whole number from {least} to {most}, not {value}').format(key=key, least=least, most=most, value=text),
            _('e.g. keep: 5 (the live release and four to roll back to)'))
