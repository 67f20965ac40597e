"""校样: proof PDFs for review (三审三校) and the 修改对照 page of what changed since the last proof.

`build.py pdf 2024-07 --proof` renders the issue with its drafts and a diagonal 校样 watermark into
print/ (never into output/), numbers the proof, records each article's text in print/.proofs/,
and writes beside the PDF an HTML page listing the articles changed since the previous proof with
their differences marked, so that reviewers read only what changed. `serve` shows the same page
for the text as it is now, under /__xiaokan__/changes/<issue>/."""
from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import date
from html import escape, unescape
from pathlib import Path

from ..errors import ContentError
from ..i18n import _
from ..publish.output import PRINT_DIR
from ..source.markup import Body
from ..source.model import Issue, Site, reading_order

RECORDS = ".proofs"   # inside print/: the text of each proof, to compare the next one with


@dataclass(frozen=True)
class Proof:
    number: int
    pdf: Path
    changes: Path
    changed: tuple[str, ...]   # titles of the articles added or changed since the previous proof


def make_proof(root: Path, issue_id: str | None, log) -> Proof:
    """Render the proof of one issue (the newest when none is named), drafts included."""
    from ..builder import convert_articles
    from ..paper.pdf import ProofMark, print_html, render_pdf
    from ..source.content import load_site
    from ..web.render import make_environment

    site = load_site(root, drafts=True).site
    issue = _issue(site, issue_id)
    bodies = convert_articles(site)
    env = make_environment(root / "templates", site)
    folder = root / PRINT_DIR / RECORDS / issue.id
    number = 1 + max((int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()), default=0)
    today = date.today()
    mark = ProofMark(number, f"{today.year}年{today.month}月{today.day}日")
    log(_('proof {id}: rendering proof {number} with {count} articles (drafts included) …').format(id=issue.id, number=number, count=len(issue.articles)))
    rendered = render_pdf(env, site, issue, bodies, print_html(env, site, issue, bodies, mark), mark)
    texts = article_texts(site, issue, bodies)
    previous = _record(folder / f"{number - 1}.json")
    pdf = root / PRINT_DIR / f"xiaokan-{issue.id}-proof-{number}.pdf"
    changes = pdf.with_name(f"xiaokan-{issue.id}-proof-{number}-changes.html")
    pdf.parent.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(rendered.pdf)
    page, changed = changes_page(site, issue, texts, previous, f"第{number}次校样（{mark.day}）",
                                 f"第{number - 1}次校样" if previous is not None else None)
    changes.write_text(page, encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{number}.json").write_text(json.dumps({"day": mark.day, "articles": texts}, ensure_ascii=False),
                                           encoding="utf-8")
    return Proof(number, pdf, changes, changed)


def last_record(root: Path, issue_id: str) -> tuple[int, dict | None]:
    """The newest proof's number and text of an issue (0, None before the first proof)."""
    folder = root / PRINT_DIR / RECORDS / issue_id
    numbers = [int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()]
    if not numbers:
        return 0, None
    return max(numbers), _record(folder / f"{max(numbers)}.json")


def article_texts(site: Site, issue: Issue, bodies: dict[str, Body]) -> dict[str, dict]:
    """slug -> {title, paragraphs}: what a reviewer reads, in reading order."""
    return {a.slug: {"title": a.title, "paragraphs": paragraphs(bodies[a.url].html)}
            for a in reading_order(issue, site.config.sections)}


def paragraphs(html: str) -> list[str]:
    """The text of a body, a paragraph (or heading, list item, table row) a line."""
    html = re.sub(r"<(svg|details)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r"</(p|li|h[1-6]|tr|figcaption|caption|blockquote|dd|dt)>", "\n", html)
    html = re.sub(r"</t[dh]>", "　", html)
    text = unescape(re.sub(r"<[^>]+>", "", html))
    return [line.strip() for line in text.splitlines() if line.strip()]


def changes_page(site: Site, issue: Issue, now: dict, before: dict | None, this: str,
                 previous: str | None) -> tuple[str, tuple[str, ...]]:
    """The 修改对照 page: articles added, removed and changed (their differences marked)."""
    head = f"{site.config.title} {issue.title} · {this}"
    parts = [f"<h1>修改对照：{escape(head)}</h1>"]
    changed: list[str] = []
    if before is None:
        parts.append(f"<p>这是第一次校样，没有更早的校样可以对照；本期共 {len(now)} 篇文章，请全文审读。</p>")
    else:
        parts.append(f"<p>与{escape(previous or '上一次校样')}相比。只列出有改动的文章，未改动的不必再读。</p>")
        old = before.get("articles", {})
        added = [s for s in now if s not in old]
        removed = [s for s in old if s not in now]
        edited = [s for s in now if s in old and now[s] != old[s]]
        for slug in added:
            changed.append(now[slug]["title"])
            parts.append(f'<section class="added"><h2>新增：{escape(now[slug]["title"])}</h2>'
                         + "".join(f"<p><ins>{escape(p)}</ins></p>" for p in now[slug]["paragraphs"]) + "</section>")
        for slug in edited:
            changed.append(now[slug]["title"])
            title = now[slug]["title"]
            if old[slug]["title"] != title:
                title_html = f'{_inline_diff(old[slug]["title"], title)}'
            else:
                title_html = escape(title)
            parts.append(f'<section class="edited"><h2>修改：{title_html}</h2>'
                         + _paragraph_diff(old[slug]["paragraphs"], now[slug]["paragraphs"]) + "</section>")
        for slug in removed:
            parts.append(f'<section class="removed"><h2>删除：<del>{escape(old[slug]["title"])}</del></h2></section>')
        unchanged = len(now) - len(added) - len(edited)
        if not (added or edited or removed):
            parts.append("<p><strong>与上一次校样相比没有改动。</strong></p>")
        parts.append(f"<p>未改动的文章：{unchanged} 篇。</p>")
    style = ("body{font:16px/1.8 'Noto Serif CJK SC',serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}"
             "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #ccc}"
             "ins{background:#d9f7d9;text-decoration:none}del{background:#fbdada;color:#8a1c13}"
             ".same{color:#777}")
    page = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>修改对照：{escape(head)}</title>'
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")
    return page, tuple(changed)


def _paragraph_diff(old: list[str], new: list[str]) -> str:
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            continue   # (unchanged paragraphs are not shown: reviewers read only what changed)
        if op == "replace" and i2 - i1 == j2 - j1:
            out += [f"<p>{_inline_diff(a, b)}</p>" for a, b in zip(old[i1:i2], new[j1:j2])]
            continue
        out += [f"<p><del>{escape(p)}</del></p>" for p in old[i1:i2]]
        out += [f"<p><ins>{escape(p)}</ins></p>" for p in new[j1:j2]]
    return "".join(out)


def _inline_diff(old: str, new: str) -> str:
    """One paragraph, character by character: deletions struck, insertions marked."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(f'<span class="same">{escape(old[i1:i2])}</span>')
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(old[i1:i2])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return "".join(out)


def _issue(site: Site, issue_id: str | None) -> Issue:
    if issue_id is None:
        if not site.issues:
            raise ContentError(site.root / "content", None, _('there is no issue to proof'),
                               _('create one: python build.py new-issue 2024-07'))
        return site.issues[0]
    for issue in site.issues:
        if issue.id == issue_id:
            return issue
    raise ContentError(site.root / "content" / issue_id, None, _('there is no issue {issue_id!r} with articles').format(issue_id=issue_id),
                       _('name a folder of content/ that has an issue.yaml and at least one article'))


def _record(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
