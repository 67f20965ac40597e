"""build.py deploy to object storage (`target: s3://BUCKET/PREFIX`), against a real S3 server started on
127.0.0.1 (SeaweedFS, conftest.py): every object with its Content-Type and Cache-Control as read back,
only changed objects sent, the order (what pages use first, the home page last, deletions at the end),
the deletion limit, keys from the environment or the credentials file and refused in the editor's
words, dry runs that change nothing and list what the deploy then does, rollback, a deploy cut off by
the server's death and completed by the next, deploy.after, every flag combination, virtual-hosted
addressing, objects deploy did not put there, and the settings of site.yaml."""
from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import signal
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from helpers import FIXTURES, LAUNCH, copy_site, run_build, snapshot, wait_for, write
from s3server import start_s3_server
from xiaokan.publish.objectheaders import cache_control, content_type, upload_order
from xiaokan.publish.objectplan import deploy_plan
from xiaokan.publish.objectrecord import Entry, Manifest

LANGUAGE = "en"   # (the English ids; the tests of what an editor reads switch to Chinese)
ROOT = Path(__file__).resolve().parents[2]


def built(mini: Path, search: bool = True) -> Path:
    result = run_build(mini, "build", "--no-pdf", *(() if search else ("--no-search",)))
    assert result.code == 0, result.stderr
    return mini


def s3_site(mini: Path, server, bucket: str, extra: str = "", target: str | None = None) -> None:
    """site.yaml (as the fixture has it) with a deploy group for the server: the target s3://BUCKET/site,
    or target (a target of another kind; "" for none)."""
    original = mini / "site.yaml.orig"
    if not original.exists():
        original.write_bytes((mini / "site.yaml").read_bytes())
    target = f"s3://{bucket}/site" if target is None else target
    write(mini, "site.yaml", original.read_text(encoding="utf-8") + "deploy:\n" + (f'  target: "{target}"\n' if target else "")
          + f'  endpoint: "{server.endpoint}"\n  addressing: path\n{extra}')


def objects(server, bucket: str, prefix: str = "site/") -> dict[str, bytes]:
    """The site as the bucket holds it: every object under the prefix but deploy's own, with its bytes."""
    client, found = server.client(), {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            rel = item["Key"][len(prefix):]
            if not rel.startswith(".xiaokan/"):
                found[rel] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


def everything(server, bucket: str) -> dict[str, str]:
    """Every object of the bucket, deploy's own too, with its ETag: to prove nothing changed."""
    client, found = server.client(), {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", ()):
            found[item["Key"]] = item["ETag"]
    return found


def headers(server, bucket: str, key: str) -> tuple[str, str]:
    head = server.client().head_object(Bucket=bucket, Key=key)
    return head["ContentType"], head.get("CacheControl", "")


def site_files(mini: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(mini / "output").items() if k != ".xiaokan-output"}


def listed(stderr: str, prefix: str) -> list[str]:
    return [line[len(prefix):] for line in stderr.splitlines() if line.startswith(prefix)]


def edit_first_article(mini: Path, search: bool = True) -> None:
    article = mini / "content/2024-07/01-first.md"
    write(mini, "content/2024-07/01-first.md", article.read_text(encoding="utf-8").replace("这是第一段", "这是改过的第一段"))
    built(mini, search)


def edit_again(mini: Path, search: bool = True) -> None:
    article = mini / "content/2024-07/01-first.md"
    write(mini, "content/2024-07/01-first.md", article.read_text(encoding="utf-8") + "\n又补充了一段。\n")
    built(mini, search)


def deployed(mini: Path, *argv: str) -> str:
    result = run_build(mini, "deploy", *argv)
    assert result.code == 0, result.stderr
    return result.stderr


def deployed_once(mini: Path, s3_bucket) -> tuple:
    """The mini site built and deployed to the test's bucket (site.yaml's target): (server, bucket)."""
    server, bucket = s3_bucket
    s3_site(mini, server, bucket)
    built(mini)
    deployed(mini)
    return server, bucket


def missing_references(site: dict[str, bytes]) -> list[str]:
    """Every page's links, pictures, styles and scripts inside the site that the bucket does not hold."""
    missing = []
    for path, data in site.items():
        if not path.endswith(".html"):
            continue
        for ref in re.findall(r'(?:href|src)="([^"#?]+)', data.decode("utf-8")):
            if re.match(r"^[a-z]+:|^//|^/", ref):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), ref))
            if ref.endswith("/") or target == ".":
                target = (target + "/index.html").lstrip("./") if target != "." else "index.html"
            if target not in site:
                missing.append(f"{path} -> {ref}")
    return missing


# --- the objects, their headers, their order -------------------------------------------------------

