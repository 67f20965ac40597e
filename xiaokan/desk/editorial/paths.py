"""Paths that arrive in requests, resolved inside content/ or refused: no `..`, no absolute path,
no NUL, no hidden or encoded trick, no symlink that leads out."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ...core.devices import is_windows_device
from ...core.errors import ContentError
from ...core.i18n import _
from ...source.content import ARTICLE_SUFFIXES, ISSUE_ID

MAX_NAME = 60   # characters of an uploaded file's name, before its suffix
MAX_ISSUE_ID = 64    # characters of an issue's folder name
MAX_FILE_NAME = 200  # bytes of a file name in a request (a file system allows 255)
_UNSAFE = re.compile(r"[^\w\u3400-\u9fff.-]+")
_NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')   # (what Windows or Linux forbids in a file name)


class PathRefused(ContentError):
    """A request named a path outside content/ or one the desk does not write."""


def refuse(text: str) -> PathRefused:
    return PathRefused(None, None, _('the path {path!r} is not a file of content/').format(path=text[:80]),
                       _('open the article from the board'))


def content_path(root: Path, rel: str, suffixes: tuple[str, ...] | None = None) -> Path:
    """content/<issue>/<name> for rel '<issue>/<name>' (one level deep, as articles and their photos
    are). Raises PathRefused for anything else, before the disk is touched."""
    if not isinstance(rel, str) or not rel or "\0" in rel or "\\" in rel or "%" in rel or len(rel) > 300:
        raise refuse(str(rel))
    parts = rel.split("/")
    if len(parts) != 2 or not ISSUE_ID.fullmatch(parts[0]) or len(parts[0]) > MAX_ISSUE_ID or not _plain_name(parts[1]) \
            or len(parts[1].encode("utf-8", "replace")) > MAX_FILE_NAME:
        raise refuse(rel)
    if suffixes is not None and not parts[1].lower().endswith(suffixes):
        raise refuse(rel)
    content = (root / "content").resolve()
    path = content / parts[0] / parts[1]
    resolved = path.resolve()
    if resolved.parent != content / parts[0] or path.is_symlink() or (content / parts[0]).is_symlink():
        raise refuse(rel)
    return path


def article_path(root: Path, rel: str) -> Path:
    return content_path(root, rel, ARTICLE_SUFFIXES)


def issue_folder(root: Path, issue_id: str) -> Path:
    """content/<issue-id>/ of an existing issue, or PathRefused."""
    if not isinstance(issue_id, str) or not ISSUE_ID.fullmatch(issue_id) or len(issue_id) > MAX_ISSUE_ID:
        raise refuse(str(issue_id))
    folder = root / "content" / issue_id
    if folder.is_symlink() or not (folder / "issue.yaml").is_file():
        raise ContentError(None, None, _('there is no issue {issue_id!r}').format(issue_id=issue_id),
                           _('make it first on the board: 新建一期'))
    return folder


def relative(root: Path, path: Path) -> str:
    """'2024-07/01-first.md' for content/2024-07/01-first.md."""
    return path.relative_to(root / "content").as_posix()


def safe_name(name: str, suffix: str) -> str:
    """A readable file name from what a browser sent: its last part, letters, digits, Chinese, - and .
    kept (it becomes part of a web address), nothing hidden, the suffix the content was found to be."""
    return _named(_UNSAFE.sub("-", _stem(name)).strip(".-_")[:MAX_NAME].strip(".-_"), suffix)


def kept_name(name: str, suffix: str) -> str:
    """A Word file's name as the department wrote it (评议会（定稿）.docx): only what no file name may hold
    is replaced. It stays in .desk/ and names the file in the import's report and the article's 原稿 line."""
    return _named(_NOT_IN_NAMES.sub("-", _stem(name)).strip(" .-")[:MAX_NAME].strip(" .-"), suffix)


def _stem(name: str) -> str:
    """The last part of what a browser sent as a file's name, without its suffix."""
    stem = unicodedata.normalize("NFC", str(name)).replace("\\", "/").rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem


def _named(stem: str, suffix: str) -> str:
    head, dot, rest = stem.partition(".")
    if is_windows_device(stem):   # (Windows opens the device CON, NUL … whatever follows the first dot)
        stem = f"{head}_{dot}{rest}"
    return f"{stem or 'file'}{suffix}"


def unique_name(folder: Path, name: str) -> str:
    """name, or name-2, name-3 … when a file of that name is already there."""
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 2
    while (folder / candidate).exists():
        candidate, n = f"{stem}-{n}{dot}{suffix}", n + 1
    return candidate


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and not name.startswith((".", "~")) and "/" not in name \
        and not any(ord(c) < 32 for c in name)
