"""The lines a deploy prints, the same for every kind of target (a folder, SSH, object storage)."""
from __future__ import annotations

import sys

from ..core.i18n import _


def warn(line: str) -> None:
    """A warning: printed with --quiet too, which leaves out only what went well (a deploy.after that
    failed said nothing and ended with status 1)."""
    print(line, file=sys.stderr, flush=True)


def unchanged_line(target, dry_run: bool) -> str:
    """An unchanged site makes no release: what a deploy (or its dry run) says instead."""
    return (_('dry run: the site has not changed since the last deploy to {target}, so deploy would make no new '
              'release (--force makes one anyway); nothing was changed') if dry_run else
            _('the site has not changed since the last deploy: {target} serves it already, so no new release '
              'was made (--force makes one anyway)')).format(target=target)


def plan_lines(uploaded: list[str], deleted: list[str], removed: list[str]) -> list[str]:
    """A dry run's list: each file it would upload and delete, and each old release it would remove."""
    return ([_('  upload  {name}').format(name=name) for name in uploaded]
            + [_('  delete  {name}').format(name=name) for name in deleted]
            + [_('  remove old release  {name}').format(name=name) for name in removed])


def done_lines(uploaded: list[str], deleted: list[str]) -> list[str]:
    """--verbose: each file a deploy uploaded and deleted."""
    return ([_('  uploaded {name}').format(name=name) for name in uploaded]
            + [_('  deleted  {name}').format(name=name) for name in deleted])


def closing_lines(removed: list[str], warning: str | None, previous: str | None, color) -> list[str]:
    """What a deploy says after its release went live: old releases removed, and what --rollback would
    bring back. A step after the switch that failed (warning) is said at once, --quiet or not."""
    lines = []
    if removed:
        lines.append(_('removed {count} old release(s) that --rollback no longer reaches: {names}').format(
            count=len(removed), names="、".join(removed)))
    if warning:
        warn(color("33", _('warning: ') + warning))
    if previous:
        lines.append(_('`build.py deploy --rollback` makes {previous} live again').format(previous=previous))
    return lines
