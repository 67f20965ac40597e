"""`build.py serve`: a real server in a subprocess, edited files, the served pages."""
from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from helpers import LAUNCH, ROOT, get, page_containing, running_server, wait_for, write


def test_served_page_has_live_reload_and_follows_edits(server):
    base, site, process = server
    status, page = get(base + "/2024-07/first/")
    assert status == 200 and "<h1>第一篇新闻</h1>" in page
    assert "livereload.js" in page and "xiaokan-scroll" in page
    article = site / "content/2024-07/01-first.md"
    started = time.monotonic()
    article.write_text(article.read_text(encoding="utf-8").replace("这是第一段", "这是刚刚改过的第一段"), encoding="utf-8")
    wait_for(lambda: "这是刚刚改过的第一段" in get(base + "/2024-07/first/")[1], 60)
    assert time.monotonic() - started < 1.5
    state = json.loads(get(base + "/__xiaokan__/state")[1])
    assert state["changed"] == "/2024-07/first/" and state["serial"] >= 1


def test_broken_save_shows_the_error_and_the_next_good_save_recovers(server):
    base, site, process = server
    article = site / "content/2024-07/02-second.md"
    good = article.read_text(encoding="utf-8")
    article.write_text(good.replace("section: 评建动态", "section: 评建动太"), encoding="utf-8")
    page = wait_for(lambda: page_containing(base + "/2024-07/second/", "xiaokan-error"), 60)
    assert "content/2024-07/02-second.md:3" in page and "did you mean 评建动态?" in page
    assert "<h1>第二篇动态</h1>" in page, "the last good page is still served under the overlay"
    assert process.poll() is None
    article.write_text(good.replace("评建工作的正文。", "修好以后的正文。"), encoding="utf-8")
    # (the build runs in a thread and writes the page before the server hears it worked: open pages
    # are told to reload only then, and so does this test wait for the preview to have settled)
    page = wait_for(lambda: json.loads(get(base + "/__xiaokan__/state")[1])["settled"]
                    and page_containing(base + "/2024-07/second/", "修好以后的正文"), 60)
    assert 'id="xiaokan-error"' not in page


def test_template_change_is_picked_up(server):
    base, site, _ = server
    write(site, "templates/base.html", (site / "templates/base.html").read_text(encoding="utf-8").replace(
        "</footer>", "<p>模板已更新</p></footer>"))
    wait_for(lambda: "模板已更新" in get(base + "/2024-07/other/")[1], 60)


def test_only_output_is_served(server):
    base, _, _ = server
    assert get(base + "/../site.yaml")[0] == 404
    assert get(base + "/%2e%2e/site.yaml")[0] == 404
    status, page = get(base + "/no/such/page/")
    assert status == 404 and "页面不存在" in page
    # its links, style sheet and script are the preview's own, not the live site's (base_url)
    assert "news.example.edu.cn/kan/" not in re.sub(r'<(?:link rel="canonical"|meta)[^>]*>', "", page), page
    assert 'src="/assets/site.js"' in page and 'href="/assets/site.css"' in page


def test_new_article_appears_in_the_served_issue(server):
    base, site, _ = server
    result = subprocess.run([sys.executable, "-c", LAUNCH, str(site), "new", "--section", "评建动态", "--issue", "2024-07",
                             "我校召开新学期评建推进会"], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            capture_output=True, text=True, check=True)
    path = site / result.stdout.strip() if not Path(result.stdout.strip()).is_absolute() else Path(result.stdout.strip())
    assert path.name == "05-wo-xiao-zhao-kai-xin-xue-qi-ping-jian-tui-jin.md"
    wait_for(lambda: "我校召开新学期评建推进会" in get(base + "/2024-07/")[1], 60)


def preview_pdf_text(site: Path, issue: str = "2024-07") -> str:
    """The text of the issue PDF the preview links (not output/'s), '' while there is none."""
    from pypdf import PdfReader

    try:
        return "".join(p.extract_text() for p in PdfReader(site / f".cache/preview/{issue}/xiaokan-{issue}.pdf").pages).replace("\n", "")
    except FileNotFoundError:
        return ""


