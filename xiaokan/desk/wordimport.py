"""`build.py import 稿件.docx --issue 2024-07 --section 评建动态`: a department's Word file as a draft article.

mammoth turns the .docx into semantic HTML (styles to headings, Word's numbering to lists, merged
cells to rowspan, footnotes, pictures); this module arranges that HTML as our article (title,
作者/来源 lines, hand-typed Chinese numbering as headings, photos with their caption line, merged
tables as CSV for the 表格 shortcode) and markdownify writes it as Markdown. The Word file itself
is read once more (docxread.py) for what mammoth leaves out (text boxes, equations, comments, tracked changes),
and the article's text is compared with the document's, so that nothing is dropped silently.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ContentError
from ..i18n import N_, _
from .docxread import chinese_labels, document_xml, paragraph_texts, unmapped
from .scaffold import article_path, issue_date, issue_folder, next_order, yaml_text

# Word's Title style is the article's title; mammoth maps headings 1-3 by itself.
STYLE_MAP = """
p[style-name='Title'] => h1.doc-title:fresh
p[style-name='标题'] => h1.doc-title:fresh
p[style-name='Subtitle'] => p.doc-subtitle:fresh
p[style-name='副标题'] => p.doc-subtitle:fresh
"""
_AUTHOR = re.compile(r"^[（(]?\s*(?:作者|撰稿|撰文|文|文字|记者)\s*[:：/]\s*(.+?)\s*[）)]?$")
_SOURCE = re.compile(r"^[（(]?\s*(?:来源|信息来源|稿件来源|供稿|供稿单位)\s*[:：]\s*(.+?)\s*[）)]?$")
_CAPTION = re.compile(r"^图\s*[\d一二三四五六七八九十]*\s*[:：.．、]?\s*(.+?)\s*(?:[（(]([^（）()]*(?:供图|摄|提供|图片)[^（）()]*)[）)])?$")
# Hand-typed numbering: 一、 as a heading, （一） as a subheading, 1. (only when short).
_LEVELS = ((re.compile(r"^[一二三四五六七八九十百]+、"), "h3"), (re.compile(r"^[（(][一二三四五六七八九十百]+[）)]"), "h4"),
           (re.compile(r"^\d{1,2}[.．](?!\d)"), "h5"))
MAX_HEADING = 30   # a numbered line longer than this is a paragraph with a run-in head, as Chinese documents have


@dataclass
class ImportReport:
    source: Path
    article: Path
    title: str
    mapped: dict[str, int] = field(default_factory=dict)   # what was converted, by kind
    unmapped: list[str] = field(default_factory=list)     # what needs the editor's eye, and where
    missing: list[str] = field(default_factory=list)      # paragraphs of the document not in the article

    def lines(self) -> list[str]:
        found = _(", ").join(f"{_(kind)} {n}" for kind, n in self.mapped.items() if n)
        out = [_("{source} → {article} (draft): {found}").format(source=self.source.name, article=self.article.as_posix(),
                                                                found=found or _("text only"))]
        out += [_("  check: {item}").format(item=item) for item in self.unmapped]
        out += [_("  text not imported: {text}").format(text=text) for text in self.missing]
        return out


def import_documents(root: Path, sources: list[Path], issue_id: str, section: str) -> list[ImportReport]:
    """Import each .docx named (a folder means every .docx in it)."""
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(p for p in source.glob("*.docx") if not p.name.startswith("~$"))
        else:
            files.append(source)
    if not files:
        raise ContentError(sources[0] if sources else None, None, _('no Word file (.docx) to import'),
                           _('name .docx files, or a folder that has them'))
    return [import_docx(root, path, issue_id, section) for path in files]


def import_docx(root: Path, source: Path, issue_id: str, section: str) -> ImportReport:
    import mammoth
    from bs4 import BeautifulSoup

    folder = issue_folder(root, issue_id, section)
    if source.suffix.lower() != ".docx" or not source.is_file():
        hint = (_("open it in Word or WPS and save it as .docx (文件 → 另存为 → Word 文档)") if source.suffix.lower() == ".doc"
                else _("name a .docx file"))
        raise ContentError(source, None, _('this is not a Word file (.docx) that can be imported'), hint)
    pictures: list[tuple[bytes, str]] = []

    def keep_picture(image) -> dict:
        with image.open() as stream:
            pictures.append((stream.read(), image.content_type or "image/png"))
        return {"src": f"xiaokan-picture-{len(pictures)}", "alt": image.alt_text or ""}

    try:
        with source.open("rb") as stream:
            result = mammoth.convert_to_html(stream, style_map=STYLE_MAP,
                                             convert_image=mammoth.images.img_element(keep_picture))
        xml = document_xml(source)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ContentError(source, None, _('this Word file cannot be read ({exc})').format(exc=exc),
                           _('open it in Word or WPS and save it again as .docx')) from None
    soup = BeautifulSoup(result.value, "html.parser")
    _chinese_lists(soup, chinese_labels(xml))
    title = _take_title(soup) or source.stem
    path = article_path(folder, title)
    report = ImportReport(source, path.relative_to(root), title)
    author, origin = _take_meta(soup)
    _tidy_paragraphs(soup, report)
    blocks: list[str] = []   # Markdown written by us (pictures, tables), placed after markdownify
    _pictures(soup, pictures, path, blocks, report)
    _tables(soup, path, blocks, report)
    notes = _footnotes(soup, report)
    report.mapped[N_("paragraphs")] = len([p for p in soup.find_all("p") if not p.find_parent(["table", "li"])
                                 and _text(p) and not _text(p).startswith("XIAOKANBLOCK")])
    report.mapped[N_("lists")] = len(soup.find_all(["ol", "ul"]))
    body = _markdown(soup, blocks, notes)
    front = ["---", f"标题: {yaml_text(title)}", f"栏目: {section}", f"日期: {issue_date(folder / 'issue.yaml').isoformat()}"]
    if origin:
        front.append(f"来源: {yaml_text(origin)}")
    if author:
        front.append(f"作者: {yaml_text(author)}")
    front += [f"排序: {next_order(root, issue_id, section)}", "草稿: true        # 导入的稿件：审校后改成 false 再发布", "---"]
    path.write_text("\n".join(front) + "\n" + body, encoding="utf-8")
    report.unmapped += unmapped(xml)
    report.missing = _missing_text(xml, body + "".join(_csv_texts(path.parent, path.stem)), title, author, origin)
    return report


def _chinese_lists(soup, labels: dict[str, str]) -> None:
    """Items Word numbered 一、二、 become paragraphs that start with their label, as the document shows them."""
    if not labels:
        return
    for item in soup.find_all("li"):
        label = labels.get(_text(item))
        if label is None:
            continue
        paragraph = soup.new_tag("p")
        paragraph.append(label)
        for child in list(item.children):
            paragraph.append(child.extract())
        listing = item.parent
        listing.insert_before(paragraph)
        item.decompose()
        if listing is not None and not listing.find_all("li"):
            listing.decompose()


def _text(element) -> str:
    return element.get_text().strip()


def _take_title(soup) -> str | None:
    """The document's title: its Title style, else a first heading, else a first short bold line."""
    first = soup.find(["h1", "h2", "p"])
    candidates = [soup.find("h1", class_="doc-title"), first if first is not None and first.name in ("h1", "h2") else None]
    if first is not None and first.name == "p" and first.find("strong") and _text(first) == _text(first.find("strong")) \
            and len(_text(first)) <= 60:
        candidates.append(first)
    for element in candidates:
        if element is not None and _text(element):
            title = re.sub(r"\s+", " ", _text(element))
            element.decompose()
            subtitle = soup.find("p", class_="doc-subtitle")
            if subtitle is not None:
                subtitle.name = "p"
            return title
    return None


