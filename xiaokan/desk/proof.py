"""校样: proof PDFs for review (三审三校) and the 修改对照 page of what changed since the last proof.

`build.py pdf 2024-07 --proof` renders the issue with its drafts and a diagonal 校样 watermark into
print/ (never into output/), numbers the proof, records what each article prints in print/.proofs/ (proofrecord.py),
and writes beside the PDF an HTML page listing the articles changed since the previous proof with
their differences marked (proofchanges.py), so that reviewers read only what changed. `serve` shows the same page
for the text as it is now, under /__xiaokan__/changes/<issue>/."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.errors import ContentError, ContentErrors
from ..core.i18n import _
from ..publish.output import PRINT_DIR
from ..source.model import Issue, Site
from .proofchanges import changes_page
from .proofrecord import ProofRecord, RecordDamaged, printed_articles, read_record, record_json

RECORDS = ".proofs"   # inside print/: what each proof printed, to compare the next one with
_NUMBERED = re.compile(r"(\d+)\.json(\.damaged(-\d+)?)?")   # 3.json, and 3.json.damaged set aside


@dataclass(frozen=True)
class Proof:
    number: int
    pdf: Path
    changes: Path
    changed: tuple[str, ...]   # titles of the articles added or changed since the previous proof


@dataclass(frozen=True)
class LastProof:
    """The newest proof's record of an issue."""
    number: int                    # 0 before the first proof
    record: ProofRecord | None     # None before the first proof, and when its record is damaged
    damaged: Path | None = None    # the record that could not be read


def make_proof(root: Path, issue_id: str | None, log) -> Proof:
    """Render the proof of one issue (the newest when none is named), drafts included. The PDF, the
    修改对照 page and the record appear whole or not at all (each is written under a temporary name
    and renamed), so a full disk never leaves a truncated proof under its final name."""
    from ..bodies import convert_articles
    from ..paper.pdf import ProofMark, print_html, render_pdf
    from ..source.content import load_site
    from ..source.references import photo_problems
    from ..web.render import make_environment

    site = load_site(root, drafts=True).site
    issue = _issue(site, issue_id)
    bodies = convert_articles(site)
    if broken := [p for article in issue.articles for p in photo_problems(article, bodies[article.url], root)]:
        raise ContentErrors(broken)   # (a drafts' photo that is no picture: said at its line, not by the press step)
    env = make_environment(root / "templates", site)
    folder = root / PRINT_DIR / RECORDS / issue.id
    last = last_proof(root, issue.id, {a.slug: a.source.name for a in issue.articles})
    number = 1 + max(_used_numbers(root, issue.id), default=0)
    today = date.today()
    mark = ProofMark(number, f"{today.year}年{today.month}月{today.day}日")
    log(_('proof {id}: rendering proof {number} with {count} articles (drafts included) …').format(id=issue.id, number=number, count=len(issue.articles)))
    rendered = render_pdf(env, site, issue, bodies, print_html(env, site, issue, bodies, mark), mark)
    now = printed_articles(site, issue, bodies)
    pdf = root / PRINT_DIR / f"xiaokan-{issue.id}-proof-{number}.pdf"
    changes = pdf.with_name(f"xiaokan-{issue.id}-proof-{number}-changes.html")
    page, changed = changes_page(site, issue, now, last.record, f"第{number}次校样（{mark.day}）",
                                 f"第{last.number}次校样" if last.record is not None else None, last.damaged is not None)
    if last.damaged is not None:   # (only now: a proof that fails to render leaves the records as they were)
        kept = _set_aside(last.damaged)
        log(_("{path}: the record of the last proof is damaged; this proof is treated as the first (the record is kept as {name})")
            .format(path=_shown(root, last.damaged), name=kept.name if kept else last.damaged.name))
    _write_whole(pdf, rendered.pdf)
    _write_whole(changes, page.encode("utf-8"))
    _write_whole(folder / f"{number}.json", record_json(mark.day, now).encode("utf-8"))   # (last: it says the proof exists)
    return Proof(number, pdf, changes, changed)


def last_proof(root: Path, issue_id: str, file_of: dict[str, str] | None = None) -> LastProof:
    """The newest proof's number and record of an issue; a damaged record is named, not read.
    file_of (web address -> file name) reads a record of an older version, keyed by address."""
    folder = root / PRINT_DIR / RECORDS / issue_id
    try:
        numbers = [int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit() and p.stem.isascii()]
    except OSError:
        numbers = []
    if not numbers:
        return LastProof(0, None)
    path = folder / f"{max(numbers)}.json"
    try:
        return LastProof(max(numbers), read_record(path, file_of))
    except RecordDamaged:
        return LastProof(max(numbers), None, path)


def _used_numbers(root: Path, issue_id: str) -> list[int]:
    """Numbers taken by a record (kept or set aside) or a proof PDF: a new proof never replaces one."""
    pdf_name = re.compile(rf"xiaokan-{re.escape(issue_id)}-proof-(\d+)\.pdf")
    found = []
    for folder, pattern in ((root / PRINT_DIR / RECORDS / issue_id, _NUMBERED), (root / PRINT_DIR, pdf_name)):
        try:
            names = [p.name for p in folder.iterdir()]
        except OSError:
            continue
        found += [int(m.group(1)) for name in names if (m := pattern.fullmatch(name)) and m.group(1).isascii()]
    return found


def _set_aside(path: Path) -> Path | None:
    """Rename a damaged record out of the way (never delete it: it may be worth a look)."""
    for n in range(1, 1000):
        aside = path.with_name(path.name + (".damaged" if n == 1 else f".damaged-{n}"))
        if not aside.exists():
            try:
                path.rename(aside)
            except OSError:
                return None   # (it stays: the new proof's number is above it, and it is not read again as the newest)
            return aside
    return None


def _write_whole(path: Path, data: bytes) -> None:
    """Write a file under a temporary name and rename it: the file is whole, or it is as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _shown(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


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
