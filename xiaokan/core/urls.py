"""The URL scheme, in one place: where a file of content/ or assets/ is published, and how links
inside an article body are rebased for wherever the body is shown (its page, the feed, the PDF).

An article body is rendered once. Every link it makes to a file of the site (a photo, an
attachment, another article's page) is written from the site root with ROOT_MARK in front,
`@root/2024-06/photo.jpg`, and `rebase` replaces the mark for each place the body is shown:
`../../` on the article page, the site's base_url in the feed, file or web addresses in the PDF.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable
from urllib.parse import quote, unquote

ROOT_MARK = "@root/"
_ATTRIBUTE = re.compile(r'(\s(?:href|src|srcset|poster)=")([^"]*)(")')

# Pages and folders the site itself writes at its root: an issue folder may not take these names.
# (Files the site makes inside an issue's folder are pages only, index.html, which no content file may
# be; everything else it makes lives in these folders, or in one whose name starts with _, which no
# issue's name can: an editor's photo named card.jpg is never replaced by a generated file.)
# ("pagefind" held the search index of sites built before web/search.py made its own; still refused,
# so that an issue folder never meets what an older deploy left on a server.)
RESERVED_NAMES = frozenset({"assets", "issues", "sections", "tags", "search", "pagefind", "edition", "cards", "index.html",
                            "404.html", "feed.xml", "sitemap.xml", "robots.txt", "print", "output"})
# The search index (web/search.py): its shards, named by their content, and the directory naming them.
SEARCH_DATA = "search/data/"
SEARCH_DIRECTORY = SEARCH_DATA + "directory.json"


# Addresses reserved for examples (RFC 2606) and this computer: a site there is not yet published.
_PLACEHOLDER_HOST = re.compile(r"(^|\.)(example(\.(com|org|net|edu|cn|edu\.cn))?|test|invalid|localhost)$|^127\.", re.I)


def is_placeholder(url: str) -> bool:
    """Whether base_url is still an example address (www.example.edu.cn): nothing printed may point there."""
    from urllib.parse import urlparse

    return bool(_PLACEHOLDER_HOST.search(urlparse(url).hostname or ""))


def root_prefix(page_path: str) -> str:
    """`2024-06/foo/index.html` -> `../../`: from a page back to the site root."""
    return "../" * page_path.count("/")


def published_path(root: Path, folder: Path, reference: str) -> str | None:
    """The output path of a file an article in `folder` refers to (`photo.jpg`, `../2024-05/a.pdf`,
    `../../assets/logo.png`): files of an issue folder are published in that issue's folder, files of
    assets/ in assets/. None for anything else (outside content/ and assets/, or a folder)."""
    target = os.path.normpath(os.path.join(folder, unquote(reference)))
    for top, prefix in ((os.path.join(root, "content"), ""), (os.path.join(root, "assets"), "assets/")):
        rel = os.path.relpath(target, top)
        if rel == "." or rel.startswith("..") or os.path.isabs(rel):
            continue
        rel = rel.replace(os.sep, "/")
        if prefix == "" and "/" not in rel:   # a file directly in content/ belongs to no issue
            return None
        return prefix + rel
    return None


def marked(path: str, fragment: str = "") -> str:
    """A site-root link as written into a body: `@root/2024-06/%E5%9B%BE.jpg#x`."""
    return ROOT_MARK + quote(path) + (f"#{fragment}" if fragment else "")


def rebase(html: str, prefix: str | Callable[[str, str], str]) -> str:
    """Replace ROOT_MARK in link attributes by prefix (`../../`, `https://site/`), or by what
    prefix(attribute, path) returns for each marked link (the PDF's own addresses)."""
    if ROOT_MARK not in html:
        return html

    def one(match: re.Match) -> str:
        attribute = match.group(1).strip()[:-2]
        value = match.group(2)
        if ROOT_MARK not in value:
            return match.group(0)
        if callable(prefix) and attribute in ("href", "src"):
            new = prefix(attribute, value[len(ROOT_MARK):]) if value.startswith(ROOT_MARK) else value
        else:
            base = prefix if isinstance(prefix, str) else ""
            new = value.replace(ROOT_MARK, base)
        return match.group(1) + new + match.group(3)

    return _ATTRIBUTE.sub(one, html)


def absolute(base_url: str, path: str) -> str:
    """A site path as a full web address."""
    return base_url + path.lstrip("/")


def source_path(root: Path, path: str) -> Path:
    """The file of the project published at this output path (the inverse of published_path)."""
    if path.startswith("assets/"):
        return root / "assets" / path.removeprefix("assets/")
    return root / "content" / path
