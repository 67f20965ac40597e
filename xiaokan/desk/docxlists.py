"""Word's own list numbering, read from numbering.xml and styles.xml: which paragraphs Word numbers,
at which level, and the number and label it shows each with (3. 第一章 1.1 （二）), which mammoth
does not tell: its lists start at 1, and a heading numbered by its style loses its label.

Word counts on the list definition (w:abstractNum), not on the list (w:num): two lists of one
definition are one sequence (the second goes on 3. 4. after the first's 1. 2.) unless the second
restarts (w:lvlOverride/w:startOverride, Word's 重新开始编号), which takes effect where that list is
first used. A paragraph is numbered by its own w:numPr or by its style's (标题 1 numbered 第一章 …);
a level restarts when a level above it is used (w:lvlRestart says otherwise)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from xml.etree import ElementTree

from .docxread import WordXml, w

CHINESE_FORMATS = frozenset({"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
                              "ideographTraditional", "ideographZodiac", "taiwaneseCounting", "japaneseCounting"})
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_PARENTHESISED = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULL_STOPPED = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
MAX_STYLE_CHAIN = 20
MAX_LETTERS = 26 * 20   # (A … Z, AA … ZZ, …: beyond, a number; a list may say it starts at 2,000,000,000)
LEVELS = range(9)       # Word's nine list levels (w:ilvl 0 to 8); a file may claim thousands, and each
                        # numbered paragraph looks at the levels below its own


def chinese_numeral(n: int, style: str = "chineseCounting") -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十, 101 -> 一百零一, 110 -> 一百一十, 2001 -> 二千零一, 10010 -> 一万零一十, as
    LibreOffice counts (甲乙丙 for ideographTraditional; 壹拾贰, 壹佰零壹 for chineseLegalSimplified); a number
    of a hundred million or more in digits. (A regulation's 第一百零一条 was 第101条.)"""
    if style == "ideographTraditional":
        return _STEMS[(n - 1) % len(_STEMS)]
    if style == "ideographZodiac":
        return _BRANCHES[(n - 1) % len(_BRANCHES)]
    legal = style == "chineseLegalSimplified"
    digits = "零壹贰叁肆伍陆柒捌玖" if legal else "零一二三四五六七八九"
    if not 0 <= n < 100_000_000:
        return str(n)
    if n == 0:
        return digits[0]
    high, low = divmod(n, 10_000)
    said = _thousands(high, digits, legal) + "万" if high else ""
    if low:
        said += (digits[0] if high and low < 1000 else "") + _thousands(low, digits, legal)
    return said[1:] if 10 <= n < 20 and not legal else said   # (十二, not 一十二; but 一百一十, and 壹拾贰)


def _thousands(n: int, digits: str, legal: bool) -> str:
    """1 to 9999 in Chinese numerals: a 零 for the zeros between two digits said, none at the end."""
    units = ("仟", "佰", "拾", "") if legal else ("千", "百", "十", "")
    said, zero = "", False
    for digit, unit in zip(f"{n:04d}", units):
        if digit == "0":
            zero = bool(said)
            continue
        said += (digits[0] if zero else "") + digits[int(digit)] + unit
        zero = False
    return said


