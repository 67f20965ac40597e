"""Edit-to-page latency of `build.py serve`: save an article, time until the served page shows it.

    .venv/bin/python bench/serve_latency.py [--articles 1000] [--edits 5] [--pdf] [--checkout DIR]

--articles 0 uses the sample issue in content/. Includes the time the watcher takes to report a save.
--title edits the article's title (its issue, section and neighbours' pages change too) instead of
adding a paragraph.
--pdf runs the preview as `make serve` does, with the PDF on, and makes each timed save while the
PDF of the edited issue is being typeset (after the save before it: `serve` printed that it started
and has not printed that it ended). --checkout DIR runs the engine, templates and assets of another
checkout (a git worktree of an earlier commit) on the same content, to compare before and after.
"""
from __future__ import annotations

import argparse
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import EDITOR_ENV, ROOT, compile_engine, make_archive  # noqa: E402

sys.path.insert(0, str(ROOT))
STARTED = re.compile(r"^pdf (\S+): rendering")
ENDED = re.compile(r"^(pdf (\S+): wrote|error: |pdf (\S+): could not)")
IN_LAYOUT = 0.5   # seconds after a render said it started: the save lands in its layout, not its imports


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


class Renders:
    """What `serve` printed about PDF renders: how many started, and whether the last one has ended
    (a render a save made stale is ended without a line; the next save is made after the next start)."""

    def __init__(self, stream) -> None:
        self.started = 0
        self.running = False
        self.failed: str | None = None
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            if STARTED.match(line):
                self.started += 1
                self.running = True
            elif ENDED.match(line):
                self.running = False
            if line.startswith("error: "):   # (the bench needs renders that work)
                self.failed = line


def with_engine(site: Path, checkout: Path) -> None:
    """The site runs checkout's engine, templates and assets (its content stays)."""
    for folder in ("xiaokan", "templates", "assets"):
        shutil.rmtree(site / folder, ignore_errors=True)
        shutil.copytree(checkout / folder, site / folder, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(checkout / "build.py", site / "build.py")
    compile_engine(site)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pdf", action="store_true", help="the PDF on, each save made while it is typeset")
    parser.add_argument("--checkout", type=Path, help="run this checkout's engine (default: this one)")
    parser.add_argument("--title", action="store_true", help="edit the title (more pages change) instead of the text")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))   # (a `timeout` ends the preview it started, too)
    with tempfile.TemporaryDirectory() as tmp:
        if args.articles:
            site = make_archive(Path(tmp) / "site", args.articles)
        else:
            site = Path(tmp) / "site"
            shutil.copytree(ROOT, site, ignore=lambda folder, names: [n for n in names if Path(folder) == ROOT and n in (
                ".venv", "output", ".cache", ".git", "tests", "node_modules", "print")])
        if args.checkout:
            with_engine(site, args.checkout.resolve())
        article = sorted((site / "content").glob("*/*.md"))[len(list((site / "content").glob("*/*.md"))) // 2]
        env = dict(EDITOR_ENV, XIAOKAN_LANG="en")
        env.pop("PYTHONPATH", None)   # (the site's own copy of the engine)
        server = subprocess.Popen([sys.executable, "build.py", "serve", "--port", str(args.port),
                                   *(() if args.pdf else ("--no-pdf",))],
                                  cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        renders = Renders(server.stderr)
        try:
            base = f"http://127.0.0.1:{args.port}"
            deadline = time.monotonic() + 120
            while "__xiaokan__" not in fetch(base + "/index.html") and time.monotonic() < deadline:
                time.sleep(0.2)
            from xiaokan.source.content import load_site  # the article's URL, as the site computes it
            url = next(a.url for a in load_site(site).site.articles if a.source.name == article.name)
            latencies, during, mark = [], 0, 0
            for n in range(args.edits + (1 if args.pdf else 0)):
                if args.pdf and n:   # (the first save only starts a render of the edited issue)
                    while renders.started == mark:   # (the render of the last save has begun)
                        if renders.failed:
                            raise SystemExit(renders.failed)
                        time.sleep(0.01)
                    time.sleep(IN_LAYOUT)
                rendering, mark = renders.running, renders.started
                marker = f"延迟测试{n}号"
                text = article.read_text(encoding="utf-8")
                started = time.monotonic()
                edited = re.sub(r"^(标题: .*?)(延迟测试\d+号)?$", rf"\g<1>{marker}", text, count=1, flags=re.M) \
                    if args.title else text.rstrip() + f"\n\n{marker}\n"
                article.write_text(edited, encoding="utf-8")
                while marker not in fetch(f"{base}/{url}"):
                    time.sleep(0.01)
                if args.pdf and not n:
                    continue
                latencies.append(time.monotonic() - started)
                during += rendering
                if not args.pdf:
                    time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(30)
    label = (f"{args.articles} articles" if args.articles else "the sample issue") + (", title edits" if args.title else "")
    pdf = f", PDF on: {during} of {len(latencies)} saves made while it was typeset" if args.pdf else ""
    print(f"edit-to-page latency on {label}: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} saves (file watching by OS events){pdf}"
          + (f" [{args.checkout}]" if args.checkout else ""))


if __name__ == "__main__":
    main()
