"""build.py deploy: to a folder and to a real OpenSSH server started on 127.0.0.1 with a throwaway key
(Debian's openssh-server, installed by make test): only changed files are sent, unchanged ones are
hard-linked, the switch is atomic, rollback works, and a deploy that fails midway changes nothing live."""
from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import LAUNCH, free_port, run_build, wait_for, write

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def built(mini: Path) -> Path:
    result = run_build(mini, "build", "--no-pdf")
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
    for _ in range(4):
        assert run_build(mini, "deploy").code == 0   # (the target from site.yaml)
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
    port = free_port()
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
    try:
        os.makedirs("/run/sshd", exist_ok=True)   # (the privilege separation folder sshd insists on, as root)
    except PermissionError:
        pass
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True)
    ssh = (f"ssh -p {port} -i {keys / 'client'} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
           f"-o LogLevel=ERROR -o ConnectTimeout=5")
    user = getpass.getuser()
    wait_for(lambda: subprocess.run(ssh.split() + [f"{user}@127.0.0.1", "true"], capture_output=True).returncode == 0, 60)
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
    assert live(www) == before and (www / "current/index.html").read_bytes() == index_before
    assert not (www / "current/2024-07/fangan.pdf").exists()

    _ssh_site(mini, f"{host}:{www}", ssh)   # the line is back: the next deploy completes and tidies up
    again = run_build(mini, "deploy")
    assert again.code == 0, again.stderr
    assert (www / "current/2024-07/fangan.pdf").stat().st_size > 600_000
    assert not [p for p in (www / "releases").iterdir() if p.name.startswith(".partial-")]
