"""Real .docx files for the import tests: one made with python-docx (as Microsoft Word writes them),
one converted by LibreOffice (as WPS/LibreOffice users send them). Chinese content, two photos with
captions, a merged table, Word's automatic numbering and hand-typed numbering, a footnote."""
from __future__ import annotations

import base64
import io
import re
import subprocess
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image

PARAGRAPHS = [
    "为全面推进职教本科教学工作合格评估评建工作，学校于6月20日召开评建工作推进会。",
    "会议强调，各单位要对照评估指标，逐项落实整改任务，确保评建工作取得实效。",
]
MEASURES = ["完成自评报告初稿", "整理支撑材料", "开展专项检查"]
CHINESE_NUMBERED = ["提高思想认识", "加强组织领导"]


def _chinese_numbered(document, paragraph) -> None:
    """Number a paragraph 一、二、 with Word's automatic numbering (numFmt chineseCounting)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    if numbering.find(".//{*}abstractNum[@{*}abstractNumId='90']") is None:
        numbering.insert(0, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    properties = paragraph._p.get_or_add_pPr()
    properties.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))


# Word's multi-level lists (numbering.xml): the format and label of each level, as Word's list gallery writes them.
LIST_KINDS = {
    "decimal": (91, [("decimal", "%1."), ("decimal", "%1.%2"), ("lowerLetter", "(%3)")]),
    "bullet": (92, [("bullet", "\u25cf"), ("bullet", "\u25cb"), ("bullet", "\u25a0")]),
    "chinese": (93, [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]),
}


def numbered(document, paragraph, level: int = 0, kind: str = "decimal"):
    """Number a paragraph with Word's automatic multi-level numbering, at level 0, 1 or 2."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    number, levels = LIST_KINDS[kind]
    numbering = document.part.numbering_part.element
    if numbering.find(f".//{{*}}num[@{{*}}numId='{number}']") is None:
        lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'
                       for i, (fmt, text) in enumerate(levels))
        numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}">'
                                      f'<w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/></w:num>'))
    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{number}"/></w:numPr>'))
    return paragraph


def list_definition(document, number: int, levels: list[tuple[str, str]], extra: dict[int, str] | None = None) -> None:
    """A list definition (w:abstractNum) of numbering.xml: each level's format and label, and what else a
    level says (w:pStyle, w:isLgl, w:suff, in that order: Word reads a w:lvl's children in schema order)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    lvls = "".join(f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{(extra or {}).get(i, "")}'
                   f'<w:lvlText w:val="{escape(text, {chr(34): "&quot;"})}"/></w:lvl>' for i, (fmt, text) in enumerate(levels))
    document.part.numbering_part.element.insert(0, parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}"><w:multiLevelType w:val="multilevel"/>{lvls}</w:abstractNum>'))


def list_instance(document, number: int, definition: int, restarts: dict[int, int] | None = None) -> None:
    """A list (w:num) of a definition; restarts: level -> the number it starts again at (Word's 重新开始编号)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    overrides = "".join(f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
                        for level, start in (restarts or {}).items())
    document.part.numbering_part.element.append(parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{definition}"/>{overrides}</w:num>'))


def in_list(paragraph, number: int, level: int = 0):
    """A paragraph numbered by list number (its own w:numPr)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{number}"/></w:numPr>'))
    return paragraph


def number_style(document, style_id: str, number: int, level: int | None = None) -> None:
    """A paragraph style that numbers its paragraphs (w:numPr in styles.xml), as 标题 1 numbered 第一章."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    style = next(s for s in document.styles.element.iter(qn("w:style")) if s.get(qn("w:styleId")) == style_id)
    properties = style.get_or_add_pPr()
    level_xml = "" if level is None else f'<w:ilvl w:val="{level}"/>'
    properties.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}>{level_xml}<w:numId w:val="{number}"/></w:numPr>'))


def photo(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 800), colour).save(out, "PNG")
    return out.getvalue()


