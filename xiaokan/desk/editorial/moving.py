"""删除 and 移到另一期 of one article, and 恢复 of a deleted one. Nothing is destroyed: a deleted article's
last text and the pictures and tables beside it that only it names are in the desk's history (the
deletion is a commit of its own), listed by deleted() and brought back by undelete(). A move takes the
file to the other issue under a free name (numbered after that issue's files, as 新建文章 numbers), its
own pictures with it (a picture another article of the issue names too is copied), renames a picture
whose name the other issue has (and the text's links to it), keeps the article's 三审 record, and is
one commit of both paths. Who may: as for saving (review.may_change): a published article only the 主编.
No file is ever written over: a name that appears meanwhile is refused, and nothing is changed."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from ...core.errors import ContentError
from ...core.i18n import _
from ...source.content import ARTICLE_SUFFIXES
from ...source.issuefiles import article_files
from ...source.slugs import slug_from_filename
from . import articles, frontmatter, history, review
from .paths import article_path, issue_folder, relative, unique_name


def delete_article(root: Path, rel: str, who: str, role: str | None = None) -> list[str]:
    """Remove the article and the files beside it only it names, after keeping them in the history; the
    names of those files."""
    with articles._write_lock:   # (found inside: a delete or move that came first is said as such, not a failure)
        path = articles.existing(root, rel)
        data = path.read_bytes()
        text = history.decoded(data) or ""
        if role is not None:
            review.may_change(path, text, text, role)
        others = _others(root, path)
        _refuse_if_linked(root, path, others, _('deleted'))
        own, _shared = _beside(path, text, others)
        history.keep_with_pictures(root, rel, who)   # (the last version, and its pictures, before they go)
        for file in own:
            file.unlink()
        path.unlink()
        folder = rel.rsplit("/", 1)[0]
        history.record_files(root, {rel: None, **{f"{folder}/{f.name}": None for f in own}}, who,
                             _("deleted the article {title}").format(title=_title(text, path)))
    review.forget(root, rel)
    return [f.name for f in own]


def move_article(root: Path, rel: str, issue_id: str, who: str, role: str | None = None) -> str:
    """The article in content/<issue_id>/ under a free name, with its pictures; its new path."""
    target = issue_folder(root, issue_id)
    with articles._write_lock:
        path = articles.existing(root, rel)
        if target.resolve() == path.parent.resolve():
            raise ContentError(None, None, _('the article is in issue {issue_id} already').format(issue_id=issue_id),
                               _('choose another issue'))
        data = path.read_bytes()
        text = history.decoded(data) or ""
        if role is not None:
            review.may_change(path, text, text, role)
        others = _others(root, path)
        _refuse_if_linked(root, path, others, _('moved'))
        _refuse_a_taken_address(target, path, text)
        own, shared = _beside(path, text, others)
        names = {}
        for file in own + shared:   # (a name the other issue has already: the picture gets a free one)
            names[file.name] = unique_name(target, file.name) if (target / file.name).exists() \
                or file.name in names.values() else file.name
        new_data = _renamed(data, {old: new for old, new in names.items() if old != new})
        new_path = free_name(target, path)
        new_rel = relative(root, new_path)
        history.keep_with_pictures(root, rel, who)
        written = []
        try:
            for file in own + shared:
                _write_new(target / names[file.name], file.read_bytes())
                written.append(target / names[file.name])
            _write_new(new_path, new_data)
        except FileExistsError:   # (a file of that name appeared meanwhile: nothing is written over)
            for file in written:
                file.unlink(missing_ok=True)
            raise ContentError(None, None, _('{name} appeared in issue {issue_id} meanwhile; nothing was moved').format(
                name=new_path.name, issue_id=issue_id), _('try again')) from None
        for file in own:
            file.unlink()
        path.unlink()
        old_folder, new_folder = rel.rsplit("/", 1)[0], new_rel.rsplit("/", 1)[0]
        changes = {rel: None, **{f"{old_folder}/{f.name}": None for f in own},
                   **{f"{new_folder}/{names[f.name]}": (target / names[f.name]).read_bytes() for f in own + shared},
                   new_rel: new_data}
        history.record_files(root, changes, who, _("moved from {old} to {new}").format(old=rel, new=new_rel))
    review.moved(root, rel, new_rel, text, history.decoded(new_data) or "")
    return new_rel


def deleted(root: Path, limit: int = 2000) -> list[dict]:
    """The articles deleted in the desk and not brought back since, newest first: {path, title, who, when,
    id} (id: the commit of the deletion; path: where it was)."""
    found, restored = [], set()
    for commit, gone, added, text_of, message in history.deletions(root, limit):
        restored.update(re.findall(r"^Restores: ([0-9a-f]{40})$", message, re.M))
        if added or commit.id in restored:   # (a move: the article is in its other issue)
            continue
        for rel in gone:
            if rel.lower().endswith(ARTICLE_SUFFIXES):
                text = history.decoded(text_of(rel) or b"") or ""
                found.append({"path": rel, "title": _title(text, Path(rel)), "who": commit.who, "when": commit.when,
                              "id": commit.id})
    return found


def undelete(root: Path, rel: str, version: str, who: str, role: str | None = None) -> str:
    """The article deleted by commit `version` back in its issue (under a free name, should its own be
    taken now), with the pictures of it the history has; its path."""
    article_path(root, rel)
    folder = issue_folder(root, rel.split("/")[0])
    path = folder / rel.split("/")[1]
    with articles._write_lock:   # (two 恢复 of one deletion: the second finds it brought back already)
        if not any(d["id"] == version and d["path"] == rel for d in deleted(root)):   # (a move, or restored already)
            raise ContentError(None, None, _('there is no deleted article {path!r} in the history').format(path=rel),
                               _('reload the list of deleted articles'))
        data = history.before_commit(root, rel, version) or b""
        text = history.decoded(data) or ""
        if role is not None:
            review.may_change(path, text, text, role)
        if path.exists():
            path = free_name(folder, path)
        _write_new(path, data)
        new_rel = relative(root, path)
        review.forget(root, new_rel)
        parent = history.parent_of(root, version)
        restored = history.restore_pictures(root, new_rel, parent, text) if parent else []
        history.record_files(root, {new_rel: data, **{f"{folder.name}/{n}": (folder / n).read_bytes() for n in restored}},
                             who, _("restored the deleted article") + f"\n\nRestores: {version}")
    return new_rel


def free_name(folder: Path, path: Path) -> Path:
    """A name in folder for the article at path: numbered after the folder's articles (NN-<name>), its name
    without its number kept (so its address, when it has no 地址, stays), or -2, -3 … after it."""
    existing = [p for p in folder.iterdir() if p.suffix.lower() in ARTICLE_SUFFIXES]
    numbers = [int(m.group()) for p in existing if (m := re.match(r"\d+", p.stem))]
    rest = re.sub(r"^\d+[-_ .]+", "", path.stem) or "article"
    taken = {re.sub(r"^\d+[-_ .]+", "", p.stem) for p in existing}
    unique, n = rest, 2
    while unique in taken:
        unique, n = f"{rest}-{n}", n + 1
    number = max(numbers, default=0) + 1
    candidate = folder / f"{number:02d}-{unique}{path.suffix}"
    while candidate.exists():
        number += 1
        candidate = folder / f"{number:02d}-{unique}{path.suffix}"
    return candidate


def _others(root: Path, path: Path) -> dict[Path, str]:
    """The text of every other article and every issue.yaml of content/ (read once for a delete or a move:
    what links to the article, what else names its pictures)."""
    others = {}
    for other in sorted((root / "content").rglob("*")):
        if other.resolve() != path.resolve() and other.is_file() and (
                other.suffix.lower() in ARTICLE_SUFFIXES or other.name == "issue.yaml"):
            try:
                others[other] = history.decoded(other.read_bytes()) or ""
            except OSError:
                continue
    return others


def _beside(path: Path, text: str, others: dict[Path, str]) -> tuple[list[Path], list[Path]]:
    """The files beside the article its text names as a whole name (data.png does not name a.png), as
    written or %-encoded: (those nothing else names, those something else may: an article of any issue,
    an issue.yaml (its 封面), by name or by a path ending in it). A file in doubt is shared: a delete
    leaves it, a move copies it."""
    own, shared = [], []
    for file in sorted(path.parent.iterdir()):
        if file.is_file() and not file.is_symlink() and history.named_beside(file.name, text) and _names(text, file.name):
            (shared if any(_names(o, file.name) for o in others.values()) else own).append(file)
    return own, shared


def _refuse_if_linked(root: Path, path: Path, others: dict[Path, str], done: str) -> None:
    """An article other articles link to (by its file: `02-second.md`, `../2024-07/02-second.md`) is not
    deleted or moved: their links would point nowhere and the build would stop at them."""
    linking = [relative(root, other) for other, text in others.items()
               if other.suffix.lower() in ARTICLE_SUFFIXES and _names(text, path.name)]
    if linking:
        raise ContentError(None, None, _('{articles} link to this article: if it were {done}, their links would lead '
                                         'nowhere and 生成网站 would stop at them').format(articles="、".join(linking), done=done),
                           _('first change or remove the link in those articles, then try again'))


def _own_address(path: Path, text: str) -> str:
    """The 地址 the article's settings give it ('' when none: then its file's name gives it)."""
    parsed = frontmatter.parse(text, path) if text else None
    return str((parsed.fields or {}).get("slug") or "").strip() if parsed else ""


def _address(path: Path, text: str) -> str:
    """The article's address in its issue, as the loader gives it: its 地址, else its file's name."""
    return _own_address(path, text) or slug_from_filename(path.stem)


def _refuse_a_taken_address(target: Path, path: Path, text: str) -> None:
    """An article whose 地址 an article of the other issue has is not moved there: two pages, one address
    (an address from the file's name alone is made free by free_name)."""
    own = _own_address(path, text)
    if not own:
        return
    for other in article_files(target, []):
        if _address(other, history.decoded(other.read_bytes()) or "") == own:
            raise ContentError(None, None, _('{article} in issue {issue_id} has the address {slug!r} this article has '
                                             '(地址): moved there, the two would have one address').format(
                article=other.name, issue_id=target.name, slug=own),
                _('first change this article\'s 地址 (or empty it: the address then follows the file name), then move it'))


def _names(text: str, name: str) -> bool:
    """Whether text names the file as a whole name (after a / of a path too), as written or %-encoded."""
    found = re.compile(rf"(?<![\w.%-]){re.escape(name)}(?![\w.-])")
    return bool(found.search(text) or found.search(unquote(text)))


def _renamed(data: bytes, names: dict[str, str]) -> bytes:
    """The article's bytes with each picture's old name, where it stands as a name, replaced by its new one."""
    for old, new in names.items():
        data = re.sub(rb"(?<![\w.-])" + re.escape(old.encode()) + rb"(?![\w.-])", new.encode(), data)
    return data


def _write_new(path: Path, data: bytes) -> None:
    """A new file, never over one (FileExistsError): its name taken first (open's "x"), then written whole."""
    with open(path, "xb"):
        pass
    try:
        articles.write_atomic(path, data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _title(text: str, path: Path) -> str:
    parsed = frontmatter.parse(text, path) if text else None
    return str((parsed.fields or {}).get("title") or path.stem) if parsed else path.stem
