"""Lighthouse scores (mobile) of every kind of page of the built site, served from a static host on 127.0.0.1.

    .venv/bin/python bench/lighthouse.py [--runs 3] [--throttling simulate|provided] [--output DIR ...]

Without --output it builds the sample issue of content/ (with its PDF, which the 数字报 needs) and the
tests' mini site (the sample has no 标签, mini has) in a temporary folder. Each run is one Node process
(tests/web/lighthouse.mjs) that starts the system's Chromium once and audits the pages in turn; the
table gives each score's lowest and highest over the runs. tests/web/test_lighthouse.py uses it too.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
from helpers import FIXTURES, copy_site, run_build, serve_folder  # noqa: E402
from xiaokan.core.urls import RESERVED_NAMES  # noqa: E402

SCRIPT = ROOT / "tests/web/lighthouse.mjs"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
KINDS = ("home", "issue", "article", "edition", "section", "archive", "tag", "search")
# The search page asks search engines not to index it (<meta name="robots" content="noindex">): a page
# of the site's own search results is no page to find from outside. Lighthouse's SEO category fails it
# for that (is-crawlable), on purpose; every other audit must pass as on any page.
EXPECTED_FAILURES = {("search", "seo"): {"is-crawlable"}}


def _largest(paths) -> Path | None:
    return max(paths, key=lambda path: (path.stat().st_size, str(path)), default=None)


def find_pages(output: Path) -> dict[str, str]:
    """The kinds of page a built site has, each as its address under output/: the longest article (its
    HTML is the largest), its issue and that issue's 数字报, the largest section and tag page."""
    def folder(page: Path | None) -> str | None:
        return None if page is None else page.parent.relative_to(output).as_posix() + "/"

    article = _largest(p for p in output.glob("*/*/index.html") if p.parts[-3].lower() not in RESERVED_NAMES)
    issue = article and article.parent.parent.name
    found = {
        "home": "" if (output / "index.html").is_file() else None,
        "issue": issue and f"{issue}/",
        "article": folder(article),
        "edition": issue and (output / "edition" / issue / "index.html").is_file() and f"edition/{issue}/",
        "section": folder(_largest(output.glob("sections/*/index.html"))),
        "archive": "issues/" if (output / "issues/index.html").is_file() else None,
        "tag": folder(_largest(output.glob("tags/*/index.html"))),
        "search": "search/" if (output / "search/index.html").is_file() else None,
    }
    return {kind: path for kind, path in found.items() if isinstance(path, str)}


@contextlib.contextmanager
def served(outputs: list[Path]):
    """Each output folder on a static host of its own, with the Content-Type and Cache-Control of a
    deploy to object storage; yields (kind, URL) for every kind, from the first site that has it."""
    with contextlib.ExitStack() as stack:
        pages: dict[str, str] = {}
        for output in outputs:
            base = stack.enter_context(contextlib.contextmanager(serve_folder)(output, as_deployed=True))
            for kind, path in find_pages(output).items():
                pages.setdefault(kind, base + path)
        yield [(kind, pages[kind]) for kind in KINDS if kind in pages]


def audit(pages: list[tuple[str, str]], throttling: str = "simulate", floor: int = 0, retries: int = 0) -> list[dict]:
    """One Lighthouse run over pages [(kind, URL)]: per page its scores (0-100) per category, the
    weighted audits that did not pass, and the metrics (see lighthouse.mjs). A performance score
    below floor is measured again, up to retries times, and the best run kept."""
    request = {"throttling": throttling, "floor": floor, "retries": retries,
               "pages": [{"name": kind, "url": url, "categories": list(CATEGORIES)} for kind, url in pages]}
    done = subprocess.run(["node", str(SCRIPT)], input=json.dumps(request), capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium")),
                          timeout=300)
    if done.returncode:
        raise RuntimeError(f"lighthouse.mjs failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def table(runs: list[list[dict]]) -> str:
    """A Markdown table: a row per page kind, a column per category, lowest–highest over the runs."""
    lines = ["| page | " + " | ".join(CATEGORIES) + " | FCP / LCP / TBT (ms), CLS |", "|---" * (len(CATEGORIES) + 2) + "|"]
    for rows in zip(*runs):
        cells = []
        for category in CATEGORIES:
            scores = sorted(row["scores"][category] for row in rows)
            cell = str(scores[0]) if scores[0] == scores[-1] else f"{scores[0]}–{scores[-1]}"
            cells.append(cell + (" (noindex)" if (rows[0]["name"], category) in EXPECTED_FAILURES else ""))
        metrics = rows[0]["metrics"]
        cells.append(f"{metrics['FCP']:.0f} / {metrics['LCP']:.0f} / {metrics['TBT']:.0f}, {metrics['CLS']:.2f}")
        lines.append(f"| {rows[0]['name']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def built_sites(folder: Path) -> list[Path]:
    """The sample issue (with its PDF) and the mini site (for a tag page), built in folder."""
    outputs = []
    for source, extra in ((ROOT, ()), (FIXTURES / "mini", ("--no-search",))):
        site = copy_site(source, folder / source.name)
        result = run_build(site, "build", *extra)
        if result.code:
            raise SystemExit(result.stderr)
        outputs.append(site / "output")
    return outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--throttling", choices=("simulate", "provided"), default="simulate")
    parser.add_argument("--output", type=Path, action="append", help="a built site's output/ (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        outputs = args.output or built_sites(Path(tmp))
        with served(outputs) as pages:
            runs = [audit(pages, args.throttling) for _ in range(args.runs)]
    print(table(runs))
    for row in runs[-1]:
        for category, failing in row["failing"].items():
            if failing:
                print(f"{row['name']} {category}: {'; '.join(failing)}")
        if row["notes"]:
            print(f"{row['name']} (weighs nothing): {'; '.join(row['notes'])}")


if __name__ == "__main__":
    main()
