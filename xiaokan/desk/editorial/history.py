"""Every version of every article the desk saved, in a Git repository of content/ at .desk/history.git.

Why Git (dulwich, pure Python) and not a folder of copies: a version is a commit that stores only
what changed, with who and when; the history survives deleting .cache/ and is a real backup the
school can clone or push (`git clone .desk/history.git`) and read with any Git tool. The repository
is bare and outside the project's own .git, so the project's history is never touched.
"""
from __future__ import annotations

import difflib
import os
import stat
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ...core.i18n import _

HISTORY_DIR = Path(".desk") / "history.git"
BRANCH = b"refs/heads/main"
_lock = threading.Lock()   # (one commit at a time: the desk's requests and its jobs share the repository)


@dataclass(frozen=True)
class Version:
    id: str          # the commit
    when: float      # seconds since the epoch
    who: str
    message: str


def _repo(root: Path):
    from dulwich.repo import Repo

    folder = root / HISTORY_DIR
    if (folder / "HEAD").is_file():
        return Repo(str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    repo = Repo.init_bare(str(folder))
    repo.refs.set_symbolic_ref(b"HEAD", BRANCH)
    return repo


def record(root: Path, rel: str, data: bytes | None, who: str, message: str) -> str | None:
    """Commit content/<rel> as data (None: deleted); the commit id, or None when nothing changed."""
    return _commit(root, {rel: data}, who, message)


def _commit(root: Path, files: dict[str, bytes | None], who: str, message: str) -> str | None:
    """Commit each content/<rel> as its data (None: deleted) in one commit; its id, or None when nothing changed."""
    from dulwich.object_store import commit_tree_changes
    from dulwich.objects import Blob, Commit, Tree

    with _lock:
        repo = _repo(root)
        try:
            store = repo.object_store
            head = repo.refs[BRANCH] if BRANCH in repo.refs else None
            tree = store[head].tree if head else _empty_tree(store, Tree)
            changes = []
            for rel, data in files.items():
                if data is None:
                    changes.append((rel.encode(), None, None))
                    continue
                blob = Blob.from_string(data)
                store.add_object(blob)
                changes.append((rel.encode(), 0o100644, blob.id))
            new_tree = commit_tree_changes(store, store[tree], changes)
            new_tree = getattr(new_tree, "id", new_tree)   # (a Tree in some dulwich versions, its id in others)
            if new_tree == tree:
                return None
            commit = Commit()
            commit.tree, commit.parents = new_tree, [head] if head else []
            commit.author = commit.committer = f"{who} <desk@xiaokan>".encode()
            commit.author_time = commit.commit_time = int(time.time())
            commit.author_timezone = commit.commit_timezone = time.localtime().tm_gmtoff
            commit.encoding = b"UTF-8"
            commit.message = message.encode()
            store.add_object(commit)
            repo.refs[BRANCH] = commit.id
            return commit.id.decode()
        finally:
            repo.close()


def keep_disk_version(root: Path, rel: str, who: str) -> None:
    """Before the desk writes a file: its text on disk, if the history does not have it yet (an edit
    made with another program), so that the version about to be replaced is kept too."""
    path = root / "content" / rel
    if path.is_file():
        data = path.read_bytes()
        if data != last_text(root, rel):
            record(root, rel, data, who, _("changed outside the desk"))


def keep_with_pictures(root: Path, rel: str, who: str) -> None:
    """keep_disk_version, and the files beside the article its text names (its pictures, its CSV tables)
    as they are on disk: a Word file put in place of the draft removes those the new text does not name,
    and restoring this version brings them back (restore_pictures)."""
    path = root / "content" / rel
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
        beside = [p for p in path.parent.iterdir() if _named_beside(p.name, text) and p.is_file() and not p.is_symlink()]
    except OSError:
        return
    folder = rel.rsplit("/", 1)[0] + "/" if "/" in rel else ""
    files = {}
    for file in beside:
        data = file.read_bytes()
        if data != last_text(root, folder + file.name):
            files[folder + file.name] = data
    if files:
        _commit(root, files, who, _("the files of {name}").format(name=path.name))
    keep_disk_version(root, rel, who)   # (after its files: that version's commit has them)


def _named_beside(name: str, text: str) -> bool:
    """A file beside an article that its text names (a picture, a CSV table): not an article, an
    issue.yaml or a hidden file. What keep_with_pictures keeps and restore_pictures brings back."""
    return not name.startswith(".") and not name.lower().endswith((".md", ".yaml", ".yml")) and name in text


def restore_pictures(root: Path, rel: str, version: str, text: str) -> list[str]:
    """The files beside the article that this version of it names, that the history has and the disk no
    longer does, written back; their names."""
    from dulwich.object_store import tree_lookup_path

    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    target = root / "content" / folder
    restored: list[str] = []
    with _lock:
        repo = _repo(root)
        try:
            store = repo.object_store
            # (that version's files, else the history's last of the name: a version kept before its files were)
            for commit in (version.encode(), repo.refs[BRANCH] if BRANCH in repo.refs else None):
                try:
                    tree = store[commit].tree
                    if folder:
                        tree = tree_lookup_path(store.__getitem__, tree, folder.encode())[1]
                    entries = list(store[tree].items())
                except (KeyError, AttributeError, TypeError):
                    continue
                for entry in entries:
                    name = entry.path.decode("utf-8", "replace")
                    if stat.S_ISREG(entry.mode) and _named_beside(name, text) and _write_new(target / name, store[entry.sha].data):
                        restored.append(name)
        finally:
            repo.close()
    return restored


def _write_new(path: Path, data: bytes) -> bool:
    """A file written where there is none: not over a file, nor through a link (a dangling one pointing out of
    content/ was written through); whether it was written."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    return True


def last_text(root: Path, rel: str) -> bytes | None:
    with _lock:
        repo = _repo(root)
        try:
            head = repo.refs[BRANCH] if BRANCH in repo.refs else None
            return _blob_at(repo, head, rel) if head else None
        finally:
            repo.close()


def versions(root: Path, rel: str, limit: int = 200) -> list[Version]:
    """The versions of one article, newest first."""
    with _walk(root, limit, [rel.encode()]) as (_repository, entries):
        return [_version(entry.commit) for entry in entries]


@contextmanager
def _walk(root: Path, limit: int, paths: list[bytes] | None = None):
    """(the repository, its commits newest first: those that touch paths, if given), under the lock."""
    with _lock:
        repo = _repo(root)
        try:
            yield repo, (repo.get_walker(include=[repo.refs[BRANCH]], paths=paths, max_entries=limit)
                         if BRANCH in repo.refs else ())
        finally:
            repo.close()


def _version(commit, whole_message: bool = False) -> Version:
    """A commit as the history lists it: who (the author's name) and the message's first paragraph."""
    message = commit.message.decode("utf-8", "replace")
    return Version(commit.id.decode(), commit.commit_time, commit.author.decode("utf-8", "replace").split(" <", 1)[0],
                   (message if whole_message else message.split("\n\n", 1)[0]).strip())


def text_at(root: Path, rel: str, version: str) -> bytes | None:
    """The article's bytes in one version; None when that version does not have it (or is unknown)."""
    if not (isinstance(version, str) and len(version) == 40 and all(c in "0123456789abcdef" for c in version)):
        return None
    with _lock:
        repo = _repo(root)
        try:
            return _blob_at(repo, version.encode(), rel)
        finally:
            repo.close()


def decoded(data: bytes) -> str | None:
    """A version's text: UTF-8 (with or without BOM), or GB18030 for one saved as GBK outside the desk
    (Notepad's ANSI on a Chinese Windows); None for bytes that are neither. Line ends as the loader reads them."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return None


def line_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(' ' | '-' | '+', line) for the lines of two texts, with three lines of context around changes."""
    out: list[tuple[str, str]] = []
    for group in difflib.SequenceMatcher(None, old.split("\n"), new.split("\n"), autojunk=False).get_grouped_opcodes(3):
        if out:
            out.append(("…", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [(" ", line) for line in old.split("\n")[i1:i2]]
                continue
            out += [("-", line) for line in old.split("\n")[i1:i2]]
            out += [("+", line) for line in new.split("\n")[j1:j2]]
    return out


def side_by_side(left: str, right: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Each text's lines, marked True where they differ from the other's (for two versions shown side by side)."""
    a, b = left.split("\n"), right.split("\n")
    marked_a, marked_b = [(True, line) for line in a], [(True, line) for line in b]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            marked_a[i1:i2] = [(False, line) for line in a[i1:i2]]
            marked_b[j1:j2] = [(False, line) for line in b[j1:j2]]
    return marked_a, marked_b


def _blob_at(repo, commit_id: bytes, rel: str) -> bytes | None:
    from dulwich.object_store import tree_lookup_path

    try:
        commit = repo.object_store[commit_id]
        _mode, sha = tree_lookup_path(repo.object_store.__getitem__, commit.tree, rel.encode())
        return repo.object_store[sha].data
    except (KeyError, AttributeError):
        return None


def _empty_tree(store, tree_class) -> bytes:
    tree = tree_class()
    store.add_object(tree)
    return tree.id


def record_files(root: Path, files: dict[str, bytes | None], who: str, message: str) -> str | None:
    """Several files of content/ in one commit (None: deleted): a deletion or a move with its pictures."""
    return _commit(root, files, who, message)


named_beside = _named_beside


def deletions(root: Path, limit: int):
    """(version, paths deleted, whether an article was added, the bytes a deleted article had, the message)
    of each commit that deleted a file or restored a deleted article, newest first, among the last `limit` commits."""
    found = []
    with _walk(root, limit) as (repo, entries):
        for entry in entries:
            changes = [c for c in entry.changes() if not isinstance(c, list)]
            gone = {c.old.path.decode("utf-8", "replace"): c.old.sha for c in changes if c.type == "delete"}
            message = entry.commit.message.decode("utf-8", "replace")
            if not gone and "\nRestores: " not in message:
                continue
            added = [c.new.path for c in changes if c.type == "add" and c.new.path.lower().endswith((b".md", b".markdown"))]
            blobs = {rel: repo.object_store[sha].data for rel, sha in gone.items()
                     if rel.lower().endswith((".md", ".markdown"))}
            found.append((_version(entry.commit, whole_message=True), list(gone), bool(added), blobs.get, message))
    return found


def parent_of(root: Path, version: str) -> str | None:
    """The commit before `version` (hex), or None."""
    if not (isinstance(version, str) and len(version) == 40 and all(c in "0123456789abcdef" for c in version)):
        return None
    with _lock:
        repo = _repo(root)
        try:
            parents = repo.object_store[version.encode()].parents
            return parents[0].decode() if parents else None
        except (KeyError, AttributeError):
            return None
        finally:
            repo.close()


def before_commit(root: Path, rel: str, version: str) -> bytes | None:
    """content/<rel> as it was just before commit `version` (a deletion's: the deleted text)."""
    parent = parent_of(root, version)
    return text_at(root, rel, parent) if parent else None
