"""Opening and saving one article: atomic writes, no silent overwrite, a history entry per save,
and the problems `check` would report for it, at their lines."""
from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from ...errors import ContentError, ContentErrors
from ...i18n import _
from ...source.yamlfile import read_text
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
            raise Conflict(rel, current.decode("utf-8", "replace"), digest(current))
        text = composed(path, fields, body)
        if fields:
            readable_settings(root, path, text)
        data = text.encode("utf-8")
        if data != current:
            old_text = read_text(path) if _readable(current) else current.decode("utf-8", "replace")
            if role is not None:
                review.may_change(old_text, text, role)
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
    kind: str        # error, warning or notice
    text: str        # as `build.py check` prints it


@dataclass(frozen=True)
class Checked:
    findings: list[Finding]
    url: str | None   # the article's page in the preview ('/2024-07/slug/'), when it loads


def check_article(root: Path, rel: str, memo: dict | None = None) -> Checked:
    """What `check` says about this article, each at its line: errors of loading it, of its photos and
    links, and its warnings; and where the preview shows it."""
    from ...builder import article_link_resolver
    from ...paper.preflight import content_findings
    from ...source.content import load_site
    from ...source.datablocks import BlockError
    from ...source.markup import render_markdown
    from ...source.references import reference_problems

    path = existing(root, rel).resolve()
    mine = lambda item: item.path is not None and Path(item.path).resolve() == path   # noqa: E731
    try:
        loaded = load_site(root, memo, drafts=True)
    except ContentErrors as exc:
        return Checked([_finding(e, "error") for e in exc.errors if mine(e)], None)
    except ContentError as exc:
        return Checked([_finding(exc, "error")] if mine(exc) else [], None)
    site = loaded.site
    article = next((a for a in site.articles if a.source.resolve() == path), None)
    found = [_finding(w, w.kind) for w in loaded.warnings if mine(w)]
    if article is None:
        return Checked(found, None)
    by_source = {os.path.normpath(os.path.abspath(a.source)): a for a in site.articles}   # (as the build keys them)
    try:
        body = render_markdown(article.body_md, site.config.trust_html, article_link_resolver(article, by_source),
                               article.source.parent)
    except BlockError as exc:
        return Checked(found + [_finding(ContentError(article.source, article.body_line + exc.index, exc.message, exc.hint),
                                         "error")], "/" + article.url)
    found += [_finding(e, "error") for e in reference_problems(article, body, root)]
    issue = next(i for i in site.issues if i.id == article.issue_id)
    found += [_finding(w, w.kind) for w in content_findings(site, replace(issue, articles=(article,)), {article.url: body})]
    return Checked(found, "/" + article.url)


def _finding(item, kind: str) -> Finding:
    text = item.render()
    return Finding(item.line, kind, (_("error: ") + text) if kind == "error" else text)


def existing(root: Path, rel: str) -> Path:
    """content/<rel> of an article that exists (ContentError, in Chinese, otherwise)."""
    path = article_path(root, rel)
    if not path.is_file():
        raise ContentError(None, None, _('there is no article {path!r}').format(path=rel),
                           _('it may have been moved or deleted; go back to the board'))
    return path
