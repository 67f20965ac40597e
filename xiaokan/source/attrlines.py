"""Attribute lists alone in a paragraph: `{: .right }` written below a paragraph with an empty line
between them (README asks for an empty line between paragraphs). attr_list gives a paragraph the
attributes on its last line only, so such a line was a paragraph of its own, and readers saw
`{: .right }` on the page, in the issue's summaries and in search. It is given to the paragraph
above it, as the editor meant (as if written on its last line, the way the desk's 右对齐 writes it);
where there is none (the start of the text, below a heading, table, list, quote or code) it is
left out of the page, and the build, check and the desk warn at its line. Code keeps it as written."""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.treeprocessors import Treeprocessor
from markdown.util import STX

from ..core.errors import ContentWarning
from ..core.i18n import _

# attr_list's forms that are meant as one: `{: …}`, `{:#id}`, `{.class}`, `{#id}`, `{key=value}` (a
# paragraph `{待补充}` is text).
LOOSE = re.compile(r"\{(?::[ ]*[^}\n ][^}\n]*|[ ]*[.#][^}\n]*|[ ]*[A-Za-z_][\w:.-]*=[^}\n]*)\}")
_ATTACHED = re.compile(r"\n[ ]*\{:?[ ]*[^}\n ][^\n]*\}[ ]*$")   # (a paragraph's own, on its last line)
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


class LooseAttributes(Treeprocessor):
    """Before the inline patterns and attr_list: a paragraph that is only an attribute list joins the
    paragraph before it as its last line; one that cannot is removed. Each is recorded in `found`, in
    the order of the text: (its text, "p" when given to a paragraph, else the tag of what it follows,
    "" at the start)."""

    def __init__(self, md):
        super().__init__(md)
        self.found: list[tuple[str, str]] = []

    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, parent: etree.Element) -> None:
        previous = None
        for child in list(parent):
            text = (child.text or "").strip()
            if child.tag == "p" and len(child) == 0 and LOOSE.fullmatch(text):
                if _takes_attributes(previous):
                    previous.text = previous.text.rstrip() + "\n" + text
                    self.found.append((text, "p"))
                else:
                    self.found.append((text, "" if previous is None else _kind(previous)))
                parent.remove(child)
                continue
            if child.tag not in ("pre", "code"):
                self._walk(child)
            previous = child


def _takes_attributes(element: etree.Element | None) -> bool:
    """A paragraph of text (not raw HTML's placeholder) whose last line is no attribute list of its own."""
    return element is not None and element.tag == "p" and len(element) == 0 and bool(element.text) \
        and STX not in element.text and not _ATTACHED.search(element.text)


def _kind(element: etree.Element) -> str:
    if element.tag == "p":   # (raw HTML, or a paragraph with its own attribute list)
        return "html" if STX in (element.text or "") else "attributes"
    return element.tag


def _follows(kind: str) -> str:
    """What a loose attribute list follows, in the editor's words."""
    if re.fullmatch(r"h[1-6]", kind):
        return _("a heading")
    return {"table": _("a table"), "ul": _("a list"), "ol": _("a list"), "dl": _("a list"), "pre": _("code"),
            "blockquote": _("a quote"), "hr": _("a line (---)"),
            "attributes": _("a paragraph that has its own attribute list already")}.get(kind, _("HTML"))


def loose_attribute_warnings(article, body) -> list[ContentWarning]:
    """A warning at each line of an attribute list that was given to nothing (and left out of the page)."""
    found = body.loose_attributes
    if not found or all(kind == "p" for _text, kind in found):
        return []
    lines = _lines_of(article.body_md, [text for text, _kind in found])
    warnings = []
    for (text, kind), index in zip(found, lines):
        if kind == "p":
            continue
        where = _("it is at the start of the text") if not kind else \
            _("it follows {what}, which cannot take it").format(what=_follows(kind))
        warnings.append(ContentWarning(article.source, None if index is None else article.body_line + index, _(
            "{text} stands alone in a paragraph and {where}: it does nothing and is not shown; write it on the line "
            "right below the last line of the paragraph it is for, with no empty line between (as the desk's "
            "buttons write it), or delete it").format(text=text, where=where)))
    return warnings


def _lines_of(body_md: str, texts: list[str]) -> list[int | None]:
    """The index of each text's line in the body (the loose ones in order: alone on their line, an empty
    line or the start above them, outside fenced code), or None where not found."""
    lines = body_md.split("\n")
    strict, loose, fence = [], [], None
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if opening:
            fence = None if fence and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                else (fence or opening.group(1))
            continue
        if fence or not LOOSE.fullmatch(line.strip()):
            continue
        loose.append(index)
        if (index == 0 or not lines[index - 1].strip()) and len(line) - len(line.lstrip(" ")) < 4:
            strict.append(index)
    candidates = strict if len(strict) >= len(texts) else loose
    found: list[int | None] = []
    at = 0
    for text in texts:
        while at < len(candidates) and lines[candidates[at]].strip() != text:
            at += 1
        found.append(candidates[at] if at < len(candidates) else None)
        at += 1
    return found
