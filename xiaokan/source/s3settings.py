"""The settings of a deploy to object storage (site.yaml's `deploy:` with `target: s3://BUCKET/PREFIX`),
checked before anything runs; publish/s3deploy.py does the deploy.

`endpoint` is the provider's address (Aliyun OSS, Tencent COS, any S3-compatible service; none: AWS),
`region` its region (derived from an OSS or COS endpoint when left out), `addressing` whether the bucket
is part of the host name (virtual, which OSS requires) or of the path, `max_deletes` how many objects a
deploy may delete before it is refused, `after` a command run after a deploy or rollback that changed
the site (a CDN refresh), and `cache` the Cache-Control of the files a pattern matches, before the
defaults. Keys (AccessKey ID and secret) never come from site.yaml: a key written here is refused.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..core.errors import without_password
from ..core.i18n import _
from .model import BucketOptions
from .yamlfile import shown

S3_KEYS = frozenset({"endpoint", "region", "addressing", "max_deletes", "after", "cache"})
# What people write when they try to put a key into site.yaml: refused with where keys belong.
SECRET_KEYS = frozenset({"access_key", "access_key_id", "accesskey", "accesskeyid", "secret", "secret_key",
                         "secret_access_key", "secretkey", "aws_access_key_id", "aws_secret_access_key", "key", "password",
                         "accesskeysecret", "access_key_secret"})
MAX_DELETES_MOST = 1_000_000
ADDRESSING = ("virtual", "path")
# Cache-Control directives (RFC 9111 and the usual extensions); anything else is a typo the CDN would ignore.
DIRECTIVES = frozenset({"public", "private", "no-cache", "no-store", "no-transform", "must-revalidate",
                        "proxy-revalidate", "must-understand", "immutable", "max-age", "s-maxage",
                        "stale-while-revalidate", "stale-if-error"})
TIMED = frozenset({"max-age", "s-maxage", "stale-while-revalidate", "stale-if-error"})
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_REGION = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
# Regions that an OSS or COS endpoint names (its S3-compatible address, or the native one).
_ENDPOINT_REGION = (re.compile(r"^(?:s3\.)?oss-([a-z0-9-]+?)(?:-internal)?\.aliyuncs\.com$"),
                    re.compile(r"^cos\.([a-z0-9-]+)\.myqcloud\.com$"))


def is_bucket_target(text: str) -> bool:
    """Whether a deploy target names object storage (s3://…) rather than a folder or an SSH server."""
    return text.strip().lower().startswith("s3://")


def read_bucket_target(text: str) -> tuple[str, str]:
    """(bucket, prefix without slashes at either end) of `s3://BUCKET/PREFIX`; ValueError carrying
    (message, hint) for one that cannot be right."""
    text = text.strip()
    example = _('e.g. target: s3://pingjian-news/site (the bucket, then the folder in it; s3://pingjian-news for its top)')
    if any(c < " " or c == "\x7f" for c in text):
        raise ValueError(_('the deploy target “{target}” contains a line break or another control character').format(target=text),
                         _('write the target on one line'))
    if not text.startswith("s3://"):
        raise ValueError(_('write the object storage target in small letters: s3://…, not “{target}”').format(target=text), example)
    bucket, _slash, prefix = text[len("s3://"):].partition("/")
    if not bucket:
        raise ValueError(_('the deploy target “{target}” names no bucket').format(target=text), example)
    if not _BUCKET.match(bucket) or ".." in bucket:
        raise ValueError(_('“{bucket}” cannot be the name of a bucket: 3 to 63 small letters, digits, “-” and “.”, '
                           'beginning and ending with a letter or digit').format(bucket=bucket),
                         _('write the bucket as its console shows it (Tencent COS adds the APPID: pingjian-1250000000)'))
    prefix = prefix.strip("/")
    parts = prefix.split("/") if prefix else []
    if any(part in ("", ".", "..") for part in parts) or "\\" in prefix:
        raise ValueError(_('the folder “{prefix}” in the deploy target has an empty part, “.”, “..” or “\\”').format(prefix=prefix),
                         example)
    if parts and parts[0] == ".xiaokan" or ".xiaokan" in parts:
        raise ValueError(_('the folder “{prefix}” in the deploy target is inside .xiaokan/, where deploy keeps its record').format(prefix=prefix),
                         example)
    if len(prefix.encode("utf-8")) > 512:
        raise ValueError(_('the folder in the deploy target is longer than 512 bytes'), example)
    return bucket, prefix


def endpoint_region(endpoint: str) -> str:
    """The region an OSS or COS endpoint names, or ""."""
    host = (urlsplit(endpoint).hostname or "").lower()
    for pattern in _ENDPOINT_REGION:
        found = pattern.match(host)
        if found:
            return found.group(1)
    return ""


def _is_local(host: str) -> bool:
    return host == "localhost" or bool(re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host))


