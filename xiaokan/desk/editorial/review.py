"""三审: an article goes 草稿 → 初审 → 复审 → 终审, each step a button that records who took it and
when, in .desk/review.json beside the project (not in the article: the loader would warn about a key
it does not know). 终审 clears 草稿 in the article itself, so the next build publishes it.

A review belongs to the text it passed: each record keeps a signature of the article (its settings
but 排序, 栏目 and 草稿, and its text). An article whose text changed since (in the desk, in Notepad, or
a new article at a deleted one's path) must be reviewed again from 初审: it is 需重审 on the board and
its page alike, with who changed it and when (the desk's own save records both; a change outside the
desk has the file's time). One that is not a draft stays published (the build knows nothing of 三审):
the desk says so, and 退回 makes it a draft. Who may change what: 草稿 (either way), and anything of an
article that is not a draft, only the role that may take 终审."""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ...core.errors import ContentError
from ...core.i18n import _
from ...source.frontmatter import article_draft
from ...source.placeholder import placeholder_lines, placeholder_message
from ...source.yamlfile import read_text
from . import articles, frontmatter
from .accounts import may

REVIEW_FILE = Path(".desk") / "review.json"
STEPS = ("初审", "复审", "终审")
ARRANGEMENT = frozenset({"order", "section", "draft"})   # (moving an article, or 终审 itself, is no change of its text)
_lock = threading.Lock()


@dataclass(frozen=True)
class Review:
    steps: list[dict]         # [{'step': '初审', 'by': '张三', 'at': '2024-07-03 10:20'}, …] of the text as it is
    reset: dict | None        # {'by', 'at', 'steps'}: the steps the text's change made void, who and when


def records(root: Path) -> dict[str, dict]:
    """'2024-07/01-first.md' -> {'steps': [...], 'sign': …, 'reset': …} as written (an older file's list of steps
    is read as steps with no signature: they count)."""
    path = root / REVIEW_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {rel: {"steps": entry} if isinstance(entry, list) else entry for rel, entry in data.items()
            if isinstance(entry, (list, dict))}


