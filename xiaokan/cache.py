"""The build cache in .cache/build/: rendered Markdown by content hash (with what pages show of it,
made by web.reading), and a fingerprint of every page written last time, so that a rebuild renders only pages whose inputs changed.

Safe to delete at any time (the next build is simply a full one). It never gives stale pages: a
page's fingerprint covers its template and everything that template includes, the site settings,
the engine's own code and every value in the page's context.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from .core.fingerprints import engine_digest
from .publish.gone import pages_of
from .publish.output import MARKER, output_files
from .source import slugs

if TYPE_CHECKING:
    from .source.markup import Body

T = TypeVar("T")


def input_stamp(root: Path, settings: str) -> str:
    """Name, size and mtime of every input file, the engine and the build settings: when this is the
    same as for the last successful build and output/ is as that build left it, there is nothing to do."""
    digest = hashlib.sha256(engine_digest().encode() + settings.encode())
    digest.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    # (.cache/pdf too: a PDF rendered in the background by the live preview is news to the next build)
    skip = len(os.path.join(root, ""))   # (paths relative to the project: a moved project is unchanged)
    for name in ("site.yaml", "content", "templates", "assets", ".cache/pdf"):
        top = root / name
        if top.is_file():
            stat = top.stat()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
            continue
        for folder, dirs, files in os.walk(top):
            dirs.sort()
            for name_of_dir in dirs:   # (a linked folder is not walked: its link is an input of its own)
                path = os.path.join(folder, name_of_dir)
                if os.path.islink(path):
                    digest.update(f"{path[skip:]}\0->{os.readlink(path)}\n".encode("utf-8", "surrogateescape"))
            for file in sorted(files):
                path = os.path.join(folder, file)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path[skip:]}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def output_place(root: Path, out_dir: Path) -> str:
    """Where the output folder is, as the manifest records it: relative to the project when inside it,
    so that a moved project keeps its pages (and a build with nothing to do stays one)."""
    out = out_dir.resolve()
    return out.relative_to(root.resolve()).as_posix() if out.is_relative_to(root.resolve()) else str(out)


def manifest_name(place: str) -> str:
    """The manifest of the builds into one output folder: output/'s, and one for each other folder (the
    preview builds its drafts into .cache/preview on every save: one manifest for both had each build
    after a preview write every page again)."""
    return "manifest.json" if place == "output" else f"manifest-{hashlib.sha1(place.encode()).hexdigest()[:12]}.json"


def previous_report(root: Path, out_dir: Path, stamp: str) -> dict | None:
    """The summary of the last build if its inputs had this stamp and out_dir still holds exactly
    what it wrote; None otherwise."""
    try:
        manifest = json.loads((root / ".cache" / "build" / manifest_name(output_place(root, out_dir))).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("inputs") != stamp or manifest.get("out_dir") != output_place(root, out_dir):
        return None
    files = manifest.get("files", {})
    present = 0
    for rel, entry in output_files(out_dir):
        if rel == MARKER:
            continue
        recorded = files.get(rel)
        stat = entry.stat()
        if recorded is None or recorded[1:] != [stat.st_size, stat.st_mtime_ns]:
            return None
        present += 1
    return manifest.get("report") if present == len(files) else None


class BuildCache:
    """Markdown bodies by content hash, and the fingerprint, size and mtime of each output file."""

    def __init__(self, root: Path, out_dir: Path, salt: str):
        self.dir = root / ".cache" / "build"
        self.out_dir = out_dir
        self._out = os.fspath(out_dir)
        self.place = output_place(root, out_dir)
        self.salt = salt
        self._bodies: dict[str, Body] = read_pickle(root, "bodies", salt)
        manifest = self._read(manifest_name(self.place))
        self._old = manifest.get("files", {}) if manifest.get("salt") == salt and \
            manifest.get("out_dir") == self.place else {}
        # (whatever the settings were: what readers could open after the last build)
        self._published = set(manifest.get("files", ())) if manifest.get("out_dir") == self.place else set()
        self._used_bodies: dict[str, Body] = {}
        self._readings: dict[str, object] = read_pickle(root, "readings", salt)
        self._used_readings: dict[str, object] = {}
        self._keys: dict[str, str] = {}
        self._kept: dict[str, list[int]] = {}   # output files found as written: their size and mtime
        slugs.remember(self._read("slugs.json"))

    def _read(self, name: str) -> dict:
        try:
            return json.loads((self.dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}   # missing or damaged: a full build

    # Markdown -------------------------------------------------------------------------------
    def body(self, key: str, resolve, folder: Path) -> Body | None:
        """The cached body for this Markdown, if the article links it resolved still resolve the same
        and the CSV files its tables and charts were made from are unchanged."""
        from .source.datablocks import files_digest  # (loaded with the pipeline, not by a build with nothing to do)

        body = self._bodies.get(key)
        if body is None or any(resolve(href) != url for href, url in body.resolved) or \
                any(resolve(href) is not None for href in body.links) or \
                (body.data_files and files_digest(folder, body.data_files) != body.data_digest):
            return None
        self._used_bodies[key] = body
        return body

    def store_body(self, key: str, body: Body) -> None:
        self._used_bodies[key] = body

    def reading(self, html: str, read: Callable[[str], T]) -> T:
        """read(html), what the pages show of a body (web.reading.reading_of: its anchored headings,
        summary, reading time, first photo), kept from the last build: made anew it costs regular
        expressions over every body. Found by the body itself: in the preview a body is the same string
        from save to save, whose hash Python keeps, so finding it costs nothing (a digest of every body
        cost 22 ms a build at 1,000 articles)."""
        reading = self._readings.get(html) or read(html)
        self._used_readings[html] = reading
        return reading

    # Pages ----------------------------------------------------------------------------------
    def may_keep(self, rel: str) -> bool:
        """False when the last build left no page at rel: it is made anew whatever its key."""
        return rel in self._old

    def written(self, rel: str, key: str) -> None:
        """A page made anew (without asking unchanged()): its key, for the next build."""
        self._keys[rel] = key

    def unchanged(self, rel: str, key: str) -> bool:
        """True when output/<rel> was written from inputs with this fingerprint and is still as written."""
        self._keys[rel] = key
        old = self._old.get(rel)
        if not old or old[0] != key:
            return False
        try:
            stat = os.stat(os.path.join(self._out, rel))   # (a Path per page costs twice the stat)
        except OSError:
            return False
        if [stat.st_size, stat.st_mtime_ns] != old[1:]:
            return False
        self._kept[rel] = old[1:]
        return True

    def dropped(self, published) -> list[str]:
        """Pages and PDFs the last build published that `published` (this build's output paths) leaves
        out, sorted. (The search index is not counted: its file names change with every edit.)"""
        return pages_of(self._published - set(published))

    def record(self, rels) -> None:
        """Files of output/ that are not pages (assets, images, PDFs): part of what the build left."""
        for rel in rels:
            self._keys.setdefault(rel, "")

    def save(self, stamp: str, report: dict) -> None:
        """After a successful build: remember what is in output/ now and what it was built from."""
        files = {}
        for rel, key in self._keys.items():
            if rel in self._kept:   # (checked this build and left as it was)
                files[rel] = [key, *self._kept[rel]]
                continue
            try:
                stat = os.stat(os.path.join(self._out, rel))
            except OSError:
                continue
            files[rel] = [key, stat.st_size, stat.st_mtime_ns]
        self.dir.mkdir(parents=True, exist_ok=True)
        if worth_rewriting(self._bodies.keys(), self._used_bodies.keys()):
            write_pickle(self.dir.parent.parent, "bodies", self.salt, self._used_bodies)
        if worth_rewriting(self._readings.keys(), self._used_readings.keys()):
            write_pickle(self.dir.parent.parent, "readings", self.salt, self._used_readings)
        _write_json(self.dir / "slugs.json", slugs.known())
        _write_json(self.dir / manifest_name(self.place), {"salt": self.salt, "out_dir": self.place,
                                                 "files": files, "inputs": stamp, "report": report})


# What this process last read or wrote of each cache file, by the file's size and time: the live
# preview builds on every save, and loading thousands of articles again each time costs 50 ms.
_IN_MEMORY: dict[Path, tuple[tuple[int, int], str, dict]] = {}


def _file_stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


REWRITE_AFTER = 20   # cached entries that must differ before a cache file of thousands is written again


def worth_rewriting(before, after) -> bool:
    """Whether a cache file should be written again: it is new, or at least REWRITE_AFTER of its entries
    changed. (A save in the preview changes one article; rewriting every cached body for it took
    longer than converting that one article again when the next process starts.)"""
    before, after = set(before), set(after)
    return not before or len(before ^ after) >= REWRITE_AFTER


def read_pickle(root: Path, name: str, salt: str) -> dict:
    """A cache file written by write_pickle with the same salt; {} if missing, damaged or stale.
    (Pickle, not JSON: these hold thousands of articles and pages, and load ten times faster.
    The files are the project's own, written by this code in its .cache folder.)"""
    path = root / ".cache" / "build" / f"{name}.pickle"
    stamp = _file_stamp(path)
    known = _IN_MEMORY.get(path)
    if stamp is not None and known is not None and known[0] == stamp:
        return known[2] if known[1] == salt else {}
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
    except Exception:   # noqa: BLE001 — any damage to a cache file just means a fuller build
        return {}
    if not (isinstance(data, dict) and data.get("salt") == salt):
        return {}
    _IN_MEMORY[path] = (stamp, salt, data["data"])
    return data["data"]


def write_pickle(root: Path, name: str, salt: str, data: dict) -> None:
    folder = root / ".cache" / "build"
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f"{name}.pickle.tmp"
    with open(temp, "wb") as handle:
        pickle.dump({"salt": salt, "data": data}, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temp, folder / f"{name}.pickle")
    _IN_MEMORY[folder / f"{name}.pickle"] = (_file_stamp(folder / f"{name}.pickle"), salt, data)


def _write_json(path: Path, data: dict) -> None:
    temp = path.with_suffix(".tmp")
    temp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(temp, path)