def bucket_options(target: str, text: dict[str, str], cache, fail) -> tuple[BucketOptions, list]:
    """The object storage settings of site.yaml's deploy group, each checked at its line, and the
    problems found. text: the group's one-line values; cache: the `cache` group as read; fail(path,
    message, hint): an error at the line of ("deploy", key, …)."""
    problems = []

    def problem(key, message: str, hint: str | None = None) -> None:
        problems.append(fail(("deploy", *key) if isinstance(key, tuple) else ("deploy", key), message, hint))

    bucket = ""
    if target and is_bucket_target(target):
        try:
            bucket, _prefix = read_bucket_target(target)
        except ValueError as exc:
            problem("target", *exc.args)
    endpoint = text.get("endpoint", "").rstrip("/")
    host = ""
    if endpoint:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host or parts.path or parts.query or parts.username:
            problem("endpoint", _('`endpoint` must be the address of the storage service, such as https://s3.oss-cn-hangzhou.aliyuncs.com, '
                                  'not “{value}”').format(value=without_password(endpoint)),
                    _('write only https:// and the host name: no bucket, folder or key in it'))
            host = ""
        elif bucket and host.startswith(bucket + "."):
            problem("endpoint", _('`endpoint` {value} already holds the bucket {bucket}').format(value=without_password(endpoint), bucket=bucket),
                    _('write the region\'s address without the bucket, e.g. https://{host}').format(host=host[len(bucket) + 1:]))
    region = text.get("region", "") or endpoint_region(endpoint)
    if text.get("region") and not _REGION.match(text["region"]):
        problem("region", _('`region` must be a region name such as cn-hangzhou or ap-guangzhou, not “{value}”').format(value=text["region"]),
                _('the console shows it beside the bucket; leave the line out for an OSS or COS endpoint, whose name holds it'))
    addressing = text.get("addressing", "") or ("path" if host and _is_local(host) else "virtual")
    if addressing not in ADDRESSING:
        problem("addressing", _('`addressing` must be virtual or path, not “{value}”').format(value=addressing),
                _('virtual (the bucket in the host name) for Aliyun OSS, Tencent COS and AWS; path for a server of your own'))
    max_deletes = 256
    value = text.get("max_deletes", "")
    if value:
        if value.isdigit() and int(value) <= MAX_DELETES_MOST:
            max_deletes = int(value)
        else:
            problem("max_deletes", _('`max_deletes` must be a whole number from 0 to {most}, not {value}').format(most=MAX_DELETES_MOST, value=value),
                    _('e.g. max_deletes: 256 (a deploy that would delete more objects is refused)'))
    after = text.get("after", "")
    if any(c < " " or c == "\x7f" for c in after):
        problem("after", _('`after` must be one command line, without line breaks or control characters'),
                _('e.g. after: aliyun cdn RefreshObjectCaches --ObjectType Directory --ObjectPath https://news.example.edu.cn/'))
    rules = _cache_rules(cache, problem)
    return BucketOptions(endpoint=endpoint, region=region or "us-east-1", addressing=addressing, max_deletes=max_deletes,
                         after=after, cache=rules,
                         written=frozenset(k for k in S3_KEYS if text.get(k) or (k == "cache" and cache is not None))), problems


def _cache_rules(cache, problem) -> tuple[tuple[str, str], ...]:
    """site.yaml's `cache:` group, `"pattern": "Cache-Control"` per line, in order."""
    if cache is None:
        return ()
    if not isinstance(cache, dict):
        problem("cache", _('`cache` must be a group of lines `"pattern": "Cache-Control"`, not “{value}”').format(value=shown(cache)),
                _('e.g. cache:\n    "*.html": "public, max-age=300"\n    "assets/*": "public, max-age=86400"'))
        return ()
    rules = []
    for pattern, value in cache.items():
        where = ("cache", pattern)
        pattern = str(pattern).strip()
        if isinstance(value, (list, dict)) or value is None or not pattern:
            problem(where, _('the cache rule “{pattern}” must be one line: the pattern, a colon and the Cache-Control value').format(pattern=pattern),
                    _('e.g. "*.html": "public, max-age=300"'))
            continue
        value = str(value).strip()
        wrong = cache_control_problem(value)
        if wrong:
            problem(where, *wrong)
            continue
        rules.append((pattern.lstrip("/"), value))
    return tuple(rules)


def cache_control_problem(value: str) -> tuple[str, str] | None:
    """(message, hint) for a Cache-Control value a browser or CDN would misread."""
    hint = _('e.g. public, max-age=300 (seconds); known: {names}').format(names=", ".join(sorted(DIRECTIVES)))
    if any(c < " " or c == "\x7f" for c in value) or not value:
        return _('the Cache-Control value “{value}” is empty or has a control character').format(value=value), hint
    for part in value.split(","):
        name, eq, number = (s.strip() for s in part.partition("="))
        if name.lower() not in DIRECTIVES:
            return _('“{name}” is not a Cache-Control directive').format(name=name), hint
        if name.lower() in TIMED and not (eq and number.isdigit()):
            return _('{name} needs a number of seconds: {name}=300').format(name=name), hint
        if name.lower() not in TIMED and eq and name.lower() not in ("private", "no-cache"):
            return _('{name} takes no value').format(name=name), hint
    return None


def secret_key_problem(key: str) -> tuple[str, str] | None:
    """(message, hint) when site.yaml's deploy group holds what looks like a key: keys are never read from
    site.yaml (it is copied, shared and committed)."""
    if key.lower().replace("-", "_") not in SECRET_KEYS:
        return None
    return (_('`{key}`: keys do not belong in site.yaml (it is shared and committed with the site); delete this line').format(key=key),
            credentials_hint())


def credentials_hint() -> str:
    """Where deploy reads the key of object storage."""
    return _('put the key in ~/.aws/credentials, under [default]: aws_access_key_id = … and aws_secret_access_key = … '
             '(chmod 600 ~/.aws/credentials), or in the environment variables AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; '
             'AWS_PROFILE picks another [section] of the file')
