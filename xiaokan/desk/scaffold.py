"""`build.py new` and `build.py new-issue`: start an article or an issue with complete front matter."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..errors import ContentError, ContentErrors, did_you_mean
from ..i18n import _
from ..source.config import load_config
from ..source.content import ISSUE_ID, ISSUE_KEYS, load_site, parse_date
from ..source.slugs import slugify
from ..source.yamlfile import parse_yaml, read_text, tidy_yaml

MAX_SLUG = 48

ARTICLE_TEMPLATE = """---
标题: {title}
栏目: {section}
日期: {today}
来源:             # 信息来源, e.g. 重庆市人民政府网 2024年6月22日; leave empty for the school's own reports
作者:
摘要:
排序: {order}
标签: []
草稿: true        # a draft: shown by serve, not published; write false (or 否) to publish it
---
在这里写正文。段落之间空一行。
"""

ISSUE_TEMPLATE = """标题: {title}
期号: {number}
总期号: {total}
日期: {today}     # 出版日期：如不是这一天，请改成实际日期
编辑: []
摘要:
"""


def new_article(root: Path, section: str, issue_id: str, title: str) -> Path:
    """Create content/<issue>/<NN>-<slug>.md, dated like its issue, and return its path."""
    folder = issue_folder(root, issue_id, section)
    title = title.strip()
    if not title:
        raise ContentError(None, None, _('the article needs a title'), _('e.g. python build.py new --section 评建动态 --issue 2024-06 "我校召开……"'))
    path = article_path(folder, title)
    path.write_text(ARTICLE_TEMPLATE.format(title=yaml_text(title), section=section,
                                            today=issue_date(folder / "issue.yaml").isoformat(),
                                            order=next_order(root, issue_id, section)), encoding="utf-8")
    return path


def issue_folder(root: Path, issue_id: str, section: str) -> Path:
    """The folder of an existing issue, after checking that the section is one of the site's."""
    config = load_config(root / "site.yaml")
    names = [s.name for s in config.sections]
    if section not in names:
        guess = did_you_mean(section, names)
        raise ContentError(None, None, _('栏目 {section!r} is not a section of this site').format(section=section),
                           _('did you mean {guess}?').format(guess=guess) if guess else _('use one of: {value}').format(value='、'.join(names)))
    folder = root / "content" / issue_id
    if not (folder / "issue.yaml").is_file():
        raise ContentError(folder, None, _('there is no issue {issue_id!r}').format(issue_id=issue_id),
                           _('create it first: python build.py new-issue {issue_id}').format(issue_id=issue_id))
    return folder


def article_path(folder: Path, title: str) -> Path:
    """A new article's file: numbered after the issue's files, named after its title in pinyin."""
    existing = sorted(folder.glob("*.md"))
    numbers = [int(m.group()) for p in existing if (m := re.match(r"\d+", p.stem))]
    slug = _short_slug(title) or "article"
    taken = {re.sub(r"^\d+[-_ .]+", "", p.stem) for p in existing}
    unique, n = slug, 2
    while unique in taken:
        unique, n = f"{slug}-{n}", n + 1
    return folder / f"{max(numbers, default=0) + 1:02d}-{unique}.md"


def next_order(root: Path, issue_id: str, section: str) -> int:
    """排序 of a new article: after the section's articles in the issue."""
    return sum(1 for a in _articles_of(root, issue_id) if a.section == section) + 1



def new_issue(root: Path, issue_id: str, today: date) -> Path:
    """Create content/<issue-id>/issue.yaml, numbered after the issues that exist, and return its path."""
    if not ISSUE_ID.fullmatch(issue_id):
        raise ContentError(None, None, _('issue ID {issue_id!r} must be ASCII letters, digits and -').format(issue_id=issue_id),
                           _('e.g. 2024-07 (the year and month of the issue)'))
    folder = root / "content" / issue_id
    if folder.exists():
        raise ContentError(folder, None, _('this issue already exists'), _('pick another ID, or add articles with build.py new'))
    issues = load_site(root).site.issues
    day = date_of_issue_id(issue_id) or today
    year = day.year
    number = 1 + max((i.number or 0 for i in issues if i.date.year == year), default=0)
    total = 1 + max((i.total_number or 0 for i in issues), default=0)
    folder.mkdir(parents=True)
    path = folder / "issue.yaml"
    path.write_text(ISSUE_TEMPLATE.format(title=f"{year}年第{number}期", number=number, total=total,
                                          today=day.isoformat()), encoding="utf-8")
    return path


def date_of_issue_id(issue_id: str) -> date | None:
    """2024-07 -> 2024-07-01, 2024-07-15 -> that day; None when the ID names no month."""
    m = re.fullmatch(r"(\d{4})[-_]?(\d{1,2})(?:[-_]?(\d{1,2}))?(?:[-_].*)?", issue_id)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None


def issue_date(meta_path: Path) -> date:
    """The date written in an issue.yaml: an article's default date is its issue's."""
    raw = parse_yaml(tidy_yaml(read_text(meta_path), frozenset(ISSUE_KEYS)), meta_path)
    value = next((v for k, v in (raw or {}).items() if ISSUE_KEYS.get(str(k).strip()) == "date"), None) \
        if isinstance(raw, dict) else None
    if value in (None, ""):
        raise ContentError(meta_path, None, _('issue.yaml needs `date`'), _('e.g. 日期: 2024-07-01'))
    return parse_date(value, meta_path, None)


def _articles_of(root: Path, issue_id: str):
    try:
        issues = load_site(root, drafts=True).site.issues   # (drafts take their place in the order too)
    except (ContentError, ContentErrors):   # another file is broken: still make the new one
        return ()
    issue = next((i for i in issues if i.id == issue_id), None)
    return issue.articles if issue else ()


def _short_slug(title: str) -> str:
    slug = slugify(title)
    if len(slug) <= MAX_SLUG:
        return slug
    return slug[:MAX_SLUG].rsplit("-", 1)[0]


def yaml_text(text: str) -> str:
    """Quote a title when YAML would otherwise misread it (a colon, a # or a leading symbol)."""
    if re.search(r": |#|^[\[\]{}>|*&!%@`'\"-]", text) or text.lower() in {"true", "false", "yes", "no", "null"}:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text
