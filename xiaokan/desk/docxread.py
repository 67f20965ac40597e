"""What a Word file says, read from its XML: the parts mammoth leaves out or cannot tell us (Word's
Chinese list numbering, text boxes, equations, comments, tracked changes) and every paragraph's text,
so that the import can report them and check that nothing was dropped."""
from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..i18n import _

_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def document_xml(source: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        return {name: archive.read(name) for name in ("word/document.xml", "word/footnotes.xml", "word/comments.xml",
                                                        "word/numbering.xml") if name in names}


_CHINESE_FORMATS = frozenset({"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
                              "ideographTraditional", "ideographZodiac", "taiwaneseCounting", "japaneseCounting"})
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def chinese_numeral(n: int, style: str = "chineseCounting") -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十 (甲乙丙 for Word's ideographTraditional)."""
    if style == "ideographTraditional":
        return _STEMS[(n - 1) % len(_STEMS)]
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def chinese_labels(xml: dict[str, bytes]) -> dict[str, str]:
    """Text of each paragraph that Word numbers automatically in a Chinese counting format -> the label
    Word shows (一、, （二）): mammoth makes such paragraphs a list and the label would be lost."""
    if "word/numbering.xml" not in xml:
        return {}
    w = f"{{{_WORD}}}"
    numbering = ElementTree.fromstring(xml["word/numbering.xml"])
    abstract = {a.get(f"{w}abstractNumId"): a for a in numbering.iter(f"{w}abstractNum")}
    levels: dict[tuple[str, str], tuple[str, str, int]] = {}
    for num in numbering.iter(f"{w}num"):
        ref = num.find(f"{w}abstractNumId")
        definition = abstract.get(ref.get(f"{w}val")) if ref is not None else None
        for lvl in (definition.iter(f"{w}lvl") if definition is not None else ()):
            fmt, text, start = lvl.find(f"{w}numFmt"), lvl.find(f"{w}lvlText"), lvl.find(f"{w}start")
            levels[(num.get(f"{w}numId"), lvl.get(f"{w}ilvl"))] = (
                fmt.get(f"{w}val") if fmt is not None else "", text.get(f"{w}val") if text is not None else "%1.",
                int(start.get(f"{w}val")) if start is not None else 1)
    labels, counters = {}, {}
    for paragraph in ElementTree.fromstring(xml["word/document.xml"]).iter(f"{w}p"):
        num_id, ilvl = paragraph.find(f"{w}pPr/{w}numPr/{w}numId"), paragraph.find(f"{w}pPr/{w}numPr/{w}ilvl")
        if num_id is None:
            continue
        key = (num_id.get(f"{w}val"), ilvl.get(f"{w}val") if ilvl is not None else "0")
        fmt, pattern, start = levels.get(key, ("", "", 1))
        counters[key] = counters.get(key, start - 1) + 1
        for deeper in [k for k in counters if k[0] == key[0] and k[1] > key[1]]:
            del counters[deeper]   # (a new item restarts the levels below it)
        if fmt in _CHINESE_FORMATS:
            text = "".join(t.text or "" for t in paragraph.iter(f"{w}t")).strip()
            labels[text] = pattern.replace(f"%{int(key[1]) + 1}", chinese_numeral(counters[key], fmt))
    return labels


def unmapped(xml: dict[str, bytes]) -> list[str]:
    """What a Markdown article cannot hold, found in the Word file itself, with where it is."""
    found = []
    root = ElementTree.fromstring(xml["word/document.xml"])
    w = f"{{{_WORD}}}"
    for number, paragraph in enumerate(root.iter(f"{w}p"), start=1):
        text = "".join(t.text or "" for t in paragraph.iter(f"{w}t")).strip()
        where = (_("paragraph {number} “{text}…”").format(number=number, text=text[:12]) if text
                 else _("paragraph {number}").format(number=number))
        if paragraph.find(f".//{w}txbxContent") is not None:
            found.append(_("{where} has a text box: its text was imported as body text; check where it stands").format(where=where))
        if paragraph.find(f".//{{{_MATH}}}oMath") is not None:
            found.append(_("{where} has an equation: equations cannot be imported; write it as text or a picture").format(where=where))
        if paragraph.find(f".//{w}commentReference") is not None:
            found.append(_("{where} has a comment: comments are not imported; deal with it in Word first").format(where=where))
        if paragraph.find(f".//{w}ins") is not None or paragraph.find(f".//{w}del") is not None:
            found.append(_("{where} has tracked changes: imported as if all were accepted (deleted text left out, "
                           "inserted text kept); check it").format(where=where))
    return found


def paragraph_texts(xml: dict[str, bytes]) -> list[str]:
    w = f"{{{_WORD}}}"
    texts = []
    for name in ("word/document.xml", "word/footnotes.xml"):
        if name not in xml:
            continue
        for paragraph in ElementTree.fromstring(xml[name]).iter(f"{w}p"):
            if paragraph.find(f".//{w}txbxContent") is not None:
                continue   # (its text box's own paragraphs are checked one by one)
            texts.append("".join(t.text or "" for t in paragraph.iter(f"{w}t")))
    return texts
