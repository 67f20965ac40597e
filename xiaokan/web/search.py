"""Full-text search for a static host: the articles' text, one file per issue, searched in the browser.

A reader who types 教育部 expects every article that says 教育部, and no other. Chinese has no spaces
to split words by, and word-splitting indexes (Pagefind's jieba, lunr) miss the articles where the
splitter cut a word differently from the query; so, as the local search of Hexo's and MkDocs-Material's
Chinese sites does, the search page matches the query as a substring of each article's text, and the
build publishes that text:

- `search/data/<issue>.<hash>.json` (a shard): each article page of the issue as a record: its address,
  title, 栏目, date and the text a reader reads (title, header and body, without footnote numbers,
  a line per block). The name changes when the content does, so a shard is cached for a year.
- `search/data/directory.json`: the shards, newest issue first, and which issues use each character
  (the characters grouped by the set of issues, as a hex mask over that list), so that a query loads
  only the issues that hold all its characters.

The text is folded as `fold` says (lower case, full-width Latin as half-width) in both places, one
character at a time, and blanks and invisible characters are left out of matching (_JS_BLANKS; the page
also looks a character up as typed, for a letter its newer Unicode folds and Python's does not). An
issue's shard is made again only when one of its article pages changed (the pages' keys); the shards
are kept in .cache/build/search/ and published from there.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from html import unescape
from pathlib import Path
from typing import Callable, Iterable

from ..core.htmltext import MARKUP
from ..core.urls import SEARCH_DATA, SEARCH_DIRECTORY
from .reading import without_footnote_marks

FORMAT = 1   # the shards' and directory's layout (assets/search.js reads it): a new one re-indexes
BODY_MARK = "data-search-body"     # the element of an article page that is indexed (templates/article.html)
IGNORE_MARK = "data-search-ignore"  # an element inside it that is not (the 栏目 mark)
_KEY_SALT = f"search {FORMAT}\n"

# Full-width Latin letters, digits and signs (Ａ１％) as typed in Chinese input mode, as their
# half-width forms, and the ideographic space as a space: a query matches either way of writing.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text as matched (assets/search.js folds the same way): lower case, full-width as half-width."""
    return text.lower().translate(_FULL_WIDTH)


def search_key(pages: dict[str, str]) -> str:
    """page path -> fingerprint of its content: equal keys mean an equal shard."""
    digest = hashlib.sha256(_KEY_SALT.encode())
    for path in sorted(pages):
        digest.update(f"{path}\0{pages[path]}\n".encode())
    return digest.hexdigest()


