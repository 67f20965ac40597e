"""The record a deploy target keeps of its releases: which ones deploy made, and what was live, in order.

`releases/` may hold folders deploy did not make (a manual backup, an old site): deploy knows its own
releases by this record, never by their names, so it removes and names only what it made. Rollback
follows the history of what was live, not the order of names: after A, B, a rollback to A and then C,
the release before C is A, and B (withdrawn) is never put back. Everything here is pure: the record is
read and written by deploy.py, one small JSON file renamed into place.
"""
from __future__ import annotations

import json
from collections.abc import Set
from dataclasses import dataclass, replace
from datetime import datetime

RECORD = ".xiaokan-deploy.json"
PARTIAL = ".partial-"


@dataclass(frozen=True)
class Record:
    made: tuple[str, ...] = ()      # releases deploy made that are still there, oldest first
    live: tuple[str, ...] = ()      # what was live, oldest first: the last one is live, rollback steps back
    uploading: str | None = None    # the release whose upload started (in releases/.partial-<name>)

    @property
    def previous(self) -> str | None:
        """What `--rollback` makes live."""
        return self.live[-2] if len(self.live) > 1 else None


def _is_name(value: object) -> bool:
    return (isinstance(value, str) and value not in ("", ".", "..") and not value.startswith(".")
            and not any(c in value for c in "/\\\0\n\r"))


def parse_record(text: str) -> Record:
    """The record as written by dump_record; ValueError if it is anything else."""
    try:
        data = json.loads(text)
    except RecursionError:   # ([[[[…]]]] nested deeper than the parser goes)
        raise ValueError("not a deploy record") from None
    if not isinstance(data, dict) or data.get("format") != 1:
        raise ValueError("not a deploy record")
    made, live, uploading = data.get("made"), data.get("live"), data.get("uploading")
    if not (isinstance(made, list) and isinstance(live, list) and all(map(_is_name, made + live))
            and (uploading is None or _is_name(uploading))):
        raise ValueError("not a deploy record")
    return Record(tuple(made), tuple(live), uploading)


def dump_record(record: Record) -> str:
    return json.dumps({"format": 1, "made": list(record.made), "live": list(record.live),
                       "uploading": record.uploading}, ensure_ascii=False) + "\n"


def reconcile(record: Record, current: str | None, entries: Set[str]) -> Record:
    """The record as the target really is: a deploy or rollback stopped between its steps (or a hand
    that moved `current`) is resolved in favour of what `current` serves. `current`: the release the
    link points to, if it exists; `entries`: the names in releases/."""
    made = [name for name in record.made if name in entries]
    if record.uploading in entries and record.uploading not in made:   # renamed, then stopped
        made.append(record.uploading)
    live = [name for name in record.live if name in entries]
    if current in live:   # (a rollback that stopped after its switch)
        live = live[:live.index(current) + 1]
    elif current is not None:   # (a deploy that stopped after its switch, or what was live before the record)
        live.append(current)
    return Record(tuple(made), tuple(live), record.uploading)


def leftovers(record: Record, entries: Set[str]) -> list[str]:
    """The partial upload an interrupted deploy left (only deploy's own, named in the record)."""
    partial = PARTIAL + record.uploading if record.uploading else None
    return [partial] if partial in entries else []


def release_name(now: datetime, taken: Set[str]) -> str:
    """A new release's name: the time of the deploy (UTC, to the millisecond), made unique among every
    name in releases/ (deploy's or not). The record, not the name, says which release came first."""
    base = now.strftime("%Y%m%d-%H%M%S-") + f"{now.microsecond // 1000:03d}"
    name, n = base, 1
    while name in taken or PARTIAL + name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def after_deploy(record: Record, release: str, keep: int) -> tuple[Record, list[str]]:
    """The record once `release` is live, and the releases deploy made that are to be removed: all but
    the last `keep` of the history (at least the live one and the one before it), so that what is kept
    is exactly what `--rollback` can reach."""
    live = (*record.live, release)[-max(keep, 2):]
    made = (*record.made, release)
    return Record(made, live, None), [name for name in made if name not in live]


def after_rollback(record: Record) -> Record:
    """The record once the release before the live one is live again (the withdrawn one stays made:
    the next deploy removes it)."""
    return replace(record, live=record.live[:-1], uploading=None)
