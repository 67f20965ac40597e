"""Front matter: the settings at the top of an article (between --- lines) and of issue.yaml, each key
in English or in Chinese, and each value read as what it must be (text, a list of names, a whole
number, a date), or refused at its line with what to write instead."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from ..core.errors import ContentError, ContentWarning, did_you_mean
from ..core.i18n import _
from ..core.reasons import explain_exception
from .yamlerrors import not_settings
from .yamlfile import key_lines, parse_flag, parse_yaml, shown, text_problem, tidy_yaml

# Front matter keys: every key may be written in English or in Chinese.
ARTICLE_KEYS = {
    "title": "title", "标题": "title",
    "subtitle": "subtitle", "副标题": "subtitle",
    "section": "section", "栏目": "section",
    "date": "date", "日期": "date",
    "source": "source", "来源": "source", "信息来源": "source",
    "author": "author", "作者": "author",
    "photographer": "photographer", "摄影": "photographer",
    "summary": "summary", "摘要": "summary",
    "order": "order", "排序": "order",
    "tags": "tags", "标签": "tags",
    "draft": "draft", "草稿": "draft",
    "headline": "headline", "头条": "headline",
    "slug": "slug", "地址": "slug",
}
ISSUE_KEYS = {
    "title": "title", "标题": "title",
    "number": "number", "期号": "number", "本年期号": "number",
    "total_number": "total_number", "总期号": "total_number",
    "date": "date", "日期": "date",
    "editors": "editors", "编辑": "editors",
    "summary": "summary", "摘要": "summary",
    "cover": "cover", "封面": "cover",
    # 版记 (the back cover's imprint)
    "publisher": "publisher", "编印单位": "publisher", "编印": "publisher",
    "chief_editor": "chief_editor", "主编": "chief_editor",
    "responsible_editor": "responsible_editor", "责任编辑": "responsible_editor",
    "print_run": "print_run", "印数": "print_run",
    "printed_on": "printed_on", "印发日期": "printed_on",
    "report_to": "report_to", "报": "report_to", "报送": "report_to",
    "copy_to": "copy_to", "送": "copy_to", "抄送": "copy_to",
    "send_to": "send_to", "发": "send_to", "分发": "send_to",
    "permit": "permit", "准印证号": "permit", "准印证": "permit",
    "draft": "draft", "草稿": "draft",
}


def split_front_matter(text: str, path: Path) -> tuple[str, str, int]:
    """Return (front matter, body, line where the body starts). Front matter sits between --- lines."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, _('the article does not start with front matter'),
                           _('begin the file with a line ---, then title:, section:, date:, then another ---'))
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise ContentError(path, 1, _('the front matter that starts on line 1 is never closed'),
                       _('add a line with --- after the last front matter setting'))


@dataclass(frozen=True)
class ArticleFront:
    """An article's front matter as the build reads it: the settings by their keys as written, each
    key's line, and the body after it."""
    raw: dict
    lines: dict
    body: str
    body_line: int


def read_article_front(text: str, path: Path) -> ArticleFront:
    """The front matter of an article's text (as read_text gives it); ContentError at the line the build stops at."""
    front, body, body_line = split_front_matter(text, path)
    front = tidy_yaml(front, frozenset(ARTICLE_KEYS))
    raw = parse_yaml(front, path, first_line=2)
    if raw is None:
        raw = {}
    if isinstance(raw, str):
        problem = not_settings(front)
        raise ContentError(path, 2 + problem.index, problem.message, problem.hint)
    if not isinstance(raw, dict):
        raise ContentError(path, 2, _('front matter must be `key: value` lines'),
                           _('e.g. 标题: 我校召开……  (a space after the colon)'))
    return ArticleFront(raw, key_lines(front, first_line=2), body, body_line)


def article_draft(text: str, path: Path) -> bool:
    """Is the article's text a draft's, read as the build reads it (ContentError where the build stops)?"""
    front = read_article_front(text, path)
    meta = map_keys(front.raw, ARTICLE_KEYS, path, front.lines, [])
    line = front.lines.get(written_key(front.raw, ARTICLE_KEYS, "draft"))
    return bool(parse_flag(meta.get("draft"), key_namer(front.raw, ARTICLE_KEYS)("draft"), path, line))


