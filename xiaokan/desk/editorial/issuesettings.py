"""issue.yaml as the desk's form (ISSUE_FIELDS) writes and reads it: 新建一期's new file (new_issue_text)
and 刊期设置, an issue's settings opened in that form and saved back line by line, as the article form
saves a front matter: a field the editor did not change keeps its line as written, and comments, key
order and keys the form does not show stay. Nothing is written unless the build's own loader reads the
new file (check_loads) and, for 刊期设置, the file on disk is still the version the form was opened with."""
from __future__ import annotations

import re
import shutil
import tempfile
import threading
import unicodedata
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from ...core.errors import ContentError
from ...core.i18n import _
from ...source.config import load_config
from ...source.content import load_issue
from ...source.frontmatter import ISSUE_KEYS, parse_date
from ...source.yamlfile import decoded, parse_yaml, shown, tidy_yaml
from .. import scaffold
from ..numbering import numbers_for
from . import articles, frontmatter, history
from .paths import issue_folder

# The issue.yaml form: (name in the model, key written), in the order editors fill them in.
ISSUE_FIELDS = (("title", "标题"), ("number", "期号"), ("total_number", "总期号"), ("date", "日期"),
                ("editors", "编辑"), ("summary", "摘要"), ("publisher", "编印单位"), ("chief_editor", "主编"),
                ("responsible_editor", "责任编辑"), ("print_run", "印数"))
# What the 新建一期 form calls each setting (desk.js newIssue): the loader's messages name it as written (`期号`).
FORM_LABELS = {**dict(ISSUE_FIELDS), "number": "本年期号", "date": "出版日期"}
NUMBER_FIELDS = frozenset({"number", "total_number", "print_run"})   # (typed in full-width digits: ５ is 5)
_KEYS = frozenset(ISSUE_KEYS)
_lock = threading.Lock()   # (compare-then-write is one step: two saves never interleave)


class Changed(ContentError):
    """issue.yaml changed on disk since the form was opened: nothing is written."""


def open_settings(root: Path, issue_id: str) -> dict:
    """{'id', 'fields': the form's values as text, 'digest': of issue.yaml's bytes, sent back with the save}."""
    path = issue_folder(root, issue_id) / "issue.yaml"
    data = path.read_bytes()
    raw = _parsed(decoded(data, path), path)
    fields = {name: _form_text(name, raw.get(key)) for name, key in
              ((name, _written_key(raw, name)) for name, _key in ISSUE_FIELDS)}
    return {"id": issue_id, "fields": fields, "digest": articles.digest(data)}


def save_settings(root: Path, issue_id: str, values: dict, base_digest: str, who: str) -> str:
    """Write the form's values into issue.yaml if it is still the version the form showed; its new digest.
    Changed when it is not, ContentError (in the form's words) when the loader refuses the new file:
    either way issue.yaml is left as it was."""
    folder = issue_folder(root, issue_id)
    path, rel = folder / "issue.yaml", f"{issue_id}/issue.yaml"
    with _lock:
        current = path.read_bytes()
        if articles.digest(current) != base_digest:
            raise Changed(None, None, _('the settings of issue {issue_id} were changed (by someone else, or in another '
                                        'window) since you opened 刊期设置').format(issue_id=issue_id),
                          _('close the form and open 刊期设置 again: it shows the settings as they are now; then make '
                            'your change again'))
        text = composed(decoded(current, path), values, path)
        data = articles.as_on_disk(text, current)
        if data == current:
            return base_digest
        with checked_issue(root, issue_id, text, beside=folder):
            pass
        history.keep_disk_version(root, rel, who)
        articles.write_atomic(path, data)
        history.record(root, rel, data, who, _("saved the issue's settings (刊期设置)"))
        return articles.digest(data)


def new_issue_text(root: Path, issue_id: str, values: dict) -> tuple[str, list[str]]:
    """新建一期's issue.yaml: scaffold's for the ID, numbered as new-issue numbers it, with the form's values
    written in as 刊期设置 writes them (composed: on the template's line, a commented-out example made a
    setting); and new-issue's notices."""
    day = scaffold.date_of_issue_id(issue_id) or date.today()
    try:   # (the examples below, 印发日期's, show the date typed in the form)
        day = parse_date(frontmatter.one_line(values.get("date") or ""), Path("issue.yaml"), None) if values.get("date") else day
    except ContentError:
        pass   # (the loader says what is wrong with it)
    numbers = numbers_for(root, issue_id, day)
    typed = unicodedata.normalize("NFKC", str(values.get("number") or "")).strip()   # (a 本年期号 typed names the issue)
    number = int(typed) if re.fullmatch(r"0*[0-9]{1,6}", typed) else numbers.number   # (else the loader says what is wrong)
    template = scaffold.ISSUE_TEMPLATE.format(title=f"{day.year}年第{number}期", number=numbers.number,
                                              total=numbers.total, today=day.isoformat())
    text = composed(template, {name: value for name, value in values.items() if value not in (None, "")}, Path("issue.yaml"))
    notices = list(numbers.notices) if not {"number", "total_number"} & {k for k, v in values.items() if v} else []
    return text, notices


