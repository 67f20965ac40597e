"""build.py deploy as a careless admin and an editor would use it, as the editor reads it (Chinese):
settings written for one kind of target and deployed to another, addresses written as the target, an
output/ a stopped build left half-swapped, a server that accepts a connection and never answers, and a
deploy.after command that prints without end or in GBK."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import test_deploy
from test_deploy import _ssh_site, built, live
from test_s3deploy import s3_site

from helpers import run_build, write
from xiaokan.publish import afterdeploy, target
from xiaokan.publish.afterdeploy import run_after

LANGUAGE = "zh_CN"
ssh_server = test_deploy.ssh_server   # (the fixture: a real sshd on 127.0.0.1)
BUCKET_SETTINGS = {"endpoint": '  endpoint: "https://oss-cn-hangzhou.aliyuncs.com"\n', "region": "  region: cn-hangzhou\n",
                   "addressing": "  addressing: path\n", "max_deletes": "  max_deletes: 10\n",
                   "cache": '  cache:\n    "*.html": "public, max-age=60"\n'}


def with_deploy(mini: Path, group: str) -> None:
    original = mini / "site.yaml.orig"
    if not original.exists():
        original.write_bytes((mini / "site.yaml").read_bytes())
    write(mini, "site.yaml", original.read_text(encoding="utf-8") + "deploy:\n" + group)


def line_of(mini: Path, start: str) -> int:
    lines = (mini / "site.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(start))


# --- a setting the target does not use: a warning at its line, and the deploy goes on -----------------

@pytest.mark.parametrize("key", ["ssh", *BUCKET_SETTINGS])
def test_a_setting_a_folder_target_does_not_use_is_a_warning_at_its_line(mini, tmp_path, key):
    """(ssh: said nothing at all; the object storage settings: one line without site.yaml's line, in English words.)"""
    www = tmp_path / "www"
    with_deploy(mini, f"  target: {www}\n" + ("  ssh: ssh -p 2222\n" if key == "ssh" else BUCKET_SETTINGS[key]))
    built(mini)
    result = run_build(mini, "deploy")
    assert result.code == 0, result.stderr
    assert f"site.yaml:{line_of(mini, key + ':')}：警告：`{key}` " in result.stderr, result.stderr
    assert f"这次发布到{'文件夹 ' if key == 'ssh' else ' '}{www}，用不到它：删掉这一行" in result.stderr
    assert (www / "current/index.html").read_bytes() == (mini / "output/index.html").read_bytes()


def test_every_setting_a_server_target_does_not_use_is_a_warning_at_its_line(mini, tmp_path, ssh_server):
    host, ssh, _server = ssh_server
    www = tmp_path / "remote/www"
    built(mini)
    _ssh_site(mini, f"{host}:{www}", ssh, "".join(BUCKET_SETTINGS.values()) + "  keep: 3\n  bandwidth: 100000\n")
    result = run_build(mini, "deploy")
    assert result.code == 0, result.stderr
    for key in BUCKET_SETTINGS:
        assert f"site.yaml:{line_of(mini, key + ':')}：警告：`{key}` 是对象存储（s3://）的设置" in result.stderr, result.stderr
    assert "`ssh`" not in result.stderr and "`keep`" not in result.stderr and "`bandwidth`" not in result.stderr
    assert (www / "current/index.html").read_bytes() == (mini / "output/index.html").read_bytes()


def test_ssh_with_an_object_storage_target_is_a_warning_at_its_line(mini, s3_bucket):
    server, bucket = s3_bucket
    built(mini)
    s3_site(mini, server, bucket, "  ssh: ssh -p 2222 -i ~/.ssh/xiaokan_deploy\n  max_deletes: 100\n  keep: 3\n")
    result = run_build(mini, "deploy")
    assert result.code == 0, result.stderr
    assert (f"site.yaml:{line_of(mini, 'ssh:')}：警告：`ssh` 是连接服务器（用户@服务器:/路径）用的；这次发布到对象存储 "
            f"s3://{bucket}/site，用不到它：删掉这一行") in result.stderr, result.stderr
    assert "警告" not in result.stderr.replace(f"site.yaml:{line_of(mini, 'ssh:')}：警告", ""), result.stderr


# --- an address written as the target -------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("https://news.example.edu.cn/kan/", "是一个网址"),
    ("http://10.0.0.5/kan", "是一个网址"),
    ("s3:/pingjian-news/kan", "少了一个斜杠"),
    ("ssh://www@news.example.edu.cn/srv/www/kan", "是 ssh:// 开头的地址"),
    ("sftp://www@news.example.edu.cn:/srv/www/kan", "是 sftp:// 开头的地址"),
])
def test_an_address_as_the_target_is_refused_at_its_line(mini, tmp_path, monkeypatch, text, words):
    """(It was read as a server named https or s3, ssh tried to reach it, and the message spoke of the network.)"""
    calls = []
    built(mini)
    with_deploy(mini, f'  target: "{text}"\n')   # (written after the build: now every command refuses it, build too)
    monkeypatch.setattr(target.subprocess, "run", lambda *a, **k: calls.append(a) or pytest.fail("a tool was run"))
    for argv in (("deploy",), ("deploy", "--dry-run"), ("deploy", "--rollback")):
        result = run_build(mini, *argv)
        assert result.code == 1 and f"site.yaml:{line_of(mini, 'target:')}: 发布目标“{text}”{words}" in result.stderr, result.stderr
        assert "线上网站保持原样" in result.stderr and "网络" not in result.stderr
    with_deploy(mini, "")   # (--target alone: site.yaml without a target)
    given = run_build(mini, "deploy", "--target", text)
    assert given.code == 1 and f"错误：发布目标“{text}”{words}" in given.stderr, given.stderr
    assert not calls


