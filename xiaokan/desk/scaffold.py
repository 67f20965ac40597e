"""`build.py new` and `build.py new-issue`: start an article or an issue with every key an editor may need,
explained in Chinese comments (the Word import writes the same front matter)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from ..core.errors import ContentError, ContentErrors, did_you_mean
from ..core.i18n import _
from ..source.config import load_config
from ..source.content import ISSUE_ID, load_site, refuse_reserved_issue_name
from ..source.frontmatter import ARTICLE_KEYS, ISSUE_KEYS, map_keys, parse_date, read_article_front
from ..source.placeholder import PLACEHOLDER_BODY
from ..source.slugs import slug_from_filename, title_slug
from ..source.yamlfile import ZERO_WIDTH, parse_yaml, read_text, tidy_yaml
from .numbering import numbers_for

# The comments say, in the editor's language, what each key is for; `new` and `import` write the same.
_ARTICLE_COMMENTS = {
    "日期": "空着就用本期的日期（issue.yaml 里的 日期）；这篇另有日期就写上，如 2024-07-05",
    "来源": "信息来源，如 重庆市人民政府网 2024年6月22日；本校自己的稿件可以空着",
    "作者": "几位作者用顿号隔开，如 张三、李四",
    "摄影": "照片的摄影者，显示在作者旁边",
    "摘要": "一两句内容提要，可以空着",
    "草稿": "草稿：预览里看得到，不会发布；审校好了改成 false（或 否）才发布",
}

ISSUE_TEMPLATE = """# 本期信息。每一项都可以用中文或英文写；# 后面是说明，不影响生成。
标题: {title}
期号: {number}               # 本年期号：这一期是这一年的第几期（不是月份）
总期号: {total}             # 总第几期：创刊以来的第几期
日期: {today}      # 出版日期：不是这一天就改成实际日期；没写日期的文章都用这个日期
编辑: []              # 本期编辑，如 [张三, 李四]
摘要:                 # 本期要点，显示在目录页（可以空着）
# 封面: cover.jpg     # 封面图片，放在本文件旁边；不写就用数字报的第一页
# 草稿: true          # 本期还在准备：只在预览和校样里出现
# 版记，印在封底（都可以不写；要写就去掉行首的 # 和空格）：
# 编印单位: 某某职业技术大学评建办公室   # 不写就用 site.yaml 里的 school
# 主编: 王五
# 责任编辑: 赵六
# 印数: 300                              # 份数（写 300份 也可以）
# 印发日期: {today}                # 不写就用上面的 日期
# 报: 市教委                             # 报送的上级单位
# 送: 各二级学院                         # 抄送的单位
# 发: 全体教职工                         # 校内分发
"""


def front_matter(path: Path, title: str, section: str, order: int, fields: dict[str, str] | None = None,
                 origin: str | None = None) -> str:
    """The front matter of the article at path, every key an editor may need with its Chinese comment;
    fields holds the values known (日期, 来源, 作者, 摄影), origin a comment naming the Word file it came from."""
    fields = fields or {}
    lines = ["---", f"标题: {yaml_text(title)}", f"栏目: {yaml_text(section)}"]
    own = slug_from_filename(path.stem)
    if own != (title_slug(title) or "article"):   # (article_path numbered the name: the title's address is taken)
        lines.append(commented(f"地址: {own}", "网址：按标题起的网址已经有别的文章用了，所以用这个"))
    for name in ("日期", "来源", "作者", "摄影", "摘要"):
        value = f"{name}: {yaml_text(fields[name])}" if fields.get(name) else f"{name}:"
        lines.append(commented(value, _ARTICLE_COMMENTS[name]))
    lines += [f"排序: {order}", "标签: []", commented("草稿: true", _ARTICLE_COMMENTS["草稿"])]
    if origin:
        lines.append(origin)
    return "\n".join(lines + ["---"]) + "\n"


def commented(line: str, comment: str, column: int = 20) -> str:
    """line, then its comment at a column counted as the editor's screen shows it (a Chinese character is two wide)."""
    return line + " " * max(column - shown_width(line), 2) + "# " + comment


