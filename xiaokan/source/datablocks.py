"""Tables and charts kept as CSV beside an article, placed with a one-line shortcode.

    {{< 表格 文件="universities.csv" 合并="省份" 标题="本科层次职业学校" >}}
    {{< 图表 类型="柱状图" 文件="per-year.csv" 标题="各年度设置学校数" 单位="所" >}}

The syntax is Hugo's shortcode syntax (English names work too: table, chart, file, merge, caption,
type=bar|pie, unit). A block is rendered by us from data, never from raw HTML, so it is inserted
after the article's HTML has been cleaned.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import did_you_mean, display_path
from ..core.i18n import _
from ..core.reasons import explain_exception
from . import charts

SHORTCODE = re.compile(r"^\s*\{\{<\s*(?P<name>[^\s>]+)(?P<args>.*?)>\}\}\s*$")
# What an editor means as a shortcode, even when typed with a Chinese input method or left unclosed.
_LOOKS_LIKE_SHORTCODE = re.compile(r"^\s*[{｛]\s*[{｛]\s*[<＜《]")
_FULL_WIDTH = str.maketrans({"｛": "{", "｝": "}", "＜": "<", "＞": ">", "《": "<", "》": ">", "＝": "=", "　": " "})
_ARG = re.compile(r'\s*([^\s=]+)\s*=\s*(?:"([^"]*)"|“([^”]*)”|(\S+))')
_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")

KINDS = {"table": "table", "表格": "table", "chart": "chart", "图表": "chart"}
KEYS = {"file": "file", "文件": "file", "caption": "caption", "标题": "caption", "merge": "merge", "合并": "merge",
        "type": "type", "类型": "type", "unit": "unit", "单位": "unit"}
ALLOWED = {"table": {"file", "caption", "merge"}, "chart": {"file", "caption", "type", "unit"}}
CHART_TYPES = {"bar": "bar", "柱状图": "bar", "pie": "pie", "饼图": "pie"}


def _guessed(written: str, known: dict[str, str], otherwise: str) -> str:
    """`did you mean 文件?` for a close spelling of a known name (文 件, 柱形图 …), else the hint otherwise."""
    guess = did_you_mean(written, list(known))
    return _('did you mean {guess}? ({hint})').format(guess=guess, hint=otherwise) if guess else otherwise


class BlockError(Exception):
    """A problem in a shortcode or its CSV, at a line of the article body (0-based)."""

    def __init__(self, index: int, message: str, hint: str | None = None):
        super().__init__(message)
        self.index, self.message, self.hint = index, message, hint


@dataclass(frozen=True)
class DataTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass
class Blocks:
    """Shortcode lines replaced by placeholders, the HTML for each, the CSV files read, and the problems
    of the blocks that could not be made (left out, so that the rest of the article can still be checked)."""
    text: str
    html: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    problems: list[BlockError] = field(default_factory=list)
    tag: str = "XIAOKANBLOCK"   # a word the article's own text does not hold (so typing it inserts nothing)

    def placeholder(self, i: int) -> str:
        return f"{self.tag}{i}END"

    def insert(self, rendered: str) -> str:
        """Put each block where its placeholder ended up (a paragraph, or inside a raw <div>)."""
        if not self.html:
            return rendered
        pattern = re.compile(rf"(?:<p>)?{self.tag}(\d+)END(?:</p>)?")
        return pattern.sub(lambda m: self.html[int(m.group(1))] if int(m.group(1)) < len(self.html)
                           else m.group(0), rendered)


def extract_blocks(text: str, folder: Path | None) -> Blocks:
    """Replace every shortcode line (outside code fences) by a placeholder paragraph and render it.
    A block that cannot be made is left out and its BlockError kept in Blocks.problems."""
    lines = text.split("\n")
    blocks = Blocks(text)
    while blocks.tag in text:
        blocks.tag += "X"
    fence = None
    for i, line in enumerate(lines):
        opener = _FENCE.match(line)
        if opener:
            fence = None if fence == opener.group(1) else (fence or opener.group(1))
            continue
        if fence or not _LOOKS_LIKE_SHORTCODE.match(line):
            continue
        try:
            blocks.html.append(_block_html(i, line, folder, blocks.files))
        except BlockError as exc:
            blocks.problems.append(exc)
            lines[i] = ""
            continue
        lines[i] = f"\n{blocks.placeholder(len(blocks.html) - 1)}\n"
    blocks.text = "\n".join(lines)
    return blocks


def _block_html(i: int, line: str, folder: Path | None, files: list[str]) -> str:
    """The HTML of the shortcode on line i (its CSV added to files), or BlockError."""
    match = SHORTCODE.match(line) or SHORTCODE.match(line.translate(_FULL_WIDTH))
    if not match:
        raise BlockError(i, _('this shortcode is not closed, or not written as {{< … >}}'),
                         _('write it on one line as {{< 表格 文件="data.csv" >}} with half-width braces'))
    name = match.group("name")
    kind = KINDS.get(name)
    if kind is None:
        raise BlockError(i, _('unknown shortcode {name!r}').format(name=name), _guessed(name, KINDS, _('use 表格 (table) or 图表 (chart)')))
    args = _parse_args(i, kind, match.group("args"))
    if folder is None:
        raise BlockError(i, _("{name} needs the article's folder to read {value!r}").format(name=name, value=args['file']))
    table = read_csv(i, folder, args["file"])
    files.append(args["file"])
    if kind == "table":
        merge = [m.strip() for m in re.split(r"[,，、]", args.get("merge", "")) if m.strip()]
        return table_html(i, table, args.get("caption"), merge, source=args["file"])
    return chart_html(i, table, args)


def files_digest(folder: Path, names: tuple[str, ...] | list[str]) -> str:
    """Size and modification time of the files a body was made from (CSV data, photos): a cached body
    is reused only while this is unchanged."""
    digest = hashlib.sha256()
    for name in names:
        try:
            stat = (folder / name).stat()
            digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{name}\0missing\n".encode())
    return digest.hexdigest()


def _parse_args(i: int, kind: str, raw: str) -> dict[str, str]:
    args: dict[str, str] = {}
    rest = raw
    while rest.strip():
        match = _ARG.match(rest)
        if not match:
            raise BlockError(i, _('cannot read {value!r} in the shortcode').format(value=rest.strip()),
                             _('write options as 名称="值", e.g. 文件="data.csv"'))
        key, value = match.group(1), next(g for g in match.groups()[1:] if g is not None)
        canonical = KEYS.get(key)
        if canonical not in ALLOWED[kind]:
            names = "、".join(k for k, v in KEYS.items() if v in ALLOWED[kind])
            allowed = {k: v for k, v in KEYS.items() if v in ALLOWED[kind]}
            raise BlockError(i, _('unknown option {key!r}').format(key=key),
                             _guessed(key, allowed, _('this shortcode takes {names}').format(names=names)))
        args[canonical] = value
        rest = rest[match.end():]
    if "file" not in args:
        raise BlockError(i, _('the shortcode names no CSV file'), _('add 文件="data.csv" (the file beside the article)'))
    return args


def read_csv(i: int, folder: Path, name: str) -> DataTable:
    """A CSV beside the article. UTF-8 (with or without BOM), or GBK as Excel saves it on Chinese Windows."""
    path = folder / name
    if Path(name).is_absolute() or not path.resolve().is_relative_to(folder.resolve()):
        if not Path(name).is_absolute() and path.is_symlink():   # (it would publish the table of a file elsewhere)
            raise BlockError(i, _("data file {name!r} is a link that leads to {target}, outside the article's folder").format(
                name=name, target=display_path(path.resolve())), _('copy the CSV file itself next to the article instead of linking to it'))
        raise BlockError(i, _("data file {name!r} is outside the article's folder").format(name=name), _('put the CSV next to the article'))
    try:
        data = path.read_bytes()
    except OSError:
        raise BlockError(i, _('data file {name!r} does not exist').format(name=name), _('put {name} in {name2}/').format(name=name, name2=folder.name)) from None
    text = _decode_csv(i, name, data)
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    try:
        for row in reader:
            if reader.line_num > line:   # a quoted cell that runs over several lines: a quote left open
                raise BlockError(i, _('{name} line {line}: a quote opened here closes only on line {line_num}').format(name=name, line=line, line_num=reader.line_num),
                                 _('a cell that starts with " must end with "; remove the stray quote (a cell may not span lines)'))
            if any(c.strip() for c in row):
                rows.append([cell.strip() for cell in row])
            line = reader.line_num + 1
    except csv.Error as exc:
        raise BlockError(i, _('{name} line {line}: the CSV cannot be read ({reason})').format(name=name, line=line, reason=explain_exception(exc)),
                         _('check the double quotes on that line: a cell with a comma or a quote is written "like, this"')) from None
    if len(rows) < 2:
        raise BlockError(i, _('data file {name!r} has no rows under its header').format(name=name),
                         _('the first line names the columns, each further line is one row'))
    width = len(rows[0])
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != width:
            raise BlockError(i, _('{name} line {n} has {count} cells, the header has {width}').format(name=name, n=n, count=len(row), width=width),
                             _('a cell containing a comma must be in double quotes'))
    return DataTable(tuple(rows[0]), tuple(tuple(r) for r in rows[1:]))


def _decode_csv(i: int, name: str, data: bytes) -> str:
    """UTF-8 (BOM or not), else GBK/GB18030 as Excel saves on Chinese Windows. A UTF-8 file with a few
    damaged bytes is refused (read as GBK it would turn every Chinese cell into nonsense)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        guess = data.decode("utf-8", errors="replace")
        damaged = guess.count("\ufffd")
        if sum(1 for c in guess if ord(c) > 127) - damaged > damaged:
            raise BlockError(i, _('{name} line {line}: the file is UTF-8 but has bytes that are not text here').format(name=name, line=line),
                             _('open the CSV, retype that line and save it again as UTF-8 (CSV UTF-8)')) from None
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise BlockError(i, _('{name} line {line}: the file is neither UTF-8 nor GBK text').format(name=name, line=line),
                         _('in Excel: 另存为 → CSV UTF-8 (逗号分隔)')) from None