def format_number(n: int, fmt: str) -> str:
    """A level's number as Word writes it in the format numFmt names (decimal for one it does not know:
    shows_as_digits)."""
    if fmt in CHINESE_FORMATS:
        return chinese_numeral(n, fmt)
    if fmt in _MORE_CHINESE:
        said = chinese_numeral(n, _MORE_CHINESE[fmt])
        return said.translate(str.maketrans("贰叁陆万", "貳參陸萬")) if fmt.endswith("Traditional") else said
    if fmt in _DIGIT_SIGNS and n >= 0:
        return str(n).translate(str.maketrans("0123456789", _DIGIT_SIGNS[fmt]))
    if fmt in _ALPHABETS and 0 < n <= len(_ALPHABETS[fmt]) * 20:
        letters = _ALPHABETS[fmt]
        return letters[(n - 1) % len(letters)] * ((n - 1) // len(letters) + 1)
    if fmt == "hebrew1" and 0 < n < 1000:
        return _hebrew(n)
    if fmt == "ideographEnclosedCircle" and 0 < n <= 10:
        return "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"[n - 1]
    if fmt in ("cardinalText", "ordinalText") and 0 < n < 1_000_000:
        words = _words(n) if fmt == "cardinalText" else _ordinal_words(n)
        return words[0].upper() + words[1:]
    if fmt == "ordinal" and n >= 0:
        return f"{n}{'th' if n % 100 in (11, 12, 13) else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    if fmt == "numberInDash":
        return f"- {n} -"
    if fmt in ("upperLetter", "lowerLetter") and 0 < n <= MAX_LETTERS:
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 0 < n < 4000:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    for formats, signs in ((("decimalEnclosedCircle", "decimalEnclosedCircleChinese"), _CIRCLED),
                           (("decimalEnclosedParen",), _PARENTHESISED), (("decimalEnclosedFullstop",), _FULL_STOPPED)):
        if fmt in formats and 0 < n <= len(signs):
            return signs[n - 1]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    return "" if fmt == "none" else str(n)


# Formats Word numbers in beyond CHINESE_FORMATS: counting in Chinese numerals as one of them does,
# digit by digit in signs of their own, letters of an alphabet (after the last, two of the first …).
_MORE_CHINESE = {"taiwaneseCountingThousand": "chineseCounting", "koreanDigital2": "chineseCounting",
                 "ideographLegalTraditional": "chineseLegalSimplified", "chineseLegalTraditional": "chineseLegalSimplified"}
_DIGIT_SIGNS = {"ideographDigital": "〇一二三四五六七八九", "taiwaneseDigital": "〇一二三四五六七八九",
                "japaneseDigitalTenThousand": "〇一二三四五六七八九", "koreanDigital": "영일이삼사오육칠팔구",
                "thaiNumbers": "๐๑๒๓๔๕๖๗๘๙", "hindiNumbers": "०१२३४५६७८९", "decimalHalfWidth": "0123456789"}
_ALPHABETS = {"hebrew2": "אבגדהוזחטיכלמנסעפצקרשת", "arabicAlpha": "أبتثجحخدذرزسشصضطظعغفقكلمنهوي",
              "arabicAbjad": "أبجدهوزحطيكلمنسعفصقرشتثخذضظغ", "russianLower": "абвгдежзиклмнопрстуфхцчшщэюя",
              "russianUpper": "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯ", "ganada": "가나다라마바사아자차카타파하",
              "chosung": "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ"}
_KNOWN_FORMATS = CHINESE_FORMATS | _MORE_CHINESE.keys() | _DIGIT_SIGNS.keys() | _ALPHABETS.keys() | {
    "decimal", "bullet", "none", "upperLetter", "lowerLetter", "upperRoman", "lowerRoman", "decimalEnclosedCircle",
    "decimalEnclosedCircleChinese", "decimalEnclosedParen", "decimalEnclosedFullstop", "decimalFullWidth",
    "decimalFullWidth2", "decimalZero", "hebrew1", "ideographEnclosedCircle", "cardinalText", "ordinalText",
    "ordinal", "numberInDash"}
_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "- - twenty thirty forty fifty sixty seventy eighty ninety".split()
_NTH = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
        "twelve": "twelfth"}


def shows_as_digits(fmt: str) -> bool:
    """Whether format_number writes a format Word numbers otherwise (in letters it does not know) in digits."""
    return fmt not in _KNOWN_FORMATS


