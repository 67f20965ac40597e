"""content/: read issue folders and articles into validated Issue and Article dataclasses."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.devices import is_windows_device
from ..core.errors import ContentError, ContentErrors, ContentWarning, did_you_mean, display_path
from ..core.i18n import _
from ..core.urls import RESERVED_NAMES
from .config import load_config
from .frontmatter import (
    ARTICLE_KEYS,
    ISSUE_KEYS,
    key_namer,
    map_keys,
    optional_text,
    parse_date,
    read_article_front,
    text_list,
    text_value,
    whole_number,
    written_key,
)
from .images import ImageError, plan_image
from .issuefiles import ARTICLE_SUFFIXES, article_files, is_editor_temp_file
from .links import outside_link_error, refuse_outside_links
from .model import Article, Imprint, Issue, Site, SiteConfig, unpublished_issue_message
from .slugs import is_valid_slug, not_a_device, slug_from_filename, slugify, title_slug
from .yamlerrors import not_settings
from .yamlfile import key_lines, parse_flag, parse_yaml, read_text, text_problem, tidy_yaml

ISSUE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
@dataclass
class LoadResult:
    site: Site
    warnings: list[ContentWarning] = field(default_factory=list)
    problems: list[ContentError] = field(default_factory=list)   # files left out of site (read_site)


def load_site(root: Path, memo: dict | None = None, drafts: bool = False) -> LoadResult:
    """site.yaml + content/ -> Site. Raises ContentErrors listing every problem found.
    memo (kept by the build cache) holds articles read before, reused while their file is unchanged.
    With drafts (the preview, proofs), draft articles and issues are read too, marked as drafts."""
    loaded = read_site(root, memo, drafts)
    if loaded.problems:
        raise ContentErrors(loaded.problems)
    return loaded


def read_site(root: Path, memo: dict | None = None, drafts: bool = False, today: date | None = None) -> LoadResult:
    """As load_site, but an article or issue that cannot be read is left out of the site and its
    problem returned in LoadResult.problems, so that the build can go on to find the problems of every
    other article in the same pass. (site.yaml itself and a missing content/ still raise.)"""
    config = load_config(root / "site.yaml")
    content_dir = root / "content"
    if not content_dir.is_dir() and content_dir.is_symlink():
        raise ContentError(content_dir, None, _('content is a link that leads to no folder (a folder that is gone, or back to itself)'),
                           _('make content a link to the folder of the articles, or a folder of its own'))
    if not content_dir.is_dir():
        raise ContentError(content_dir, None, _('the content/ folder is missing'),
                           _('create content/<issue-id>/issue.yaml and put articles beside it'))
    errors: list[ContentError] = []
    warnings: list[ContentWarning] = []
    issues, numbered = [], []
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        outside = outside_link_error(root, folder) if folder.is_symlink() else None
        if outside is not None:   # (an issue folder linked from elsewhere: its articles would be published)
            errors.append(outside)
            continue
        try:
            issue = load_issue(folder, config, warnings, errors, {} if memo is None else memo, drafts, today)
        except ContentError as exc:
            errors.append(exc)
            continue
        if issue is not None:
            numbered.append(issue)   # (an issue without articles yet has its number too)
        if issue is not None and not issue.articles:
            warnings.append(ContentWarning(folder / "issue.yaml", None, unpublished_issue_message()))
        elif issue is not None:
            issues.append(issue)
    for stray in sorted(p for p in content_dir.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
                        and not is_editor_temp_file(p.name)):
        errors.append(ContentError(stray, None, _('articles must sit inside an issue folder'),
                                   _("move it to content/<issue-id>/, next to that issue's issue.yaml")))
    warnings += _shared_numbers(numbered)
    issues.sort(key=lambda i: (i.date, i.id), reverse=True)
    return LoadResult(Site(root=root, config=config, issues=tuple(issues)), warnings, errors)


def refuse_reserved_issue_name(folder: Path) -> None:
    """An issue folder may not take an address the site's own pages use, nor a name Windows keeps for a
    device (con, nul …: a copy of the site on a Windows PC, or a zip of it, would lose the issue)."""
    name = folder.name
    if name.lower() in RESERVED_NAMES:
        raise ContentError(folder, None, _('an issue folder may not be called {name!r}: the site has its own pages at that address').format(name=name), _('name it like 2024-06'))
    if is_windows_device(name):
        raise ContentError(folder, None, _('an issue folder may not be called {name!r}: Windows keeps that name for a device and could not copy the site').format(name=name), _('name it like 2024-06'))


def load_issue(folder: Path, config: SiteConfig, warnings: list, errors: list, memo: dict,
               drafts: bool = False, today: date | None = None) -> Issue | None:
    meta_path = folder / "issue.yaml"
    articles_paths = article_files(folder, errors)
    if not meta_path.is_file():
        if articles_paths:
            raise ContentError(folder, None, _('this issue folder has articles but no issue.yaml'),
                               _('add issue.yaml with title, number and date (see README.md)'))
        return None
    if meta_path.is_symlink():
        refuse_outside_links(folder.parent.parent, meta_path)
    if not ISSUE_ID.fullmatch(folder.name):
        raise ContentError(folder, None, _('issue folder name {name!r} must be ASCII (it becomes the URL)').format(name=folder.name),
                           _('name it like 2024-06'))
    refuse_reserved_issue_name(folder)
    text = tidy_yaml(read_text(meta_path), frozenset(ISSUE_KEYS))
    raw = parse_yaml(text, meta_path)
    lines = key_lines(text)
    if isinstance(raw, str):
        problem = not_settings(text)
        raise ContentError(meta_path, 1 + problem.index, problem.message, problem.hint)
    if not isinstance(raw, dict):
        raise ContentError(meta_path, 1, _('issue.yaml must be a list of `key: value` settings'))
    meta = map_keys(raw, ISSUE_KEYS, meta_path, lines, warnings)
    at = lambda key: lines.get(written_key(raw, ISSUE_KEYS, key))  # noqa: E731
    name = key_namer(raw, ISSUE_KEYS)
    for key in ("title", "number", "date"):
        if meta.get(key) in (None, ""):
            raise ContentError(meta_path, None, _('issue.yaml needs `{key}`').format(key=name(key)),
                               _('e.g. 标题: 2024年第2期 / 期号: 2 / 日期: 2024-06-30'))
    issue_draft = bool(parse_flag(meta.get("draft"), name("draft"), meta_path, at("draft")))
    if issue_draft and not drafts:
        return None   # an issue in preparation: not on the public site, not 最新一期
    number = whole_number(meta["number"], name("number"), meta_path, at("number"), positive=True)
    issue_date = parse_date(meta["date"], meta_path, at("date"))
    today = today or date.today()
    if issue_date > today:
        warnings.append(ContentWarning(meta_path, at("date"), _future_date(issue_date)))
    total = meta.get("total_number")
    cover = text_value(meta["cover"], name("cover"), meta_path, at("cover")) if meta.get("cover") else None
    if cover is not None:
        cover_path = (folder / cover).resolve()
        if not cover_path.is_relative_to(folder.resolve()) or not cover_path.is_file():
            raise ContentError(meta_path, at("cover"), _("cover image {cover!r} is not a file in this issue's folder").format(cover=cover),
                               _('put the picture in {name}/ and write just its name, e.g. 封面: cover.jpg').format(name=folder.name))
        try:   # (a cover that is no picture, issue.yaml for one, was published as it was)
            plan_image(folder, cover)
        except ImageError as exc:
            raise ContentError(meta_path, at("cover"), _('cover image {cover!r}: {message}').format(cover=cover, message=exc.message),
                               exc.hint) from None
    articles = []
    sections = tuple(s.name for s in config.sections)
    for path in articles_paths:
        stat = path.stat()
        stamp = (stat.st_size, stat.st_mtime_ns, issue_date, sections, drafts, today)
        known = memo.get(str(path))
        if known is not None and known[0] == stamp:
            article, article_warnings = known[1], known[2]
        else:
            article_warnings = []
            try:
                article = load_article(path, folder.name, issue_date, config, article_warnings, drafts, today)
            except ContentError as exc:
                errors.append(exc)
                continue
            memo[str(path)] = (stamp, article, article_warnings)
        warnings.extend(article_warnings)
        if article is not None:
            articles.append(article)
    _check_duplicate_slugs(articles, errors)
    # Explicit `order` first, then by file name.
    articles.sort(key=lambda a: (a.order, a.source.name))
    return Issue(
        id=folder.name,
        folder=folder,
        title=text_value(meta["title"], name("title"), meta_path, at("title")),
        number=number,
        total_number=whole_number(total, name("total_number"), meta_path, at("total_number"), positive=True) if total is not None else None,
        date=issue_date,
        editors=text_list(meta.get("editors"), name("editors"), meta_path, at("editors")),
        summary=text_value(meta.get("summary") or "", name("summary"), meta_path, at("summary")),
        cover_image=cover,
        articles=tuple(articles),
        imprint=_imprint(meta, meta_path, at, name),
        draft=issue_draft,
    )


def _imprint(meta: dict, path: Path, at, name) -> Imprint:
    """The 版记 keys of issue.yaml, each checked at its line."""
    def text(key: str) -> str:
        value = meta.get(key)
        if isinstance(value, list):
            return "、".join(text_list(value, name(key), path, at(key)))
        return text_value(value, name(key), path, at(key)) if value not in (None, "") else ""
    run = meta.get("print_run")
    printed = meta.get("printed_on")
    return Imprint(
        publisher=text("publisher"), chief_editor=text("chief_editor"),
        responsible_editor=text("responsible_editor"),
        print_run=whole_number(run if isinstance(run, (list, dict)) else str(run).removesuffix("份").strip(),
                                name("print_run"), path, at("print_run"), positive=True)
        if run not in (None, "") else None,
        printed_on=parse_date(printed, path, at("printed_on")) if printed not in (None, "") else None,
        report_to=text("report_to"), copy_to=text("copy_to"), send_to=text("send_to"), permit=text("permit"),
    )


def load_article(path: Path, issue_id: str, issue_date: date, config: SiteConfig, warnings: list,
                 drafts: bool = False, today: date | None = None) -> Article | None:
    """One Markdown file -> Article; a draft is None unless drafts are asked for. Without a date it
    takes the issue's date; a date after today is a warning (a slip of the year, or news not yet happened)."""
    front = read_article_front(read_text(path), path)
    raw, lines, body, body_line = front.raw, front.lines, front.body, front.body_line
    meta = map_keys(raw, ARTICLE_KEYS, path, lines, warnings)
    at = lambda key: lines.get(written_key(raw, ARTICLE_KEYS, key))  # noqa: E731
    name = key_namer(raw, ARTICLE_KEYS)
    draft = bool(parse_flag(meta.get("draft"), name("draft"), path, at("draft")))
    if draft and not drafts:
        return None

    for key, example in (("title", "标题: 我校召开办学定位研讨会"), ("section", "栏目: 评建动态")):
        if meta.get(key) in (None, "") or isinstance(meta[key], str) and not meta[key].strip():   # (or '   ')
            raise ContentError(path, at(key) or 1, _('`{key}` is missing from the front matter').format(key=name(key)),
                               _('add a line {example} between the --- lines').format(example=example))
    section = text_value(meta["section"], name("section"), path, at("section"))
    if config.section_named(section) is None:
        names = [s.name for s in config.sections]
        guess = did_you_mean(section, names)
        raise ContentError(path, at("section"), _('栏目 {section!r} is not a section of this site').format(section=section),
                           _('did you mean {guess}?').format(guess=guess) if guess else _('use one of: {value}').format(value='、'.join(names)))
    title = text_value(meta["title"], name("title"), path, at("title"))
    slug = _article_slug(path, meta.get("slug"), title, draft, at("slug"), warnings, name("slug"))
    if not body.strip():
        warnings.append(ContentWarning(path, body_line, _('the article has no text after the front matter')))
    article_date = parse_date(meta["date"], path, at("date")) if meta.get("date") not in (None, "") else issue_date
    if meta.get("date") not in (None, "") and article_date > (today or date.today()):
        warnings.append(ContentWarning(path, at("date"), _future_date(article_date)))
    order = meta.get("order")
    return Article(
        source=path,
        issue_id=issue_id,
        section=section,
        title=title,
        subtitle=optional_text(meta.get("subtitle"), name("subtitle"), path, at("subtitle")),
        date=article_date,
        slug=slug,
        body_md=body,
        body_line=body_line,
        source_line=optional_text(meta.get("source"), name("source"), path, at("source")),
        author="、".join(text_list(meta.get("author"), name("author"), path, at("author"))) or None,
        photographer="、".join(text_list(meta.get("photographer"), name("photographer"), path, at("photographer"))) or None,
        summary=optional_text(meta.get("summary"), name("summary"), path, at("summary")),
        order=whole_number(order, name("order"), path, at("order")) if order is not None else 10**6,
        tags=text_list(meta.get("tags"), name("tags"), path, at("tags")),
        draft=draft,
        headline=bool(parse_flag(meta.get("headline"), name("headline"), path, at("headline"))),
    )


