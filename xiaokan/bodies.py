"""Article bodies, the build's convert step: every article's Markdown as HTML (from the cache when
its text is unchanged, converted in parallel otherwise), the smaller copies of its photos, the files
of content/ that published articles use, and what would break a page (the same verdict for check,
build and serve)."""
from __future__ import annotations

import hashlib
import os
import posixpath
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from .cache import BuildCache
from .core.errors import ContentError, ContentErrors, ContentWarning
from .core.parallel import map_indices
from .core.urls import source_path
from .source.attrlines import loose_attribute_warnings
from .source.headings import title_headings
from .source.images import copy_path, make_copy
from .source.issuefiles import name_error
from .source.links import CONTENT_HOMES, refuse_outside_links
from .source.markup import Body, BodyError, render_markdown
from .source.model import Article, Site
from .source.placeholder import placeholder_warnings
from .source.references import reference_problems
from .source.svgsafe import clean_svg_copy


def convert_articles(site: Site, cache: BuildCache | None = None) -> dict[str, Body]:
    """Article.url -> its body, rendered once (links from the site root, see urls.rebase). Raises
    ContentErrors naming every table and chart that could not be made."""
    bodies, problems = convert_bodies(site, cache)
    if problems:
        raise ContentErrors(problems)
    return bodies


def convert_bodies(site: Site, cache: BuildCache | None = None,
                   articles: tuple[Article, ...] | None = None) -> tuple[dict[str, Body], list[ContentError]]:
    """Article.url -> its body for the site's articles (or those given), and the problems of the tables
    and charts that could not be made: their article's body leaves them out, so that its other problems
    are still found, and is not kept in the cache."""
    by_source = {_normal(a.source): a for a in site.articles}
    trust = site.config.trust_html
    bodies: dict[str, Body] = {}
    missing: list[tuple[Article, str]] = []
    articles = site.articles if articles is None else articles
    for article in articles:
        key = _body_key(trust, article.source.parent.name, article.body_md)
        body = cache.body(key, article_link_resolver(article, by_source), article.source.parent) if cache else None
        if body is None:
            missing.append((article, key))
        else:
            bodies[article.url] = body

    def convert(i: int) -> tuple[Body, list[ContentError]]:
        article = missing[i][0]
        try:
            return render_markdown(article.body_md, trust, article_link_resolver(article, by_source),
                                   article.source.parent), []
        except BodyError as e:
            return e.body, [ContentError(article.source, article.body_line + p.index, p.message, p.hint)
                            for p in e.problems]

    problems: list[ContentError] = []
    for (article, key), (body, found) in zip(missing, map_indices(convert, len(missing))):
        bodies[article.url] = body
        problems += found
        if cache and not found:
            cache.store_body(key, body)
    return {a.url: bodies[a.url] for a in articles}, problems


@lru_cache(maxsize=50_000)
def _body_key(trust: bool, folder: str, body_md: str) -> str:
    """(Remembered: the live preview converts on every save, and hashing every unchanged article's
    text again cost 10 ms at 1,000 articles; an unchanged article keeps the same text object.)"""
    return hashlib.sha256(f"{trust}\0{folder}\0{body_md}".encode()).hexdigest()


def resized_images(site: Site, bodies: dict[str, Body], cache_dir: Path) -> dict[str, Path]:
    """output path -> smaller copy of a photo, for the srcset the article pages offer (made in parallel, cached)."""
    copies: dict[str, Path] = {}
    missing: dict[Path, tuple[Path, int]] = {}
    for article in site.articles:
        for src, width, rel in bodies[article.url].resized:   # (as planned when the Markdown was converted)
            source = article.source.parent / src
            cached = copies[posixpath.normpath(f"{article.issue_id}/{rel}")] = copy_path(source, width, cache_dir)
            if not cached.is_file():
                missing[cached] = (source, width)
    # Resizing a photo takes ~0.1 s: worth a process pool from a handful of new photos on.
    targets = list(missing)
    map_indices(lambda i: make_copy(*missing[targets[i]], targets[i]), len(targets), min_batch=4)
    return copies


def _normal(path: Path) -> str:
    """An absolute, normalised path without touching the disk (Path.resolve() costs system calls)."""
    return os.path.normpath(os.path.abspath(path))


def article_link_resolver(article: Article, by_source: dict[str, Article]):
    """href of a link to another article's .md file -> that article's page URL (`2024-06/foo/`)."""
    def resolve(href: str) -> str | None:
        path, _, fragment = href.partition("#")
        target = by_source.get(_normal(article.source.parent / unquote(path)))
        if target is None:
            return None
        return target.url
    return resolve


def content_problems(site: Site, bodies: dict[str, Body], unreadable: frozenset[Path] = frozenset(),
                     articles: tuple[Article, ...] | None = None) -> list[ContentError]:
    """What would break a page or the print edition: the same verdict for check, build and serve.
    unreadable: files whose own problem is reported already (a link to one is not a second problem)."""
    problems = []
    for article in site.articles if articles is None else articles:
        problems += reference_problems(article, bodies[article.url], site.root, unreadable)
    return problems


def body_warnings(articles, bodies: dict[str, Body]) -> list[ContentWarning]:
    """What an article body holds that its page should not: a heading of the title's level, an attribute
    list given to nothing, the example text of a new article."""
    return [warning for article in articles for warning in
            title_headings(article, bodies[article.url]) + loose_attribute_warnings(article, bodies[article.url])
            + placeholder_warnings(article)]


def in_file_order(problems: list[ContentError]) -> list[ContentError]:
    """Problems listed file by file, line by line, as an editor goes through them."""
    return sorted(problems, key=lambda p: (str(p.path or ""), p.line or 0))


def published_files(site: Site, bodies: dict[str, Body], cache_dir: Path) -> dict[str, Path]:
    """output path -> file: assets/, and exactly the files that published articles and issue.yaml use
    (photos, attachments, covers). Nothing else of content/ is published. SVG pictures are published
    as cleaned copies. (The photos' smaller copies are resized_images.)"""
    root = site.root
    files = asset_copies(root)
    for article in site.articles:
        for ref in bodies[article.url].references:
            if ref.path and not ref.path.endswith((".md", ".markdown")):
                files[ref.path] = source_path(root, ref.path)
    for issue in site.issues:
        if issue.cover_image:
            files[f"{issue.id}/{issue.cover_image}"] = issue.folder / issue.cover_image
    for path, source in files.items():
        refuse_links_outside(root, source)
        if path.lower().endswith(".svg"):
            files[path] = clean_svg_copy(source, cache_dir / "svg")
    return files


def asset_copies(root: Path) -> dict[str, Path]:
    """assets/ -> output/assets/. A link (symlink) that leads outside the project is refused: it
    would publish that file. (Files of content/ are published only when an article uses them.)"""
    copies: dict[str, Path] = {}
    top = root / "assets"
    if not top.is_dir():
        return copies
    for path in sorted(top.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(top).parts):
            continue
        wrong = name_error(path)
        if wrong is not None:
            raise wrong
        refuse_links_outside(root, path)
        copies[f"assets/{path.relative_to(top).as_posix()}"] = path
    return copies


def refuse_links_outside(root: Path, path: Path) -> None:
    """A file that leads (by a link, or a linked folder on its way) outside content/ and assets/ would
    publish that file: refused, naming it."""
    refuse_outside_links(root, path, CONTENT_HOMES)
