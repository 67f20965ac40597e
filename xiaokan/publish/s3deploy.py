"""Publishing output/ to object storage (`deploy: target: s3://BUCKET/PREFIX`): the site's files are the
objects under PREFIX/, where the CDN or the bucket's own website serves them; deploy's record, the
releases' manifests and the copies --rollback needs are under PREFIX/.xiaokan/ (objectrecord.py).

A deploy (holding the bucket's lease, objectlock.py; objectplan.py works out what, before anything changes):
  1. writes the new release's manifest and a record that names it as being uploaded;
  2. copies the live objects it will overwrite or delete to .xiaokan/objects/ (for --rollback);
  3. uploads what changed, in order (objectheaders.py): what pages use, pages, the home page last;
  4. deletes the objects of deploy's that output/ no longer has (refused beforehand beyond max_deletes);
  5. records the release as live, removes the manifests --rollback no longer reaches and the copies no
     kept release needs, and runs `deploy.after`.
Object storage has no switch to turn in one step, so the order is what keeps the site whole: a deploy
cut off in step 3 or 4 leaves every old object in place and new ones beside them, each page with what
it shows. The next deploy compares the bucket as it is with output/ and completes it; --rollback
first undoes it (the release live before it is put back), then steps back through the history.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path

from ..core.errors import DeployError, NothingToRollBack
from ..core.i18n import _
from ..source.model import DeployOptions
from .afterdeploy import AfterResult, run_after
from .builtsite import built_site
from .objectheaders import cache_control, content_type, rank
from .objectlock import BucketLock, probe
from .objectplan import Plan, Put, deploy_plan, rollback_plan
from .objectrecord import OBJECTS, RECORD_NAME, RELEASES, STATE, Entry, Manifest, dump_manifest, parse_manifest
from .objectstore import WORKERS, ObjectStore
from .output import MARKER
from .releases import Record, after_deploy, after_rollback, dump_record, parse_record, release_name
from .s3target import S3Target


@dataclass
class PartialDeploy(DeployError):
    """A deploy or rollback that stopped after it had begun to change the objects of the site."""
    trailer: str = ""        # what the site is now (instead of "the live site was left as it was")


@dataclass(frozen=True)
class S3Result:
    release: str | None          # the release made live (None for a dry run, or an unchanged site)
    previous: str | None         # what --rollback makes live afterwards
    uploaded: list[str]
    deleted: list[str]
    unchanged: int
    removed_releases: list[str]
    foreign: list[str]           # objects under the prefix deploy did not put there (left alone)
    sent_bytes: int
    seconds: float
    same: bool = False           # output/ is what is live: no release was made (or, dry, would be)
    refusal: DeployError | None = None   # (dry run) why the deploy would be refused
    warning: str | None = None   # a step after the site was complete that failed
    after: AfterResult | None = None


@dataclass(frozen=True)
class S3Rollback:
    withdrawn: str               # the release that was live, or the unfinished deploy undone
    live: str                    # the release live again
    earlier: str | None          # what another --rollback would make live
    restored: list[str]
    deleted: list[str]
    unfinished: bool             # an unfinished deploy was undone (the live release stays live)
    after: AfterResult | None = None


@dataclass(frozen=True)
class _State:
    record: Record                       # as the bucket is: made and live only name manifests present
    remote: dict[str, str | None]        # the site's objects: path -> MD5 of its content (None: unknown)
    releases: frozenset[str]             # every manifest's name
    stored: frozenset[str]               # the contents in .xiaokan/objects/
    manifests: dict[str, Manifest]
    unfinished: tuple[str, ...]          # manifests of deploys that did not finish

    @property
    def live(self) -> Manifest:
        return self.manifests[self.record.live[-1]] if self.record.live else Manifest()

    def owned(self) -> set[str]:
        return {path for m in self.manifests.values() for path in m.objects}


def deploy(root: Path, target: S3Target, options: DeployOptions, dry_run: bool = False, force: bool = False,
           base_url: str = "", store: ObjectStore | None = None) -> S3Result:
    """Upload output/ as a new release and record it as live; or, dry, say exactly what that would
    upload and delete (and whether it would be refused), changing nothing."""
    started = time.monotonic()
    with built_site(root) as source:   # (a snapshot: a build started meanwhile does not change what is sent)
        local = site_manifest(source, options.bucket.cache)
        store = store or ObjectStore(target, options.bucket, options.bandwidth)
        if dry_run:
            probe(store)
            return _deploy(source, local, store, target, options, True, force, None, started)
        with BucketLock(store) as lock:
            result = _deploy(source, local, store, target, options, False, force, lock, started)
    if result.release is None:
        return result
    ran = run_after(options.bucket.after, root, target, result.release, base_url, result.uploaded + result.deleted)
    return replace(result, after=ran)


def _deploy(source: Path, local: Manifest, store: ObjectStore, target: S3Target, options: DeployOptions, dry_run: bool,
            force: bool, lock: BucketLock | None, started: float) -> S3Result:
    state = read_state(store)
    plan = deploy_plan(local.objects, state.remote, state.live, [state.manifests[n] for n in state.unfinished],
                       state.owned(), set(state.stored))
    refusal = _over_limit(target, plan, options.bucket.max_deletes)
    if refusal and not dry_run:
        raise refusal
    same = bool(state.record.live) and not plan.changes and not state.unfinished
    if same and not force:
        return S3Result(None, state.record.previous, [], [], len(plan.unchanged), [], plan.foreign, 0,
                        time.monotonic() - started, same=True)
    release = release_name(datetime.now(UTC), state.releases)
    after, removed = after_deploy(state.record, release, options.keep)
    uploaded, deleted = [p.path for p in plan.puts], plan.deletions
    if dry_run:
        return S3Result(None, after.previous, uploaded, deleted, len(plan.unchanged), removed, plan.foreign,
                        sum(p.entry.size for p in plan.puts), time.monotonic() - started, refusal=refusal)
    # 1-4: the upload; until its first object, the site is as it was
    changed = [False]
    try:
        store.put_bytes(RELEASES + release + ".json", dump_manifest(local))
        store.put_bytes(RECORD_NAME, dump_record(replace(state.record, uploading=release)).encode("utf-8"))
        each(plan.backups, lambda b: store.copy(b[0], OBJECTS + b[1]))
        _put_all(store, source, plan.puts, changed)
        changed[0] = changed[0] or bool(deleted)
        store.delete(deleted)
        _still_held(lock, target)
        store.put_bytes(RECORD_NAME, dump_record(after).encode("utf-8"))
    except DeployError as exc:
        if changed[0]:
            raise PartialDeploy(exc.path, exc.line, exc.message, exc.hint, _('the site online is partly updated: new files were uploaded beside the old ones and '
                                       'nothing was deleted, so every page has what it shows; run deploy again to complete '
                                       'it, or deploy --rollback to put the last release back')) from None
        raise
    # 5: what --rollback no longer reaches
    warning = None
    try:
        gone = [RELEASES + name + ".json" for name in [*removed, *state.unfinished] if name != release]
        store.delete(gone)
        needed = {e.md5 for name in after.live if name != release for e in state.manifests[name].objects.values()}
        store.delete([OBJECTS + md5 for md5 in sorted(state.stored - needed)])
    except DeployError as exc:
        warning, removed = exc.render(), []
    return S3Result(release, after.previous, uploaded, deleted, len(plan.unchanged), removed, plan.foreign,
                    store.sent_bytes, time.monotonic() - started, warning=warning)


def rollback(root: Path, target: S3Target, options: DeployOptions, dry_run: bool = False, base_url: str = "",
             store: ObjectStore | None = None) -> S3Rollback:
    """Put back the release live before the live one (first, an unfinished deploy's changes are undone:
    the live release is put back whole); or, dry, say which release that would be, changing nothing."""
    store = store or ObjectStore(target, options.bucket, options.bandwidth)
    if dry_run:
        probe(store)
        return _rollback(store, target, True, None)
    with BucketLock(store) as lock:
        result = _rollback(store, target, False, lock)
    return replace(result, after=run_after(options.bucket.after, root, target, result.live, base_url, result.restored + result.deleted))


def _rollback(store: ObjectStore, target: S3Target, dry_run: bool, lock: BucketLock | None) -> S3Rollback:
    state = read_state(store)
    record = state.record
    if not record.live:
        raise NothingToRollBack(None, None, _('{target} has no live release to roll back from').format(target=target),
                                _('deploy first'))
    others = [state.manifests[n] for n in state.unfinished]
    plan = rollback_plan(state.live, state.remote, [state.live, *others], state.owned(), set(state.stored))
    unfinished = bool(state.unfinished) and plan.changes
    if unfinished:   # the unfinished deploy is undone: the live release, whole again
        back_to, after = record.live[-1], replace(record, uploading=None)
        withdrawn = state.unfinished[-1]
    else:
        if record.previous is None:
            raise NothingToRollBack(None, None, _('{target} keeps no release that was live before {release}').format(
                target=target, release=record.live[-1]), _('there is nothing to roll back to (nothing was changed): the live release is the earliest one kept. '
                          'To change the website, correct the articles, then build the site and deploy again'), record.live[-1])
        back_to, after, withdrawn = record.previous, after_rollback(record), record.live[-1]
        plan = rollback_plan(state.manifests[back_to], state.remote, [state.live, *others], state.owned(), set(state.stored))
    if plan.missing:
        raise DeployError(None, None, _('{count} object(s) of release {release} are no longer in {target}, e.g. {path}').format(
            count=len(plan.missing), release=back_to, target=target, path=plan.missing[0]),
            _('nothing was changed; someone deleted them from .xiaokan/objects/ by hand: deploy the site again instead'))
    result = S3Rollback(withdrawn, back_to, after.previous, [p.path for p in plan.puts], plan.deletions, unfinished)
    if dry_run:
        return result
    changed = [False]
    try:
        _put_all(store, None, plan.puts, changed)
        changed[0] = changed[0] or bool(plan.deletions)
        store.delete(plan.deletions)
        _still_held(lock, target)
        store.put_bytes(RECORD_NAME, dump_record(after).encode("utf-8"))
    except DeployError as exc:
        if changed[0]:
            raise PartialDeploy(exc.path, exc.line, exc.message, exc.hint, _('the rollback stopped halfway: some objects are back as they were and the others '
                                       'as they are, every page with what it shows; run deploy --rollback again to complete it')) from None
        raise
    try:
        store.delete([RELEASES + name + ".json" for name in state.unfinished])
    except DeployError:
        pass   # (an unfinished deploy's manifest left over: the next deploy removes it)
    return result


# --- the steps -------------------------------------------------------------------------------------

def site_manifest(source: Path, rules: tuple[tuple[str, str], ...]) -> Manifest:
    """output/ as a release: every file (not the build's marker) with its MD5 and headers."""
    objects = {}
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.is_symlink() or path.name == MARKER and path.parent == source:
            continue
        rel = path.relative_to(source).as_posix()
        if rel.split("/")[0] == STATE:
            continue
        data = path.read_bytes()
        objects[rel] = Entry(hashlib.md5(data).hexdigest(), len(data), content_type(rel), cache_control(rel, rules))
    return Manifest(objects)


def read_state(store: ObjectStore) -> _State:
    """The bucket in one listing, the record and every manifest; a damaged record or manifest refused."""
    listing = store.listing()
    remote = {path: md5 for path, md5 in listing.items() if not path.startswith(STATE + "/")}
    releases = frozenset(path[len(RELEASES):-len(".json")] for path in listing
                         if path.startswith(RELEASES) and path.endswith(".json") and "/" not in path[len(RELEASES):])
    stored = frozenset(path[len(OBJECTS):] for path in listing if path.startswith(OBJECTS))
    raw = store.read(RECORD_NAME) if RECORD_NAME in listing else None
    try:
        record = parse_record(raw.decode("utf-8")) if raw else Record()
    except (ValueError, UnicodeDecodeError):
        raise DeployError(None, None, _('the deploy record {target}/{record} is damaged').format(target=store.target, record=RECORD_NAME),
                          _('nothing was changed; rename it in the console (e.g. to deploy.json.damaged) and deploy again: '
                            'a new record is started')) from None
    manifests = {}
    for name in sorted(releases):
        try:
            manifests[name] = parse_manifest(store.read(RELEASES + name + ".json") or b"")
        except ValueError:
            raise DeployError(None, None, _('the manifest of release {release} in {target}/{folder} is damaged').format(
                release=name, target=store.target, folder=RELEASES),
                _('nothing was changed; rename it in the console (e.g. to {release}.json.damaged) and deploy again').format(
                    release=name)) from None
    made = tuple(n for n in record.made if n in manifests)
    live = tuple(n for n in record.live if n in manifests)
    unfinished = tuple(n for n in sorted(manifests) if n not in made and n not in live)
    return _State(Record(made, live, None), remote, releases, stored, manifests, unfinished)


def _still_held(lock: BucketLock | None, target: S3Target) -> None:
    if lock is not None and not lock.held():
        raise DeployError(None, None, _('the lock on {target} was taken over by another deploy: this one could not renew '
                                        'it in time').format(target=target),
                          _('check the network; then deploy again (it compares the bucket as it is and completes it)'))


def _over_limit(target: S3Target, plan: Plan, limit: int) -> DeployError | None:
    if len(plan.deletions) <= limit:
        return None
    return DeployError(None, None, _('this deploy would delete {count} objects from {target}, more than deploy.max_deletes '
                                     'allows ({limit}); nothing was changed').format(count=len(plan.deletions), target=target, limit=limit),
                       _('if that is right (a whole issue withdrawn), write max_deletes: {count} under deploy: in site.yaml '
                         'and deploy again; if not, build the whole site again first (build.py build) and look at the list of '
                         'deploy --dry-run').format(count=len(plan.deletions)))


def _put_all(store: ObjectStore, source: Path | None, puts: list[Put], changed: list[bool]) -> None:
    """Each rank's objects at once, the ranks one after another (objectheaders.rank)."""
    def put(p: Put) -> None:
        if p.source == "file":
            store.put_file(p.path, source / p.path, p.entry)
        elif p.source == "self":
            store.copy(p.path, p.path, p.entry)
        else:
            store.copy(OBJECTS + p.entry.md5, p.path, p.entry)
        changed[0] = True

    for _rank, group in groupby(puts, key=lambda p: rank(p.path)):
        each(list(group), put, stop=store.throttle.stop)


def each(items: Iterable, work: Callable, workers: int = WORKERS, stop: Callable[[], None] | None = None) -> None:
    """work(item) for every item, several at once; the first failure stops the rest (stop() wakes those
    waiting for their turn) and is raised."""
    items = list(items)
    if not items:
        return
    with ThreadPoolExecutor(min(workers, len(items))) as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            for future in as_completed(futures):
                future.result()
        except BaseException:
            if stop:
                stop()
            for future in futures:
                future.cancel()
            raise