def _hebrew(n: int) -> str:
    """1 to 999 in Hebrew numerals (hebrew1): א … ט, י, יא …, 15 and 16 as טו and טז."""
    said, n = "ת" * (n // 400), n % 400
    if n >= 100:
        said, n = said + "קרש"[n // 100 - 1], n % 100
    if n in (15, 16):
        return said + ("טו" if n == 15 else "טז")
    if n >= 10:
        said, n = said + "יכלמנסעפצ"[n // 10 - 1], n % 10
    return said + ("אבגדהוזחט"[n - 1] if n else "")


def _words(n: int) -> str:
    """1 to 999,999 in English words, as cardinalText writes them (twenty-one, one hundred five)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + (f"-{_ONES[n % 10]}" if n % 10 else "")
    big, unit = (100, "hundred") if n < 1000 else (1000, "thousand")
    return f"{_words(n // big)} {unit}" + (f" {_words(n % big)}" if n % big else "")


def _ordinal_words(n: int) -> str:
    """ordinalText: first, twenty-second, one hundredth."""
    head, last = re.match(r"(.*?)([a-z]+)$", _words(n)).groups()
    return head + (_NTH.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th"))


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += letters * count
    return out


@dataclass(frozen=True)
class Level:
    """One level of a list definition (w:lvl)."""
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None   # w:lvlRestart: restarts after a paragraph of a level above this one-based level; 0 never
    legal: bool = False          # w:isLgl: the levels above are shown as decimal numbers
    suffix: str = "tab"          # what follows the label: tab, space or nothing
    style: str | None = None     # the paragraph style this level is linked to (w:pStyle)
    font: str | None = None      # the font of its label (a bullet's Symbol or Wingdings)


@dataclass(frozen=True)
class Numbered:
    """A paragraph Word numbers, as Word shows it."""
    number: int        # 1-based, in the order Word stores the paragraphs (as WordParagraph.number)
    level: int
    fmt: str           # its level's numFmt: decimal, bullet, chineseCounting …
    ordinal: int       # its number in its level's sequence
    label: str         # the label Word shows: "3." "第一章" "1.1" "（二）"; "" for a bullet
    suffix: str        # tab, space or nothing after the label
    definition: str = ""   # the list definition it counts in (w:abstractNumId)
    bullet: str = ""   # a bullet's sign as Word shows it: "•" "▪" "✓" ("" for a number, or a bullet with none)

    @property
    def ordered(self) -> bool:
        return self.fmt != "bullet"

    @property
    def shown(self) -> str:
        """What Word shows before the text: the label, or a bullet's sign."""
        return self.bullet if self.fmt == "bullet" else self.label

    @property
    def plain(self) -> bool:
        """Whether a Markdown list shows what Word shows: a bullet, or the number and a full stop (3.; not 0. or -3.)."""
        return self.fmt == "bullet" or self.ordinal > 0 and self.label == f"{self.ordinal}."


def _number(text: str | None, default: int = 0) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def _val(element: ElementTree.Element | None, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return found.get(f"{w}val") if found is not None else None


def _level(lvl: ElementTree.Element) -> Level:
    restart = _val(lvl, f"{w}lvlRestart")
    legal = lvl.find(f"{w}isLgl")
    return Level(_val(lvl, f"{w}numFmt") or "decimal", _val(lvl, f"{w}lvlText") or "", _number(_val(lvl, f"{w}start"), 1),
                 None if restart is None else _number(restart), legal is not None and legal.get(f"{w}val", "1") not in ("0", "false", "off"),
                 _val(lvl, f"{w}suff") or "tab", _val(lvl, f"{w}pStyle"), _font(lvl.find(f"{w}rPr/{w}rFonts")))


def _font(fonts: ElementTree.Element | None) -> str | None:
    if fonts is None:
        return None
    return next((name for kind in ("ascii", "hAnsi", "cs", "eastAsia") if (name := fonts.get(f"{w}{kind}"))), None)


def _bullet(level: Level) -> str:
    """A bullet's sign as Word shows it: its w:lvlText, a symbol font's character as the character it
    shows (Symbol's U+F0B7 is •, Wingdings' U+F0FC is ✓), one no table knows as •."""
    from mammoth.docx.dingbats import dingbats

    text = level.text.strip()
    if len(text) != 1 or not "\ue000" <= text <= "\uf8ff" and text.isprintable():
        return text if text.isprintable() else "•"
    code = ord(text)
    found = dingbats.get((level.font, code))
    if found is None and 0xF000 <= code <= 0xF0FF:
        found = dingbats.get((level.font, code - 0xF000))
    return chr(found) if found is not None else "•"


class Numbering:
    """The document's list definitions and lists, and the numbering its paragraph styles give."""

    def __init__(self, xml: WordXml):
        self.definitions: dict[str, dict[int, Level]] = {}
        self.style_links: dict[str, str] = {}     # definition -> the numbering style it takes its levels from
        self.lists: dict[str, str] = {}           # numId -> its definition (abstractNumId)
        self.overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = {}
        numbering = xml.numbering
        for definition in (numbering.iter(f"{w}abstractNum") if numbering is not None else ()):
            key = definition.get(f"{w}abstractNumId", "")
            self.definitions[key] = {ilvl: _level(lvl) for lvl in definition.iter(f"{w}lvl")
                                     if (ilvl := _number(lvl.get(f"{w}ilvl"), -1)) in LEVELS}
            if (link := _val(definition, f"{w}numStyleLink")) is not None:
                self.style_links[key] = link
        for num in (numbering.iter(f"{w}num") if numbering is not None else ()):
            num_id = num.get(f"{w}numId", "")
            self.lists[num_id] = _val(num, f"{w}abstractNumId") or ""
            self.overrides[num_id] = {
                ilvl: (_number(start, 1) if (start := _val(o, f"{w}startOverride")) is not None else None,
                       _level(lvl) if (lvl := o.find(f"{w}lvl")) is not None else None)
                for o in num.findall(f"{w}lvlOverride") if (ilvl := _number(o.get(f"{w}ilvl"), -1)) in LEVELS}
        self.styles: dict[str, ElementTree.Element] = {}
        self.default_style = None
        for style in (xml.styles.iter(f"{w}style") if xml.styles is not None else ()):
            self.styles[style.get(f"{w}styleId", "")] = style
            if style.get(f"{w}type") == "paragraph" and style.get(f"{w}default") in ("1", "true", "on"):
                self.default_style = style.get(f"{w}styleId")

    def definition(self, num_id: str) -> str | None:
        """The list definition a list counts on, through a numbering style's link (w:numStyleLink)."""
        for _step in range(MAX_STYLE_CHAIN):
            definition = self.lists.get(num_id)
            if definition not in self.style_links:
                return definition if definition in self.definitions else None
            num_id = self._style_numbering(self.style_links[definition])[0] or ""
        return None

    def level(self, num_id: str, ilvl: int) -> Level | None:
        override = self.overrides.get(num_id, {}).get(ilvl, (None, None))[1]
        definition = self.definition(num_id)
        return override or (self.definitions[definition].get(ilvl) if definition is not None else None)

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, int | None]:
        """(numId, level) a style gives its paragraphs, from it or the styles it is based on."""
        for _step in range(MAX_STYLE_CHAIN):
            style = self.styles.get(style_id or "")
            if style is None:
                return None, None
            num_id, ilvl = _val(style, f"{w}pPr/{w}numPr/{w}numId"), _val(style, f"{w}pPr/{w}numPr/{w}ilvl")
            if num_id is not None:
                return num_id, None if ilvl is None else _number(ilvl, -1)
            style_id = _val(style, f"{w}basedOn")
        return None, None

    def of(self, paragraph: ElementTree.Element) -> tuple[str, int] | None:
        """(numId, level) of a paragraph Word numbers, by its own w:numPr or its style's; None for any other."""
        style_id = _val(paragraph, f"{w}pPr/{w}pStyle") or self.default_style
        num_id, ilvl = _val(paragraph, f"{w}pPr/{w}numPr/{w}numId"), _val(paragraph, f"{w}pPr/{w}numPr/{w}ilvl")
        level = None if ilvl is None else _number(ilvl, -1)   # (-1, no level: one Word would not open)
        if num_id is None:
            num_id, style_level = self._style_numbering(style_id)
            level = style_level if level is None else level
        if num_id is None or num_id == "0":   # (numId 0: numbering switched off)
            return None
        if level is None:   # (a style's numbering: the level linked to that style, else the first)
            definition = self.definition(num_id)
            linked = [i for i, lvl in self.definitions.get(definition or "", {}).items() if lvl.style == style_id]
            level = linked[0] if linked else 0
        return num_id, level


def numbered_paragraphs(xml: WordXml) -> dict[int, Numbered]:
    """Each paragraph of the body Word numbers (by its number), with the number and label Word shows."""
    numbering = Numbering(xml)
    counters: dict[str, dict[int, int]] = {}   # definition -> level -> its last number
    used: set[tuple[str, int]] = set()
    found: dict[int, Numbered] = {}
    for number, paragraph in enumerate(xml.document.iter(f"{w}p"), start=1):
        numbered = numbering.of(paragraph)
        if numbered is None:
            continue
        num_id, ilvl = numbered
        definition, level = numbering.definition(num_id), numbering.level(num_id, ilvl)
        if definition is None or level is None:
            continue
        count = counters.setdefault(definition, {})
        if (num_id, ilvl) not in used:
            used.add((num_id, ilvl))
            start = numbering.overrides.get(num_id, {}).get(ilvl, (None, None))[0]
            if start is not None:   # (重新开始编号: where this list is first used)
                count[ilvl] = start - 1
        count[ilvl] = count.get(ilvl, level.start - 1) + 1
        for deeper in [d for d in count if d > ilvl]:
            restart = (numbering.level(num_id, deeper) or Level()).restart
            if restart is None or 0 < ilvl + 1 <= restart:
                del count[deeper]
        found[number] = Numbered(number, ilvl, level.fmt, count[ilvl], _label(numbering, num_id, ilvl, level, count),
                                 level.suffix, definition, _bullet(level) if level.fmt == "bullet" else "")
    return found


def listed_together(numbered: dict[int, Numbered], skip: set[int] = frozenset()) -> set[int]:
    """The paragraphs Word numbers as one of several of their list and level (一、 with a 二、 after it),
    not counting those of skip (the 目录's lines)."""
    counts = Counter((n.definition, n.level) for n in numbered.values() if n.number not in skip)
    return {n.number for n in numbered.values() if counts[(n.definition, n.level)] > 1}


def _label(numbering: Numbering, num_id: str, ilvl: int, level: Level, count: dict[int, int]) -> str:
    if level.fmt == "bullet":
        return ""

    def number(m: re.Match) -> str:
        k = int(m.group(1)) - 1
        at = numbering.level(num_id, k) or Level()
        return format_number(count.get(k, at.start - 1), "decimal" if level.legal and k < ilvl else at.fmt)

    return re.sub(r"%([1-9])", number, level.text).strip()
