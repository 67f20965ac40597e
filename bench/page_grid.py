"""The page (issue 27) measured on the sample in several page sizes: the line grid, facing pages,
line adjustment and page bottoms, read back from each PDF's glyph positions (tests/printmeasure.py).

    .venv/bin/python bench/page_grid.py [ISSUE-ID] [--sizes A4 B5 A5] [--keep DIR] [--root SITE]

--root measures another site than the project's own (its site.yaml, content/ and templates/), such as
a corpus cut from the seed by ../shared/bench/mkcorpus.py.
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def render(root: Path, issue_id: str, size: str) -> tuple[bytes, float]:
    from xiaokan.bodies import convert_articles
    from xiaokan.paper.pdf import print_html, render_pdf
    from xiaokan.source.content import load_site
    from xiaokan.web.render import make_environment

    site = load_site(root).site
    config = dataclasses.replace(site.config, print=dataclasses.replace(site.config.print, page_size=size))
    site = dataclasses.replace(site, config=config)
    issue = next(i for i in site.issues if i.id == issue_id)
    env = make_environment(root / "templates", site)
    bodies = convert_articles(site)
    started = time.perf_counter()
    pdf = render_pdf(env, site, issue, bodies, print_html(env, site, issue, bodies)).pdf
    return pdf, time.perf_counter() - started


def report(path: Path, size: str, seconds: float) -> None:
    import printmeasure as m
    from xiaokan.paper.grid import PITCH_PT, grid_for
    from xiaokan.paper.pdf import PAGE_MM

    with pdfplumber.open(path) as pdf:
        pages = [p for p in pdf.pages if m.body_lines(p)]
        on, lines, _ = m.grid_share(pages, PITCH_PT)
        aligned, facing = m.facing_alignment(pdf.pages, PITCH_PT)
        stretch = m.line_stretch(pages)
        short, mid = m.short_pages(pdf.pages, PITCH_PT, block_lines=grid_for(*PAGE_MM[size]).lines)
        print(f"{size}: {len(pdf.pages)} pages, {seconds:.1f} s; on grid {on}/{lines} = {on / lines:.1%}; "
              f"facing aligned {aligned}/{facing} = {aligned / max(facing, 1):.1%}; "
              f"stretch worst {max(stretch):.1%} em, p99 {m.percentile(stretch, .99):.1%} em, "
              f"lines > 1/8 em {sum(s > .125 for s in stretch)}/{len(stretch)}; "
              f"mid-article pages short {short}/{mid} (full {1 - short / max(mid, 1):.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issue", nargs="?", default="2024-06")
    parser.add_argument("--sizes", nargs="+", default=["A4", "B5", "A5"])
    parser.add_argument("--keep", type=Path, help="write the PDFs into this folder")
    parser.add_argument("--root", type=Path, default=ROOT, help="the site to measure (default: this project)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            pdf, seconds = render(args.root.resolve(), args.issue, size)
            path = folder / f"{args.issue}-{size}.pdf"
            path.write_bytes(pdf)
            report(path, size, seconds)


if __name__ == "__main__":
    main()
