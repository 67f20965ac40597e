"""Whether output/ is a whole built site that a deploy may publish (deploy.py and s3deploy.py).

A build writes the marker and index.html; a build killed while it swapped files in place leaves its
journal (output.py) and, beside the pages, the new and old copies it was exchanging: such an output/
is part new, part old, and a deploy of it would publish pages whose styles or photos are of the other
build (and the `.xiaokan-new` files themselves). The next build puts the last good site back first.
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import DeployError
from ..core.i18n import _
from .output import _JOURNAL, MARKER


def check_built(source: Path) -> None:
    """DeployError unless source (output/) holds a whole site a build finished."""
    if not (source / MARKER).is_file() or not (source / "index.html").is_file():
        raise DeployError(source, None, _('there is no built site to deploy in output/'), _('run `build.py build` first'))
    if (source / _JOURNAL).exists():
        raise DeployError(source, None, _('output/ holds a build that was stopped midway: some of its files are of the new '
                                          'build, some of the last one'),
                          _('run `build.py build` again (it puts the last whole site back and builds), then deploy'))