def pdf_renders(server: int) -> list[int]:
    """The PDF processes the preview runs: its children running xiaokan.desk.pdfworker, not yet ended."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            state, parent = (proc / "stat").read_text().rsplit(")", 1)[1].split()[:2]
            command = (proc / "cmdline").read_bytes()
        except (OSError, ValueError):   # (not a process, or one that just ended)
            continue
        if int(parent) == server and b"xiaokan.desk.pdfworker" in command and state != "Z":
            found.append(int(proc.name))
    return found


def niceness(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except OSError:
        return None


def process_state(pid: int) -> str | None:
    """R, S, T (stopped), Z (ended, not yet reaped) …; None when there is no such process any more."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def test_an_edit_is_served_while_the_pdf_is_typeset_and_ends_the_stale_render(mini, monkeypatch):
    """`make serve` as README documents it: the PDF is typeset by a process of its own. An edit reaches
    the page while it runs, and makes it stale: it is ended, and the PDF the issue page links is the
    one of the newest text; the link stays while the next edit's PDF is typeset."""
    monkeypatch.setenv("XIAOKAN_PDF_PAUSE", "0.2")   # (the editor's pause before a PDF is typeset again)
    monkeypatch.setenv("XIAOKAN_PDF_NICE", "0")   # (the other test workers would starve it)
    with running_server(mini, pdf=True) as (base, process):
        render = wait_for(lambda: pdf_renders(process.pid), 60)[0]   # (the issue's first PDF, at start)
        os.kill(render, signal.SIGSTOP)   # (kept in the middle of its work for as long as the test needs)
        held = wait_for(lambda: [process_state(render)] if process_state(render) not in ("R", "S", "D") else None, 30)
        assert held == ["T"], "the first PDF was rendered before the test could hold it"
        article = mini / "content/2024-07/01-first.md"
        write(mini, "content/2024-07/01-first.md", article.read_text(encoding="utf-8").replace("这是第一段", "排版途中改过的第一段"))
        assert wait_for(lambda: page_containing(base + "/2024-07/first/", "排版途中改过的第一段"), 60)
        wait_for(lambda: process_state(render) is None, 30)   # (ended and reaped: no half-written PDF)
        wait_for(lambda: "排版途中改过的第一段" in preview_pdf_text(mini), 60)
        issue = base + "/2024-07/"
        assert "xiaokan-2024-07.pdf" in get(issue)[1]
        with urllib.request.urlopen(issue + "xiaokan-2024-07.pdf", timeout=30) as response:
            assert response.status == 200 and response.read(5) == b"%PDF-"
        # the desk's 印刷效果（PDF）: the preview's own PDF, drafts included, where the site publishes none too
        pdfs = wait_for(lambda: (p := json.loads(get(base + "/__xiaokan__/state")[1])["pdfs"])["2024-07"]["current"] and p)
        assert pdfs["2024-07"]["url"] == "/__xiaokan__/pdf/2024-07.pdf"
        from pypdf import PdfReader
        with urllib.request.urlopen(base + pdfs["2024-07"]["url"], timeout=30) as response:
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.read())).pages)
        assert "排版途中改过的第一段" in text and "草稿不应出现" in text
        write(mini, "content/2024-07/01-first.md", article.read_text(encoding="utf-8").replace("排版途中", "又一次"))
        assert wait_for(lambda: page_containing(base + "/2024-07/first/", "又一次改过的第一段"), 60)
        assert "xiaokan-2024-07.pdf" in get(issue)[1], "the link stays while the PDF is typeset again"
        assert process.poll() is None
    log = (mini.parent / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "could not" not in log


def two_issues(site: Path) -> Path:
    """The mini site with an older issue, 2024-06, beside 2024-07 (no PDF of either yet)."""
    shutil.copytree(site / "content/2024-07", site / "content/2024-06")
    issue = site / "content/2024-06/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("期号: 2", "期号: 1").replace("总期号: 2", "总期号: 1")
                     .replace("2024-07-31", "2024-06-28"), encoding="utf-8")
    return site


def held_render(process: subprocess.Popen) -> int:
    """The preview's first PDF process, stopped in the middle of its work for as long as the test needs."""
    render = wait_for(lambda: pdf_renders(process.pid), 60)[0]
    os.kill(render, signal.SIGSTOP)
    held = wait_for(lambda: [process_state(render)] if process_state(render) not in ("R", "S", "D") else None, 30)
    assert held == ["T"], "the first PDF was rendered before the test could hold it"
    return render


