"""`build.py import 稿件.docx --issue 2024-07 --section 评建动态`: departments' Word files as draft articles.

docxarticle.py makes the article in memory; this module names and writes it into the issue's folder
and reports on it. Each file is imported or refused on its own, so one bad file among several stops
nothing else. Nothing in content/ is ever overwritten: each new file is written under a hidden
temporary name and then linked to a name that is free (a link never replaces a file); if writing
fails (a full disk) everything this document wrote is removed. A document imported before is
recognised by its digest (or, in the same issue, its file name), recorded in the front matter, and
is imported again only with --replace, in place of its draft. A document with the title of such a
draft of the issue (the department's revised 评议会（修改稿）.docx) may be a new version of it as well.
Another document of a draft's file name or title is held, imported neither way until the editor says
which: --replace (in place of that draft) or --separate (a draft of its own).
"""
from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ContentError, display_path, environment_error, shown
from ..core.i18n import N_, _
from ..core.reasons import explain_exception
from .docxarticle import read_article
from .docxtokens import TOKEN
from .importcheck import lost_paragraphs
from .importorigin import ORIGIN, Earlier, check_replaceable, digest_of, earlier_import, order_of, titled_import
from .newfile import open_new
from .scaffold import article_path, front_matter, issue_folder, next_order, same_title

Keep = Callable[[Path], None]   # (called with a draft's path just before --replace writes over it)
_REFERENCE = re.compile(r'!\[[^\n]*?\]\(([^)\s"]+)|文件="([^"]+)"')


@dataclass(frozen=True)
class ImportReport:
    """One Word file imported (or recognised as imported before, and left as it was)."""
    source: Path
    article: Path                       # relative to the project
    title: str
    counts: tuple[tuple[str, int], ...] = ()
    notes: tuple[str, ...] = ()         # what needs the editor's eye, and where
    lost: tuple[str, ...] = ()          # paragraphs of the document not in the article
    skipped: bool = False               # imported before: nothing was written
    replaceable: bool = False           # skipped, and --replace would replace it: a draft of this issue
    published: bool = False             # skipped: the article imported before is published (草稿: false)
    elsewhere: str | None = None        # skipped: the issue the article imported before is in, when not this one
    replaced: bool = False              # written in place of the draft an earlier import made (--replace)

    def lines(self) -> list[str]:
        if self.skipped:
            return [self.before()]
        found = _(", ").join(_(COUNTED.get(kind, "{kind} {count}")).format(kind=_(kind), count=n)
                             for kind, n in self.counts if n)
        said = _("{source} → {article} (draft, in place of its earlier text): {found}") if self.replaced else \
            _("{source} → {article} (draft): {found}")
        out = [said.format(source=shown(self.source.name), article=self.article.as_posix(), found=found or _("text only"))]
        out += [_("  check: {item}").format(item=item) for item in self.notes]
        out += [_("  text not imported: {text}").format(text=text) for text in self.lost]
        return out


    def before(self) -> str:
        """What a file imported before is, where, and what to do: --replace only where it would work."""
        where = dict(source=shown(self.source.name), article=self.article.as_posix(), issue=self.elsewhere)
        if self.elsewhere and self.published:
            return _("{source}: imported before and published in issue {issue}, as {article}; there is nothing to "
                     "import (to change it, edit that article)").format(**where)
        if self.elsewhere:
            return _("{source}: imported before into issue {issue}, as the draft {article}; nothing was imported "
                     "(if it belongs in this issue, move that draft here or delete it, then import again)").format(**where)
        if self.published:
            return _("{source}: imported before as {article}, which is published; there is nothing to import (to "
                     "change it, edit that article)").format(**where)
        return _("{source}: imported before as the draft {article}; nothing was imported (to replace that draft "
                 "with this file, add --replace)").format(**where)


