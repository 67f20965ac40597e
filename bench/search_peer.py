"""Our cold build with the search index against Hugo + Pagefind's extended build, alternately, on the
shared stick's plain corpus: the two rows of ../shared/bench/peers.sh that issue 26's goal compares,
without the other peers, so that a change can be measured in a few minutes.

    .venv/bin/python bench/search_peer.py [--articles 1000] [--rounds 3] [CHECKOUT ...]

Each CHECKOUT (a folder holding build.py and xiaokan/, e.g. one made by `git archive`; default: this
one) builds the same corpus (mkcorpus.py's yaml format) with `build --no-pdf`, cold (no output/, no
.cache/); Hugo then Pagefind extended build the same articles (peers.sh's Hugo site). The rounds go
round-robin over the checkouts and Hugo + Pagefind. Prints each one's median wall time, the median of
the CPU-seconds its process tree used (getrusage of the children), and its ratio to Hugo + Pagefind.
Needs peers.sh's scratch venv ($PEERS_VENV, default /tmp/peers): run peers.sh once first.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE / "bench"))
from benchmark import EDITOR_ENV, compile_engine  # noqa: E402

STICK = HERE.parent / "shared" / "bench"
HUGO_TOML = 'baseURL = "https://example.org/"\nlanguageCode = "zh-cn"\ntitle = "t"\nhasCJKLanguage = true\n'
SINGLE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
          '<body><article><h1>{{ .Title }}</h1>{{ .Content }}</article></body></html>\n')
LIST = ('<!doctype html><html><body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>'
        '{{ end }}</ul></body></html>\n')


def peers() -> tuple[str, str]:
    venv = Path(os.environ.get("PEERS_VENV", "/tmp/peers"))
    python = venv / "bin" / "python"
    if not (venv / "bin" / "hugo").exists():
        sys.exit(f"no Hugo in {venv}: run ../shared/bench/peers.sh once first")
    pagefind = subprocess.run([str(python), "-c", "import pagefind_bin_extended as p, os; "
                               "print(os.path.join(os.path.dirname(p.__file__), 'pagefind_extended'))"],
                              capture_output=True, text=True, check=True).stdout.strip()
    return str(venv / "bin" / "hugo"), pagefind


def project(checkout: Path, work: Path, name: str, corpus: Path) -> Path:
    """A copy of the checkout's tracked files (or its files, when not a git work tree) with the corpus."""
    target = work / name
    listed = subprocess.run(["git", "-C", str(checkout), "ls-files", "-z"], capture_output=True)
    if listed.returncode == 0 and listed.stdout:
        for rel in listed.stdout.decode().split("\0"):
            if rel and (checkout / rel).is_file():
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(checkout / rel, target / rel)
    else:
        shutil.copytree(checkout, target, ignore=shutil.ignore_patterns(".venv", ".cache", "output", "content"))
    shutil.rmtree(target / "content", ignore_errors=True)
    shutil.copytree(corpus, target / "content")
    compile_engine(target)
    return target


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU-seconds of the command's process tree)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["sync"])
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=EDITOR_ENV)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-800:]}")
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkouts", nargs="*", type=Path, default=[HERE])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    hugo, pagefind = peers()
    seed = sorted((STICK.parent / "seed").glob("*.txt"))[0]
    python = str(HERE / ".venv" / "bin" / "python")
    with tempfile.TemporaryDirectory(prefix="search-peer-") as scratch:
        work = Path(scratch)
        subprocess.run([python, str(STICK / "mkcorpus.py"), str(seed), str(args.articles), str(work / "corpus"), "yaml"], check=True)
        subprocess.run([python, str(STICK / "mkcorpus.py"), str(seed), str(args.articles), str(work / "flat"), "floor"], check=True)
        site = work / "hugo"
        (site / "layouts" / "_default").mkdir(parents=True)
        shutil.copytree(work / "flat", site / "content" / "posts")
        (site / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
        (site / "layouts" / "_default" / "single.html").write_text(SINGLE, encoding="utf-8")
        (site / "layouts" / "_default" / "list.html").write_text(LIST, encoding="utf-8")
        (site / "layouts" / "index.html").write_text(LIST, encoding="utf-8")
        runs: dict[str, list[tuple[float, float]]] = {}
        sites = {f"ours {checkout}": project(checkout.resolve(), work, f"p{n}", work / "corpus")
                 for n, checkout in enumerate(args.checkouts)}
        peer = "hugo + pagefind extended"
        script = f'"{hugo}" --quiet -s "{site}" -d "{work}/hugopf" && "{pagefind}" --site "{work}/hugopf" --quiet'
        for _round in range(args.rounds):
            for name, folder in sites.items():
                shutil.rmtree(folder / "output", ignore_errors=True)
                shutil.rmtree(folder / ".cache", ignore_errors=True)
                runs.setdefault(name, []).append(timed([python, "build.py", "build", "--no-pdf"], folder))
            shutil.rmtree(work / "hugopf", ignore_errors=True)
            runs.setdefault(peer, []).append(timed(["sh", "-c", script], work))
        theirs = statistics.median(wall for wall, _cpu in runs[peer])
        print(f"{args.articles} articles, {args.rounds} rounds, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        for name, results in runs.items():
            wall = statistics.median(w for w, _c in results)
            cpu = statistics.median(c for _w, c in results)
            walls = " ".join(f"{w:.2f}" for w, _c in results)
            print(f"{name:60s} {wall:6.2f} s  {cpu:5.2f} CPU-s  x{wall / theirs:.2f} theirs   runs: {walls}")


if __name__ == "__main__":
    main()
