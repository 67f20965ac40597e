"""Test helpers: copy a fixture site (with the project's real templates and assets), run build.py on it,
run `build.py serve` in a subprocess."""
from __future__ import annotations

import contextlib
import functools
import http.server
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from xiaokan.cli import main
from xiaokan.publish.objectheaders import cache_control, content_type

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    code: int
    stderr: str


def run_build(root: Path, *argv: str) -> Run:
    """Run `build.py ARGV` on the site at root, as an editor would, capturing what it prints."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(err):
        try:
            code = main(list(argv), root)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return Run(code, err.getvalue())


@contextlib.contextmanager
def printed(site: Path):
    """`build.py pdf` of the site (it must succeed), its print edition opened with pdfplumber."""
    import pdfplumber

    result = run_build(site, "pdf")
    assert result.code == 0, result.stderr
    with pdfplumber.open(next((site / "print").glob("*.pdf"))) as pdf:
        yield pdf


def copy_site(source: Path, dest: Path) -> Path:
    """A writable copy of a site: its site.yaml and content/, plus the project's templates/ and assets/."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "site.yaml", dest / "site.yaml")
    shutil.copytree(source / "content", dest / "content")
    for folder in ("templates", "assets"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


def mini_printed(dest: Path, settings: str) -> Path:
    """A copy of the mini site whose site.yaml has these `print:` settings (indented lines)."""
    site = copy_site(FIXTURES / "mini", dest)
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n" + settings, encoding="utf-8")
    return site


def write(root: Path, rel: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes, to prove a folder did not change."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- a live `build.py serve` in a subprocess -------------------------------------------------

LAUNCH = "import sys; from pathlib import Path; from xiaokan.cli import main; sys.exit(main(sys.argv[2:], Path(sys.argv[1])))"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def page_containing(url: str, text: str) -> str | None:
    page = get(url)[1]
    return page if text in page else None


def wait_for(predicate, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def _serving(process: subprocess.Popen, host: str, port: int, log_path: Path) -> str | None:
    """"up" once this very server answers on port, "exited" if it stopped (the port was taken)."""
    if process.poll() is not None:
        return "exited"
    if f"{host}:{port}/" not in log_path.read_text(encoding="utf-8", errors="replace"):
        return None   # (not listening yet: whatever answers on the port is not this server)
    if host != "127.0.0.1":
        return "up"   # (on the network every request needs a login: its log line is the sign)
    try:
        return "up" if get(f"http://127.0.0.1:{port}/__xiaokan__/state")[0] == 200 else None
    except OSError:
        return None


def stop(process: subprocess.Popen, grace: float = 60) -> None:
    """End a server as `kill` does (SIGTERM: it cleans up as on Ctrl-C); on a loaded machine that may
    take a while, so it is killed only after grace seconds."""
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def running_server(site: Path, *extra: str, pdf: bool = False, host: str = "127.0.0.1"):
    """`build.py serve --no-pdf` (or, with pdf, `build.py serve` as README documents it) on a free port
    of host; yields its base URL (at 127.0.0.1) and the process. A port another test's server took in the meantime (the tests
    run in parallel) is retried on another: the server answering must be this one."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    log_path = site.parent / "serve.log"
    for _attempt in range(5):
        port = free_port()
        with open(log_path, "w", encoding="utf-8") as log:
            process = subprocess.Popen([sys.executable, "-c", LAUNCH, str(site), "serve", "--port", str(port),
                                        *(() if pdf else ("--no-pdf",)), *(() if host == "127.0.0.1" else ("--host", host)),
                                        *extra], cwd=site, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            if wait_for(functools.partial(_serving, process, host, port, log_path), 60) == "up":
                yield f"http://127.0.0.1:{port}", process
                return
        finally:
            stop(process)
    raise AssertionError("the preview did not start: " + log_path.read_text(encoding="utf-8", errors="replace"))


# --- a static host ------------------------------------------------------------------------------

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _AsDeployed(_Quiet):
    """Each file with the Content-Type and Cache-Control a deploy to object storage gives it."""

    def guess_type(self, path) -> str:
        return content_type(Path(path).relative_to(self.directory).as_posix())

    def end_headers(self) -> None:
        key = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        self.send_header("Cache-Control", cache_control(key + "index.html" if key.endswith("/") or not key else key))
        super().end_headers()


def serve_folder(folder: Path, as_deployed: bool = False):
    """A static host serving folder; yields its address. as_deployed: with the headers of
    publish/objectheaders.py, as object storage sends them (Python's own guesses otherwise)."""
    handler = functools.partial(_AsDeployed if as_deployed else _Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


# --- accessibility ------------------------------------------------------------------------------

AXE = ROOT / "node_modules/axe-core/axe.min.js"


def axe_problems(page) -> tuple[list[str], int]:
    """Serious and critical axe-core violations of the page open in a Playwright page (WCAG 2.1 A/AA
    and best practice), one line each, and how many checks passed (to know axe really ran)."""
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (make test does)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""() => axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    return bad, len(result["passes"])


# An article with a footnote, links, a table and a photo: the WeChat and proof tests (desk and browser) share it.
ARTICLE = """---
标题: 我校召开评建推进会
栏目: 评建动态
作者: 王五
来源: 学校新闻网
---
会议由校长主持，传达了[教育部通知](https://www.moe.gov.cn/a.html)的精神[^1]，
并转发了[公众号文章](https://mp.weixin.qq.com/s/abc)。

## 一、会议要求

| 序号 | 任务 |
|---|---|
| 1 | 自评报告 |

![会议现场](photo.png "学校供图")

详见[上一篇](01-first.md)和[评估方案](https://example.org/plan.pdf)。

[^1]: 教育部2024年第5号文件。
"""


def add_article(site: Path) -> None:
    from PIL import Image

    Image.new("RGB", (800, 600), (180, 40, 30)).save(site / "content/2024-07/photo.png")
    write(site, "content/2024-07/05-tuijinhui.md", ARTICLE)
