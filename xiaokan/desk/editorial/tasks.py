"""The desk's long jobs (生成网站, 出校样, 发布 and 回滚, 导入Word稿), each the very function the command
line calls, run one at a time in a worker thread while the page polls their state."""
from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ...core.errors import ContentError, ContentErrors, ContentWarning, environment_error
from ...core.i18n import _
from .hints import for_desk
from .paths import relative

MAX_LINES = 200   # of a job's log kept for the page
KEEP_JOBS = 50


@dataclass
class Job:
    id: int
    kind: str
    who: str
    state: str = "queued"          # queued, running, done or failed
    lines: list[str] = field(default_factory=list)
    result: dict = field(default_factory=dict)
    problems: list[dict] = field(default_factory=list)
    started: float = field(default_factory=time.time)

    def view(self) -> dict:
        return {"id": self.id, "kind": self.kind, "who": self.who, "state": self.state, "lines": self.lines[-30:],
                "result": self.result, "problems": self.problems, "seconds": round(time.time() - self.started, 1)}


class JobRunner:
    """One worker thread: jobs run in the order asked (two builds never race for output/)."""

    def __init__(self) -> None:
        self.jobs: dict[int, Job] = {}
        self.lock = threading.Lock()
        self.queue: list[tuple[Job, Callable]] = []
        self.counter = itertools.count(1)
        self.wakeup = threading.Condition(self.lock)
        threading.Thread(target=self._work, daemon=True, name="desk-jobs").start()

    def submit(self, kind: str, who: str, work: Callable[[Job], dict]) -> Job:
        with self.lock:
            job = Job(next(self.counter), kind, who)
            self.jobs[job.id] = job
            for old in sorted(self.jobs)[:-KEEP_JOBS]:
                del self.jobs[old]
            self.queue.append((job, work))
            self.wakeup.notify()
        return job

    def get(self, job_id: int) -> Job | None:
        with self.lock:
            return self.jobs.get(job_id)

    def _work(self) -> None:
        while True:
            with self.lock:
                while not self.queue:
                    self.wakeup.wait()
                job, work = self.queue.pop(0)
                job.state = "running"
            try:
                job.result = work(job) or {}
                job.state = "done"
            except ContentErrors as exc:
                job.problems += [problem(e) for e in exc.errors]
                job.state = "failed"
            except ContentError as exc:
                job.problems.append(problem(exc))
                job.state = "failed"
            except OSError as exc:
                job.problems.append(problem(environment_error(exc)))
                job.state = "failed"
            except Exception as exc:   # noqa: BLE001 — a failed job must not end the preview
                job.problems.append({"text": _('the job stopped: {exc}').format(exc=exc), "path": None, "line": None})
                job.state = "failed"


def problem(item, kind: str = "error") -> dict:
    """An error or warning for the page: its text as `check` prints it, and the article it concerns."""
    if isinstance(item, (ContentError, ContentWarning)):
        item = for_desk(item)
    path = Path(item.path) if item.path is not None else None
    rel = None
    if path is not None and path.suffix.lower() in (".md", ".markdown") and len(path.parts) >= 2:
        rel = f"{path.parent.name}/{path.name}"
    text = item.render()
    issue = path.parent.name if path is not None and path.name == "issue.yaml" else None   # (the page offers 刊期设置)
    return {"text": (_("error: ") + text) if kind == "error" else text, "path": rel, "line": item.line, "kind": kind,
            "issue": issue}


def logger(job: Job) -> Callable[[str], None]:
    def log(line: str) -> None:
        job.lines.append(str(line))
        del job.lines[:-MAX_LINES]
    return log


BUILT = Path(".desk") / "built"   # touched when the desk's 生成网站 ends (a build with nothing to do writes nothing),
# holding site_look() of the site.yaml that build read and when it left output/index.html


