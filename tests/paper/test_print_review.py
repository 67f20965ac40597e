"""What a print office's typesetter sent back on lines, 本期要目 and tables, built in A5 (the narrowest
block) and read back from the PDF: a line before a long address spaced out, a title in 本期要目 whose
last line held one character, a 单位 column wrapped beside a column of long text."""
from __future__ import annotations

import collections

import pytest

from helpers import mini_printed, printed, write
from printmeasure import IDEOGRAPH, body_lines

ADDRESS = "https://www.example.edu.cn/" + "/".join(["jiaowuchu-tongzhi-gonggao-wenjian"] * 5) + "/index.html"
CODE = "x = " + "+".join(["value"] * 60)
TITLE = "学校召开职业本科教育教学工作合格评估评建工作推进会暨专业建设情况汇报会议精神传达学习会"
UNITS = ["智能制造与汽车工程学院", "机电工程学院", "信息工程学院", "马克思主义学院", "继续教育学院（培训中心）"]
NOTE = "学院按照学校统一部署，组织全体专业教师开展实践教学大练兵活动，完成课程标准修订和实训项目开发等工作，共计{}项。"


@pytest.fixture(scope="module")
def a5_pdf(tmp_path_factory):
    site = mini_printed(tmp_path_factory.mktemp("review") / "site", "  page_size: A5\n  pdf_variant: none\n")
    write(site, "content/2024-07/05-address.md", "---\n标题: 通知\n栏目: 评建动态\n---\n"
          f"通知全文见学校网站，地址为{ADDRESS}，请各单位认真学习并按要求落实。\n\n"
          f"```\n{CODE}\n```\n\n| 序号 | 单位 | 说明 |\n|---|---|---|\n"
          + "".join(f"| {i} | {unit} | {NOTE.format(i)} |\n" for i, unit in enumerate(UNITS, start=1)))
    # Titles of every length from one that fits a line to one of three lines (one or two columns): some
    # of them end a character into a line.
    for length in range(20, 41):
        write(site, f"content/2024-07/{length}-title{length}.md", f"---\n标题: {TITLE[:length]}\n栏目: 他山之石\n---\n正文。\n")
    with printed(site) as pdf:
        yield pdf


def rows(page, chars) -> list[str]:
    """Lines of text by baseline, cut where a gap of three ems parts them (本期要目 may be in two columns)."""
    found = collections.defaultdict(list)
    for c in chars:
        if c["text"].strip() and c["text"] != "\u2060":
            found[round(c["matrix"][5])].append(c)
    lines = []
    for key in sorted(found, reverse=True):
        line = sorted(found[key], key=lambda c: c["x0"])
        text = line[0]["text"]
        for a, b in zip(line, line[1:]):
            text += ("\n" if b["x0"] - a["x1"] > 3 * a["size"] else "") + b["text"]
        lines += text.split("\n")
    return lines


def test_the_line_before_a_long_address_or_code_word_is_set_solid(a5_pdf):
    """The address could break only at its slashes and hyphens, and its first piece did not fit what the
    line had left: it went to the next line and the line before it (地址为) was spaced out by more than an
    em between characters. It now starts right after 地址为 and is cut where each line ends, as the code
    line is after `x =`."""
    for page in a5_pdf.pages:
        for _, chars in body_lines(page):
            text = "".join(c["text"] for c in chars)
            if "地址为" in text:
                assert "https" in text, text   # (the address starts on the line of 地址为)
                size = chars[0]["size"]
                gaps = [b["x0"] - a["x0"] - size for a, b in zip(chars, chars[1:])
                        if IDEOGRAPH.match(a["text"]) and IDEOGRAPH.match(b["text"])]
                assert max(gaps) <= size / 8, text   # (not spaced out)
                break
        else:
            continue
        break
    else:
        pytest.fail("地址为 not printed")
    code = [line for page in a5_pdf.pages for line in rows(page, page.chars) if line.startswith("x=")]
    assert code and code[0].startswith("x=value+"), code   # (the code word starts after x =)


def test_no_title_in_the_contents_ends_with_one_character_on_its_last_line(a5_pdf):
    """A title one character longer than its lines left that character alone before the leader (专……3),
    and a title that filled its lines left the leader and the page number alone on a line."""
    covers = [page for page in a5_pdf.pages[:3] if "....." in page.extract_text()]   # (it may go on over the page)
    entries = [line for page in covers for line in rows(page, page.chars) if "..." in line]
    assert len(entries) >= 21
    for line in entries:
        text = line.split("...")[0].rstrip(".")
        assert len(text) >= 2, f"本期要目: {line}"


def test_a_unit_column_beside_a_column_of_long_text_keeps_each_unit_on_one_line(a5_pdf):
    """单位 (up to twelve characters) wrapped to two or three lines (机电工程学/院) while 说明 took the width;
    now each 单位 is on one line and 说明 wraps in what is left."""
    page = next(p for p in a5_pdf.pages if "说明" in p.extract_text())
    lines = rows(page, page.chars)
    for unit in UNITS:
        assert any(unit in line for line in lines), f"{unit} not on one line: {lines}"
    notes = [line for line in lines if "学院按照" in line]
    assert len(notes) == len(UNITS)   # (说明 still wraps, beside its 单位)