def word_docx(path: Path) -> Path:
    """As Microsoft Word writes it (python-docx): styles, automatic numbering, a vertical merge."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("学校召开评建工作推进会", style="Title")
    document.add_paragraph("作者：张三")
    for text in PARAGRAPHS:
        document.add_paragraph("\u3000\u3000" + text)
    document.add_heading("会议部署", level=1)
    for text in CHINESE_NUMBERED:   # numbered 一、二、 by Word itself (a Chinese counting format)
        _chinese_numbered(document, document.add_paragraph(text))
    document.add_paragraph("一、明确工作责任")
    p = document.add_paragraph()
    p.add_run("各学院").bold = True
    p.add_run("要成立评建工作小组，")
    p.add_run("主要负责人").italic = True
    p.add_run("亲自抓。")
    document.add_paragraph("（一）细化任务分工")
    for item in MEASURES:
        document.add_paragraph(item, style="List Number")
    table = document.add_table(rows=4, cols=3)
    for row, values in enumerate([("学院", "任务", "完成时间"), ("机械学院", "自评报告", "7月10日"),
                                  ("", "支撑材料", "7月20日"), ("电气学院", "专项检查", "7月30日")]):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 0).text = "机械学院"
    document.add_picture(io.BytesIO(photo((180, 40, 30))), width=Cm(12))
    document.add_paragraph("图1 会议现场（学校供图）")
    document.add_picture(io.BytesIO(photo((30, 80, 160))), width=Cm(12))
    document.add_paragraph("图2 分组讨论")
    last = document.add_paragraph("会议要求全校上下齐心协力，")
    # A tracked insertion, as Word records an edit with 修订 on.
    insertion = last._p.makeelement(qn("w:ins"), {qn("w:id"): "1", qn("w:author"): "李四", qn("w:date"): "2024-06-20T10:00:00Z"})
    run = last.add_run("确保评估顺利通过。")._r
    insertion.append(run)
    last._p.append(insertion)
    document.add_comment(last.runs[0], text="请核实日期", author="审稿人")
    document.add_paragraph("（供稿：教务处）")
    document.save(path)
    return path


def libreoffice_docx(folder: Path) -> Path:
    """As LibreOffice (and WPS) write it: converted from HTML by `soffice --headless --convert-to docx`,
    with a footnote in LibreOffice's own HTML form, a merged cell and an embedded photo."""
    picture = base64.b64encode(photo((40, 140, 60))).decode()
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body>
<h1>兄弟院校评建经验交流</h1>
<p>来源：高教研究所</p>
<p>{PARAGRAPHS[0]}<a class="sdfootnoteanc" name="sdfootnote1anc" href="#sdfootnote1sym"><sup>1</sup></a></p>
<h2>一、主要做法</h2>
<ol><li><p>{MEASURES[0]}</p></li><li><p>{MEASURES[1]}</p></li></ol>
<table border="1"><tr><td><p>学院</p></td><td><p>任务</p></td></tr>
<tr><td rowspan="2"><p>机械学院</p></td><td><p>自评报告</p></td></tr>
<tr><td><p>支撑材料</p></td></tr></table>
<p><img src="data:image/png;base64,{picture}" width="400" height="267"></p>
<p>图1 交流现场（高教研究所供图）</p>
<p>{PARAGRAPHS[1]}</p>
<div id="sdfootnote1"><p><a class="sdfootnotesym" name="sdfootnote1sym" href="#sdfootnote1anc">1</a>教育部2023年第5号文件。</p></div>
</body></html>"""
    source = folder / "jingyan.html"
    source.write_text(html, encoding="utf-8")
    subprocess.run(["soffice", "--headless", "--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180,
                   env={"HOME": str(folder), "PATH": "/usr/bin:/bin"})
    source.unlink()
    return folder / "jingyan.docx"


# A department's report as it arrives: the title set large and centred (not bold: WPS, or Word with bold
# on Latin text only), a footnote, a hyperlink before the full stop, hand-typed headings, an 附件 list
# whose second line is indented under the first, a right-aligned 落款 and date, and 摄影 in the 供稿 line.
REPORT_TITLE = "学校召开2024年评建任务推进会"
REPORT_PARAGRAPHS = [
    "为落实职教本科合格评估要求，学校于7月3日召开评建任务推进会。",   # (+ a footnote after 要求)
    "会议通报了各单位自评进展，详细安排见教务处网站。",              # (网站 is a link)
    "各单位要对照问题清单逐项整改，按时提交整改台账。",
]
REPORT_FOOTNOTE = "依据《职业本科教育专业设置管理办法（试行）》。"
REPORT_LINK = "http://jwc.example.edu.cn/pinggu/notice(2024).html"
REPORT_ATTACHMENTS = ["附件：1.合格评估自查自评表", "2.问题清单及整改台账模板"]
REPORT_SIGNATURE = ["评建工作办公室", "2024年7月5日"]
REPORT_CREDIT = "（供稿：教务处　摄影：李明）"


def _footnotes_part(document, notes: list[str]) -> None:
    """word/footnotes.xml as Word writes it (python-docx has no footnote API): the two separators, then the notes."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    items = "".join(f'<w:footnote w:id="{n}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>'
                    f'<w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> '
                    f'</w:t></w:r><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>' for n, text in enumerate(notes, start=1))
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {w}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
           f'</w:footnote>{items}</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml", xml.encode(), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)


