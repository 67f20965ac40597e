"""Word's numbering (docxlists.py) put into mammoth's HTML, so that the article shows the labels Word shows:

- an item Word labels as a Markdown list cannot (一、（二） ① A. a) （1） 1.1, or no label) becomes a
  paragraph that starts with its label; its sublists follow it, and the items after it stay a list
  after them. In a table every item does (a cell holds text only: 1. and a bullet's sign too);
- a numbered list (1. 2.) starts at the number Word shows (3. after a paragraph between it and 1. 2.;
  5. when it is set to start there), and a list mammoth made of two that Word numbers apart (1. 2.
  then a list restarted at 1.) is two lists;
- a heading or paragraph numbered by its style (标题 1 as 第一章, 标题 2 as 1.1), which mammoth gives
  no list, starts with its label, in a table cell too.

Labels are put in after the title is found (label_blocks): the title of an article carries no label
of Word's numbering (see docxfront.take_title), the headings of its text keep theirs. mammoth's HTML
does not say which paragraph of the document each element is: an element is matched to the paragraphs
of its text in document order (the same text may stand at several places, each with its own number)."""
from __future__ import annotations

from collections import deque

from ..core.errors import shown
from ..core.i18n import _
from .docxfront import key, own_text, visible_text
from .docxlists import CHINESE_FORMATS, Numbered, shows_as_digits
from .docxread import WordXml, paragraph_text, w
from .docxtokens import MARK

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CLOSING = tuple("、，。．：；）》」』】〕")   # (a label ending in one is followed by its text at once: 一、工作目标)
LIST_BREAK = f"{MARK}S0{MARK}"   # (between two lists numbered apart: Markdown would join them into one)
LIST_LEVELS = 5   # (mammoth's lists nest five levels: an item of Word's levels 6 to 9 is a paragraph)
LISTED = "data-listed"   # (a list item made a paragraph, to be no heading: only 一、（一） items, as typed ones, may be)


def labelled(label: str, suffix: str) -> str:
    """A label as it starts its paragraph's text: 一、 or （二） at once, 第一章 or 1.1 with a space (Word's tab)."""
    if not label:
        return ""
    return label if suffix == "nothing" or label.endswith(_CLOSING) else label + " "


def number_lists(soup, xml: WordXml, numbered: dict[int, Numbered], skip: set[int],
                 notes: list[str]) -> list[tuple[object, str]]:
    """Put Word's numbers into the lists of soup; the headings and paragraphs to start with a label are
    returned with it (see label_blocks: the title and front matter lines are found by their text first).
    numbered: docxlists.numbered_paragraphs; skip: the numbers of the paragraphs already taken out (the 目录's lines)."""
    if not numbered:
        return []
    queues: dict[str, deque[Numbered | None]] = {}
    for number, paragraph in enumerate(xml.document.iter(f"{w}p"), start=1):
        if number not in skip:
            queues.setdefault(key(paragraph_text(paragraph)), deque()).append(numbered.get(number))
    _say_formats_in_digits(numbered, notes)
    items: dict[int, Numbered] = {}
    labels: list[tuple[object, str]] = []
    flattened: list[Numbered] = []   # (items deeper than mammoth's five list levels: paragraphs after the list)
    as_text: dict[int, tuple[str, bool]] = {}   # (items a Markdown list cannot label, by id: label, Chinese)
    placed: set[int] = set()
    for element in soup.find_all(["p", *HEADINGS, "li"]):
        if element.name == "li" and str(element.get("id", "")).startswith(("footnote-", "endnote-")):
            break   # (mammoth writes the notes last)
        queue = queues.get(key(own_text(element) if element.name == "li" else visible_text(element)))
        entry = queue.popleft() if queue else None
        if entry is None:
            continue
        placed.add(entry.number)
        if element.name == "li" and (not entry.plain or element.find_parent(["td", "th"]) is not None):
            as_text[id(element)] = labelled(entry.shown, entry.suffix), entry.fmt in CHINESE_FORMATS
        elif element.name == "li" and entry.ordered:
            items[id(element)] = entry
        elif element.name != "li" and entry.shown and element.find_parent("li") is None:
            labels.append((element, labelled(entry.shown, entry.suffix)))
        if element.name == "p" and entry.level >= LIST_LEVELS and element.find_parent(["td", "th"]) is None:
            flattened.append(entry)
    if as_text:
        for listing in soup.find_all(["ol", "ul"]):   # (in document order: a list before the sublists it holds)
            if any(id(item) in as_text for item in listing.find_all("li", recursive=False)):
                labels += _as_paragraphs(soup, listing, as_text)
    _start_lists(soup, items, notes)
    _unplaced_in_tables(xml, numbered, placed, notes)
    if flattened:
        first = flattened[0]
        notes.append(_("{count} list item(s) stand deeper than five levels in Word (the first: paragraph {number}, level "
                       "{level}); the page nests lists five levels deep, so they are paragraphs with their labels, "
                       "their text kept: check their place, or indent the list less in Word").format(
                           count=len(flattened), number=first.number, level=first.level + 1))
    return labels


def _say_formats_in_digits(numbered: dict[int, Numbered], notes: list[str]) -> None:
    """A note naming the numbering formats of Word's that the page writes in digits (a level in iroha letters)."""
    formats = sorted({entry.fmt for entry in numbered.values() if entry.label and shows_as_digits(entry.fmt)})
    if formats:
        named = ", ".join(shown(fmt[:40]) for fmt in formats[:5]) + (" …" if len(formats) > 5 else "")
        notes.append(_("Word numbers some lists in a format the page cannot write ({formats}): their items are numbered "
                       "1, 2, 3 …; if the labels matter, type them").format(formats=named))


