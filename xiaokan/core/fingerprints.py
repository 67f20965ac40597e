"""Digests that say when something must be made again: the engine's own code, a template with the
templates it pulls in, and the context a page is rendered from. Every wing that caches (the build, the
print edition) keys on these, so they live below the wings and import none of them."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

FORMAT = 1   # raise to invalidate every cache at once
_ENGINE = Path(__file__).resolve().parent.parent   # the whole package (xiaokan/)


@lru_cache(maxsize=1)
def engine_digest() -> str:
    """The engine's own code: a new version of xiaokan invalidates everything."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in sorted(_ENGINE.rglob("*.py")):
        digest.update(str(path.relative_to(_ENGINE)).encode() + path.read_bytes())
    return digest.hexdigest()



class FileDigests:
    """Content digests of the project's files, remembered in .cache/build/file-digests.json by size and
    modification time: a key made from them survives a fresh clone (new times, same bytes), while a
    file is read again only when its size or time changed."""

    def __init__(self, root: Path):
        self._root = root
        self._path = root / ".cache" / "build" / "file-digests.json"
        try:
            known = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        self._known: dict = known if isinstance(known, dict) else {}
        self._changed = False

    def of(self, path: Path) -> str:
        """The file's SHA-256 ("missing" when it cannot be read)."""
        try:
            stat = path.stat()
        except OSError:
            return "missing"
        name = os.path.relpath(path, self._root)
        entry = self._known.get(name)
        if isinstance(entry, list) and entry[:2] == [stat.st_size, stat.st_mtime_ns]:
            return entry[2]
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return "missing"
        self._known[name] = [stat.st_size, stat.st_mtime_ns, digest]
        self._changed = True
        return digest

    def save(self) -> None:
        """Write what was learnt (a cache: if it cannot be written, the next build reads the files again)."""
        if not self._changed:
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temp = self._path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(json.dumps(self._known, sort_keys=True), encoding="utf-8")
            os.replace(temp, self._path)
            self._changed = False
        except OSError:
            pass


class TemplateDigests:
    """A digest per template that covers the templates it extends, includes and imports. Given a cache
    folder, the templates each template refers to are remembered there by its source's digest (finding
    them parses every template, a tenth of a second that a one-article rebuild need not spend)."""

    def __init__(self, env: jinja2.Environment, cache_dir: Path | None = None):
        self.env = env
        self._done: dict[str, str] = {}
        self._path = cache_dir / "template-references.json" if cache_dir else None
        self._known: dict[str, list] = {}
        if self._path:
            try:
                known = json.loads(self._path.read_text(encoding="utf-8"))
                self._known = known if isinstance(known, dict) else {}
            except (OSError, ValueError):
                pass
        self._used: dict[str, list] = {}
        self._learnt = False

    def __call__(self, name: str, _seen: frozenset[str] = frozenset()) -> str:
        if name in self._done:
            return self._done[name]
        source, _, _ = self.env.loader.get_source(self.env, name)
        digest = hashlib.sha256(name.encode() + source.encode())
        for ref in self._references(name, source, digest.hexdigest()):
            if ref is None:   # a template name computed at render time: depend on every template
                for other in sorted(self.env.list_templates()):
                    digest.update(self.env.loader.get_source(self.env, other)[0].encode())
            elif ref not in _seen:
                digest.update(self(ref, _seen | {name}).encode())
        self._done[name] = digest.hexdigest()
        return self._done[name]

    def _references(self, name: str, source: str, key: str) -> list:
        known = self._known.get(key)
        if isinstance(known, list) and all(ref is None or isinstance(ref, str) for ref in known):
            self._used[key] = known
            return known
        refs = self._used[key] = _references(self.env, name, source)
        self._learnt = True
        return refs

    def save(self) -> None:
        """Remember the templates used, if one was new (a cache: if it cannot be written, they are parsed
        again; an older version of a template is forgotten)."""
        if not (self._path and self._learnt):
            return
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            temp = self._path.with_suffix(f".{os.getpid()}.tmp")
            temp.write_text(json.dumps(self._used), encoding="utf-8")
            os.replace(temp, self._path)
            self._learnt = False
        except OSError:
            pass


_REFERENCES: dict[tuple[str, str], list] = {}   # (name, source) -> templates it refers to, across builds


def _references(env: jinja2.Environment, name: str, source: str) -> list:
    """The templates a template extends, includes and imports (parsed once per version of its source:
    the live preview builds again on every save)."""
    key = (name, source)
    if key not in _REFERENCES:
        from jinja2 import meta  # (with the templates: a build with nothing to do needs only engine_digest)

        _REFERENCES[key] = sorted(meta.find_referenced_templates(env.parse(source)), key=str)
    return _REFERENCES[key]


# Fields that templates never see directly (bodies reach them as rendered HTML in ArticleView).
_UNSEEN_FIELDS = {"body_md", "body_line"}


# Digests of frozen dataclass instances, kept across the builds of one process (the live preview):
# the articles and views of unchanged files are the same objects from save to save, and cannot change.
_FROZEN: dict[int, tuple[object, bytes]] = {}
_FROZEN_LIMIT = 200_000


class Fingerprints:
    """Stable digests of page contexts. Each dataclass instance is digested once per build (a frozen
    one once per process); other values are serialised (type and repr) into their container's digest.
    A path inside the project is digested relative to it: a project moved or cloned elsewhere keeps
    its caches (an absolute path in the print key made `build --no-pdf` publish no 数字报 there)."""

    _SCALARS = (str, int, float, bool, type(None), date)

    def __init__(self, root: Path):
        self._root = os.path.abspath(root) + os.sep
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[tuple[str, bytes], ...]] = {}
        if len(_FROZEN) > _FROZEN_LIMIT:
            _FROZEN.clear()

    def of(self, value) -> bytes:
        kind = type(value)
        if kind is str:   # (the most frequent by far: titles, bodies; its length makes it unambiguous)
            data = value.encode()
            return b"str:%d:%s\0" % (len(data), data)
        if kind in self._SCALARS or isinstance(value, self._SCALARS):
            return kind.__name__.encode() + b":" + repr(value).encode() + b"\0"
        if isinstance(value, Path):
            path = os.path.abspath(value)
            return b"Path:" + (path.removeprefix(self._root) if path.startswith(self._root) else path).encode() + b"\0"
        hit = self._memo.get(id(value)) or _FROZEN.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        if hasattr(kind, "__dataclass_fields__"):
            labels = self._fields.get(kind)
            if labels is None:
                labels = self._fields[kind] = tuple((f.name, f.name.encode() + b"=") for f in dataclasses.fields(value)
                                                    if f.name not in _UNSEEN_FIELDS)
            of = self.of
            parts = [kind.__name__.encode()] + [label + of(getattr(value, name)) for name, label in labels]
            result = b"#" + hashlib.sha256(b";".join(parts)).digest()
            memo = _FROZEN if kind.__dataclass_params__.frozen else self._memo
            memo[id(value)] = (value, result)
            return result
        if kind is list or kind is tuple or isinstance(value, (list, tuple)):
            of = self.of
            return b"[" + b",".join([of(v) for v in value]) + b"]"
        if isinstance(value, dict):
            of = self.of
            return b"{" + b",".join([str(k).encode() + b":" + of(value[k]) for k in sorted(value, key=str)]) + b"}"
        if isinstance(value, (set, frozenset)):
            return b"{" + b",".join(sorted(self.of(v) for v in value)) + b"}"
        raise TypeError(f"cannot fingerprint a {type(value).__name__} in a page context")