def test_a_first_deploy_puts_every_file_with_its_content_type_and_cache_control(mini, s3_bucket):
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, '  cache:\n    "*.jpg": "public, max-age=600"\n')
    built(mini)
    result = run_build(mini, "deploy")
    assert result.code == 0, result.stderr
    assert objects(server, bucket) == site_files(mini)   # (every file, byte for byte; not the build's marker)
    assert f"release {json.loads(server.client().get_object(Bucket=bucket, Key='site/.xiaokan/deploy.json')['Body'].read())['live'][-1]} is live" in result.stderr
    read_back = {key: headers(server, bucket, "site/" + key) for key in (
        "index.html", "2024-07/first/index.html", "feed.xml", "sitemap.xml", "robots.txt", "assets/site.css",
        "assets/site.js", "assets/logo.png", "search/data/directory.json")}
    assert read_back["index.html"] == ("text/html; charset=utf-8", "public, max-age=300")
    assert read_back["2024-07/first/index.html"] == ("text/html; charset=utf-8", "public, max-age=300")
    assert read_back["feed.xml"] == read_back["sitemap.xml"] == ("application/xml", "public, max-age=300")
    assert read_back["robots.txt"] == ("text/plain; charset=utf-8", "public, max-age=300")
    assert read_back["assets/site.css"] == ("text/css; charset=utf-8", "public, max-age=86400")
    assert read_back["assets/site.js"] == ("text/javascript; charset=utf-8", "public, max-age=86400")
    assert read_back["assets/logo.png"] == ("image/png", "public, max-age=86400")
    assert read_back["search/data/directory.json"] == ("application/json; charset=utf-8", "public, max-age=300")
    shard = next(k for k in site_files(mini) if k.startswith("search/data/2024-07."))
    assert headers(server, bucket, "site/" + shard) == ("application/json; charset=utf-8", "public, max-age=31536000, immutable")
    card = next(k for k in site_files(mini) if k.endswith(".jpg"))   # (site.yaml's rule before the defaults)
    assert headers(server, bucket, "site/" + card) == ("image/jpeg", "public, max-age=600")


def test_the_dry_run_lists_uploads_in_their_order_and_deletions_last(mini, s3_bucket):
    server, bucket = deployed_once(mini, s3_bucket)
    (mini / "content/2024-07/04-other.md").unlink()
    edit_first_article(mini)
    dry = run_build(mini, "deploy", "--dry-run")
    lines = [line for line in dry.stderr.splitlines() if line.startswith(("  upload  ", "  delete  "))]
    uploads = [line[len("  upload  "):] for line in lines if line.startswith("  upload  ")]
    assert uploads[-1] == "index.html"   # the home page last
    first_page = next(i for i, name in enumerate(uploads) if name.endswith(".html"))
    assert not [name for name in uploads[first_page:] if not name.endswith((".html", ".xml", ".txt"))], uploads
    assert uploads.index("2024-07/first/index.html") < uploads.index("2024-07/index.html")   # (the article before its issue page)
    assert "2024-07/other/index.html" in listed(dry.stderr, "  delete  ")
    # (and the article it deletes from the live site by its title and issue, as the folder's dry run does)
    assert "warning: this deploy (发布) removes 1 page(s) or PDF(s) from the live site, among them 1 article(s): " \
        "《他山之石一篇》 (2024年第2期); if this was not meant" in dry.stderr
    assert lines.index("  upload  index.html") < min(i for i, line in enumerate(lines) if line.startswith("  delete  "))


def test_a_one_article_change_uploads_only_the_changed_objects(mini, s3_bucket):
    server, bucket = deployed_once(mini, s3_bucket)
    before = site_files(mini)
    edit_first_article(mini)
    after = site_files(mini)
    changed = {k for k in after if before.get(k) != after[k]}
    result = run_build(mini, "deploy", "--verbose")
    assert result.code == 0, result.stderr
    uploaded = set(listed(result.stderr, "  uploaded "))
    assert uploaded == changed and "2024-07/first/index.html" in uploaded and "assets/site.css" not in uploaded
    assert f"({len(changed)} object(s) uploaded" in result.stderr and f"{len(after) - len(changed)} unchanged" in result.stderr
    assert objects(server, bucket) == after


def test_a_site_that_has_not_changed_makes_no_release_unless_forced(mini, s3_bucket):
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, '  after: "echo ran >> ../after-ran.txt"\n')
    built(mini)
    deployed(mini)
    before = everything(server, bucket)
    again = run_build(mini, "deploy")
    assert again.code == 0 and "has not changed since the last deploy" in again.stderr
    assert everything(server, bucket) == before and (mini.parent / "after-ran.txt").read_text() == "ran\n"
    forced = run_build(mini, "deploy", "--force")
    assert forced.code == 0 and "(0 object(s) uploaded" in forced.stderr
    releases = [k for k in everything(server, bucket) if "/.xiaokan/releases/" in k]
    assert len(releases) == 2 and (mini.parent / "after-ran.txt").read_text() == "ran\nran\n"


# --- the deletion limit ------------------------------------------------------------------------

def test_a_deploy_that_would_delete_more_than_max_deletes_is_refused_naming_the_number(mini, s3_bucket):
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, "  max_deletes: 2\n")
    built(mini)
    deployed(mini)
    (mini / "content/2024-07/04-other.md").unlink()
    built(mini)
    gone = set(objects(server, bucket)) - set(site_files(mini))
    assert len(gone) > 2
    before = everything(server, bucket)
    for argv in (["deploy"], ["deploy", "--force"], ["deploy", "--dry-run"]):
        result = run_build(mini, *argv)
        assert result.code == 1 and f"would delete {len(gone)} objects" in result.stderr, result.stderr
        assert "max_deletes" in result.stderr and f"max_deletes: {len(gone)}" in result.stderr and "Traceback" not in result.stderr
        assert everything(server, bucket) == before
    assert set(listed(result.stderr, "  delete  ")) == gone   # (the dry run lists them before it says no)
    s3_site(mini, server, bucket, f"  max_deletes: {len(gone)}\n")
    assert deployed(mini) and objects(server, bucket) == site_files(mini)


# --- keys ------------------------------------------------------------------------------------------

