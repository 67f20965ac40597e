"""What the desk's requests may hold: every field of a JSON body and every value of a query, checked
here, in one place, before a service function sees it. A field of the wrong type, too long, or
holding what no file can hold (a lone surrogate, a NUL) is a 400 naming the field in Chinese, never
an exception further down (a number where a list belongs, a list where a number does).

A check is a function (field name, value) -> the value to use, raising BadRequest."""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from ...core.i18n import _
from ...source.content import ISSUE_ID
from .paths import MAX_ISSUE_ID
from .wsgi import BadRequest

Check = Callable[[str, Any], Any]
MAX_LINE = 1000            # characters of a one-line field (a title, a name, a path)
MAX_BODY_TEXT = 5_000_000  # characters of an article's text
_DIGITS = re.compile(r"[0-9]{1,12}")


def wrong(field: str, kind: str) -> BadRequest:
    return BadRequest(_('the request\'s `{field}` must be {kind}').format(field=field, kind=kind))


def text(max_chars: int = MAX_LINE) -> Check:
    """Text of at most max_chars characters that UTF-8 can write (no lone surrogate) and without NUL."""
    def check(field: str, value):
        if not isinstance(value, str):
            raise wrong(field, _('text'))
        if len(value) > max_chars:
            raise BadRequest(_('the request\'s `{field}` is too long (at most {count} characters)').format(
                field=field, count=max_chars))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BadRequest(_('the request\'s `{field}` holds a character that is not text (U+{code:04X})').format(
                field=field, code=ord(value[exc.start]))) from None
        if "\0" in value:
            raise BadRequest(_('the request\'s `{field}` holds a character that is not text (U+{code:04X})').format(
                field=field, code=0))
        return value
    return check


def flag(field: str, value) -> bool:
    if not isinstance(value, bool):
        raise wrong(field, _('true or false'))
    return value


def whole(lowest: int = 0, highest: int = 10**9) -> Check:
    """A whole number (JSON number, or digits as text) from lowest to highest."""
    def check(field: str, value):
        if isinstance(value, str) and _DIGITS.fullmatch(value):
            value = int(value)
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
            raise wrong(field, _('a whole number'))
        return value
    return check


def issue_id(field: str, value) -> str:
    """The name of an issue's folder: ASCII letters, digits, - and _, at most MAX_ISSUE_ID characters."""
    value = text(MAX_ISSUE_ID + 1)(field, value).strip()
    if not ISSUE_ID.fullmatch(value) or len(value) > MAX_ISSUE_ID:
        raise BadRequest(_('{value!r} is not an issue ID: letters, digits and - (at most {count}), the name of its '
                           'folder, e.g. 2024-08').format(value=value[:80], count=MAX_ISSUE_ID))
    return value


def list_of(item: Check, max_items: int = 1000) -> Check:
    def check(field: str, value):
        if not isinstance(value, list) or len(value) > max_items:
            raise wrong(field, _('a list'))
        return [item(field, v) for v in value]
    return check


def optional(inner: Check) -> Check:
    """inner, or None for a missing field or JSON null."""
    return lambda field, value: None if value is None else inner(field, value)


def one_of(*inner: Check) -> Check:
    """The first of several checks that accepts the value (a field that may be text or a list)."""
    def check(field: str, value):
        for candidate in inner[:-1]:
            try:
                return candidate(field, value)
            except BadRequest:
                continue
        return inner[-1](field, value)
    return check


def record(spec: dict[str, Check], partial: bool = False) -> Check:
    """A JSON object with these fields, each checked (a missing one is None to its check). partial: a
    form of which only the fields given count (a field spec does not name is refused)."""
    def check(field: str, value):
        if not isinstance(value, dict):
            raise wrong(field, _('a group of fields'))
        if not partial:
            return {name: each(name, value.get(name)) for name, each in spec.items()}
        for key in value:
            if key not in spec:
                raise BadRequest(_('the request has a field the desk does not know: {field!r}').format(field=str(key)[:80]))
        return {name: spec[name](name, given) for name, given in value.items()}
    return check


def read(data, spec: dict[str, Check]) -> dict:
    """The request's JSON body (or query) checked against spec: {field: value}."""
    return record(spec)(_('request'), data)


def default(inner: Check, value) -> Check:
    """inner, with value for a missing field."""
    return lambda field, given: value if given is None else inner(field, given)
