"""A/B of the one-article edit rebuild: the engine of an earlier commit against the working tree's,
on the same 1,000-article archive, in alternating rounds (the machine's load hits both alike).

    .venv/bin/python bench/edit_rebuild.py BEFORE_COMMIT [--articles 1000] [--rounds 3]

Each round appends a sentence to one article and times `build.py build --no-search --no-pdf`.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import ROOT, make_archive  # noqa: E402

BUILD = [sys.executable, "build.py", "build", "--no-search", "--no-pdf"]


def site_with_engine(folder: Path, engine: Path, articles: int) -> Path:
    site = make_archive(folder, articles)
    shutil.rmtree(site / "xiaokan")
    shutil.copytree(engine, site / "xiaokan", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(BUILD, cwd=site, check=True, capture_output=True)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the commit to compare with")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        checkout = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-f", "-q", str(checkout), args.before], check=True)
        try:
            sites = {"before": site_with_engine(Path(tmp) / "site-before", checkout / "xiaokan", args.articles),
                     "now": site_with_engine(Path(tmp) / "site-now", ROOT / "xiaokan", args.articles)}
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(checkout)], check=True)
        times: dict[str, list[float]] = {name: [] for name in sites}
        for round_ in range(args.rounds):
            for name, site in sites.items():
                article = sorted((site / "content").glob("*/*.md"))[len(times[name]) + args.articles // 2]
                article.write_text(article.read_text(encoding="utf-8") + f"\n改动{round_}。\n", encoding="utf-8")
                start = time.perf_counter()
                subprocess.run(BUILD, cwd=site, check=True, capture_output=True)
                times[name].append(time.perf_counter() - start)
    for name, values in times.items():
        print(f"{name}: " + " / ".join(f"{v:.2f} s" for v in values))


if __name__ == "__main__":
    main()
