"""Links (symlinks) in the project's folders. content/, assets/ and templates/ may themselves be links
(kept on a shared drive, say); a file or folder inside them that is a link leading out of them would
make the build read, and publish, something that is no part of the newsletter (a file in /tmp, a home
folder). Such a link is an error naming it; a link to another place inside them is followed."""
from __future__ import annotations

from pathlib import Path

from ..core.errors import ContentError, display_path
from ..core.i18n import _

CONTENT_HOMES = ("content", "assets")   # where an article, issue.yaml, photo, attachment or CSV may lead
TEMPLATE_HOMES = ("templates",)         # where a template may lead


def leads_outside(root: Path, path: Path, homes: tuple[str, ...] = CONTENT_HOMES) -> bool:
    """Whether path, followed through every link on its way, ends outside the homes of the project."""
    real = path.resolve()
    return not any(real.is_relative_to((root / home).resolve()) for home in homes)


def outside_link_error(root: Path, path: Path, homes: tuple[str, ...] = CONTENT_HOMES) -> ContentError | None:
    """The error for a file or folder that is (or lies behind) a link leading out of the homes; None if it
    stays inside them. (A path that is no link costs one lstat per folder it passes: realpath.)"""
    if not leads_outside(root, path, homes):
        return None
    places = "、".join(f"{home}/" for home in homes)
    target = display_path(path.resolve())
    if path.is_dir():
        return ContentError(path, None, _('this folder is a link to {target}, outside {places} of the project: the build '
                                          'would read and publish what is there').format(target=target, places=places),
                            _('move or copy the folder itself into {places} instead of linking to it').format(places=places))
    return ContentError(path, None, _('this file is a link (or lies in a linked folder) that leads to {target}, outside '
                                      '{places} of the project: the build would read and publish that file').format(
                            target=target, places=places),
                        _('copy the file itself into the folder instead of linking to it'))


def refuse_outside_links(root: Path, path: Path, homes: tuple[str, ...] = CONTENT_HOMES) -> None:
    """Raise outside_link_error for path, if there is one."""
    error = outside_link_error(root, path, homes)
    if error is not None:
        raise error
