"""Which files of an issue folder are its articles: *.md beside issue.yaml, in any case; editors'
temporary files left out; files that look like articles but would not be published named as errors."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from ..core.errors import ContentError, display_path
from ..core.i18n import _
from ..core.reasons import explain_exception
from .links import outside_link_error

ARTICLE_SUFFIXES = (".md", ".markdown")


def is_editor_temp_file(name: str) -> bool:
    """Lock and backup files editors leave beside the files they have open (Emacs .#x.md, Word
    ~$x.docx, LibreOffice .~lock.x#, vim .x.md.swp, x.md~): never content."""
    return name.startswith((".", "~$", "~")) or name.endswith(("~", ".swp", ".tmp", "#"))


def article_files(folder: Path, errors: list) -> list[Path]:
    """The articles of an issue folder (content/<issue-id>): *.md in any case. Files that look like articles
    but would not be published (x.md.txt, an .md in a subfolder, a link to a file outside content/) are
    errors rather than silently left out."""
    found = []
    try:
        listed = _files_under(str(folder), ())
    except OSError as exc:   # (left out in silence, the issue was published without its articles, or not at all)
        errors.append(ContentError(folder, None, _('this folder cannot be read ({reason}), so its articles cannot be found').format(
            reason=explain_exception(exc)), _('check the permissions of the folder (in a terminal: chmod -R a+rX {path})').format(
            path=display_path(folder))))
        return found
    for parts, linked in listed:
        path = folder.joinpath(*parts)
        wrong = name_error(path)
        if wrong is not None:
            errors.append(wrong)
            continue
        suffixes = [x.lower() for x in path.suffixes]
        if suffixes and suffixes[-1] in ARTICLE_SUFFIXES:
            outside = outside_link_error(folder.parent.parent, path) if linked else None
            if outside is not None:
                errors.append(outside)
            elif len(parts) == 1:
                found.append(path)
            else:
                errors.append(ContentError(path, None, _('an article in a subfolder of the issue is not published'),
                                           _('move it into {name}/ itself, next to issue.yaml').format(name=folder.name)))
        elif any(x in ARTICLE_SUFFIXES for x in suffixes[:-1]) and suffixes[-1] in (".txt", ".text", ".doc", ".docx"):
            errors.append(ContentError(path, None, _('this looks like an article but its name ends in {suffix}, so it is not published').format(suffix=path.suffix),
                                       _("rename it to {value}.md (Windows hides known extensions: turn on 文件扩展名 in Explorer's 查看 menu)").format(value=path.name[:path.name.lower().index('.md')])))
        elif len(parts) == 1 and _meant_as_article(path.name):
            errors.append(ContentError(path, None, _('the name {name!r} ends almost as an article\'s does, so it is not published').format(name=path.name),
                                       _('rename it to {value}').format(value=_meant_as_article(path.name))))
    return found


def _meant_as_article(name: str) -> str | None:
    """The name an article meant to have when it ends in .md typed with a full-width dot or letters
    (．ｍｄ: a Chinese input method in full-width mode), or with a dot or space after it: published,
    it would have been found; left out, it was left out without a word."""
    meant = unicodedata.normalize("NFKC", name).rstrip(". ")
    return meant if meant != name and meant.lower().endswith(ARTICLE_SUFFIXES) else None


def name_error(path: Path) -> ContentError | None:
    """A file whose name is not UTF-8 text, as a zip made on Chinese Windows gives its GBK names when
    unzipped on Linux: no page can link it, and the build could not write its name down."""
    try:
        str(path).encode("utf-8")
        return None
    except UnicodeEncodeError:   # (the file's name, or a folder's on its way)
        wrong = next(part for part in path.parts if not _is_text(part))
        raw = os.fsencode(wrong)
    shown = raw.decode("utf-8", "replace")
    try:
        meant = raw.decode("gb18030")
    except UnicodeDecodeError:
        meant = None
    where = path.parents[path.parts[::-1].index(wrong)]
    if meant is None:
        return ContentError(where, None, _('the name of the file {name!r} is not UTF-8 text').format(name=shown),
                            _('rename the file'))
    return ContentError(where, None, _('the name of the file {name!r} is not UTF-8 text: it reads as {meant!r} in GBK, '
                                       'a name from a zip made on Windows').format(name=shown, meant=meant),
                        _('rename the file to {meant}').format(meant=meant))


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _files_under(folder: str, parts: tuple[str, ...]) -> list[tuple[tuple[str, ...], bool]]:
    """The files under folder (links to files too) as (their path parts below it, whether a link), in path order, leaving
    out editors' temporary files and what is inside temporary folders; linked folders are not entered
    (as Path.rglob, at a third of its cost: the build reads every issue folder each time)."""
    found = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        if not parts:
            raise   # (the issue folder itself; a subfolder holds no published article)
        return found
    for entry in sorted(entries, key=lambda e: e.name):
        if is_editor_temp_file(entry.name):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                found += _files_under(entry.path, (*parts, entry.name))
            elif entry.is_file():
                found.append(((*parts, entry.name), entry.is_symlink()))
        except OSError:
            continue
    return found
