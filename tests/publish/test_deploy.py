"""build.py deploy: to a folder and to a real OpenSSH server started on 127.0.0.1 with a throwaway key
(Debian's openssh-server, installed by make test): only changed files are sent, unchanged ones are
hard-linked, the switch is atomic, rollback follows the history of what was live, a deploy that fails
midway changes nothing live, and deploy says exactly what it does and touches only what it made:
every flag combination, dry runs that create nothing and list what the deploy then does, folders in
releases/ that deploy did not make, targets inside the project, two deploys at once, a `current`
folder, the tools' messages, and the deploy settings of site.yaml."""
from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from helpers import FIXTURES, LAUNCH, copy_site, free_port, run_build, wait_for, write

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def built(mini: Path) -> Path:
    result = run_build(mini, "build", "--no-pdf", "--no-search")   # (the search index is not what deploy tests)
    assert result.code == 0, result.stderr
    return mini


def releases(target: Path) -> list[str]:
    return sorted(p.name for p in (target / "releases").iterdir())


def live(target: Path) -> Path:
    return (target / "current").resolve()


def edit_first_article(mini: Path) -> None:
    article = mini / "content/2024-07/01-first.md"
    write(mini, "content/2024-07/01-first.md", article.read_text(encoding="utf-8").replace("这是第一段", "这是改过的第一段"))
    built(mini)


def edit_again(mini: Path) -> None:
    article = mini / "content/2024-07/01-first.md"
    write(mini, "content/2024-07/01-first.md", article.read_text(encoding="utf-8") + "\n又补充了一段。\n")
    built(mini)


def test_a_deploy_to_a_folder_sends_what_changed_and_shares_the_rest(mini, tmp_path):
    target = tmp_path / "www"
    built(mini)
    first = run_build(mini, "deploy", "--target", str(target))
    assert first.code == 0, first.stderr
    assert (target / "current").is_symlink() and len(releases(target)) == 1
    assert (target / "current/index.html").read_bytes() == (mini / "output/index.html").read_bytes()
    assert not (target / "current/.xiaokan-output").exists()
    edit_first_article(mini)

    dry = run_build(mini, "deploy", "--target", str(target), "--dry-run")
    assert dry.code == 0 and "2024-07/first/index.html" in dry.stderr and "nothing was changed" in dry.stderr
    assert len(releases(target)) == 1   # (a dry run changes nothing)

    second = run_build(mini, "deploy", "--target", str(target))
    assert second.code == 0, second.stderr
    old, new = releases(target)
    assert live(target).name == new and "改过的第一段" in (target / "current/2024-07/first/index.html").read_text(encoding="utf-8")
    # an unchanged file is the same file in both releases (a hard link), a changed one is new
    assert os.stat(target / "releases" / old / "assets/site.css").st_ino == os.stat(target / "releases" / new / "assets/site.css").st_ino
    assert os.stat(target / "releases" / old / "2024-07/first/index.html").st_ino != \
        os.stat(target / "releases" / new / "2024-07/first/index.html").st_ino
    sent = int(second.stderr.split(" file(s) uploaded")[0].rsplit("(", 1)[1])
    files = sum(1 for p in (target / "current").rglob("*") if p.is_file())
    assert 0 < sent < files / 3, second.stderr

    back = run_build(mini, "deploy", "--target", str(target), "--rollback")
    assert back.code == 0 and live(target).name == old
    assert "改过的第一段" not in (target / "current/2024-07/first/index.html").read_text(encoding="utf-8")


def test_old_releases_beyond_keep_are_removed(mini, tmp_path):
    target = tmp_path / "www"
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + f"deploy:\n  target: {target}\n  keep: 2\n")
    built(mini)
    for _ in range(4):   # (the target from site.yaml; --force: a new release of an unchanged site)
        assert run_build(mini, "deploy", "--force").code == 0
    assert len(releases(target)) == 2 and live(target).name == releases(target)[-1]


@pytest.mark.parametrize("site_yaml,message", [
    ("", "there is no deploy target"),
    ("deploy:\n  target: www:relative/path\n", "neither a folder nor user@host:/absolute/path"),
    ("deploy:\n  target: /srv/x\n  bandwidth: fast\n", "`bandwidth` must be a whole number"),
])
def test_a_wrong_deploy_setting_is_an_error_that_changes_nothing(mini, site_yaml, message):
    built(mini)
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + site_yaml)
    result = run_build(mini, "deploy")
    assert result.code == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_deploy_before_any_build_says_to_build_first(mini, tmp_path):
    result = run_build(mini, "deploy", "--target", str(tmp_path / "www"))
    assert result.code == 1 and "build.py build" in result.stderr and not (tmp_path / "www/current").exists()


def test_rollback_with_a_single_release_is_refused(mini, tmp_path):
    built(mini)
    assert run_build(mini, "deploy", "--target", str(tmp_path / "www")).code == 0
    result = run_build(mini, "deploy", "--target", str(tmp_path / "www"), "--rollback")
    assert result.code == 1 and "nothing to roll back to" in result.stderr


# --- over SSH, to a real server ------------------------------------------------------------------

