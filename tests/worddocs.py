"""Real .docx files for the import tests: one made with python-docx (as Microsoft Word writes them),
one converted by LibreOffice (as WPS/LibreOffice users send them). Chinese content, two photos with
captions, a merged table, Word's automatic numbering and hand-typed numbering, a footnote."""
from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

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
