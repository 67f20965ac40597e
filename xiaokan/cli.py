"""Command-line parsing and the mapping of errors to messages and exit codes."""
from __future__ import annotations

import argparse
import gc
import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from .core.errors import (
    ContentError,
    ContentErrors,
    ContentWarning,
    DeployError,
    did_you_mean,
    display_path,
    environment_error,
)
from .core.i18n import N_, _
from .publish.output import PRINT_DIR

EXIT_OK, EXIT_CONTENT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
ROLES = ("编辑", "审核", "主编")
USER_ACTIONS = ("add", "list", "remove", "passwd")


def _color(code: str, text: str) -> str:
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        return f"\033[{code}m{text}\033[0m"
    return text


# argparse's own messages (usage, missing or mistyped arguments), translated by our catalogue too.
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"), N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"), N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("expected one argument"),
    N_("expected at least one argument"), N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)
argparse._ = _   # (argparse looks its messages up through this name)


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--quiet", "-q", action="store_true", help=_('print only warnings and errors'))
    common.add_argument("--verbose", "-v", action="store_true", help=_('also list every file written'))
    p = argparse.ArgumentParser(prog="build.py", description=_('校刊：把 content/ 里的 Markdown 生成网站和每期的 PDF。'))
    sub = p.add_subparsers(dest="command", required=True, metavar=_("COMMAND"))
    b = sub.add_parser("build", parents=[common], help=_('build the website and the PDFs into output/'))
    b.add_argument("--no-pdf", action="store_true", help=_('skip rendering PDFs (cached up-to-date PDFs are still published)'))
    b.add_argument("--no-search", action="store_true",
                   help=_('a quick build: skip the search index and new social cards (the last ones made are still published)'))
    b.add_argument("--output", type=Path, metavar=_("FOLDER"), help=_('write the site here instead of output/'))
    pdf = sub.add_parser("pdf", parents=[common], help=_('build the site and (re)render the PDF of the issues named (default: all)'))
    pdf.add_argument("issues", nargs="*", metavar=_("ISSUE-ID"), help=_('e.g. 2024-06'))
    pdf.add_argument("--proof", action="store_true",
                     help=_('a proof (校样) with drafts and a watermark, and a page of what changed since the last proof; written to print/, never published'))
    pdf.add_argument("--strict", action="store_true",
                     help=_("treat the print preflight's warnings as errors: publish nothing until they are fixed"))
    sub.add_parser("check", parents=[common], help=_('check all content and templates without writing output/'))
    s = sub.add_parser("serve", parents=[common], help=_('preview in the browser; rebuilds and reloads on every save'))
    s.add_argument("--port", type=_port, default=8000, metavar=_("PORT"), help=_("default 8000"))
    s.add_argument("--host", default="127.0.0.1", metavar=_("ADDRESS"),
                   help=_('127.0.0.1 (default) is this computer only; 0.0.0.0 opens the preview to the local network'))
    s.add_argument("--no-pdf", action="store_true", help=_("do not render the edited issue's PDF in the background"))
    s.add_argument("--navigate", action="store_true", help=_('take open browser pages to the article just saved'))
    n = sub.add_parser("new", parents=[common], help=_('start a new article with complete front matter'))
    n.add_argument("title", metavar=_("TITLE"), help=_("the article's title, in quotes if it has spaces"))
    n.add_argument("--section", required=True, metavar=_("SECTION"), help=_('栏目, e.g. 评建动态'))
    n.add_argument("--issue", required=True, metavar=_("ISSUE-ID"), help=_('the issue folder, e.g. 2024-06'))
    ni = sub.add_parser("new-issue", parents=[common], help=_('start a new issue folder with its issue.yaml'))
    ni.add_argument("issue", metavar=_("ISSUE-ID"), help=_('e.g. 2024-07'))
    im = sub.add_parser("import", parents=[common], help=_('turn Word files (.docx) into draft articles of an issue'))
    im.add_argument("files", nargs="+", type=Path, metavar=_("FILE"), help=_('稿件.docx, several files, or a folder of them'))
    im.add_argument("--issue", required=True, metavar=_("ISSUE-ID"), help=_('the issue folder, e.g. 2024-07'))
    im.add_argument("--section", required=True, metavar=_("SECTION"), help=_('栏目, e.g. 评建动态'))
    im.add_argument("--replace", action="store_true",
                    help=_('a file imported before (or another of its name, or of its title) replaces its draft '
                           '(otherwise it is left out, never imported twice)'))
    im.add_argument("--separate", action="store_true",
                    help=_('a file with the name or title of a draft imported before is imported as a draft of its own'))
    w = sub.add_parser("wechat", parents=[common], help=_('write an article as HTML to paste into the WeChat (公众号) editor'))
    w.add_argument("article", metavar=_("ARTICLE"), help=_('its .md file, or 2024-06/<its address>'))
    d = sub.add_parser("deploy", parents=[common], help=_('publish output/ to the web server named in site.yaml (deploy: target)'))
    d.add_argument("--target", metavar=_("TARGET"), help=_('a folder, user@host:/path or s3://bucket/folder (instead of site.yaml)'))
    d.add_argument("--dry-run", action="store_true",
                   help=_('list what would change on the server (with --rollback: which release would be live), change nothing'))
    d.add_argument("--rollback", action="store_true", help=_('make the release that was live before the live one live again'))
    d.add_argument("--force", action="store_true",
                   help=_('make a new release even when the site has not changed since the last deploy (without it, '
                          'deploy then says so and changes nothing)'))
    du = sub.add_parser("desk-user", parents=[common],
                        help=_('accounts of the 编辑部 (the desk in the browser), needed for serve --host 0.0.0.0'))
    du.add_argument("action", type=_user_action, metavar=_("ACTION"), help=_('add, list, remove or passwd'))
    du.add_argument("name", nargs="?", metavar=_("NAME"), help=_('the person, e.g. 张三'))
    du.add_argument("--role", type=_role, default="编辑", metavar="{" + ",".join(ROLES) + "}",
                    help=_('编辑 edits and does 初审; 审核 also 复审 and 退回; 主编 also 终审, 发布 and 回滚'))
    return p


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(_('{text!r} is not a port number (1-65535), e.g. --port 8080').format(text=text))
    return int(text)