def _footnote_reference(paragraph, number: int) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                  f'<w:footnoteReference w:id="{number}"/></w:r>'))


def _hyperlink(paragraph, text: str, url: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    paragraph._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:rPr><w:color w:val="0563C1"/>'
                                  f'<w:u w:val="single"/></w:rPr><w:t>{text}</w:t></w:r></w:hyperlink>'))


def report_docx(path: Path, latin_bold_title: bool = False) -> Path:
    """The department's report as Word writes it (python-docx): body in 三号 (16 pt), the title in 二号
    (22 pt) and centred, not bold; with latin_bold_title only its digits are bold, as Word does when
    bold was set while typing Latin text."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(16)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in re.split(r"(\d+)", REPORT_TITLE):
        if part:
            run = title.add_run(part)
            run.font.size = Pt(22)
            run.bold = latin_bold_title and part.isdigit()
    first, rest = REPORT_PARAGRAPHS[0].split("要求", 1)
    p = document.add_paragraph("\u3000\u3000" + first + "要求")
    _footnote_reference(p, 1)
    p.add_run(rest)
    _footnotes_part(document, [REPORT_FOOTNOTE])
    before, after = REPORT_PARAGRAPHS[1].split("网站")
    p = document.add_paragraph("\u3000\u3000" + before)
    _hyperlink(p, "网站", REPORT_LINK)
    p.add_run(after)
    heading = document.add_paragraph()
    heading.add_run("一、工作目标").bold = True
    document.add_paragraph("\u3000\u3000" + REPORT_PARAGRAPHS[2])
    document.add_paragraph(REPORT_ATTACHMENTS[0])
    document.add_paragraph("\u3000\u3000\u3000" + REPORT_ATTACHMENTS[1])
    for line in REPORT_SIGNATURE:
        document.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph(REPORT_CREDIT)
    document.save(path)
    return path


def report_libreoffice_docx(folder: Path) -> Path:
    """The same report as WPS and LibreOffice users send it (converted by LibreOffice from HTML)."""
    first, rest = REPORT_PARAGRAPHS[0].split("要求", 1)
    before, after = REPORT_PARAGRAPHS[1].split("网站")
    html = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head><body style="font-size:16pt">
<p align="center" style="font-size:22pt">{REPORT_TITLE}</p>
<p>{first}要求<a class="sdfootnoteanc" name="sdfootnote1anc" href="#sdfootnote1sym"><sup>1</sup></a>{rest}</p>
<p>{before}<a href="{REPORT_LINK}">网站</a>{after}</p>
<p><b>一、工作目标</b></p>
<p>{REPORT_PARAGRAPHS[2]}</p>
<p>{REPORT_ATTACHMENTS[0]}</p>
<p>\u3000\u3000\u3000{REPORT_ATTACHMENTS[1]}</p>
<p align="right">{REPORT_SIGNATURE[0]}</p>
<p align="right">{REPORT_SIGNATURE[1]}</p>
<p>{REPORT_CREDIT}</p>
<div id="sdfootnote1"><p><a class="sdfootnotesym" name="sdfootnote1sym" href="#sdfootnote1anc">1</a>{REPORT_FOOTNOTE}</p></div>
</body></html>"""
    source = folder / "report-wps.html"
    source.write_text(html, encoding="utf-8")
    subprocess.run(["soffice", "--headless", "--infilter=HTML (StarWriter)", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", str(folder), str(source)], check=True, capture_output=True, timeout=180,
                   env={"HOME": str(folder), "PATH": "/usr/bin:/bin"})
    source.unlink()
    return folder / "report-wps.docx"


def plain_docx(path: Path, paragraphs: list[str], title: str | None = "导入测试") -> Path:
    """A title in Word's Title style and paragraphs of text, as typed."""
    import docx

    document = docx.Document()
    if title is not None:
        document.add_paragraph(title, style="Title")
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def rich_docx(path: Path, title: str, heading: str, paragraphs: list[str], link_text: str, cells: list[str],
              merged: list[str], caption: str, footnote: str) -> Path:
    """Every place text can stand in a department's file: the title, a heading, paragraphs, a link's text,
    a table, a table with a cell merged down (header 学院/任务; merged[0] spans two rows), a picture's
    caption line and a footnote. The article shows them in this order."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph(title, style="Title")
    document.add_heading(heading, level=2)
    for text in paragraphs:
        document.add_paragraph(text)
    p = document.add_paragraph("链接：")
    _hyperlink(p, escape(link_text), "http://example.edu.cn/a b/(c).html?x=1&y=\"2\"")
    table = document.add_table(rows=2, cols=2)
    for i, text in enumerate(cells):
        table.cell(i // 2, i % 2).text = text
    table = document.add_table(rows=3, cols=2)
    for row, values in enumerate([("学院", "任务"), (merged[0], merged[1]), ("", merged[2])]):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    table.cell(1, 0).merge(table.cell(2, 0))
    table.cell(1, 0).text = merged[0]
    document.add_picture(io.BytesIO(photo((90, 90, 90))), width=Cm(8))
    document.add_paragraph("图1 " + caption)
    p = document.add_paragraph("注释在此。")
    _footnote_reference(p, 1)
    _footnotes_part(document, [escape(footnote)])
    _drop_unused_styles(document)
    document.save(path)
    return path


def _drop_unused_styles(document) -> None:
    """Only the styles the document uses (and those they are based on): python-docx's template carries
    164 styles and 137 latent ones, 11,844 XML elements that the importer's reader parses for each of the
    property test's examples (a second each); the text is what that test is about."""
    from docx.oxml.ns import qn

    styles = document.styles.element
    used = {name.decode() for part in document.part.package.iter_parts() if not part.partname.endswith("styles.xml")
            for name in re.findall(rb'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', part.blob)}
    used |= {s.get(qn("w:styleId")) for s in styles.iter(qn("w:style")) if s.get(qn("w:default")) == "1"}
    by_id = {s.get(qn("w:styleId")): s for s in styles.iter(qn("w:style"))}
    pending = list(used)
    while pending:   # (a style's basedOn, linked and next styles stay with it)
        style = by_id.get(pending.pop())
        for tag in ("w:basedOn", "w:link", "w:next"):
            if style is not None and (ref := style.find(qn(tag))) is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                pending.append(ref.get(qn("w:val")))
    for style_id, style in by_id.items():
        if style_id not in used:
            styles.remove(style)
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)


