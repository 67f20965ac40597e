"""What a deploy keeps in the bucket beside the site, under PREFIX/.xiaokan/:

    .xiaokan/deploy.json              the record: the releases deploy made, what was live, in order, and
                                      the release being uploaded (releases.py's Record, the same format
                                      as on a server)
    .xiaokan/releases/<name>.json     each release's manifest: every object of the site with its MD5,
                                      size, Content-Type and Cache-Control, written before its upload
                                      begins (a manifest the record names neither made nor live is an
                                      unfinished deploy's: its objects are deploy's too)
    .xiaokan/objects/<md5>            a copy of an object that a kept release needs and the live site no
                                      longer has at its place (what --rollback puts back)

Pure: reading and writing these is s3deploy.py's job, through objectstore.py.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

STATE = ".xiaokan"
RECORD_NAME = f"{STATE}/deploy.json"
RELEASES = f"{STATE}/releases/"
OBJECTS = f"{STATE}/objects/"
MD5 = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Entry:
    """One object of a release as deploy put it there."""
    md5: str
    size: int
    type: str        # Content-Type
    cache: str       # Cache-Control

    @property
    def headers(self) -> tuple[str, str]:
        return self.type, self.cache


@dataclass(frozen=True)
class Manifest:
    objects: dict[str, Entry] = field(default_factory=dict)


def dump_manifest(manifest: Manifest) -> bytes:
    objects = {path: [e.md5, e.size, e.type, e.cache] for path, e in sorted(manifest.objects.items())}
    return (json.dumps({"format": 1, "objects": objects}, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def parse_manifest(data: bytes) -> Manifest:
    """A manifest as dump_manifest wrote it; ValueError if it is anything else."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ValueError("not a release manifest") from exc
    if not isinstance(raw, dict) or raw.get("format") != 1 or not isinstance(raw.get("objects"), dict):
        raise ValueError("not a release manifest")
    objects = {}
    for path, value in raw["objects"].items():
        if not (isinstance(value, list) and len(value) == 4 and isinstance(value[0], str) and MD5.match(value[0])
                and isinstance(value[1], int) and isinstance(value[2], str) and isinstance(value[3], str)):
            raise ValueError("not a release manifest")
        objects[path] = Entry(*value)
    return Manifest(objects)


def normalised_etag(etag: str | None) -> str | None:
    """The MD5 an ETag stands for (what S3, OSS, COS and SeaweedFS return for an object put in one
    request, in quotes, OSS in capitals), or None for one that is no MD5 (a multipart upload's)."""
    value = (etag or "").strip().strip('"').lower()
    return value if MD5.match(value) else None
