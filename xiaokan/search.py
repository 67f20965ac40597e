"""Full-text search for a static host: a Pagefind index of the article pages, written to output/pagefind/.

Pagefind's extended build (PyPI `pagefind[extended]`) segments Chinese into words, so 职业本科 finds
职业本科 and 双师型 finds 双师型. Only the article pages are indexed, and within them only the
element marked data-pagefind-body (title and body, not navigation). The index is kept in
.cache/build/pagefind/ and rebuilt only when an article page changed; output/ gets copies, which
stay untouched while the index is unchanged.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from typing import Callable

INDEX_DIR = "pagefind"


def search_key(pages: dict[str, str]) -> str:
    """page path -> fingerprint of its content: equal keys mean an equal index."""
    digest = hashlib.sha256()
    for path in sorted(pages):
        digest.update(f"{path}\0{pages[path]}\n".encode())
    return digest.hexdigest()


def search_index(cache_dir: Path, key: str, read_pages: Callable[[], dict[str, bytes | Path]],
                 language: str, refresh: bool = True) -> dict[str, Path]:
    """output path -> file of the index, for output/pagefind/. read_pages gives {page path: its HTML,
    or the file that holds it} and is called only when the index must be (re)built. With refresh False nothing is indexed: the last
    index is published as it is, even if stale, or none (the live preview does not wait for it)."""
    folder = cache_dir / INDEX_DIR
    current = _intact_key(folder)
    if current is None and not refresh:
        return {}
    if current != key and refresh:
        staging = cache_dir / (INDEX_DIR + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        _write_index(read_pages(), staging / INDEX_DIR, language)
        _keep_unchanged(folder, staging / INDEX_DIR)
        _seal(staging / INDEX_DIR, key)
        shutil.rmtree(folder, ignore_errors=True)
        (staging / INDEX_DIR).rename(folder)
        shutil.rmtree(staging, ignore_errors=True)
    return {f"{INDEX_DIR}/{p.relative_to(folder).as_posix()}": p
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != SEAL}


# Pagefind segments Chinese with jieba when it indexes and with the browser's Intl.Segmenter when it
# searches, and the two disagree (教育部 found 1 of the 6 articles that say it). So the index is made
# of single characters: the copy of each page given to Pagefind has a space between every Chinese
# character (and between Chinese and Latin), and the search page asks for the query's characters as
# an exact phrase. Every article containing the query is found; nothing else is.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_BOUNDARY = re.compile(f"(?<=[{_CJK}])(?=[^\\s])|(?<=[^\\s])(?=[{_CJK}])")


def for_index(html: str) -> str:
    """The page as Pagefind indexes it: the text of its data-pagefind-body split into characters;
    its title, shown in results, kept as written (data-pagefind-meta), and weighted highest so that an
    article whose title holds the query ranks above those that only mention it."""
    start = html.find("data-pagefind-body")
    if start < 0:
        return html
    head, body = html[:start], html[start:]
    heading = re.search(r"<h1>(.*?)</h1>", body, re.S)
    if heading:
        title = unescape(re.sub(r"<[^>]+>", "", heading.group(1))).replace("&", "&amp;").replace('"', "&quot;")
        body = body.replace("<h1>", f'<h1 data-pagefind-meta="title:{title}" data-pagefind-weight="10">', 1)
    parts = re.split(r"(<time\b.*?</time>|<script\b.*?</script>|<style\b.*?</style>)", body, flags=re.S)
    body = "".join(part if part.startswith("<") and re.match(r"<(time|script|style)\b", part)
                   else re.sub(r">([^<]+)<", lambda m: ">" + _BOUNDARY.sub(" ", m.group(1)) + "<", part)
                   for part in parts)
    return head + body


SEAL = "key.json"   # the key the index was built for, and the digest of each of its files


def _seal(folder: Path, key: str) -> None:
    files = {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    (folder / SEAL).write_text(json.dumps({"key": key, "files": files}), encoding="utf-8")


def _intact_key(folder: Path) -> str | None:
    """The key of the cached index if every file is as written (a damaged or partial index: None)."""
    try:
        seal = json.loads((folder / SEAL).read_text(encoding="utf-8"))
        present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != SEAL}
        if present != set(seal["files"]):
            return None
        for name, digest in seal["files"].items():
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != digest:
                return None
        return seal["key"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _keep_unchanged(old: Path, new: Path) -> None:
    """Files of the new index with the same bytes as before are replaced by the old files, so that
    they keep their modification time and output/ (and a deploy by rsync) sees only what changed."""
    if not old.is_dir():
        return
    for path in new.rglob("*"):
        before = old / path.relative_to(new)
        if path.is_file() and before.is_file() and before.stat().st_size == path.stat().st_size \
                and before.read_bytes() == path.read_bytes():
            before.replace(path)


def _write_index(pages: dict[str, bytes | Path], dest: Path, language: str) -> None:
    """Run Pagefind's command line over the article pages, laid out as on the site.

    (Its Python API answers one request per 0.1 s poll, 100 s for 1,000 pages; the command line
    indexes a folder at full speed.) With --keep-index-url the result URLs are the pages' paths
    from the site root; the search page sets Pagefind's baseUrl to wherever the site is served."""
    site = dest.parent / "pages"
    shutil.rmtree(site, ignore_errors=True)
    for path, html in pages.items():
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        page = html if isinstance(html, bytes) else html.read_bytes()
        target.write_bytes(for_index(page.decode("utf-8")).encode("utf-8"))
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(dest),
               "--force-language", language.split("-")[0].lower(), "--keep-index-url", "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(site, ignore_errors=True)
    if result.returncode != 0 or not (dest / "pagefind-entry.json").is_file():
        raise RuntimeError((result.stderr or result.stdout).strip() or f"pagefind exited with {result.returncode}")
