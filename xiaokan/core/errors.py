"""Errors the user can act on: the file, the line, what is wrong and what to do."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .i18n import _


@dataclass
class ContentError(Exception):
    """A problem in the project's files, reported as `file:line: message` plus a hint."""

    path: Path | str | None
    line: int | None
    message: str
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.render())

    def location(self) -> str:
        if self.path is None:
            return ""
        where = display_path(self.path)
        return f"{where}:{self.line}" if self.line else where

    def render(self) -> str:
        text = f"{self.location()}: {self.message}" if self.path is not None else self.message
        if self.hint:
            text += f"\n    → {self.hint}"
        return text

    def __str__(self) -> str:
        return self.render()

    def __reduce__(self):   # so that an error raised in a worker process arrives whole
        return (type(self), (self.path, self.line, self.message, self.hint))


class DeployError(ContentError):
    """A deploy that could not be done (`build.py deploy`); the live site is as it was."""


@dataclass
class NothingToRollBack(DeployError):
    """A rollback with no earlier release to bring back, which changed nothing: `build.py deploy --rollback`
    says it as an error, the desk's 回滚 as information (it is no failure). live: the one release live
    (None: nothing was ever deployed there)."""
    live: str | None = None


class ContentErrors(Exception):
    """Several problems found in one pass, so that the editor can fix them all at once."""

    def __init__(self, errors: list[ContentError]):
        self.errors = errors
        super().__init__("\n".join(e.render() for e in errors))


@dataclass(frozen=True)
class ContentWarning:
    path: Path
    line: int | None
    message: str
    kind: str = "warning"   # or "notice": for information, nothing to fix

    def render(self) -> str:
        loc = display_path(self.path) + (f":{self.line}" if self.line else "")
        if self.kind == "warning":
            return _("{location}: warning: {message}").format(location=loc, message=self.message)
        return _("{location}: notice: {message}").format(location=loc, message=self.message)


def environment_error(exc: OSError) -> ContentError:
    """A fault of the machine rather than of the content (disk full, no permission), as an error the
    editor can act on."""
    import errno

    where = exc.filename
    hints = {
        errno.ENOSPC: (_("the disk is full"), _("free some space on the disk, then build again")),
        errno.EDQUOT: (_("the disk quota is used up"), _("free some space, then build again")),
        errno.EACCES: (_("no permission to read or write here"), _("check the permissions of this file or folder, or build into another folder")),
        errno.EPERM: (_("no permission to read or write here"), _("check the permissions of this file or folder, or build into another folder")),
        errno.EROFS: (_("the folder is on a read-only disk"), _("build into a folder you can write to (--output)")),
    }
    from .reasons import explain_exception

    message, hint = hints.get(exc.errno, (explain_exception(exc), _("check the folder and try again")))
    return ContentError(where, None, message, hint)


def display_path(path: Path | str) -> str:
    """Paths relative to the working directory when possible: what the editor sees in the tree."""
    p = Path(path)
    try:
        return shown(p.resolve().relative_to(Path.cwd().resolve()).as_posix())
    except (ValueError, RuntimeError, OSError):   # (elsewhere; a link that leads back to itself)
        return shown(p.as_posix())


# Control characters, and the invisible ones that reorder what follows them on the screen (a file
# named 报告\u202eXCOD.docx reads as 报告docx.DOCX): a name someone else chose is shown with a ? for each.
_UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(name: str) -> str:
    """A file name as a message may show it: each control or direction character a ?."""
    return _UNSHOWN.sub("?", name)


_PASSWORD = re.compile(r"(^|//)([^:@/\s]*):([^@/\s]+)@")


def has_password(address: str) -> bool:
    """user:secret@host or https://key:secret@host: a password written into an address."""
    return _PASSWORD.search(address) is not None


def without_password(address: str) -> str:
    """An address as a message may show it: a password written in it is ***, since messages end up in
    screenshots and chat groups."""
    return _PASSWORD.sub(lambda m: f"{m.group(1)}{m.group(2)}:***@", address)


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """The known choice the editor most likely meant, for hints such as `did you mean 新闻政策?`: the
    same word typed in full-width letters or another case (ｔｉｔｌｅ, Title), one a few keys away
    (titel, 作着, 2024-7), or the start of a longer one (新闻 for 新闻政策); None rather than a guess
    that shares only some letters (margin is not pdf_variant)."""
    wanted = _plain(str(word))
    if not wanted:
        return None
    best, best_rank = None, None
    for choice in choices:
        known = _plain(str(choice))
        if not known:
            continue
        if known == wanted:
            return choice
        distance = _edits(wanted, known)
        short, long_ = sorted((wanted, known), key=len)
        within = distance <= _allowed_edits(len(known)) and distance < len(known)
        part = len(short) >= 2 and short in long_ and 2 * len(short) >= len(long_)
        if not (within or part):
            continue
        rank = (distance, -difflib.SequenceMatcher(None, wanted, known).ratio())
        if best_rank is None or rank < best_rank:
            best, best_rank = choice, rank
    return best


def _plain(text: str) -> str:
    """A word as compared for a suggestion: full-width letters as ASCII (NFKC), any case, no spaces,
    - and _ alike."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold().replace("-", "_")


def _allowed_edits(length: int) -> int:
    """Typing slips a word of this length may carry and still be recognised: one in a short word (a
    Chinese key of two characters, `slug`), two in a longer one, three in a long name."""
    return 0 if length < 2 else 1 if length <= 4 else 2 if length <= 10 else 3


def _edits(a: str, b: str) -> int:
    """Letters to add, drop, change or swap with a neighbour to turn a into b (optimal string alignment)."""
    if abs(len(a) - len(b)) > 3:
        return max(len(a), len(b))
    before, row = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (ca != cb))
            if before is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]
