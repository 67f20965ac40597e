"""A/B of the incremental builds: the engine of an earlier commit against the working tree's, on the
same 1,000-article corpus, in alternating rounds (the machine's load hits both alike).

    .venv/bin/python bench/edit_rebuild.py BEFORE_COMMIT [--articles 1000] [--rounds 3] [--plain]

Each round, for each engine: a cold build (output/ and .cache/ deleted, `sync` first), a second build,
a no-change build, then one sentence appended to one article and a build (`build.py build --no-search
--no-pdf` each, a fresh process as editors run it). Prints each build's seconds and the no-change and
one-edit builds as a share of the cold one (issue 26's goals: at most 15 % and 25 %).
--plain uses the shared measuring stick's corpus (../shared/bench/mkcorpus.py: plain articles cut from
the seed, issues of 100) instead of the archive made from the sample issue (tables, charts, tags).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark import EDITOR_ENV, ROOT, compile_engine, make_archive  # noqa: E402

BUILD = [sys.executable, "build.py", "build", "--no-search", "--no-pdf"]
SHARED = ROOT.parent / "shared" / "bench"


def plain_corpus(dest: Path, articles: int) -> Path:
    """The project's files with the shared stick's plain corpus as content/."""
    site = make_archive(dest, 0)
    seed = sorted((SHARED.parent / "seed").glob("*.txt"))[0]
    subprocess.run([sys.executable, str(SHARED / "mkcorpus.py"), str(seed), str(articles), str(site / "content"), "yaml"],
                   check=True)
    return site


def site_with_engine(folder: Path, engine: Path, articles: int, plain: bool) -> Path:
    site = plain_corpus(folder, articles) if plain else make_archive(folder, articles)
    shutil.rmtree(site / "xiaokan")
    shutil.copytree(engine, site / "xiaokan", ignore=shutil.ignore_patterns("__pycache__"))
    compile_engine(site)
    return site


def timed(site: Path) -> float:
    start = time.perf_counter()
    subprocess.run(BUILD, cwd=site, check=True, capture_output=True, env=EDITOR_ENV)
    return time.perf_counter() - start


def one_round(site: Path, n: int) -> dict[str, float]:
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)
    subprocess.run(["sync"], check=True)
    cold = timed(site)
    timed(site)
    unchanged = timed(site)
    articles = sorted((site / "content").glob("*/*.md"))
    article = articles[len(articles) // 2 + n]
    article.write_text(article.read_text(encoding="utf-8") + f"\n改动{n}。\n", encoding="utf-8")
    return {"cold": cold, "no change": unchanged, "one edit": timed(site)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the commit to compare with")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--plain", action="store_true", help="the shared stick's plain corpus")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        checkout = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-f", "-q", str(checkout), args.before], check=True)
        try:
            sites = {"before": site_with_engine(Path(tmp) / "site-before", checkout / "xiaokan", args.articles, args.plain),
                     "now": site_with_engine(Path(tmp) / "site-now", ROOT / "xiaokan", args.articles, args.plain)}
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(checkout)], check=True)
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in sites}
        for n in range(args.rounds):
            for name, site in sites.items():
                rounds[name].append(one_round(site, n))
    for name, results in rounds.items():
        line = [f"{name}:"]
        for kind in ("cold", "no change", "one edit"):
            values = [r[kind] for r in results]
            share = "" if kind == "cold" else \
                f" = {statistics.median(r[kind] / r['cold'] for r in results) * 100:.0f} % of cold"
            line.append(f"{kind} {' / '.join(f'{v:.2f}' for v in values)} s{share};")
        print(" ".join(line))


if __name__ == "__main__":
    main()