def _unplaced_in_tables(xml: WordXml, numbered: dict[int, Numbered], placed: set[int], notes: list[str]) -> None:
    """Each table with a number or bullet of Word's that no cell shows (mammoth leaves out a numbered
    paragraph with no text, as a 序号 column numbered by Word has), named by its number."""
    table_of: dict[int, int] = {}   # (paragraph's id -> its innermost table's number)
    for number, table in enumerate(xml.document.iter(f"{w}tbl"), start=1):
        for paragraph in table.iter(f"{w}p"):
            table_of[id(paragraph)] = number
    said: set[int] = set()
    for number, paragraph in enumerate(xml.document.iter(f"{w}p"), start=1):
        table, entry = table_of.get(id(paragraph)), numbered.get(number)
        if table is None or entry is None or number in placed or not entry.shown or table in said:
            continue
        said.add(table)
        text = paragraph_text(paragraph).strip()
        where = (_("paragraph {number} “{text}…”").format(number=number, text=shown(text[:12])) if text
                 else _("paragraph {number}").format(number=number))
        notes.append(_("table {number} is numbered by Word itself ({where}: “{label}”), and a cell keeps its text "
                       "only: these numbers or bullets could not be written into the table's cells; type them in "
                       "the table").format(number=table, where=where, label=shown(entry.shown)))


def label_blocks(labels: list[tuple[object, str]]) -> None:
    """Each heading or paragraph still in the article starts with its label."""
    for element, label in labels:
        if element.decomposed or element.parent is None:
            continue
        first = next((s for s in element.find_all(string=True) if s.strip()), None)
        if first is not None:   # (indentation typed before the text stood after the label)
            first.replace_with(first.lstrip("\u3000 \u00a0\t"))
        element.insert(0, label)


def _as_paragraphs(soup, listing, as_text: dict[int, tuple[str, bool]]) -> list[tuple[object, str]]:
    """Each item of listing whose label a Markdown list cannot show (as_text: its label and whether it
    is a Chinese one, by id) as a paragraph where it stood, its sublists after it; the items between
    stay lists. The paragraphs are returned with their labels (label_blocks puts them in). Each item is
    moved once (a list of 5,000 such items took 40 s when each moved the items after it)."""
    blocks: list = []   # (what stands in place of the list, in order)
    labels: list[tuple[object, str]] = []
    run = None
    children = list(listing.contents)
    listing.clear()   # (taken from the front: each child is found at once, not looked for in the list)
    for child in children:
        found = as_text.get(id(child)) if getattr(child, "name", None) == "li" else None
        if found is None:
            if run is None:
                run = listing if not blocks else soup.new_tag(listing.name)
                blocks.append(run)
            run.append(child)
            continue
        label, chinese = found
        paragraph = soup.new_tag("p", attrs={} if chinese else {LISTED: ""})
        if label:
            labels.append((paragraph, label))
        sublists = []
        parts = list(child.contents)
        child.clear()
        for part in parts:
            if getattr(part, "name", None) in ("ol", "ul"):
                sublists.append(part)
            else:
                paragraph.append(part)
        blocks += [paragraph, *sublists]
        run = None
    _place_after(listing, [block for block in blocks if block is not listing])
    if not blocks or blocks[0] is not listing:
        listing.decompose()
    return labels


def _place_after(element, blocks: list) -> None:
    """blocks right after element, in order (its place looked up once: insert_after looks for it again for each)."""
    if blocks:
        element.parent.insert(element.parent.index(element) + 1, *blocks)


def _start_lists(soup, numbered: dict[int, Numbered], notes: list[str]) -> None:
    """Each numbered list starts at the number Word shows its first item with; where Word's numbers do not
    go on from one item to the next (a list restarted right after another), the list is cut in two, with
    an HTML comment between them (Markdown joins two lists with nothing between them). A sublist is not
    cut: inside a list item, the comment ends the item's list."""
    for listing in soup.find_all("ol"):
        items = listing.find_all("li", recursive=False)
        first = numbered[id(items[0])].ordinal if items and id(items[0]) in numbered else None
        if first is not None and first != 1:
            listing["start"] = str(first)
        expected = (first or 1) + 1
        cuts: list = []   # (the items a list Word numbers apart starts with)
        for item in items[1:]:
            ordinal = numbered[id(item)].ordinal if id(item) in numbered else None
            if ordinal is not None and ordinal != expected and listing.parent is not soup:
                notes.append(_("paragraph {number} “{text}…” starts its sublist again at {ordinal}, right after the "
                               "items before it: the page numbers them on as one list; to keep the numbers, put a "
                               "line of text between them").format(number=numbered[id(item)].number,
                                                                  text=shown(own_text(item).strip()[:12]), ordinal=ordinal))
            elif ordinal is not None and ordinal != expected:
                cuts.append(item)
            expected = (expected if ordinal is None else ordinal) + 1
        if cuts:
            _cut(soup, listing, cuts, numbered)


def _cut(soup, listing, cuts: list, numbered: dict[int, Numbered]) -> None:
    """listing as several lists, each from one of cuts on, an HTML comment between two. Each item is moved
    once (a list restarted 2,000 times took 50 s when each cut moved the items after it)."""
    starts = set(map(id, cuts))
    blocks: list = []
    current = listing
    children = list(listing.contents)
    listing.clear()
    for child in children:
        if id(child) in starts:
            mark = soup.new_tag("p")
            mark.string = LIST_BREAK
            current = soup.new_tag("ol")
            if numbered[id(child)].ordinal != 1:
                current["start"] = str(numbered[id(child)].ordinal)
            blocks += [mark, current]
        current.append(child)
    _place_after(listing, blocks)
