"""The bucket, through boto3: list, read, put, copy and delete objects, each failure a Chinese message
that names what failed and what to do (a wrong key, a key without permission, no such bucket, a wrong
region, the clock, the network), quoting the service's own words in 「…」.

The client signs with SigV4, puts the bucket in the host name or in the path (`addressing`), sends
checksums only where an operation requires them (boto3's newer default checksum headers are refused by
several S3-compatible services), and a Content-MD5 with every object, so that the service refuses one
that arrived damaged. `bandwidth` (KB/s) paces the uploads of all threads together, on average.
"""
from __future__ import annotations

import base64
import hashlib
import threading
import time
from email.utils import parsedate_to_datetime
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ..core.errors import DeployError
from ..core.i18n import _
from ..source.model import BucketOptions
from ..source.s3settings import credentials_hint
from .objectrecord import Entry, normalised_etag
from .s3target import Credentials, S3Target, find_credentials

WORKERS = 8          # objects sent at once
_KEY_CODES = frozenset({"InvalidAccessKeyId", "InvalidClientTokenId", "InvalidToken", "ExpiredToken"})
_REGION_CODES = frozenset({"PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException",
                           "InvalidRegion", "301"})


class Unsupported(Exception):
    """The service does not know conditional writes (objectlock.py goes without its lease)."""


class Stopped(Exception):
    """An upload given up because another one failed (that failure is the one reported)."""


class Throttle:
    """Bytes per second shared by every upload thread (0: no limit)."""

    def __init__(self, rate: int):
        self.rate, self.lock, self.next = rate, threading.Lock(), 0.0
        self.stopped = threading.Event()

    def take(self, size: int) -> None:
        if self.rate and size:
            with self.lock:   # (each upload takes the next slot of the line; it waits until its slot has passed)
                now = time.monotonic()
                self.next = max(now, self.next) + size / self.rate
                wait = self.next - now
            self.stopped.wait(wait)
        if self.stopped.is_set():
            raise Stopped()

    def stop(self) -> None:
        """Wake and give up every upload still waiting for its turn."""
        self.stopped.set()