def replace_part(docx_path: Path, target: Path, part: str, data: bytes) -> Path:
    """A copy of a Word file with one part replaced (or added): how damaged and hostile files are made."""
    with zipfile.ZipFile(docx_path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            if item.filename != part:
                out.writestr(item, source.read(item))
        out.writestr(part, data)
    return target


def document_part(docx_path: Path) -> bytes:
    with zipfile.ZipFile(docx_path) as archive:
        return archive.read("word/document.xml")


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is width x height pixels and holds one row of them: Pillow reads the size
    from the header without decoding, as the import does."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1))) + chunk(b"IEND", b""))


def with_picture(tmp_path: Path, kind: str, change, **options) -> Path:
    """A report whose paragraph 3 is a picture saved by Pillow as kind (with options), its part in the file
    then replaced by change(its bytes): the bytes cut short, a forged header, or kept as they are."""
    import docx
    from docx.shared import Cm
    from PIL import Image

    whole = io.BytesIO()
    Image.new("RGB", (300, 200), (90, 90, 10)).save(whole, kind, **options)
    document = docx.Document()
    document.add_paragraph("获奖证书", style="Title")
    document.add_paragraph("我校教师获得省级教学成果奖。")
    document.add_picture(io.BytesIO(whole.getvalue()), width=Cm(8))   # (paragraph 3)
    document.add_paragraph("图1 证书扫描件")
    document.save(tmp_path / "whole.docx")
    with zipfile.ZipFile(tmp_path / "whole.docx") as archive:
        media = next(name for name in archive.namelist() if name.startswith("word/media/"))
    return replace_part(tmp_path / "whole.docx", tmp_path / "damaged.docx", media, change(whole.getvalue()))