# What a page's article element holds, for the record: tags and comments (a quoted attribute may hold a
# `>`), the elements left out whole with whatever they nest (a chart's data table repeats the chart; an
# element marked data-search-ignore; what a page never shows), the ends of blocks (a line each, so that
# an excerpt never runs from a heading into the paragraph below).
_BODY = re.compile(rf"<article\b(?:\s+[^\s=>]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]*))?)*?\s+{BODY_MARK}[\s=/>]")
_ATTRIBUTE = re.compile(r"""\s([^\s=>/"']+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")
_LEFT_OUT = frozenset({"details", "template", "script", "style"})
_RAW_TEXT = frozenset({"script", "style"})   # (their text may hold `<` and `</p>`: they end at their own end tag)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_BLOCK = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "tr", "caption",
                    "figcaption", "blockquote", "pre", "div", "header", "summary", "section", "br"})
_BLANKS = re.compile(r"[ \t\r\f\v\u3000]+")


def article_text(html: str) -> tuple[str, str]:
    """(header, body) of an article page's indexed element as a reader reads them: a line per block,
    no footnote numbers (an excerpt must not read 77.2%1。), blanks collapsed."""
    found = _BODY.search(html)
    if not found:
        return "", ""
    opened = MARKUP.match(html, found.start()).end()
    end = html.find("</article>", opened)
    inner = without_footnote_marks(html[opened:end if end >= 0 else None])
    header, sep, body = _visible(inner).partition("\0")
    if not sep:
        header, body = "", header
    return _lines(header), _lines(body.replace("\0", "\n"))   # (a header the body holds ends a block too)


def _visible(html: str) -> str:
    """The text of html as a page shows it, a "\n" at each end of a block and a "\0" at the end of the
    header (undone escapes come after: `&lt;b&gt;` is text)."""
    out, at, skipping, depth = [], 0, "", 0
    for tag in MARKUP.finditer(html):
        if tag.start() < at:
            continue   # (inside a script's or style's text)
        if not skipping:
            out.append(html[at:tag.start()])
        at = tag.end()
        text = tag.group()
        if text.startswith(("<!", "<?")):
            continue
        closing = text.startswith("</")
        name = re.match(r"[a-zA-Z0-9]*", text[2 if closing else 1:]).group().lower()
        if skipping:
            if name == skipping and not text.endswith("/>"):
                depth += -1 if closing else 1
                if not depth:
                    skipping = ""
            continue
        if not closing and name in _RAW_TEXT:
            at = _raw_end(html, name, at)
            continue
        if closing and name == "header":
            out.append("\0")
        elif name in _BLOCK and (closing or name == "br"):
            out.append("\n")
        if not closing and name not in _VOID and not text.endswith("/>") and (
                name in _LEFT_OUT or IGNORE_MARK in text and IGNORE_MARK in _attributes(text)):
            skipping, depth = name, 1
    if not skipping:
        out.append(html[at:])
    return "".join(out)


def _attributes(tag: str) -> set[str]:
    return {m.group(1).lower() for m in _ATTRIBUTE.finditer(tag)}


def _raw_end(html: str, name: str, start: int) -> int:
    """Where a script's or style's element ends (after its end tag), from start in its text."""
    found = re.compile(rf"</{name}\s*>", re.I).search(html, start)
    return found.end() if found else len(html)


def _lines(text: str) -> str:
    text = unescape(text)
    return "\n".join(line for line in (_BLANKS.sub(" ", raw).strip() for raw in text.split("\n")) if line)


def search_record(html: str, url: str, title: str, section: str, date: str) -> str:
    """An article page's record in its issue's shard, as JSON (made where the page is rendered)."""
    header, body = article_text(html)
    return json.dumps({"url": url, "title": title, "section": section, "date": date, "header": header, "text": body},
                      ensure_ascii=False, separators=(",", ":"))


def _shard(issue_id: str, label: str, records: Iterable[str]) -> bytes:
    head = json.dumps({"format": FORMAT, "issue": issue_id, "label": label}, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"articles":[{",".join(records)}]}}'.encode()


# What the search page leaves out of matching: the characters up to the space, JavaScript's `\s`
# (ECMAScript's WhiteSpace and LineTerminator: not Python's isspace(), which also holds U+0085 and U+001C-1F),
# and the invisible characters its INVISIBLE names (a soft hyphen, zero-width spaces and joiners).
_JS_BLANKS = frozenset(map(chr, range(0x21))) | frozenset("\u00ad\u200b\u200c\u200d\u2060") | frozenset(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff")


def _characters(shard: bytes) -> str:
    """Every character a query may hold that the shard's records match, folded one character at a time
    as the search page folds them (text.lower() folds a word's last Σ to ς, the page's foldChar to σ),
    without the characters the page leaves out."""
    found: set[str] = set()
    for record in json.loads(shard)["articles"]:
        for field in ("title", "header", "text"):
            found.update(record[field])
    folded = {f for c in found for f in fold(c)}
    return "".join(sorted(folded - _JS_BLANKS))


class IssueIndexes:
    """The search shards of the article pages, one per issue, made while the build renders: an issue's
    shard is made as soon as the key of each of its article pages is known (page()); finish() returns
    what is published (output path -> file).

    issues: issue id (newest first) -> (its label, its article pages' paths); record_of gives a page's
    record when it was not rendered now (asked only for issues made again). With refresh False nothing
    is indexed: the last shard of each issue is published as it is, even if stale, or none (the preview
    does not wait)."""

    def __init__(self, cache_dir: Path, issues: dict[str, tuple[str, Iterable[str]]],
                 record_of: Callable[[str], str], refresh: bool = True):
        self.root = cache_dir / "search"
        self.issues = list(issues)
        self._labels = {issue_id: label for issue_id, (label, _paths) in issues.items()}
        self._waiting = {issue_id: set(paths) for issue_id, (_label, paths) in issues.items()} if refresh else {}
        self._keys: dict[str, dict[str, str]] = {issue_id: {} for issue_id in self._waiting}
        self._records: dict[str, str] = {}
        self._record_of = record_of
        self._seals: dict[str, dict] = {}   # issue id -> its shard's seal, once known

    def page(self, path: str, key: str, record: str | None = None) -> None:
        """An article page's key (a fingerprint of its content), and its record if it was rendered now."""
        issue_id = path.split("/", 1)[0]
        waiting = self._waiting.get(issue_id)
        if waiting is None or path not in waiting:
            return
        waiting.discard(path)
        self._keys[issue_id][path] = key
        if record is not None:
            self._records[path] = record
        if waiting:
            return
        pages = self._keys[issue_id]
        key = search_key(pages)
        records = {path: self._records.pop(path, None) for path in sorted(pages)}   # (in one order, always)
        seal = _sealed(self.root, issue_id)
        if seal.get("key") != key:
            shard = _shard(issue_id, self._labels[issue_id],
                           (record if record is not None else self._record_of(path) for path, record in records.items()))
            seal = {"key": key, "name": _shard_name(issue_id, shard), "characters": _characters(shard)}
            _write_new(self.root / seal["name"], shard)
            _write_new(self.root / f"{issue_id}.seal", json.dumps(seal, ensure_ascii=False).encode())
        self._seals[issue_id] = seal

    def finish(self) -> dict[str, Path]:
        """The shards and the directory, output path -> file (the issues with a shard)."""
        seals = {issue_id: seal for issue_id in self.issues
                 if (seal := self._seals.get(issue_id) or _sealed(self.root, issue_id))}
        wanted = {f"{issue_id}.seal" for issue_id in seals} | {seal["name"] for seal in seals.values()} | {"directory.json"}
        for entry in os.scandir(self.root) if self.root.is_dir() else ():
            if entry.name not in wanted:   # (an issue deleted or renamed, a shard replaced)
                Path(entry.path).unlink(missing_ok=True)
        if not seals:
            (self.root / "directory.json").unlink(missing_ok=True)
            return {}
        files = {SEARCH_DATA + seal["name"]: self.root / seal["name"] for seal in seals.values()}
        _write_new(self.root / "directory.json", _directory(seals))
        files[SEARCH_DIRECTORY] = self.root / "directory.json"
        return files


def _shard_name(issue_id: str, shard: bytes) -> str:
    return f"{issue_id}.{hashlib.sha256(shard).hexdigest()[:12]}.json"


def _directory(seals: dict[str, dict]) -> bytes:
    """The shards (newest issue first) and, for each set of issues, the characters used in exactly those."""
    by_character: dict[str, int] = {}
    for bit, seal in enumerate(seals.values()):
        for character in seal["characters"]:
            by_character[character] = by_character.get(character, 0) | 1 << bit
    groups: dict[str, list[str]] = {}
    for character, mask in by_character.items():
        groups.setdefault(format(mask, "x"), []).append(character)
    return json.dumps({"format": FORMAT, "issues": [{"id": issue_id, "file": seal["name"]} for issue_id, seal in seals.items()],
                       "characters": {mask: "".join(sorted(chars)) for mask, chars in sorted(groups.items())}},
                      ensure_ascii=False, separators=(",", ":")).encode()


def _sealed(root: Path, issue_id: str) -> dict:
    """What the cache holds for an issue: its key, its shard's name and characters ({} when the shard is
    missing or damaged, its name being its content's hash, or the seal unreadable: the issue is indexed
    again)."""
    try:
        seal = json.loads((root / f"{issue_id}.seal").read_text(encoding="utf-8"))
        shard = (root / seal["name"]).read_bytes()
        if seal["name"] == _shard_name(issue_id, shard) and isinstance(seal["characters"], str):
            return seal
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {}


def _write_new(path: Path, data: bytes) -> None:
    """Write a cache file as a new file (output/ holds hard links to the last ones, which must not
    change under it); one with the same bytes is left as it is, keeping its time for rsync."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