@contextlib.contextmanager
def held_two_issue_preview(mini, monkeypatch):
    """`serve` as make serve runs it (PDF on, a short pause) on a site of two issues, its first PDF
    render held mid-way: yields the base URL, the preview's process and the held render's pid."""
    monkeypatch.setenv("XIAOKAN_PDF_PAUSE", "0.2")
    monkeypatch.setenv("XIAOKAN_PDF_NICE", "0")
    two_issues(mini)
    with running_server(mini, pdf=True) as (base, process):
        yield base, process, held_render(process)


def test_missing_pdfs_are_made_at_start_and_a_web_only_template_leaves_the_render_running(mini, monkeypatch):
    """No save: every issue whose PDF is missing gets one, the older issue too, one process at a time.
    An edit of a template the PDF does not use (article.html) reaches the page and ends no render."""
    with held_two_issue_preview(mini, monkeypatch) as (base, process, render):
        template = mini / "templates/article.html"
        write(mini, "templates/article.html", template.read_text(encoding="utf-8").replace("</article>", "<p>网页模板改过</p></article>", 1))
        assert wait_for(lambda: page_containing(base + "/2024-07/first/", "网页模板改过"), 60)
        assert process_state(render) == "T" and pdf_renders(process.pid) == [render], "the PDF's render was ended"
        os.kill(render, signal.SIGCONT)
        for issue in ("2024-07", "2024-06"):
            assert wait_for(lambda issue=issue: "这是第一段" in preview_pdf_text(mini, issue), 90)
            assert len(pdf_renders(process.pid)) <= 1
        assert "xiaokan-2024-06.pdf" in get(base + "/2024-06/")[1]
    log = (mini.parent / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "could not" not in log
    assert log.count("pdf 2024-07: rendering") == log.count("pdf 2024-06: rendering") == 1, "a PDF typeset twice"


def test_a_save_in_another_issue_leaves_the_running_render_to_finish(mini, monkeypatch):
    """2024-07's PDF is being typeset when an article of 2024-06 is saved: 2024-07's render goes on
    (its PDF is made), then 2024-06's is typeset with the saved text: both PDFs current."""
    with held_two_issue_preview(mini, monkeypatch) as (base, process, render):
        article = mini / "content/2024-06/01-first.md"
        write(mini, "content/2024-06/01-first.md", article.read_text(encoding="utf-8").replace("这是第一段", "六月刊改过的第一段"))
        assert wait_for(lambda: page_containing(base + "/2024-06/first/", "六月刊改过的第一段"), 60)
        assert process_state(render) == "T", "a save in another issue ended the render"
        os.kill(render, signal.SIGCONT)
        assert wait_for(lambda: "这是第一段" in preview_pdf_text(mini, "2024-07"), 90)
        assert wait_for(lambda: "六月刊改过的第一段" in preview_pdf_text(mini, "2024-06"), 90)
    log = (mini.parent / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "could not" not in log
    assert log.count("pdf 2024-07: rendering") == 1, "2024-07's render was ended and begun again"


def test_no_pdf_process_outlives_the_preview(mini):
    """The PDF process runs at the lowest priority. Its preview ended by `kill` (as by a closed
    terminal or Ctrl-C, cleaning up) or killed outright, it ends too."""
    for ending in (signal.SIGTERM, signal.SIGKILL):
        shutil.rmtree(mini / ".cache", ignore_errors=True)   # (no PDF yet: one is typeset at start)
        with running_server(mini, pdf=True) as (base, process):
            render = wait_for(lambda process=process: pdf_renders(process.pid), 60)[0]
            lowest = min(19, niceness(process.pid) + 19)
            wait_for(lambda render=render, lowest=lowest: niceness(render) == lowest, 30)   # (set as it starts)
            process.send_signal(ending)
            process.wait(30)
            if ending == signal.SIGTERM:   # (the preview waited for it: gone before the preview was)
                assert process_state(render) is None
            else:   # (it saw the preview go and left; init reaps it)
                wait_for(lambda render=render: process_state(render) in (None, "Z"), 30)


def test_an_idle_preview_uses_no_cpu_and_still_sees_the_next_save(mini):
    # 1,000 more files to watch: rescanning them every 150 ms took ~7 % of a core
    for n in range(1000):
        write(mini, f"templates/extra/{n}.html", "<p>x</p>\n")
    with running_server(mini) as (base, process):
        def cpu_seconds() -> float:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        def settled() -> bool:   # the first build's last work is done: no CPU for half a second
            before = cpu_seconds()
            time.sleep(0.5)
            return cpu_seconds() - before < 0.02
        wait_for(settled, 60)
        before = cpu_seconds()
        time.sleep(3)
        assert cpu_seconds() - before < 0.1   # the watcher waits for the operating system's events
        article = mini / "content/2024-07/01-first.md"
        write(mini, "content/2024-07/01-first.md",
              article.read_text(encoding="utf-8").replace("这是第一段", "闲了一会儿之后的第一段"))
        assert wait_for(lambda: page_containing(base + "/2024-07/first/", "闲了一会儿之后的第一段"), 60)


def test_site_yaml_saved_by_renaming_a_new_file_over_it_is_seen_every_time(server):
    """Editors' programs (and git checkout) save by writing a new file and renaming it over site.yaml."""
    base, site, _ = server
    original = (site / "site.yaml").read_text(encoding="utf-8")
    for title in ("改名一次的简报", "改名两次的简报"):
        temp = site / "site.yaml.new"
        temp.write_text(original.replace("title: 测试简报", f"title: {title}"), encoding="utf-8")
        os.replace(temp, site / "site.yaml")
        assert wait_for(lambda title=title: page_containing(base + "/2024-07/", title), 60)


# --- requests nobody meant: answered, never a traceback (issue 23) ------------------------------

def raw_request(base: str, target: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One request sent byte for byte as given (http.client would refuse or re-encode some of these)."""
    host, port = base.removeprefix("http://").split(":")
    headers = {"Host": f"{host}:{port}", "Connection": "close", **(headers or {})}
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\n"
                           + b"".join(f"{k}: {v}\r\n".encode() for k, v in headers.items()) + b"\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


UNEXPECTED = [   # NUL bytes, names and paths over the file system's limits, broken or non-UTF-8 escapes, `..` encoded
    b"/%00", b"/x.html%00.md", b"/2024-07/first/%00", b"/__xiaokan__/changes/%00/", b"/__xiaokan__/wechat/2024-07/%00",
    b"/" + b"a" * 256, b"/" + b"a" * 256 + b".html", b"/__xiaokan__/wechat/" + b"a" * 300, b"/__xiaokan__/changes/" + b"a" * 300,
    b"/" + b"abcdefgh/" * 600, b"/%zz", b"/%", b"/%E4%B8", b"/%ff%fe", b"/\xff\xfe.html", b"/\xe4\xb8\xad",
    b"/%2e%2e/%2e%2e/site.yaml", b"/..%2f..%2fsite.yaml", b"/%252e%252e/site.yaml", b"/.%2e/content/2024-07/01-first.md",
    b"//etc/passwd", b"/?" + b"q" * 1_000_000, b"/2024-07/first/?" + b"%zz%00" * 10_000,
]


def test_requests_the_preview_does_not_expect_are_answered_not_crashed_on(server):
    base, site, process = server
    for target in UNEXPECTED:
        status, body = raw_request(base, target)
        assert status in (200, 400, 404), (target[:60], status, body[:200])
        assert b"root:" not in body and b"title:" not in body, target[:60]   # (nothing outside the preview folder)
    assert get(base + "/2024-07/first/")[0] == 200 and process.poll() is None
    log = (site.parent / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "could not answer" not in log


def test_a_photo_with_a_chinese_name_is_shown_in_the_preview(mini):
    from PIL import Image

    Image.new("RGB", (40, 30), (10, 120, 40)).save(mini / "content/2024-07/会议现场.png")
    write(mini, "content/2024-07/05-photo.md", "---\n标题: 有照片的文章\n栏目: 新闻政策\n---\n![会议现场](会议现场.png)\n")
    with running_server(mini) as (base, _):
        page = get(base + "/2024-07/photo/")[1]
        src = re.search(r'<img[^>]*\ssrc="/?([^"]+)"', page).group(1)
        with urllib.request.urlopen(urllib.parse.urljoin(base + "/2024-07/photo/", src), timeout=30) as response:
            assert response.status == 200 and response.read(4) == b"\x89PNG"


# --- who may ask: the preview's own address and pages only (DNS rebinding, other sites) -------

def status_with(base: str, path: str, **headers: str) -> tuple[int, str]:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_host="Host" in headers)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_a_foreign_host_or_a_page_of_another_site_is_refused(server):
    base, site, _ = server
    port = base.rsplit(":", 1)[1]
    for host in (f"evil.example:{port}", f"127.0.0.1.evil.example:{port}", f"localhost.evil.example:{port}",
                 "evil.example", f"127.0.0.1:{int(port) + 1}", "127.0.0.1", f"{port}", "a:b", f"[::1]x:{port}", ""):
        status, text = status_with(base, "/2024-07/first/", Host=host)
        assert status in (403, 421), host
        assert "第一篇新闻" not in text and "open http://127.0.0.1:" in text, host
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}", f"[::1]:{port}"):
        assert status_with(base, "/2024-07/first/", Host=host)[0] == 200, host
    for origin in ("http://evil.example", f"http://evil.example:{port}", "null", f"http://localhost.evil.example:{port}"):
        status, text = status_with(base, "/__xiaokan__/state", Origin=origin)
        assert status == 403 and "serial" not in text, origin
    assert status_with(base, "/__xiaokan__/state", Origin=f"http://127.0.0.1:{port}")[0] == 200
    # (a sandboxed preview page's: when to reload, with the token its page carries; any other page of no
    # origin, another site's sandboxed frame, is refused: it would learn when and what the editor saves)
    live = re.search(r'/__xiaokan__/live\?t=[\w-]+', status_with(base, "/2024-07/first/")[1]).group(0)
    status, text = status_with(base, live, Origin="null")
    assert status == 200 and set(json.loads(text)) == {"serial", "changed", "reloads"}
    for guess in ("/__xiaokan__/live", "/__xiaokan__/live?t=", "/__xiaokan__/live?t=x" + live[-4:]):
        status, text = status_with(base, guess, Origin="null")
        assert status == 403 and "serial" not in text, guess
    assert status_with(base, "/forcereload")[0] == 404   # (livereload's reload-every-page-by-GET is gone)


def websocket_handshake(base: str, origin: str, host: str | None = None, cookie: str | None = None,
                        path: str = "/livereload") -> int:
    address, port = base.removeprefix("http://").split(":")
    with socket.create_connection((address, int(port)), timeout=10) as connection:
        connection.sendall((f"GET {path} HTTP/1.1\r\nHost: {host or address + ':' + port}\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            + (f"Cookie: {cookie}\r\n" if cookie else "") +
                            f"Sec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n").encode())
        return int(connection.recv(1024).split(b" ", 2)[1])


def test_the_live_reload_socket_answers_only_the_previews_own_pages(server):
    base, _, _ = server
    port = base.rsplit(":", 1)[1]
    assert websocket_handshake(base, f"http://127.0.0.1:{port}") == 101
    assert websocket_handshake(base, "http://evil.example") == 403
    assert websocket_handshake(base, f"http://evil.example:{port}", host=f"evil.example:{port}") in (403, 421)
    # (a sandboxed preview page's socket carries its page's token, as /__xiaokan__/live does: any other site's
    # sandboxed frame, of no origin too, learnt from the socket when the editor saved)
    token = re.search(r'/livereload\?t=([\w-]+)', get(base + "/2024-07/first/")[1]).group(1)
    assert websocket_handshake(base, "null", path=f"/livereload?t={token}:{port}/livereload") == 101
    other = ("y" if token[0] == "x" else "x") + token[1:]   # (another token: CI drew one that began with x)
    for guess in ("/livereload", "/livereload?t=", f"/livereload?t={other}:{port}/livereload"):
        assert websocket_handshake(base, "null", path=guess) == 403, guess


def test_the_refusals_and_the_terminal_speak_chinese(mini, monkeypatch):
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    with running_server(mini) as (base, _):
        status, text = status_with(base, "/", Host="evil.example")
        assert status == 421 and "预览" in text and not re.search("[a-z]{4,}", text.replace("http://127.0.0.1", ""))
        article = mini / "content/2024-07/02-second.md"
        article.write_text(article.read_text(encoding="utf-8").replace("section: 评建动态", "section: 评建动太"), encoding="utf-8")
        wait_for(lambda: page_containing(base + "/2024-07/second/", "xiaokan-error"), 60)
    log = (mini.parent / "serve.log").read_text(encoding="utf-8")
    assert "错误：content/2024-07/02-second.md:3" in log and "error:" not in log


# --- .cache/ deleted while the preview runs ------------------------------------------------------

def test_deleting_the_cache_while_the_preview_runs_builds_the_preview_again(server):
    base, site, process = server
    shutil.rmtree(site / ".cache")
    status, page = get(base + "/2024-07/first/")
    assert status == 200 and "<h1>第一篇新闻</h1>" in page
    assert get(base + "/")[0] == 200 and get(base + "/2024-07/")[0] == 200
    (site / ".cache/preview/2024-07/second/index.html").unlink()
    status, page = get(base + "/2024-07/second/")
    assert status == 200 and "<h1>第二篇动态</h1>" in page
    assert get(base + "/no/such/page/")[0] == 404   # (a page that never was is still a 404, built once at most)
    article = site / "content/2024-07/01-first.md"
    article.write_text(article.read_text(encoding="utf-8").replace("这是第一段", "删了缓存以后的第一段"), encoding="utf-8")
    assert wait_for(lambda: page_containing(base + "/2024-07/first/", "删了缓存以后的第一段"), 60)
    assert "Traceback" not in (site.parent / "serve.log").read_text(encoding="utf-8")


def test_make_serve_echoes_the_command_only():
    dry = subprocess.run(["make", "-n", "serve"], cwd=ROOT, capture_output=True, text=True, check=True)
    shown = [line for line in dry.stdout.splitlines() if "build.py serve" in line]
    assert shown and not any("#" in line for line in shown), shown


# --- on the office network (`serve --host 0.0.0.0`) ----------------------------------------------

@contextlib.contextmanager
def network_server(site: Path):
    """`build.py serve --no-pdf --host 0.0.0.0` on a free port (accounts exist); yields its address
    (reached at 127.0.0.1) and the process."""
    from xiaokan.desk.editorial import accounts

    if not accounts.has_accounts(site):
        accounts.add_account(site, "张三", "编辑", "correct horse")
    with running_server(site, host="0.0.0.0") as served:
        yield served


def login_cookie(base: str) -> str:
    host = base.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("POST", "/desk/api/login", json.dumps({"name": "张三", "password": "correct horse"}),
                       {"Origin": base, "Content-Type": "application/json"})
    response = connection.getresponse()
    assert response.status == 200, response.read()
    return response.getheader("Set-Cookie").split(";", 1)[0]


def test_on_the_network_every_preview_request_needs_the_desks_login(mini):
    with network_server(mini) as (base, _process):
        port = base.rsplit(":", 1)[1]
        status, _text = status_with(base, "/2024-07/draft/", Accept="text/html")
        assert status == 303
        for path in ("/__xiaokan__/state", "/__xiaokan__/changes/2024-07/", "/livereload.js", "/2024-07/first/"):
            status, text = status_with(base, path)
            assert status == 401 and "草稿" not in text and "serial" not in text, path
        assert websocket_handshake(base, f"http://127.0.0.1:{port}") == 401
        cookie = login_cookie(base)
        assert status_with(base, "/2024-07/draft/", Accept="text/html", Cookie=cookie)[0] == 200
        assert status_with(base, "/__xiaokan__/state", Cookie=cookie)[0] == 200
        assert websocket_handshake(base, f"http://127.0.0.1:{port}", cookie=cookie) == 101


def rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1))


def test_a_huge_body_is_refused_from_its_head_before_it_is_read_or_held(mini):
    with running_server(mini) as (base, process):
        address, port = base.removeprefix("http://").split(":")
        before = rss_kb(process.pid)
        size = 95 * 2**20
        for host, path, expected in ((f"evil.example:{port}", "/desk/api/upload?kind=docx&name=a.docx", 421),
                                     (f"127.0.0.1:{port}", "/desk/api/upload?kind=docx&name=a.docx", 413),
                                     (f"127.0.0.1:{port}", "/2024-07/first/", 413)):
            with socket.create_connection((address, int(port)), timeout=10) as connection:
                connection.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Length: {size}\r\n"
                                   "Content-Type: application/octet-stream\r\n\r\n".encode())
                answer = connection.recv(4096)   # (the answer comes before a byte of the body is sent)
                assert int(answer.split(b" ", 2)[1]) == expected, answer
                sent = 0
                try:
                    while sent < size:
                        connection.sendall(b"\0" * 2**20)
                        sent += 2**20
                except OSError:   # (the server closed the connection: nothing more is read)
                    pass
        assert rss_kb(process.pid) - before < 40 * 1024, "the server held the body"
        assert status_with(base, "/2024-07/first/")[0] == 200


def test_the_terminal_says_a_warning_once_not_again_on_every_save(mini):
    """Each rebuild used to print every warning of the site again: the terminal shows only new ones."""
    write(mini, "content/2024-07/05-empty.md", "---\ntitle: 空\nsection: 新闻政策\n---\n")
    warning = "05-empty.md:5: warning: the article has no text after the front matter"
    with running_server(mini) as (base, _process):
        def state() -> dict:
            return json.loads(get(base + "/__xiaokan__/state")[1])

        def saved(rel: str, text: str) -> None:
            builds = state()["builds"]
            write(mini, rel, text)
            wait_for(lambda: (now := state())["builds"] > builds and now["settled"], 60)

        wait_for(lambda: state()["settled"], 60)
        first = (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8")
        saved("content/2024-07/01-first.md", first.replace("这是第一段", "改过一次的第一段"))
        saved("content/2024-07/01-first.md", first.replace("这是第一段", "改过两次的第一段"))
        saved("content/2024-07/06-blank.md", "---\ntitle: 又一篇空的\nsection: 新闻政策\n---\n")
        log = (mini.parent / "serve.log").read_text(encoding="utf-8")
    assert log.count(warning) == 1, log
    assert log.count("06-blank.md:5: warning: the article has no text after the front matter") == 1, log
    assert log.count("rebuilt ") >= 3   # (the saves were built: each said so)


def test_the_previews_scripts_and_styles_have_their_types_though_windows_says_text_plain(tmp_path, monkeypatch):
    """The preview sends nosniff: a script of type text/plain (what the Windows registry gives .js on
    some computers, and Python's mimetypes reads it there) would not run."""
    import mimetypes

    from xiaokan.desk.preview_site import ServeState, site_app

    monkeypatch.setattr(mimetypes, "guess_type", lambda name, strict=True: ("text/plain", None))
    write(tmp_path, "assets/site.js", "var x = 1;")
    write(tmp_path, "assets/site.css", "body {}")
    got = {}
    for path in ("/assets/site.js", "/assets/site.css"):
        site_app(tmp_path, ServeState(), False)({"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO()},
                                                lambda status, headers, path=path: got.update({path: dict(headers)}))
    assert got["/assets/site.js"]["Content-Type"] == "text/javascript"
    assert got["/assets/site.css"]["Content-Type"] == "text/css"
    assert got["/assets/site.js"]["X-Content-Type-Options"] == "nosniff"
    from xiaokan.desk.editorial.files import static_file  # (the desk's own scripts and styles alike)

    assert static_file("editor.js").content_type.startswith("text/javascript")
    assert static_file("desk.css").content_type.startswith("text/css")


def test_with_trust_html_every_page_and_file_of_the_preview_is_sandboxed_but_a_pdf(tmp_path):
    """(An SVG or an HTML attachment opened alone would run its script at the desk's address.)"""
    from xiaokan.desk.preview_site import SANDBOX, ServeState, site_app

    write(tmp_path, "index.html", "<html><head></head><body>首页</body></html>")
    write(tmp_path, "2024-07/x.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    write(tmp_path, "2024-07/a.html", "<script>alert(1)</script>")
    (tmp_path / "2024-07/a.pdf").write_bytes(b"%PDF-1.7")

    def headers(state: ServeState, path: str) -> dict[str, str]:
        got = {}
        app = site_app(tmp_path, state, False)
        path, _, query = path.partition("?")
        app({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "wsgi.input": io.BytesIO()},
            lambda status, response_headers: got.update(response_headers))
        return got

    for path in ("/", "/2024-07/x.svg", "/2024-07/a.html", "/nothing/"):
        assert headers(ServeState(sandbox=True), path).get("Content-Security-Policy") == SANDBOX, path
        assert "Content-Security-Policy" not in headers(ServeState(), path), path
    assert "Content-Security-Policy" not in headers(ServeState(sandbox=True), "/2024-07/a.pdf")
    state = ServeState(sandbox=True)
    live = headers(state, "/__xiaokan__/live?t=" + state.live_token)
    assert live["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Origin" not in headers(
        ServeState(sandbox=True), "/__xiaokan__/state")