def test_a_wrong_secret_or_key_id_is_refused_in_chinese_naming_where_the_key_was_read(mini, s3_bucket, monkeypatch, tmp_path):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    server, bucket = s3_bucket
    s3_site(mini, server, bucket)
    built(mini)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong-" + server.secret[6:])
    for argv in (["deploy"], ["deploy", "--dry-run"], ["deploy", "--rollback"]):
        result = run_build(mini, *argv)
        assert result.code == 1 and "Traceback" not in result.stderr, result.stderr
        assert "密钥不对" in result.stderr and "环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY" in result.stderr
        assert "SignatureDoesNotMatch" in result.stderr and "~/.aws/credentials" in result.stderr
        assert server.secret not in result.stderr and "wrong-" not in result.stderr and "线上网站保持原样" in result.stderr
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "NOSUCHKEY0000000")
    unknown = run_build(mini, "deploy")
    assert unknown.code == 1 and "不认识密钥 ID NOSU…0000" in unknown.stderr and "InvalidAccessKeyId" in unknown.stderr
    # from the credentials file: the message names the file and its [section]
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    credentials = write(tmp_path, "aws/credentials", f"[default]\naws_access_key_id = {server.key_id}\n"
                                                     f"aws_secret_access_key = not-the-secret\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    from_file = run_build(mini, "deploy")
    assert from_file.code == 1 and f"{credentials} [default]" in from_file.stderr and "密钥不对" in from_file.stderr
    assert objects(server, bucket) == {}
    write(tmp_path, "aws/credentials", f"[default]\naws_access_key_id = {server.key_id}\naws_secret_access_key = {server.secret}\n")
    assert run_build(mini, "deploy").code == 0 and objects(server, bucket) == site_files(mini)


def test_no_key_at_all_says_where_to_put_one(mini, s3_bucket, monkeypatch, tmp_path):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    server, bucket = s3_bucket
    s3_site(mini, server, bucket)
    built(mini)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    result = run_build(mini, "deploy")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "没有对象存储的密钥" in result.stderr and "~/.aws/credentials" in result.stderr and "AWS_ACCESS_KEY_ID" in result.stderr
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", server.key_id)   # (half a pair)
    half = run_build(mini, "deploy")
    assert half.code == 1 and "AWS_SECRET_ACCESS_KEY" in half.stderr and "没有设置" in half.stderr
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    credentials = write(tmp_path, "aws/credentials", f"[school]\naws_access_key_id = {server.key_id}\naws_secret_access_key = {server.secret}\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    profile = run_build(mini, "deploy")
    assert profile.code == 1 and "[default]" in profile.stderr and "school" in profile.stderr
    monkeypatch.setenv("AWS_PROFILE", "school")
    assert run_build(mini, "deploy").code == 0 and objects(server, bucket) == site_files(mini)


def test_a_key_written_into_site_yaml_is_refused(mini, s3_bucket, monkeypatch):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, "  secret_key: abcdef123456\n")
    built_before = run_build(mini, "build", "--no-pdf")
    result = run_build(mini, "deploy")
    for attempt in (built_before, result):
        assert attempt.code == 1 and "site.yaml:" in attempt.stderr and "密钥不能写在 site.yaml 里" in attempt.stderr
        assert "~/.aws/credentials" in attempt.stderr
    assert objects(server, bucket) == {}


# --- dry run and rollback --------------------------------------------------------------------------

def test_a_dry_run_changes_nothing_and_lists_exactly_what_the_deploy_then_does(mini, s3_bucket):
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, "  keep: 2\n")
    built(mini)
    fresh = run_build(mini, "deploy", "--dry-run")
    assert fresh.code == 0 and everything(server, bucket) == {} and "nothing was changed" in fresh.stderr
    assert set(listed(fresh.stderr, "  upload  ")) == set(site_files(mini))
    deployed(mini)
    edit_first_article(mini)
    deployed(mini)
    (mini / "content/2024-07/04-other.md").unlink()
    (mini / "content/2024-07/fangan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    write(mini, "content/2024-07/01-first.md", (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8")
          + "\n[评估方案](fangan.pdf)\n")
    built(mini)
    before = everything(server, bucket)
    dry = run_build(mini, "deploy", "--dry-run")
    assert dry.code == 0 and everything(server, bucket) == before
    real = run_build(mini, "deploy", "--verbose")
    assert real.code == 0, real.stderr
    uploaded, deleted = listed(real.stderr, "  uploaded "), listed(real.stderr, "  deleted  ")
    assert listed(dry.stderr, "  upload  ") == uploaded and "2024-07/fangan.pdf" in uploaded
    assert listed(dry.stderr, "  delete  ") == deleted and "2024-07/other/index.html" in deleted
    assert len(listed(dry.stderr, "  remove old release  ")) == 1
    assert f"{len(uploaded)} object(s)" in dry.stderr and f"would be uploaded and {len(deleted)} deleted" in dry.stderr
    assert f"({len(uploaded)} object(s) uploaded" in real.stderr and f"{len(deleted)} deleted)" in real.stderr
    assert "removed 1 old release(s) that --rollback no longer reaches" in real.stderr
    assert objects(server, bucket) == site_files(mini)


