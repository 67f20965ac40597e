"""What WeasyPrint may read while it lays out an issue: the project's own files, nothing else."""
from __future__ import annotations

from pathlib import Path


class ProjectOnlyFetcher:
    """WeasyPrint url_fetcher that serves the files the issue publishes (its photos and cover), assets/
    and templates/, and refuses everything else: nothing private of the project reaches the PDF."""

    def __init__(self, allowed_roots: list[Path], allowed_files: set[Path] = frozenset()):
        self.allowed_roots = [r.resolve() for r in allowed_roots]
        self.allowed_files = {f.resolve() for f in allowed_files}
        self.refused: list[str] = []

    def make(self):
        from urllib.parse import unquote, urlparse

        from weasyprint.urls import URLFetcher

        outer = self

        class Fetcher(URLFetcher):
            def fetch(self, url, headers=None):
                parsed = urlparse(url)
                if parsed.scheme == "data":
                    return super().fetch(url, headers)
                if parsed.scheme == "file":
                    path = Path(unquote(parsed.path)).resolve()
                    if (path in outer.allowed_files or any(root in path.parents for root in outer.allowed_roots)) \
                            and path.is_file():
                        return super().fetch(url, headers)
                outer.refused.append(url)
                raise ValueError(f"xiaokan refuses to fetch {url}")

        return Fetcher()