# --- a build stopped while it swapped files in place ----------------------------------------------

def _stopped_build(mini: Path) -> None:
    """output/ as a build killed in the middle of its in-place swap leaves it (output.py's journal)."""
    out = mini / "output"
    (out / ".xiaokan-commit").write_text("2024-07/first/index.html\n", encoding="utf-8")
    page = out / "2024-07/first/index.html"
    (page.parent / "index.html.xiaokan-old").write_bytes(page.read_bytes())
    page.write_text("<p>新的一半</p>", encoding="utf-8")


def test_a_half_swapped_output_is_not_deployed_to_a_folder(mini, tmp_path):
    www = tmp_path / "www"
    built(mini)
    assert run_build(mini, "deploy", "--target", str(www)).code == 0
    before = {p: p.read_bytes() for p in (www / "current").rglob("*") if p.is_file()}
    _stopped_build(mini)
    for argv in ((), ("--dry-run",), ("--force",)):
        result = run_build(mini, "deploy", "--target", str(www), *argv)
        assert result.code == 1 and "output/ 里是一次中途停下的生成" in result.stderr, result.stderr
        assert "再运行一次 `.venv/bin/python build.py build`" in result.stderr and "线上网站保持原样" in result.stderr
    assert {p: p.read_bytes() for p in (www / "current").rglob("*") if p.is_file()} == before
    assert len(list((www / "releases").iterdir())) == 1
    assert run_build(mini, "build", "--no-pdf", "--no-search").code == 0   # (the build puts it right)
    assert run_build(mini, "deploy", "--target", str(www)).code == 0


def test_a_half_swapped_output_is_not_deployed_to_object_storage(mini, s3_bucket):
    server, bucket = s3_bucket
    built(mini)
    s3_site(mini, server, bucket)
    _stopped_build(mini)
    result = run_build(mini, "deploy")
    assert result.code == 1 and "output/ 里是一次中途停下的生成" in result.stderr, result.stderr
    assert not server.client().list_objects_v2(Bucket=bucket).get("Contents")


# --- a server that accepts the connection and never answers ----------------------------------------

