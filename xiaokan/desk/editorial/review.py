"""三审: an article goes 草稿 → 初审 → 复审 → 终审, each step a button that records who took it and
when, in .desk/review.json beside the project (not in the article: the loader would warn about a key
it does not know). 终审 clears 草稿 in the article itself, so the next build publishes it."""
from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path

from ...errors import ContentError
from ...i18n import _
from . import articles
from .accounts import may
from .paths import article_path

REVIEW_FILE = Path(".desk") / "review.json"
STEPS = ("初审", "复审", "终审")
_lock = threading.Lock()


def records(root: Path) -> dict[str, list[dict]]:
    """'2024-07/01-first.md' -> [{'step': '初审', 'by': '张三', 'at': '2024-07-03 10:20'}, …]."""
    path = root / REVIEW_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def state(draft: bool, steps: tuple[str, ...], published: bool) -> str:
    """The board's word for an article: 草稿, 待审 (in review), 已审 (passed 终审 or not a draft), 已发布
    (its page is in the built site)."""
    if draft:
        return "待审" if steps else "草稿"
    return "已发布" if published else "已审"


def advance(root: Path, rel: str, step: str, who: str, role: str) -> list[dict]:
    """Take the next step of 三审 (or 退回: back to 草稿); the article's records after it."""
    article_path(root, rel)
    if step not in (*STEPS, "退回"):
        raise ContentError(None, None, _('{step!r} is not a review step').format(step=step))
    if not may(role, step):
        raise PermissionError(_('a {role} may not do {step}').format(role=role, step=step))
    with _lock:
        data = records(root)
        done = data.get(rel, [])
        if step == "退回":
            data.pop(rel, None)
        else:
            expected = STEPS[len(done)] if len(done) < len(STEPS) else None
            if step != expected:
                raise ContentError(None, None, _('{step} comes after {before}').format(step=step, before=expected)
                                   if expected and STEPS.index(step) > len(done)
                                   else _('this article has passed {step} already').format(step=step))
            data[rel] = done + [{"step": step, "by": who, "at": datetime.now().strftime("%Y-%m-%d %H:%M")}]
        if step in ("终审", "退回"):
            articles.update_fields(root, rel, {"draft": step == "退回"}, who, step)
        _write(root, data)
    return data.get(rel, [])


def _write(root: Path, data: dict) -> None:
    path = root / REVIEW_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    articles.write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