def shown_width(text: str) -> int:
    """The columns text takes on the editor's screen: a Chinese character is two wide."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass(frozen=True)
class NewArticle:
    path: Path                  # the new article's file
    notices: tuple[str, ...]    # what the editor should know of it (an article of the same title: same_title)


def make_article(root: Path, section: str, issue_id: str, title: str) -> NewArticle:
    """Create content/<issue>/<NN>-<slug>.md, a draft that takes its issue's date: its path, and the notice
    naming an article of the issue that has this title already."""
    folder = issue_folder(root, issue_id, section)
    title = " ".join(title.split())
    if not title:
        raise ContentError(None, None, _('the article needs a title'),
                           _('e.g. .venv/bin/python build.py new --section 评建动态 --issue 2024-06 "我校召开……"'))
    path = article_path(folder, title)
    text = front_matter(path, title, section, next_order(root, issue_id, section)) + PLACEHOLDER_BODY + "\n"
    with path.open("x", encoding="utf-8") as out:   # (never over a file that appeared meanwhile)
        out.write(text)
    return NewArticle(path, tuple(filter(None, [same_title(path, title)])))


def same_title(path: Path, title: str) -> str | None:
    """The notice for a new article at path (made by `new`, the desk or a Word import) whose title another
    article of its issue has: it is made all the same (two pieces may share a title: 简讯, 图片新闻), under a
    name of its own. The notice's first line names the other file and says the new one is a separate
    draft; the line after it (as a hint's, after →) is the advice, which the desk shows on request."""
    other = next(articles_titled(path.parent, title, besides=path), None)
    if other is None:
        return None
    return (_('an article of this issue has this title already: {existing}; this one is a separate draft').format(
        existing=other.name) + "\n    → " +
        _('if it is the same article, write in {existing} (this one is a draft: never published while it stays '
          'one); if not, give one of them another title, so that readers can tell them apart').format(existing=other.name))


def articles_titled(folder: Path, title: str, besides: Path | None = None) -> Iterator[Path]:
    """The articles of an issue's folder (but besides) with this title, as title_key compares titles;
    a file that cannot be read is passed over (check names it)."""
    wanted = title_key(title)
    for other in sorted(folder.glob("*.md")):
        if other == besides:
            continue
        try:
            front = read_article_front(read_text(other), other)
            written = map_keys(front.raw, ARTICLE_KEYS, other, front.lines, []).get("title")
        except (ContentError, OSError):
            continue
        if isinstance(written, str) and title_key(written) == wanted:
            yield other


def title_key(title: str) -> str:
    """A title as compared for "the same title": in NFKC (full-width ＡＢＣ, ２０２４, （）, ：and the
    ideographic space as their plain forms), spaces run together, case folded."""
    return " ".join(unicodedata.normalize("NFKC", title).split()).casefold()


def check_issue_id(issue_id: str) -> None:
    """An issue is named by its ID, the name of its folder in content/ (2024-07): never a path."""
    if ISSUE_ID.fullmatch(issue_id):
        return
    name = Path(issue_id.replace("\\", "/").rstrip("/")).name
    hint = (_('name the issue by its ID, e.g. --issue {name}').format(name=name) if ISSUE_ID.fullmatch(name)
            else _('e.g. 2024-07 (the year and month of the issue)'))
    raise ContentError(None, None, _('{issue_id!r} is not an issue ID: an ID is ASCII letters, digits and -, '
                                     'the name of the issue\'s folder in content/').format(issue_id=issue_id), hint)


def issue_folder(root: Path, issue_id: str, section: str) -> Path:
    """The folder of an existing issue, after checking that the section is one of the site's."""
    config = load_config(root / "site.yaml")
    names = [s.name for s in config.sections]
    if section not in names:
        guess = did_you_mean(section, names)
        raise ContentError(None, None, _('栏目 {section!r} is not a section of this site').format(section=section),
                           _('did you mean {guess}?').format(guess=guess) if guess else _('use one of: {value}').format(value='、'.join(names)))
    check_issue_id(issue_id)
    folder = root / "content" / issue_id
    if not (folder / "issue.yaml").is_file():
        existing = sorted(p.parent.name for p in (root / "content").glob("*/issue.yaml"))
        guess = did_you_mean(issue_id, existing)
        raise ContentError(folder, None, _('there is no issue {issue_id!r}').format(issue_id=issue_id),
                           _('did you mean {guess}? (to make a new issue: .venv/bin/python build.py new-issue {issue_id})').format(
                               guess=guess, issue_id=issue_id) if guess else
                           _('create it first: .venv/bin/python build.py new-issue {issue_id}').format(issue_id=issue_id))
    return folder


def article_path(folder: Path, title: str) -> Path:
    """A new article's file: numbered after the issue's files, named after its title in pinyin."""
    existing = sorted(folder.glob("*.md"))
    numbers = [int(m.group()) for p in existing if (m := re.match(r"\d+", p.stem))]
    slug = title_slug(title) or "article"
    taken = {re.sub(r"^\d+[-_ .]+", "", p.stem) for p in existing}
    unique, n = slug, 2
    while unique in taken:
        unique, n = f"{slug}-{n}", n + 1
    return folder / f"{max(numbers, default=0) + 1:02d}-{unique}.md"


def next_order(root: Path, issue_id: str, section: str) -> int:
    """排序 of a new article: after the section's articles in the issue."""
    return sum(1 for a in _articles_of(root, issue_id) if a.section == section) + 1


@dataclass(frozen=True)
class NewIssue:
    path: Path                  # its issue.yaml
    notices: tuple[str, ...]    # numbers the editor must settle (numbering.py)


def new_issue(root: Path, issue_id: str, today: date) -> Path:
    """Create content/<issue-id>/issue.yaml, numbered by its place among the issues that exist, and return its path."""
    return make_issue(root, issue_id, today).path


def make_issue(root: Path, issue_id: str, today: date) -> NewIssue:
    """As new_issue, with the notices about numbers another issue has (for the editor to settle)."""
    check_issue_id(issue_id)
    folder = root / "content" / issue_id
    refuse_reserved_issue_name(folder)   # (as loading the site would say, before the folder is made)
    if re.fullmatch(r"\d{4}-\d{1,2}(-\d{1,2})?", issue_id) and date_of_issue_id(issue_id) is None:
        raise ContentError(None, None, _('{issue_id!r} reads as a date but is none (a month 1-12, a day of that month)').format(issue_id=issue_id),
                           _('e.g. 2024-07 (the year and month of the issue)'))
    if folder.exists():
        raise ContentError(folder, None, _('this issue already exists'), _('pick another ID, or add articles with .venv/bin/python build.py new'))
    day = date_of_issue_id(issue_id) or today
    numbers = numbers_for(root, issue_id, day)
    text = ISSUE_TEMPLATE.format(title=f"{day.year}年第{numbers.number}期", number=numbers.number, total=numbers.total,
                                 today=day.isoformat())
    for key, other in (("期号", numbers.number_clash), ("总期号", numbers.total_clash)):
        if other:   # (the line says it too: the notice on the terminal may be gone when the file is opened)
            text = re.sub(rf"^({key}: \d+) +# (本年期号|总第几期)：.*$",
                          rf"\1   # 请核对：按日期排在这里是这个号，但后面的 {other} 已经用了它（\2）", text, count=1, flags=re.M)
    folder.mkdir(parents=True)
    path = folder / "issue.yaml"
    path.write_text(text, encoding="utf-8")
    return NewIssue(path, numbers.notices)


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


# A value YAML reads back as the same text when written plainly: no indicator at its start, no
# `: ` or ` #` inside, nothing YAML or tidy_yaml would change (tabs, line breaks, zero-width characters).
_PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`\\~]"
                    r"[^\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\u200b-\u200d\u2060\\\"']*")


def yaml_text(text: str, in_list: bool = False) -> str:
    """A text as a YAML value that reads back as exactly that text (as a setting's value, or an item of a
    list [a, b]): plain when the build's loader reads it back so, else in double quotes with YAML's escapes
    (so a title may hold any character)."""
    if _PLAIN.fullmatch(text) and not re.search(r":(\s|$)|\s#|\s$", text) and text not in ("null", "Null", "NULL") \
            and _reads_back(text, in_list):
        return text
    return quoted_yaml(text)


def _reads_back(plain: str, in_list: bool) -> bool:
    """(The rules above are YAML's for a value; a list's items have more: `0:?` there is no text at all.)"""
    try:
        found = parse_yaml(f"v: [{plain}]" if in_list else f"v: {plain}", Path("check.yaml"))
    except ContentError:
        return False
    return found == {"v": [plain] if in_list else plain}


def quoted_yaml(text: str) -> str:
    """text in YAML's double quotes, with its escapes: zero-width characters too (tidy_yaml drops them raw)."""
    quoted = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")
    return ZERO_WIDTH.sub(lambda m: f"\\u{ord(m.group()):04X}", quoted)
