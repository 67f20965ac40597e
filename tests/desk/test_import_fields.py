"""Word import: HYPERLINK fields, however Word writes them. A field written whole (w:fldSimple, its instruction an
attribute) or in parts (w:fldChar begin, the instruction in w:instrText over any number of runs, separate, its
text, end); its instruction read as Word reads it: the address is the first word, a tooltip (\\o "…") or a target
(\\t "…") is no part of it, and Word's escapes in quoted words (\\\\ a backslash, \\" a quote) are undone. mammoth
read `HYPERLINK "address" \\o "tooltip"` as the address `address" \\o "tooltip`, and kept the escapes."""
from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from test_import import LOST, body_of, flat, import_file, publish_and_build

_NOTICE = "https://jwc.example.edu.cn/notice.html"
# (the text of the link, its instruction's pieces as Word writes them: one piece a run of a field in parts)
_LINKS = [
    ("通知全文", [" HYPER", f'LINK "{_NOTICE[:26]}', f'{_NOTICE[26:]}" \\o "教务处', '通知" ']),
    ("评估专栏", [' hyperlink "https://jwc.example.edu.cn/pinggu/" \\t "_blank" ']),
    ("搜索结果", [' HYPERLINK "https://jwc.example.edu.cn/search?q=\\"评估\\"" \\o "搜\\\\索" ']),
    ("附件1", [' HYPERLINK "C:\\\\Users\\\\admin\\\\Desktop\\\\附件1.xlsx" \\o "附件" ']),
    ("附件2", [' HYPERLINK "\\\\\\\\server\\\\share\\\\附件2.xlsx"']),
    ("第二节", [' HYPERLINK \\l "_Toc2" \\o "跳到第二节" ']),
]


def _fields_docx(path, form: str):
    """A paragraph 「详见…。」 for each of _LINKS, its link a field written whole (simple) or in parts (complex)."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def run(inner: str):
        return parse_xml(f'<w:r {nsdecls("w")}>{inner}</w:r>')

    document = docx.Document()
    document.add_paragraph("评建通知", style="Title")
    for text, pieces in _LINKS:
        paragraph = document.add_paragraph("详见")
        if form == "simple":
            instruction = escape("".join(pieces), {'"': "&quot;"})
            paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="{instruction}"><w:r><w:t>{text}</w:t>'
                                          '</w:r></w:fldSimple>'))
        else:
            paragraph._p.append(run('<w:fldChar w:fldCharType="begin"/>'))
            for piece in pieces:
                paragraph._p.append(run(f'<w:instrText xml:space="preserve">{escape(piece)}</w:instrText>'))
            for inner in ('<w:fldChar w:fldCharType="separate"/>', f"<w:t>{text}</w:t>", '<w:fldChar w:fldCharType="end"/>'):
                paragraph._p.append(run(inner))
        paragraph.add_run("。")
    document.save(path)
    return path


@pytest.mark.parametrize("form", ["simple", "complex"])
def test_a_link_fields_address_is_read_as_word_reads_it(mini, tmp_path, form):
    article, report = import_file(mini, _fields_docx(tmp_path / f"{form}.docx", form))
    assert LOST not in report, report
    assert "链接“附件1”指向作者电脑上的文件（C:\\Users\\admin\\Desktop\\附件1.xlsx）" in report, report
    assert "链接“附件2”指向作者电脑上的文件（\\\\server\\share\\附件2.xlsx）" in report, report
    text = article.read_text(encoding="utf-8")
    assert "教务处通知" not in text and "_blank" not in text and "搜\\索" not in text and "跳到" not in text, text
    body = body_of(publish_and_build(mini, article))
    assert f'<a href="{_NOTICE}">通知全文</a>' in body, body
    assert '<a href="https://jwc.example.edu.cn/pinggu/">评估专栏</a>' in body, body
    assert '<a href="https://jwc.example.edu.cn/search?q=%22%E8%AF%84%E4%BC%B0%22">搜索结果</a>' in body, body
    assert body.count("<a ") == 3, body
    assert all(f"详见{text}。" in flat(body) for text, _pieces in _LINKS), body
