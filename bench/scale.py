"""How builds scale with the archive: cold, no-change and one-edit builds at 100, 1,000 and 5,000 plain
articles (the shared corpus, ../shared/bench/mkcorpus.py), with the peak memory of the whole process
tree (the build and its workers), sampled from /proc every 20 ms.

    .venv/bin/python bench/scale.py [--sizes 100 1000 5000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench"


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{current}/task/{current}/children") as children:
                stack += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak bytes of the process tree)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed: {process.stderr.read()[-500:]}")
    return seconds, peak


def project(tmp: Path, articles: int) -> Path:
    site = tmp / f"site{articles}"
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        if name.startswith(("content/", "tests/")):
            continue
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, site / name)
    seed = sorted((ROOT.parent / "shared" / "seed").glob("*.txt"))[0]
    subprocess.run([sys.executable, str(SHARED / "mkcorpus.py"), str(seed), str(articles), str(site / "content"), "yaml"],
                   check=True)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    args = parser.parse_args()
    build = [sys.executable, "build.py", "build", "--no-pdf", "-q"]
    print(f"{'articles':>8} {'cold':>8} {'cold, quick':>12} {'no change':>10} {'one edit':>9} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for articles in args.sizes:
            site = project(Path(tmp), articles)
            quick, _ = timed(build + ["--no-search"], site)
            shutil.rmtree(site / "output")
            shutil.rmtree(site / ".cache")
            subprocess.run(["sync"])
            cold, peak = timed(build, site)
            same, _ = timed(build, site)
            article = sorted((site / "content").glob("*/*.md"))[articles // 2]
            article.write_text(article.read_text(encoding="utf-8").replace("\n\n", "\n\n（修改）", 1), encoding="utf-8")
            edit, edit_peak = timed(build, site)
            print(f"{articles:8d} {cold:7.2f}s {quick:11.2f}s {same:9.2f}s {edit:8.2f}s {max(peak, edit_peak) / 1e6:8.0f}")
            shutil.rmtree(site)


if __name__ == "__main__":
    main()
