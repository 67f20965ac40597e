"""An article's front matter as the desk's form sees it, and changes written back line by line, so
that the editor's own key names, comments and unknown keys stay as they were.

Every value the form writes is written so that YAML reads back exactly that text: plain when it is a
safe plain scalar, else in double quotes with YAML's escapes (a tag `@校团委`, `*重要*`, `a: b`, `[x]`
or `#x` would otherwise break the front matter or add a setting of its own). The form's fields are
one line each: a line break typed or pasted into one becomes a space."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from ...core.errors import ContentError
from ...source.frontmatter import ARTICLE_KEYS, split_front_matter
from ...source.frontmatter import one_line as loaded_line
from ...source.yamlfile import ZERO_WIDTH, EditorLoader, parse_flag, parse_yaml, tidy_yaml
from ..scaffold import quoted_yaml, shown_width, yaml_text

# The form's fields in the site's vocabulary: (name in the model, key written for a new line). Every key
# of the article settings (frontmatter.ARTICLE_KEYS) is one.
FIELDS = (("title", "标题"), ("subtitle", "副标题"), ("section", "栏目"), ("date", "日期"), ("author", "作者"),
          ("source", "来源"), ("photographer", "摄影"), ("summary", "摘要"), ("tags", "标签"), ("headline", "头条"),
          ("draft", "草稿"), ("order", "排序"), ("slug", "地址"))
FLAGS = frozenset({"headline", "draft"})
NAMES = frozenset({"author", "photographer"})   # (names: a list in YAML, one line 张三、李四 in the form)
# What a YAML file may not hold raw (YAML's c-printable): in double quotes it is written as an escape.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_KEY = re.compile(r"^([^\s#:：\-][^:：]*?)\s*[:：]")
_WITH_COMMENT = re.compile(r"""^([^:：]+[:：])\s*?("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^"'#\n]*?)(\s+#.*)?$""")


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
        if name is not None and not _fits(name, value):   # (the build refuses it: edited as text, never expanded)
            return Parsed(None, text, 1, "")
        if name is not None:
            fields[name] = _form_value(name, value)
    return Parsed(fields, body, body_line, front)


def _fits(name: str, value) -> bool:
    """Is the value of the shape the build reads (one text; for names and 标签 also a list of texts)? A
    list or group where text belongs (aliases can make it one of millions) is not."""
    items = value if isinstance(value, list) and (name in NAMES or name == "tags") else [value]
    return not any(isinstance(item, (list, dict)) for item in items)


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
    if name in NAMES and isinstance(value, list):
        return "、".join(str(v) for v in value if v not in (None, ""))
    return "" if value is None else str(value)


def one_line(text) -> str:
    """A field's text as one line: line breaks become spaces, control characters go, the ends are
    trimmed (the loader's own rule)."""
    return loaded_line(str(text if text is not None else ""))


def scalar(text: str, in_list: bool = False) -> str:
    """text as a YAML value that reads back as exactly text: plain when YAML would read it so (in a
    list [a, b] also without , [ ] { }), else double-quoted with YAML's escapes."""
    if text != "<<" and not ZERO_WIDTH.search(text) and not _NOT_PRINTABLE.search(text) \
            and not (in_list and re.search(r"[,\[\]{}]", text)):
        return yaml_text(text, in_list)
    return quoted_yaml(text)


def compose(front: str, changes: dict, body: str) -> str:
    """The article's text with the changed fields written into its front matter text. The form sends
    every field: one whose value is what the front matter says already keeps its line as it is
    (spacing, quotes, comment), so that a save changes only what the editor changed."""
    lines = front.split("\n") if front else []
    now = parse("---\n" + front + "\n---\n", Path("article.md")).fields or {}
    for name, written in FIELDS:
        if name not in changes:
            continue
        value = _yaml_value(name, changes[name])
        if value == _yaml_value(name, now.get(name)):
            continue
        index = _line_of(lines, name)
        if index is None:
            if value not in ("", "false", "[]"):   # (an unset flag or list stays unwritten)
                lines.append(f"{written}: {value}")
            continue
        lines[index:value_end(lines, index)] = [replaced(lines[index], value)]
    return "---\n" + "\n".join(lines) + "\n---\n" + body


def _line_of(lines: list[str], name: str) -> int | None:
    for i, line in enumerate(lines):
        m = _KEY.match(line)
        if m and ARTICLE_KEYS.get(m.group(1).strip()) == name:
            return i
    return None


def value_end(lines: list[str], index: int, keys: frozenset[str] = frozenset(ARTICLE_KEYS)) -> int:
    """The line after the last of the value whose key is on line index, as YAML reads it: a block list,
    a `|` or `>` text with blank lines between its paragraphs, a quoted text continued on the next lines
    all go with their key (replacing the key's line alone left their other lines behind, in the new value
    or as a front matter the build could not read). Comments and blank lines after the value stay."""
    try:
        root = yaml.compose(tidy_yaml("\n".join(lines), keys), Loader=EditorLoader)
    except yaml.YAMLError:
        root = None
    pairs = root.value if isinstance(root, yaml.MappingNode) else []
    value = next((v for k, v in pairs if k.start_mark.line == index), None)
    if value is None:   # (not found as YAML reads it: the key's line and the indented lines under it)
        end = index + 1
        while end < len(lines) and lines[end].startswith((" ", "\t", "-")) and lines[end].strip():
            end += 1
        return end
    end = value.end_mark.line + (1 if value.end_mark.column > 0 else 0)
    while end > index + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1   # (a block value ends where the next key starts: the comments before that key are not its)
    return max(end, index + 1)


def replaced(line: str, value: str, aligned: bool = False) -> str:
    """key: value, keeping the editor's key as written and a comment after the old value (plain, quoted or none),
    with the spaces before it; aligned, at its column instead (issue.yaml's template aligns its comments), a
    space at least."""
    m = _WITH_COMMENT.match(line)
    key = _KEY.match(line).group(0).rstrip()
    comment = m.group(3) if m and m.group(3) else ""
    if not (aligned and comment):
        return f"{key} {value}{comment}".rstrip() if value != "" else f"{key}{comment}"
    head = f"{key} {value}" if value != "" else key
    column = shown_width(line[:m.start(3)]) + len(comment) - len(comment.lstrip())
    return head + " " * max(column - shown_width(head), 1) + comment.lstrip()


def _yaml_value(name: str, value) -> str:
    if name in FLAGS:
        return "true" if value is True or str(value).lower() in ("true", "是", "1", "on") else "false"
    if name == "tags":
        items = value if isinstance(value, list) else re.split(r"[、,，;；]\s*", str(value or ""))
        items = [one_line(v) for v in items]
        return "[" + ", ".join(scalar(v, in_list=True) for v in items if v) + "]"
    text = one_line(value)
    return scalar(text) if text else ""
