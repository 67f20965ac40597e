"""Lighthouse (mobile: a phone's screen, slow 4G, a slower CPU, simulated) scores every kind of page a
reader opens at 90 or above in performance, accessibility, best practices and SEO (issue 26; they
score 96-100 on a quiet machine, docs/benchmarks.md). The built sample (and the mini site, for a 标签
page) is served from a static host on 127.0.0.1 with the headers the object-storage deploy gives each
file; one Node process starts the system's Chromium once and audits the pages in turn
(bench/lighthouse.py, tests/web/lighthouse.mjs). The simulated phone's CPU is this machine's slowed
four times, so a busy machine lowers performance for one run: a page below 90 there is measured again
(twice at most) and keeps its best run."""
from __future__ import annotations

import importlib.util

import pytest

from helpers import FIXTURES, ROOT, copy_site, run_build

spec = importlib.util.spec_from_file_location("lighthouse_bench", ROOT / "bench/lighthouse.py")
lighthouse = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lighthouse)

LOWEST = 90   # (the goal is 95: docs/benchmarks.md; the margin is for a machine busy with other work)


@pytest.fixture(scope="module")
def tagged(tmp_path_factory):
    """The mini site, whose articles have 标签 (the sample's have none), built without PDF or search."""
    site = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("tagged") / "mini")
    result = run_build(site, "build", "--no-pdf", "--no-search")
    assert result.code == 0, result.stderr
    return site / "output"


def test_every_kind_of_page_scores_90_or_more_in_lighthouse(sample, tagged):
    assert (ROOT / "node_modules/lighthouse/package.json").is_file(), "lighthouse is missing: run `npm ci` (make test does)"
    with lighthouse.served([sample / "output", tagged]) as pages:
        assert [kind for kind, _url in pages] == list(lighthouse.KINDS)
        assert dict(pages)["article"].endswith("/2024-06/jiaoyubu-zhiye-benke-51/")   # (the longest, with tables and charts)
        results = lighthouse.audit(pages, floor=LOWEST, retries=2)
    assert [row["name"] for row in results] == list(lighthouse.KINDS)
    low = {}
    for row in results:
        assert set(row["scores"]) == set(lighthouse.CATEGORIES), row
        assert all(isinstance(score, int) for score in row["scores"].values()), row   # (None: its audits failed to run)
        for category, score in row["scores"].items():
            expected = lighthouse.EXPECTED_FAILURES.get((row["name"], category))
            if expected is not None:
                assert {failure.split(":")[0] for failure in row["failing"][category]} == expected, row
            elif score < LOWEST:
                runs = row["performanceRuns"] if category == "performance" else [score]
                low[f"{row['name']} {category}"] = (runs, row["failing"][category])
    assert not low, low
    # The check is real: the search page, which asks not to be indexed, fails SEO's is-crawlable and
    # scores below the line there; every metric was measured.
    search = results[-1]
    assert search["scores"]["seo"] < LOWEST, search
    assert all(row["metrics"]["FCP"] > 0 and row["metrics"]["LCP"] >= row["metrics"]["FCP"] for row in results), results
