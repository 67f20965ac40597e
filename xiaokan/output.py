"""Write the built site so that readers never see half of it and a failure changes nothing.

A large change is assembled in a temporary folder that replaces output/ whole. A small change
(the usual rebuild after an edit) is written beside the files it replaces and then committed by
renames that are undone if anything goes wrong: rebuilding a 1,000-page tree for three pages
would cost more than the rest of the rebuild.
"""
from __future__ import annotations

import os
import posixpath
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


def write_site(out_dir: Path, files: dict[str, bytes], copies: dict[str, Path], kept: list[str] = ()) -> bool:
    """files: relative path -> bytes; copies: relative path -> source file; kept: files of the current
    out_dir that stay as they are (linked, so their mtime shows they were not rewritten).
    The new site is assembled in a temporary folder and swapped in whole. Returns False when
    nothing at all changed, in which case out_dir is not touched."""
    out_dir = out_dir.resolve()
    if not files and _already_there(out_dir, copies, kept):
        return False
    if out_dir.is_dir():
        changes = _in_place_changes(out_dir, files, copies, kept)
        if changes is not None:
            _commit_in_place(out_dir, *changes)
            return True
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".output-", dir=out_dir.parent))
    place = _Placer(staging)
    try:
        for rel, data in files.items():
            with open(place(rel), "wb") as handle:
                handle.write(data)
        for rel in kept:
            _keep(out_dir / rel, place(rel))
        for rel, source in copies.items():
            old = out_dir / rel
            if _same_file(old, source):
                _keep(old, place(rel))
            else:
                shutil.copy2(source, place(rel))
        _swap(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True


class _Placer:
    """Paths inside the staging folder, refusing any that would land outside it; makes folders once."""

    def __init__(self, staging: Path):
        self.staging = str(staging)
        self.made: set[str] = set()
        self.created: list[str] = []   # folders that did not exist before, in the order made

    def __call__(self, rel: str) -> str:
        norm = posixpath.normpath(rel)
        if norm.startswith(("../", "/")) or norm in ("..", "."):
            raise ContentError(None, None, f"refusing to write {rel!r} outside output/")
        target = os.path.join(self.staging, *norm.split("/"))
        folder = os.path.dirname(target)
        if folder not in self.made:
            missing = []
            probe = folder
            while not os.path.isdir(probe):
                missing.append(probe)
                probe = os.path.dirname(probe)
            os.makedirs(folder, exist_ok=True)
            self.created += reversed(missing)
            self.made.add(folder)
        return target


SMALL_CHANGE = 0.2   # at most this share of the site's files changes: update in place


def _in_place_changes(out_dir: Path, files: dict[str, bytes], copies: dict[str, Path], kept: list[str]):
    """(files to write, copies to make, files to remove) when the change is small enough, else None."""
    present = _files_in(out_dir)
    wanted = set(files) | set(copies) | set(kept)
    if not set(kept) <= present:
        return None
    new_copies = {rel: src for rel, src in copies.items() if not _same_file(out_dir / rel, src)}
    removed = sorted(present - wanted)
    if len(files) + len(new_copies) + len(removed) > SMALL_CHANGE * max(len(wanted), 1):
        return None
    return files, new_copies, removed


def _commit_in_place(out_dir: Path, files: dict[str, bytes], copies: dict[str, Path], removed: list[str]) -> None:
    """Write every new file under a temporary name, then swap each in by rename; on any failure
    (or Ctrl-C) every rename done so far is undone and out_dir is as it was."""
    place = _Placer(out_dir)
    pending: list[tuple[str, str]] = []           # (temporary file, final path)
    done: list[tuple[str, str | None]] = []        # (final path, its old version kept aside or None)
    try:
        for rel, data in files.items():
            final = place(rel)
            with open(final + ".xiaokan-new", "wb") as handle:
                handle.write(data)
            pending.append((final + ".xiaokan-new", final))
        for rel, source in copies.items():
            final = place(rel)
            shutil.copy2(source, final + ".xiaokan-new")
            pending.append((final + ".xiaokan-new", final))
        for temp, final in pending:
            aside = None
            if os.path.exists(final):
                aside = final + ".xiaokan-old"
                os.replace(final, aside)
            done.append((final, aside))
            os.replace(temp, final)
        for rel in removed:
            final = os.path.join(out_dir, *rel.split("/"))
            os.replace(final, final + ".xiaokan-old")
            done.append((final, final + ".xiaokan-old"))
    except BaseException:
        for final, aside in reversed(done):
            if aside is not None:
                os.replace(aside, final)
            elif os.path.exists(final):
                os.remove(final)
        for temp, _ in pending:
            if os.path.exists(temp):
                os.remove(temp)
        for folder in reversed(place.created):
            if os.path.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)
        raise
    for final, aside in done:
        if aside is not None:
            os.remove(aside)
    for rel in removed:   # folders emptied by removed pages go too
        folder = os.path.dirname(os.path.join(out_dir, *rel.split("/")))
        while folder != str(out_dir) and os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)


def _files_in(folder: Path) -> set[str]:
    """Relative paths (with /) of every file under folder."""
    found = set()
    for current, _, names in os.walk(folder):
        rel = os.path.relpath(current, folder).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        found.update(prefix + name for name in names)
    return found


def _already_there(out_dir: Path, copies: dict[str, Path], kept: list[str]) -> bool:
    """True when out_dir holds exactly the kept files and up-to-date copies: a no-change build."""
    if not out_dir.is_dir():
        return False
    present = _files_in(out_dir)
    if present != set(kept) | set(copies):
        return False
    return all(_same_file(out_dir / rel, source) for rel, source in copies.items())


def _keep(old: Path, target: str) -> None:
    try:
        os.link(old, target)
    except OSError:   # another file system, or no hard links: a copy with the same mtime
        shutil.copy2(old, target)


def _same_file(old: Path, source: Path) -> bool:
    """A file copied last time (copy2 keeps the mtime) is the same while size and mtime agree."""
    try:
        a, b = old.stat(), source.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


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
    """assets/ -> output/assets/, and files beside the articles (images, data) -> output/<issue>/.
    A link (symlink) that leads outside the project is refused: it would publish that file."""
    inside = [(root / "content").resolve(), (root / "assets").resolve()]
    copies: dict[str, Path] = {}
    sources = [(root / "assets", "assets")] + [(folder, folder.name) for folder in site_issue_folders]
    for top, prefix in sources:
        if not top.is_dir():
            continue
        for path in sorted(top.rglob("*")):
            if not path.is_file() or path.name.startswith(".") or \
                    (prefix != "assets" and path.suffix.lower() in SOURCE_SUFFIXES):
                continue
            if path.is_symlink() and not any(path.resolve().is_relative_to(base) for base in inside):
                raise ContentError(path, None, "this link points outside the project and would publish that file",
                                   "copy the file itself into the folder instead of linking it")
            copies[f"{prefix}/{path.relative_to(top).as_posix()}"] = path
    return copies
