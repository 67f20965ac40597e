"""An article's front matter as the desk's form sees it, and changes written back line by line, so
that the editor's own key names, comments and unknown keys stay as they were."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import ContentError
from ...source.content import ARTICLE_KEYS, split_front_matter
from ...source.yamlfile import parse_flag, parse_yaml, tidy_yaml
from ..scaffold import yaml_text

# The form's fields in the site's vocabulary: (name in the model, key written for a new line).
FIELDS = (("title", "标题"), ("subtitle", "副标题"), ("section", "栏目"), ("date", "日期"), ("author", "作者"),
          ("source", "来源"), ("summary", "摘要"), ("tags", "标签"), ("headline", "头条"), ("draft", "草稿"),
          ("order", "排序"))
FLAGS = frozenset({"headline", "draft"})
_KEY = re.compile(r"^([^\s#:：\-][^:：]*?)\s*[:：]")
_PLAIN_WITH_COMMENT = re.compile(r"^([^:：]+[:：])\s*([^\"'#\n]*?)(\s+#.*)?$")


@dataclass(frozen=True)
class Parsed:
    """An article file split for the form: fields (None when the front matter cannot be read), the
    body and the line where it starts."""
    fields: dict | None
    body: str
    body_line: int
    front: str


def parse(text: str, path: Path) -> Parsed:
    """The form's values of an article's text; a front matter that cannot be read gives fields None
    (the editor then edits the whole file as text)."""
    try:
        front, body, body_line = split_front_matter(text, path)
        raw = parse_yaml(tidy_yaml(front, frozenset(ARTICLE_KEYS)), path, first_line=2) or {}
    except ContentError:
        return Parsed(None, text, 1, "")
    if not isinstance(raw, dict):
        return Parsed(None, text, 1, "")
    fields: dict = {}
    for key, value in raw.items():
        name = ARTICLE_KEYS.get(str(key).strip())
        if name is not None:
            fields[name] = _form_value(name, value)
    return Parsed(fields, body, body_line, front)


def _form_value(name: str, value):
    if name in FLAGS:
        try:
            return bool(parse_flag(value, name, Path(), None))
        except ContentError:
            return False
    if name == "tags":
        if isinstance(value, list):
            return [str(v) for v in value if v not in (None, "")]
        return [p for p in re.split(r"[、,，;；]\s*|\s+", str(value or "")) if p]
    return "" if value is None else str(value)


def compose(front: str, changes: dict, body: str) -> str:
    """The article's text with the changed fields written into its front matter text."""
    lines = front.split("\n") if front else []
    for name, written in FIELDS:
        if name not in changes:
            continue
        value = _yaml_value(name, changes[name])
        index = _line_of(lines, name)
        if index is None:
            if value not in ("", "false", "[]"):   # (an unset flag or list stays unwritten)
                lines.append(f"{written}: {value}")
            continue
        end = index + 1
        while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) and lines[end].strip()):
            end += 1   # (a block list under the key goes with it)
        lines[index:end] = [_replaced(lines[index], value)]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def _line_of(lines: list[str], name: str) -> int | None:
    for i, line in enumerate(lines):
        m = _KEY.match(line)
        if m and ARTICLE_KEYS.get(m.group(1).strip()) == name:
            return i
    return None


def _replaced(line: str, value: str) -> str:
    """key: value, keeping the editor's key and a comment after a plain value."""
    m = _PLAIN_WITH_COMMENT.match(line)
    key = _KEY.match(line).group(1).strip()
    comment = m.group(3) if m and m.group(3) else ""
    return f"{key}: {value}{comment}".rstrip() if value != "" else f"{key}:{comment}"


def _yaml_value(name: str, value) -> str:
    if name in FLAGS:
        return "true" if value is True or str(value).lower() in ("true", "是", "1", "on") else "false"
    if name == "tags":
        items = value if isinstance(value, list) else re.split(r"[、,，;；]\s*", str(value or ""))
        items = [str(v).strip() for v in items if str(v).strip()]
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) if re.search(r"[,\[\]{}:#'\"]", v) else v
                               for v in items) + "]"
    text = " ".join(str(value if value is not None else "").split())   # (one line: the form has no newlines)
    return yaml_text(text) if text else ""