@pytest.fixture
def silent_server():
    """A port that accepts connections and never says a word (a firewall or a hung sshd)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.mark.parametrize("argv", [(), ("--dry-run",), ("--rollback",)])
def test_a_server_that_never_answers_is_given_up_with_a_message(mini, silent_server, monkeypatch, argv):
    """(ssh waited for ever: deploy hung with nothing on the screen.)"""
    monkeypatch.setattr(target, "CONNECT_TIMEOUT", 2)
    built(mini)
    with_deploy(mini, f'  target: "www@127.0.0.1:/srv/www/kan"\n  ssh: "ssh -p {silent_server} -o StrictHostKeyChecking=no"\n')
    started = time.monotonic()
    result = run_build(mini, "deploy", *argv)
    assert time.monotonic() - started < 30
    assert result.code == 1 and "无法读取发布目标 www@127.0.0.1:/srv/www/kan：「Connection timed out" in result.stderr, result.stderr
    assert "检查网络和服务器地址" in result.stderr and "线上网站保持原样" in result.stderr


# --- deploy.after that prints without end, or in GBK ----------------------------------------------

def test_deploy_after_that_prints_a_great_deal_keeps_only_its_end(tmp_path):
    """(All of it was kept in memory and, with --verbose, printed: 30 MB of a tool's progress.)"""
    ran = run_after("yes 刷新中 | head -c 30000000; echo 刷新完成，但有 3 个地址失败; exit 2", tmp_path, "t", "r1",
                    "https://news.example.edu.cn/kan/", ["index.html"])
    assert len(ran.output.encode("utf-8")) <= afterdeploy.KEPT
    assert ran.output.startswith("刷新中\n")   # (from a line's start: no half character)
    assert ran.problem == "deploy.after 的命令失败了（退出状态 2）：「刷新完成，但有 3 个地址失败」"


def test_deploy_after_that_speaks_gbk_is_quoted_readably(mini, tmp_path):
    """(A Chinese Windows tool, or an old server's, prints GBK: the warning quoted 「ˢ��ʧ��」.)"""
    www = tmp_path / "www"
    with_deploy(mini, f"  target: {www}\n  after: printf '\\313\\242\\320\\302\\312\\247\\260\\334\\n'; exit 5\n")
    built(mini)
    result = run_build(mini, "deploy")
    assert result.code == 1 and "deploy.after 的命令失败了（退出状态 5）：「刷新失败」" in result.stderr, result.stderr
    assert "发布本身已经完成，没有撤销" in result.stderr, result.stderr
    assert live(www).parent == www.resolve() / "releases"


# --- a key put where deploy does not read it -----------------------------------------------------

@pytest.mark.parametrize("place", ["ALIBABA_CLOUD_ACCESS_KEY_ID", "TENCENTCLOUD_SECRET_ID", "aws/config", "aliyun"])
def test_a_key_put_where_deploy_does_not_read_it_is_named(mini, s3_bucket, monkeypatch, tmp_path, place):
    """(The message said there was no key at all, while the Aliyun tool, or the AWS one, found it.)"""
    server, bucket = s3_bucket
    s3_site(mini, server, bucket)
    built(mini)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "home/.aws/config"))
    secret = "Zq8secretNEVERshown0000"
    if place == "aws/config":
        write(tmp_path, "home/.aws/config", f"[default]\nregion = cn-hangzhou\naws_access_key_id = {server.key_id}\n"
                                            f"aws_secret_access_key = {secret}\n")
        where = str(tmp_path / "home/.aws/config")
    elif place == "aliyun":
        write(tmp_path, "home/.aliyun/config.json", f'{{"profiles": [{{"access_key_id": "{server.key_id}", '
                                                    f'"access_key_secret": "{secret}"}}]}}')
        where = str(tmp_path / "home/.aliyun/config.json")
    else:
        monkeypatch.setenv(place, server.key_id)
        where = place
    result = run_build(mini, "deploy")
    assert result.code == 1 and "发布读取密钥的地方（环境变量 AWS_ACCESS_KEY_ID，或者文件" in result.stderr, result.stderr
    assert f"{where} 里有一个，但发布不从那里读取" in result.stderr and "把密钥 ID 和 Secret 抄到发布读取的地方" in result.stderr
    assert "~/.aws/credentials" in result.stderr and secret not in result.stderr and server.key_id not in result.stderr
    assert not server.client().list_objects_v2(Bucket=bucket).get("Contents")


# --- --quiet leaves out what went well, never a warning ---------------------------------------------

def test_quiet_still_says_a_failed_deploy_after_and_an_unused_setting(mini, tmp_path):
    """(--quiet, "print only warnings and errors", printed nothing at all and ended with status 1.)"""
    www = tmp_path / "www"
    with_deploy(mini, f"  target: {www}\n  max_deletes: 10\n  after: echo 没有刷新的权限; exit 3\n")
    built(mini)
    result = run_build(mini, "deploy", "--quiet")
    assert result.code == 1
    assert "警告：deploy.after 的命令失败了（退出状态 3）：「没有刷新的权限」" in result.stderr, result.stderr
    assert "发布本身已经完成，没有撤销" in result.stderr
    assert f"site.yaml:{line_of(mini, 'max_deletes:')}：警告：`max_deletes` 是对象存储（s3://）的设置" in result.stderr
    assert "已发布到" not in result.stderr   # (what went well is left out)
    assert (www / "current/index.html").read_bytes() == (mini / "output/index.html").read_bytes()


# --- rsync or ssh not installed ---------------------------------------------------------------------