def build_site(root: Path, job: Job) -> dict:
    """生成网站: `build.py build`, then what it made (the PDFs and the 数字报 of each issue)."""
    from ...builder import BuildOptions, build

    started, look = time.time(), site_look(root)
    report = build(root, BuildOptions(stages=True), logger(job))   # (each stage in the page's log as it begins)
    (root / BUILT).parent.mkdir(parents=True, exist_ok=True)
    (root / BUILT).write_text(f"{look}\n{_mtime(root / 'output' / 'index.html')}", encoding="utf-8")
    os.utime(root / BUILT, (started, started))
    job.problems += [problem(w, w.kind) for w in report.warnings]
    issues = report.site.issues if report.site else ()
    return {"summary": _("built {issues} issue(s), {articles} articles, {pages} pages in {seconds:.1f} s").format(
                issues=report.issues, articles=report.articles, pages=report.pages, seconds=report.seconds),
            "issues": [{"id": i.id, "title": i.title, "pdf": f"print/{i.pdf_name}" if (root / "print" / i.pdf_name).is_file() else None,
                        "site": f"site/{i.id}/", "edition": f"site/edition/{i.id}/"
                        if (root / "output" / "edition" / i.id).is_dir() else None} for i in issues]}


def newer_than_site(root: Path, limit: int = 10) -> tuple[int, list[str]]:
    """The files saved since output/ was last built (content/, site.yaml, templates/, assets/): what 发布
    would leave out. (How many, and the first few, content/ ones by their path there.)"""
    built = max([_mtime(root / "output" / "index.html"), _mtime(root / BUILT)])
    found = []
    for folder in ("content", "templates", "assets"):
        base = root / folder
        for path in sorted(base.rglob("*")) if base.is_dir() else []:
            rel = path.relative_to(root)
            if path.is_file() and not any(part.startswith(".") for part in rel.parts) and _mtime(path) > built:
                found.append(path.relative_to(base).as_posix() if folder == "content" else rel.as_posix())
    if _mtime(root / "site.yaml") > built and not _same_site_look(root):
        found.append("site.yaml")
    return len(found), found[:limit]


def site_look(root: Path) -> str:
    """What of site.yaml can change the website: all of it but the `deploy:` group (where and how 发布
    uploads), as YAML reads it, so a comment or a deploy setting is no change ('' when it cannot be read: then any change counts)."""
    import hashlib
    import json

    from ...source import config
    from ...source.yamlfile import parse_yaml, read_text, tidy_yaml

    keys = config.TOP_KEYS | config.SECTION_KEYS | config.PRINT_KEYS | config.FOOTER_KEYS | config.DEPLOY_KEYS
    try:
        text = read_text(root / "site.yaml")
        data = parse_yaml(tidy_yaml(text, keys), root / "site.yaml")
    except (OSError, ContentError):
        return ""
    if isinstance(data, dict):
        data = {key: value for key, value in data.items() if key != "deploy"}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def _same_site_look(root: Path) -> bool:
    """Is site.yaml, as far as the website goes, what the desk's last 生成网站 read (and no later build came)?"""
    try:
        recorded = (root / BUILT).read_text(encoding="utf-8")
    except OSError:
        return False
    return recorded == f"{site_look(root)}\n{_mtime(root / 'output' / 'index.html')}" and not recorded.startswith("\n")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def proof(root: Path, issue_id: str, job: Job) -> dict:
    """出校样: `build.py pdf <issue> --proof`."""
    from ..proof import make_proof

    made = make_proof(root, issue_id, logger(job))
    return {"number": made.number, "pdf": f"print/{made.pdf.name}", "changes": f"print/{made.changes.name}",
            "changed": list(made.changed)}


def _title_of(root: Path, rel: str) -> str:
    """The 标题 of an article already there (the one a Word file was imported as before), as the board
    shows it: the report links it by name, not by an empty link."""
    from ...source.yamlfile import read_text
    from . import frontmatter

    path = root / "content" / rel
    try:
        fields = frontmatter.parse(read_text(path), path).fields or {}
    except (ContentError, OSError):
        fields = {}
    return str(fields.get("title") or path.stem)


