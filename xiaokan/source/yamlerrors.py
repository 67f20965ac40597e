"""PyYAML's errors as editors need them: the line where the mistake is (where a bracket or a quote was
opened, not where the parser gave up), what is wrong, and what to write instead.

libyaml reports an unclosed `[` on the line after it and an unclosed quote at the end of the file; its
text (`did not find expected ',' or ']'`) names neither the mistake nor the fix."""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from ..core.i18n import _


@dataclass(frozen=True)
class YamlProblem:
    index: int        # 0-based line of the text given to the parser
    message: str
    hint: str


class DuplicateKey(yaml.YAMLError):
    """A key written twice in one group: YAML keeps the last silently, so one of the two lines is lost."""

    def __init__(self, key: str, first: int, second: int):
        super().__init__(key)
        self.key, self.first, self.second = key, first, second


# A key, a colon and a value with no space between them: `栏目:新闻政策` (but not `http://…`).
_NO_SPACE_AFTER_COLON = re.compile(r"^\s*(?:-\s+)?(?P<key>[^\s:#'\"\[\]{}]+):(?P<value>[^\s:/].*)$")
_VALUE_STARTS = ("while scanning an alias", "while scanning an anchor", "while scanning a tag",
                 "while scanning a block scalar")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def explain(exc: yaml.YAMLError, text: str, first_line: int = 1) -> YamlProblem:
    """The editor's message for a YAML error in text (which the parser was given; its first line is
    line first_line of the file)."""
    lines = text.split("\n")
    if isinstance(exc, DuplicateKey):
        return YamlProblem(exc.second, _('`{key}` is written twice (also on line {line}); only one of them can count').format(
            key=exc.key, line=first_line + exc.first), _('delete one of the two lines'))
    if isinstance(exc, yaml.reader.ReaderError):   # (its position counts bytes or characters, by parser)
        index = next((i for i, line in enumerate(lines) if _CONTROL.search(line)), 0)
        return YamlProblem(index, _('this line holds an invisible control character'),
                           _('delete the line and type it again (it was probably copied from another program)'))
    context = getattr(exc, "context", None) or ""
    problem = getattr(exc, "problem", None) or ""
    context_line = _line(getattr(exc, "context_mark", None))
    problem_line = _line(getattr(exc, "problem_mark", None))
    # While scanning an alias, anchor, tag or block scalar, the context points at the character that began it.
    value_start = context.startswith(_VALUE_STARTS) and context_line == problem_line
    column = getattr(getattr(exc, "context_mark" if value_start else "problem_mark", None), "column", 0)
    if "quoted scalar" in context and context_line is not None:
        quote = _opening_quote(lines[context_line])
        return YamlProblem(context_line, _('the quote mark {quote} that opens the value on this line is never closed').format(quote=quote),
                           _('end the value with {quote} too, or leave the quote marks out (a value needs none; Chinese quotes “” are plain text)').format(quote=quote))
    if "flow sequence" in context and context_line is not None:
        return YamlProblem(context_line, _('the [ on this line is never closed with ]'),
                           _('write a list on one line and end it with ], e.g. 标签: [评建, 简报]'))
    if "flow mapping" in context and context_line is not None:
        return YamlProblem(context_line, _('the { on this line is never closed with }'),
                           _('end it with }, or leave the braces out (a value does not need them)'))
    if "expected ':'" in problem and context_line is not None:
        return _missing_colon(lines, context_line)
    if problem_line is None:
        return YamlProblem(0, _('these settings are not written as `key: value` lines'), _key_value_hint())
    line = lines[problem_line] if problem_line < len(lines) else ""
    if "mapping values are not allowed" in problem:
        return _second_colon(lines, problem_line)
    if "expected key" in problem or "expected '-' indicator" in problem or "expected <block end>" in problem:
        return _stray_line(line, problem_line, column)
    if "cannot start any token" in problem or value_start or "are not allowed in this context" in problem:
        char = line[column] if column < len(line) else ""
        return YamlProblem(problem_line, _('a value cannot start with {mark} unless it is in quotes').format(mark=char),
                           _('put the value in quotes, e.g. {example}').format(example=_quoted_example(line)))
    return YamlProblem(problem_line, _('this line is not written as `key: value`'), _key_value_hint())


