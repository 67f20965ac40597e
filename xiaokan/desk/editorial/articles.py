"""Opening and saving one article: atomic writes, no silent overwrite, a history entry per save,
and the problems `check` would report for it, at their lines."""
from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from ...core.errors import ContentError
from ...core.i18n import _
from ...source.yamlfile import decoded, read_text
from . import frontmatter, history
from .paths import article_path

_write_lock = threading.Lock()   # (compare-then-write is one step: two saves never interleave)


@dataclass(frozen=True)
class Opened:
    path: str                 # '2024-07/01-first.md'
    fields: dict | None       # the form; None when the front matter cannot be read (the whole file is the body)
    body: str
    body_line: int            # the file's line where the body starts (1 when fields is None)
    digest: str               # of the bytes on disk, sent back with the save


class Conflict(Exception):
    """The file changed on disk since the editor opened it: both versions go back to the editor."""

    def __init__(self, rel: str, disk_text: str, disk_digest: str):
        super().__init__(rel)
        self.rel, self.disk_text, self.disk_digest = rel, disk_text, disk_digest


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_article(root: Path, rel: str) -> Opened:
    path = existing(root, rel)
    data = path.read_bytes()
    parsed = frontmatter.parse(read_text(path), path)
    return Opened(rel, parsed.fields, parsed.body, parsed.body_line, digest(data))


def save_article(root: Path, rel: str, fields: dict | None, body: str, base_digest: str, who: str,
                 message: str | None = None, role: str | None = None) -> str:
    """Write the article (fields into its front matter, body after it) if the file on disk is still the
    version the editor loaded; the new digest. Raises Conflict otherwise, writing nothing. With a role
    (a request's), PermissionError when that role may not make this change (review.may_change); a
    draft's reviewed text that changes must be reviewed again (review.changed)."""
    from . import review

    path = existing(root, rel)
    with _write_lock:
        current = path.read_bytes()
        if digest(current) != base_digest:
            raise Conflict(rel, history.decoded(current) or current.decode("utf-8", "replace"), digest(current))
        text = composed(path, fields, body)
        if fields:
            readable_settings(root, path, text)
        data = as_on_disk(text, current)
        if data != current:
            old_text = read_text(path) if _readable(current) else current.decode("utf-8", "replace")
            if role is not None:
                review.may_change(path, old_text, decoded(data, path), role)
            history.keep_disk_version(root, rel, who)
            write_atomic(path, data)
            review.changed(root, rel, old_text, text, who)
        history.record(root, rel, data, who, message or _("saved"))
        return digest(data)


