"""How deeply an article body nests: lists in lists, quotes in quotes, emphasis, brackets and HTML
elements one inside another. A real article nests a few levels; a run of `> > > …`, `- - - …`,
`[[[[…` or `<div><div>…` pasted by mistake nests hundreds, and then Python-Markdown recurses past
Python's limit (a RecursionError), takes minutes (each `[` looks for its `]`), and WeasyPrint cannot
lay the page out (it fails from about 120 elements deep). Such a body is refused at its line.

Definition lists (`术语` then `:   定义`) nest by indent like lists: each `:` one level. And a run of
definitions written line after line, with no empty line between them, costs Python-Markdown time
that grows with the square of its length (each one hands the rest of the run back to be read again:
2,000 took 11 s); a run longer than any glossary is refused at its line, with an empty line between
definitions (read in a time that grows with their number) as the way out."""
from __future__ import annotations

import re

from ..core.i18n import _
from .datablocks import BlockError

MARKS_MOST = 20      # list and quote marks opening one line: `> > - 1. …`, each indent of 4 one more
BRACKETS_MOST = 20   # `[` still open at a point of a paragraph (a link in a link is 2)
ELEMENTS_MOST = 60   # HTML elements one inside another in the body (a list of 5 levels is 10)
DEFINITIONS_MOST = 200   # `:   定义` lines in a row, no empty line between them (200 take 0.1 s)

_MARK = re.compile(r"[ \t]*(?:>|[-*+:](?=[ \t])|\d{1,9}[.)](?=[ \t]))")   # (`:` opens a definition)
_DEFINITION = re.compile(r"[ ]{0,3}:[ ]{1,3}")
_FENCE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_RULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*")   # `* * *`, `---`: a line, not a list
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})
_OPENERS = re.compile(r"[>*_\[<]")
_BRACKET = re.compile(r"\\.|[\[\]]")   # (an escaped \[ is text)


def too_deep_to_read(text: str) -> BlockError | None:
    """The first line of the Markdown whose list and quote marks, or open brackets, nest deeper than
    Python-Markdown may be given, or the line that makes a run of definitions too long."""
    run = carried = 0   # (definitions in a row; `[` still open from the lines above, in this paragraph)
    fence = None
    for index, line in enumerate(text.split("\n")):
        run = run + 1 if _DEFINITION.match(line) else run if line.startswith((" ", "\t")) and line.strip() else 0
        fence = _fence_after(line, fence)
        carried = 0 if fence or not line.strip() else carried
        if run > DEFINITIONS_MOST:
            return BlockError(index, _('more than {count} definitions (`:` lines) follow one another without an empty line '
                                       'between them').format(count=DEFINITIONS_MOST),
                              _('put an empty line between the definitions, or write them as a list (- …)'))
        marks = _marks(line)
        if marks > MARKS_MOST:
            return _too_deep(index, marks)
        brackets, carried = _open_brackets(line, carried)
        if brackets > BRACKETS_MOST:
            return _too_deep(index, brackets)
    return None


def _fence_after(line: str, fence: str | None) -> str | None:
    """The code fence open after this line (``` or ~~~ as it was opened), given the one open before it:
    a fence closes with its own character, at least as long as it opened."""
    opening = _FENCE.match(line)
    if opening and (fence is None or opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence)):
        return None if fence else opening.group(1)
    return fence


def separate_definitions(text: str) -> str:
    """The Markdown with an empty line before each term that follows a definition directly: a glossary
    written term, `:   定义`, term, `:   定义` … with no empty lines is one list, as the editor meant (for
    Python-Markdown each term was the previous definition's text, each definition a term in a list
    one level deeper: 31 terms were refused as nested 62 levels deep)."""
    lines = text.split("\n")
    out: list[str] = []
    fence, defined = None, False
    for index, line in enumerate(lines):
        fence = _fence_after(line, fence)
        if fence is None and line.strip() and not line[0].isspace() and not _DEFINITION.match(line) and defined \
                and index + 1 < len(lines) and _DEFINITION.match(lines[index + 1]):
            out.append("")
        defined = fence is None and (bool(_DEFINITION.match(line)) or (defined and bool(line.strip())))
        out.append(line)
    return "\n".join(out)


def too_deep_to_show(html: str, text: str) -> BlockError | None:
    """The body's HTML nests deeper than a page and the PDF can show: reported at the line of the
    Markdown with the most opening marks (where a pasted run of them is)."""
    depth = most = 0
    for match in _TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _VOID:
            depth += 1
            most = max(most, depth)
    return _too_deep(deepest_line(text), most) if most > ELEMENTS_MOST else None


def deepest_line(text: str) -> int:
    """The index of the line with the most marks that open something (a RecursionError names no line)."""
    lines = text.split("\n")
    return max(range(len(lines)), key=lambda i: len(_OPENERS.findall(lines[i])) + _marks(lines[i]))


def too_deep(index: int) -> BlockError:
    """The error for a body Python-Markdown could not read (RecursionError), at the line index."""
    return _too_deep(index, None)


def _too_deep(index: int, depth: int | None) -> BlockError:
    return BlockError(index, _('the lists, quotes, emphasis or HTML here are nested {depth} levels deep: too deep for '
                               'a page or the PDF').format(depth=depth) if depth else
                      _('the lists, quotes, emphasis or HTML here are nested too deep for a page or the PDF'),
                      _('an article needs a few levels at most: look for a run of > - * [ or <div> pasted by mistake '
                        'on this line and delete it'))


def _marks(line: str) -> int:
    """List and quote marks opening the line, an indent of 4 before them one level each."""
    if _RULE.fullmatch(line):
        return 0
    expanded, count, at = line.expandtabs(4), 0, 0
    while match := _MARK.match(expanded, at):
        count, at = count + 1, match.end()
    indent = len(expanded) - len(expanded.lstrip(" "))
    return count + indent // 4 if count else 0


def _open_brackets(line: str, depth: int = 0) -> tuple[int, int]:
    """(the most `[` open at a point of the line, those still open at its end), from depth open before it:
    Python-Markdown looks for each `[`'s `]` through the whole paragraph (a paragraph of 100 lines of
    20 `[` took 1.2 s, of 400 lines 22 s, of 1,000 lines 214 s)."""
    if "[" not in line and "]" not in line:
        return depth, depth
    most = depth
    for match in _BRACKET.finditer(line):
        if match.group() == "[":
            depth += 1
            most = max(most, depth)
        elif match.group() == "]":
            depth = max(0, depth - 1)
    return most, depth
