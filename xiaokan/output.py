"""Write the built site: everything goes to a temporary folder that replaces output/ only on success."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import ContentError

# Files in an issue folder that are sources, not things readers download.
SOURCE_SUFFIXES = {".md", ".yaml", ".yml"}


@contextmanager
def build_lock(root: Path):
    """One build at a time per project: a second one waits rather than corrupting output/."""
    lock_path = root / ".build.lock"
    with open(lock_path, "a+") as handle:
        try:
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        except ImportError:  # Windows
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        yield


def write_site(out_dir: Path, files: dict[str, bytes], copies: dict[str, Path], kept: list[str] = ()) -> None:
    """files: relative path -> bytes; copies: relative path -> source file; kept: files of the current
    out_dir that stay as they are (linked, so their mtime shows they were not rewritten). Atomic swap."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".output-", dir=out_dir.parent))
    try:
        for rel, data in files.items():
            target = _inside(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel in kept:
            target = _inside(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            _keep(out_dir / rel, target)
        for rel, source in copies.items():
            target = _inside(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            old = out_dir / rel
            if _same_file(old, source):
                _keep(old, target)
            else:
                shutil.copy2(source, target)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _keep(old: Path, target: Path) -> None:
    try:
        os.link(old, target)
    except OSError:   # another file system, or no hard links: a copy with the same mtime
        shutil.copy2(old, target)


def _same_file(old: Path, source: Path) -> bool:
    """An asset copied last time (copy2 keeps the mtime) is the same while size and mtime agree."""
    try:
        a, b = old.stat(), source.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _inside(base: Path, rel: str) -> Path:
    target = (base / rel).resolve()
    if base.resolve() not in target.parents:
        raise ContentError(None, None, f"refusing to write {rel!r} outside output/")
    return target


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace out_dir with staging; the old site is removed only once the new one is in place."""
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".output-old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        out_dir.rename(old)
    try:
        staging.rename(out_dir)
    except BaseException:
        if old is not None:
            old.rename(out_dir)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def asset_copies(root: Path, site_issue_folders: list[Path]) -> dict[str, Path]:
    """assets/ -> output/assets/, and files beside the articles (images, data) -> output/<issue>/."""
    copies: dict[str, Path] = {}
    assets = root / "assets"
    if assets.is_dir():
        for path in sorted(assets.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                copies[f"assets/{path.relative_to(assets).as_posix()}"] = path
    for folder in site_issue_folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() not in SOURCE_SUFFIXES and not path.name.startswith("."):
                copies[f"{folder.name}/{path.relative_to(folder).as_posix()}"] = path
    return copies