def import_word(root: Path, staged: list[Path], issue_id: str, section: str, who: str, job: Job,
                replace: bool = False, separate: bool = False) -> dict:
    """导入Word稿: `build.py import` (`--replace`, `--separate` when asked), then each report item linked to
    its line in the new article. A file that cannot be imported is listed with its reason; the others go
    on. A file that may be a new version of a draft (wordimport.Held) stays staged, and its item offers
    the editor's two choices (替换, 另存为新稿: the same import again, with its staged token); a draft
    replaced keeps its earlier text in 历史版本."""
    from ..wordimport import Held, ImportFailure, import_documents
    from . import history, review

    results: list = []
    try:
        results = import_documents(root, staged, issue_id, section, replace=replace, separate=separate,
                                   keep=lambda path: history.keep_with_pictures(root, relative(root, path), who))
    finally:
        held = {r.source for r in results if isinstance(r, ImportFailure) and isinstance(r.error, Held)}
        for path in staged:
            if path not in held:   # (one held waits for the editor's choice, or for uploads.STAGED_HOURS)
                shutil.rmtree(path.parent, ignore_errors=True)
    items, failed = [], []
    for result in results:
        if isinstance(result, ImportFailure) and isinstance(result.error, Held) and result.error.article:
            rel = relative(root, result.error.article)   # (the draft it may be a new version of)
            items.append({"path": rel, "title": _title_of(root, rel), "notes": [], "held": True,
                          "summary": _("{source}: {message}").format(source=result.source.name, message=result.error.message),
                          "hint": _("if this file is a revised version of the one imported before, choose 替换原来的草稿 (the "
                                    "draft's text now stays in 历史版本, where it can be restored); if it is another "
                                    "document that happens to have the same file name, choose 另存为新稿")
                          if getattr(result.error, "by", "name") == "name" else
                          _("choose 替换 to put this file in place of that draft (its text now stays in 历史版本, "
                            "where it can be restored), or 另存为新稿 to import it as a draft of its own"),
                          "source": result.source.name, "staged": result.source.parent.name})
            continue
        if isinstance(result, ImportFailure):   # named by the file the editor chose, not its staging copy
            error = result.error
            failed.append(ContentError(result.source.name, error.line if error.path == result.source else None,
                                       error.message, error.hint))
            continue
        rel = relative(root, root / result.article)
        if result.skipped:   # (替换以前导入的草稿 offered only where it would work: a draft of this issue)
            summary = _("{source}: imported before as {article}; nothing was imported (to replace that draft with this "
                        "file, import it again with 替换以前导入的草稿 ticked)").format(source=result.source.name, article=rel) \
                if getattr(result, "replaceable", True) or not hasattr(result, "before") else result.before()
            if getattr(result, "elsewhere", None) and not getattr(result, "published", True):   # (the desk's buttons)
                summary = _("{source}: imported before into issue {issue}, as the draft {article}; nothing was imported "
                            "(if it belongs in this issue, open that draft and press 移到另一期, choosing this issue, "
                            "or 删除 it; then import again)").format(source=result.source.name, issue=result.elsewhere,
                                                                  article=rel)
            items.append({"path": rel, "title": result.title or _title_of(root, rel), "summary": summary, "notes": [],
                          "before": True})
            continue
        lines = result.lines()
        text = (root / result.article).read_text(encoding="utf-8")
        review.forget(root, rel)   # (a new draft: what a deleted article at its path passed is not its own)
        said = _("imported from {name}, in place of the earlier text") if result.replaced else _("imported from {name}")
        history.record(root, rel, text.encode("utf-8"), who, said.format(name=result.source.name))
        items.append({"path": rel, "title": result.title, "summary": lines[0],
                      "notes": [{"text": line.strip(), "line": _line_for(text, line)} for line in lines[1:]]})
    if failed and not items:
        raise ContentErrors(failed)
    job.problems += [problem(error) for error in failed]
    return {"articles": items, "issue": issue_id, "section": section}   # (a held file's choice imports it again)


def _line_for(text: str, note: str) -> int | None:
    """The article's line a report note is about: one that holds a name or a quoted text of the note."""
    candidates = re.findall(r"([\w.-]+\.(?:jpe?g|png|gif|webp|csv))|“([^”]+)”|「([^」]+)」|'([^']+)'", note)
    words = [w for group in candidates for w in group if len(w) > 1]
    words += re.findall(r"[\u3400-\u9fff]{6,}", note.split(":", 1)[-1])[:2]
    for number, line in enumerate(text.split("\n"), start=1):
        if any(w in line for w in words):
            return number
    return None