def _start_sshd(keys: Path, port: int) -> tuple[subprocess.Popen, str]:
    """sshd -D on 127.0.0.1:port with the host key and the one client key in keys; and the ssh command for it."""
    config = keys / "sshd_config"
    config.write_text(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {keys / 'host'}
AuthorizedKeysFile {keys / 'authorized_keys'}
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PidFile {keys / 'sshd.pid'}
Subsystem sftp internal-sftp
""")
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True)
    return server, (f"ssh -p {port} -i {keys / 'client'} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
                    f"-o LogLevel=ERROR -o ConnectTimeout=5")


@pytest.fixture
def ssh_server(tmp_path):
    """sshd on 127.0.0.1 (a free port), accepting one throwaway key; yields (user@host prefix, ssh command)."""
    if not os.path.exists(SSHD):
        pytest.fail("openssh-server is missing: make test installs it")
    keys = tmp_path / "ssh"
    keys.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys / "host"], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", keys / "client"], check=True)
    shutil.copy(keys / "client.pub", keys / "authorized_keys")
    try:
        os.makedirs("/run/sshd", exist_ok=True)   # (the privilege separation folder sshd insists on, as root)
    except PermissionError:
        pass
    user = getpass.getuser()
    for _attempt in range(5):   # (a port another test's server took in the meantime is retried on another)
        server, ssh = _start_sshd(keys, free_port())
        if wait_for(lambda server=server, ssh=ssh: "exited" if server.poll() is not None else subprocess.run(
                ssh.split() + [f"{user}@127.0.0.1", "true"], capture_output=True).returncode == 0, 60) is True:
            break
    else:
        pytest.fail("sshd did not start: " + server.stderr.read())
    yield f"{user}@127.0.0.1", ssh, server
    server.terminate()
    server.wait(10)


def _descendants(pid: int) -> list[int]:
    """The processes a process started, and theirs (from /proc: no procps needed)."""
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            children = [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except OSError:
            continue
        found += children
        stack += children
    return found


def _ssh_site(mini: Path, target: str, ssh: str, extra: str = "") -> None:
    """site.yaml (as the fixture has it) with a deploy group."""
    original = mini / "site.yaml.orig"
    if not original.exists():
        shutil.copy(mini / "site.yaml", original)
    write(mini, "site.yaml", original.read_text(encoding="utf-8") + f'deploy:\n  target: "{target}"\n  ssh: "{ssh}"\n{extra}')


def test_a_deploy_over_ssh_switches_atomically_and_rolls_back(mini, tmp_path, ssh_server):
    host, ssh, _server = ssh_server
    www = tmp_path / "remote/www"
    _ssh_site(mini, f"{host}:{www}", ssh)
    built(mini)
    first = run_build(mini, "deploy")
    assert first.code == 0, first.stderr
    assert (www / "current/index.html").read_bytes() == (mini / "output/index.html").read_bytes()
    edit_first_article(mini)
    dry = run_build(mini, "deploy", "--dry-run")
    assert dry.code == 0 and "2024-07/first/index.html" in dry.stderr
    second = run_build(mini, "deploy")
    assert second.code == 0, second.stderr
    old, new = releases(www)
    assert live(www).name == new
    assert os.stat(www / "releases" / old / "assets/site.css").st_ino == os.stat(www / "releases" / new / "assets/site.css").st_ino
    assert run_build(mini, "deploy", "--rollback").code == 0 and live(www).name == old


def test_the_desks_回滚_with_nothing_to_bring_back_over_ssh_is_information(mini, tmp_path, ssh_server):
    """(It was a failed job, in red: nothing was wrong, and nothing changed.)"""
    from helpers import snapshot
    from xiaokan.desk.editorial import publishing, tasks

    host, ssh, _server = ssh_server
    www = tmp_path / "remote/www"
    _ssh_site(mini, f"{host}:{www}", ssh)
    built(mini)
    job = tasks.Job(1, "rollback-dry", "主编")
    for work in (publishing.rollback_plan, publishing.rollback):   # (never published there)
        nothing = work(mini, job)
        assert nothing["nothing"] and nothing["summary"].startswith(
            f"nothing was changed: nothing has been published to {host}:{www} yet, so there is no release for 回滚")
        assert not www.exists()
    first = publishing.deploy(mini, False, job)["release"]
    before = snapshot(www)
    for work in (publishing.rollback_plan, publishing.rollback):   # (one release)
        nothing = work(mini, job)
        assert nothing["nothing"] and nothing["withdrawn"] == first
        assert nothing["summary"].startswith("nothing was changed: there is no earlier release for 回滚 to bring back yet")
        assert live(www).name == first and snapshot(www) == before
    assert job.problems == []


def test_a_deploy_cut_off_midway_leaves_the_live_site_as_it_was(mini, tmp_path, ssh_server):
    host, ssh, server = ssh_server
    www = tmp_path / "remote/www"
    # 30 KB/s, as on a school's shared line, and a 600 KB attachment: the upload takes about 20 s
    _ssh_site(mini, f"{host}:{www}", ssh, "  bandwidth: 30\n")
    built(mini)
    assert run_build(mini, "deploy").code == 0
    before = live(www)
    index_before = (www / "current/index.html").read_bytes()
    (mini / "content/2024-07/fangan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(600_000))
    write(mini, "content/2024-07/04-other.md", (mini / "content/2024-07/04-other.md").read_text(encoding="utf-8")
          + "\n[评估方案](fangan.pdf)\n")
    built(mini)

    deploying = subprocess.Popen([sys.executable, "-c", LAUNCH, str(mini), "deploy"], stderr=subprocess.PIPE, text=True,
                                 cwd=Path(__file__).resolve().parents[2], env={**os.environ, "XIAOKAN_LANG": "zh_CN"})
    # the attachment is being uploaded: rsync's temporary file for it has appeared in the new release
    wait_for(lambda: any(p.name.startswith(".partial-") and any(p.rglob(".fangan.pdf.*"))
                         for p in (www / "releases").iterdir()), 60)
    # the connection drops: every sshd serving the upload is killed (the listener stays)
    children = _descendants(server.pid)
    assert children
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    _out, err = deploying.communicate(timeout=60)
    assert deploying.returncode == 1 and "Traceback" not in err and "线上网站保持原样" in err   # (Chinese by default)
    assert "上传到" in err and "失败：「" in err   # (rsync's or ssh's own line, quoted)
    assert live(www) == before and (www / "current/index.html").read_bytes() == index_before
    assert not (www / "current/2024-07/fangan.pdf").exists()

    _ssh_site(mini, f"{host}:{www}", ssh)   # the line is back: the next deploy completes and tidies up
    again = run_build(mini, "deploy")
    assert again.code == 0, again.stderr
    assert (www / "current/2024-07/fangan.pdf").stat().st_size > 600_000
    assert not [p for p in (www / "releases").iterdir() if p.name.startswith(".partial-")]


# --- saying exactly what it does (issue 23) -------------------------------------------------------

def tree(folder: Path) -> dict[str, tuple]:
    """Everything in a folder, links not followed: files with their bytes, links with where they point."""
    found: dict[str, tuple] = {}
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                found[rel] = ("folder",)
            else:
                found[rel] = ("file", path.read_bytes())
    return found


def unlocked(files: dict[str, tuple]) -> dict[str, tuple]:
    """A target's tree but for the lock file, which every deploy that takes the lock writes who and when into."""
    return {rel: entry for rel, entry in files.items() if rel != ".xiaokan-deploy.lock"}


def deploy_to(mini: Path, target: Path, *extra: str) -> str:
    """Deploy (must succeed); the name of the release live afterwards."""
    result = run_build(mini, "deploy", "--target", str(target), *extra)
    assert result.code == 0, result.stderr
    return live(target).name


def with_deploy_group(mini: Path, group: str) -> None:
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + "deploy:\n" + group)


