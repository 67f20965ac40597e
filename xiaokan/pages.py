"""Plan every page of the site: its output path, its template and its context. Pure, no I/O."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from .markup import Body, plain_text
from .model import Article, Issue, Section, Site, articles_by_section, reading_order
from .slugs import tag_slugs
from .urls import root_prefix

DESCRIPTION_CHARS = 120


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
    html: str
    description: str
    tags: tuple[tuple[str, str], ...] = ()   # (tag, its URL part)


def plan_pages(site: Site, bodies: dict[str, Body], pdf_issue_ids: frozenset[str] = frozenset()) -> list[Page]:
    """All pages of the site. bodies maps Article.url to its rendered body."""
    slugs = tag_slugs({t for a in site.articles for t in a.tags})
    views = {a.url: _view(a, bodies[a.url].html, slugs) for a in site.articles}
    sections = site.config.sections
    pages = [_home(site, views)]
    for issue in site.issues:
        pages.append(_issue_page(site, issue, views, issue.id in pdf_issue_ids))
        ordered = reading_order(issue, sections)
        for i, article in enumerate(ordered):
            prev = ordered[i - 1] if i > 0 else None
            nxt = ordered[i + 1] if i + 1 < len(ordered) else None
            pages.append(_page(f"{article.url}index.html", "article.html", views[article.url].description,
                               article.title, view=views[article.url], issue=issue,
                               section=site.config.section_named(article.section),
                               prev=prev, next=nxt, og_type="article"))
    pages.append(_page("issues/index.html", "archive.html", f"{site.config.title}往期目录", "往期",
                       issues=site.issues))
    newest_first = newest_articles(site)
    for section in sections:
        members = [a for a in newest_first if a.section == section.name]
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
                       robots="noindex", filter_sections=tuple(s.name for s in site.config.sections),
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


def _view(article: Article, html: str, slugs: dict[str, str]) -> ArticleView:
    # The opening words are enough: stripping tags from the whole body costs more than the page.
    text = article.summary or plain_text(html[:4000])
    if len(text) <= DESCRIPTION_CHARS and not article.summary:
        text = plain_text(html)
    description = text if len(text) <= DESCRIPTION_CHARS else text[:DESCRIPTION_CHARS] + "……"
    return ArticleView(article, html, description, tuple((t, slugs[t]) for t in article.tags))


def _page(path: str, template: str, description: str, title: str, **context) -> Page:
    context.update(page_title=title, description=description, root=root_prefix(path),
                   url=path.removesuffix("index.html"))
    return Page(path, template, context)


def _home(site: Site, views: dict[str, ArticleView]) -> Page:
    latest = site.issues[0] if site.issues else None
    groups = _groups(latest, site.config.sections, views) if latest else []
    return _page("index.html", "home.html", site.config.description or site.config.title, "",
                 issue=latest, groups=groups, earlier=site.issues[1:])


def _issue_page(site: Site, issue: Issue, views: dict[str, ArticleView], has_pdf: bool) -> Page:
    description = issue.summary or f"{site.config.title} {issue.title}目录"
    return _page(f"{issue.url}index.html", "issue.html", description, issue.title, issue=issue,
                 groups=_groups(issue, site.config.sections, views),
                 pdf=f"{issue.pdf_name}" if has_pdf else None)


def _groups(issue: Issue, sections: tuple[Section, ...], views: dict[str, ArticleView]):
    return [(section, [views[a.url] for a in members]) for section, members in articles_by_section(issue, sections)]


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
