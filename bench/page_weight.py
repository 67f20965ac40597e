"""Page weight of the built site's pages: the HTML with the stylesheets and scripts it loads (images
excluded), raw and gzip-compressed as a web server sends them.

    .venv/bin/python bench/page_weight.py [--output output] [PAGE ...]
"""
from __future__ import annotations

import argparse
import gzip
import re
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["2024-06/jiaoyubu-zhiye-benke-51/index.html", "2024-06/zhuanye-jianshe-peixunhui/index.html", "index.html",
         "edition/2024-06/2/index.html", "search/index.html"]


def weight(output: Path, page: str) -> tuple[int, int, list[str]]:
    html = (output / page).read_bytes()
    parts = [html]
    loaded = re.findall(rb'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', html)
    names = []
    for css, js in loaded:
        ref = (css or js).decode()
        path = output / urljoin(page, ref)
        names.append(path.relative_to(output.resolve()).as_posix() if path.is_absolute() else ref)
        parts.append(path.read_bytes())
    return sum(len(p) for p in parts), sum(len(gzip.compress(p, 9)) for p in parts), names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "output")
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    print(f"{'page':55} {'raw KB':>8} {'gzip KB':>8}  files")
    for page in args.pages:
        raw, packed, names = weight(args.output.resolve(), page)
        print(f"{page:55} {raw / 1000:8.1f} {packed / 1000:8.1f}  HTML + {', '.join(names)}")


if __name__ == "__main__":
    main()