@pytest.fixture(scope="module")
def two_deployed_folders(tmp_path_factory):
    """Made once for the flag cases: the mini site deployed twice (a first and an edited build) to two
    folders, then edited again and built (so that a deploy has something to make a release of)."""
    top = tmp_path_factory.mktemp("flags")
    site, targets = copy_site(FIXTURES / "mini", top / "mini"), (top / "yaml-www", top / "flag-www")
    built(site)
    first = {t.name: deploy_to(site, t) for t in targets}
    edit_first_article(site)
    second = {t.name: deploy_to(site, t) for t in targets}
    edit_again(site)
    return site, targets, first, second


def staged_copy(folder: Path, tmp_path: Path) -> Path:
    """A case's own copy of a prepared project or target (`current` is a relative link: it still points home)."""
    return Path(shutil.copytree(folder, tmp_path / folder.name, symlinks=True))


@pytest.mark.parametrize("rollback", [False, True], ids=["deploy", "rollback"])
@pytest.mark.parametrize("dry", [False, True], ids=["real", "dry"])
@pytest.mark.parametrize("source", ["none", "site.yaml", "--target", "both"])
def test_every_flag_combination_does_what_it_says(two_deployed_folders, tmp_path, source, dry, rollback):
    staged, targets, first_names, second_names = two_deployed_folders
    mini = staged_copy(staged, tmp_path)
    from_yaml, from_flag = (staged_copy(t, tmp_path) for t in targets)
    first = {t: first_names[t.name] for t in (from_yaml, from_flag)}
    second = {t: second_names[t.name] for t in (from_yaml, from_flag)}
    if source in ("site.yaml", "both"):
        with_deploy_group(mini, f"  target: {from_yaml}\n")
    before = {t: tree(t) for t in (from_yaml, from_flag)}
    argv = ["deploy"] + (["--dry-run"] if dry else []) + (["--rollback"] if rollback else [])
    if source in ("--target", "both"):
        argv += ["--target", str(from_flag)]
    result = run_build(mini, *argv)
    if source == "none":
        assert result.code == 1 and "there is no deploy target" in result.stderr
        assert {t: tree(t) for t in before} == before
        return
    assert result.code == 0, result.stderr
    chosen, other = (from_flag, from_yaml) if source in ("--target", "both") else (from_yaml, from_flag)
    assert tree(other) == before[other]   # (the target not named is never touched)
    assert ("not site.yaml's target" in result.stderr) == (source == "both")
    if dry:
        assert tree(chosen) == before[chosen] and "nothing was changed" in result.stderr
        if rollback:
            assert f"would make {first[chosen]} live again" in result.stderr and f"instead of {second[chosen]}" in result.stderr
        else:
            assert "would be uploaded" in result.stderr and "rollback" not in result.stderr
    elif rollback:
        assert live(chosen).name == first[chosen] and f"{first[chosen]} is live again" in result.stderr
    else:
        assert live(chosen).name not in (first[chosen], second[chosen]) and len(releases(chosen)) == 3


def test_an_empty_target_option_is_refused_rather_than_replaced_by_site_yaml(mini, tmp_path):
    with_deploy_group(mini, f"  target: {tmp_path / 'www'}\n")
    built(mini)
    result = run_build(mini, "deploy", "--target", " ")
    assert result.code == 1 and "--target is empty" in result.stderr and not (tmp_path / "www").exists()


