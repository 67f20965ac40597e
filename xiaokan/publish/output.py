"""Write the built site so that readers never see half of it and a failure changes nothing.

A large change is assembled in a temporary folder that replaces output/ whole. A small change
(the usual rebuild after an edit) is written beside the files it replaces and then committed by
renames that are undone if anything goes wrong: rebuilding a 1,000-page tree for three pages
would cost more than the rest of the rebuild.
"""
from __future__ import annotations

import ctypes
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import ContentError
from ..core.i18n import _

PRINT_DIR = "print"   # the print office's PDFs: beside output/, never published by accident
PREVIEW_DIR = ".cache/preview"   # what `serve` shows: the site with drafts, never output/
# Marks a folder as written by us: only such a folder (or an empty one) is ever replaced by a build.
MARKER = ".xiaokan-output"
MARKER_TEXT = b"Built by xiaokan. Every build replaces this folder whole: keep nothing else in it.\n"
_JOURNAL = ".xiaokan-commit"   # present while files are being swapped in place


def check_output_dir(root: Path, given: Path, explicit: bool) -> Path:
    """The output folder, resolved; refused when a build would destroy what is there: the project
    itself or a folder holding it, a folder of the project's sources, a folder with files we did not
    write, or something that is no folder (a file, /dev/null: a build puts a folder in its place)."""
    root = root.resolve()
    hint = _('choose a new, empty folder, e.g. --output ../site (the build creates it)')
    try:
        out_dir = given.resolve()
    except RuntimeError:   # (a link that leads back to itself)
        raise ContentError(given, None, _('the output folder is a link that leads back to itself'),
                           hint if explicit else _('delete the link output (the build makes the folder itself)')) from None
    if out_dir == root or out_dir in root.parents or out_dir == Path(out_dir.anchor) or out_dir == Path.home():
        raise ContentError(out_dir, None, _('the output folder would replace this project or a folder holding it'), hint)
    if out_dir.exists() and not out_dir.is_dir():
        raise ContentError(out_dir, None, _('the output folder is a file'),
                           hint if explicit else _('rename or move the file output (the build makes the folder itself)'))
    if out_dir == root / PREVIEW_DIR:
        return out_dir   # the live preview's own folder
    for name in ("content", "templates", "assets", ".git", ".cache", PRINT_DIR, "tests", "xiaokan"):
        if out_dir == root / name or (root / name) in out_dir.parents:
            raise ContentError(out_dir, None, _('the output folder may not be inside {name}/ of the project').format(name=name), hint)
    if not explicit and out_dir == root / "output":
        return out_dir   # output/ of the project is the build's own folder
    if out_dir.is_dir() and not (out_dir / MARKER).is_file() and any(out_dir.iterdir()):
        raise ContentError(out_dir, None, _('this folder has files that 校刊 did not write; a build replaces the whole folder and would delete them'), _('choose a new, empty folder, e.g. --output ../site (the build creates it), or empty this folder first'))
    return out_dir