@pytest.fixture
def without_rsync_and_ssh(tmp_path, monkeypatch):
    """A PATH with the shell and the tools of the target's steps, but neither rsync nor ssh."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in ("sh", "mkdir", "cat", "mv", "ln", "rm", "ls", "readlink", "flock", "true"):
        (folder / name).symlink_to(shutil.which(name))
    monkeypatch.setenv("PATH", str(folder))


@pytest.mark.parametrize("kind", ["folder", "server"])
def test_rsync_or_ssh_not_installed_is_said_so(mini, tmp_path, without_rsync_and_ssh, kind):
    """(It said 「rsync: 文件或文件夹不存在（被移动、改名或删除了？）」 → 检查这个文件夹, as if the target were missing.)"""
    www = tmp_path / "www"
    built(mini)
    given = str(www) if kind == "folder" else f"www@127.0.0.1:{www}"
    for argv in ((), ("--dry-run",), ("--rollback",)):
        result = run_build(mini, "deploy", "--target", given, *argv)
        if kind == "folder" and argv == ("--rollback",):   # (a rollback of a folder needs no rsync)
            assert result.code == 1 and "没有线上版本" in result.stderr, result.stderr
            continue
        program = "ssh" if argv == ("--rollback",) else "rsync"   # (a rollback needs ssh only)
        assert result.code == 1 and f"错误：这台电脑上没有安装发布要用的程序 {program}" in result.stderr, result.stderr
        assert "sudo apt install rsync openssh-client" in result.stderr and "线上网站保持原样" in result.stderr
        assert "文件夹不存在" not in result.stderr
    assert not (www / "current").exists()
    assert not www.exists()   # (nothing made: the dry run did not list files it could not send either)


def test_a_program_of_the_ssh_line_that_is_not_there_is_named_with_that_line(mini, tmp_path):
    www = tmp_path / "www"
    built(mini)
    with_deploy(mini, f'  target: "www@127.0.0.1:{www}"\n  ssh: "sshh -p 2222"\n')
    result = run_build(mini, "deploy")
    assert result.code == 1 and "错误：这台电脑上没有安装发布要用的程序 sshh" in result.stderr, result.stderr
    assert "sshh 是 site.yaml 的 deploy 里 ssh: 那一行写的程序" in result.stderr


# --- a build that starts while the deploy uploads ---------------------------------------------------

def _build_meanwhile(mini: Path) -> None:
    """What a build does to output/ while a deploy uploads: a page replaced by renaming a new one over it."""
    page = mini / "output/2024-07/first/index.html"
    new = page.with_name("index.html.xiaokan-new")
    new.write_text("<p>下一次生成的页面</p>", encoding="utf-8")
    new.replace(page)


def test_a_build_during_a_folder_deploy_does_not_change_the_release(mini, tmp_path, monkeypatch):
    """(rsync read output/ as it went: the release got the next build's page beside this build's styles.)"""
    from xiaokan.publish import deploy as deploy_module

    www = tmp_path / "www"
    built(mini)
    before = {p.relative_to(mini / "output"): p.read_bytes() for p in (mini / "output").rglob("*") if p.is_file()}
    upload = deploy_module._upload

    def upload_while_building(*args, **kwargs):
        _build_meanwhile(mini)
        return upload(*args, **kwargs)

    monkeypatch.setattr(deploy_module, "_upload", upload_while_building)
    result = run_build(mini, "deploy", "--target", str(www))
    assert result.code == 0, result.stderr
    served = {p.relative_to(www / "current"): p.read_bytes() for p in (www / "current").rglob("*") if p.is_file()}
    assert served == {name: data for name, data in before.items() if name.name != ".xiaokan-output"}
    assert not list((mini / ".cache/deploy").iterdir())   # (the snapshot is removed)


def test_a_build_during_an_object_storage_deploy_does_not_break_it(mini, s3_bucket, monkeypatch):
    """(The objects were listed with their MD5 first and read again to be sent: the service refused the
    changed page (BadDigest) and the site was left partly updated.)"""
    from xiaokan.publish import s3deploy

    server, bucket = s3_bucket
    built(mini)
    s3_site(mini, server, bucket)
    page = (mini / "output/2024-07/first/index.html").read_bytes()
    put_all = s3deploy._put_all

    def put_while_building(*args, **kwargs):
        _build_meanwhile(mini)
        return put_all(*args, **kwargs)

    monkeypatch.setattr(s3deploy, "_put_all", put_while_building)
    result = run_build(mini, "deploy")
    assert result.code == 0 and "已部分更新" not in result.stderr, result.stderr
    sent = server.client().get_object(Bucket=bucket, Key="site/2024-07/first/index.html")["Body"].read()
    assert sent == page


@pytest.mark.parametrize("text, fixed", [
    ("ｓ3://pingjian-news/kan", "s3://pingjian-news/kan"),
    ("www＠news.example.edu.cn:/srv/www/kan", "www@news.example.edu.cn:/srv/www/kan"),
    ("www@news.example.edu.cn：/srv/www/kan", "www@news.example.edu.cn:/srv/www/kan"),
    ("www@news。example。edu。cn:/srv/www/kan", "www@news.example.edu.cn:/srv/www/kan"),
])
def test_a_target_typed_in_chinese_input_mode_is_refused_with_the_half_width_form(mini, tmp_path, monkeypatch, text, fixed):
    """(ｓ3:// passed the check and was a server named ｓ3; a full-width colon was a folder inside the project.)"""
    built(mini)
    monkeypatch.setattr(target.subprocess, "run", lambda *a, **k: pytest.fail("a tool was run"))
    for argv in ((), ("--dry-run",), ("--rollback",)):
        result = run_build(mini, "deploy", "--target", text, *argv)
        assert result.code == 1 and f"发布目标“{text}”里有全角的字母或标点（是在中文输入法下打的）" in result.stderr, result.stderr
        assert f"切换到英文输入法，用半角重新写：{fixed}" in result.stderr and "线上网站保持原样" in result.stderr
    assert not (mini / text).exists()


def test_the_snapshot_of_a_killed_deploy_is_removed_by_the_next(mini, tmp_path):
    import subprocess

    www = tmp_path / "www"
    built(mini)
    gone = subprocess.Popen(["true"])
    gone.wait()
    abandoned = mini / f".cache/deploy/{gone.pid}-0badc0de"
    running = mini / f".cache/deploy/{os.getppid()}-0badc0de"   # (a process that is alive: another deploy's)
    for folder in (abandoned, running):
        write(folder, "index.html", "<p>上一次发布的快照</p>")
    assert run_build(mini, "deploy", "--target", str(www)).code == 0
    assert not abandoned.exists() and (running / "index.html").exists()


@pytest.mark.parametrize("text, words", [
    ("https://news.example.edu.cn/kan", "是一个网址"),
    ("ｓ3://pingjian-news/kan", "里有全角的字母或标点"),
    ("www@news.example.edu.cn：/srv/www/kan", "里有全角的字母或标点"),
])
def test_check_refuses_at_its_line_the_targets_deploy_refuses(mini, text, words):
    """(check said 内容没有问题 for them, and only deploy refused them.)"""
    with_deploy(mini, f'  target: "{text}"\n')
    result = run_build(mini, "check")
    assert result.code == 1 and f"site.yaml:{line_of(mini, 'target:')}: 发布目标“{text}”{words}" in result.stderr, result.stderr


def test_a_password_in_the_target_or_the_endpoint_is_never_shown(mini):
    """(site.yaml is shared and messages end up in screenshots: the whole value was repeated.)"""
    built(mini)
    with_deploy(mini, '  target: "www:S3cretPass@news.example.edu.cn:/srv/www/kan"\n')
    for argv in (("check",), ("deploy", "--dry-run")):
        result = run_build(mini, *argv)
        assert result.code == 1 and "S3cretPass" not in result.stderr, result.stderr
        assert "发布目标“www:***@news.example.edu.cn:/srv/www/kan”里写了密码" in result.stderr, result.stderr
    with_deploy(mini, "")
    given = run_build(mini, "deploy", "--target", "www:S3cretPass@news.example.edu.cn:/srv/www/kan")
    assert given.code == 1 and "S3cretPass" not in given.stderr and "www:***@" in given.stderr
    with_deploy(mini, '  target: s3://pingjian-news/kan\n  endpoint: https://LTAIkey:S3cretPass@oss-cn-hangzhou.aliyuncs.com\n')
    result = run_build(mini, "check")
    assert result.code == 1 and "S3cretPass" not in result.stderr and "https://LTAIkey:***@oss-cn-hangzhou" in result.stderr


def test_check_says_the_deploy_settings_site_yamls_target_does_not_use(mini, tmp_path):
    """(Only deploy said them: an editor who ran check was told 内容没有问题.)"""
    www = tmp_path / "www"
    with_deploy(mini, f"  target: {www}\n  ssh: ssh -p 2222\n  max_deletes: 10\n")
    result = run_build(mini, "check")
    assert result.code == 0, result.stderr
    for key in ("ssh", "max_deletes"):
        assert f"site.yaml:{line_of(mini, key + ':')}：警告：" in result.stderr.replace(": 警告", "：警告"), result.stderr
        assert f"这次发布到{'文件夹 ' if key == 'ssh' else ' '}{www}，用不到它：删掉这一行" in result.stderr
    with_deploy(mini, f"  target: {www}\n  keep: 3\n")
    assert "用不到它" not in run_build(mini, "check").stderr