def test_rollback_follows_the_history_of_what_was_live(mini, tmp_path):
    target = tmp_path / "www"
    built(mini)
    a = deploy_to(mini, target)
    edit_first_article(mini)
    b = deploy_to(mini, target)
    assert deploy_to(mini, target, "--rollback") == a
    write(mini, "content/2024-07/01-first.md", (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8") + "\n第三版。\n")
    built(mini)
    c = run_build(mini, "deploy", "--target", str(target))
    assert c.code == 0 and f"--rollback` makes {a} live again" in c.stderr
    dry = run_build(mini, "deploy", "--target", str(target), "--rollback", "--dry-run")
    assert f"would make {a} live again" in dry.stderr
    back = run_build(mini, "deploy", "--target", str(target), "--rollback")
    # the message and the action agree: A, never B (withdrawn), and nothing before A
    assert back.code == 0 and live(target).name == a and b not in back.stderr
    assert "there is no release before it" in back.stderr
    again = run_build(mini, "deploy", "--target", str(target), "--rollback")
    assert again.code == 1 and "nothing to roll back to" in again.stderr and live(target).name == a
    assert not [name for name in os.listdir(target) if name.endswith(".new") or name.startswith(".xiaokan-current")]


def test_rolling_back_twice_goes_further_back_as_the_message_said(mini, tmp_path):
    target = tmp_path / "www"
    built(mini)
    names = []
    for n in range(3):
        write(mini, "content/2024-07/01-first.md", (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8") + f"\n第{n}次。\n")
        built(mini)
        names.append(deploy_to(mini, target))
    a, b, c = names
    first = run_build(mini, "deploy", "--target", str(target), "--rollback")
    assert live(target).name == b and f"instead of {c}" in first.stderr and f"--rollback` makes {a} live" in first.stderr
    second = run_build(mini, "deploy", "--target", str(target), "--rollback")
    assert live(target).name == a and "there is no release before it" in second.stderr
    assert run_build(mini, "deploy", "--target", str(target), "--rollback").code == 1 and live(target).name == a


def test_folders_deploy_did_not_make_survive_pruning_and_naming(mini, tmp_path):
    target = tmp_path / "www"
    foreign = {"old-site/index.html": "旧网站", "2023-backup-manual/index.html": "备份", "zzz-notes.txt": "笔记",
               ".partial-manual/a.html": "别人的", "99999999-999999-999/index.html": "手工"}
    for rel, text in foreign.items():
        write(target / "releases", rel, text)
    # a release live before this version kept a record: it may be rolled back to, never removed
    write(target / "releases", "20240101-000000-000/index.html", "上一个版本发布的")
    (target / "current").symlink_to("releases/20240101-000000-000")
    with_deploy_group(mini, f"  target: {target}\n  keep: 2\n")
    built(mini)
    made = []
    for n in range(4):
        write(mini, "content/2024-07/01-first.md", (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8") + f"\n第{n}次。\n")
        built(mini)
        assert run_build(mini, "deploy").code == 0
        made.append(live(target).name)
        if n == 0:
            dry = run_build(mini, "deploy", "--rollback", "--dry-run")
            assert "would make 20240101-000000-000 live again" in dry.stderr
    for rel, text in foreign.items():
        assert (target / "releases" / rel).read_text(encoding="utf-8") == text, rel
    assert (target / "releases/20240101-000000-000/index.html").is_file()
    ours = set(releases(target)) - {rel.split("/")[0] for rel in foreign} - {"20240101-000000-000"}
    assert ours == set(made[-2:])   # (keep: 2; only deploy's own were removed)
    for name in made:
        assert name[:8].isdigit() and not name.startswith(("old-site", "2023-backup", "zzz", "99999999")), name


@pytest.mark.parametrize("text", ["output/site", "content/x", ".", "./", "../mini/content", "{tmp}/via-link/www",
                                  "{tmp}/mini/../mini/output"])
def test_a_target_inside_the_project_is_refused(mini, tmp_path, text):
    (tmp_path / "via-link").symlink_to(mini)
    built(mini)
    before = tree(mini)
    result = run_build(mini, "deploy", "--target", text.format(tmp=tmp_path))
    assert result.code == 1 and "is inside the project folder" in result.stderr and "Traceback" not in result.stderr
    assert tree(mini) == before


@pytest.mark.parametrize("text", ["-rf", "-oProxyCommand=touch {tmp}/pwned@host:/srv/www", "me@-oProxyCommand=x:/srv/www",
                                  "-e/srv/www"])
@pytest.mark.parametrize("where", ["option", "site.yaml"])
def test_a_target_that_reads_as_an_option_is_refused(mini, tmp_path, text, where):
    text = text.format(tmp=tmp_path)
    built(mini)
    if where == "site.yaml":   # (every command that reads site.yaml refuses it at its line, deploy among them)
        with_deploy_group(mini, f'  target: "{text}"\n')
    before = tree(mini)
    result = run_build(mini, "deploy", *([f"--target={text}"] if where == "option" else []))
    assert result.code == 1 and "starts with “-”" in result.stderr and "Traceback" not in result.stderr
    assert tree(mini) == before and not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("case", ["current folder", "current link elsewhere", "damaged record"])
def test_a_target_deploy_cannot_use_is_refused_and_left_exactly_as_it_was(mini, tmp_path, case):
    target = tmp_path / "www"
    if case == "current folder":   # (someone copied a site there by hand)
        write(target, "current/index.html", "手工复制的网站")
    elif case == "current link elsewhere":
        write(tmp_path, "elsewhere/index.html", "别处")
        target.mkdir()
        (target / "current").symlink_to(tmp_path / "elsewhere")
    else:
        built(mini)
        deploy_to(mini, target)
        (target / ".xiaokan-deploy.json").write_text('{"format": 1, "made": "everything"}', encoding="utf-8")
    built(mini)
    before = tree(target)
    for argv in (["deploy"], ["deploy"], ["deploy", "--dry-run"], ["deploy", "--rollback"], ["deploy", "--rollback", "--dry-run"]):
        result = run_build(mini, *argv, "--target", str(target))
        assert result.code == 1 and "nothing was changed" in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert "ssh" not in result.stderr   # (a folder on this computer: no SSH hint)
        assert tree(target) == before
    expected = {"current folder": "is a folder, not the link", "current link elsewhere": "not to a release deploy made",
                "damaged record": "is damaged"}[case]
    assert expected in result.stderr


def test_messages_of_the_tools_are_said_in_chinese_with_the_hint_for_a_folder(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    built(mini)
    (tmp_path / "a-file").write_text("挡路的文件", encoding="utf-8")
    result = run_build(mini, "deploy", "--target", str(tmp_path / "a-file/www"))
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "无法在发布目标" in result.stderr and "「mkdir: cannot create directory" in result.stderr and "Not a directory」" in result.stderr
    assert "ssh" not in result.stderr and "检查文件夹" in result.stderr and "线上网站保持原样" in result.stderr
    write(tmp_path, "www/current/index.html", "手工复制的网站")
    folder = run_build(mini, "deploy", "--target", str(tmp_path / "www"))
    assert folder.code == 1 and "是一个文件夹" in folder.stderr and "mv current current.old" in folder.stderr
    assert "ssh" not in folder.stderr and "cannot overwrite" not in folder.stderr


def test_an_unreachable_server_is_said_in_chinese_with_the_ssh_hint(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    with_deploy_group(mini, f'  target: "me@127.0.0.1:/srv/www"\n  ssh: "ssh -p {free_port()} -o ConnectTimeout=5"\n')
    built(mini)
    for argv in (["deploy"], ["deploy", "--dry-run"], ["deploy", "--rollback"]):
        result = run_build(mini, *argv)
        assert result.code == 1 and "Traceback" not in result.stderr
        assert "「ssh: connect to host 127.0.0.1 port" in result.stderr and "Connection refused」" in result.stderr
        assert "ssh-copy-id" in result.stderr and "无法读取发布目标" in result.stderr


def test_a_dry_run_creates_nothing_on_a_fresh_target(mini, tmp_path):
    built(mini)
    fresh, empty = tmp_path / "fresh/www", tmp_path / "empty"
    empty.mkdir()
    for target in (fresh, empty):
        result = run_build(mini, "deploy", "--target", str(target), "--dry-run")
        assert result.code == 0 and "nothing was changed" in result.stderr
    assert not (tmp_path / "fresh").exists() and tree(empty) == {}


def _listed(stderr: str, prefix: str) -> set[str]:
    return {line[len(prefix):] for line in stderr.splitlines() if line.startswith(prefix)}


def _dry_run_then_deploy(mini: Path, www: Path) -> None:
    """Two releases (keep: 2), then an edit, a deleted article and a new attachment: the dry run lists
    exactly what the deploy then uploads, deletes and removes."""
    built(mini)
    assert run_build(mini, "deploy").code == 0
    edit_first_article(mini)
    assert run_build(mini, "deploy").code == 0
    oldest = releases(www)[0] if len(releases(www)) == 2 else None
    (mini / "content/2024-07/04-other.md").unlink()
    (mini / "content/2024-07/fangan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    write(mini, "content/2024-07/01-first.md", (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8")
          + "\n[评估方案](fangan.pdf)\n")
    built(mini)
    before = tree(www)
    dry = run_build(mini, "deploy", "--dry-run")
    assert dry.code == 0 and tree(www) == before
    real = run_build(mini, "deploy", "--verbose")
    assert real.code == 0, real.stderr
    uploaded, deleted = _listed(real.stderr, "  uploaded "), _listed(real.stderr, "  deleted  ")
    assert _listed(dry.stderr, "  upload  ") == uploaded and "2024-07/fangan.pdf" in uploaded
    assert _listed(dry.stderr, "  delete  ") == deleted and "2024-07/other/index.html" in deleted
    assert _listed(dry.stderr, "  remove old release  ") == {oldest} and oldest not in releases(www)
    assert f"{len(uploaded)} file(s) would be uploaded and {len(deleted)} deleted" in dry.stderr
    assert f"({len(uploaded)} file(s) uploaded" in real.stderr and f"{len(deleted)} removed)" in real.stderr
    assert f"removed 1 old release(s) that --rollback no longer reaches: {oldest}" in real.stderr


def test_a_dry_run_lists_exactly_what_the_deploy_then_does(mini, tmp_path):
    www = tmp_path / "www"
    with_deploy_group(mini, f"  target: {www}\n  keep: 2\n")
    _dry_run_then_deploy(mini, www)


def _second_deploy_is_refused_then_a_killed_deploy_does_not_block(mini: Path, www: Path, configure) -> None:
    """configure(extra): site.yaml's deploy group, with extra lines. A deploy at 20 KB/s is caught while it
    uploads a 200 KB attachment: every other deploy is refused and touches nothing; then it is killed."""
    configure("")
    built(mini)
    assert run_build(mini, "deploy").code == 0
    before = live(www)
    (mini / "content/2024-07/fangan.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(200_000))
    write(mini, "content/2024-07/04-other.md", (mini / "content/2024-07/04-other.md").read_text(encoding="utf-8")
          + "\n[评估方案](fangan.pdf)\n")
    built(mini)
    configure("  bandwidth: 20\n")
    deploying = subprocess.Popen([sys.executable, "-c", LAUNCH, str(mini), "deploy"], stderr=subprocess.PIPE, text=True,
                                 cwd=Path(__file__).resolve().parents[2], start_new_session=True)
    wait_for(lambda: any(p.name.startswith(".partial-") and any(p.rglob(".fangan.pdf.*")) for p in (www / "releases").iterdir()), 60)
    partial = next(p for p in (www / "releases").iterdir() if p.name.startswith(".partial-"))
    configure("")
    for argv in (["deploy"], ["deploy", "--dry-run"], ["deploy", "--rollback"], ["deploy", "--rollback", "--dry-run"]):
        second = run_build(mini, *argv)
        assert second.code == 1 and "another deploy to" in second.stderr and "Traceback" not in second.stderr, second.stderr
        assert f"started {datetime.now():%Y-%m-%d}" in second.stderr and "by " in second.stderr
        assert partial.is_dir() and live(www) == before   # (the first deploy's upload goes on)
    os.killpg(deploying.pid, signal.SIGKILL)   # the first deploy is killed: its lock goes with it
    deploying.wait(10)
    wait_for(lambda: run_build(mini, "deploy").code == 0, 30)
    assert (www / "current/2024-07/fangan.pdf").stat().st_size > 200_000 and not partial.exists()


def test_two_deploys_at_once_to_a_folder(mini, tmp_path):
    www = tmp_path / "www"
    original = (mini / "site.yaml").read_text(encoding="utf-8")
    _second_deploy_is_refused_then_a_killed_deploy_does_not_block(
        mini, www, lambda extra: write(mini, "site.yaml", original + f"deploy:\n  target: {www}\n" + extra))


@pytest.mark.parametrize("group,line,words", [
    ("  target: [a, b]\n", 1, ["`target` must be a single line of text, not a list"]),
    ("  target:\n    host: a\n", 1, ["`target` must be a single line of text, not a group"]),
    ("  target: /srv/x\n  keep: 0\n", 2, ["`keep` must be a whole number from 2 to 1000, not 0"]),
    ("  target: /srv/x\n  keep: [3]\n", 2, ["`keep` must be a single line of text"]),
    ("  target: /srv/x\n  keep: 2.5\n", 2, ["`keep` must be a whole number from 2 to 1000, not 2.5"]),
    ("  target: /srv/x\n  ssh: [ssh, -p, '22']\n", 2, ["`ssh` must be a single line of text"]),
    ("  target: /srv/x\n  bandwidth: -5\n", 2, ["`bandwidth` must be a whole number"]),
    ("  target: /srv/x\n  bandwidth: {a: 1}\n", 2, ["`bandwidth` must be a single line of text"]),
    ("  target: /srv/x\n  tagret: /srv/y\n", 2, ["unknown setting `tagret` in deploy", "`target`"]),
])
def test_deploy_settings_are_type_checked_at_their_line(mini, group, line, words):
    first = len((mini / "site.yaml").read_text(encoding="utf-8").splitlines()) + 1   # (the `deploy:` line)
    with_deploy_group(mini, group)
    built_before = run_build(mini, "deploy", "--target", "/nonexistent")
    result = run_build(mini, "deploy")
    for attempt in (built_before, result):
        assert attempt.code == 1 and f"site.yaml:{first + line}:" in attempt.stderr, attempt.stderr
        assert all(word in attempt.stderr for word in words) and "Traceback" not in attempt.stderr
    assert not any("[" in p.name for p in mini.iterdir())


def test_over_ssh_a_dry_run_creates_nothing_and_lists_exactly_what_the_deploy_then_does(mini, tmp_path, ssh_server):
    host, ssh, _server = ssh_server
    _ssh_site(mini, f"{host}:{tmp_path / 'remote/fresh'}", ssh)
    built(mini)
    dry = run_build(mini, "deploy", "--dry-run")
    assert dry.code == 0 and "nothing was changed" in dry.stderr and not (tmp_path / "remote").exists()
    www = tmp_path / "remote/www"
    _ssh_site(mini, f"{host}:{www}", ssh, "  keep: 2\n")
    _dry_run_then_deploy(mini, www)


def test_two_deploys_at_once_over_ssh(mini, tmp_path, ssh_server):
    host, ssh, _server = ssh_server
    www = tmp_path / "remote/www"
    _second_deploy_is_refused_then_a_killed_deploy_does_not_block(mini, www, lambda extra: _ssh_site(mini, f"{host}:{www}", ssh, extra))


# --- the tester's report: settings and targets that made rsync or ssh fail half-way, or harm -------

class _NoTools:
    """Stands in for the subprocess module of the deploy: a target that must be refused is refused before
    any tool runs, so a regression fails here instead of writing releases/ into /, /etc or a home folder."""
    TimeoutExpired = subprocess.TimeoutExpired
    PIPE = subprocess.PIPE

    def run(self, command, *args, **kwargs):
        raise AssertionError(f"deploy ran {command!r} for a target it must refuse")

    Popen = run


@pytest.fixture
def no_tools(monkeypatch):
    import xiaokan.publish.target

    def guard():   # (deploy.py runs every tool through target.py)
        monkeypatch.setattr(xiaokan.publish.target, "subprocess", _NoTools())
    return guard


@pytest.mark.parametrize("group,words", [
    ('  target: /srv/x\n  ssh: ssh -i "~/.ssh/key\n', ["the ssh command “ssh -i \"~/.ssh/key” has a quotation mark that is never closed"]),
    ("  target: /srv/x\n  ssh: '-p 22'\n", ["the ssh command “-p 22” starts with an option", "ssh -p 22"]),
    ("  target: /srv/x\n  ssh: ''\n", ["the ssh command is empty"]),
    ("  target: /srv/x\n  bandwidth: 99999999999999999999999\n", ["`bandwidth` must be a whole number of KB/s from 0 to 10000000"]),
    ("  target: /srv/x\n  keep: 99999\n", ["`keep` must be a whole number from 2 to 1000, not 99999"]),
    ("  target: /srv/x\n  keep: 1\n", ["`keep` must be a whole number from 2 to 1000, not 1"]),
    ("  target: /\n", ["the deploy target / is /, a folder of the system", "releases/, current and .xiaokan-deploy.*"]),
    ("  target: '~'\n", ["is a home folder"]),
    ("  target: www@news.example.edu.cn:/etc\n", ["is /etc, a folder of the system"]),
    ("  target: 'C:\\www'\n", ["the deploy target “C:\\www” is a Windows path", "/mnt/c/www"]),
])
def test_a_deploy_setting_rsync_or_ssh_would_refuse_is_an_error_at_its_line(mini, group, words, no_tools):
    built(mini)
    no_tools()
    line = len((mini / "site.yaml").read_text(encoding="utf-8").splitlines()) + 1 + group.count("\n")
    with_deploy_group(mini, group)
    before = tree(mini)
    for command in (("deploy",), ("deploy", "--dry-run"), ("check",)):
        result = run_build(mini, *command)
        assert result.code == 1 and f"site.yaml:{line}: " in result.stderr, result.stderr
        assert all(word in result.stderr for word in words) and "Traceback" not in result.stderr, result.stderr
        assert "\\\\" not in result.stderr and "{{" not in result.stderr
    assert tree(mini) == before


@pytest.mark.parametrize("text,words", [
    ("~", "is a home folder"), ("..", "a folder that holds the project"), ("{tmp}", "a folder that holds the project"),
    ("/", "a folder of the system"), ("/usr", "a folder of the system"), ("/etc", "a folder of the system"),
    ("/bin", "a folder of the system"), ("/var", "a folder of the system"), ("/tmp", "a folder of the system"),
    ("{home}", "is a home folder"), ("/mnt/c", "a folder of the system"), ("/srv", "a folder of the system"),
    ("/dev/shm", "a folder of the system"), ("/proc/self", "a folder of the system"),
    ("www@news.example.edu.cn:/run/user/1000", "a folder of the system"),
    ("www@news.example.edu.cn:/", "a folder of the system"), ("www@news.example.edu.cn:/srv/www/../..", "is /, a folder"),
    ("www@news.example.edu.cn:/home/www", "is a home folder"),
    ("C:\\www", "is a Windows path"), ("www:relative/path", "e.g. target: www@news.example.edu.cn:/srv/www/pingjian"),
])
def test_a_target_that_would_take_a_home_system_or_the_projects_folder_is_refused(mini, tmp_path, text, words, no_tools):
    text = text.format(tmp=tmp_path, home=Path.home())
    built(mini)
    no_tools()
    before = tree(mini)
    for dry in ([], ["--dry-run"]):
        result = run_build(mini, "deploy", "--target", text, *dry)
        assert result.code == 1 and words in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert "the live site was left as it was" in result.stderr and "{{" not in result.stderr
    assert tree(mini) == before
    for folder in (Path(text).expanduser(), Path("/"), Path.home(), tmp_path):
        assert not (folder / "releases").exists() and not (folder / "current").exists() and \
            not (folder / ".xiaokan-deploy.lock").exists()


def test_a_deploy_of_an_unchanged_site_makes_no_release_unless_forced(mini, tmp_path):
    target = tmp_path / "www"
    built(mini)
    assert run_build(mini, "deploy", "--target", str(target)).code == 0
    before = tree(target)
    dry = run_build(mini, "deploy", "--target", str(target), "--dry-run")
    assert dry.code == 0 and "the site has not changed since the last deploy" in dry.stderr
    assert "would make no new release" in dry.stderr and "upload" not in dry.stderr
    again = run_build(mini, "deploy", "--target", str(target))
    assert again.code == 0 and "the site has not changed since the last deploy" in again.stderr
    assert "no new release was made (--force makes one anyway)" in again.stderr
    assert unlocked(tree(target)) == unlocked(before) and len(releases(target)) == 1   # (no release, no partial, same record)
    built(mini)   # (a build that changed nothing is still nothing to deploy)
    assert "has not changed" in run_build(mini, "deploy", "--target", str(target)).stderr
    forced = run_build(mini, "deploy", "--target", str(target), "--force")
    assert forced.code == 0 and "0 file(s) uploaded" in forced.stderr and len(releases(target)) == 2
    assert "has not changed" not in forced.stderr


@pytest.fixture(scope="module")
def deployed_twice(tmp_path_factory):
    """Made once for the 32 cases: the mini site deployed twice to www (a first and an edited build); as
    it is then (unchanged: False) and edited again and built (changed: True)."""
    top = tmp_path_factory.mktemp("force")
    site, target = copy_site(FIXTURES / "mini", top / "unchanged" / "mini"), top / "www"
    built(site)
    first = deploy_to(site, target)
    edit_first_article(site)
    second = deploy_to(site, target)
    edited = staged_copy(site, top / "changed")
    edit_again(edited)
    return {False: (site, target, first, second), True: (edited, target, first, second)}


@pytest.mark.parametrize("verbose", [False, True], ids=["", "verbose"])
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
@pytest.mark.parametrize("rollback", [False, True], ids=["deploy", "rollback"])
@pytest.mark.parametrize("dry", [False, True], ids=["real", "dry"])
@pytest.mark.parametrize("changed", [False, True], ids=["unchanged", "changed"])
def test_force_and_verbose_with_every_other_flag_do_what_they_say_or_are_refused(deployed_twice, tmp_path, changed, dry, rollback,
                                                                                 force, verbose):
    staged, staged_target, first, second = deployed_twice[changed]
    mini, target = staged_copy(staged, tmp_path), staged_copy(staged_target, tmp_path)
    before = tree(target)
    argv = ["deploy", "--target", str(target)] + ["--dry-run"] * dry + ["--rollback"] * rollback + \
        ["--force"] * force + ["--verbose"] * verbose
    result = run_build(mini, *argv)
    if rollback and force:   # (a rollback makes no release: --force with it is refused, nothing touched)
        assert result.code == 1 and "--force is for a deploy" in result.stderr and tree(target) == before
        return
    assert result.code == 0, result.stderr
    if rollback:
        assert f"{first}" in result.stderr
        assert (tree(target) == before) if dry else (live(target).name == first)
        return
    makes = changed or force
    if dry:
        assert tree(target) == before and "nothing was changed" in result.stderr
        assert ("would be uploaded" in result.stderr) == makes and ("would make no new release" in result.stderr) != makes
        assert ("2024-07/first/index.html" in result.stderr) == changed   # (a dry run lists the files, -v or not)
        return
    if not makes:
        assert unlocked(tree(target)) == unlocked(before) and "no new release was made" in result.stderr
        return
    assert live(target).name not in (first, second) and len(releases(target)) == 3
    assert ("  uploaded 2024-07/first/index.html" in result.stderr) == (verbose and changed), result.stderr


def test_deploy_after_runs_after_a_folder_deploy_and_rollback_that_changed_the_site(mini, tmp_path):
    """A CDN may sit in front of a server as in front of a bucket: deploy.after runs for every target."""
    target = tmp_path / "www"
    with_deploy_group(mini, f"  target: {target}\n"
                            '  after: \'echo "$XIAOKAN_TARGET $XIAOKAN_RELEASE" > ../after.txt; cat "$XIAOKAN_CHANGED" >> ../after.txt\'\n')
    record = mini.parent / "after.txt"
    built(mini)
    assert run_build(mini, "deploy", "--dry-run").code == 0 and not record.exists()   # (a dry run runs nothing)
    first = deploy_to(mini, target)
    edit_first_article(mini)
    result = run_build(mini, "deploy")
    assert result.code == 0 and "ran deploy.after" in result.stderr, result.stderr
    assert "warning: `after`" not in result.stderr   # (after is every target's)
    lines = record.read_text(encoding="utf-8").splitlines()
    assert lines[0] == f"{target} {live(target).name}"
    assert "https://news.example.edu.cn/kan/2024-07/first/" in lines and "https://news.example.edu.cn/kan/assets/site.css" not in lines
    unchanged = run_build(mini, "deploy")   # (no release, so nothing to refresh: the command is not run)
    assert unchanged.code == 0 and "ran deploy.after" not in unchanged.stderr
    back = run_build(mini, "deploy", "--rollback")
    assert back.code == 0 and "ran deploy.after" in back.stderr
    assert record.read_text(encoding="utf-8").splitlines() == [f"{target} {first}", "https://news.example.edu.cn/kan/"]


def test_a_failing_deploy_after_on_a_folder_is_a_warning_and_the_release_stays_live(mini, tmp_path):
    target = tmp_path / "www"
    with_deploy_group(mini, f"  target: {target}\n  after: 'echo 没有刷新的权限; exit 3'\n")
    built(mini)
    result = run_build(mini, "deploy")
    assert result.code == 1 and "deploy.after failed (exit status 3)" in result.stderr and "没有刷新的权限" in result.stderr
    assert (target / "current/index.html").read_bytes() == (mini / "output/index.html").read_bytes()


@pytest.mark.parametrize("setting", ["endpoint: https://oss-cn-hangzhou.aliyuncs.com", "max_deletes: 10", "region: cn-hangzhou",
                                     'cache:\n    "*.html": "public, max-age=60"'])
def test_object_storage_settings_with_a_folder_target_are_said_to_be_unused(mini, tmp_path, setting):
    target = tmp_path / "www"
    with_deploy_group(mini, f"  target: {target}\n  {setting}\n")
    built(mini)
    result = run_build(mini, "deploy")
    key = setting.split(":")[0]
    assert result.code == 0 and f": warning: `{key}` is a setting of object storage (s3://)" in result.stderr, result.stderr
    assert "does not use it" in result.stderr and (target / "current/index.html").exists()