def signature(text: str) -> str:
    """What a review passed: the article's settings (but its place and 草稿) and its text."""
    parsed = frontmatter.parse(text, Path("article.md"))
    if parsed.fields is None:
        return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
    kept = {k: v for k, v in parsed.fields.items() if k not in ARRANGEMENT}
    return hashlib.sha256(json.dumps([kept, parsed.body], ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def review_of(entry: dict | None, text: str | None, changed_at: str = "") -> Review:
    """The review of an article's text (None: the file is gone, and its review with it); changed_at:
    when the file was last written, the time of a change made outside the desk."""
    if entry is None or text is None:
        return Review([], None)
    steps = [s for s in entry.get("steps", []) if isinstance(s, dict) and s.get("step") in STEPS]
    reset = entry.get("reset") if isinstance(entry.get("reset"), dict) else None
    sign = entry.get("sign")
    if steps and sign is not None and sign != signature(text):   # (changed outside the desk, or a new file)
        return Review([], {"by": "", "at": changed_at, "steps": [s["step"] for s in steps]})
    return Review(steps, None if steps else reset)


def current(root: Path, rel: str) -> Review:
    path = root / "content" / rel
    return review_of(records(root).get(rel), read_text(path) if path.is_file() else None, file_time(path))


def shown(root: Path, rel: str) -> dict:
    """What the article's page shows of its review, in the board's words: steps, reset, state, draft."""
    path = articles.existing(root, rel)
    text = read_text(path)   # (read once: the review and the draft flag are of the same text)
    review, draft = review_of(records(root).get(rel), text, file_time(path)), _draft(text)
    return {"steps": review.steps, "reset": review.reset, "state": state(draft, review), "draft": draft}


def file_time(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return ""


def state(draft: bool, review: Review) -> str:
    """The board's word for an article: 草稿, 待审 (in review), 需重审 (its text changed after a step,
    whether a draft or not), 已定稿 (passed 终审) or 未经三审 (not a draft, yet never through 终审)."""
    if review.reset:
        return "需重审"
    if draft:
        return "待审" if review.steps else "草稿"
    return "已定稿" if any(s["step"] == "终审" for s in review.steps) else "未经三审"


def advance(root: Path, rel: str, step: str, who: str, role: str) -> list[dict]:
    """Take the next step of 三审 (or 退回: back to 草稿); the article's records after it."""
    path = articles.existing(root, rel)
    if step not in (*STEPS, "退回"):
        raise ContentError(None, None, _('{step!r} is not a review step').format(step=step))
    if not may(role, step):
        raise PermissionError(_('a {role} may not do {step}').format(role=role, step=step))
    with _lock:
        data = records(root)
        text = read_text(path)
        done = review_of(data.get(rel), text).steps
        if step == "退回":
            data.pop(rel, None)
        else:
            expected = STEPS[len(done)] if len(done) < len(STEPS) else None
            if step != expected:
                raise ContentError(None, None, _('{step} comes after {before}').format(step=step, before=expected)
                                   if expected and STEPS.index(step) > len(done)
                                   else _('this article has passed {step} already').format(step=step))
            if step == "终审":
                _refuse_placeholder(text, path)
            data[rel] = {"steps": done + [{"step": step, "by": who, "at": _now()}], "sign": signature(text)}
        if step in ("终审", "退回"):
            articles.update_fields(root, rel, {"draft": step == "退回"}, who, step)
        _write(root, data)
    return data.get(rel, {}).get("steps", [])


def may_change(path: Path, old_text: str, new_text: str, role: str) -> None:
    """PermissionError unless the role may make this change: 草稿 changed (either way), or an article
    that is not a draft changed, needs the role that may take 终审. Both texts are read as the build
    reads them (new_text: the bytes to be written, as read_text reads them); a new text whose front
    matter the build cannot read would stop 生成网站 for all, so only that role may save it
    (ContentError at its line)."""
    if may(role, "终审"):
        return
    try:
        after = article_draft(new_text, path)
    except ContentError as exc:
        why = _('until this is fixed 生成网站 stops for everyone, so only the 主编 may save it so: fix it and save again')
        raise ContentError(exc.path, exc.line, exc.message, f"{exc.hint}\n    → {why}" if exc.hint else why) from None
    before = _draft(old_text)
    if before != after:
        raise PermissionError(_('a {role} may not change 草稿: 终审 publishes an article, 退回 makes it a draft again '
                                '(the 主编 does 终审)').format(role=role))
    if not before:
        raise PermissionError(_('this article is published (草稿: false): a {role} may not change it; ask the 主编, '
                                'or to revise it, the 主编 or a 审核 can 退回 it to a draft').format(role=role))


def changed(root: Path, rel: str, old_text: str, new_text: str, who: str) -> None:
    """After the desk wrote a new text: an article whose reviewed text changed must be reviewed again;
    who changed it, and when, is kept for the board."""
    if signature(old_text) == signature(new_text):
        return
    with _lock:
        data = records(root)
        review = review_of(data.get(rel), old_text)
        if not review.steps:
            return
        data[rel] = {"steps": [], "reset": {"by": who, "at": _now(), "steps": [s["step"] for s in review.steps]}}
        _write(root, data)


def forget(root: Path, rel: str) -> None:
    """A new article at this path starts unreviewed (a deleted article's records are not its own)."""
    with _lock:
        data = records(root)
        if data.pop(rel, None) is not None:
            _write(root, data)


def moved(root: Path, old: str, new: str, old_text: str, new_text: str) -> None:
    """An article moved to another path (移到另一期) keeps its review: the record goes with it (its text,
    where only its pictures' names changed with it, signed again when the review held for the old text)."""
    with _lock:
        data = records(root)
        entry = data.pop(old, None)
        if entry is None:
            return
        if entry.get("sign") == signature(old_text):
            entry = {**entry, "sign": signature(new_text)}
        data[new] = entry
        _write(root, data)


def prune(root: Path, data: dict) -> None:
    """Forget the records of articles that are gone (read from data, as records() gave it)."""
    if any(not (root / "content" / rel).is_file() for rel in data):
        with _lock:
            _write(root, records(root))


def _refuse_placeholder(text: str, path: Path) -> None:
    """终审 publishes the article: not while its text still holds the example text of a new article."""
    parsed = frontmatter.parse(text, path)
    found = placeholder_lines(parsed.body)
    if found:
        line = parsed.body_line + found[0]
        raise ContentError(path, line, placeholder_message(line),
                           _('终审 publishes the article as it is: fix it and take 终审 again'))


def _draft(text: str) -> bool:
    """Is the text a draft's, as the build reads it? A front matter it cannot read is not published either."""
    try:
        return article_draft(text, Path("article.md"))
    except ContentError:
        return True


def _now() -> str:
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def _write(root: Path, data: dict) -> None:
    path = root / REVIEW_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {rel: entry for rel, entry in data.items() if (root / "content" / rel).is_file()}   # (the gone are forgotten)
    articles.write_atomic(path, json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8"))
