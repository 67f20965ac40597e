"""The build benchmark: a synthetic archive made from the sample issue, timed against a bare floor.

    .venv/bin/python bench/benchmark.py [--articles 1000] [--runs 5] [--scaling] [--pdf]

The targets are for `build --no-search`; the search index is timed separately, as the
cold build and the one-article edit with indexing.

Every figure is the median wall time of `python build.py …` run as a fresh process, as editors
run it (interpreter start and imports included); ratios are medians of the ratios within a round
(each round runs the floor and every kind of build once, back to back). The floor is the least any Python generator
must do for the same articles in one process: read each file, parse its YAML front matter,
convert its Markdown (with each CSV table or chart as a plain HTML table), render one Jinja
template, write the page.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Builds run as on an editor's machine, where Python keeps the engine compiled (__pycache__, written by
# the first run as by pip at install): a shell with PYTHONDONTWRITEBYTECODE would make every measured
# build compile the engine anew (0.2-0.3 s, a quarter of a one-article edit).
EDITOR_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def compile_engine(site: Path) -> None:
    """Compile the site's engine once, as pip does when it installs a package."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(site / "xiaokan")], check=True, env=EDITOR_ENV)
PER_ISSUE = 100
SECTIONS = ("新闻政策", "评建动态", "他山之石")

FLOOR = r'''
import csv, html, re, sys, pathlib, yaml, markdown, jinja2
src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])

def csv_table(match, folder):   # a table or chart shortcode: at the least, its CSV as an HTML table
    with open(folder / match.group(1), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return "<table>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>"
                               for r in rows) + "</table>"

template = jinja2.Environment(autoescape=True).from_string(
    "<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>{{ title }}</title></head>"
    "<body><h1>{{ title }}</h1>{{ body | safe }}</body></html>")
md = markdown.Markdown(extensions=["tables", "footnotes", "attr_list", "def_list"])
for path in sorted(src.glob("*/*.md")):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    body = re.sub(r'\{\{<[^>]*文件="([^"]+)"[^>]*>\}\}', lambda m: csv_table(m, path.parent), body)
    md.reset()
    target = out / path.parent.name / path.stem / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(template.render(title=meta["标题"], body=md.convert(body)), encoding="utf-8")
'''


def make_archive(dest: Path, articles: int) -> Path:
    """A site with `articles` articles in issues of PER_ISSUE, made from the sample issue's texts."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in ("site.yaml", "build.py"):
        shutil.copy(ROOT / name, dest / name)
    for folder in ("templates", "assets", "xiaokan"):
        shutil.copytree(ROOT / folder, dest / folder, ignore=shutil.ignore_patterns("__pycache__"))
    samples = sorted((ROOT / "content").glob("*/*.md"))
    bodies = [p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in samples]
    bodies = [re.sub(r"!\[[^\]]*\]\([^)]*\)", "", b) for b in bodies]   # no images: the archive has none
    for n in range(articles):
        issue_no = n // PER_ISSUE
        year, month = 2000 + issue_no // 12, issue_no % 12 + 1
        issue = dest / "content" / f"{year}-{month:02d}"
        if not issue.exists():
            issue.mkdir(parents=True)
            for data in (ROOT / "content").glob("*/*.csv"):   # the tables and charts of the sample
                shutil.copy(data, issue / data.name)
            (issue / "issue.yaml").write_text(
                f"标题: {year}年第{month}期\n期号: {month}\n总期号: {issue_no + 1}\n日期: {year}-{month:02d}-28\n",
                encoding="utf-8")
        section = SECTIONS[n % 3]
        (issue / f"{n % PER_ISSUE + 1:03d}-article-{n}.md").write_text(
            f"---\n标题: 第{n}篇 评建工作简讯\n栏目: {section}\n日期: {year}-{month:02d}-{n % 27 + 1:02d}\n"
            f"来源: 评建办公室\n标签: [标签{n % 40}]\n---\n{bodies[n % len(bodies)]}", encoding="utf-8")
    compile_engine(dest)
    return dest


def _clean(site: Path) -> None:
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".cache", ignore_errors=True)


def timed(cmd: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak memory (MiB) of one command run as its own process."""
    os.sync()   # the previous run's files go to disk first, not during this run
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=EDITOR_ENV)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{process.stderr.read().decode()}")
    return seconds, usage.ru_maxrss // 1024


