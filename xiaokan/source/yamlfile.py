"""Reading YAML that editors wrote: decoding, friendly fixes, and errors with line numbers."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from ..core.errors import ContentError, display_path
from ..core.i18n import _
from ..core.reasons import explain_exception
from .yamlerrors import DuplicateKey, explain

# Editors on Windows save in UTF-8 with a BOM, or in GBK from older tools; CRLF endings are common.
FALLBACK_ENCODINGS = ("gb18030",)


def read_text(path: Path) -> str:
    """The file's text with BOM and CRLF removed; a clear error if it cannot be read or is not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:   # (no permission to read it: the build said 没有写入这里的权限)
        raise ContentError(path, None, _('the file cannot be read ({reason})').format(reason=explain_exception(exc)),
                           _('check the permissions of the file (in a terminal: chmod a+r {path})').format(path=display_path(path))) from None
    return decoded(data, path)


def decoded(data: bytes, path: Path) -> str:
    """A file's bytes as read_text reads them (what the build will read of bytes about to be written)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):   # Notepad's "Unicode"
        raise ContentError(path, 1, _('the file is UTF-16 text, not UTF-8'),
                           _('save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)'))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = _('save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)')
        for encoding in FALLBACK_ENCODINGS:
            try:
                data.decode(encoding)
                hint = _('the file looks like {encoding} (GBK); save it as UTF-8 (另存为 → 编码 UTF-8)').format(encoding=encoding.upper())
                break
            except UnicodeDecodeError:
                continue
        raise ContentError(path, line, _('the file is not UTF-8 text'), hint) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


# Invisible characters that arrive with copied text (zero-width spaces, joiners, a stray BOM).
ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")   # (tidy_yaml drops them: written raw, they are lost)
_WIDE_SPACE = "\u3000\u00a0\u2002-\u200a\u202f"   # full-width space (IME), no-break and other spaces


def tidy_yaml(text: str, keys: frozenset[str]) -> str:
    """Fix slips with one meaning: a full-width colon, a full-width or no-break space around the
    colon of a key, a key typed in full-width letters (ｔｉｔｌｅ, an input method left in full-width
    mode), invisible zero-width characters, tabs used for indentation."""
    fixed = []
    for line in text.split("\n"):
        line = ZERO_WIDTH.sub("", line)
        line = re.sub(r"^\t+", lambda m: "  " * len(m.group()), line).replace("\t", " ")
        m = re.match(rf"^(\s*-?\s*)([^\s:：{_WIDE_SPACE}]+)[\s{_WIDE_SPACE}]*(?:：[\s{_WIDE_SPACE}]*|:(?:[\s{_WIDE_SPACE}]+|$))",
                     line)
        key = unicodedata.normalize("NFKC", m.group(2)) if m else ""
        if m and (key in keys or re.search(rf"[{_WIDE_SPACE}]|：", m.group(0))):
            line = f"{m.group(1)}{key if key in keys else m.group(2)}: " + line[m.end():]
        fixed.append(line if line.strip() else "")   # (a line of full-width spaces only is blank)
    return "\n".join(fixed)


YES = frozenset({"true", "yes", "on", "是", "对", "开"})
NO = frozenset({"false", "no", "off", "否", "不", "关"})


def parse_flag(value, key: str, path: Path, line: int | None, default: bool | None = False) -> bool | None:
    """A yes/no setting as editors write it (是/否, true/false, yes/no; empty: the default).
    Anything else is refused: a wrong guess could turn on raw HTML or publish a PDF."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", shown(value)).strip().lower()   # (ｔｒｕｅ, typed in full-width mode)
    if text in YES:
        return True
    if text in NO:
        return False
    raise ContentError(path, line, _('`{key}` must be 是 or 否 (true or false), not {value!r}').format(key=key, value=shown(value)),
                       _('write {key}: 是  or  {key}: 否').format(key=key))


