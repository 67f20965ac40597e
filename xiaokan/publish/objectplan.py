"""What a deploy or a rollback to object storage does, worked out before anything is changed (pure: the
same plan is what a dry run lists and what the deploy then does).

What the bucket holds is judged by one listing: an object is there with the content its ETag's MD5
says. Its headers are known from the manifest that put that content there (the live release's, or an
unfinished deploy's); where neither can say, the object is sent again. Deploy deletes only objects it
put there itself (named in a manifest it keeps); anything else under the prefix is left alone and
listed as not deploy's. Before an object of the live release is overwritten or deleted, its content is
copied to .xiaokan/objects/ (once per content), so that --rollback can put it back.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .objectheaders import deletion_order, upload_order
from .objectrecord import Entry, Manifest


@dataclass(frozen=True)
class Put:
    path: str
    entry: Entry
    source: str          # "file": from output/; "self": the object itself, new headers; "store": .xiaokan/objects/<md5>


@dataclass(frozen=True)
class Plan:
    puts: list[Put] = field(default_factory=list)        # in upload order
    backups: list[tuple[str, str]] = field(default_factory=list)   # (path, md5): copied to .xiaokan/objects/ first
    deletions: list[str] = field(default_factory=list)   # in deletion order, after every put
    unchanged: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)     # under the prefix, not deploy's: left alone
    missing: list[str] = field(default_factory=list)     # (rollback) paths whose content is nowhere in the bucket

    @property
    def changes(self) -> bool:
        return bool(self.puts or self.deletions)


def known_headers(path: str, md5: str | None, manifests: list[Manifest]) -> tuple[str, str] | None:
    """The headers of the object at path with content md5, if the manifests that could have put that
    content there agree on them (an unfinished deploy may or may not have reached it)."""
    if md5 is None:
        return None
    said = {m.objects[path].headers for m in manifests if path in m.objects and m.objects[path].md5 == md5}
    return said.pop() if len(said) == 1 else None


def deploy_plan(local: dict[str, Entry], remote: dict[str, str | None], live: Manifest, unfinished: list[Manifest],
                owned: set[str], stored: set[str]) -> Plan:
    """local: output/ as the new release's manifest; remote: the listing (path: MD5 or None); live: the
    live release's manifest (empty before the first deploy); unfinished: the manifests of deploys that
    did not finish; owned: every path a manifest in the bucket names; stored: the contents in
    .xiaokan/objects/."""
    manifests = [live, *unfinished]
    puts, unchanged = [], []
    for path in upload_order(local):
        entry, there = local[path], remote.get(path, "absent")
        if there == entry.md5 and known_headers(path, there, manifests) == entry.headers:
            unchanged.append(path)
        else:
            puts.append(Put(path, entry, "file"))
    deletions = deletion_order(p for p in remote if p in owned and p not in local)
    foreign = sorted(p for p in remote if p not in owned and p not in local)
    return Plan(puts, _backups(puts, deletions, remote, live, stored), deletions, unchanged, foreign)


def _backups(puts: list[Put], deletions: list[str], remote: dict[str, str | None], live: Manifest,
             stored: set[str]) -> list[tuple[str, str]]:
    """The live release's contents that this deploy overwrites or deletes and .xiaokan/objects/ lacks."""
    replaced: dict[str, str | None] = {p.path: p.entry.md5 for p in puts}
    replaced.update(dict.fromkeys(deletions))
    found: dict[str, str] = {}
    for path, new in replaced.items():
        before, content = live.objects.get(path), remote.get(path)
        if before and content == before.md5 and new != content and content not in stored:
            found.setdefault(content, path)
    return [(path, md5) for md5, path in found.items()]


def rollback_plan(back_to: Manifest, remote: dict[str, str | None], manifests: list[Manifest], owned: set[str],
                  stored: set[str]) -> Plan:
    """Put back every object of the release back_to: the object itself when its content is still in place
    (only its headers differ), else its copy in .xiaokan/objects/; delete deploy's objects it does not
    have. manifests: those that could have put what is there (the live one, an unfinished deploy's)."""
    puts, unchanged, missing = [], [], []
    for path in upload_order(back_to.objects):
        entry, there = back_to.objects[path], remote.get(path)
        if there == entry.md5:
            if known_headers(path, there, manifests) == entry.headers:
                unchanged.append(path)
            else:
                puts.append(Put(path, entry, "self"))
        elif entry.md5 in stored:
            puts.append(Put(path, entry, "store"))
        else:
            missing.append(path)
    deletions = deletion_order(p for p in remote if p in owned and p not in back_to.objects)
    foreign = sorted(p for p in remote if p not in owned and p not in back_to.objects)
    return Plan(puts, [], deletions, unchanged, foreign, missing)
