"""site.yaml's deploy settings that this deploy's target does not use, each a warning at its own line.

`ssh` is how deploy reaches a server (user@host:/path): a folder or a bucket never reads it. `endpoint`,
`region`, `addressing`, `max_deletes` and `cache` are object storage's (s3://): a folder or a server
never reads them. A setting written for one kind of target and deployed to another (a target changed
in site.yaml, or --target) would otherwise do nothing without a word: an editor who set max_deletes
to guard a server, or ssh for a bucket, believes it guards. `keep`, `bandwidth` and `after` are every
target's.
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import ContentError, ContentWarning
from ..core.i18n import _
from ..source.config import DEPLOY_KEYS, TOP_KEYS
from ..source.yamlfile import parse_yaml, read_text, tidy_yaml, value_lines

BUCKET_ONLY = ("endpoint", "region", "addressing", "max_deletes", "cache")
SERVER_ONLY = ("ssh",)


def _lines(root: Path) -> dict[tuple, int]:
    path = root / "site.yaml"
    try:
        text = tidy_yaml(read_text(path), TOP_KEYS | DEPLOY_KEYS)
        parse_yaml(text, path)   # (read already by load_config: this only guards value_lines)
        return value_lines(text)
    except (ContentError, ValueError):
        return {}


def setting_line(root: Path, key: str) -> int | None:
    """The line of site.yaml's deploy.key, or None."""
    return _lines(root).get(("deploy", key))


def unused_settings(root: Path, kind: str, target) -> list[str]:
    """The warnings, rendered, for deploy settings of site.yaml that a deploy to target does not use;
    kind: "folder", "server" (user@host:/path) or "bucket" (s3://)."""
    return [warning.render() for warning in unused_setting_warnings(root, kind, target)]


def configured_unused(root: Path, target: str) -> list[ContentWarning]:
    """The same for site.yaml's own target (`check` says them before any deploy)."""
    from ..source.deploysettings import REMOTE
    from ..source.s3settings import is_bucket_target

    if not target:
        return []
    kind = "bucket" if is_bucket_target(target) else "server" if REMOTE.match(target) else "folder"
    return unused_setting_warnings(root, kind, target)


def unused_setting_warnings(root: Path, kind: str, target) -> list[ContentWarning]:
    path, lines = root / "site.yaml", _lines(root)
    unused = (SERVER_ONLY if kind != "server" else ()) + (BUCKET_ONLY if kind != "bucket" else ())
    warnings = []
    for key in unused:
        line = lines.get(("deploy", key))
        if line is None:
            continue
        if key in SERVER_ONLY:
            message = (_('`ssh` is how deploy reaches a server (user@host:/path); this deploy to the folder {target} does not '
                          'use it: delete the line, or write the target as user@host:/path') if kind == "folder" else
                       _('`ssh` is how deploy reaches a server (user@host:/path); this deploy to object storage {target} does '
                         'not use it: delete the line')).format(target=target)
        else:
            message = _('`{key}` is a setting of object storage (s3://); this deploy to {target} does not use it: delete the '
                        'line, or write the target as s3://bucket/folder').format(key=key, target=target)
        warnings.append(ContentWarning(path, line, message))
    return warnings
