"""The record a deploy target keeps (releases.py): what deploy made and what was live, in order. A deploy
or rollback stopped between its steps is resolved in favour of what `current` serves."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from xiaokan.publish.releases import (
    Record,
    after_deploy,
    after_rollback,
    dump_record,
    leftovers,
    parse_record,
    reconcile,
    release_name,
)


def test_the_record_reads_back_what_was_written_and_refuses_anything_else():
    record = Record(("a", "b"), ("a",), "c")
    assert parse_record(dump_record(record)) == record
    for damaged in ("", "[]", '{"format": 1, "made": "a", "live": []}', '{"format": 1, "made": ["../x"], "live": []}',
                    '{"format": 2, "made": [], "live": []}', '{"format": 1, "made": [], "live": [1]}', "[" * 100_000):
        with pytest.raises(ValueError):
            parse_record(damaged)


def test_history_after_deploys_and_rollbacks():
    record = Record()
    for name in ("A", "B"):
        record, removed = after_deploy(record, name, keep=5)
        assert removed == []
    record = after_rollback(record)
    assert record.live == ("A",) and record.made == ("A", "B")
    record, removed = after_deploy(record, "C", keep=5)
    # B was withdrawn: --rollback can never reach it again, so it goes; the release before C is A
    assert record.previous == "A" and removed == ["B"]


def test_keep_counts_what_rollback_can_reach_and_is_never_below_two():
    record, all_removed = Record(), []
    for name in "ABCD":
        record, removed = after_deploy(record, name, keep=1)
        record = replace(record, made=tuple(n for n in record.made if n not in removed))   # (as deploy prunes)
        all_removed += removed
    assert record.live == ("C", "D") and record.made == ("C", "D") and all_removed == ["A", "B"]


@pytest.mark.parametrize("stopped_after,current,entries,expected", [
    # a deploy of C stopped after its rename: C is deploy's, not live
    ("rename", "B", {"A", "B", "C"}, Record(("A", "B", "C"), ("A", "B"), "C")),
    # stopped after its switch, before the record: C is live and was made by deploy
    ("switch", "C", {"A", "B", "C"}, Record(("A", "B", "C"), ("A", "B", "C"), "C")),
    # a rollback stopped after its switch: the history steps back to A
    ("rollback", "A", {"A", "B"}, Record(("A", "B"), ("A",), "C")),
    # releases removed by hand are forgotten
    ("hand", "B", {"B"}, Record(("B",), ("B",), "C")),
])
def test_a_stopped_deploy_is_resolved_in_favour_of_what_current_serves(stopped_after, current, entries, expected):
    record = Record(("A", "B"), ("A", "B"), "C")
    assert reconcile(record, current, entries) == expected


def test_only_deploys_own_partial_upload_is_a_leftover():
    record = Record(("A",), ("A",), "B")
    assert leftovers(record, {"A", ".partial-B", ".partial-manual"}) == [".partial-B"]
    assert leftovers(Record(), {".partial-manual"}) == []


def test_a_release_name_is_unique_among_every_name_in_releases():
    now = datetime(2026, 12, 3, 8, 15, 0, 123000, tzinfo=UTC)
    assert release_name(now, {"old-site", "zzz"}) == "20261203-081500-123"
    assert release_name(now, {"20261203-081500-123", ".partial-20261203-081500-123-2"}) == "20261203-081500-123-3"