def check_loads(root: Path, folder: Path) -> None:
    """The issue as the build reads it; its problem, in the form's terms (no file, no line), if it has one."""
    try:
        load_issue(folder, load_config(root / "site.yaml"), [], [], {}, drafts=True)
    except ContentError as exc:
        message, hint = exc.message, exc.hint
        for written, key in ISSUE_KEYS.items():   # (the loader names a setting as issue.yaml writes it: `期号`, `number`)
            if key in FORM_LABELS:
                message, hint = (text.replace(f"`{written}`", FORM_LABELS[key]) if text else text for text in (message, hint))
        raise ContentError(None, None, message, hint) from None


def composed(text: str, values: dict, path: Path) -> str:
    """issue.yaml's text with the changed fields written in: a changed field on its own line (the key as
    the editor wrote it, the comment after it kept), a field the file has only as the template's
    commented-out line (`# 印数: 300`) on that line, any other at the end."""
    lines = text.split("\n")
    now = _parsed(text, path)
    for name, written in ISSUE_FIELDS:
        if name not in values:
            continue
        value = _yaml_value(name, values[name])
        if value == _yaml_value(name, _form_text(name, now.get(_written_key(now, name)))):
            continue
        tidy = tidy_yaml("\n".join(lines), _KEYS).split("\n")   # (line for line: a full-width colon read as one)
        index = _line_of(tidy, name)
        if index is not None:
            lines[index:frontmatter.value_end(tidy, index, _KEYS)] = [frontmatter.replaced(tidy[index], value, aligned=True)]
            continue
        if value in ("", "[]"):   # (an empty setting the file does not have stays unwritten)
            continue
        index = _commented_line(lines, name)
        if index is not None:   # (`# 印数: 300   # 份数…` becomes `印数: 500   # 份数…`)
            lines[index] = frontmatter.replaced(re.sub(r"^#\s*", "", lines[index]), value, aligned=True)
        else:
            lines.insert(len(lines) - 1 if lines and lines[-1] == "" else len(lines), f"{written}: {value}")
    return "\n".join(lines)


def _parsed(text: str, path: Path) -> dict:
    """issue.yaml's settings as written (every key, any language); ContentError, as the build says it, when
    it cannot be read as settings."""
    raw = parse_yaml(tidy_yaml(text, _KEYS), path)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ContentError(path, 1, _('issue.yaml must be a list of `key: value` settings'))
    return raw


def _written_key(raw: dict, name: str):
    return next((k for k in raw if ISSUE_KEYS.get(str(k).strip()) == name), None)


def _form_text(name: str, value) -> str:
    if value is None:
        return ""
    if name == "editors" and isinstance(value, list):
        return "、".join(shown(v) for v in value if v not in (None, ""))
    text = frontmatter.one_line(shown(value))
    if name == "date":
        try:
            return parse_date(text, Path("issue.yaml"), None).isoformat()
        except ContentError:
            return text
    return text


def _yaml_value(name: str, value) -> str:
    """The value as written into issue.yaml (as 新建一期 writes it too), or the loader's
    complaint deferred: a date that is no date is written as typed, for the loader to name."""
    text = frontmatter.one_line(value)
    if name in NUMBER_FIELDS:   # (typed in full-width digits: ５ is 5)
        text = unicodedata.normalize("NFKC", text)
    if name == "editors":
        return "[" + ", ".join(frontmatter.scalar(p, in_list=True) for p in re.split(r"[、,，;；]\s*|\s+", text) if p) + "]"
    if not text:
        return ""
    if name == "date":
        try:
            return parse_date(text, Path("issue.yaml"), None).isoformat()
        except ContentError:
            pass
    return frontmatter.scalar(text)


def _line_of(lines: list[str], name: str) -> int | None:
    for i, line in enumerate(lines):
        m = re.match(r"^([^\s#:\-][^:]*?)\s*:", line)
        if m and ISSUE_KEYS.get(m.group(1).strip()) == name:
            return i
    return None


def _commented_line(lines: list[str], name: str) -> int | None:
    keys = "|".join(re.escape(k) for k, v in ISSUE_KEYS.items() if v == name)
    return next((i for i, line in enumerate(lines) if re.match(rf"^#\s*(?:{keys})\s*[:：]", line)), None)


@contextmanager
def checked_issue(root: Path, issue_id: str, text: str, beside: Path | None = None):
    """A folder of .desk/ named as the issue, holding this issue.yaml (and, from the issue folder `beside`,
    the cover it names), given once the build's own loader has read it (check_loads: its problem, in the
    form's words, otherwise); removed afterwards unless it was moved away (新建一期 moves it into content/)."""
    desk = root / ".desk"
    desk.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staged-issue-", dir=desk))
    try:
        made = staging / issue_id
        made.mkdir()
        (made / "issue.yaml").write_text(text, encoding="utf-8")
        if beside is not None:
            _copy_cover(beside, made, text)
        check_loads(root, made)
        yield made
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copy_cover(folder: Path, made: Path, text: str) -> None:
    """The cover issue.yaml names, from the issue's folder (without it the loader refused an issue with a 封面)."""
    try:
        raw = _parsed(text, made / "issue.yaml")
    except ContentError:
        return   # (the loader says what is wrong)
    cover = raw.get(_written_key(raw, "cover"))
    cover = cover.strip() if isinstance(cover, str) else ""
    if cover and (folder / cover).is_file() and (folder / cover).resolve().is_relative_to(folder.resolve()):
        (made / cover).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / cover, made / cover)