def test_rollback_puts_the_release_before_back_with_its_headers_and_steps_back_once(mini, s3_bucket):
    server, bucket = deployed_once(mini, s3_bucket)
    first = site_files(mini)
    first_headers = headers(server, bucket, "site/assets/site.css")
    (mini / "content/2024-07/04-other.md").unlink()
    edit_first_article(mini)
    s3_site(mini, server, bucket, '  cache:\n    "*.css": "no-cache"\n')   # (the second release's headers differ too)
    second = deployed(mini)
    assert headers(server, bucket, "site/assets/site.css")[1] == "no-cache"
    record = json.loads(server.client().get_object(Bucket=bucket, Key="site/.xiaokan/deploy.json")["Body"].read())
    a, b = record["live"]
    assert f"--rollback` makes {a} live again" in second
    before = everything(server, bucket)
    dry = run_build(mini, "deploy", "--rollback", "--dry-run")
    assert dry.code == 0 and f"would make {a} live again" in dry.stderr and f"instead of {b}" in dry.stderr
    assert everything(server, bucket) == before and "  restore 2024-07/other/index.html" in dry.stderr
    back = run_build(mini, "deploy", "--rollback")
    assert back.code == 0 and f"{a} is live again (instead of {b}" in back.stderr, back.stderr
    assert objects(server, bucket) == first and headers(server, bucket, "site/assets/site.css") == first_headers
    assert "there is no release before it" in back.stderr
    again = run_build(mini, "deploy", "--rollback")
    assert again.code == 1 and "nothing to roll back to" in again.stderr and objects(server, bucket) == first
    # the next deploy (of the edited site) starts from the rolled-back one: it is what --rollback offers
    third = deployed(mini)
    assert f"--rollback` makes {a} live again" in third and objects(server, bucket) == site_files(mini)


# --- cut off midway ----------------------------------------------------------------------------------

def test_a_deploy_cut_off_by_the_server_leaves_a_whole_site_and_the_next_deploy_completes_it(mini, own_s3, monkeypatch):
    server = own_s3
    bucket = server.new_bucket()
    s3_site(mini, server, bucket)
    built(mini)
    deployed(mini)
    old = objects(server, bucket)
    # 30 KB/s, as on a school's shared line, and a 300 KB attachment: the upload takes about 10 s
    s3_site(mini, server, bucket, "  bandwidth: 30\n")
    (mini / "content/2024-07/fangan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(300_000))
    write(mini, "content/2024-07/04-other.md", (mini / "content/2024-07/04-other.md").read_text(encoding="utf-8")
          + "\n[评估方案](fangan.pdf)\n")
    edit_first_article(mini)
    new = site_files(mini)
    fresh = {k for k in new if k not in old}
    deploying = subprocess.Popen([sys.executable, "-c", LAUNCH, str(mini), "deploy"], stderr=subprocess.PIPE, text=True,
                                 cwd=ROOT, env={**os.environ, "XIAOKAN_LANG": "zh_CN"})
    # the upload has begun: the first new objects are in the bucket, the attachment is not yet
    wait_for(lambda: any(k in fresh and k != "2024-07/fangan.pdf" for k in _keys(server, bucket)), 60)
    os.kill(server.process.pid, signal.SIGKILL)   # the storage service dies
    server.process.wait(10)
    _out, err = deploying.communicate(timeout=120)
    assert deploying.returncode == 1 and "Traceback" not in err, err
    assert "已部分更新" in err and "没有删除任何文件" in err and "再运行 deploy" in err   # (Chinese by default)
    assert "「" in err and "线上网站保持原样" not in err

    again = start_s3_server(server.data, key=(server.key_id, server.secret))   # (its data as the death left it)
    monkeypatch.setattr(server, "process", again.process)
    s3_site(mini, again, bucket)
    halfway = objects(again, bucket)
    assert set(old) <= set(halfway) and halfway["index.html"] == old["index.html"]   # nothing deleted, home page last
    assert set(halfway) & fresh and halfway["2024-07/other/index.html"] == old["2024-07/other/index.html"]
    assert not missing_references(halfway)   # (every page has what it shows)
    result = run_build(mini, "deploy")
    assert result.code == 0, result.stderr
    assert objects(again, bucket) == new
    assert not [k for k in everything(again, bucket) if "/.xiaokan/releases/" in k][2:]   # (the unfinished deploy's manifest is gone)
    assert f"--rollback` makes {_live(again, bucket)[0]} live again" in result.stderr


def _keys(server, bucket: str) -> set[str]:
    try:
        return {k[len("site/"):] for k in everything(server, bucket)}
    except Exception:   # (the server is going down)
        return set()


def _live(server, bucket: str) -> list[str]:
    return json.loads(server.client().get_object(Bucket=bucket, Key="site/.xiaokan/deploy.json")["Body"].read())["live"]


def test_a_rollback_after_a_cut_off_deploy_puts_the_live_release_back_whole(mini, s3_bucket):
    """A deploy that stopped halfway (its record names the upload; some objects are new) is undone by
    --rollback: the release that was live is whole again, and another --rollback steps back from it."""
    server, bucket = deployed_once(mini, s3_bucket)
    first = site_files(mini)
    edit_first_article(mini)
    deployed(mini)
    second = site_files(mini)
    a, b = _live(server, bucket)
    edit_again(mini)
    # what a deploy cut off after its first uploads leaves: its manifest, the record naming it, one new page
    client = server.client()
    from xiaokan.publish.objectrecord import dump_manifest
    from xiaokan.publish.s3deploy import site_manifest
    client.put_object(Bucket=bucket, Key="site/.xiaokan/releases/29990101-000000-000.json",
                      Body=dump_manifest(site_manifest(mini / "output", ())))
    record = json.loads(client.get_object(Bucket=bucket, Key="site/.xiaokan/deploy.json")["Body"].read())
    client.put_object(Bucket=bucket, Key="site/.xiaokan/deploy.json", Body=json.dumps({**record, "uploading": "29990101-000000-000"}))
    md5 = client.head_object(Bucket=bucket, Key="site/2024-07/first/index.html")["ETag"].strip('"')
    client.copy_object(Bucket=bucket, Key=f"site/.xiaokan/objects/{md5}",   # (a deploy keeps what it overwrites)
                       CopySource={"Bucket": bucket, "Key": "site/2024-07/first/index.html"})
    client.put_object(Bucket=bucket, Key="site/2024-07/first/index.html", Body=(mini / "output/2024-07/first/index.html").read_bytes(),
                      ContentType="text/html; charset=utf-8", CacheControl="public, max-age=300")
    back = run_build(mini, "deploy", "--rollback")
    assert back.code == 0 and "unfinished deploy 29990101-000000-000 was undone" in back.stderr, back.stderr
    assert objects(server, bucket) == second and _live(server, bucket) == [a, b]
    assert run_build(mini, "deploy", "--rollback").code == 0 and objects(server, bucket) == first


# --- deploy.after ------------------------------------------------------------------------------------

def test_deploy_after_runs_with_the_release_and_the_changed_addresses(mini, s3_bucket):
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, '  after: \'echo "$XIAOKAN_TARGET $XIAOKAN_RELEASE" > ../after.txt; cat "$XIAOKAN_CHANGED" >> ../after.txt\'\n')
    built(mini)
    dry = run_build(mini, "deploy", "--dry-run")
    assert dry.code == 0 and not (mini.parent / "after.txt").exists()   # (a dry run runs nothing)
    deployed(mini)
    edit_first_article(mini)
    result = run_build(mini, "deploy")
    assert result.code == 0 and "ran deploy.after" in result.stderr, result.stderr
    lines = (mini.parent / "after.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"s3://{bucket}/site {_live(server, bucket)[-1]}"
    assert "https://news.example.edu.cn/kan/2024-07/first/" in lines and "https://news.example.edu.cn/kan/2024-07/first/index.html" in lines
    assert "https://news.example.edu.cn/kan/assets/site.css" not in lines   # (only what changed)
    back = run_build(mini, "deploy", "--rollback")
    assert back.code == 0 and (mini.parent / "after.txt").read_text(encoding="utf-8").split()[1] == _live(server, bucket)[-1]


def test_a_failing_deploy_after_is_reported_in_chinese_and_the_deploy_stays(mini, s3_bucket, monkeypatch):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, "  after: \"echo 正在刷新; echo 'cdn: 没有刷新的权限 (403)' >&2; exit 3\"\n")
    built(mini)
    result = run_build(mini, "deploy")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "deploy.after 的命令失败了（退出状态 3）：「cdn: 没有刷新的权限 (403)」" in result.stderr
    assert "发布本身已经完成，没有撤销" in result.stderr and "--force" in result.stderr
    assert objects(server, bucket) == site_files(mini) and len(_live(server, bucket)) == 1   # (the deploy stays)
    assert "线上网站保持原样" not in result.stderr