def median_run(prepare, cmd: list[str], cwd: Path, runs: int) -> tuple[float, int]:
    results = []
    for _ in range(runs):
        prepare()
        results.append(timed(cmd, cwd))
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def measure(site: Path, runs: int, pdf: bool) -> dict[str, list[tuple[float, int]]]:
    """Each round runs every kind once, one after the other, so that a busy moment of the shared
    machine hits the floor and the builds alike; ratios are then taken within a round."""
    python = sys.executable
    build = [python, "build.py", "build", "--no-pdf", "--no-search", "-q"]
    with_search = [python, "build.py", "build", "--no-pdf", "-q"]
    floor_out = site.parent / "floor-output"
    victim = sorted((site / "content").glob("*/050-*.md"))[0]
    counter = iter(range(10**6))

    def edit() -> None:
        text = victim.read_text(encoding="utf-8")
        victim.write_text(re.sub(r"(标题: [^\n]*)", lambda m: f"{m.group(1).split(' 改')[0]} 改{next(counter)}", text, count=1),
                          encoding="utf-8")

    kinds = [
        ("floor", lambda: shutil.rmtree(floor_out, ignore_errors=True),
         [python, "-c", FLOOR, str(site / "content"), str(floor_out)]),
        ("cold", lambda: _clean(site), build),
        ("no-change", lambda: None, build),
        ("one-edit", edit, build),
        ("cold+search", lambda: _clean(site), with_search),
        ("edit+search", edit, with_search),
    ]
    figures: dict[str, list[tuple[float, int]]] = {name: [] for name, _, _ in kinds}
    for _ in range(runs):
        for name, prepare, cmd in kinds:
            prepare()
            figures[name].append(timed(cmd, site))
    if pdf:
        issue = sorted(p.name for p in (site / "content").iterdir())[-1]
        shutil.rmtree(site / ".cache" / "pdf", ignore_errors=True)
        figures[f"pdf {issue}"] = [timed([python, "build.py", "pdf", issue, "-q"], site)]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description="time builds of a synthetic archive against a bare floor")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scaling", action="store_true", help="also time cold builds of 100, 1,000 and 5,000 articles")
    parser.add_argument("--pdf", action="store_true", help="also time the PDF of one issue (one run)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.articles} articles, "
          f"medians of {args.runs} runs")
    with tempfile.TemporaryDirectory() as tmp:
        site = make_archive(Path(tmp) / "site", args.articles)
        figures = measure(site, args.runs, args.pdf)

        def paired(name: str, base: str) -> float:   # median of the ratios within each round
            return statistics.median(a[0] / b[0] for a, b in zip(figures[name], figures[base]))

        for name, results in figures.items():
            seconds, mib = statistics.median(r[0] for r in results), max(r[1] for r in results)
            ratios = f"{paired(name, 'floor'):5.2f}× floor" if name in figures and len(results) == args.runs else ""
            if name in ("no-change", "one-edit"):
                ratios += f", {paired(name, 'cold'):5.1%} of cold"
            if name == "cold+search":
                ratios += f"  (indexing ~{seconds - statistics.median(r[0] for r in figures['cold']):.2f} s)"
            print(f"  {name:<12} {seconds:7.2f} s  {ratios}  peak {mib} MiB")
        if args.scaling:
            print("cold build by archive size:")
            for n in (100, 1000, 5000):
                scaled = make_archive(Path(tmp) / f"scale-{n}", n)
                seconds, mib = median_run(lambda scaled=scaled: _clean(scaled), [sys.executable, "build.py", "build", "--no-pdf", "--no-search", "-q"], scaled,
                                          max(1, args.runs // 2))
                print(f"  {n:>5} articles  {seconds:6.2f} s  {seconds / n * 1000:5.2f} ms/article  peak {mib} MiB")


if __name__ == "__main__":
    main()