# What the report says of each count (the counts' names are docxarticle's N_() ids).
COUNTED = {
    "paragraphs": N_("{count} paragraphs"), "headings": N_("{count} subheadings (## and ###)"),
    "lists": N_("{count} lists"), "pictures": N_("{count} pictures"), "tables": N_("{count} tables"),
    "tables with merged cells (CSV)": N_("{count} tables with merged cells (as CSV)"), "footnotes": N_("{count} footnotes"),
}


@dataclass(frozen=True)
class ImportFailure:
    source: Path
    error: ContentError


@dataclass
class Held(ContentError):
    """Not imported: the document may be a new version of the draft `article` (another file of its name,
    or of its title); the editor says which, --replace or --separate (in the desk: 替换, 另存为新稿)."""
    article: Path | None = None
    by: str = "name"   # how it was matched: "name" (a file of its name) or "title" (the draft has its title)

    def __reduce__(self):
        return (type(self), (self.path, self.line, self.message, self.hint, self.article, self.by))


def import_documents(root: Path, sources: list[Path], issue_id: str, section: str, replace: bool = False,
                     separate: bool = False, keep: Keep | None = None) -> list[ImportReport | ImportFailure]:
    """Import each .docx named (a folder means every .docx in it): one result per file. ContentError
    (before any file is read) for an unknown issue or section, or no Word file at all."""
    return list(import_each(root, sources, issue_id, section, replace, separate, keep))


def import_each(root: Path, sources: list[Path], issue_id: str, section: str, replace: bool = False,
                separate: bool = False, keep: Keep | None = None) -> Iterator[ImportReport | ImportFailure]:
    """As import_documents, each result given as soon as its file is done (the command line prints it).
    separate: a document of another draft's file name or title is a draft of its own (else it is Held);
    keep: called with a draft's path just before --replace writes over it (the desk keeps its text)."""
    folder = issue_folder(root, issue_id, section)
    files = _word_files(sources)
    made: set[Path] = set()   # (drafts of this run: a document titled as one of them is its sibling, not its new version)
    for path in files:
        try:
            report = import_docx(root, folder, path, section, replace, separate, keep, made)
            made.add(root / report.article)
            yield report
        except ContentError as exc:
            yield ImportFailure(path, exc)


