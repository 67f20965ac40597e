"""`build.py serve`: a real server in a subprocess, edited files, the served pages."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
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
    page = wait_for(lambda: page_containing(base + "/2024-07/second/", "修好以后的正文"), 60)
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
    assert get(base + "/no/such/page/")[0] == 404


def test_new_article_appears_in_the_served_issue(server):
    base, site, _ = server
    result = subprocess.run([sys.executable, "-c", LAUNCH, str(site), "new", "--section", "评建动态", "--issue", "2024-07",
                             "我校召开新学期评建推进会"], env=dict(os.environ, PYTHONPATH=str(ROOT)),
                            capture_output=True, text=True, check=True)
    path = site / result.stdout.strip() if not Path(result.stdout.strip()).is_absolute() else Path(result.stdout.strip())
    assert path.name == "05-wo-xiao-zhao-kai-xin-xue-qi-ping-jian-tui-jin.md"
    wait_for(lambda: "我校召开新学期评建推进会" in get(base + "/2024-07/")[1], 60)


def test_default_serve_renders_the_pdf_and_keeps_its_link_across_edits(mini):
    """`make serve` as README documents it: the PDF is rendered in the background, linked from the
    issue page, re-rendered after an edit, and its link never disappears meanwhile."""
    from pypdf import PdfReader

    from helpers import running_server

    with running_server(mini, pdf=True) as (base, process):
        issue = base + "/2024-07/"
        wait_for(lambda: "xiaokan-2024-07.pdf" in get(issue)[1], 60)
        import urllib.request
        with urllib.request.urlopen(issue + "xiaokan-2024-07.pdf", timeout=5) as response:
            assert response.status == 200 and response.read(5) == b"%PDF-"
        article = mini / "content/2024-07/01-first.md"
        article.write_text(article.read_text(encoding="utf-8").replace("这是第一段", "预览里改过的第一段"), encoding="utf-8")
        wait_for(lambda: "预览里改过的第一段" in get(base + "/2024-07/first/")[1], 60)
        assert "xiaokan-2024-07.pdf" in get(issue)[1], "the link stays while the PDF is rendered again"

        def reprinted():
            pdf = mini / ".cache/preview/2024-07/xiaokan-2024-07.pdf"   # (the preview, not output/)
            try:
                return "预览里改过的第一段" in "".join(p.extract_text() for p in PdfReader(pdf).pages).replace("\n", "")
            except Exception:   # noqa: BLE001 — being replaced right now
                return False
        wait_for(reprinted, 60)
        assert "xiaokan-2024-07.pdf" in get(issue)[1]
        assert process.poll() is None
    log = (mini.parent / "serve.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and "could not be rendered" not in log


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