def _key_value_hint() -> str:
    return _('write each setting on its own line as `key: value`, with a space after the colon')


def _line(mark) -> int | None:
    return mark.line if mark is not None else None


def _opening_quote(line: str) -> str:
    m = re.search(r":\s*(['\"])", line) or re.search(r"(['\"])", line)
    return m.group(1) if m else '"'


def not_settings(text: str) -> YamlProblem:
    """Text that YAML read as one plain value rather than `key: value` settings: which line is wrong."""
    lines = text.split("\n")
    index = next((i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), 0)
    return _missing_colon(lines, index)


def _missing_colon(lines: list[str], index: int) -> YamlProblem:
    """libyaml read a line as the start of a key and found no `: ` after it."""
    line = lines[index] if index < len(lines) else ""
    m = _NO_SPACE_AFTER_COLON.match(line)
    if m:
        return YamlProblem(index, _('a space is missing after the colon'),
                           _('write {key}: {value}').format(key=m.group("key"), value=m.group("value").strip()))
    return YamlProblem(index, _('this line is not a `key: value` setting'),
                       _('write it as 标题: …; text of the article belongs below the second ---'))


def _second_colon(lines: list[str], index: int) -> YamlProblem:
    """`标题: 会议: 第一次` (a second colon and space in a value), or a key indented under a value."""
    line = lines[index]
    before = next((i for i in range(index - 1, -1, -1) if lines[i].strip()), None)
    previous = lines[before] if before is not None else ""
    if before is not None and ": " not in previous and _NO_SPACE_AFTER_COLON.match(previous):
        return _missing_colon(lines, before)   # (`标题:测试` ran on into this line as one value)
    indent = len(line) - len(line.lstrip())
    if indent > len(previous) - len(previous.lstrip()) and re.search(r":\s*\S", previous):
        return YamlProblem(index, _('this line is indented under the setting above it'),
                           _('start the setting at the beginning of the line, without spaces or tabs before it'))
    return YamlProblem(index, _('the value holds a colon followed by a space'),
                       _('put the value in quotes, e.g. {example}, or write the colon as the Chinese ：').format(
                           example=_quoted_example(line)))


def _stray_line(line: str, index: int, column: int) -> YamlProblem:
    """Something the parser did not expect where a key should start."""
    stripped = line.strip()
    if stripped.startswith("- ") or stripped == "-":
        return YamlProblem(index, _('a list item `- …` stands among the settings'),
                           _('a list goes under its own key, indented (标签: then   - 评建 on the next lines), or on one line: 标签: [评建, 简报]'))
    before = line[:column].rstrip()
    if before.endswith(("'", '"')):
        return YamlProblem(index, _('there is more text after the closing quote mark'),
                           _('a value that starts with a quote mark must end with it: put the whole value in quotes, e.g. {example}, or use Chinese quotes “”').format(
                               example=_quoted_example(line)))
    if before.endswith(("]", "}")):
        return YamlProblem(index, _('there is more text after the closing bracket'),
                           _('a list ends with its ]: e.g. 标签: [评建, 简报]; put a value that contains brackets in quotes'))
    if ":" not in stripped:
        return YamlProblem(index, _('this line is not a `key: value` setting'),
                           _('write it as 标题: …; text of the article belongs below the second ---'))
    return YamlProblem(index, _('this line is not indented like the settings around it'),
                       _('settings of one group start in the same column; use spaces, not a mix of tabs and spaces'))


def _quoted_example(line: str) -> str:
    key, sep, value = line.strip().partition(":")
    value = value.strip()
    if not sep or not value:
        return "标题: '…'"
    if "'" in value:
        return f'{key.strip()}: "{value}"'
    return f"{key.strip()}: '{value}'"
