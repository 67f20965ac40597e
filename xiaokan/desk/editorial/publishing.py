"""The desk's 发布 and 回滚: the very functions `build.py deploy` calls (publish/deploy.py for a folder or
a server, bucketdeploy.py for object storage), with what the 主编 is to know before confirming
(before_publishing). A 回滚 with no earlier release to bring back changed nothing and is no failure:
it is answered as information (`nothing`), not as an error."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ...core.errors import NothingToRollBack
from ...core.i18n import _
from .tasks import Job, newer_than_site, problem


@dataclass(frozen=True)
class Destination:
    """Where 发布 and 回滚 go, as site.yaml says: object storage (bucket) or else a folder or server (target)."""
    config: object   # site.yaml's settings
    bucket: object   # the s3:// target, or None
    target: object   # the folder or server, or None (with a bucket)


def destination(root: Path, job: Job | None = None) -> Destination:
    """site.yaml's deploy target; with job (发布), the settings that target does not use go into the job's
    warnings first, as `check` and `deploy` say them (a 主编 who wrote `endpoint:` for a server learns it
    does nothing before relying on it). No target is an error saying who sets it."""
    from ...publish.unusedsettings import configured_unused
    from ...source.config import load_config
    from . import bucketdeploy

    config = load_config(root / "site.yaml")
    if job is not None:
        job.problems += [problem(w, "warning") for w in configured_unused(root, config.deploy.target)]
    bucket = bucketdeploy.bucket_of(config)
    return Destination(config, bucket, None if bucket else deploy_target(root, config))


def deploy_target(root: Path, site_config):
    """The folder or server site.yaml (read as site_config) deploys to; none is an error saying who sets it."""
    from ...core.errors import DeployError
    from ...publish.deploy import parse_target
    from ...source.deploysettings import commented_deploy_line

    config = site_config.deploy
    if not config.target:
        line = commented_deploy_line(root / "site.yaml")
        raise DeployError(root / "site.yaml", line, _('there is no deploy target'), _(
            'whoever looks after the web server deletes the # at the start of the deploy: lines of site.yaml and '
            'writes the target there; then 发布 works from the desk') if line else _(
            'whoever looks after the web server adds `deploy:` with `target: user@host:/srv/www/site` '
            '(or a folder) to site.yaml; then 发布 works from the desk'))
    return parse_target(config.target, root, config.ssh)


def before_publishing(root: Path) -> dict:
    """What 发布's dry run warns of: the files saved since 生成网站 (newer_than_site), and the articles on
    the built site (not drafts: the build publishes them all the same) that have not passed 三审 as they
    are, each with its reason: `voided`, 需重审 (their text changed after a step), and `unreviewed`,
    未经三审 (published without 终审: only some steps, or none)."""
    from .board import board

    count, newer = newer_than_site(root)
    cards = [a for issue in board(root)["issues"] for group in issue["groups"] for a in group["articles"]
             if not a["draft"] and a["built"]]
    voided = [{"path": a["path"], "title": a["title"], "reason": _reset_reason(a)} for a in cards if a["state"] == "需重审"]
    unreviewed = [{"path": a["path"], "title": a["title"], "reason": _(
        'published without 终审: only {steps} so far').format(steps="、".join(a["steps"])) if a["steps"] else _(
        'published without any step of 三审')} for a in cards if a["state"] == "未经三审"]
    return {"newer": newer, "newer_count": count, "voided": voided, "unreviewed": unreviewed}


def _reset_reason(card: dict) -> str:
    reset = card.get("reset") or {}
    steps = "、".join(reset.get("steps") or ()) or "三审"
    return _('changed after {steps} ({who}{at}): to be reviewed again').format(
        steps=steps, who=reset.get("by") or _("outside the desk"), at=f" {reset['at']}" if reset.get("at") else "")


def _after(root: Path, config, target, release: str, changed: list[str], summary: str) -> str:
    """site.yaml's deploy.after, run as `build.py deploy` runs it after a deploy or rollback to a folder or
    server (a CDN refresh); its failure is a warning under the summary: the site itself is published."""
    from ...publish.afterdeploy import run_after

    ran = run_after(config.deploy.bucket.after, root, target, release, config.base_url, changed)
    return summary + ("\n" + _('warning: ') + ran.problem if ran and ran.problem else "")


def site_stamp(root: Path) -> float:
    """When output/ was last built: a deploy confirms the dry run of this very build."""
    marker = root / "output" / "index.html"
    return marker.stat().st_mtime if marker.is_file() else 0.0


def deploy(root: Path, dry_run: bool, job: Job) -> dict:
    """发布: `build.py deploy --dry-run` (the list, with the files saved since the last 生成网站, which it
    would not publish), or `build.py deploy` after it (with the release 回滚 would bring back)."""
    from ...publish.deploy import deploy as run_deploy
    from ...publish.gone import deploy_warning
    from . import bucketdeploy

    where = destination(root, job)
    if where.bucket:   # object storage (s3://): bucketdeploy.py
        return bucketdeploy.deploy(root, where.bucket, where.config, dry_run, job)
    config, target = where.config, where.target
    stamp = site_stamp(root)
    result = run_deploy(root, target, config.deploy, dry_run=dry_run)
    if dry_run:
        unchanged = bool(getattr(result, "unchanged", False)) or not (result.uploaded or result.deleted)
        return {"target": str(target), "upload": result.uploaded[:500], "delete": result.deleted[:500],
                "counts": [len(result.uploaded), len(result.deleted)], "stamp": stamp,
                "gone": deploy_warning(root, result.deleted), "unchanged": unchanged,
                **before_publishing(root),
                "summary": _('the site has not changed since the last 发布: there is nothing to publish') if unchanged else ""}
    back = (_('回滚 would bring back release {release}').format(release=result.previous) if result.previous
            else _('there is no earlier release for 回滚 to bring back yet'))
    if getattr(result, "unchanged", False):
        return {"target": str(target), "release": None, "previous": result.previous,
                "summary": _('the site has not changed since the last 发布: there is nothing to publish') + "\n" + back}
    summary = _('deployed to {target}: release {release} is live ({sent} file(s) uploaded, {linked} unchanged and '
                'shared with the last release, {deleted} removed)').format(
        target=target, release=result.release, sent=len(result.uploaded), linked=result.linked,
        deleted=len(result.deleted)) + ("\n" + result.warning if result.warning else "") + "\n" + back
    return {"target": str(target), "release": result.release, "previous": result.previous,
            "summary": _after(root, config, target, result.release, result.uploaded + result.deleted, summary)}


def rollback_plan(root: Path, job: Job) -> dict:
    """What 回滚 would do, changing nothing: `build.py deploy --rollback --dry-run`."""
    from ...publish.deploy import rollback as run_rollback
    from . import bucketdeploy

    where = destination(root)
    try:
        if where.bucket:
            return bucketdeploy.rollback_plan(root, where.bucket, where.config, job)
        plan = run_rollback(where.target, dry_run=True)
    except NothingToRollBack as nothing:
        return nothing_to_roll_back(where, nothing)
    return {"target": str(where.target), "live": plan.live, "withdrawn": plan.withdrawn,
            "summary": _('回滚 would bring back release {live} on {target} (instead of {withdrawn}, live now)').format(
                live=plan.live, target=where.target, withdrawn=plan.withdrawn)}


def rollback(root: Path, job: Job) -> dict:
    """回滚: `build.py deploy --rollback`."""
    from ...publish.deploy import rollback as run_rollback
    from . import bucketdeploy

    where = destination(root)
    try:
        if where.bucket:
            return bucketdeploy.rollback(root, where.bucket, where.config, job)
        back = run_rollback(where.target)
    except NothingToRollBack as nothing:
        return nothing_to_roll_back(where, nothing)
    return {"summary": _after(root, where.config, where.target, back.live, [""], _(
        'rolled back {target}: {new} is live again (instead of {old})').format(target=where.target, new=back.live, old=back.withdrawn))}


def nothing_to_roll_back(where: Destination, nothing: NothingToRollBack) -> dict:
    """回滚 (or its plan) with no earlier release: nothing was changed, said as information with what it
    means and what to do instead (the page shows it neutral, and asks no confirmation)."""
    target = where.bucket or where.target
    if nothing.live is None:
        text = _('nothing was changed: nothing has been published to {target} yet, so there is no release for 回滚 to '
                 'bring back. 回滚 is for a 发布 that went wrong: it brings back the release published before it').format(target=target)
    else:
        text = _('nothing was changed: there is no earlier release for 回滚 to bring back yet. {release}, live on {target}, '
                 'is the earliest release kept; after the next 发布, 回滚 can bring it back. To change the website, '
                 'correct the articles, then 生成网站 and 发布 again').format(release=nothing.live, target=target)
    return {"nothing": True, "target": str(target), "live": None, "withdrawn": nothing.live, "summary": text}
