"""Chinese typesetting rules applied to the print edition's HTML text (never to the web pages).

- 禁则: a word joiner glues an opening mark to what follows and a closing mark to what precedes,
  so that Pango never breaks a line inside `“评建` or `工作。`, nor between two marks (`。《`).
- 中西文间距: a space between a Chinese character and a Latin letter or digit (`2024 年`, `OBE 理念`).
  The space of Noto CJK is a quarter em (256/1000); being a space, it widens with justification and
  disappears where a line breaks on it, as a typesetter's glue does.
- No lone last character (孤字): the last two characters of a paragraph, or of a title in 本期要目,
  are glued, so that its last line never holds one character and its punctuation.

Text is changed only between tags, and never inside code, SVG, scripts or footnote numbers.
"""
from __future__ import annotations

import re

from ..core.han import HAN, HAN_CHAR
from .cjklayout import BREAK, CLOSING, GLUE, OPENING

# HTML as print reads it: split into tags and the text between them (TOKENS), a tag's name (TAG).
TOKENS = re.compile(r"(<[^>]*>)")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
# Elements whose text is left exactly as written.
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "svg", "script", "style", "sup", "sub", "math"})
# Elements that end a run of text: no spacing or glue across them.
_BLOCKS = frozenset({"p", "li", "dd", "dt", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "br",
                     "figcaption", "caption", "blockquote", "table", "tr", "ul", "ol", "figure", "section",
                     "article", "aside", "nav", "header", "footer", "img"})
# Blocks whose last line is a paragraph's: the ones that get their last characters glued.
_PARAGRAPHS = frozenset({"p", "li", "dd"})
_LATIN_AFTER_CJK = re.compile(f"(?<=[{HAN}])(?=[A-Za-z0-9])")
_CJK_AFTER_LATIN = re.compile(f"(?<=[A-Za-z0-9%])(?=[{HAN}])")


def typeset(html: str, paragraph: bool = False) -> str:
    """The print rules above, applied to every text node of `html`; with paragraph, `html` is the text
    of one paragraph (a title in 本期要目), whose last two characters are glued too."""
    tokens = TOKENS.split(html)
    verbatim = 0          # depth inside elements left as written
    tables = 0            # depth inside tables (their columns are sized by where their text may break)
    previous = ""         # the last character of the current run of text
    run: list[int] = []   # indices of the text tokens of the current paragraph
    for i, token in enumerate(tokens):
        if token.startswith("<"):
            tag = TAG.match(token)
            if not tag:
                continue
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if name in _VERBATIM and not token.endswith("/>"):
                verbatim += -1 if closing else 1
                verbatim = max(verbatim, 0)
                previous = ""
            elif name in _BLOCKS:
                if name == "table" and not token.endswith("/>"):
                    tables = max(tables + (-1 if closing else 1), 0)
                if closing and name in _PARAGRAPHS:
                    _glue_last_characters(tokens, run)
                run, previous = [], ""
            continue
        if verbatim or not token:
            continue
        text = _kinsoku(token, quote_breaks=not tables)
        if previous and ((HAN_CHAR.match(previous) and re.match("[A-Za-z0-9]", text))
                         or (re.match("[A-Za-z0-9%]", previous) and HAN_CHAR.match(text))):
            text = _space_before(tokens, i, run[-1], text)
        text = space_latin(text)
        tokens[i] = text
        run.append(i)
        previous = text[-1]
    if paragraph:
        _glue_last_characters(tokens, run)
    return "".join(tokens)


def _space_before(tokens: list[str], i: int, last: int, text: str) -> str:
    """Text token i with the 中西文 space in front of it, or unchanged when the space goes before the inline
    tags that open right before it (after token `last`, the run's text before): a long word's spans
    (printmarkup.py) keep their first characters on one line, and a space inside them could not break."""
    k = i
    while k - 1 > last and (not tokens[k - 1] or (tokens[k - 1].startswith("<") and not tokens[k - 1].startswith("</"))):
        k -= 1
    if k == i:
        return " " + text
    tokens[k - 1] += " "
    return text