# --- every flag --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_deployed_buckets(shared_s3, tmp_path_factory):
    """Made once for the 24 flag cases: the mini site deployed twice (a first and an edited build) to two
    buckets, then edited again and built (so that a deploy has something to upload). Each case copies it."""
    server, env = shared_s3, pytest.MonkeyPatch()
    env.setenv("AWS_ACCESS_KEY_ID", server.key_id)
    env.setenv("AWS_SECRET_ACCESS_KEY", server.secret)
    env.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/xiaokan-test-credentials")
    try:
        site = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("flags") / "mini")
        buckets = (server.new_bucket(), server.new_bucket())
        s3_site(site, server, buckets[0])
        built(site, search=False)   # (the search index's objects are other tests' concern)
        releases = []
        for edit in (None, edit_first_article):
            if edit:
                edit(site, search=False)
            for b in buckets:
                deployed(site, "--target", f"s3://{b}/site")
            releases.append(site_files(site))
        edit_again(site, search=False)
        yield site, buckets, releases
    finally:
        env.undo()


def copy_bucket(server, source: str) -> str:
    """A new bucket holding every object of source (deploy's record too), copied on the server."""
    client, bucket = server.client(), server.new_bucket()
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=source):
        for item in page.get("Contents", ()):
            client.copy_object(Bucket=bucket, Key=item["Key"], CopySource={"Bucket": source, "Key": item["Key"]},
                               MetadataDirective="COPY")
    return bucket


@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
@pytest.mark.parametrize("rollback", [False, True], ids=["deploy", "rollback"])
@pytest.mark.parametrize("dry", [False, True], ids=["real", "dry"])
@pytest.mark.parametrize("source", ["site.yaml", "--target", "both"])
def test_every_flag_combination_does_what_it_says(two_deployed_buckets, s3_bucket, tmp_path, source, dry, rollback, force):
    server, _empty = s3_bucket
    staged, staged_buckets, (first, second) = two_deployed_buckets
    mini = Path(shutil.copytree(staged, tmp_path / "mini", symlinks=True))
    # the bucket deployed to, and other: site.yaml's in "both", never touched
    bucket, other = (copy_bucket(server, b) for b in staged_buckets)
    assert _live(server, bucket) == _live(server, staged_buckets[0])   # (the copy holds deploy's record as it was)
    s3_site(mini, server, other if source == "both" else bucket, target="" if source == "--target" else None)
    chosen, untouched = bucket, other
    before = {b: everything(server, b) for b in (bucket, other)}
    argv = ["deploy", "--verbose"] + (["--dry-run"] if dry else []) + (["--rollback"] if rollback else []) + (["--force"] if force else [])
    if source in ("--target", "both"):
        argv += ["--target", f"s3://{chosen}/site"]
    result = run_build(mini, *argv)
    assert everything(server, untouched) == before[untouched]
    if rollback and force:
        assert result.code == 1 and "--force is for a deploy" in result.stderr and everything(server, chosen) == before[chosen]
        return
    assert result.code == 0, result.stderr
    assert ("not site.yaml's target" in result.stderr) == (source == "both")
    if dry:
        assert everything(server, chosen) == before[chosen] and "nothing was changed" in result.stderr
        assert ("would make" in result.stderr) == rollback and ("would be uploaded" in result.stderr) == (not rollback)
    elif rollback:
        assert objects(server, chosen) == first and "is live again" in result.stderr and "  restore " in result.stderr
    else:
        assert objects(server, chosen) == site_files(mini) != second and "  uploaded 2024-07/first/index.html" in result.stderr


