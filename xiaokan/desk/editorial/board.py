"""The board: every issue (empty ones too) with its articles grouped by 栏目 in reading order and their
state, read leniently so that one broken file never hides the others; creating issues and articles
(through scaffold, as `build.py new-issue` and `new` do) and arranging them."""
from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from ...core.errors import ContentError
from ...core.i18n import _
from ...source.config import load_config
from ...source.content import ISSUE_ID, article_files
from ...source.frontmatter import ISSUE_KEYS, parse_date
from ...source.slugs import slug_from_filename
from ...source.yamlfile import parse_yaml, read_text, tidy_yaml
from .. import scaffold
from . import articles, frontmatter, issuesettings, review
from .paths import article_path, issue_folder, relative

NO_ORDER = 10**6   # (as the loader: an article without 排序 comes after those with one)


@dataclass(frozen=True)
class Card:
    path: str
    title: str
    section: str
    order: int
    state: str            # 草稿, 待审, 需重审, 已定稿 or 未经三审 (review.state)
    headline: bool
    steps: tuple[str, ...]  # 三审 steps taken (of the text as it is)
    problem: str = ""     # why the file cannot be read, if it cannot
    built: bool = False   # its page is in output/ (the last 生成网站): what 发布 would put online
    reset: dict | None = None   # the steps its changed text made void: {'by', 'at', 'steps'}
    draft: bool = True    # (a 需重审 article that is not a draft is still published)


def board(root: Path) -> dict:
    """{'sections': [...], 'issues': [{id, title, date, draft, groups: [{section, articles}]}]}, newest first."""
    config = load_config(root / "site.yaml")
    sections = [s.name for s in config.sections]
    records = review.records(root)
    review.prune(root, records)   # (a deleted article's review is not passed on to a new one at its path)
    issues = []
    for folder in _issue_folders(root):
        meta = read_issue(folder)
        cards = [_card(root, path, records) for path in article_files(folder, [])]
        cards.sort(key=lambda c: (sections.index(c.section) if c.section in sections else len(sections),
                                  c.order, c.path))
        groups = [{"section": name, "articles": [asdict(c) for c in cards if c.section == name]} for name in sections]
        strays = [asdict(c) for c in cards if c.section not in sections]
        if strays:
            groups.append({"section": "", "articles": strays})
        issues.append({"id": folder.name, "title": meta.get("title") or folder.name, "date": meta.get("date", ""),
                       "draft": _draft_issue(meta), "groups": groups,
                       "problem": meta.get("problem", "")})
    issues.sort(key=lambda i: (i["date"], i["id"]), reverse=True)
    return {"sections": sections, "issues": issues, "today": date.today().isoformat()}


def is_published(root: Path, issue_id: str) -> bool:
    """Whether readers have the issue, as the board shows it: not a draft, with an article that is not one
    (reading that issue only)."""
    folder = issue_folder(root, issue_id)
    if _draft_issue(read_issue(folder)):
        return False
    records = review.records(root)
    return any(not _card(root, path, records).draft for path in article_files(folder, []))


def _draft_issue(meta: dict) -> bool:
    return str(meta.get("draft", "")).lower() in ("true", "是", "yes")


def read_issue(folder: Path) -> dict:
    """issue.yaml's settings by their English names, as text; {'problem': …} when it cannot be read."""
    meta_path = folder / "issue.yaml"
    try:
        raw = parse_yaml(tidy_yaml(read_text(meta_path), frozenset(ISSUE_KEYS)), meta_path)
    except ContentError as exc:
        return {"problem": exc.render()}
    meta = {ISSUE_KEYS[str(k).strip()]: v for k, v in (raw or {}).items() if str(k).strip() in ISSUE_KEYS} \
        if isinstance(raw, dict) else {}
    if meta.get("date"):
        try:
            meta["date"] = parse_date(meta["date"], meta_path, None).isoformat()
        except ContentError:
            meta["date"] = str(meta["date"])
    return meta


