"""Which draft a Word file became before: the origin line an import writes into the front matter
(`# Word 原稿：name（digest）`, a YAML comment the editor may read), and the drafts found by it, by the
file's name, or by the title (a department's revised 评议会（修改稿）.docx)."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ContentError
from ..core.i18n import _
from ..source.frontmatter import ARTICLE_KEYS, split_front_matter
from ..source.yamlfile import parse_flag, parse_yaml, read_text, tidy_yaml
from .scaffold import articles_titled

ORIGIN = "# Word 原稿：{name}（{digest}）"   # (a YAML comment in the front matter: the editor may read it)
ORIGIN_LINE = re.compile(r"^# Word 原稿：(?P<name>.+)（(?P<digest>[0-9a-f]{16})）\s*$", re.M)


@dataclass(frozen=True)
class Earlier:
    path: Path
    same_file: bool    # the same digest; else only the same file name
    here: bool = True  # in the issue the import is for
    draft: bool = True


def digest_of(source: Path) -> str:
    digest = hashlib.sha256()
    with source.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def earlier_import(root: Path, folder: Path, name: str, digest: str) -> Earlier | None:
    """The article an earlier import of this document made: the same digest in any issue, or the same
    file name in this issue."""
    same_name = None
    for path in sorted((root / "content").glob("*/*.md")):
        try:
            head = path.read_text(encoding="utf-8-sig", errors="replace")[:4000]
        except OSError:
            continue
        for m in ORIGIN_LINE.finditer(head):
            if m.group("digest") == digest:
                return Earlier(path, True, path.parent == folder, is_draft(path))
            if m.group("name") == name and path.parent == folder and same_name is None:
                same_name = Earlier(path, False, True, is_draft(path))
    return same_name


def titled_import(folder: Path, title: str, siblings: Collection[Path]) -> tuple[Path, str] | None:
    """A draft of the issue that a Word import made before (not one of siblings), with this title (as
    `same title` compares them), and the name of the Word file it came from."""
    for path in articles_titled(folder, title):
        try:
            m = ORIGIN_LINE.search(path.read_text(encoding="utf-8-sig", errors="replace")[:4000])
        except OSError:
            continue
        if m and path not in siblings and is_draft(path):
            return path, m.group("name")
    return None


def is_draft(path: Path) -> bool:
    try:
        return bool(parse_flag(_front(path).get("draft"), "draft", path, None))
    except ContentError:
        return False


def _front(path: Path) -> dict:
    """The front matter of an earlier import, keys in English ({} if it cannot be read)."""
    try:
        front = split_front_matter(read_text(path), path)[0]
        raw = parse_yaml(tidy_yaml(front, frozenset(ARTICLE_KEYS)), path)
    except ContentError:
        return {}
    return {ARTICLE_KEYS[str(k).strip()]: v for k, v in raw.items() if str(k).strip() in ARTICLE_KEYS} \
        if isinstance(raw, dict) else {}


def check_replaceable(path: Path, folder: Path) -> None:
    if path.parent != folder:
        raise ContentError(path, None, _("this document was imported into issue {issue}; --replace replaces a draft "
                                         "of the issue named by --issue only").format(issue=path.parent.name),
                           _("if it belongs in this issue, move that draft here or delete it first, then import again"))
    if not is_draft(path):
        raise ContentError(path, None, _("this article is no longer a draft (草稿: false), so --replace does not "
                                         "replace it"), _("make the changes in the article itself, or set 草稿: true first"))


def order_of(path: Path) -> int | None:
    order = _front(path).get("order")
    return int(order) if str(order).isdigit() else None
