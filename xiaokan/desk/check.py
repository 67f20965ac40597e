"""`build.py check`: the build that does not publish. Every problem at once, the same verdict as
build and serve; templates (the print template too) are rendered; nothing is written to output/.
Drafts are checked too (serve shows them, and they will be published): their problems are listed
apart, since they do not stop the build of what is published."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..bodies import body_warnings, content_problems, convert_bodies, in_file_order
from ..builder import BuildOptions
from ..core.errors import ContentError, ContentErrors, ContentWarning
from ..core.i18n import _
from ..core.urls import source_path
from ..pipeline import Outputs, make_outputs
from ..publish.unusedsettings import configured_unused
from ..source.content import ARTICLE_SUFFIXES, is_editor_temp_file, read_site
from ..source.markup import Body


@dataclass(frozen=True)
class CheckResult:
    errors: list[ContentError]          # what stops `build`: nothing is published until they are fixed
    draft_errors: list[ContentError]    # problems of drafts (and issues in preparation), to fix before they are published
    warnings: list[ContentWarning]      # warnings and notices (ContentWarning.kind)


@dataclass(frozen=True)
class _Drafts:
    errors: list[ContentError]
    warnings: list[ContentWarning]
    used: set[Path]                     # files of content/ that the drafts use


def check_site(root: Path, log: Callable[[str], None] = lambda msg: None) -> CheckResult:
    """Errors of what is published, errors of the drafts, and warnings and notices, for the whole project."""
    made = None
    try:
        made = make_outputs(root, BuildOptions(pdf=False, search=False), (root / "output").resolve(), log)
        _render_print_editions(made)
        errors = []
    except ContentErrors as exc:
        errors = exc.errors
    except ContentError as exc:
        errors = [exc]
    drafts = _check_drafts(root, errors)
    if made is None:
        return CheckResult(errors, drafts.errors, drafts.warnings)
    return CheckResult(errors, drafts.errors, made.warnings + drafts.warnings + unused_files(made, drafts.used)
                       + configured_unused(root, made.site.config.deploy.target))


def _check_drafts(root: Path, published_errors: list[ContentError]) -> _Drafts:
    """The problems that only the drafts have: read with the drafts as the preview reads them, their
    bodies converted and their photos, tables and links checked."""
    try:
        loaded = read_site(root, drafts=True)
    except (ContentError, ContentErrors):   # site.yaml or content/ itself: the published pass said so
        return _Drafts([], [], set())
    site = loaded.site
    drafts = tuple(a for issue in site.issues for a in issue.articles if a.draft or issue.draft)
    draft_files = {a.source for a in drafts} | {i.folder / "issue.yaml" for i in site.issues if i.draft}
    known = {(str(e.path), e.line, e.message) for e in published_errors}
    errors = [e for e in loaded.problems if (str(e.path), e.line, e.message) not in known]
    warnings = [w for w in loaded.warnings if w.path in draft_files]
    bodies, problems = convert_bodies(site, articles=drafts)
    unreadable = frozenset(Path(p.path) for p in loaded.problems if p.path)
    errors += problems + content_problems(site, bodies, unreadable, drafts)
    return _Drafts(in_file_order(errors), warnings + body_warnings(drafts, bodies), _files_used(drafts, bodies, root))


def _files_used(articles, bodies: dict[str, Body], root: Path) -> set[Path]:
    used = set()
    for article in articles:
        body = bodies[article.url]
        used |= {source_path(root, ref.path.split("#", 1)[0]).resolve() for ref in body.references if ref.path}
        used |= {(article.source.parent / name).resolve() for name in body.data_files}
    return used


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


def unused_files(made: Outputs, used_by_drafts: set[Path] = frozenset()) -> list[ContentWarning]:
    """Notices for files in content/ that no article or issue uses (a draft's photo is used: it will
    be published with its draft); such files stay private."""
    root = made.site.root
    used = {source_path(root, path) for path in made.copies if not path.startswith("assets/")}
    used |= {article.source.parent / name for article in made.site.articles
             for name in made.bodies[article.url].data_files}
    used = {p.resolve() for p in used} | set(used_by_drafts)
    notices = []
    for path in sorted((root / "content").rglob("*")):
        rel = path.relative_to(root / "content")
        if not path.is_file() or any(is_editor_temp_file(part) for part in rel.parts) or len(rel.parts) < 2:
            continue
        if path.name == "issue.yaml" or path.suffix.lower() in ARTICLE_SUFFIXES or path.resolve() in used:
            continue
        notices.append(ContentWarning(path, None, _('nothing uses this file, so it is not published'), "notice"))
    return notices