def _word_files(sources: list[Path]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(p for p in source.glob("*") if p.suffix.lower() == ".docx" and not p.name.startswith(("~$", ".")))
        else:
            files.append(source)
    if not files:
        raise ContentError(sources[0] if sources else None, None, _('no Word file (.docx) to import'),
                           _('name .docx files, or a folder that has them'))
    return files


def _in_project(root: Path, path: Path) -> str:
    """content/2024-07/05-….md: the draft's path as the editor finds it, wherever the desk was started from."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return display_path(path)


def _title_of(path: Path) -> str:
    """The 标题 of a draft a Word file was imported as (its file name when its front matter cannot be read)."""
    from ..source.frontmatter import ARTICLE_KEYS, read_article_front
    from ..source.yamlfile import read_text

    try:
        raw = read_article_front(read_text(path), path).raw
    except (ContentError, OSError):
        return path.stem
    title = next((value for key, value in raw.items() if ARTICLE_KEYS.get(str(key)) == "title"), None)
    return str(title).strip() if isinstance(title, str) and title.strip() else path.stem


def import_docx(root: Path, folder: Path, source: Path, section: str, replace: bool = False, separate: bool = False,
                keep: Keep | None = None, siblings: Collection[Path] = ()) -> ImportReport:
    """Write one Word file as a draft of the issue in folder; ContentError naming the file if it cannot be
    (Held when it may be a new version of a draft: import_each)."""
    if source.suffix.lower() != ".docx" or not source.is_file():
        hint = (_("open it in Word or WPS and save it as .docx (文件 → 另存为 → Word 文档)") if source.suffix.lower() == ".doc"
                else _("name a .docx file"))
        raise ContentError(source, None, _('this is not a Word file (.docx) that can be imported'), hint)
    digest = digest_of(source)
    earlier = earlier_import(root, folder, shown(source.name), digest)
    if earlier is not None and not earlier.same_file and separate:
        earlier = None   # (another document of the same name, the editor said: a draft of its own)
    if earlier is not None and not replace:
        if earlier.same_file:
            return ImportReport(source, earlier.path.relative_to(root), "", skipped=True,
                                replaceable=earlier.here and earlier.draft, published=not earlier.draft,
                                elsewhere=None if earlier.here else earlier.path.parent.name)
        if earlier.draft:
            raise Held(source, None, _("a Word file of this name was imported before and became the draft “{title}” "
                                       "({article}); this file differs from that one, so nothing was imported").format(
                title=_title_of(earlier.path), article=_in_project(root, earlier.path)),
                       _("to replace that draft with this version, add --replace; if it is another document, import "
                         "it with --separate"), earlier.path)
        raise ContentError(source, None, _("a Word file of this name was imported before as {article}, and this one "
                                           "differs from it").format(article=display_path(earlier.path)),
                           _("that article is published, so --replace does not replace it: make the changes in the "
                             "article itself, or, if this is another document, rename the file and import it again"))
    if earlier is not None:
        check_replaceable(earlier.path, folder)
    try:
        article = read_article(source)
    except ContentError:
        raise
    except Exception as exc:   # noqa: BLE001 — a file no check foresaw: said in words, the other files go on
        raise ContentError(source, None, _("this Word file cannot be read: {reason}").format(reason=explain_exception(exc)),
                           _("open it in Word or WPS and save it again as .docx")) from None
    if earlier is None and not separate and (titled := titled_import(folder, article.title, siblings)) is not None:
        if not replace:
            raise Held(source, None, _("the draft {article}, imported from {name}, has this document's title “{title}”: "
                                       "nothing was imported").format(article=_in_project(root, titled[0]), name=titled[1],
                                                                      title=article.title),
                       _("if this is a new version of that document, import it again with --replace (it replaces that "
                         "draft); if it is another article of the same title, import it with --separate"), titled[0], "title")
        earlier = Earlier(titled[0], False)
    path = earlier.path if earlier is not None else article_path(folder, article.title)
    order = order_of(earlier.path) if earlier is not None else None
    order = order or next_order(root, folder.name, section)
    origin = ORIGIN.format(name=shown(source.name), digest=digest)
    old_files = _files_of(path) if earlier is not None else []
    if earlier is not None and keep is not None:
        keep(path)   # (the text about to be replaced: the desk's history keeps it)
    writer = _Writer(folder, source)
    try:
        names = writer.write_files(re.sub(r"^\d+-", "", path.stem), article.files)
        body = TOKEN.sub(lambda m: names[int(m.group(2)) - 1] if m.group(1) == "F" else m.group(0), article.body)
        writer.write_article(path, front_matter(path, article.title, section, order, dict(article.fields), origin) + body,
                             replace=earlier is not None)
    except KeyboardInterrupt:   # (stopped while writing: no half of a document is left behind)
        writer.undo()
        raise
    if earlier is not None:
        _remove_unused(folder, path, old_files)
    notes = list(article.notes)
    if article.first_numbered:
        notes.insert(0, _("the document's first line 「{line}」 is numbered by Word as the first of several, so it is "
                          "the first subheading of the text, not the title: the title “{title}” was made from the file "
                          "name {name}; correct 标题").format(line=article.first_numbered, title=article.title,
                                                            name=article.title_from))
    elif article.title_from:
        notes.insert(0, _("the document has no title line that stands out (Word's Title style, or set larger or centred "
                          "and bold): the title “{title}” was made from the file name {name}; correct 标题").format(
            title=article.title, name=article.title_from))
    if earlier is None and (same := same_title(path, article.title)):
        notes.insert(0, same)
    lost = lost_paragraphs(article.document_texts, _as_checked(article.body, names), folder, article.title,
                           *(value for _key, value in article.fields), *article.set_aside)
    return ImportReport(source, path.relative_to(root), article.title, article.counts, tuple(notes), tuple(lost),
                        replaced=earlier is not None)


def _as_checked(body: str, names: list[str]) -> str:
    """The body as the lost-text check renders it: tables by their CSV (the renderer reads them),
    pictures by a name that is no file, so that no photo is decoded to tell the text."""
    def name(m: re.Match) -> str:
        if m.group(1) != "F":
            return m.group(0)
        file = names[int(m.group(2)) - 1]
        return file if file.endswith(".csv") else "picture-not-read"

    return TOKEN.sub(name, body)


def _files_of(article: Path) -> list[str]:
    """The pictures and CSV tables an earlier import wrote beside the article (named after it)."""
    stem = re.escape(re.sub(r"^\d+-", "", article.stem))
    own = re.compile(rf"{stem}-(\d+\.\w+|table-\d+\.csv)")
    text = article.read_text(encoding="utf-8", errors="replace")
    return [name for m in _REFERENCE.finditer(text) if own.fullmatch(name := m.group(1) or m.group(2))]


def _remove_unused(folder: Path, article: Path, names: list[str]) -> None:
    """Remove files of the replaced draft that neither it nor another article uses any more."""
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in folder.glob("*.md")]
    for name in names:
        if not any(name in text for text in texts):
            (folder / name).unlink(missing_ok=True)


class _Writer:
    """Files of one import: each written under a hidden temporary name, then given its own name
    without ever replacing a file; on a failure, all of them are removed again."""

    def __init__(self, folder: Path, source: Path):
        self.folder, self.source, self.made = folder, source, []

    def write_files(self, stem: str, files) -> list[str]:
        names = []
        counters = {"picture": 0, "table": 0}
        for file in files:
            kind = "table" if file.suffix == ".csv" else "picture"
            while True:
                counters[kind] += 1
                name = f"{stem}-table-{counters[kind]}.csv" if kind == "table" else f"{stem}-{counters[kind]}{file.suffix}"
                if not (self.folder / name).exists():
                    break
            self._write(self.folder / name, file.data, replace=False)
            names.append(name)
        return names

    def write_article(self, path: Path, text: str, replace: bool) -> None:
        self._write(path, text.encode("utf-8"), replace)

    def _write(self, target: Path, data: bytes, replace: bool) -> None:
        temp = None
        try:
            fd, temp = open_new(self.folder, ".import-", ".part")   # (0644 as a rule: mkstemp's 0600 kept web servers out)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            if replace:
                os.replace(temp, target)
            else:
                _link_new(temp, target)
                self.made.append(target)
        except FileExistsError:
            self.undo()
            raise ContentError(self.source, None, _("{name} appeared in {folder} while the import was writing; "
                                                    "nothing of this document was written").format(
                name=target.name, folder=display_path(self.folder)), _("import it again")) from None
        except OSError as exc:
            self.undo()
            problem = (_("the file is larger than this system lets a program write") if exc.errno == errno.EFBIG
                       else environment_error(exc).message)
            raise ContentError(self.source, None, _("{problem} while writing {name}; nothing of this document was "
                                                    "written (what was written is removed)").format(
                problem=problem, name=display_path(target)),
                _("free some space on the disk (or check the folder's permissions), then import again")) from None
        finally:
            if temp is not None and os.path.lexists(temp):
                os.unlink(temp)

    def undo(self) -> None:
        for path in self.made:
            path.unlink(missing_ok=True)
        self.made.clear()


def _link_new(temp: str, target: Path) -> None:
    """Give the written file its name, failing (FileExistsError) rather than replacing a file."""
    try:
        os.link(temp, target)
    except FileExistsError:
        raise
    except OSError as exc:   # (a file system without hard links: claim the name, then move onto it)
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
            raise
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        os.replace(temp, target)
