"""Plan every page of the site: its output path, its template and its context. Pure, no I/O."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Callable

from ..core.urls import root_prefix
from ..source.markup import Body
from ..source.model import Article, Issue, Section, Site, articles_by_section, lead_article, reading_order
from ..source.slugs import tag_slugs
from .cards import card_path
from .edition import Edition
from .reading import TOC_MIN_HEADINGS, Heading, Reading, RelatedArticles, reading_of


@dataclass(frozen=True)
class Page:
    path: str                 # output file, relative to output/: "2024-06/foo/index.html"
    template: str
    context: dict = field(hash=False)

    @property
    def url(self) -> str:
        """The page's URL path relative to the site root: "2024-06/foo/"."""
        return self.path.removesuffix("index.html")


@dataclass(frozen=True)
class ArticleView:
    """An article as templates see it: the model plus its rendered body and derived text."""
    article: Article
    html: str                 # the body, its headings anchored
    description: str          # the summary: the editor's, or the opening cut at a sentence end
    issue_title: str
    tags: tuple[tuple[str, str], ...] = ()   # (tag, its URL part)
    headings: tuple[Heading, ...] = ()
    minutes: int = 1          # reading time
    photo: str = ""           # the body's first <img> tag (site-root links, for rebase)

    @property
    def toc(self) -> tuple[Heading, ...]:
        """The table of contents: only for an article with enough headings, tables and charts to need one."""
        return self.headings if len(self.headings) >= TOC_MIN_HEADINGS else ()


@dataclass(frozen=True)
class IssuePrint:
    """What the site shows of an issue's print edition."""
    pdf: str | None             # the PDF's file name on the site (None: kept for the print office)
    pages: int
    size: int                   # bytes
    edition: Edition | None     # 数字报


def plan_pages(site: Site, bodies: dict[str, Body], prints: dict[str, IssuePrint] | None = None,
               cards: frozenset[str] = frozenset(), read: Callable[[str], Reading] = reading_of) -> list[Page]:
    """All pages of the site. bodies maps Article.url to its rendered body; prints, an issue's id to
    its print edition (when one was made); cards, the output paths of the social cards there are;
    read gives a body's Reading (the build's cache keeps them from build to build)."""
    prints = prints or {}

    def card(url: str) -> str | None:
        return card_path(url) if card_path(url) in cards else None

    slugs = tag_slugs({t for a in site.articles for t in a.tags})
    views = {a.url: _view(a, issue.title, read(bodies[a.url].html), slugs) for issue in site.issues for a in issue.articles}
    sections = site.config.sections
    related = RelatedArticles(site.articles)
    pages = [_home(site, views, prints, card)]
    for issue in site.issues:
        pages.append(_issue_page(site, issue, views, prints.get(issue.id), card(issue.url)))
        edition = prints[issue.id].edition if issue.id in prints else None
        if edition:
            pages += _edition_pages(issue, edition, views, card(issue.url))
        ordered = reading_order(issue, sections)
        for i, article in enumerate(ordered):
            prev = ordered[i - 1] if i > 0 else None
            nxt = ordered[i + 1] if i + 1 < len(ordered) else None
            printed_on = edition.page_of(article.slug) if edition else None   # (its page in the 数字报)
            pages.append(_page(f"{article.url}index.html", "article.html", views[article.url].description,
                               article.title, view=views[article.url], issue=issue,
                               section=site.config.section_named(article.section),
                               prev=prev, next=nxt, og_type="article", card=card(article.url) or card(issue.url),
                               related=[views[a.url] for a in related.of(article)],
                               edition_link=edition.url(printed_on) if printed_on else None,
                               edition_number=printed_on))
    pages.append(_page("issues/index.html", "archive.html", f"{site.config.title}往期目录", "往期",
                       issues=site.issues))
    newest_first = newest_articles(site)
    by_date = sorted(newest_first, key=lambda a: a.date, reverse=True)   # (stable: reading order within a day)
    for section in sections:
        members = [a for a in by_date if a.section == section.name]
        pages += _paginated(f"sections/{section.slug}/", "section.html", members, site.config.per_page,
                            section.name, section.description or f"{site.config.title}「{section.name}」栏目",
                            views, section=section)
    tags = tag_index(site, slugs)
    pages.append(_page("tags/index.html", "tags.html", f"{site.config.title}的全部标签", "标签", tags=tags))
    for tag in tags:
        members = [a for a in newest_first if tag.name in a.tags]
        pages += _paginated(f"tags/{tag.slug}/", "tag.html", members, site.config.per_page,
                            f"标签：{tag.name}", f"标记为「{tag.name}」的文章", views, tag=tag)
    pages.append(_page("search/index.html", "search.html", f"搜索{site.config.title}的全部文章", "搜索",
                       robots="noindex",
                       filter_sections=tuple(s.name for s in site.config.sections),
                       filter_years=tuple(sorted({str(a.date.year) for a in site.articles}, reverse=True))))
    # Served for any missing address, at any depth: its links must not depend on where it is shown.
    not_found = _page("404.html", "404.html", "页面不存在", "页面不存在", robots="noindex")
    not_found.context["root"] = site.config.base_url
    pages.append(not_found)
    pages.append(_page("feed.xml", "feed.xml", "", "", entries=[views[a.url] for a in newest_first[: site.config.feed_size]],
                       updated=max((a.date for a in newest_first[: site.config.feed_size]), default=date(1970, 1, 1))))
    pages.append(_page("sitemap.xml", "sitemap.xml", "", "", urls=_sitemap_urls(site, pages)))
    pages.append(_page("robots.txt", "robots.txt", "", ""))
    return pages


