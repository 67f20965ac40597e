"""Text typed in Word, written as Markdown that shows exactly that text.

A department's file is text, never markup: `<script>`, `{{< 表格 … >}}`, `# 不是标题`, `*…*`, `---`,
`[^1]: …`, `1. `, `> `, `|`, `&lt;` typed in Word must reach the reader as typed. Every character
Python-Markdown (with the extensions of source/markup.py: tables, footnotes, attr_list, def_list,
md_in_html) or the shortcode reader (source/datablocks.py) would act on is escaped: with a backslash
where Markdown has that escape, else as a character reference, which Markdown passes through and
the browser shows as the character.
"""
from __future__ import annotations

import re
from urllib.parse import quote

# Anywhere in a line: escapes, code, emphasis, links and footnotes, attribute lists, trailing
# heading hashes, table cells, raw HTML and entities.
_ANYWHERE = str.maketrans({"\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "[": "\\[", "]": "\\]",
                           "{": "\\{", "}": "\\}", "#": "\\#", "|": "\\|", "<": "&lt;", "&": "&amp;"})
# At the start of a line only, and only where Markdown would act on it (an editor reads the file:
# `2\.问题清单` puzzled them): list bullets and ordered lists before a blank (`- `, `1. `), quotes,
# a line of - or = alone (a rule, a setext underline), definition lists (`: `) and the full-width braces
# the shortcode reader accepts (｛｛《).
_LINE_START = re.compile(r"^([ \t]*)(?:([-+](?=[ \t]|$)|>|-(?=[-= \t]*$))|(:(?=[ \t]|$)|｛|=(?=[-= \t]*$))"
                         r"|(\d+)\.(?=[ \t]|$))")
_BREAKS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]")


def _escape_start(match: re.Match) -> str:
    space, backslashed, referenced, digits = match.groups()
    if backslashed:
        return f"{space}\\{backslashed}"
    if referenced:
        return f"{space}&#{ord(referenced)};"
    return f"{space}{digits}\\."


def markdown_text(text: str) -> str:
    """Text as Markdown that renders to the same text (a line break in Word is written as <br> by
    the HTML writer; a newline character inside text is a space, as Word shows it)."""
    text = _BREAKS.sub(" ", text).translate(_ANYWHERE)
    return _LINE_START.sub(_escape_start, text, count=1)


def link_target(href: str) -> str:
    """An address for `[text](…)`: characters Markdown would end or misread the address at are
    percent-encoded (spaces, brackets, quotes, non-ASCII), which leaves the address the same."""
    return quote(href.strip(), safe="/:?#@!$&'*+,;=%~-._")


def image_line(caption: str, name: str, credit: str | None) -> str:
    """`![caption](name "credit")` for a picture the import named (ASCII): the caption escaped as text,
    the credit as a quoted title."""
    line = f"![{markdown_text(caption)}]({name}"
    if credit:
        line += ' "' + markdown_text(credit).replace('"', "&quot;").replace("'", "&#39;") + '"'
    return line + ")"


def pipe_table(rows: list[list[str]]) -> str:
    """A Markdown table of plain-text cells, the first row its header."""
    lines = ["| " + " | ".join(markdown_text(cell) for cell in row) + " |" for row in rows]
    lines.insert(1, "|" + " --- |" * len(rows[0]))
    return "\n".join(lines)


def _item_end(text: str) -> str:
    """What ends a list item: a line break; a blank line after an item that holds paragraphs (a Word
    list item's 1.1 or (a) items, made paragraphs: docxlabels), or the next item's `2.` would
    continue its last paragraph's text."""
    return "\n\n" if "\n\n" in text.strip("\n") else "\n"


def html_to_markdown(html: str) -> str:
    """mammoth's HTML as Markdown (markdownify), every text escaped by markdown_text."""
    from markdownify import MarkdownConverter, chomp

    class Writer(MarkdownConverter):
        def escape(self, text: str, parent_tags) -> str:
            return markdown_text(text) if text else ""

        def convert_a(self, el, text: str, parent_tags) -> str:
            prefix, suffix, text = chomp(text)
            href = (el.get("href") or "").strip()
            if not text or not href or href.startswith("#"):   # (a bookmark, or a link inside Word's own file)
                return prefix + text + suffix
            return f"{prefix}[{text}]({link_target(href)}){suffix}"

        def convert_s(self, el, text: str, parent_tags) -> str:
            return text   # (the site's Markdown has no strikethrough; the text stays)

        convert_del = convert_s

        def convert_li(self, el, text: str, parent_tags) -> str:
            # Python-Markdown takes a line as part of an item (a nested list, a second paragraph) only
            # when it is indented by its tab length, four spaces; markdownify indents by the bullet's width.
            if el.parent is not None and el.parent.name == "ol":   # (numbered here: see _number)
                text = (text or "").strip()
                if not text:
                    return "\n"
                first, *rest = text.split("\n")
                return "\n".join([f"{self._number(el)}. {first}", *(" " * 4 + line if line else "" for line in rest)]) \
                    + _item_end(text)
            item = super().convert_li(el, text, parent_tags)
            first, _newline, rest = item.rstrip("\n").partition("\n")
            width = len(first) - len(first.lstrip(" ")) + len(first.lstrip(" ").split(" ", 1)[0]) + 1
            lines = [" " * 4 + line[width:] if line[:width].isspace() else line for line in rest.split("\n")] if rest else []
            return "\n".join([first, *lines]) + _item_end(rest)

        def _number(self, item) -> int:
            """An item's number, as markdownify gives it, from a table of its list's items made once:
            markdownify counts the items before each, which took seconds for a list of 5,000."""
            listing = item.parent
            numbers = self.numbers.get(id(listing))
            if numbers is None:
                start = str(listing.get("start") or "")
                first = int(start) if start.isnumeric() else 1
                numbers = self.numbers[id(listing)] = {
                    id(li): first + n for n, li in enumerate(listing.find_all("li", recursive=False))}
            return numbers[id(item)]

        def convert_sup(self, el, text: str, parent_tags) -> str:
            return f"<sup>{text}</sup>" if text.strip() else text

        def convert_sub(self, el, text: str, parent_tags) -> str:
            return f"<sub>{text}</sub>" if text.strip() else text

    writer = Writer(heading_style="ATX", bullets="-", strong_em_symbol="*", table_infer_header=True)
    writer.numbers = {}   # (each numbered list's items' numbers, by the list: see _number)
    return writer.convert(html)