def composed(path: Path, fields: dict | None, body: str) -> str:
    """The article's new text: the body alone (fields None: the whole file as text), or the form's
    fields written into the front matter on disk, then the body."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    if fields is None:
        return body
    parsed = frontmatter.parse(read_text(path), path)
    if parsed.fields is None:   # (the form cannot be written into a front matter that cannot be read)
        raise ContentError(path, 1, _('the front matter cannot be read, so the form cannot be saved into it'),
                           _('reopen the article: it opens as text, and the problem is shown at its line'))
    return frontmatter.compose(parsed.front, fields, body)


def as_on_disk(text: str, current: bytes) -> bytes:
    """The new text as bytes in the file's own ways: its line ends (a file from Windows stays CRLF),
    its BOM, and its final newline (which a text box does not show, so cannot be meant to go)."""
    if current.endswith(b"\n") and not text.endswith("\n"):
        text += "\n"
    if current.count(b"\r\n") * 2 > current.count(b"\n"):
        text = text.replace("\n", "\r\n")
    return (b"\xef\xbb\xbf" if current.startswith(b"\xef\xbb\xbf") else b"") + text.encode("utf-8")


def readable_settings(root: Path, path: Path, text: str) -> None:
    """The settings the form wrote, read by the build's own loader (a copy of the article under its
    name, elsewhere): ContentError, at the line in the article, for what the build would refuse (a date
    that does not exist, 排序 that is no number, an 地址 that is no address, a 栏目 the site has not)."""
    import tempfile
    from datetime import date

    from ...source.config import load_config
    from ...source.content import load_article
    from ..scaffold import issue_date

    try:
        day = issue_date(path.parent / "issue.yaml")
    except ContentError:
        day = date.today()
    with tempfile.TemporaryDirectory(prefix="xiaokan-form-") as folder:
        copy = Path(folder) / path.name
        copy.write_text(text, encoding="utf-8")
        try:
            load_article(copy, path.parent.name, day, load_config(root / "site.yaml"), [], drafts=True)
        except ContentError as exc:
            if exc.path is not None and Path(exc.path) != copy:
                raise
            raise ContentError(path, exc.line, exc.message, exc.hint) from None


def _readable(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def update_fields(root: Path, rel: str, changes: dict, who: str, message: str, role: str | None = None) -> str:
    """Change some front matter fields of the article as it is on disk now (the board's moves, 终审)."""
    opened = open_article(root, rel)
    if opened.fields is None:
        raise ContentError(root / "content" / rel, 1, _('the front matter cannot be read, so the form cannot be saved into it'),
                           _('reopen the article: it opens as text, and the problem is shown at its line'))
    return save_article(root, rel, changes, opened.body, opened.digest, who, message, role)


def write_atomic(path: Path, data: bytes) -> None:
    """Write beside the file, then rename over it: a reader (the preview, a crash) sees the old file
    or the new one, never half of one. The temporary name starts with a dot, which the preview ignores."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


@dataclass(frozen=True)
class Finding:
    line: int | None
    kind: str        # error, warning or notice; others: one line about the other articles' errors
    text: str        # as `build.py check` prints it


@dataclass(frozen=True)
class Checked:
    findings: list[Finding]
    url: str | None   # the article's page in the preview ('/2024-07/slug/'), when it loads


def check_article(root: Path, rel: str, memo: dict | None = None) -> Checked:
    """What `build.py check` lists for this article's file, each at its line and in check's words:
    every error (of its settings, its text, tables and charts, photos and links; `error (draft)` for a
    draft's) and every warning and notice, whatever state the other articles are in (their errors are
    one line at the end); and where the preview shows the article."""
    from ...source.content import read_site

    path = existing(root, rel).resolve()
    loaded = read_site(root, memo, drafts=True)
    site = loaded.site
    article = next((a for a in site.articles if a.source.resolve() == path), None)
    others = sorted({Path(p.path).resolve() for p in loaded.problems if p.path is not None} - {path})
    if article is None:
        found = [_finding(e, _published_error(root, e, path)) for e in loaded.problems if _is(e, path)]
        found += [_finding(w, w.kind) for w in loaded.warnings if _is(w, path)]
        return Checked(found + _others(root, others), None)
    issue = next(i for i in site.issues if i.id == article.issue_id)
    draft = article.draft or issue.draft
    return Checked(_article_findings(site, loaded, article, issue, draft) + _others(root, others), "/" + article.url)


def _article_findings(site, loaded, article, issue, draft: bool) -> list[Finding]:
    """check's findings of one article that loads: as its published pass sees a published article (the
    site without drafts: a link to a draft is an error), as its drafts' pass sees a draft."""
    from ...bodies import body_warnings, content_problems, convert_bodies
    from ...paper.preflight import content_findings

    if not draft:
        site = replace(site, issues=tuple(replace(i, articles=tuple(a for a in i.articles if not a.draft))
                                          for i in site.issues if not i.draft))
    drafts = {a.source.resolve() for a in loaded.site.articles if a.draft} | \
        {a.source.resolve() for i in loaded.site.issues if i.draft for a in i.articles}
    unreadable = frozenset(Path(p.path) for p in loaded.problems if p.path is not None
                           and (draft or Path(p.path).resolve() not in drafts))
    bodies, problems = convert_bodies(site, articles=(article,))
    problems += content_problems(site, bodies, unreadable, (article,))
    kind = "draft-error" if draft else "error"
    found = [_finding(e, kind) for e in problems]
    if problems and not draft:   # (check lists a published article's warnings once nothing stops the build)
        return found
    found += [_finding(w, w.kind) for w in loaded.warnings if _is(w, article.source.resolve())]
    found += [_finding(w, w.kind) for w in body_warnings((article,), bodies)]
    if not draft:
        mine = next(i for i in site.issues if i.id == issue.id)
        if "<table" in bodies[article.url].html:   # (the issue's printed tables share one budget)
            bodies.update(convert_bodies(site, articles=mine.articles)[0])
        else:
            mine = replace(mine, articles=(article,))
        found += [_finding(w, w.kind) for w in content_findings(site, mine, bodies) if _is(w, article.source.resolve())]
    return found


def _published_error(root: Path, error: ContentError, path: Path) -> str:
    """'error' when check's published pass reports this loading error too, else 'draft-error' (a draft's)."""
    from ...source.content import read_site

    published = read_site(root, None, drafts=False).problems
    return "error" if any(_is(e, path) and e.message == error.message for e in published) else "draft-error"


def _others(root: Path, paths: list[Path]) -> list[Finding]:
    if not paths:
        return []
    names = [p.relative_to((root / "content").resolve()).as_posix() if p.is_relative_to((root / "content").resolve())
             else p.name for p in paths]
    return [Finding(None, "others", _('{count} other file(s) have errors too (生成网站 stops until they are fixed): '
                                      '{files}').format(count=len(names), files="、".join(names[:5]) + (" …" if len(names) > 5 else "")))]


def _is(item, path: Path) -> bool:
    return item.path is not None and Path(item.path).resolve() == path


def _finding(item, kind: str) -> Finding:
    text = item.render()
    if kind == "draft-error":
        return Finding(item.line, "error", _("error (draft): ") + text)
    return Finding(item.line, kind, (_("error: ") + text) if kind == "error" else text)


def existing(root: Path, rel: str) -> Path:
    """content/<rel> of an article that exists (ContentError, in Chinese, otherwise)."""
    path = article_path(root, rel)
    if not path.is_file():
        raise ContentError(None, None, _('there is no article {path!r}').format(path=rel),
                           _('it may have been moved or deleted; go back to the board'))
    return path