def _article_slug(path: Path, written, title: str, draft: bool, line: int | None, warnings: list, key: str = "slug") -> str:
    """The article's address: `地址` (slug) as written; else a draft's follows its title while it is
    being prepared, and a published article's comes from its file name, which nobody changes when a
    title is corrected, so that its address (and the QR code printed with it) never moves."""
    if written is not None:
        problem = text_problem(key, written)
        if problem:
            raise ContentError(path, line, *problem)
        slug = str(written).strip()
        if not is_valid_slug(slug):
            raise ContentError(path, line, _('slug {slug!r} must be ASCII: a-z, 0-9 and -').format(slug=slug),
                               _('e.g. slug: {value}').format(value=slugify(slug) or 'my-article'))
        if is_windows_device(slug):
            warnings.append(ContentWarning(path, line, _(
                "the address {slug}/ is a name Windows keeps for a device (CON, PRN, AUX, NUL, COM1…, LPT1…): "
                "a copy or a zip of the site on a Windows PC loses this page; write e.g. 地址: {other}").format(
                    slug=slug, other=not_a_device(slug))))
        return slug
    from_name = slug_from_filename(path.stem)
    from_title = title_slug(title) if draft else ""   # (romanising every title would cost the preview 0.2 s)
    if draft and from_title and from_name != from_title:
        warnings.append(ContentWarning(path, None, _(
            "while a draft, the address follows the title ({title_slug}/); published, it comes from the file name "
            "({name_slug}/) and never changes after. To publish it at the title's address, write 地址: {title_slug} "
            "in its settings before publishing").format(title_slug=from_title, name_slug=from_name or "?"), "notice"))
    if draft and from_title:
        return from_title
    if not from_name:
        raise ContentError(path, None, _('cannot make a URL from this file name'), _('add a line slug: my-article'))
    return from_name


