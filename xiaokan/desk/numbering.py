"""期号 (本年期号: the issue's number within its year) and 总期号 of a new issue: its place among the
issues there are, in date (then ID) order.

`new-issue 2024-07` made after 2024-08 takes the place before 2024-08, not the next number after the
highest: its 期号 is one more than the issue of its year before it (or one less than the one after
it, when it is the first), its 总期号 likewise among all issues. Every issue folder counts, drafts and
issues without articles too. When that place has no free number (2024-06 is 第1期 and 2024-08 第2期:
2024-07 would be 第2期 again), the numbers of the issues that exist are not changed (one may be
printed already): the new issue gets the number of its place, and a notice says which issue shares
it, for the editor to settle (`check` warns while two issues share a number).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.errors import ContentError
from ..core.i18n import _
from ..source.content import ISSUE_ID
from ..source.frontmatter import ISSUE_KEYS, parse_date
from ..source.yamlfile import parse_yaml, read_text, tidy_yaml


@dataclass(frozen=True)
class Numbered:
    """What an issue.yaml says of an issue's place: its date and numbers (None when not written or not a number)."""
    id: str
    date: date
    number: int | None
    total: int | None


@dataclass(frozen=True)
class Numbers:
    number: int                 # 期号, within the year
    total: int                  # 总期号
    notices: tuple[str, ...]    # what the editor must settle: a number another issue has, or out of order
    number_clash: str | None = None   # the issue after this one whose 期号 is not above it
    total_clash: str | None = None    # the same for 总期号


def numbers_for(root: Path, issue_id: str, day: date) -> Numbers:
    """The 期号 and 总期号 of a new issue with this ID and date, by its place among the issues there are."""
    issues = [i for i in existing_issues(root) if i.id != issue_id]
    place = (day, issue_id)
    notices = []
    number, clash = _in_place(place, [i for i in issues if i.date.year == day.year], lambda i: i.number)
    number_clash = clash.id if clash else None
    if clash is not None:
        notices.append(_('in date order {issue_id} comes before {other}, which is 第{taken}期 of {year}: so its own 本年期号 '
                         '(期号) would be {number}').format(issue_id=issue_id, other=clash.id, taken=clash.number, year=day.year,
                                                    number=number) + _settle(number, clash))
    total, clash = _in_place(place, issues, lambda i: i.total)
    total_clash = clash.id if clash else None
    if clash is not None:
        notices.append(_('in date order {issue_id} comes before {other}, which is 总第{taken}期: so its own 总期号 would '
                         'be {number}').format(issue_id=issue_id, other=clash.id, taken=clash.total, number=total)
                       + _settle(total, clash))
    return Numbers(number, total, tuple(notices), number_clash, total_clash)


def _settle(number: int, other: Numbered) -> str:
    return _('; new-issue renumbers no issue that exists (it may be printed already), so it wrote {number}: settle the '
             'numbers in content/{other}/issue.yaml and in this one (`check` warns while two issues share a number)').format(
        number=number, other=other.id)


def _in_place(place: tuple, issues: list[Numbered], number_of) -> tuple[int, Numbered | None]:
    """One more than the highest number before place; or, first, one less than the lowest after it (1 when
    none is numbered). And the issue after place whose number is not above it, if there is one."""
    numbered = [i for i in issues if number_of(i) is not None]
    before = [i for i in numbered if (i.date, i.id) < place]
    after = sorted((i for i in numbered if (i.date, i.id) > place), key=lambda i: (i.date, i.id))
    if before:
        number = max(number_of(i) for i in before) + 1
    elif after:
        number = max(min(number_of(i) for i in after) - 1, 1)
    else:
        number = 1
    return number, next((i for i in after if number_of(i) <= number), None)


def existing_issues(root: Path) -> list[Numbered]:
    """Every issue folder of content/ with an issue.yaml, drafts and empty ones too; one that cannot be
    read is left out (the build names its problem)."""
    content = root / "content"
    found = []
    for folder in sorted(content.iterdir()) if content.is_dir() else []:
        meta = folder / "issue.yaml"
        if folder.name.startswith((".", "_")) or not ISSUE_ID.fullmatch(folder.name) or not meta.is_file():
            continue
        try:
            raw = parse_yaml(tidy_yaml(read_text(meta), frozenset(ISSUE_KEYS)), meta)
            values = {ISSUE_KEYS[str(k).strip()]: v for k, v in raw.items() if str(k).strip() in ISSUE_KEYS} \
                if isinstance(raw, dict) else {}
            day = parse_date(values.get("date"), meta, None)
        except (ContentError, OSError):
            continue
        found.append(Numbered(folder.name, day, _whole(values.get("number")), _whole(values.get("total_number"))))
    return found


def _whole(value) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 9 else None