def recover_interrupted(out_dir: Path) -> None:
    """After a build that was killed mid-write: put the last good site back and remove what is left over."""
    parent = out_dir.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{out_dir.name}.xiaokan-old-*"))
    if not out_dir.exists() and olds:
        olds[-1].rename(out_dir)
    for leftover in parent.glob(f".{out_dir.name}.xiaokan-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    if (out_dir / _JOURNAL).exists():
        for folder, _, names in os.walk(out_dir):
            for name in names:
                path = os.path.join(folder, name)
                if name.endswith(".xiaokan-old"):
                    final = path.removesuffix(".xiaokan-old")
                    if not os.path.exists(final):
                        os.replace(path, final)
                    else:
                        os.remove(path)
                elif name.endswith(".xiaokan-new"):
                    os.remove(path)
        os.remove(out_dir / _JOURNAL)


def write_print_copies(print_dir: Path, pdfs: dict[str, Path]) -> None:
    """The issues' PDFs for the print office, in print/ (replaced only when they changed)."""
    if not pdfs:
        return
    print_dir.mkdir(exist_ok=True)
    for name, source in pdfs.items():
        target = print_dir / name
        if not _same_file(target, source):
            temp = print_dir / f".{name}.tmp"
            try:
                shutil.copy2(source, temp)
                os.replace(temp, target)
            except BaseException:   # (a full disk left half a PDF in print/, the print office's folder)
                temp.unlink(missing_ok=True)
                raise


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


class Staging:
    """A new site assembled in a temporary folder beside out_dir, to replace it whole. Opened only
    when a build decides to (a large change); the render workers, forked after that, write their
    pages straight into it. discard() removes it unless it was swapped in."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir.resolve()
        self.folder: Path | None = None
        self._place: _Placer | None = None

    def open(self) -> None:
        if self.folder is not None:
            return
        self.out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out_dir.name}.xiaokan-new-", dir=self.out_dir.parent))
        os.chmod(self.folder, 0o777 & ~_umask())   # mkdtemp makes it 0700: a web server could not read it
        self._place = _Placer(self.folder)

    def path(self, rel: str) -> str:
        """Where rel goes inside the staging folder (its folders made; never outside it)."""
        return self._place(rel)

    def write(self, rel: str, data: bytes) -> None:
        with open(self._place(rel), "wb") as handle:
            handle.write(data)

    def discard(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None


def write_site(out_dir: Path, files: dict[str, bytes], copies: dict[str, Path], kept: list[str] = (),
               staging: Staging | None = None, linkable: Path | None = None) -> bool:
    """files: relative path -> bytes; copies: relative path -> source file; kept: files of the current
    out_dir that stay as they are (linked, so their mtime shows they were not rewritten). A staging
    already open holds pages written by the render workers. Copies of files under `linkable` (the
    build's cache, whose files are only ever replaced, never changed) are hard links, not copies.
    The new site is assembled in a temporary folder and swapped in whole. Returns False when
    nothing at all changed, in which case out_dir is not touched."""
    out_dir = out_dir.resolve()
    staging = staging or Staging(out_dir)
    if staging.folder is None:
        if not files and _already_there(out_dir, copies, kept):
            return False
        if out_dir.is_dir():
            changes = _in_place_changes(out_dir, files, copies, kept)
            if changes is not None:
                _commit_in_place(out_dir, *changes, linkable)
                return True
        staging.open()
    try:
        if (out_dir / MARKER).is_file():
            _keep(out_dir / MARKER, staging.path(MARKER))
        else:
            staging.write(MARKER, MARKER_TEXT)
        for rel, data in files.items():
            staging.write(rel, data)
        for rel in kept:
            _keep(out_dir / rel, staging.path(rel))
        for rel, source in copies.items():
            old = out_dir / rel
            if _same_file(old, source):
                _keep(old, staging.path(rel))
            else:
                _publish(source, staging.path(rel), linkable)
        _swap(staging.folder, out_dir)
        staging.folder = None
    except BaseException:
        staging.discard()
        raise
    return True


def _publish(source: Path, target: str, linkable: Path | None) -> None:
    """Put a copy of source at target: a hard link when source is one of the cache's files (a link
    costs a twentieth of a copy), else a copy keeping its modification time."""
    if linkable is not None and source.is_relative_to(linkable):
        _keep(source, target)
    else:
        shutil.copy2(source, target)


class _Placer:
    """Paths inside the staging folder, refusing any that would land outside it; makes folders once."""

    def __init__(self, staging: Path):
        self.staging = str(staging)
        self.made: set[str] = set()
        self.created: list[str] = []   # folders that did not exist before, in the order made

    def __call__(self, rel: str) -> str:
        norm = posixpath.normpath(rel)
        if norm.startswith(("../", "/")) or norm in ("..", "."):
            raise ContentError(None, None, _('refusing to write {rel!r} outside output/').format(rel=rel))
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
    out = os.fspath(out_dir)
    new_copies = {rel: src for rel, src in copies.items() if not _same_file(os.path.join(out, rel), src)}
    removed = sorted(present - wanted)
    if len(files) + len(new_copies) + len(removed) > SMALL_CHANGE * max(len(wanted), 1):
        return None
    return files, new_copies, removed


def _commit_in_place(out_dir: Path, files: dict[str, bytes], copies: dict[str, Path], removed: list[str],
                     linkable: Path | None) -> None:
    """Write every new file under a temporary name, then swap each in by rename; on any failure
    (or Ctrl-C) every rename done so far is undone and out_dir is as it was."""
    place = _Placer(out_dir)
    pending: list[tuple[str, str]] = []           # (temporary file, final path)
    done: list[tuple[str, str | None]] = []        # (final path, its old version kept aside or None)
    journal = out_dir / _JOURNAL
    journal.touch()
    try:
        if not (out_dir / MARKER).is_file():
            (out_dir / MARKER).write_bytes(MARKER_TEXT)
        for rel, data in files.items():
            final = place(rel)
            with open(final + ".xiaokan-new", "wb") as handle:
                handle.write(data)
            pending.append((final + ".xiaokan-new", final))
        for rel, source in copies.items():
            final = place(rel)
            _publish(source, final + ".xiaokan-new", linkable)
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
        for temp, _target in pending:
            if os.path.exists(temp):
                os.remove(temp)
        for folder in reversed(place.created):
            if os.path.isdir(folder) and not os.listdir(folder):
                os.rmdir(folder)
        journal.unlink(missing_ok=True)
        raise
    for _final, aside in done:
        if aside is not None:
            os.remove(aside)
    journal.unlink(missing_ok=True)
    for rel in removed:   # folders emptied by removed pages go too
        folder = os.path.dirname(os.path.join(out_dir, *rel.split("/")))
        while folder != str(out_dir) and os.path.isdir(folder) and not os.listdir(folder):
            os.rmdir(folder)
            folder = os.path.dirname(folder)


def output_files(folder: Path) -> Iterator[tuple[str, os.DirEntry]]:
    """Every file under folder with its path relative to it (with /), as os.walk finds them (a link to
    a folder is not followed, a folder that cannot be listed is left out). By scandir, each path built
    from its folder's: every build lists output/, and os.walk's relpath per file cost as much as the
    listing itself."""
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if not entry.is_dir():
                        yield prefix + entry.name, entry
                    elif not entry.is_symlink():
                        pending.append((prefix + entry.name + "/", entry.path))
        except OSError:
            continue


def _files_in(folder: Path) -> set[str]:
    """Relative paths (with /) of every file under folder but the marker."""
    return {rel for rel, _entry in output_files(folder)} - {MARKER}


def _already_there(out_dir: Path, copies: dict[str, Path], kept: list[str]) -> bool:
    """True when out_dir holds exactly the kept files and up-to-date copies: a no-change build."""
    if not out_dir.is_dir():
        return False
    present = _files_in(out_dir)
    if present != set(kept) | set(copies):
        return False
    out = os.fspath(out_dir)
    return all(_same_file(os.path.join(out, rel), source) for rel, source in copies.items())


def _keep(old: Path, target: str) -> None:
    try:
        os.link(old, target)
    except OSError:   # another file system, or no hard links: a copy with the same mtime
        shutil.copy2(old, target)


def _same_file(old: str | Path, source: Path) -> bool:
    """A file copied last time (copy2 keeps the mtime) is the same while size and mtime agree.
    (os.stat of a joined string: a build asks this of every copy, and a Path costs twice the stat.)"""
    try:
        a, b = os.stat(old), os.stat(source)
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE): readers and a killed build
    never see a moment without the site. False where the system or file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap(staging: Path, out_dir: Path) -> None:
    """Replace out_dir with staging; the old site is removed only once the new one is in place."""
    if out_dir.exists() and _exchange(staging, out_dir):
        shutil.rmtree(staging, ignore_errors=True)   # (it now holds the old site)
        return
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.xiaokan-old-{os.getpid()}")
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
