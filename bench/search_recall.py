"""Search recall and precision on the sample, in a real browser, against plain substring search.

    .venv/bin/python bench/search_recall.py [--queries 60]

Queries are the archive's own words (2-6 characters: names, 专业 terms, the words the issue names),
chosen from the articles by jieba; the truth for each is the set of articles whose title or text
contains it. Each query is typed into the site's search page in Chromium and the whole result list read
(再显示 pressed until every result is listed)."""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import sys
import threading
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUST = ["教育部", "高质量发展", "民办", "双师型", "产教融合", "职业本科", "OBE", "评建", "海南", "合格评估"]


def article_texts(output: Path) -> dict[str, str]:
    texts = {}
    for page in sorted(output.glob("*/*/index.html")):
        html = page.read_text(encoding="utf-8")
        if "data-search-body" not in html:
            continue
        body = html.split("data-search-body", 1)[1].split("</article>", 1)[0]
        body = re.sub(r"<(script|style|details)\b.*?</\1>", "", body, flags=re.S)
        body = re.sub(r"<p[^>]*data-search-ignore[^>]*>.*?</p>", "", body, flags=re.S)   # (the 栏目 mark)
        text = re.sub(r"<[^>]+>", "", body.split(">", 1)[1])
        texts["/" + page.parent.relative_to(output).as_posix() + "/"] = re.sub(r"\s+", "", text)
    return texts


def queries(texts: dict[str, str], count: int) -> list[str]:
    import jieba

    words = Counter()
    for text in texts.values():
        words.update(w for w in set(jieba.lcut(text)) if 2 <= len(w) <= 6 and re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", w))
    chosen = list(MUST)
    for word, _ in words.most_common():
        if len(chosen) >= count:
            break
        if word not in chosen and not word.isdigit():
            chosen.append(word)
    return chosen


def measure(output: Path, wanted: list[str], texts: dict[str, str], browser=None) -> list[tuple[str, set, set, list]]:
    """(query, articles containing it, articles the search page lists, their titles in the order
    listed) for each query. browser: a Playwright browser already running (the tests'), else one is started."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    rows = []

    def run(browser) -> None:
        page = browser.new_page()
        for query in wanted:
            page.goto(f"{base}/search/index.html?q={query}")
            page.wait_for_function("/找到|没有找到|没有加载/.test(document.getElementById('search-status').textContent)")
            while page.is_visible("#search-more"):   # (every result, not the first 30)
                shown = page.locator("#search-results li").count()
                page.click("#search-more")
                page.wait_for_function(f"document.querySelectorAll('#search-results li').length > {shown}")
            listed = page.eval_on_selector_all("#search-results li a.article-link", """links => links.map(a =>
                [new URL(a.href).pathname.replace(/index\\.html$/, ""), a.textContent])""")
            truth = {url for url, text in texts.items() if query in text}
            rows.append((query, truth, {url for url, _title in listed}, [title for _url, title in listed]))
        page.close()

    try:
        if browser is not None:
            run(browser)
        else:
            with sync_playwright() as p:
                own = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
                run(own)
                own.close()
    finally:
        server.shutdown()
    return rows


def titles_first(query: str, titles: list[str]) -> bool:
    """Every result whose title holds the query comes before every result whose title does not."""
    holds = [query.lower() in title.lower() for title in titles]
    return holds == sorted(holds, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--output", type=Path, default=ROOT / "output")
    args = parser.parse_args()
    texts = article_texts(args.output)
    rows = measure(args.output, queries(texts, args.queries), texts)
    relevant = sum(len(t) for _, t, _, _ in rows)
    hits = sum(len(t & f) for _, t, f, _ in rows)
    returned = sum(len(f) for _, _, f, _ in rows)
    ranked = [q for q, _, _, titles in rows if titles_first(q, titles)]
    with_title = [q for q, _, _, titles in rows if any(q in t for t in titles)]
    print(f"{len(rows)} queries over {len(texts)} articles")
    print(f"  recall    {hits}/{relevant} = {hits / relevant:.3f}")
    print(f"  precision {hits}/{returned} = {hits / max(returned, 1):.3f}")
    print(f"  titles holding the query listed first: {len([q for q in with_title if q in ranked])}/{len(with_title)} queries")
    for query, truth, found, _titles in rows:
        if truth != found:
            print(f"  {query}: missed {len(truth - found)}, extra {len(found - truth)}")
    sys.exit(0 if hits == relevant else 1)


if __name__ == "__main__":
    main()