def merged_spans(rows: tuple[tuple[str, ...], ...], column: int, breaks: frozenset[int] = frozenset()) -> list[int]:
    """Rowspan of each cell in a column where equal neighbours merge: 0 means covered by the cell above.
    A merged cell never crosses a row in `breaks` (where a merged column to its left starts a new cell)."""
    spans = [1] * len(rows)
    start = 0
    for r in range(1, len(rows) + 1):
        if r < len(rows) and r not in breaks and rows[r][column] == rows[start][column] and rows[r][column]:
            spans[start] += 1
            spans[r] = 0
        else:
            start = r
    return spans


def _cell(text: str) -> str:
    """Cell text, escaped; `[text](url)` becomes a link."""
    out, last = [], 0
    for m in _MD_LINK.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        out.append(f'<a href="{html.escape(m.group(2))}">{html.escape(m.group(1))}</a>')
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _column(i: int, table: DataTable, name: str) -> int:
    if name not in table.header:
        raise BlockError(i, _('column {name!r} is not in the CSV header').format(name=name), _('the columns are {names}').format(names="、".join(table.header)))
    return table.header.index(name)


def table_html(i: int, table: DataTable, caption: str | None, merge: list[str], label: str | None = None,
               source: str | None = None) -> str:
    """The table as HTML; source, the CSV it was read from, is named on it (data-source) for the print
    edition's preflight, which names the file of a table too long to print."""
    spans: dict[int, list[int]] = {}
    breaks: set[int] = set()
    for c in sorted(_column(i, table, m) for m in merge):   # left to right: outer groups first
        spans[c] = merged_spans(table.rows, c, frozenset(breaks))
        breaks |= {r for r, span in enumerate(spans[c]) if span}
    # Each scrolling box is a landmark and needs a name of its own: the caption, else the columns.
    label = html.escape(label or caption or table_label(table.header))
    # With merged cells, each group of the outermost merged column is a <tbody> of its own, which
    # print keeps on one page: a merged cell split by a page break would leave rows without their 省份.
    outer = spans[min(spans)] if spans else None
    kind = "data merged" if spans else "data"
    named = f' data-source="{html.escape(source)}"' if source else ""
    parts = [f'<div class="table-wrap" role="region" aria-label="{label}" tabindex="0"><table class="{kind}"{named}>']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f'<th scope="col">{html.escape(h)}</th>' for h in table.header)
                 + "</tr></thead><tbody>")
    for r, row in enumerate(table.rows):
        if outer and r and outer[r]:
            parts.append("</tbody><tbody>")
        cells = []
        for c, text in enumerate(row):
            span = spans[c][r] if c in spans else 1
            if span == 0:
                continue
            cells.append(f'<td rowspan="{span}">{_cell(text)}</td>' if span > 1 else f"<td>{_cell(text)}</td>")
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    return "".join(parts)