def _take_meta(soup) -> tuple[str | None, str | None]:
    """作者：… and 来源：… / （供稿：…） lines become front matter and leave the text."""
    author = source = None
    for p in soup.find_all("p", recursive=False):
        text = _text(p).replace("\u3000", " ").strip()
        if len(text) > 60:
            continue
        if author is None and (m := _AUTHOR.match(text)):
            author = m.group(1)
            p.decompose()
        elif source is None and (m := _SOURCE.match(text)):
            source = m.group(1)
            p.decompose()
    return author, source


def _tidy_paragraphs(soup, report: ImportReport) -> None:
    """No indentation spaces; hand-typed 一、（一）1. lines as headings; Word's headings one level down
    (the article's title is the page's only h1)."""
    for heading in soup.find_all(["h1", "h2", "h3", "h4"]):
        heading.name = f"h{min(int(heading.name[1]) + 1, 6)}"
    report.mapped[N_("headings")] = len(soup.find_all(["h2", "h3", "h4", "h5", "h6"]))
    for p in soup.find_all("p"):
        for node in p.find_all(string=True):
            if node.strip():
                node.replace_with(node.lstrip("\u3000 \u00a0\t"))
                break
        text = _text(p)
        if p.find_parent(["table", "li"]) or not text or len(text) > MAX_HEADING or text.endswith(("。", "；", "，")):
            continue
        for pattern, level in _LEVELS:
            if pattern.match(text):
                p.name = level
                report.mapped[N_("headings")] += 1
                break