def _card(root: Path, path: Path, records: dict) -> Card:
    rel = relative(root, path)
    try:
        text = read_text(path)
        parsed = frontmatter.parse(text, path)
    except ContentError as exc:
        return Card(rel, path.stem, "", NO_ORDER, "草稿", False, (), exc.render())
    fields = parsed.fields
    if fields is None:
        return Card(rel, path.stem, "", NO_ORDER, "草稿", False, (), _('the front matter cannot be read'))
    checked = review.review_of(records.get(rel), text, review.file_time(path))
    order = int(fields["order"]) if str(fields.get("order", "")).strip().isdigit() else NO_ORDER
    slug = fields.get("slug") or slug_from_filename(path.stem)
    built = not fields.get("draft") and (root / "output" / path.parent.name / slug / "index.html").is_file()
    return Card(rel, fields.get("title") or path.stem, fields.get("section", ""), order,
                review.state(bool(fields.get("draft")), checked), bool(fields.get("headline")),
                tuple(s["step"] for s in checked.steps), built=built, reset=checked.reset, draft=bool(fields.get("draft")))


def create_issue(root: Path, issue_id: str, values: dict, who: str) -> list[str]:
    """A new issue, as `build.py new-issue` makes it (numbered by its place among the issues there are,
    numbering.numbers_for), with the form's values written into its issue.yaml. Nothing is written until
    the build's own loader has read that issue.yaml (in a folder of .desk/) and found no problem: then
    the folder is moved into content/ in one step. The notices new-issue prints (a number another issue
    has) are returned."""
    issue_id = (issue_id or "").strip()
    scaffold.check_issue_id(issue_id)
    folder = root / "content" / issue_id
    if folder.exists():
        raise ContentError(None, None, _('there is an issue {issue_id} already').format(issue_id=issue_id),
                           _('choose another folder name for the issue (期文件夹名), or add articles to that issue '
                             'on the board (新建文章)'))
    text, notices = issuesettings.new_issue_text(root, issue_id, values)
    with issuesettings.checked_issue(root, issue_id, text) as made:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.rename(made, folder)   # (one step: content/ never holds an issue.yaml the build would refuse)
    from . import history

    # (its first version, which 刊期设置 saves over)
    history.record(root, f"{issue_id}/issue.yaml", (folder / "issue.yaml").read_bytes(), who, _("created"))
    return notices


def _issue_folders(root: Path) -> list[Path]:
    content = root / "content"
    return sorted(p for p in content.iterdir() if p.is_dir() and ISSUE_ID.fullmatch(p.name)
                  and (p / "issue.yaml").is_file()) if content.is_dir() else []


def new_article(root: Path, issue_id: str, section: str, title: str, who: str) -> tuple[str, tuple[str, ...]]:
    """A new article, as `build.py new` makes it (unreviewed, whatever a deleted article at its path
    passed): its path under content/, and new's notices (an article of the same title)."""
    issue_folder(root, issue_id)
    made = scaffold.make_article(root, section, issue_id, title)
    from . import history

    rel = relative(root, made.path)
    review.forget(root, rel)
    history.record(root, rel, made.path.read_bytes(), who, _("created"))
    return rel, made.notices


def arrange(root: Path, issue_id: str, layout: list, who: str, role: str | None = None) -> list[str]:
    """Write 栏目 and 排序 after a drag or a 上移/下移: layout is [{section, articles: [path, …]}, …] in
    the new order. Only the files whose values change are written; the paths written are returned."""
    folder = issue_folder(root, issue_id)
    sections = [s.name for s in load_config(root / "site.yaml").sections]
    changed = []
    for group in layout if isinstance(layout, list) else []:
        section = group.get("section") if isinstance(group, dict) else None
        if section not in sections:
            raise ContentError(None, None, _('栏目 {section!r} is not a section of this site').format(section=section),
                               _('use one of: {value}').format(value='、'.join(sections)))
        for position, rel in enumerate(group.get("articles", []), start=1):
            path = article_path(root, rel)
            if path.parent.resolve() != folder.resolve():
                raise ContentError(None, None, _('{path!r} is not an article of issue {issue_id}').format(path=rel, issue_id=issue_id))
            opened = articles.open_article(root, rel)
            fields = opened.fields or {}
            if fields.get("section") == section and str(fields.get("order", "")) == str(position):
                continue
            articles.update_fields(root, rel, {"section": section, "order": str(position)}, who, _("moved on the board"),
                                   role)
            changed.append(rel)
    return changed