def table_label(header) -> str:
    return "表格：" + "、".join(h for h in header if h)[:40]


def chart_html(i: int, table: DataTable, args: dict[str, str]) -> str:
    kind = CHART_TYPES.get(args.get("type", "bar"))
    if kind is None:
        raise BlockError(i, _('unknown chart type {value!r}').format(value=args['type']),
                         _guessed(args['type'], CHART_TYPES, _('use 柱状图 (bar) or 饼图 (pie)')))
    if len(table.header) < 2:   # (read_csv made every row as wide as the header)
        raise BlockError(i, _('{value} needs two columns: a label and a number (0 or more)').format(value=args['file']))
    if len(table.rows) > charts.MAX_VALUES:
        raise BlockError(i, _('{value} has {count} rows; a chart shows at most {limit} (beyond that no bar or slice can be told apart)').format(
                             value=args['file'], count=f"{len(table.rows):,}", limit=charts.MAX_VALUES),
                         _('show the data as a table: {shortcode}, or chart a summary of it').format(
                             shortcode=f'{{{{< 表格 文件="{args["file"]}" >}}}}'))
    labels, values = [], []
    for n, row in enumerate(table.rows, start=2):
        try:
            value = float(row[1].replace(",", ""))
        except ValueError:
            value = float("nan")
        if not value >= 0:   # not a number, or negative
            raise BlockError(i, _('{value} line {n}: {value2!r} is not a number (0 or more)').format(value=args['file'], n=n, value2=row[1]),
                             _('a chart reads labels from the first column and numbers from the second'))
        labels.append(row[0])
        values.append(value)
    if kind == "pie" and not sum(values):
        raise BlockError(i, _('{value}: a pie chart needs at least one value above 0').format(value=args['file']))
    chart = charts.Chart(kind, args.get("caption", ""), table.header[0], table.header[1], tuple(labels),
                         tuple(values), args.get("unit", ""), charts.decimals_of(row[1] for row in table.rows))
    caption = html.escape(chart.caption)
    data = table_html(i, table, None, [], label=f"数据：{chart.caption or chart.value_name}")
    # The numbers are also a table (behind 查看数据) for screen readers and for copying.
    return (f'<figure class="chart chart-{kind}">{charts.svg(chart)}'
            + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>"
            + f'<details class="chart-data"><summary>查看数据：{caption or "图表"}</summary>{data}</details>')
