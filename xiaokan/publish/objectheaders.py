"""What object storage is told about each file of output/: its Content-Type, its Cache-Control, and
when it is uploaded.

Content-Type: pages are `text/html; charset=utf-8` (a CDN or browser that guesses reads GBK), the feed
and the sitemap `application/xml`, every text type with its charset (the search index's JSON too).

Cache-Control: site.yaml's `cache:` rules first, in their order, then these defaults (the first
pattern that matches wins, as `hugo deploy`'s matchers do; `*` matches any characters, `/` included):
pages, feeds and the search index's directory short (5 minutes: an edit or a rollback reaches readers
soon), the search index's shards (named by their content) and the versioned vendor scripts a year and
immutable (a new shard is a new name), everything else (photos, PDFs, site.css, which keep their names when they change) a day.

Order: what pages use goes first, the pages after it, the home page last, so that a reader who
opens a page in the middle of a deploy never gets one whose photos, styles or search index are not
there yet; deletions come after all of it (s3deploy.py).
"""
from __future__ import annotations

import mimetypes
from fnmatch import fnmatchcase
from posixpath import splitext

from ..core.urls import SEARCH_DATA, SEARCH_DIRECTORY

PAGE = "public, max-age=300"
ASSET = "public, max-age=86400"
IMMUTABLE = "public, max-age=31536000, immutable"
DEFAULT_RULES: tuple[tuple[str, str], ...] = (
    (SEARCH_DIRECTORY, PAGE), (SEARCH_DATA + "*", IMMUTABLE),
    ("assets/vendor/*", IMMUTABLE),          # (each named with its version: qrcode-generator-2.0.4.js)
    ("*.html", PAGE), ("*.xml", PAGE), ("*.txt", PAGE), ("*.json", PAGE),
    ("*", ASSET),
)
TYPES = {
    ".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8", ".md": "text/markdown; charset=utf-8", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".ico": "image/x-icon", ".pdf": "application/pdf", ".woff2": "font/woff2",
    ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf", ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json", ".mp4": "video/mp4", ".mp3": "audio/mpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".zip": "application/zip",
}
# Files that name others (a page's styles and scripts, the search index's entry): after what they name.
_REFERRING = frozenset({".css", ".js", ".mjs", ".json", ".webmanifest"})
_PAGES = frozenset({".html", ".htm"})
_INDEXES = frozenset({".xml", ".txt"})     # feed.xml, sitemap.xml, robots.txt: they list pages


def content_type(path: str) -> str:
    """The Content-Type of a file of the site, by its name."""
    ext = splitext(path)[1].lower()
    if ext in TYPES:
        return TYPES[ext]
    guessed = mimetypes.guess_type(path, strict=False)[0] or "application/octet-stream"
    return guessed + "; charset=utf-8" if guessed.startswith("text/") else guessed


def media_type(path: str) -> str:
    """The type alone (no charset) of a file of the site, by its name: also what the preview and the
    desk send, with nosniff, so that a script is never text/plain because the computer's registry says so
    (Windows takes .js's type from it, where some programs leave text/plain)."""
    return content_type(path).partition(";")[0]


def cache_control(path: str, rules: tuple[tuple[str, str], ...] = ()) -> str:
    """The Cache-Control of a file: the first of site.yaml's rules, then of the defaults, that matches."""
    for pattern, value in (*rules, *DEFAULT_RULES):
        if fnmatchcase(path, pattern):
            return value
    return ASSET


def rank(path: str) -> int:
    """When a file is uploaded: 0 photos, PDFs, fonts and the search index's data; 1 styles, scripts
    and the index's entry, which name them; 2 pages; 3 the feed, sitemap and robots.txt, which list
    pages; 4 the home page."""
    ext = splitext(path)[1].lower()
    if path == "index.html":
        return 4
    if ext in _INDEXES and "/" not in path:
        return 3
    if ext in _PAGES:
        return 2
    if path.startswith(SEARCH_DATA) and path != SEARCH_DIRECTORY:
        return 0   # (the search index's shards, before the directory that names them)
    if ext in _REFERRING:
        return 1
    return 0


def upload_order(paths) -> list[str]:
    """Paths in the order they are uploaded: by rank, and within a rank the deepest first (an article
    before the issue page that links to it)."""
    return sorted(paths, key=lambda p: (rank(p), -p.count("/"), p))


def deletion_order(paths) -> list[str]:
    """Paths in the order they are deleted, at the end: pages before what they used."""
    return sorted(paths, key=lambda p: (-rank(p), -p.count("/"), p))
