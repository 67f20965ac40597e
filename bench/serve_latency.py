"""Edit-to-page latency of `build.py serve`: save an article, time until the served page shows it.

    .venv/bin/python bench/serve_latency.py [--articles 1000] [--edits 5]

--articles 0 uses the sample issue in content/. Includes the time the watcher takes to report a save.
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import ROOT, make_archive  # noqa: E402

sys.path.insert(0, str(ROOT))


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.articles:
            site = make_archive(Path(tmp) / "site", args.articles)
        else:
            site = Path(tmp) / "site"
            shutil.copytree(ROOT, site, ignore=shutil.ignore_patterns(".venv", "output", ".cache", ".git", "tests"))
        article = sorted((site / "content").glob("*/*.md"))[len(list((site / "content").glob("*/*.md"))) // 2]
        server = subprocess.Popen([sys.executable, "build.py", "serve", "--no-pdf", "--port", str(args.port), "-q"],
                                  cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{args.port}"
            deadline = time.monotonic() + 120
            while "__xiaokan__" not in fetch(base + "/index.html") and time.monotonic() < deadline:
                time.sleep(0.2)
            from xiaokan.source.content import load_site  # the article's URL, as the site computes it
            url = next(a.url for a in load_site(site).site.articles if a.source.name == article.name)
            latencies = []
            for n in range(args.edits):
                marker = f"延迟测试{n}号"
                text = article.read_text(encoding="utf-8")
                started = time.monotonic()
                article.write_text(text.rstrip() + f"\n\n{marker}\n", encoding="utf-8")
                while marker not in fetch(f"{base}/{url}"):
                    time.sleep(0.01)
                latencies.append(time.monotonic() - started)
                time.sleep(0.5)
        finally:
            server.terminate()
            server.wait(10)
    label = f"{args.articles} articles" if args.articles else "the sample issue"
    print(f"edit-to-page latency on {label}: median {statistics.median(latencies) * 1000:.0f} ms, "
          f"max {max(latencies) * 1000:.0f} ms over {len(latencies)} saves (file watching by OS events)")


if __name__ == "__main__":
    main()
