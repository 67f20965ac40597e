"""The built site a deploy publishes (deploy.py and s3deploy.py): output/ whole, as a build left it.

A build writes the marker and index.html; a build killed while it swapped files in place leaves its
journal (output.py) and, beside the pages, the new and old copies it was exchanging: such an output/
is part new, part old, and a deploy of it would publish pages whose styles or photos are of the other
build (and the `.xiaokan-new` files themselves). The next build puts the last good site back first.

A build may also start while a deploy uploads (生成网站 in the desk, a build in another window): it
replaces output/'s files as it goes. So a deploy publishes a snapshot: output/ hard-linked (a copy where
links cannot be made) into .cache/deploy/ while the build lock is held, which a build never changes,
since it replaces files by renaming new ones over them.
"""
from __future__ import annotations

import errno
import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import DeployError
from ..core.i18n import _
from .output import _JOURNAL, MARKER, build_lock

SNAPSHOTS = Path(".cache") / "deploy"


def check_built(source: Path) -> None:
    """DeployError unless source (output/) holds a whole site a build finished."""
    if not (source / MARKER).is_file() or not (source / "index.html").is_file():
        raise DeployError(source, None, _('there is no built site to deploy in output/'), _('run `build.py build` first'))
    if (source / _JOURNAL).exists():
        raise DeployError(source, None, _('output/ holds a build that was stopped midway: some of its files are of the new '
                                          'build, some of the last one'),
                          _('run `build.py build` again (it puts the last whole site back and builds), then deploy'))


@contextmanager
def built_site(root: Path) -> Iterator[Path]:
    """A snapshot of output/, taken while no build runs (a running one is waited for), checked whole;
    removed afterwards."""
    folder = root / SNAPSHOTS / f"{os.getpid()}-{secrets.token_hex(4)}"
    _remove_abandoned(root / SNAPSHOTS)
    try:
        with build_lock(root):
            check_built(root / "output")
            _link_tree(root / "output", folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _link_tree(source: Path, folder: Path) -> None:
    for parent, dirs, files in os.walk(source):
        here = folder / Path(parent).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in dirs:
            if os.path.islink(os.path.join(parent, name)):   # (os.walk does not enter it: taken as the link it is)
                files.append(name)
        for name in files:
            _link(os.path.join(parent, name), here / name)


def _link(path: str, copy: Path) -> None:
    try:
        os.link(path, copy, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copy2(path, copy, follow_symlinks=False)


def _remove_abandoned(snapshots: Path) -> None:
    """The snapshots of deploys whose process is gone (killed before they could remove theirs)."""
    if not snapshots.is_dir():
        return
    for entry in snapshots.iterdir():
        pid = entry.name.partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(entry, ignore_errors=True)
