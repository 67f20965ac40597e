"""Search recall against the peer: our search page and Pagefind's own search over a Hugo site, on the
same articles and the same queries.

    .venv/bin/python bench/peer_recall.py OUR_OUTPUT HUGO_OUTPUT [--queries 60]

OUR_OUTPUT is a build of this project (with the search index); HUGO_OUTPUT is Hugo's output of the same
articles after Pagefind's extended build (what a Hugo site runs for Chinese search: `pagefind_extended
--site HUGO_OUTPUT`), as ../shared/bench/peers.sh makes them. The queries are search_recall's (the
archive's own words, chosen by jieba from our pages); the truth for each, in each site, is the set of
its article pages whose title or text contains it. Both are asked through Pagefind's JavaScript API
(pagefind.js: search, then each result's data) in the same Chromium, taking every result (a search
page shows only the first 30, or five): ours as our search page asks (each Chinese term's characters
as an exact phrase, the older issues' indexes merged in), theirs with the query as typed.
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


# Our search page's query: the characters of a Chinese term as an exact phrase (assets/search.js, indexed()).
OUR_QUERY = r"""q => {
    const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
    const BOUNDARY = new RegExp("(?<=[" + HAN + "])(?=\\S)|(?<=\\S)(?=[" + HAN + "])", "g");
    return q.trim().split(/\s+/).filter(Boolean).map(t => {
        const spaced = t.replace(BOUNDARY, " ");
        return spaced === t ? t : '"' + spaced + '"';
    }).join(" ");
}"""


def pagefind_results(output: Path, wanted: list[str], browser, ours: bool) -> dict[str, set[str]]:
    """query -> URL paths (from the site root) that Pagefind's search returns over output/pagefind/,
    all of them (not a page of them). ours: our site, whose older issues' indexes are merged in as the
    search page does, and whose queries are spaced as the search page spaces them."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(output)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found = {}
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/" + ("search/index.html" if ours else "index.html"))
        page.evaluate("""async () => {
            const form = document.querySelector(".search-form");
            const merged = form ? (form.dataset.merge || "").split(" ").filter(Boolean) : [];
            window.pf = await import("/pagefind/pagefind.js");
            await window.pf.options({ baseUrl: "/" });
            for (const path of merged) { await window.pf.mergeIndex("/" + path, { baseUrl: "/" }); }
            await window.pf.init();
        }""")
        spaced = page.evaluate(f"qs => qs.map({OUR_QUERY})", wanted) if ours else wanted
        for query, asked in zip(wanted, spaced):
            urls = page.evaluate("""async q => {
                const search = await window.pf.search(q);
                const data = await Promise.all(search.results.map(r => r.data()));
                return data.map(d => new URL(d.url, location.origin + "/").pathname.replace(/index\\.html$/, ""));
            }""", asked)
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
        results = {"ours": pagefind_results(args.ours, wanted, browser, ours=True),
                   "Hugo + Pagefind extended": pagefind_results(args.theirs, wanted, browser, ours=False)}
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