def _future_date(day: date) -> str:
    return _('the date {day} is later than today: a slip of the year or the month?').format(day=day.isoformat())


def _shared_numbers(issues: list[Issue]) -> list[ContentWarning]:
    """Two issues with the same 本年期号 (期号) in one year, or the same 总期号: a copy-paste slip, or an issue added
    before others (new-issue leaves their numbers to the editor). A warning at each issue.yaml's line,
    naming the other's: the pages do not depend on the numbers, the printed issue does."""
    warnings = []
    seen: dict[tuple, Issue] = {}
    for issue in sorted(issues, key=lambda i: (i.date, i.id)):
        keys = [("number", issue.date.year, issue.number)]
        if issue.total_number is not None:
            keys.append(("total_number", issue.total_number))
        for key in keys:
            other = seen.setdefault(key, issue)
            if other is issue:
                continue
            here, there = issue.folder / "issue.yaml", other.folder / "issue.yaml"
            where = f"{display_path(there)}:{_number_line(there, key[0]) or 1}"
            message = (_('本年期号 (期号) {number} of {year} is also that of {other}: two issues of one year share a '
                         'number; give each its own').format(number=issue.number, year=issue.date.year, other=where)
                       if key[0] == "number" else
                       _('总期号 {number} is also the 总期号 of {other}: give each issue its own').format(
                           number=issue.total_number, other=where))
            warnings.append(ContentWarning(here, _number_line(here, key[0]), message))
    return warnings


def _number_line(path: Path, name: str) -> int | None:
    """The line of 期号 (number) or 总期号 (total_number) in an issue.yaml, as written."""
    try:
        lines = key_lines(tidy_yaml(read_text(path), frozenset(ISSUE_KEYS)))
    except (ContentError, OSError):
        return None
    return next((line for key, line in lines.items() if ISSUE_KEYS.get(key.strip()) == name), None)


def _check_duplicate_slugs(articles: list[Article], errors: list) -> None:
    seen: dict[str, Article] = {}
    for article in articles:
        other = seen.get(article.slug)
        if other is not None:
            errors.append(ContentError(article.source, 1,
                                       _('same URL {slug!r} as {name}').format(slug=article.slug, name=other.source.name),
                                       _('give one of them a different `slug:`')))
        seen[article.slug] = article