class ObjectStore:
    """One bucket and prefix, with the key found for it. Keys of methods are paths under the prefix."""

    def __init__(self, target: S3Target, options: BucketOptions, bandwidth: int = 0, credentials: Credentials | None = None):
        self.target, self.options = target, options
        self.credentials = credentials or find_credentials()
        self.throttle = Throttle(bandwidth * 1024)
        self.sent_bytes = 0
        self._count = threading.Lock()
        config = Config(region_name=options.region, signature_version="s3v4",
                        s3={"addressing_style": options.addressing}, retries={"max_attempts": 3, "mode": "standard"},
                        connect_timeout=10, read_timeout=60, max_pool_connections=WORKERS * 2,
                        request_checksum_calculation="when_required", response_checksum_validation="when_required")
        self.client = boto3.session.Session().client(
            "s3", endpoint_url=options.endpoint or None, aws_access_key_id=self.credentials.key_id,
            aws_secret_access_key=self.credentials.secret, aws_session_token=self.credentials.token, config=config)

    @property
    def endpoint(self) -> str:
        return self.options.endpoint or f"https://s3.{self.options.region}.amazonaws.com"

    # --- reading ---------------------------------------------------------------------------------

    def listing(self) -> dict[str, str | None]:
        """Every object under the prefix: its path and the MD5 its ETag stands for (None if none)."""
        found: dict[str, str | None] = {}
        start = self.target.key("")
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.target.bucket, Prefix=start)
        with self.failure(_('list the objects of {target}').format(target=self.target)):
            for page in pages:
                for item in page.get("Contents", ()):
                    found[item["Key"][len(start):]] = normalised_etag(item.get("ETag"))
        return found

    def read(self, path: str) -> bytes | None:
        """An object's bytes, or None if there is none."""
        with self.failure(_('read {path} from {target}').format(path=path, target=self.target)):
            try:
                return self.client.get_object(Bucket=self.target.bucket, Key=self.target.key(path))["Body"].read()
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return None
                raise

    # --- writing ---------------------------------------------------------------------------------

    def put_file(self, path: str, file: Path, entry: Entry) -> None:
        """A file of output/ as the object at path, with its headers."""
        data = file.read_bytes()
        self.throttle.take(len(data))
        with self.failure(_('upload {path} to {target}').format(path=path, target=self.target)):
            self.client.put_object(Bucket=self.target.bucket, Key=self.target.key(path), Body=data,
                                   ContentType=entry.type, CacheControl=entry.cache,
                                   ContentMD5=base64.b64encode(bytes.fromhex(entry.md5)).decode("ascii"))
        with self._count:
            self.sent_bytes += len(data)

    def put_bytes(self, path: str, data: bytes, kind: str = "application/json") -> None:
        """Deploy's own record and manifests (never cached: they change with each deploy)."""
        with self.failure(_('write {path} to {target}').format(path=path, target=self.target)):
            self.client.put_object(Bucket=self.target.bucket, Key=self.target.key(path), Body=data, ContentType=kind,
                                   CacheControl="no-store",
                                   ContentMD5=base64.b64encode(hashlib.md5(data).digest()).decode("ascii"))

    def write_if(self, path: str, data: bytes, match: str | None) -> str | None:
        """Write a small object of deploy's only if there is none (match None) or it is still the version
        match: its new ETag, or None when that is not so."""
        condition = {"IfMatch": match} if match else {"IfNoneMatch": "*"}
        try:
            answer = self.client.put_object(Bucket=self.target.bucket, Key=self.target.key(path), Body=data,
                                            ContentType="application/json", CacheControl="no-store", **condition)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("PreconditionFailed", "412", "ConditionalRequestConflict", "409", "NoSuchKey"):
                return None
            if code in ("NotImplemented", "501"):
                raise Unsupported() from None
            raise self.explain(exc, _('write {path} to {target}').format(path=path, target=self.target)) from None
        except BotoCoreError as exc:
            raise self.explain(exc, _('write {path} to {target}').format(path=path, target=self.target)) from None
        return answer.get("ETag")

    def lease(self, path: str) -> tuple[bytes, str, float] | None:
        """A small object's bytes, ETag and age in seconds by the service's own clock, or None."""
        with self.failure(_('read {path} from {target}').format(path=path, target=self.target)):
            try:
                answer = self.client.get_object(Bucket=self.target.bucket, Key=self.target.key(path))
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                    return None
                raise
            data = answer["Body"].read()
        date = answer.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get("date")
        now = parsedate_to_datetime(date) if date else None
        age = (now - answer["LastModified"]).total_seconds() if now and answer.get("LastModified") else 0.0
        return data, answer.get("ETag", ""), age

    def delete_if(self, path: str, etag: str) -> None:
        """Delete a small object of deploy's if it is still the version etag."""
        try:
            self.client.delete_object(Bucket=self.target.bucket, Key=self.target.key(path), IfMatch=etag)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("NotImplemented", "501", "InvalidArgument"):
                with self.failure(_('delete objects in {target}').format(target=self.target)):
                    self.client.delete_object(Bucket=self.target.bucket, Key=self.target.key(path))
            elif code not in ("PreconditionFailed", "412", "NoSuchKey", "404"):
                raise self.explain(exc, _('delete objects in {target}').format(target=self.target)) from None
        except BotoCoreError as exc:
            raise self.explain(exc, _('delete objects in {target}').format(target=self.target)) from None

    def copy(self, source: str, path: str, entry: Entry | None = None) -> None:
        """Copy within the bucket: to path with entry's headers, or (None) with the source's own."""
        extra = {"MetadataDirective": "REPLACE", "ContentType": entry.type, "CacheControl": entry.cache} if entry else {}
        with self.failure(_('copy {source} to {path} in {target}').format(source=source, path=path, target=self.target)):
            self.client.copy_object(Bucket=self.target.bucket, Key=self.target.key(path),
                                    CopySource={"Bucket": self.target.bucket, "Key": self.target.key(source)}, **extra)

    def delete(self, paths: list[str]) -> None:
        """Delete objects, a thousand per request; any the service could not delete is a failure."""
        for start in range(0, len(paths), 1000):
            chunk = paths[start:start + 1000]
            with self.failure(_('delete objects in {target}').format(target=self.target)):
                answer = self.client.delete_objects(Bucket=self.target.bucket, Delete={
                    "Objects": [{"Key": self.target.key(p)} for p in chunk], "Quiet": True})
            errors = answer.get("Errors") or []
            if errors:
                first = errors[0]
                raise DeployError(None, None, _('{target} could not delete {key}: 「{code}: {message}」').format(
                    target=self.target, key=first.get("Key", "?"), code=first.get("Code", "?"), message=first.get("Message", "")),
                    self._hint(first.get("Code", "")))

    # --- failures --------------------------------------------------------------------------------

    def failure(self, action: str):
        """`with store.failure(_('upload x to {target}')…):` turns what boto3 raises into a DeployError in the editor's words."""
        return _Failure(self, action)

    def explain(self, exc: Exception, action: str) -> DeployError:
        where = {"target": self.target, "endpoint": self.endpoint, "bucket": self.target.bucket, "action": action,
                 "key": self.credentials.shown, "source": self.credentials.source}
        if isinstance(exc, ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?"))
            detail = f"{code}: {error.get('Message') or ''}".strip().rstrip(":")[:300]
            where["detail"] = detail
            if code in _KEY_CODES:
                return DeployError(None, None, _('{endpoint} does not know the key ID {key} (from {source}): 「{detail}」').format(**where),
                                   _('correct the key where it was read, or put the right one there: ') + credentials_hint())
            if code == "SignatureDoesNotMatch":
                return DeployError(None, None, _('the secret key of key ID {key} (from {source}) is wrong: {endpoint} refused '
                                                 'the signature 「{detail}」').format(**where),
                                   _('copy the AccessKey secret again from the console to where it was read: ') + credentials_hint())
            message = _('could not {action}: 「{detail}」').format(**where)
            return DeployError(None, None, message, self._hint(code))
        detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        return DeployError(None, None, _('could not {action}: 「{detail}」').format(**where, detail=detail),
                           _('check the network and `endpoint` ({endpoint}) in site.yaml; then deploy again').format(**where))

    def _hint(self, code: str) -> str:
        where = {"bucket": self.target.bucket, "endpoint": self.endpoint, "key": self.credentials.shown,
                 "region": self.options.region}
        if code in ("AccessDenied", "403", "AllAccessDisabled", "AccountProblem"):
            return _('the key {key} may not do this in bucket {bucket}: give it the right to list, read, write and delete '
                     'objects there (Aliyun RAM: a policy with oss:ListObjects, GetObject, PutObject, DeleteObject on the '
                     'bucket; Tencent CAM: QcloudCOSDataFullControl)').format(**where)
        if code in ("NoSuchBucket", "404"):
            return _('there is no bucket {bucket} at {endpoint}: check the name in `target`, and that `endpoint` is the '
                     'region the bucket was created in').format(**where)
        if code in _REGION_CODES:
            return _('the bucket {bucket} is in another region than {region}: write its region as `region` and its '
                     'address as `endpoint` in site.yaml').format(**where)
        if code == "RequestTimeTooSkewed":
            return _("this computer's clock is wrong by more than 15 minutes: set it (sudo timedatectl set-ntp true), then deploy again")
        if code in ("SecondLevelDomainForbidden", "InvalidBucketName"):
            return _('this service wants the bucket in the host name: write addressing: virtual in site.yaml')
        if code in ("NoSuchKey",):
            return _('someone deleted it from the bucket by hand; deploy again')
        return _('nothing more was changed; deploy again when the storage service answers')


class _Failure:
    def __init__(self, store: ObjectStore, action: str):
        self.store, self.action = store, action

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb) -> bool:
        if exc is not None and isinstance(exc, (ClientError, BotoCoreError)):
            raise self.store.explain(exc, self.action) from None
        return False
