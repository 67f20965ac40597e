"""An object storage target, `s3://BUCKET/PREFIX`, and the key (AccessKey ID and secret) to reach it.

Keys are read from the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) or
from the standard AWS credentials file (AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/credentials; the
[section] AWS_PROFILE names, or [default]), never from site.yaml, and from nowhere else: boto3's own
search would also ask a cloud server's metadata address, which on a school's computer waits seconds
for nothing. Each key remembers where it came from, so that a key the provider refuses is named by its
place, never by its secret.
"""
from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import DeployError
from ..core.i18n import _
from ..source.s3settings import credentials_hint, read_bucket_target


@dataclass(frozen=True)
class S3Target:
    bucket: str
    prefix: str          # without slashes at either end; "" for the top of the bucket

    def key(self, path: str) -> str:
        """The object key of a path of the site (or of .xiaokan/…)."""
        return f"{self.prefix}/{path}" if self.prefix else path

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"


def parse_s3_target(text: str) -> S3Target:
    try:
        bucket, prefix = read_bucket_target(text)
    except ValueError as exc:
        raise DeployError(None, None, *exc.args) from None
    return S3Target(bucket, prefix)


@dataclass(frozen=True)
class Credentials:
    key_id: str
    secret: str
    token: str | None
    source: str          # where they were read, as the editor would look for them

    @property
    def shown(self) -> str:
        """The key ID as messages show it: enough to tell keys apart, not the whole."""
        k = self.key_id
        return f"{k[:4]}…{k[-4:]}" if len(k) > 12 else f"{k[:2]}…"

    def __repr__(self) -> str:   # (never the secret, not even in a traceback)
        return f"Credentials({self.shown}, from {self.source})"


def credentials_file() -> Path:
    return Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or Path.home() / ".aws" / "credentials").expanduser()


# Where else a key is put (the providers' own tools, a slip of a name), said when deploy finds none.
OTHER_VARIABLES = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY", "OSS_ACCESS_KEY_ID", "TENCENTCLOUD_SECRET_ID",
                   "COS_SECRET_ID", "AWS_ACCESS_KEY", "AWS_SECRET_KEY")


def keys_elsewhere() -> list[str]:
    """The places that hold a key deploy does not read: other environment variables, the AWS config file
    (the AWS command line reads keys there too), the Aliyun command line's file. Names only."""
    found = [name for name in OTHER_VARIABLES if os.environ.get(name, "").strip()]
    config = Path(os.environ.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config").expanduser()
    aliyun = Path.home() / ".aliyun" / "config.json"
    for place, word in ((config, "aws_access_key_id"), (aliyun, '"access_key_id"')):
        try:
            if word in place.read_text(encoding="utf-8", errors="replace").lower():
                found.append(str(place))
        except OSError:
            continue
    return found


def find_credentials() -> Credentials:
    """The key from the environment, else from the credentials file; DeployError saying where to put one."""
    key_id, secret = os.environ.get("AWS_ACCESS_KEY_ID", "").strip(), os.environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if key_id or secret:
        if not (key_id and secret):
            missing = "AWS_SECRET_ACCESS_KEY" if key_id else "AWS_ACCESS_KEY_ID"
            raise DeployError(None, None, _('the environment variable {name} is not set, but its pair is').format(name=missing),
                              credentials_hint())
        return Credentials(key_id, secret, os.environ.get("AWS_SESSION_TOKEN") or None,
                           _('the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'))
    path, profile = credentials_file(), os.environ.get("AWS_PROFILE", "").strip() or "default"
    if not path.is_file():
        elsewhere = keys_elsewhere()
        if elsewhere:
            raise DeployError(None, None, _('there is no key for object storage where deploy reads it (AWS_ACCESS_KEY_ID in '
                                            'the environment, or the file {path}); there is one in {places}, which deploy does '
                                            'not read').format(path=path, places="、".join(elsewhere)),
                              _('copy the key ID and its secret to where deploy reads them: ') + credentials_hint())
        raise DeployError(None, None, _('there is no key for object storage: neither AWS_ACCESS_KEY_ID in the environment '
                                        'nor the file {path}').format(path=path), credentials_hint())
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8-sig"))
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        raise DeployError(None, None, _('the credentials file {path} cannot be read: 「{detail}」').format(
            path=path, detail=str(exc).splitlines()[0][:200]), credentials_hint()) from None
    where = f"{path} [{profile}]"
    if not parser.has_section(profile):
        sections = "、".join(parser.sections()) or _('no section at all')
        raise DeployError(None, None, _('the credentials file {path} has no section [{profile}] (it has: {sections})').format(
            path=path, profile=profile, sections=sections), credentials_hint())
    section = parser[profile]
    key_id, secret = section.get("aws_access_key_id", "").strip(), section.get("aws_secret_access_key", "").strip()
    if not (key_id and secret):
        missing = "aws_secret_access_key" if key_id else "aws_access_key_id"
        raise DeployError(None, None, _('{where} has no line {name} = …').format(where=where, name=missing), credentials_hint())
    return Credentials(key_id, secret, section.get("aws_session_token", "").strip() or None, where)