def test_an_s3_target_on_the_command_line_takes_the_object_storage_settings_of_site_yaml(mini, s3_bucket, tmp_path):
    server, bucket = s3_bucket
    s3_site(mini, server, bucket, target=str(tmp_path / "www"))   # (site.yaml deploys to a folder)
    built(mini)
    result = run_build(mini, "deploy", "--target", f"s3://{bucket}/elsewhere/deeper/")
    assert result.code == 0 and "not site.yaml's target" in result.stderr, result.stderr
    assert objects(server, bucket, "elsewhere/deeper/") == site_files(mini) and not (tmp_path / "www").exists()
    top = run_build(mini, "deploy", "--target", f"s3://{bucket}")   # (the top of the bucket)
    assert top.code == 0 and objects(server, bucket, "")["index.html"] == site_files(mini)["index.html"]


# --- addressing, and what deploy did not put there --------------------------------------------------

def test_virtual_hosted_addressing_puts_the_bucket_in_the_host_name(mini, tmp_path, monkeypatch):
    """As Aliyun OSS requires: requests go to BUCKET.localhost (SeaweedFS with -s3.domainName=localhost)."""
    server = start_s3_server(tmp_path / "s3v", extra=("-s3.domainName=localhost",))
    try:
        bucket = server.new_bucket()
        asked, resolve = [], socket.getaddrinfo

        def getaddrinfo(host, *args, **kwargs):   # (this machine resolves no *.localhost: the test does)
            asked.append(host)
            return resolve("127.0.0.1" if str(host).endswith(".localhost") else host, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", server.key_id)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", server.secret)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/xiaokan-test-credentials")
        port = server.ports["s3.port"]
        s3_site(mini, server, bucket)
        write(mini, "site.yaml", (mini / "site.yaml.orig").read_text(encoding="utf-8")
              + f'deploy:\n  target: "s3://{bucket}/site"\n  endpoint: "http://localhost:{port}"\n  addressing: virtual\n')
        built(mini)
        result = run_build(mini, "deploy")
        assert result.code == 0, result.stderr
        assert f"{bucket}.localhost" in asked and objects(server, bucket) == site_files(mini)
    finally:
        server.stop()


def test_objects_deploy_did_not_put_there_are_left_alone(mini, s3_bucket):
    server, bucket = s3_bucket
    client = server.client()
    client.put_object(Bucket=bucket, Key="site/MP_verify_abc123.txt", Body=b"abc123")   # (WeChat's check of the domain)
    client.put_object(Bucket=bucket, Key="elsewhere/keep.html", Body=b"another site")
    s3_site(mini, server, bucket)
    built(mini)
    first = run_build(mini, "deploy")
    assert first.code == 0 and "1 object(s) under" in first.stderr and "not put there by deploy" in first.stderr
    (mini / "content/2024-07/04-other.md").unlink()
    built(mini)
    dry = run_build(mini, "deploy", "--dry-run")
    assert "  not deploy's, left alone  MP_verify_abc123.txt" in dry.stderr
    assert "MP_verify_abc123.txt" not in listed(dry.stderr, "  delete  ")
    deployed(mini)
    assert run_build(mini, "deploy", "--rollback").code == 0
    held = objects(server, bucket)
    assert held.pop("MP_verify_abc123.txt") == b"abc123" and objects(server, bucket, "elsewhere/") == {"keep.html": b"another site"}


def test_a_damaged_record_is_refused_and_nothing_changes(mini, s3_bucket):
    server, bucket = deployed_once(mini, s3_bucket)
    server.client().put_object(Bucket=bucket, Key="site/.xiaokan/deploy.json", Body=b'{"format": 1, "made": "everything"}')
    edit_first_article(mini)
    before = everything(server, bucket)
    for argv in (["deploy"], ["deploy", "--dry-run"], ["deploy", "--rollback"]):
        result = run_build(mini, *argv)
        assert result.code == 1 and "is damaged" in result.stderr and "Traceback" not in result.stderr
        assert everything(server, bucket) == before


