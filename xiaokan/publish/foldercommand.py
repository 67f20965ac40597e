"""`build.py deploy` to a folder or over SSH, as the command line says it: the flags (--dry-run,
--rollback, --force, --target, --verbose) and every line the editor reads (cli.py hands such a target
here; object storage is s3command.py). `deploy.after` runs after a deploy or rollback that changed the
site, as it does for object storage; the settings this target does not use are warnings at their line
(unusedsettings.py)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..core.errors import DeployError
from ..core.i18n import _
from ..source.model import SiteConfig
from .afterdeploy import report_after, run_after
from .deploy import deploy, parse_target, rollback
from .deployreport import closing_lines, done_lines, plan_lines, unchanged_line, warn
from .gone import deploy_warning
from .unusedsettings import setting_line, unused_settings

EXIT_OK = 0


def deploy_to_folder(root: Path, config: SiteConfig, text: str, args, log: Callable[[str], None],
                     color: Callable[[str, str], str]) -> int:
    """The deploy command for a folder or user@host:/path target: text is the target given or configured."""
    options = config.deploy
    try:
        target = parse_target(text, root, options.ssh)
    except DeployError as exc:   # (site.yaml's target: said at its line)
        if args.target is not None:
            raise
        raise DeployError(root / "site.yaml", setting_line(root, "target"), exc.message, exc.hint) from None
    if args.target is not None and options.target and options.target != text:
        log(_("using --target {target}, not site.yaml's target {configured}").format(target=target, configured=options.target))
    for line in unused_settings(root, "server" if target.host else "folder", target):
        warn(color("33", line))
    if args.rollback:
        back = rollback(target, dry_run=args.dry_run)
        if args.dry_run:
            log(_('dry run: --rollback would make {new} live again on {target} (instead of {old}); nothing was changed').format(
                new=back.live, target=target, old=back.withdrawn))
            return EXIT_OK
        log(color("32", _('rolled back {target}: {new} is live again (instead of {old})').format(target=target, new=back.live, old=back.withdrawn)))
        log(_('another `build.py deploy --rollback` makes {earlier} live').format(earlier=back.earlier) if back.earlier
            else _('there is no release before it to roll back to'))
        return report_after(run_after(options.bucket.after, root, target, back.live, config.base_url, [""]), args, log, color,
                            rolled_back=True)
    result = deploy(root, target, options, dry_run=args.dry_run, force=args.force)
    if result.unchanged:
        log(color("32", unchanged_line(target, args.dry_run)))
        return EXIT_OK
    if args.dry_run:
        for line in plan_lines(result.uploaded, result.deleted, result.removed_releases):
            print(line)
        log(_('dry run: {sent} file(s) would be uploaded and {deleted} deleted on {target}, and {removed} old release(s) removed; '
              'nothing was changed').format(sent=len(result.uploaded), deleted=len(result.deleted), target=target,
                                            removed=len(result.removed_releases)))
        gone = deploy_warning(root, result.deleted)
        if gone:
            warn(color("33", _('warning: ') + gone))
        return EXIT_OK
    if args.verbose:
        for line in done_lines(result.uploaded, result.deleted):
            log(line)
    log(color("32", _('deployed to {target}: release {release} is live ({sent} file(s) uploaded, {linked} unchanged and '
                      'shared with the last release, {deleted} removed)').format(
        target=target, release=result.release, sent=len(result.uploaded), linked=result.linked, deleted=len(result.deleted))))
    for line in closing_lines(result.removed_releases, result.warning, result.previous, color):
        log(line)
    return report_after(run_after(options.bucket.after, root, target, result.release, config.base_url,
                               result.uploaded + result.deleted), args, log, color)
