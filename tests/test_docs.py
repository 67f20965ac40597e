"""The documents that promise behaviour point at tests that exist."""
from __future__ import annotations

import re

from helpers import ROOT


def _defined_tests() -> set[str]:
    names = set()
    for path in (ROOT / "tests").rglob("*.py"):
        names.update(re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), flags=re.M))
    return names


def test_every_test_named_in_the_reliability_table_exists():
    """Each test the table names exists (a name cut short with … names the tests it begins)."""
    defined = _defined_tests()
    missing = []
    for row in (ROOT / "docs/reliability.md").read_text(encoding="utf-8").splitlines():
        if not row.startswith("|"):
            continue
        for name, cut in re.findall(r"\b(test_\w+)(?!\w|\.py)(…?)", row.rsplit("|", 2)[-2]):
            if not (any(d.startswith(name) for d in defined) if cut else name in defined):
                missing.append(f"{name}{cut}: {row[:80]}")
    assert missing == []
