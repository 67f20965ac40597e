"""Full-text search for a static host: Pagefind indexes of the article pages, one per issue.

Only the article pages are indexed, and within them only the element marked data-pagefind-body
(title and body, not navigation). Each issue has its own index (a Pagefind bundle), kept in
.cache/build/pagefind/<issue>/ and made again only when one of its article pages changed, so an edit
re-indexes one issue, not the archive. The newest issue's bundle is published as output/pagefind/,
the others as output/pagefind/issues/<issue>/; the search page loads the first and merges the others
in the browser (Pagefind's mergeIndex), so a search covers the whole archive.
"""
from __future__ import annotations

import hashlib
import json
import queue
import re
import shutil
import threading
from html import unescape
from pathlib import Path
from typing import Callable, Iterable

from ..core.han import HAN_RUN
from .pagefind import PagefindService
from .reading import without_footnote_marks

INDEX_DIR = "pagefind"
ISSUES_DIR = "issues"      # output/pagefind/issues/<issue>/: the older issues' bundles
INDEX_FORMAT = "5"   # how pages are given to Pagefind (for_index): a new format re-indexes
# What the search page needs of a bundle; Pagefind's own UI files are not used. A merged bundle is
# searched with the main bundle's program (wasm), so it needs only its index.
_INDEX_FILES = ("pagefind-entry.json", ".pf_meta", "index/", "fragment/", "filter/")
_PROGRAM_FILES = ("pagefind.js", "pagefind-worker.js", ".pagefind")


def search_key(pages: dict[str, str]) -> str:
    """page path -> fingerprint of its content: equal keys mean an equal index."""
    digest = hashlib.sha256(INDEX_FORMAT.encode())
    for path in sorted(pages):
        digest.update(f"{path}\0{pages[path]}\n".encode())
    return digest.hexdigest()


def bundle_url(issue_id: str, newest: bool) -> str:
    """Where an issue's bundle is published, from the site root."""
    return f"{INDEX_DIR}/" if newest else f"{INDEX_DIR}/{ISSUES_DIR}/{issue_id}/"


class IssueIndexes:
    """The search indexes of the article pages, one per issue, made while the build renders: an issue
    goes to Pagefind as soon as the key of each of its article pages is known (page()), so that Pagefind
    indexes the first issues while the later ones render. Use it in a `with`; finish() waits for the
    indexes and returns them (output path -> file, for output/pagefind/).

    issues: issue id (newest first) -> its article pages' paths; page_copy gives a page as Pagefind
    reads it (for_index) when it was not rendered now (asked only for issues to index again). With
    refresh False nothing is indexed: the last index of each issue is published as it is, even if
    stale, or none (the preview does not wait)."""

    def __init__(self, cache_dir: Path, issues: dict[str, Iterable[str]], page_copy: Callable[[str], str],
                 language: str, refresh: bool = True):
        self.root = cache_dir / INDEX_DIR
        self.issues = list(issues)
        self._waiting = {issue_id: set(paths) for issue_id, paths in issues.items()} if refresh else {}
        self._keys: dict[str, dict[str, str]] = {issue_id: {} for issue_id in self._waiting}
        self._copies: dict[str, str] = {}
        self._page_copy = page_copy
        self._language = language.split("-")[0].lower()
        self._todo: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._failures: list[BaseException] = []
        self._ready: list[tuple[str, str, dict[str, str | None]]] = []
        self._started = False

    def __enter__(self) -> IssueIndexes:
        return self

    def __exit__(self, *exc) -> None:   # (after finish(), nothing is left; after a failure, stop at once)
        while True:
            try:
                self._todo.get_nowait()
            except queue.Empty:
                break
        self._stop()

    def start(self) -> None:
        """From now on, an issue whose keys are all known is indexed at once (before: only queued; the
        build forks its render workers first, never while Pagefind's threads run)."""
        self._started = True
        for item in self._ready:
            self._index(*item)
        self._ready.clear()

    def page(self, path: str, key: str, copy: str | None = None) -> None:
        """An article page's key (a fingerprint of its content), and its copy for Pagefind if it was
        rendered now."""
        issue_id = path.split("/", 1)[0]
        waiting = self._waiting.get(issue_id)
        if waiting is None or path not in waiting:
            return
        waiting.discard(path)
        self._keys[issue_id][path] = key
        if copy is not None:
            self._copies[path] = copy
        if waiting:
            return
        pages = self._keys[issue_id]
        key = search_key(pages)
        # (in one order, whatever order the build met the pages in: Pagefind numbers them as given,
        # and a rebuild that kept some pages must give a clean build's bytes)
        copies = {path: self._copies.pop(path, None) for path in sorted(pages)}
        if _intact_key(self.root / issue_id) == key:
            return
        if self._started:
            self._index(issue_id, key, copies)
        else:
            self._ready.append((issue_id, key, copies))

    def _index(self, issue_id: str, key: str, copies: dict[str, str | None]) -> None:
        from ..core.parallel import workers

        self._todo.put((issue_id, key, copies))
        if len(self._threads) < workers():   # one Pagefind process per core, each taking the next issue
            thread = threading.Thread(target=self._serve, daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self) -> None:
        try:
            with PagefindService(self._language) as service:
                while (item := self._todo.get()) is not None:
                    issue_id, key, copies = item
                    pages = {path: copy if copy is not None else self._page_copy(path) for path, copy in copies.items()}
                    _index_issue(self.root / issue_id, key, pages, service)
        except BaseException as exc:   # noqa: BLE001 — handed to the build by finish()
            self._failures.append(exc)

    def _stop(self) -> None:
        for _thread in self._threads:
            self._todo.put(None)
        for thread in self._threads:
            thread.join()
        self._threads.clear()

    def finish(self) -> dict[str, Path]:
        """Wait for the indexes; raise the first failure of Pagefind."""
        self.start()
        self._stop()
        if self._failures:
            raise self._failures[0]
        for folder in self.root.iterdir() if self.root.is_dir() else ():
            if folder.name not in self.issues:   # an issue deleted or renamed (or the single index of before)
                shutil.rmtree(folder, ignore_errors=True) if folder.is_dir() else folder.unlink(missing_ok=True)
        files: dict[str, Path] = {}
        for n, issue_id in enumerate(self.issues):
            # (a full build checked every file of each index, or made it anew; the preview trusts the seal)
            for rel in _sealed_files(self.root / issue_id):
                if _published(rel, program=n == 0):
                    files[bundle_url(issue_id, n == 0) + rel] = self.root / issue_id / rel
        return files


