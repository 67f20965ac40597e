"""How much the project's PDF step costs over bare WeasyPrint on the same print HTML.

    .venv/bin/python bench/pdf_vs_bare.py [ISSUE-ID] [--runs 3]

Ours is the whole render step on the same print HTML: WeasyPrint with the Chinese line layout
(xiaokan/paper/cjklayout.py), the back cover and 阅读笔记 pages, crop marks when asked; "both
editions" also writes the reader's tagged PDF from the same layout, as a build does (paper/reader.py).
Each measurement runs in a fresh process (WeasyPrint's caches and our justification patch stay
out of each other's way); the figure is the median wall time of HTML -> PDF bytes.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ONE_RUN = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
html = Path({html!r}).read_text(encoding="utf-8")
base_url = {base_url!r}
if {ours!r}:
    from xiaokan.bodies import convert_articles
    from xiaokan.source.content import load_site
    from xiaokan.paper.pdf import render_pdf
    from xiaokan.web.render import make_environment
    site = load_site(Path({root!r})).site
    issue = next(i for i in site.issues if i.id == {issue_id!r})
    bodies = convert_articles(site)
    env = make_environment(Path({root!r}) / "templates", site)
    import weasyprint  # noqa: F401  (loaded before the clock starts, as for the bare run)
    started = time.perf_counter()
    rendered = render_pdf(env, site, issue, bodies, html, reader={reader!r})   # + back cover, Chinese line layout
    data, pages = rendered.pdf, rendered.pages
else:
    import weasyprint
    started = time.perf_counter()
    document = weasyprint.HTML(string=html, base_url=base_url).render()
    data, pages = document.write_pdf(), len(document.pages)
print(json.dumps({{"seconds": time.perf_counter() - started, "pages": pages, "bytes": len(data)}}))
"""


def print_html_of(issue_id: str) -> tuple[str, str]:
    from xiaokan.bodies import convert_articles
    from xiaokan.paper.pdf import print_html
    from xiaokan.source.content import load_site
    from xiaokan.web.render import make_environment

    site = load_site(ROOT).site
    issue = next(i for i in site.issues if i.id == issue_id)
    html = print_html(make_environment(ROOT / "templates", site), site, issue, convert_articles(site))
    return html, (issue.folder / "article").resolve().as_uri() + "/"


def one_run(html_path: Path, base_url: str, issue_id: str, ours: bool, reader: bool = False) -> dict:
    code = ONE_RUN.format(root=str(ROOT), html=str(html_path), base_url=base_url, ours=ours, issue_id=issue_id,
                          reader=reader)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def summary(results: list[dict]) -> dict:
    return {"seconds": statistics.median(r["seconds"] for r in results), "pages": results[0]["pages"],
            "bytes": results[0]["bytes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issue", nargs="?", default="2024-06")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    html, base_url = print_html_of(args.issue)
    with tempfile.TemporaryDirectory() as tmp:
        html_path = Path(tmp) / "issue.html"
        html_path.write_text(html, encoding="utf-8")
        bare_runs, our_runs, both_runs = [], [], []
        for _ in range(args.runs):   # alternate, so that a busy moment of the machine hits all alike
            bare_runs.append(one_run(html_path, base_url, args.issue, ours=False))
            our_runs.append(one_run(html_path, base_url, args.issue, ours=True))
            both_runs.append(one_run(html_path, base_url, args.issue, ours=True, reader=True))
        bare, ours, both = summary(bare_runs), summary(our_runs), summary(both_runs)
    print(f"issue {args.issue}, median of {args.runs} runs, one process each")
    print(f"  bare WeasyPrint : {bare['seconds']:.2f} s, {bare['pages']} pages, {bare['bytes'] / 1024:.0f} KiB")
    print(f"  xiaokan render  : {ours['seconds']:.2f} s, {ours['pages']} pages, {ours['bytes'] / 1024:.0f} KiB")
    paired = statistics.median(o["seconds"] / b["seconds"] for o, b in zip(our_runs, bare_runs))
    print(f"  ratio           : {ours['seconds'] / bare['seconds']:.2f}x of the medians, "
          f"{paired:.2f}x median of the paired runs (issue 27: at most 2x)")
    paired = statistics.median(o["seconds"] / b["seconds"] for o, b in zip(both_runs, bare_runs))
    print(f"  both editions   : {both['seconds']:.2f} s ({both['seconds'] / bare['seconds']:.2f}x of the medians, "
          f"{paired:.2f}x paired; the press edition alone {ours['seconds']:.2f} s)")


if __name__ == "__main__":
    main()
