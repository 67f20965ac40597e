"""Pages the live site would lose: what each page and PDF of output/ showed (an article's title and
issue, an issue's title), kept in .cache/build/published.json by every build into output/ (not by the
preview, which builds drafts), so that a build leaving out pages the last build published (which pages:
the build manifest of output/, cache.BuildCache.dropped), and a deploy's dry run deleting them from the
live site, name the articles by title and issue and say what to do if it was not meant."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.i18n import _

if TYPE_CHECKING:
    from ..source.model import Site

RECORD = Path(".cache") / "build" / "published.json"
NAMED = 5        # articles (or pages) named in a warning
KEEP_GONE = 5000   # what pages no longer published showed, kept for the deploy that deletes them


def page_titles(site: Site) -> dict[str, list[str]]:
    """Each page and PDF of the site that a reader could lose, as [kind, issue id, what it is]: an
    article's page by its title, an issue's page and PDF by the issue's title."""
    titles: dict[str, list[str]] = {}
    for issue in site.issues:
        titles[f"{issue.url}index.html"] = ["issue", issue.id, issue.title]
        titles[f"{issue.url}{issue.pdf_name}"] = ["pdf", issue.id, issue.title]
        for article in issue.articles:
            titles[f"{article.url}index.html"] = ["article", issue.id, _('《{title}》 ({issue})').format(
                title=article.title, issue=issue.title)]
    return titles


def read_titles(root: Path, place: str) -> dict[str, list[str]]:
    """The titles known of the pages of this output folder, published now or before."""
    try:
        titles = json.loads((root / RECORD).read_text(encoding="utf-8"))[place]["titles"]
        return {k: list(v) for k, v in titles.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_titles(root: Path, place: str, titles: dict[str, list[str]]) -> None:
    """After a build into `place`: the titles of its pages (those of pages gone before are kept, the last
    KEEP_GONE to go, for the deploy that will delete them). Which pages went is the build manifest's to
    say (cache.BuildCache.dropped, one per output folder)."""
    path = root / RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        record = record if isinstance(record, dict) else {}
    except (OSError, ValueError):
        record = {}
    kept = {rel: value for rel, value in read_titles(root, place).items() if rel not in titles}
    record[place] = {"titles": {**dict(list(kept.items())[-KEEP_GONE:]), **titles}}   # (the earliest gone come first)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def pages_of(paths) -> list[str]:
    """The pages and PDFs among these files (the search index and pictures are not counted)."""
    return sorted(rel for rel in paths if rel.endswith((".html", ".pdf")))


def gone_issues(gone: list[str], titles: dict[str, list[str]]) -> set[str]:
    """The issues whose own page is among the pages gone."""
    return {titles[rel][1] for rel in gone if titles.get(rel, [""])[0] == "issue"}


def named(gone: list[str], titles: dict[str, list[str]]) -> str:
    """The articles among the pages gone by title and issue (else the pages' paths: a 数字报, a PDF),
    the first few of them."""
    articles = [titles[rel][2] for rel in gone if titles.get(rel, [""])[0] == "article"]
    if articles:
        shown = "、".join(articles[:NAMED]) + ("…" if len(articles) > NAMED else "")
        return _('{count} article(s): {titles}').format(count=len(articles), titles=shown)
    return "、".join(rel.removesuffix("index.html") or "/" for rel in gone[:NAMED]) + ("…" if len(gone) > NAMED else "")


def if_not_meant() -> str:
    return _('if this was not meant: make the article a non-draft again (草稿: 否), put back the article file or '
             'issue folder that was deleted, moved or renamed, or its old address (地址: …), then build again')


def build_warning(gone: list[str], titles: dict[str, list[str]]) -> str:
    """A build's warning: what the last build published that this one leaves out."""
    return _('{count} page(s) or PDF(s) that the last build published are not published any more, among them '
             '{named}; the next deploy (发布) removes them from the live site; {what_to_do} (a 数字报 or PDF '
             'whose issue PDF is not cached needs a build without --no-pdf)').format(
        count=len(gone), named=named(gone, titles), what_to_do=if_not_meant())


def deploy_warning(root: Path, deleted: list[str]) -> str | None:
    """A deploy's dry run: the pages and PDFs of the live site it would delete, by article title and
    issue where the builds of output/ knew them; None when it deletes none."""
    gone = pages_of(deleted)
    if not gone:
        return None
    titles = read_titles(root, "output")
    return _('this deploy (发布) removes {count} page(s) or PDF(s) from the live site, among them {named}; '
             '{what_to_do}').format(count=len(gone), named=named(gone, titles), what_to_do=if_not_meant())