def _role(text: str) -> str:
    """A role of the desk (argparse's choices would call a wrong one a command that does not exist)."""
    if text.strip() not in ROLES:
        raise argparse.ArgumentTypeError(_('{value!r} is not a role of the desk: the roles are 编辑 (edits and does 初审), '
                                           '审核 (also 复审 and 退回) and 主编 (also 终审, 发布 and 回滚)').format(value=text))
    return text.strip()


def _user_action(text: str) -> str:
    if text not in USER_ACTIONS:
        guess = did_you_mean(text, USER_ACTIONS)
        raise argparse.ArgumentTypeError(
            _('desk-user has no {value!r}; did you mean {guess}? (it can add, list, remove or passwd)').format(value=text, guess=guess)
            if guess else _('desk-user has no {value!r}: it can add, list, remove or passwd (change a password)').format(value=text))
    return text


def run() -> None:
    """The `xiaokan` console command and `python -m xiaokan`: the project is the current folder."""
    sys.exit(main(sys.argv[1:], Path.cwd()))


def main(argv: list[str], root: Path) -> int:
    args = parser().parse_args(argv)
    log = (lambda msg: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        if args.command == "check":
            return _check(root, log, args.quiet)
        if args.command in ("new", "new-issue"):
            return _new(root, args)
        if args.command == "wechat":
            return _wechat(root)(args)
        if args.command == "import":
            return _import(root, args)
        if args.command == "deploy":
            return _deploy(root, args, log)
        if args.command == "desk-user":
            from .desk.editorial.usercmd import desk_user

            desk_user(root, args.action, args.name, args.role)
            return EXIT_OK
        if args.command == "serve":
            from .desk.serve import serve

            serve(root, args.host, args.port, pdf=not args.no_pdf, navigate=args.navigate, log=log)
            return EXIT_OK
        return _build(root, args, log)
    except DeployError as exc:
        print(_color("31", _("error: ")) + exc.render(), file=sys.stderr)
        # (a deploy to object storage cut off after its first upload says what the site is now: publish/s3deploy.py)
        print(getattr(exc, "trailer", "") or _('the live site was left as it was.'), file=sys.stderr)
        return EXIT_CONTENT_ERROR
    except ContentErrors as exc:
        for error in exc.errors:
            print(_color("31", _("error: ")) + error.render(), file=sys.stderr)
        writes_output = _writes_output(args)
        print((_('{count} problem(s); output/ was left as it was.') if writes_output else _('{count} problem(s).')).format(
            count=len(exc.errors)), file=sys.stderr)
        if args.command == "deploy":
            print(_('the live site was left as it was.'), file=sys.stderr)
        return EXIT_CONTENT_ERROR
    except ContentError as exc:
        print(_color("31", _("error: ")) + exc.render(), file=sys.stderr)
        _say_untouched(args)
        return EXIT_CONTENT_ERROR
    except KeyboardInterrupt:
        print(_('interrupted; output/ was left as it was.') if _writes_output(args) else _('interrupted.'), file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:   # the disk, not the content: full, read-only, no permission
        print(_color("31", _("error: ")) + environment_error(exc).render(), file=sys.stderr)
        _say_untouched(args)
        return EXIT_CONTENT_ERROR


def _writes_output(args) -> bool:
    """Whether the command builds output/ (build; pdf, but not its proofs, which go to print/ only): only
    then does a failure's last line say that output/ was left as it was."""
    return args.command == "build" or args.command == "pdf" and not args.proof


def _say_untouched(args) -> None:
    """The last line of a failure: what was not touched, where the command could have touched it."""
    if _writes_output(args):
        print(_('output/ was left as it was.'), file=sys.stderr)
    elif args.command == "deploy":
        print(_('the live site was left as it was.'), file=sys.stderr)


@contextmanager
def _few_collections():
    """A build makes objects by the hundred thousand and frees almost none before it ends, so the
    collector's frequent passes over them find nothing (5 % of a one-article edit). Passes are rarer
    while it runs (as mypy's build raises the threshold), and what existed before it, the imported
    engine, is set aside (gc.freeze). What the build leaves is set aside too: the command ends with
    it, and the interpreter's last collection over a million objects took 0.1-0.2 s of each build
    (as long as a one-article edit's page keys)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.freeze()


def _build(root: Path, args, log) -> int:
    from .builder import BuildOptions, build

    if args.command == "pdf" and args.proof and args.strict:
        raise ContentError(None, None, _('--strict is for the PDF that goes to the print shop; a proof (--proof) is for the '
                                         'reviewers, with its drafts and a watermark, and is never printed'),
                           _('leave out --strict to make a proof, or --proof to check the PDF for the print shop'))
    if args.command == "pdf" and args.proof:
        return _proofs(root, args, log)
    if args.command == "pdf":
        _known_issues(root, args.issues)
        options = BuildOptions(pdf=True, issue_ids=tuple(args.issues), strict=args.strict)
    else:
        options = BuildOptions(pdf=not args.no_pdf, search=not args.no_search, cards=not args.no_search, out_dir=args.output)
    out_dir = options.out_dir or root / "output"
    first = not (out_dir / "index.html").is_file()   # (then nothing was unchanged: all of it is new)
    with _few_collections():
        report = build(root, options, log)
    _print_warnings(report.warnings, args.quiet)
    if args.verbose:
        for path in report.rendered:
            log(_('  wrote {path}').format(path=path))
    # (the print office's PDFs are not in output/: say where they are)
    pdfs = _("; {count} PDF in {folder}/").format(count=len(report.pdfs), folder=display_path(root / PRINT_DIR)) \
        if report.pdfs else ""
    built = (_("built {issues} issue(s), {articles} articles, {pages} pages into {folder}/{pdfs} in {seconds:.2f} s") if first
             else _("built {issues} issue(s), {articles} articles, {pages} pages ({written} file(s) written, "
                    "the rest unchanged) into {folder}/{pdfs} in {seconds:.2f} s"))
    log(_color("32", built.format(issues=report.issues, articles=report.articles, pages=report.pages,
                                  written=len(report.rendered), folder=display_path(out_dir), pdfs=pdfs, seconds=report.seconds)))
    return EXIT_OK


def _print_warnings(warnings, quiet: bool) -> None:
    """Warnings always; notices (提示: nothing wrong, something to know) only without -q."""
    for warning in warnings:
        if not (quiet and warning.kind == "notice"):
            print(_color("33", warning.render()), file=sys.stderr)


def _new(root: Path, args) -> int:
    from .desk.scaffold import make_article, make_issue

    if args.command == "new":
        made = make_article(root, args.section, args.issue, args.title)
        said = _('new draft (write below its second ---; to publish it, change 草稿: true to false): {path}')
    else:
        made = make_issue(root, args.issue, date.today())
        said = _("new issue (its settings are in this file; add articles with .venv/bin/python build.py new or import): {path}")
    path = made.path
    for notice in made.notices:
        print(_color("33", ContentWarning(path, None, notice, "notice").render()), file=sys.stderr)
    print(said.format(path=display_path(path)))   # (the path last: a script may take it from the line's end)
    return EXIT_OK


def _import(root: Path, args) -> int:
    """Each file's report as soon as it is imported; the files that could not be, again at the end."""
    from .desk.wordimport import ImportFailure, import_each

    failed = []
    for result in import_each(root, args.files, args.issue, args.section, replace=args.replace, separate=args.separate):
        if isinstance(result, ImportFailure):
            failed.append(result.source)
            print(_color("31", _("error: ")) + result.error.render(), file=sys.stderr)
            continue
        lines = result.lines()
        print(lines[0], file=sys.stderr)
        for line in lines[1:]:
            print(_color("33", line), file=sys.stderr)
        if not result.skipped:
            print(display_path(root / result.article))
    if failed:
        print(_color("31", _("{count} file(s) were not imported: {names}").format(
            count=len(failed), names="、".join(display_path(path) for path in failed))), file=sys.stderr)
        return EXIT_CONTENT_ERROR
    return EXIT_OK


def _deploy(root: Path, args, log) -> int:
    from .publish.foldercommand import deploy_to_folder
    from .source.config import load_config
    from .source.deploysettings import commented_deploy_line
    from .source.s3settings import is_bucket_target

    config = load_config(root / "site.yaml")
    if args.target is not None and not args.target.strip():
        raise DeployError(None, None, _('--target is empty'), _('give a folder or user@host:/path, or leave --target out to use site.yaml'))
    text = args.target.strip() if args.target is not None else config.deploy.target
    if not text:
        line = commented_deploy_line(root / "site.yaml")
        raise DeployError(root / "site.yaml", line, _('there is no deploy target'), _(
            'delete the # and the space at the start of the deploy: lines and write the target there (a folder, '
            'user@host:/srv/www/site or s3://bucket/folder), or give --target') if line else _(
            'add `deploy:` with `target: user@host:/srv/www/site` (or a folder) to site.yaml, or give --target'))
    if args.rollback and args.force:
        raise DeployError(None, None, _('--force is for a deploy: a rollback makes an earlier release live and never '
                                        'makes a new one'), _('leave out --force (or --rollback)'))
    if is_bucket_target(text):   # object storage: publish/s3command.py
        from .publish.s3command import deploy_to_bucket

        return deploy_to_bucket(root, text, args, log, _color)
    return deploy_to_folder(root, config, text, args, log, _color)


def _proofs(root: Path, args, log) -> int:
    from .desk.proof import make_proof

    for issue_id in args.issues or [None]:
        proof = make_proof(root, issue_id, log)
        changed = "、".join(proof.changed) if proof.changed else _('none (the first proof, or nothing changed)')
        log(_('proof {number}: {value}; changes since the last proof: {changed} (see {value2})').format(number=proof.number, value=display_path(proof.pdf), changed=changed, value2=display_path(proof.changes)))
        print(display_path(proof.pdf))
    return EXIT_OK


def _wechat(root: Path):
    def run(args) -> int:
        from .desk.wechat import write_post

        path, post = write_post(root, args.article)
        for warning in post.warnings:
            print(_color("33", _("{path}: warning: {warning}").format(path=display_path(path), warning=warning)),
                  file=sys.stderr)
        print(display_path(path))
        return EXIT_OK
    return run


def _known_issues(root: Path, wanted: list[str]) -> None:
    """Every issue named for `pdf` exists and has an article to print (a PDF never holds drafts)."""
    if not wanted:
        return
    from .source.content import read_site

    existing = sorted(p.parent.name for p in (root / "content").glob("*/issue.yaml"))
    for issue_id in wanted:
        if issue_id not in existing:
            guess = did_you_mean(issue_id, existing)
            raise ContentError(root / "content" / issue_id, None, _('there is no issue {issue_id!r}').format(issue_id=issue_id),
                               _('did you mean {guess}?').format(guess=guess) if guess else
                               _('name a folder of content/ that has an issue.yaml, e.g. 2024-06'))
    published = {issue.id for issue in read_site(root).site.issues}
    for issue_id in wanted:
        if issue_id not in published:
            raise ContentError(root / "content" / issue_id / "issue.yaml", None,
                               _('issue {issue_id} has no published article yet (only drafts, or none), so it has no PDF').format(issue_id=issue_id),
                               _('for a proof with its drafts: .venv/bin/python build.py pdf {issue_id} --proof; to publish an article, '
                                 'write 草稿: 否 in it').format(issue_id=issue_id))


def _check(root: Path, log, quiet: bool) -> int:
    from .desk.check import check_site

    result = check_site(root, log)
    _print_warnings(result.warnings, quiet)
    for problem in result.errors:
        print(_color("31", _("error: ")) + problem.render(), file=sys.stderr)
    for problem in result.draft_errors:
        print(_color("31", _("error (draft): ")) + problem.render(), file=sys.stderr)
    count = len(result.errors) + len(result.draft_errors)
    if result.draft_errors:
        print(_('{count} problem(s) found, {drafts} of them in drafts (they do not stop `build`, but fix them before '
                'the drafts are published).').format(count=count, drafts=len(result.draft_errors)), file=sys.stderr)
    elif count:
        print(_('{count} problem(s) found.').format(count=count), file=sys.stderr)
    if count:
        return EXIT_CONTENT_ERROR
    warnings = sum(1 for w in result.warnings if w.kind == "warning")
    notices = len(result.warnings) - warnings
    counted = [_("{count} warning(s)").format(count=warnings)] * bool(warnings) + \
        [_("{count} notice(s)").format(count=notices)] * bool(notices)
    log(_color("32", _("content is fine ({counts})").format(counts=_(", ").join(counted)) if counted
               else _("content is fine")))
    return EXIT_OK
