"""Search recall against the peer: our search page and Pagefind's own search over a Hugo site, on the
same articles and the same queries.

    .venv/bin/python bench/peer_recall.py OUR_OUTPUT HUGO_OUTPUT [--queries 60]

OUR_OUTPUT is a build of this project (with the search index); HUGO_OUTPUT is Hugo's output of the same
articles after Pagefind's extended build (what a Hugo site runs for Chinese search: `pagefind_extended
--site HUGO_OUTPUT`), as ../shared/bench/peers.sh makes them. The queries are search_recall's (the
archive's own words, chosen by jieba from our pages); the truth for each, in each site, is the set of
its article pages whose title or text contains it. Ours is asked through our search page (every result
listed, 再显示 pressed until none is left), theirs through Pagefind's JavaScript API (pagefind.js:
search, then each result's data, every result) with the query as typed, in the same Chromium.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import search_recall  # noqa: E402


def hugo_texts(output: Path) -> dict[str, str]:
    """URL path -> text (title and body) of each article page of Hugo's output (its <article>)."""
    texts = {}
    for page in sorted(output.glob("**/index.html")):
        html = page.read_text(encoding="utf-8")
        if "<article>" not in html:
            continue
        body = html.split("<article>", 1)[1].split("</article>", 1)[0]
        text = re.sub(r"<[^>]+>", "", re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.S))
        texts["/" + page.parent.relative_to(output).as_posix() + "/"] = re.sub(r"\s+", "", text)
    return texts


def pagefind_results(output: Path, wanted: list[str], browser) -> dict[str, set[str]]:
    """query -> URL paths (from the site root) that Pagefind's search returns over output/pagefind/,
    all of them (not a page of them)."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found = {}
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        page.evaluate("""async () => {
            window.pf = await import("/pagefind/pagefind.js");
            await window.pf.options({ baseUrl: "/" });
            await window.pf.init();
        }""")
        for query in wanted:
            urls = page.evaluate("""async q => {
                const search = await window.pf.search(q);
                const data = await Promise.all(search.results.map(r => r.data()));
                return data.map(d => new URL(d.url, location.origin + "/").pathname.replace(/index\\.html$/, ""));
            }""", query)
            found[query] = set(urls)
        page.close()
    finally:
        server.shutdown()
    return found


def recall(truth: dict[str, set], found: dict[str, set]) -> tuple[int, int, int]:
    """(relevant articles found, relevant articles, results returned) over all queries."""
    return (sum(len(truth[q] & found[q]) for q in truth), sum(len(truth[q]) for q in truth),
            sum(len(found[q]) for q in truth))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ours", type=Path)
    parser.add_argument("theirs", type=Path)
    parser.add_argument("--queries", type=int, default=60)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    our_texts, their_texts = search_recall.article_texts(args.ours), hugo_texts(args.theirs)
    wanted = search_recall.queries(our_texts, args.queries)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        ours = search_recall.measure(args.ours, wanted, our_texts, browser)
        results = {"ours": {query: found for query, _truth, found, _titles in ours},
                   "Hugo + Pagefind extended": pagefind_results(args.theirs, wanted, browser)}
        browser.close()
    truths = {"ours": {q: {url for url, text in our_texts.items() if q in text} for q in wanted},
              "Hugo + Pagefind extended": {q: {url for url, text in their_texts.items() if q in text} for q in wanted}}
    print(f"{len(wanted)} queries; ours over {len(our_texts)} articles, Hugo + Pagefind over {len(their_texts)}")
    for name, found in results.items():
        truth = truths[name]
        hits, relevant, returned = recall(truth, found)
        worst = sorted(wanted, key=lambda q: len(truth[q] & found[q]) / max(len(truth[q]), 1))[:8]
        print(f"  {name:26s} recall {hits}/{relevant} = {hits / max(relevant, 1):.3f}   "
              f"precision {hits}/{returned} = {hits / max(returned, 1):.3f}")
        print("    least found: " + ", ".join(f"{q} {len(truth[q] & found[q])}/{len(truth[q])}" for q in worst))

if __name__ == "__main__":
    main()
