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


def write_site(out_dir: Path, files: dict[str, bytes], copies: dict[str, Path]) -> None:
    """files: relative path -> bytes; copies: relative path -> source file. Atomic swap into out_dir."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".output-", dir=out_dir.parent))
    try:
        for rel, data in files.items():
            target = _inside(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for rel, source in copies.items():
            target = _inside(staging, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
