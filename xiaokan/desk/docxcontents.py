"""Word's table of contents (目录) left out of the article: its lines repeat every heading as text, and
the web page lists the article's headings itself. docxread.py tells which paragraphs are its lines
(a TOC field, Word's content control for it, lines in a TOC 1 / 目录 1 style ending in a page number);
this module finds the HTML mammoth made of each and takes it out, and never a heading of the text:
a line has the text of the heading it lists (a line with no page number, Word's TOC \\n, has exactly
that text), and a line numbered by Word's list numbering is a list item, not a paragraph."""
from __future__ import annotations

import re

from ..core.i18n import _
from .docxfront import key, own_text, visible_text
from .docxread import WordParagraph

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HEADING_STYLES = re.compile(r"(heading|标题) ?[1-9]|title|标题")   # (the styles mammoth makes headings of)
_NOTES = re.compile(r"^(foot|end)note-")
NEAR = 50   # (blocks: a paragraph above the table of contents is looked for this far after the last one found)


def drop_contents(soup, facts: list[WordParagraph], notes: list[str], set_aside: list[str]) -> list[WordParagraph]:
    """The facts without the table of contents' lines (and the 目录 line above them), their HTML taken
    out of soup, their text set aside and the report told which paragraphs they were."""
    lines = [p for p in facts if p.toc]
    if not lines:
        return facts
    first = facts.index(lines[0])
    if first > 0 and (key(facts[first - 1].text).lower() in ("目录", "contents") or facts[first - 1].style in ("toc heading", "目录标题")):
        lines.insert(0, facts[first - 1])
    _remove_lines(soup, facts, lines)
    set_aside += [p.text for p in lines]
    notes.append(_("paragraphs {first}–{last} are Word's table of contents (目录); they were not imported: the web page "
                   "makes its own from the article's subheadings").format(first=lines[0].number, last=lines[-1].number))
    taken = set(map(id, lines))
    return [p for p in facts if id(p) not in taken]


def _remove_lines(soup, facts: list[WordParagraph], lines: list[WordParagraph]) -> None:
    """Each line's block (a paragraph, a heading only when the line is in a heading style, or a list item),
    looked for in document order after the last one found (the first, after the blocks of the paragraphs
    above the table of contents) and not past the first block of the text that follows it."""
    blocks = [b for b in soup.find_all(["p", *HEADINGS, "li"])
              if b.find_parent("table") is None and not any(_NOTES.match(li.get("id", "")) for li in b.find_parents("li"))
              and not (b.name == "li" and _NOTES.match(b.get("id", "")))]
    taken = set(map(id, lines))
    following: dict[int, str | None] = {}   # (each line's next paragraph that is no line, by its text)
    text_after = None
    for p in reversed(facts):
        if id(p) in taken:
            following[id(p)] = text_after
        else:
            text_after = key(p.text)
    texts = [key(own_text(b) if b.name == "li" else visible_text(b)) for b in blocks]
    cursor = _after(texts, facts[:facts.index(lines[0])])
    for line in lines:
        for i in range(cursor, len(blocks)):
            block, text = blocks[i], texts[i]
            if block.decomposed:   # (the holder of a list emptied by a line taken out before)
                continue
            if text == key(line.text) and (block.name not in HEADINGS or _HEADING_STYLES.fullmatch(line.style)):
                _remove(block)
                cursor = i + 1
                break
            if text and text == following[id(line)]:
                break   # (the text after the table of contents: the line is not here)


def _after(texts: list[str], before: list[WordParagraph]) -> int:
    """Where the table of contents' blocks start: after the blocks of the paragraphs before it, each looked
    for in order among the next few blocks (one not found there is passed over). A cover page's title,
    repeated where the text starts, is then not taken for the text after the table of contents (which
    ended the search for every line before it began), nor a paragraph above it of a line's text for that line."""
    cursor = 0
    for paragraph in before:
        wanted = key(paragraph.text)
        found = next((i for i in range(cursor, min(cursor + NEAR, len(texts))) if texts[i] == wanted), None)
        cursor = cursor if found is None else found + 1
    return cursor


def _remove(block) -> None:
    """Take a block out; a list item's own sublists stay, their items moved up into its list."""
    if block.name != "li":
        block.decompose()
        return
    listing = block.parent
    for sublist in block.find_all(["ol", "ul"], recursive=False):
        for item in sublist.find_all("li", recursive=False):
            block.insert_before(item.extract())
    block.decompose()
    while listing is not None and listing.name in ("ol", "ul", "li") and listing.find("li") is None \
            and not (listing.name == "li" and own_text(listing).strip()):   # (a list left empty, and its holder)
        holder = listing.parent
        listing.decompose()
        listing = holder
