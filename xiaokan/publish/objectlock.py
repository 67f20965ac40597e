"""Keeping two deploys to one bucket apart: a lease, `.xiaokan/lock.json`, written only if it is not
there (a conditional write, If-None-Match: *), renewed every BEAT seconds by the deploy that holds it
(If-Match: the version it wrote) and deleted when it ends. A second deploy, dry run or rollback finds
it and is refused, saying who started the first and when, and changes nothing.

Object storage has no process to hold a lock as flock has on a server: a deploy that is killed leaves
its lease, which is stale once it has not been renewed for STALE seconds (by the service's own clock:
its Date against the lease's Last-Modified), or at once when it names this computer's user and a
process that is gone; the next deploy then takes it over (If-Match: the stale version, so that of two
deploys taking it over one wins). A service that does not know conditional
writes answers NotImplemented: deploys there are not kept apart (README says so).
"""
from __future__ import annotations

import getpass
import json
import os
import socket
import threading
from datetime import datetime, timedelta

from ..core.errors import DeployError
from ..core.i18n import _
from .objectrecord import STATE
from .objectstore import ObjectStore, Unsupported

LOCK = f"{STATE}/lock.json"
BEAT = 20.0          # seconds between the holder's renewals
STALE = 120.0        # a lease not renewed for this long belongs to a deploy that stopped


def _me() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "?"
    return f"{user}@{socket.gethostname()}"


def lock_text(started: str, beat: int = 0) -> bytes:
    return json.dumps({"started": started, "by": _me(), "pid": os.getpid(), "beat": beat}, ensure_ascii=False).encode("utf-8")


def abandoned(data: bytes) -> bool:
    """Whether a lease is one a deploy of this computer and user left when it was stopped (its process
    is gone): taken over at once, without waiting for it to go stale."""
    try:
        fields = json.loads(data.decode("utf-8"))
        if fields.get("by") != _me() or not isinstance(fields.get("pid"), int):
            return False
        os.kill(fields["pid"], 0)
    except ProcessLookupError:
        return True
    except (ValueError, UnicodeDecodeError, AttributeError, OSError):
        return False
    return False


def busy(store: ObjectStore, data: bytes, age: float) -> DeployError:
    try:
        fields = json.loads(data.decode("utf-8"))
        started, by = str(fields["started"]), str(fields["by"])
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return DeployError(None, None, _('another deploy to {target} is running').format(target=store.target), _hint(age))
    return DeployError(None, None, _('another deploy to {target} is running: started {started} by {by}').format(
        target=store.target, started=started, by=by), _hint(age))


def _hint(age: float) -> str:
    expires = (datetime.now() + timedelta(seconds=max(0.0, STALE - age))).strftime("%H:%M:%S")
    return _('wait until it has finished, then deploy again (this one changed nothing); if it was stopped, its lock '
             'expires at {time}').format(time=expires)


def probe(store: ObjectStore) -> None:
    """Refuse (a dry run) while another deploy holds a live lease."""
    held = store.lease(LOCK)
    if held and held[2] < STALE and not abandoned(held[0]):
        raise busy(store, held[0], held[2])


class BucketLock:
    """`with BucketLock(store):` holds the bucket's lease for as long as the block runs, or raises
    DeployError saying that another deploy holds it, having changed nothing."""

    def __init__(self, store: ObjectStore):
        self.store = store
        self.started = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %z")
        self.etag: str | None = None
        self.lost = False
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> BucketLock:
        try:
            self.etag = self._take()
        except Unsupported:
            return self   # (a service without conditional writes: no lease)
        self.thread = threading.Thread(target=self._renew, daemon=True, name="xiaokan-lease")
        self.thread.start()
        return self

    def _take(self) -> str:
        for _attempt in range(3):
            etag = self.store.write_if(LOCK, lock_text(self.started), None)
            if etag:
                return etag
            held = self.store.lease(LOCK)
            if held is None:
                continue   # (released in the meantime: try again)
            data, stale_etag, age = held
            if age < STALE and not abandoned(data):
                raise busy(self.store, data, age)
            etag = self.store.write_if(LOCK, lock_text(self.started), stale_etag)   # a stopped deploy's: taken over
            if etag:
                return etag
        held = self.store.lease(LOCK)
        raise busy(self.store, held[0] if held else b"", held[2] if held else 0.0)

    def _renew(self) -> None:
        beat = 0
        while not self.stop.wait(BEAT):
            beat += 1
            try:
                etag = self.store.write_if(LOCK, lock_text(self.started, beat), self.etag)
            except (DeployError, Unsupported):
                continue   # (the network faltered: the next beat tries again)
            if etag is None:
                self.lost = True   # (another deploy took it over: it was not renewed for STALE seconds)
                return
            self.etag = etag

    def held(self) -> bool:
        return not self.lost

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.thread:
            self.thread.join(30)
        if self.etag and not self.lost:
            try:
                self.store.delete_if(LOCK, self.etag)
            except (DeployError, Unsupported):
                pass   # (left behind, it goes stale by itself)