def _kinsoku(text: str, quote_breaks: bool = True) -> str:
    text = re.sub(f"([{OPENING}])(?=[^\\s{GLUE}])", f"\\1{GLUE}", text)
    text = re.sub(f"(?<=[^\\s{GLUE}])([{CLOSING}…])", f"{GLUE}\\1", text)
    # Two marks in a row stay on one line (`。《`): one of them is set at half width (cjklayout), and the
    # line must be drawn as it was measured.
    text = re.sub(f"([{CLOSING}])(?=[{OPENING}])", f"\\1{GLUE}", text)
    if not quote_breaks:   # (a table's cells keep the breaks their column widths were chosen for)
        return text
    # Pango follows UAX #14, where a quotation mark forbids a break on either side (`“中国大学MOOC”和“智慧
    # 职教”作为` was one unbreakable unit, and the line before it stretched by a fifth of an em): a
    # zero-width space gives back the breaks Chinese allows before an opening and after a closing quote.
    text = re.sub(f"(?<=[^\\s{OPENING}{GLUE}])([“‘])", f"{BREAK}\\1", text)
    return re.sub(f"([”’])(?=[^\\s{CLOSING}{GLUE}…{BREAK}])", f"\\1{BREAK}", text)


def _glue_last_characters(tokens: list[str], run: list[int]) -> None:
    """Join the paragraph's last two Chinese characters (across inline tags too) with a word joiner."""
    seen = 0
    for index in reversed(run):
        text = tokens[index]
        for position in range(len(text) - 1, -1, -1):
            char = text[position]
            if char == BREAK:   # (no break opportunity between the two either)
                text = tokens[index] = text[:position] + text[position + 1:]
                continue
            if char in CLOSING + OPENING + GLUE + "…—":
                continue
            if not HAN_CHAR.match(char):
                return
            seen += 1
            if seen == 2:
                tokens[index] = text[:position + 1] + GLUE + text[position + 1:]
                return


def balanced_title(title: str, em_per_line: float) -> str:
    """A title as HTML lines of even length, broken only between words (jieba's segmentation), so that
    no line ends inside a word (`产教/融合`) and the last line is never one or two characters."""
    from html import escape

    title = space_latin(title)
    words = _title_words(title)
    total = sum(em_width(w) for w in words)
    if total <= em_per_line or len(words) < 2:
        return escape(title)
    count = -(-int(total * 100) // int(em_per_line * 100))
    while count <= len(words):
        lines = _even_partition(words, count)
        if max(em_width("".join(line)) for line in lines) <= em_per_line:
            break
        count += 1
    else:
        return escape(title)
    # Inside a line every character is glued: if the estimate of widths is off, Pango still does not
    # break inside a word, it overflows by a little instead.
    return "<br>".join(escape(_glue_word("".join(line))) for line in lines)


def _glue_word(text: str) -> str:
    """Word joiners between the characters of a line, except around its spaces (they may still break)."""
    return "".join(ch + (GLUE if ch != " " and following != " " else "") for ch, following in zip(text, text[1:])) + text[-1:]


def space_latin(text: str) -> str:
    """中西文间距 in plain text: a space between a Chinese character and a Latin letter or digit."""
    return _CJK_AFTER_LATIN.sub(" ", _LATIN_AFTER_CJK.sub(" ", text))


def _title_words(title: str) -> list[str]:
    """Words of a title; opening marks join the word after them, closing marks the word before."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    words: list[str] = []
    pending = ""
    for word in jieba.lcut(title, HMM=True):
        if all(ch in OPENING for ch in word):
            pending += word
        elif words and (all(ch in CLOSING + "…—" for ch in word) or word.isspace()):
            words[-1] += word
        else:
            words.append(pending + word)
            pending = ""
    if pending:
        words.append(pending)
    return words


def em_width(text: str) -> float:
    """Approximate advance in em: Chinese and full-width characters 1, Latin letters and digits about 0.55."""
    return sum(1.0 if ord(ch) > 0x2e7f else 0.25 if ch == " " else 0.6 for ch in text)


def _even_partition(words: list[str], count: int) -> list[list[str]]:
    """Split words into `count` consecutive lines minimising the longest line (dynamic programming)."""
    widths = [em_width(w) for w in words]
    n = len(words)
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)
    best = {(0, 0): (0.0, None)}   # (words used, lines) -> (longest line, previous split)
    for lines in range(1, count + 1):
        for end in range(lines, n - (count - lines) + 1):
            candidates = []
            for start in range(lines - 1, end):
                if (start, lines - 1) in best:
                    longest = max(best[(start, lines - 1)][0], prefix[end] - prefix[start])
                    # Ties go to the split whose later lines are longer (a short first line reads worse).
                    candidates.append((longest, -(prefix[end] - prefix[start]), start))
            if candidates:
                longest, _, start = min(candidates)
                best[(end, lines)] = (longest, start)
    result, end = [], n
    for lines in range(count, 0, -1):
        start = best[(end, lines)][1]
        result.append(words[start:end])
        end = start
    return result[::-1]
