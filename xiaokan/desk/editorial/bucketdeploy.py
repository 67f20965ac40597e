"""发布 and 回滚 from the desk when site.yaml deploys to object storage (`target: s3://…`): the very
functions `build.py deploy` calls there (publish/s3deploy.py), answered in the shape tasks.py gives
the page for a server, so that the page needs to know nothing of where the site goes."""
from __future__ import annotations

from pathlib import Path

from ...core.errors import DeployError
from ...core.i18n import _


def bucket_of(config):
    """The object storage site.yaml (read as config) deploys to (`target: s3://…`), else None."""
    from ...publish.s3target import parse_s3_target
    from ...source.s3settings import is_bucket_target

    return parse_s3_target(config.deploy.target) if is_bucket_target(config.deploy.target) else None


def _whole(error: DeployError) -> DeployError:
    """A deploy cut off midway says what the site is now (the command line's last line) as its hint."""
    trailer = getattr(error, "trailer", "")
    return DeployError(None, None, error.message, trailer) if trailer else error


def deploy(root: Path, target, config, dry_run: bool, job) -> dict:
    from ...publish.gone import deploy_warning
    from ...publish.s3deploy import deploy as run_deploy
    from .publishing import before_publishing, site_stamp

    stamp = site_stamp(root)
    try:
        result = run_deploy(root, target, config.deploy, dry_run=dry_run, base_url=config.base_url)
    except DeployError as exc:
        raise _whole(exc) from None
    if dry_run:
        if result.refusal:   # (the list first on the command line; the page shows the refusal)
            raise result.refusal
        return {"target": str(target), "upload": result.uploaded[:500], "delete": result.deleted[:500],
                "counts": [len(result.uploaded), len(result.deleted)], "stamp": stamp,
                "gone": deploy_warning(root, result.deleted), "unchanged": result.same,
                **before_publishing(root),
                "summary": _('the site has not changed since the last 发布: there is nothing to publish') if result.same else ""}
    back = (_('回滚 would bring back release {release}').format(release=result.previous) if result.previous
            else _('there is no earlier release for 回滚 to bring back yet'))
    if result.same:
        return {"target": str(target), "release": None, "previous": result.previous,
                "summary": _('the site has not changed since the last 发布: there is nothing to publish') + "\n" + back}
    lines = [_('deployed to {target}: release {release} is live ({sent} object(s) uploaded, {size}; {unchanged} '
               'unchanged; {deleted} deleted) in {seconds:.1f} s').format(
        target=target, release=result.release, sent=len(result.uploaded), size=_size(result.sent_bytes),
        unchanged=result.unchanged, deleted=len(result.deleted), seconds=result.seconds)]
    if result.warning:
        lines.append(_('warning: ') + result.warning)
    if result.after and result.after.problem:
        lines.append(_('warning: ') + result.after.problem)
    return {"target": str(target), "release": result.release, "previous": result.previous,
            "summary": "\n".join([*lines, back])}


def rollback_plan(root: Path, target, config, job) -> dict:
    from ...publish.s3deploy import rollback as run_rollback

    plan = run_rollback(root, target, config.deploy, dry_run=True)
    return {"target": str(target), "live": plan.live, "withdrawn": plan.withdrawn,
            "summary": _('回滚 would bring back release {live} on {target} (instead of {withdrawn}, live now)').format(
                live=plan.live, target=target, withdrawn=plan.withdrawn)}


def rollback(root: Path, target, config, job) -> dict:
    from ...publish.s3deploy import rollback as run_rollback

    try:
        back = run_rollback(root, target, config.deploy, base_url=config.base_url)
    except DeployError as exc:
        raise _whole(exc) from None
    summary = _('rolled back {target}: {new} is live again (instead of {old}; {restored} object(s) put back, '
                '{deleted} deleted)').format(target=target, new=back.live, old=back.withdrawn,
                                             restored=len(back.restored), deleted=len(back.deleted))
    if back.after and back.after.problem:
        summary += "\n" + _('warning: ') + back.after.problem
    return {"summary": summary}


def _size(count: int) -> str:
    from ...publish.s3command import size_text

    return size_text(count)