# --- settings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("group,line,words", [
    ('  target: "s3://"\n', 1, ["names no bucket"]),
    ('  target: "s3://School_News/site"\n', 1, ["cannot be the name of a bucket"]),
    ('  target: "s3://news/a/../b"\n', 1, ["“..”"]),
    ('  target: "s3://news/.xiaokan/x"\n', 1, ["inside .xiaokan/"]),
    ('  target: "s3://news"\n  endpoint: oss-cn-hangzhou.aliyuncs.com\n', 2, ["`endpoint` must be the address"]),
    ('  target: "s3://news"\n  endpoint: https://news.s3.oss-cn-hangzhou.aliyuncs.com\n', 2,
     ["already holds the bucket news", "https://s3.oss-cn-hangzhou.aliyuncs.com"]),
    ('  target: "s3://news"\n  addressing: vhost\n', 2, ["`addressing` must be virtual or path"]),
    ('  target: "s3://news"\n  region: 杭州\n', 2, ["`region` must be a region name"]),
    ('  target: "s3://news"\n  max_deletes: -1\n', 2, ["`max_deletes` must be a whole number from 0"]),
    ('  target: "s3://news"\n  cache:\n    "*.html": "max-age=five"\n', 3, ["max-age needs a number of seconds"]),
    ('  target: "s3://news"\n  cache:\n    "*.html": "pubic, max-age=60"\n', 3, ["“pubic” is not a Cache-Control directive"]),
    ('  target: "s3://news"\n  cache: [a, b]\n', 2, ["`cache` must be a group"]),
    ('  target: "s3://news"\n  access_key_id: LTAI5t\n', 2, ["keys do not belong in site.yaml"]),
])
def test_object_storage_settings_are_checked_at_their_line(mini, group, line, words):
    first = len((mini / "site.yaml").read_text(encoding="utf-8").splitlines()) + 1   # (the `deploy:` line)
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + "deploy:\n" + group)
    for argv in (["build", "--no-pdf"], ["deploy"]):
        result = run_build(mini, *argv)
        assert result.code == 1 and f"site.yaml:{first + line}:" in result.stderr, result.stderr
        assert all(word in result.stderr for word in words) and "Traceback" not in result.stderr, result.stderr


def test_the_region_of_an_oss_or_cos_endpoint_and_the_addressing_are_derived(mini):
    from xiaokan.source.config import load_config

    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8")
          + 'deploy:\n  target: "s3://news-1250000000/kan"\n  endpoint: https://cos.ap-guangzhou.myqcloud.com\n')
    bucket = load_config(mini / "site.yaml").deploy.bucket
    assert (bucket.region, bucket.addressing, bucket.max_deletes) == ("ap-guangzhou", "virtual", 256)
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8").replace(
        "https://cos.ap-guangzhou.myqcloud.com", "https://s3.oss-cn-hangzhou.aliyuncs.com"))
    assert load_config(mini / "site.yaml").deploy.bucket.region == "cn-hangzhou"


# --- the pure parts -----------------------------------------------------------------------------------

def test_content_types_cache_rules_and_order():
    assert content_type("a/b/index.html") == "text/html; charset=utf-8"
    assert content_type("feed.xml") == content_type("sitemap.xml") == "application/xml"
    assert content_type("2024-07/名单.csv") == "text/csv; charset=utf-8" and content_type("x.unknownext") == "application/octet-stream"
    assert cache_control("search/data/2024-07.0fc80c6c689d.json") == "public, max-age=31536000, immutable"
    assert cache_control("search/data/directory.json") == "public, max-age=300"
    assert cache_control("2024-07/a/photo.jpg") == "public, max-age=86400"
    assert cache_control("2024-07/a/photo.jpg", (("2024-07/*", "no-cache"),)) == "no-cache"
    order = upload_order(["index.html", "2024-07/index.html", "2024-07/a/index.html", "feed.xml", "assets/site.css",
                          "2024-07/a/photo.jpg", "search/data/directory.json", "search/data/2024-07.0fc80c6c689d.json"])
    assert order == ["2024-07/a/photo.jpg", "search/data/2024-07.0fc80c6c689d.json", "search/data/directory.json",
                     "assets/site.css", "2024-07/a/index.html", "2024-07/index.html", "feed.xml", "index.html"]


def test_the_plan_sends_an_object_again_when_no_manifest_can_say_its_headers():
    page = Entry("0" * 32, 10, "text/html; charset=utf-8", "public, max-age=300")
    live = Manifest({"index.html": page, "old.html": page})
    # same content, same headers as the live release put there: unchanged; a changed rule: sent again
    plan = deploy_plan({"index.html": page}, {"index.html": page.md5, "old.html": page.md5}, live, [], {"index.html", "old.html"}, set())
    assert plan.unchanged == ["index.html"] and plan.deletions == ["old.html"] and plan.backups == [("old.html", page.md5)]
    shorter = Entry(page.md5, 10, page.type, "no-cache")
    plan = deploy_plan({"index.html": shorter}, {"index.html": page.md5}, live, [], set(), {page.md5})
    assert [p.path for p in plan.puts] == ["index.html"] and plan.backups == []
    # an unfinished deploy and the live release disagree on the headers of the same content: sent again
    unfinished = Manifest({"index.html": shorter})
    plan = deploy_plan({"index.html": page}, {"index.html": page.md5}, live, [unfinished], set(), set())
    assert [p.path for p in plan.puts] == ["index.html"]
    # an object not put there by deploy (nor in any manifest) is neither trusted nor deleted
    plan = deploy_plan({"index.html": page}, {"index.html": page.md5, "MP_verify.txt": None}, Manifest(), [], set(), set())
    assert [p.path for p in plan.puts] == ["index.html"] and plan.foreign == ["MP_verify.txt"] and not plan.deletions


# --- the desk ------------------------------------------------------------------------------------------

