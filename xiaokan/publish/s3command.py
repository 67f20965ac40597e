"""`build.py deploy` to object storage, as the command line says it: the flags (--dry-run, --rollback,
--force, --target, --verbose, --quiet) mean what they mean for a server (cli.py hands an s3:// target
here), and every line the editor reads is a catalogue message.

A dry run prints the objects it would upload and delete, one per line, exactly those the deploy then
sends and deletes, and changes nothing; a deploy that would delete more than max_deletes is refused
after its list. `deploy.after` failing is a warning and exit status 1: the deploy stays done.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..core.i18n import _
from .afterdeploy import report_after
from .deployreport import closing_lines, done_lines, plan_lines, unchanged_line, warn
from .gone import deploy_warning
from .s3deploy import deploy, rollback
from .s3target import parse_s3_target
from .unusedsettings import unused_settings

EXIT_OK, EXIT_FAILED = 0, 1


def size_text(count: int) -> str:
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f} MB"
    return f"{count / 1000:.0f} KB" if count >= 1000 else f"{count} B"


def deploy_to_bucket(root: Path, text: str, args, log: Callable[[str], None], color: Callable[[str, str], str],
                     out: Callable[[str], None] = print) -> int:
    """The deploy command for a target s3://…: text is the target given (--target) or configured."""
    from ..source.config import load_config

    config = load_config(root / "site.yaml")
    options = config.deploy
    target = parse_s3_target(text)
    if args.target is not None and options.target and options.target != text:
        log(_("using --target {target}, not site.yaml's target {configured}").format(target=target, configured=options.target))
    for line in unused_settings(root, "bucket", target):
        warn(color("33", line))
    if args.rollback:
        back = rollback(root, target, options, dry_run=args.dry_run, base_url=config.base_url)
        if args.dry_run or args.verbose:
            for name in back.restored:
                (out if args.dry_run else log)(_('  restore {name}').format(name=name))
            for name in back.deleted:
                (out if args.dry_run else log)(_('  delete  {name}').format(name=name))
        if args.dry_run:
            log(_('dry run: --rollback would make {new} live again on {target} (instead of {old}): {restored} object(s) put '
                  'back and {deleted} deleted; nothing was changed').format(
                new=back.live, target=target, old=back.withdrawn, restored=len(back.restored), deleted=len(back.deleted)))
            return EXIT_OK
        if back.unfinished:
            log(color("32", _('rolled back {target}: the unfinished deploy {old} was undone and {new} is whole again '
                              '({restored} object(s) put back, {deleted} deleted)').format(
                target=target, old=back.withdrawn, new=back.live, restored=len(back.restored), deleted=len(back.deleted))))
        else:
            log(color("32", _('rolled back {target}: {new} is live again (instead of {old}; {restored} object(s) put back, '
                              '{deleted} deleted)').format(target=target, new=back.live, old=back.withdrawn,
                                                           restored=len(back.restored), deleted=len(back.deleted))))
        log(_('another `build.py deploy --rollback` makes {earlier} live').format(earlier=back.earlier) if back.earlier
            else _('there is no release before it to roll back to'))
        return report_after(back.after, args, log, color, rolled_back=True)
    result = deploy(root, target, options, dry_run=args.dry_run, force=args.force, base_url=config.base_url)
    if result.foreign:
        if args.verbose or args.dry_run:
            for name in result.foreign:
                log(_('  not deploy\'s, left alone  {name}').format(name=name))
        log(_('{count} object(s) under {target} were not put there by deploy and are left as they are{more}').format(
            count=len(result.foreign), target=target, more="" if args.verbose or args.dry_run else _(' (--verbose lists them)')))
    if result.same:
        log(color("32", unchanged_line(target, args.dry_run)))
        return EXIT_OK
    if args.dry_run:
        for line in plan_lines(result.uploaded, result.deleted, result.removed_releases):
            out(line)
        log(_('dry run: {sent} object(s) ({size}) would be uploaded and {deleted} deleted in {target}, {unchanged} are '
              'unchanged, and {removed} old release(s) forgotten; nothing was changed').format(
            sent=len(result.uploaded), size=size_text(result.sent_bytes), deleted=len(result.deleted), target=target,
            unchanged=result.unchanged, removed=len(result.removed_releases)))
        gone = deploy_warning(root, result.deleted)
        if gone:
            warn(color("33", _('warning: ') + gone))
        if result.refusal:
            raise result.refusal
        return EXIT_OK
    if args.verbose:
        for line in done_lines(result.uploaded, result.deleted):
            log(line)
    log(color("32", _('deployed to {target}: release {release} is live ({sent} object(s) uploaded, {size}; {unchanged} '
                      'unchanged; {deleted} deleted) in {seconds:.1f} s').format(
        target=target, release=result.release, sent=len(result.uploaded), size=size_text(result.sent_bytes),
        unchanged=result.unchanged, deleted=len(result.deleted), seconds=result.seconds)))
    for line in closing_lines(result.removed_releases, result.warning, result.previous, color):
        log(line)
    return report_after(result.after, args, log, color)