def _pictures(soup, pictures, path: Path, blocks: list[str], report: ImportReport) -> None:
    """Each picture saved beside the article (<article>-1.png …), with the caption line that follows it."""
    extension = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}
    stem = re.sub(r"^\d+-", "", path.stem)
    count = 0
    for img in soup.find_all("img"):
        index = int(img["src"].rsplit("-", 1)[1]) - 1
        data, kind = pictures[index]
        if kind not in extension:
            report.unmapped.append(_("picture {number} is {kind}, which web pages cannot show; it was not imported")
                                   .format(number=index + 1, kind=kind))
            img.decompose()
            continue
        count += 1
        name = f"{stem}-{count}{extension[kind]}"
        (path.parent / name).write_bytes(data)
        holder = img.find_parent("p") or img
        caption, credit = img.get("alt", "").strip(), None
        following = holder.find_next_sibling()
        if following is not None and following.name == "p" and (m := _CAPTION.match(_text(following))):
            caption, credit = m.group(1), m.group(2)
            following.decompose()
        if not caption:
            caption = f"图{count}"
            report.unmapped.append(_("picture {name} has no caption: write what it shows (screen readers read it aloud)")
                                   .format(name=name))
        blocks.append(f'![{caption}]({name}' + (f' "{credit}"' if credit else "") + ")")
        holder.replace_with(_marker(soup, len(blocks)))
    report.mapped[N_("pictures")] = count


