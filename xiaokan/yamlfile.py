"""Reading YAML that editors wrote: decoding, friendly fixes, and errors with line numbers."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import ContentError

# Editors on Windows save in UTF-8 with a BOM, or in GBK from older tools; CRLF endings are common.
FALLBACK_ENCODINGS = ("gb18030",)


def read_text(path: Path) -> str:
    """The file's text with BOM and CRLF removed; a clear error if it is not UTF-8."""
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):   # Notepad's "Unicode"
        raise ContentError(path, 1, "the file is UTF-16 text, not UTF-8",
                           "save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        hint = "save the file as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)"
        for encoding in FALLBACK_ENCODINGS:
            try:
                data.decode(encoding)
                hint = f"the file looks like {encoding.upper()} (GBK); save it as UTF-8 (另存为 → 编码 UTF-8)"
                break
            except UnicodeDecodeError:
                continue
        raise ContentError(path, line, "the file is not UTF-8 text", hint) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def tidy_yaml(text: str, keys: frozenset[str]) -> str:
    """Fix unambiguous slips: a full-width colon after a known key, tabs used for indentation."""
    fixed = []
    for line in text.split("\n"):
        line = re.sub(r"^\t+", lambda m: "  " * len(m.group()), line).replace("\t", " ")
        m = re.match(r"^(\s*-?\s*)([^\s:：]+)\s*：\s*", line)
        if m and m.group(2) in keys:
            line = f"{m.group(1)}{m.group(2)}: " + line[m.end():]
        fixed.append(line)
    return "\n".join(fixed)


# libyaml's parser when PyYAML has it (about 10x faster than the pure-Python one).
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _EditorLoader(_SafeLoader):
    """SafeLoader that leaves dates as text: parse_date then reads them (and reports 2024-02-30 with its line)."""


_EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse_yaml(text: str, path: Path, first_line: int = 1) -> object:
    """Parse YAML; syntax errors name the file and the line (first_line: where the text starts)."""
    try:
        return yaml.load(text, Loader=_EditorLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = first_line + mark.line if mark else first_line
        problem = getattr(exc, "problem", None) or "it is not valid YAML"
        raise ContentError(
            path, line, f"YAML syntax error: {problem}",
            "write each setting as `key: value` on its own line; put quotes around values that contain : or #",
        ) from None


def key_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """The line of each top-level key, so that later checks can point at it."""
    lines = {}
    for i, line in enumerate(text.split("\n")):
        m = re.match(r"^([^\s#:][^:]*?)\s*:", line)
        if m and m.group(1) not in lines:
            lines[m.group(1).strip("'\"")] = first_line + i
    return lines
