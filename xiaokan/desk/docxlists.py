"""Word's own list numbering, read from numbering.xml: which paragraphs Word numbers, at which level,
and the labels it shows in a Chinese counting format (一、 （二）), which mammoth's lists would lose."""
from __future__ import annotations

from xml.etree import ElementTree

from .docxread import WordXml, paragraph_text, w

CHINESE_FORMATS = frozenset({"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
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


def chinese_labels(xml: WordXml) -> dict[str, list[str | None]]:
    """Text of each paragraph that Word numbers automatically -> the labels Word shows the paragraphs of
    that text with, in document order: 一、 or （二） in a Chinese counting format (mammoth makes such
    paragraphs a list and the label would be lost), None in any other (1. 2., bullets: the list says it).
    A text may stand at several places (工作要求 under 一、 and under 二、), each with its own label."""
    if xml.numbering is None:
        return {}
    numbered = levels(xml)
    labels: dict[str, list[str | None]] = {}
    counters: dict[tuple[str, str], int] = {}
    for paragraph in xml.document.iter(f"{w}p"):
        key = list_level(paragraph)
        if key is None:
            continue
        fmt, pattern, start = numbered.get(key, ("", "", 1))
        counters[key] = counters.get(key, start - 1) + 1
        for deeper in [k for k in counters if k[0] == key[0] and k[1] > key[1]]:
            del counters[deeper]   # (a new item restarts the levels below it)
        label = pattern.replace(f"%{_number(key[1]) + 1}", chinese_numeral(counters[key], fmt)) if fmt in CHINESE_FORMATS else None
        labels.setdefault(paragraph_text(paragraph).strip(), []).append(label)
    return {text: queue for text, queue in labels.items() if any(queue)}


def levels(xml: WordXml) -> dict[tuple[str, str], tuple[str, str, int]]:
    """(numId, level) -> the level's format (decimal, bullet, chineseCounting …), label pattern and start."""
    if xml.numbering is None:
        return {}
    abstract = {a.get(f"{w}abstractNumId"): a for a in xml.numbering.iter(f"{w}abstractNum")}
    found: dict[tuple[str, str], tuple[str, str, int]] = {}
    for num in xml.numbering.iter(f"{w}num"):
        ref = num.find(f"{w}abstractNumId")
        definition = abstract.get(ref.get(f"{w}val")) if ref is not None else None
        for lvl in (definition.iter(f"{w}lvl") if definition is not None else ()):
            fmt, text, start = lvl.find(f"{w}numFmt"), lvl.find(f"{w}lvlText"), lvl.find(f"{w}start")
            found[(num.get(f"{w}numId"), lvl.get(f"{w}ilvl"))] = (
                fmt.get(f"{w}val") if fmt is not None else "", text.get(f"{w}val") if text is not None else "%1.",
                _number(start.get(f"{w}val") if start is not None else "1"))
    return found


def list_level(paragraph: ElementTree.Element) -> tuple[str, str] | None:
    """(numId, level) of a paragraph Word numbers itself; None for any other."""
    num_id, ilvl = paragraph.find(f"{w}pPr/{w}numPr/{w}numId"), paragraph.find(f"{w}pPr/{w}numPr/{w}ilvl")
    if num_id is None or num_id.get(f"{w}val") == "0":   # (numId 0: numbering switched off)
        return None
    return num_id.get(f"{w}val"), ilvl.get(f"{w}val") if ilvl is not None else "0"


def _number(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        return 0