def _tables(soup, path: Path, blocks: list[str], report: ImportReport) -> None:
    """Tables without merged cells stay Markdown tables; a table with merged cells becomes a CSV beside
    the article, placed with the 表格 shortcode, its merged columns named (合并) so the merge is kept."""
    stem = re.sub(r"^\d+-", "", path.stem)
    merged = 0
    for table in soup.find_all("table"):
        rows = table.find_all("tr")
        if not any(cell.get("rowspan") or cell.get("colspan") for cell in table.find_all(["td", "th"])):
            continue
        grid: dict[tuple[int, int], str] = {}
        merge_columns: set[int] = set()
        for r, row in enumerate(rows):
            c = 0
            for cell in row.find_all(["td", "th"], recursive=False):
                while (r, c) in grid:
                    c += 1
                down, across = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
                if down > 1:
                    merge_columns.add(c)
                if across > 1:
                    report.unmapped.append(_("row {row} of a table has cells merged across; they were split "
                                             "(the text is in the left one)").format(row=r + 1))
                for dr in range(down):
                    for dc in range(across):
                        grid[(r + dr, c + dc)] = re.sub(r"\s+", " ", _text(cell)) if dc == 0 else ""
                c += across
        width = 1 + max(c for _, c in grid)
        merged += 1
        name = f"{stem}-table-{merged}.csv"
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for r in range(len(rows)):
            writer.writerow([grid.get((r, c), "") for c in range(width)])
        (path.parent / name).write_text(out.getvalue(), encoding="utf-8")
        header = [grid.get((0, c), "") for c in range(width)]
        merge = ",".join(header[c] for c in sorted(merge_columns) if header[c])
        blocks.append(f'{{{{< 表格 文件="{name}"' + (f' 合并="{merge}"' if merge else "") + " >}}")
        table.replace_with(_marker(soup, len(blocks)))
    report.mapped[N_("tables")] = len(soup.find_all("table")) + merged
    report.mapped[N_("tables with merged cells (CSV)")] = merged


def _footnotes(soup, report: ImportReport) -> list[str]:
    """Word footnotes as Markdown footnotes [^1]."""
    notes: dict[str, str] = {}
    for item in soup.find_all("li", id=re.compile(r"^(foot|end)note-")):
        for back in item.find_all("a", href=re.compile(r"^#(foot|end)note-ref-")):
            back.decompose()
        notes[item["id"]] = re.sub(r"\s+", " ", _text(item))
        parent = item.parent
        item.decompose()
        if parent is not None and not parent.find_all("li"):
            parent.decompose()
    order: list[str] = []
    for ref in soup.find_all("a", href=re.compile(r"^#(foot|end)note-")):
        target = ref["href"][1:]
        if target in notes:
            order.append(notes[target])
            holder = ref.find_parent("sup") or ref
            holder.replace_with(f"XIAOKANNOTE{len(order)}X")
    report.mapped[N_("footnotes")] = len(order)
    return order


def _marker(soup, number: int):
    p = soup.new_tag("p")
    p.string = f"XIAOKANBLOCK{number}X"
    return p


def _markdown(soup, blocks: list[str], notes: list[str]) -> str:
    from markdownify import markdownify

    text = markdownify(str(soup), heading_style="ATX", bullets="-", strong_em_symbol="*", escape_underscores=False,
                       escape_asterisks=False, table_infer_header=True)
    text = re.sub(r"XIAOKANBLOCK(\d+)X", lambda m: blocks[int(m.group(1)) - 1], text)
    text = re.sub(r"XIAOKANNOTE(\d+)X", lambda m: f"[^{m.group(1)}]", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    if notes:
        text += "\n" + "".join(f"[^{n}]: {note}\n" for n, note in enumerate(notes, start=1))
    return text


def _normal(text: str) -> str:
    return re.sub(r"[\s\u3000*#|\\\-_>\[\]()（）:：]+", "", text)


def _csv_texts(folder: Path, stem: str) -> list[str]:
    name = re.sub(r"^\d+-", "", stem)
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob(f"{name}-table-*.csv"))]


def _missing_text(xml: dict[str, bytes], article: str, *kept: str | None) -> list[str]:
    """Paragraphs of the Word file whose text is not in the article (nor its title, 作者 or 来源)."""
    have = _normal(article + "".join(k or "" for k in kept))
    missing = []
    for text in paragraph_texts(xml):
        probe = _normal(text)
        line = text.replace("\u3000", " ").strip()
        if _AUTHOR.match(line) or _SOURCE.match(line):
            probe = _normal(re.split(r"[:：]", line, maxsplit=1)[1])   # (its value is in the front matter)
        if probe and probe not in have and not _CAPTION.match(line):
            missing.append(text.strip()[:40])
    return missing