# libyaml's parser when PyYAML has it (about 10x faster than the pure-Python one).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class EditorLoader(_SafeLoader):
    """SafeLoader that reads every plain value as text (only an empty value is None): a title 0612 stays
    0612, not 394, and 6.10 stays 6.10. Numbers, dates and yes/no are read by us, with errors naming the line.
    A key written twice is an error: YAML would keep the second value and lose the first without a word."""

    def construct_mapping(self, node, deep=False):
        seen: dict[object, int] = {}
        for key_node, _value in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            line = seen.setdefault(key_node.value, key_node.start_mark.line)
            if line != key_node.start_mark.line:
                raise DuplicateKey(key_node.value, line, key_node.start_mark.line)
        return super().construct_mapping(node, deep)


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag in ("tag:yaml.org,2002:null", "tag:yaml.org,2002:merge")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, path: Path, first_line: int = 1) -> object:
    """Parse YAML; syntax errors name the file and the line (first_line: where the text starts)."""
    try:
        return yaml.load(text, Loader=EditorLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        problem = explain(exc, text, first_line)
        raise ContentError(path, first_line + problem.index, problem.message, problem.hint) from None


def value_lines(text: str, first_line: int = 1) -> dict[tuple, int]:
    """The line of every key and list entry by its path, e.g. ("print", "bleed") or ("sections", 1, "name"),
    so that a check of a nested setting points at its own line (text that parse_yaml has accepted)."""
    found: dict[tuple, int] = {}
    walked: set[int] = set()   # (an alias is the node of its anchor again: a few lines can stand for millions)

    def walk(node, path: tuple) -> None:
        again = id(node) in walked   # (an alias: its entries' lines, not the millions below them)
        walked.add(id(node))
        if isinstance(node, yaml.MappingNode):
            entries = [(key.value, key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]
        elif isinstance(node, yaml.SequenceNode):
            entries = [(i, item, item) for i, item in enumerate(node.value)]
        else:
            return
        for name, marked, value in entries:
            found.setdefault((*path, name), first_line + marked.start_mark.line)
            if not again:
                walk(value, (*path, name))

    walk(yaml.compose(text, Loader=EditorLoader), ())
    return found


def shown(value, limit: int = 200) -> str:
    """A value as the editor wrote it in YAML (a list as [a, b], a group as {a: b}), not as Python prints
    it; cut to limit characters and … (aliases can make a few lines a list of millions)."""
    text = ""
    for piece in _pieces(value):
        text += piece
        if len(text) > limit:
            return text[:limit] + "…"
    return text


def _pieces(value):
    if isinstance(value, (list, dict)):
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        yield "{" if isinstance(value, dict) else "["
        for i, (key, item) in enumerate(items):
            yield (", " if i else "") + ("" if key is None else f"{key}: ")
            yield from _pieces(item)
        yield "}" if isinstance(value, dict) else "]"
    else:
        yield "" if value is None else str(value)


def text_problem(key: str, value) -> tuple[str, str] | None:
    """(message, hint) when a value that must be one line of text is a list or a group of settings."""
    if isinstance(value, list):
        return (_('`{key}` must be a single line of text, not a list').format(key=key),
                _('write it on one line after the colon; put quotes around it if it contains : or #'))
    if isinstance(value, dict):
        return (_('`{key}` must be a single line of text, not a group of settings').format(key=key),
                _('write the value on the same line as `{key}:` (the indented lines under it make it a group)').format(key=key))
    return None


def key_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """The line of each key, so that later checks can point at it: top-level keys first, then keys of
    groups such as print: (where a name is used twice, its first line)."""
    lines: dict[str, int] = {}
    for pattern in (r"^([^\s#:\-][^:]*?)\s*:", r"^\s*-?\s*([^\s#:][^:]*?)\s*:"):
        for i, line in enumerate(text.split("\n")):
            m = re.match(pattern, line)
            if m and m.group(1).strip("'\"") not in lines:
                lines[m.group(1).strip("'\"")] = first_line + i
    return lines
