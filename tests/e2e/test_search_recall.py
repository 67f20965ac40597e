"""Search misses nothing: every article whose title or text contains the query is found, and only
those (the truth is plain substring search), for 60 queries taken from the archive's own words."""
from __future__ import annotations

import importlib.util

from helpers import ROOT

spec = importlib.util.spec_from_file_location("search_recall", ROOT / "bench/search_recall.py")
search_recall = importlib.util.module_from_spec(spec)
spec.loader.exec_module(search_recall)


def test_search_finds_every_article_that_contains_the_query(sample, browser):
    output = sample / "output"
    texts = search_recall.article_texts(output)
    wanted = search_recall.queries(texts, 60)
    assert len(wanted) == 60 and {"教育部", "高质量发展", "民办"} <= set(wanted)
    rows = search_recall.measure(output, wanted, texts, browser)
    found = {query: (truth, hits) for query, truth, hits, _titles in rows}
    assert len(found["教育部"][0]) == 6 and found["教育部"][1] == found["教育部"][0]   # (Pagefind alone found 1)
    missed = {q: sorted(t - h) for q, (t, h) in found.items() if t - h}
    extra = {q: sorted(h - t) for q, (t, h) in found.items() if h - t}
    assert not missed, missed
    assert not extra, extra
    # an article whose title holds the query comes first
    unranked = [query for query, _, _, titles in rows if not search_recall.titles_first(query, titles)]
    assert not unranked, unranked
    assert sum(any(query in title for title in titles) for query, _, _, titles in rows) >= 20   # (the check is real)
