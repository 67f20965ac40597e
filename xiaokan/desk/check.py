"""`build.py check`: the build that does not publish. Every problem at once, the same verdict as
build and serve; templates (the print template too) are rendered; nothing is written to output/."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..builder import BuildOptions, Outputs, make_outputs
from ..errors import ContentError, ContentErrors, ContentWarning
from ..i18n import _
from ..source.content import ARTICLE_SUFFIXES, is_editor_temp_file
from ..urls import source_path


def check_site(root: Path, log: Callable[[str], None] = lambda msg: None) -> tuple[list[ContentError], list[ContentWarning]]:
    """(errors, warnings and notices) for the whole project."""
    try:
        made = make_outputs(root, BuildOptions(pdf=False, search=False), (root / "output").resolve(), log)
        _render_print_editions(made)
    except ContentErrors as exc:
        return exc.errors, []
    except ContentError as exc:
        return [exc], []
    return [], made.warnings + unused_files(made)


def _render_print_editions(made: Outputs) -> None:
    """The print HTML of every issue (what WeasyPrint would be given), so that a mistake in the print
    template is found here and not by the print office."""
    import jinja2

    from ..paper.pdf import PRINT_TEMPLATE, print_html

    for issue in made.site.issues:
        try:
            print_html(made.env, made.site, issue, made.bodies)
        except jinja2.TemplateError as exc:
            line = getattr(exc, "lineno", None)
            raise ContentError(Path("templates") / PRINT_TEMPLATE, line, _('template error: {exc}').format(exc=exc)) from None


def unused_files(made: Outputs) -> list[ContentWarning]:
    """Notices for files in content/ that no published article or issue uses: they stay private."""
    root = made.site.root
    used = {source_path(root, path) for path in made.copies if not path.startswith("assets/")}
    used |= {article.source.parent / name for article in made.site.articles
             for name in made.bodies[article.url].data_files}
    used = {p.resolve() for p in used}
    notices = []
    for path in sorted((root / "content").rglob("*")):
        rel = path.relative_to(root / "content")
        if not path.is_file() or any(is_editor_temp_file(part) for part in rel.parts) or len(rel.parts) < 2:
            continue
        if path.name == "issue.yaml" or path.suffix.lower() in ARTICLE_SUFFIXES or path.resolve() in used:
            continue
        notices.append(ContentWarning(path, None, _('nothing uses this file, so it is not published'), "notice"))
    return notices