def _index_issue(folder: Path, key: str, pages: dict[str, str], service: PagefindService) -> None:
    staging = folder.with_name(folder.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    for rel, data in service.bundle(pages).items():
        if _published(rel, program=True):   # (Pagefind's own UI files are never published)
            _write_kept(folder / rel, staging / INDEX_DIR / rel, data)
    _seal(staging / INDEX_DIR, key)
    shutil.rmtree(folder, ignore_errors=True)
    (staging / INDEX_DIR).rename(folder)
    shutil.rmtree(staging, ignore_errors=True)


def _published(rel: str, program: bool) -> bool:
    """Whether a bundle's file is published: its index, and for the newest issue Pagefind's program."""
    wanted = _INDEX_FILES + (_PROGRAM_FILES if program else ())
    return any(rel.startswith(w) or rel.endswith(w) for w in wanted)


def _write_kept(before: Path, path: Path, data: bytes) -> None:
    """Write a new index's file; one with the same bytes as before is the old file moved, so that it keeps
    its modification time and output/ (and a deploy by rsync) sees only what changed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if before.stat().st_size == len(data) and before.read_bytes() == data:
            before.replace(path)
            return
    except OSError:
        pass
    path.write_bytes(data)


# Pagefind segments Chinese with jieba when it indexes and with the browser's Intl.Segmenter when it
# searches, and the two disagree (教育部 found 1 of the 6 articles that say it). So the index is made
# of single characters: the copy of each page given to Pagefind has a space between every Chinese
# character (and between Chinese and Latin), and the search page asks for the query's characters as
# an exact phrase. Every article containing the query is found; nothing else is.
# Tags, and the elements whose text is not split: the date (a meta) and code.
_MARKUP = re.compile(r"(<(?:time|script|style)\b.*?</(?:time|script|style)>|<[^>]*>)", re.S)


def _spaced(run: re.Match) -> str:
    return " " + " ".join(run.group()) + " "


def for_index(html: str, path: str) -> str:
    """The page at `path` as Pagefind indexes it: its data-pagefind-body element alone (nothing else
    is indexed) without footnote numbers, that element's text split into characters; its title, shown
    in results, kept as written (data-pagefind-meta), and weighted highest so that an article whose
    title holds the query ranks above those that only mention it; its address as a `url` meta."""
    start = html.find("data-pagefind-body")
    if start < 0:
        return html
    opened = html.find(">", start) + 1
    end = html.find("</article>", opened)
    # (the head is left out: nothing in it is indexed, and a thousand copies wait in memory for Pagefind)
    head = html[:html.find("<head")] + '<head><meta charset="utf-8"></head><body>' + html[html.rfind("<", 0, start):opened]
    body = without_footnote_marks(html[opened:end if end >= 0 else None])   # (an excerpt must not read 77.2%1。)
    heading = re.search(r"<h1>(.*?)</h1>", body, re.S)
    if heading:
        title = unescape(re.sub(r"<[^>]+>", "", heading.group(1))).replace("&", "&amp;").replace('"', "&quot;")
        body = body.replace("<h1>", f'<h1 data-pagefind-meta="title:{title}" data-pagefind-weight="10">', 1)
    parts = _MARKUP.split(body)
    parts[::2] = [HAN_RUN.sub(_spaced, text) for text in parts[::2]]
    return f'{head}<span data-pagefind-meta="url:{path}"></span>{"".join(parts)}</article></body></html>'


SEAL = "key.json"   # the key the index was built for, and the size and time of each of its files


def _seal(folder: Path, key: str) -> None:
    files = {p.relative_to(folder).as_posix(): _stamp(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    (folder / SEAL).write_text(json.dumps({"key": key, "files": files}), encoding="utf-8")


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns]


def _sealed_files(folder: Path) -> list[str]:
    """The files of a cached index, as its seal lists them (none without a seal)."""
    try:
        return sorted(json.loads((folder / SEAL).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def _intact_key(folder: Path) -> str | None:
    """The key of the cached index if every file is as it was written, by size and modification time
    (a damaged, partial or edited index: None); no file is read, so checking costs no time."""
    try:
        seal = json.loads((folder / SEAL).read_text(encoding="utf-8"))
        present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != SEAL}
        if present != set(seal["files"]):
            return None
        if any(_stamp(folder / name) != stamp for name, stamp in seal["files"].items()):
            return None
        return seal["key"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