def test_the_desks_publish_and_rollback_reach_object_storage(mini, s3_bucket):
    """发布 and 回滚 of the 编辑部 call the same deploy when site.yaml names a bucket (they refused s3://
    as neither a folder nor a server)."""
    from xiaokan.desk.editorial import publishing, tasks

    server, bucket = s3_bucket
    s3_site(mini, server, bucket)
    built(mini)
    job = tasks.Job(1, "deploy-dry", "张三")
    dry = publishing.deploy(mini, True, job)
    assert set(dry["upload"]) == set(site_files(mini)) and dry["delete"] == [] and not dry["unchanged"]
    assert everything(server, bucket) == {}
    first = publishing.deploy(mini, False, job)
    assert "is live" in first["summary"] and objects(server, bucket) == site_files(mini)
    old = site_files(mini)
    edit_first_article(mini)
    assert publishing.deploy(mini, True, job)["upload"] and publishing.deploy(mini, False, job)["previous"] == first["release"]
    plan = publishing.rollback_plan(mini, job)
    assert plan["live"] == first["release"] and objects(server, bucket) == site_files(mini)
    back = publishing.rollback(mini, job)
    assert f"{first['release']} is live again" in back["summary"] and objects(server, bucket) == old


# --- two deploys at once -------------------------------------------------------------------------------

def test_two_deploys_at_once_are_kept_apart_and_a_killed_one_does_not_block(mini, s3_bucket):
    server, bucket = deployed_once(mini, s3_bucket)
    first = _live(server, bucket)
    (mini / "content/2024-07/fangan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    write(mini, "content/2024-07/04-other.md", (mini / "content/2024-07/04-other.md").read_text(encoding="utf-8")
          + "\n[评估方案](fangan.pdf)\n")
    built(mini)
    s3_site(mini, server, bucket, "  bandwidth: 20\n")   # (the attachment takes about 10 s)
    deploying = subprocess.Popen([sys.executable, "-c", LAUNCH, str(mini), "deploy"], stderr=subprocess.PIPE, text=True,
                                 cwd=ROOT, start_new_session=True)
    client = server.client()
    wait_for(lambda: json.loads(client.get_object(Bucket=bucket, Key="site/.xiaokan/deploy.json")["Body"].read())["uploading"], 60)
    s3_site(mini, server, bucket)
    for argv in (["deploy"], ["deploy", "--dry-run"], ["deploy", "--rollback"], ["deploy", "--rollback", "--dry-run"], ["deploy", "--force"]):
        second = run_build(mini, *argv)
        assert second.code == 1 and f"another deploy to s3://{bucket}/site is running" in second.stderr, second.stderr
        assert f"started {datetime.now():%Y-%m-%d}" in second.stderr and "by " in second.stderr and "its lock expires at" in second.stderr
        assert _live(server, bucket) == first and deploying.poll() is None   # (the first one's upload goes on)
    os.killpg(deploying.pid, signal.SIGKILL)   # the first deploy is killed: its lease stays in the bucket
    deploying.wait(10)
    assert "site/.xiaokan/lock.json" in everything(server, bucket)
    again = run_build(mini, "deploy")   # (this computer's, and its process is gone: taken over at once)
    assert again.code == 0, again.stderr
    assert objects(server, bucket) == site_files(mini) and "site/.xiaokan/lock.json" not in everything(server, bucket)


def test_a_lease_of_another_computer_is_waited_for_until_it_goes_stale(mini, s3_bucket, monkeypatch):
    from xiaokan.publish import objectlock

    server, bucket = s3_bucket
    s3_site(mini, server, bucket)
    built(mini)
    server.client().put_object(Bucket=bucket, Key="site/.xiaokan/lock.json", Body=json.dumps(
        {"started": "2026-01-01 08:00:00 +0800", "by": "teacher@office-pc", "pid": 1234, "beat": 0}))
    refused = run_build(mini, "deploy")
    assert refused.code == 1 and "started 2026-01-01 08:00:00 +0800 by teacher@office-pc" in refused.stderr
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    said = run_build(mini, "deploy", "--dry-run")
    assert said.code == 1 and f"另一个发布正在往 s3://{bucket}/site 上传：teacher@office-pc 于 2026-01-01 08:00:00 +0800 开始" in said.stderr
    assert "它的锁会在" in said.stderr and "这次什么都没有改" in said.stderr
    assert objects(server, bucket) == {}
    monkeypatch.setattr(objectlock, "STALE", 0.0)   # (as if its deploy had not renewed it for two minutes)
    assert run_build(mini, "deploy").code == 0 and objects(server, bucket) == site_files(mini)


def test_the_desks_回滚_with_nothing_to_bring_back_from_object_storage_is_information(mini, s3_bucket):
    """(It was a failed job, in red: nothing was wrong, and nothing changed.)"""
    from xiaokan.desk.editorial import publishing, tasks

    server, bucket = s3_bucket
    s3_site(mini, server, bucket)
    built(mini)
    job = tasks.Job(1, "rollback-dry", "主编")
    for work in (publishing.rollback_plan, publishing.rollback):   # (never published there)
        nothing = work(mini, job)
        assert nothing["nothing"] and nothing["summary"].startswith("nothing was changed: nothing has been published to s3://") and everything(server, bucket) == {}
    first = publishing.deploy(mini, False, job)["release"]
    before = everything(server, bucket)
    for work in (publishing.rollback_plan, publishing.rollback):   # (one release)
        nothing = work(mini, job)
        assert nothing["nothing"] and nothing["withdrawn"] == first
        assert nothing["summary"].startswith("nothing was changed: there is no earlier release for 回滚 to bring back yet")
        assert everything(server, bucket) == before
    assert job.problems == []