@dataclass(frozen=True)
class Tag:
    name: str
    slug: str
    count: int


def tag_index(site: Site, slugs: dict[str, str]) -> list[Tag]:
    """Every tag with its ASCII slug and how many articles carry it, most used first."""
    counts: dict[str, int] = {}
    for article in site.articles:
        for tag in article.tags:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted((Tag(name, slugs[name], n) for name, n in counts.items()), key=lambda t: (-t.count, t.slug))


def newest_articles(site: Site) -> list[Article]:
    """All articles, newest issue first and in reading order inside an issue."""
    return [a for issue in site.issues for a in reading_order(issue, site.config.sections)]


def _view(article: Article, issue_title: str, reading: Reading, slugs: dict[str, str]) -> ArticleView:
    return _reading_view(article, issue_title, reading, tuple((t, slugs[t]) for t in article.tags))


@lru_cache(maxsize=20000)
def _reading_view(article: Article, issue_title: str, reading: Reading, tags: tuple) -> ArticleView:
    """(Remembered across the builds of one process: the live preview plans every page on each save,
    and an unchanged article's view stays the same object, whose fingerprint is then known.)"""
    return ArticleView(article, reading.html, article.summary or reading.summary, issue_title, tags,
                       reading.headings, reading.minutes, reading.photo)


def _page(path: str, template: str, description: str, title: str, **context) -> Page:
    context.update(page_title=title, description=description, root=root_prefix(path),
                   url=path.removesuffix("index.html"))
    return Page(path, template, context)


def _home(site: Site, views: dict[str, ArticleView], prints: dict[str, IssuePrint], card) -> Page:
    latest = site.issues[0] if site.issues else None
    lead = views[lead_article(latest, site.config.sections).url] if latest and latest.articles else None
    groups = _groups(latest, site.config.sections, views, lead) if latest else []
    earlier = [(issue, _cover(issue, prints.get(issue.id))) for issue in site.issues[1:7]]
    return _page("index.html", "home.html", site.config.description or site.config.title, "",
                 issue=latest, groups=groups, lead=lead, earlier=earlier, more=len(site.issues) > 7,
                 print=prints.get(latest.id) if latest else None, card=card(latest.url) if latest else None)


def _issue_page(site: Site, issue: Issue, views: dict[str, ArticleView], issue_print: IssuePrint | None,
                card: str | None) -> Page:
    description = issue.summary or f"{site.config.title} {issue.title}目录"
    lead = views[lead_article(issue, site.config.sections).url] if issue.articles else None
    return _page(f"{issue.url}index.html", "issue.html", description, issue.title, issue=issue, lead=lead,
                 groups=_groups(issue, site.config.sections, views, lead), print=issue_print, card=card,
                 cover=_cover(issue, issue_print))


def _cover(issue: Issue, issue_print: IssuePrint | None) -> str | None:
    """The picture that stands for an issue: its cover photo, else the first page of its 数字报."""
    if issue.cover_image:
        return f"{issue.url}{issue.cover_image}"
    if issue_print and issue_print.edition:
        return issue_print.edition.pages[0].images[0][1]
    return None


def _edition_pages(issue: Issue, edition: Edition, views: dict[str, ArticleView], card: str | None) -> list[Page]:
    articles = {a.slug: views[a.url] for a in issue.articles}
    pages = []
    for page in edition.pages:
        number = page.number
        pages.append(_page(f"{edition.url(number)}index.html", "edition.html",
                           f"{issue.title}数字报第{number}版", f"{issue.title} 数字报 第{number}版",
                           issue=issue, edition=edition, edition_page=page, articles=articles,
                           prev_url=edition.url(number - 1) if number > 1 else None,
                           next_url=edition.url(number + 1) if number < len(edition.pages) else None,
                           page_urls=[edition.url(p.number) for p in edition.pages], card=card))
    return pages


def _groups(issue: Issue, sections: tuple[Section, ...], views: dict[str, ArticleView], lead: ArticleView | None):
    """Each 栏目 with its articles but the lead, which the cover block shows: a 栏目 whose only article
    is the lead is left out (it would stand as an empty heading)."""
    groups = [(section, [views[a.url] for a in members if lead is None or a.url != lead.article.url])
              for section, members in articles_by_section(issue, sections)]
    return [(section, entries) for section, entries in groups if entries]


def _paginated(base: str, template: str, articles: list[Article], per_page: int, title: str, description: str,
               views: dict[str, ArticleView], **context) -> list[Page]:
    """Pages of per_page articles: base/index.html, base/page/2/index.html, …"""
    total = max(1, math.ceil(len(articles) / per_page))
    pages = []
    for n in range(1, total + 1):
        path = f"{base}index.html" if n == 1 else f"{base}page/{n}/index.html"
        chunk = [views[a.url] for a in articles[(n - 1) * per_page: n * per_page]]
        page_title = title if n == 1 else f"{title}（第{n}页）"
        pages.append(_page(path, template, description, page_title, entries=chunk, page_number=n, page_count=total,
                           base=base, **context))
    return pages


def _sitemap_urls(site: Site, pages: list[Page]) -> list[tuple[str, date | None]]:
    lastmod = {a.url: a.date for a in site.articles} | {i.url: i.date for i in site.issues}
    return [(p.url, lastmod.get(p.url)) for p in pages if p.path.endswith(".html") and p.path != "404.html"]