def map_keys(raw: dict, known: dict[str, str], path: Path, lines: dict, warnings: list) -> dict:
    """Chinese and English keys to one English name; unknown keys warn with the closest known key. The
    same setting written twice (标题 and title) is an error: only one of the values could count."""
    meta = {}
    written: dict[str, str] = {}
    for key, value in raw.items():
        name = known.get(str(key).strip())
        if name is not None and name in meta:
            raise ContentError(path, lines.get(str(key)), _('`{key}` is the same setting as `{other}` (line {line})').format(
                key=key, other=written[name], line=lines.get(written[name])), _('delete one of the two lines'))
        if name is None:
            guess = did_you_mean(str(key), list(known))
            message = (_('unknown front matter key `{key}` is ignored; did you mean `{guess}`?').format(key=key, guess=guess) if guess
                       else _('unknown front matter key `{key}` is ignored').format(key=key))
            warnings.append(ContentWarning(path, lines.get(str(key)), message))
            continue
        meta[name] = value
        written[name] = str(key)
    return meta


def written_key(raw: dict, known: dict[str, str], name: str) -> str | None:
    return next((str(k) for k in raw if known.get(str(k).strip()) == name), None)


def key_namer(raw: dict, known: dict[str, str]) -> Callable[[str], str]:
    """A setting's name for messages, as the file writes it (期号, or number): an editor who wrote 期号
    is not told about `number`. A setting not written is named in Chinese, as the templates write it."""
    def name(key: str) -> str:
        written = written_key(raw, known, key)
        if written is not None:
            return written.strip()
        return next((alias for alias, meaning in known.items() if meaning == key and not alias.isascii()), key)
    return name


def text_value(value, key: str, path: Path, line: int | None) -> str:
    problem = text_problem(key, value)
    if problem:
        raise ContentError(path, line, *problem)
    if isinstance(value, bool):
        raise ContentError(path, line, _('`{key}` must be text, not {value!r}').format(key=key, value=value), _('put quotes around the value'))
    return one_line(str(value))


# A line break in a value (a `|` block, "\n") is a space, as on a page; other control characters (\0, \a
# in double quotes, a pasted ESC) are dropped: the feed was no longer XML, a card could not be drawn.
_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")


def one_line(text: str) -> str:
    """A value's text as one line, as the loader reads it (and the desk's form writes it)."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", text)).strip()


def optional_text(value, key: str, path: Path, line: int | None) -> str | None:
    return text_value(value, key, path, line) or None if value not in (None, "") else None


def text_list(value, key: str, path: Path, line: int | None) -> tuple[str, ...]:
    """A list, or one string separated by 、 , ， or spaces."""
    if value in (None, ""):
        return ()
    if isinstance(value, list):
        return tuple(text_value(v, key, path, line) for v in value if v not in (None, ""))
    if isinstance(value, dict):
        raise ContentError(path, line, _('`{key}` must be names separated by 、 or a list such as [甲, 乙], not a group of settings').format(key=key),
                           _('write them on the same line as `{key}:`').format(key=key))
    return tuple(p for p in re.split(r"[、,，;；]\s*|\s+", text_value(value, key, path, line)) if p)


def whole_number(value, key: str, path: Path, line: int | None, positive: bool = False) -> int:
    """An integer setting; positive: a count or a number printed as one (期号, 印数), which 0 or -1 is not."""
    if isinstance(value, bool) or not isinstance(value, int):
        # (digits as typed, full-width ones too: Python's int() also took 1_000 and ٣, which the form showed as typed)
        text = "" if isinstance(value, (list, dict)) else unicodedata.normalize("NFKC", str(value)).strip()
        if not re.fullmatch(r"[+-]?0*[0-9]{1,18}", text):   # (and not thousands of digits: int() refuses those)
            raise ContentError(path, line, _('`{key}` must be a whole number, not {value!r}').format(key=key, value=shown(value)))
        value = int(text)
    if positive and value < 1:   # (the cover printed 总第-1期, the 版记 共印-300份)
        raise ContentError(path, line, _('`{key}` must be a whole number above 0, not {value!r}').format(key=key, value=str(value)))
    return value


def parse_date(value, path: Path, line: int | None) -> date:
    """2024-06-16, 2024/6/16, 2024.6.16 or 2024年6月16日 -> date; impossible dates are errors."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = shown(value).strip()
    # (typed in full-width mode, ２０２４－０７－０５, or as said aloud, 7月5号)
    m = re.fullmatch(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?",
                     unicodedata.normalize("NFKC", text))
    if not m:
        raise ContentError(path, line, _('date {text!r} is not a date').format(text=text),
                           _('write it as 2024-06-16 or 2024年6月16日'))
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ContentError(path, line, _('date {text!r} does not exist ({reason})').format(text=text, reason=explain_exception(exc)), _('check the month and the day')) from None
