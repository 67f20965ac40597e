"""What a print office's typesetter still marked, built in A5 (the narrowest block) and read back from the
PDF: a broken address whose last line held one or two characters (`…/index.htm` + `l`), a 单位 column
beside a column of long text wrapped with one character alone on its last line (机电工程学/院), and a
title in 本期要目 that filled its line followed by a leader of one dot or none before its page number."""
from __future__ import annotations

import collections
import re

import pytest

from helpers import mini_printed, printed, write
from printmeasure import body_lines

# Addresses of every length around an A5 line: each breaks at a different character; the uppercase end is
# the only uppercase in them (the last line of each is the line holding the run that ends with L).
ADDRESSES = ["https://www.example.edu.cn/" + "abcdefghijklmnopqrstuvwxyz0123456789"[:n] + "/INDEX.HTML" for n in range(10, 36)]
CELL_ADDRESSES = ["/srv/share/" + "jiaowuchu-tongzhi-gonggao"[:n] + "/FILE.HTML" for n in range(12, 26)]
NOTE = "学院按照学校统一部署，组织全体专业教师开展实践教学大练兵活动，完成课程标准修订和实训项目开发等工作。"
SHORT_NOTE = "完成课程标准修订和实训项目开发等工作"
UNITS = ["智能制造与汽车工程学院", "机电工程学院", "信息工程学院", "马克思主义学院", "教务处"]
TITLE = "学校召开职业本科教育教学工作合格评估评建工作推进会暨专业建设情况汇报会议精神传达学习会议"
# (titles with digits and Latin letters end at every fraction of an em: some fill their line to a dot)
MIXED = "2024年第3次学校召开职业本科教育教学工作合格评估评建工作推进会暨专业建设情况汇报会"


@pytest.fixture(scope="module")
def a5_pdf(tmp_path_factory):
    site = mini_printed(tmp_path_factory.mktemp("leftovers") / "site", "  page_size: A5\n  pdf_variant: none\n")
    body = "".join(f"地址为{address}，请查看。\n\n" for address in ADDRESSES)
    body += "| 序号 | 文件 |\n|---|---|\n" + "".join(f"| {i} | {path} |\n" for i, path in enumerate(CELL_ADDRESSES, 1))
    for note in (NOTE, SHORT_NOTE):   # (beside a column of long text; beside one that only just wraps)
        body += "\n| 序号 | 单位 | 人数 | 负责人 | 说明 |\n|---|---|---|---|---|\n" + "".join(
            f"| {i} | {unit} | 1,234 | 王五 | {note} |\n" for i, unit in enumerate(UNITS, 1))
    write(site, "content/2024-07/05-leftovers.md", f"---\n标题: 通知\n栏目: 评建动态\n---\n{body}")
    titles = [TITLE[:n] for n in range(18, 44)] + [MIXED[:n] for n in range(20, 44)]
    for i, title in enumerate(titles):
        write(site, f"content/2024-07/{10 + i}-title{i}.md", f"---\n标题: {title}\n栏目: 他山之石\n---\n正文。\n")
    with printed(site) as pdf:
        yield pdf


def segments(page) -> list[str]:
    """The page's text by baseline, cut where a gap wider than 3 pt parts it (table cells, columns)."""
    found = collections.defaultdict(list)
    for c in page.chars:
        if c["text"].strip() and c["text"] != "\u2060":
            found[round(c["matrix"][5], 1)].append(c)
    pieces = []
    for key in sorted(found, reverse=True):
        line = sorted(found[key], key=lambda c: c["x0"])
        text = line[0]["text"]
        for a, b in zip(line, line[1:]):
            text += ("\n" if b["x0"] - a["x1"] > 3 else "") + b["text"]
        pieces += text.split("\n")
    return pieces


def test_a_broken_address_keeps_at_least_four_characters_on_its_last_line(a5_pdf):
    """The address was cut at any character, the last too: `…/INDEX.HTM` then `L，请查看。` The last line of
    an address, in a paragraph or in a table cell, now holds at least its last four characters."""
    ends = [run for page in a5_pdf.pages for piece in segments(page)
            for run in re.findall(r"[!-~]*L(?![!-~])", piece)]
    assert len(ends) == len(ADDRESSES) + len(CELL_ADDRESSES), ends
    assert min(len(run) for run in ends) >= 4, sorted(ends, key=len)[:5]
    # (and some addresses were broken: the measure is not of addresses that fit whole)
    assert sum(not run.startswith(("https", "/srv")) for run in ends) >= 10


def test_the_line_an_address_leaves_short_is_spread_over_the_address(a5_pdf):
    """Its last four characters kept together, an address leaves its line short by up to three Latin
    letters: the line was spread over 地址为 alone (地　址　为, an em between characters). It is spread
    over the address's characters too, which break anywhere: 地址为 stays solid."""
    lines = [chars for page in a5_pdf.pages for _, chars in body_lines(page)
             if "".join(c["text"] for c in chars[:3]) == "地址为"]
    assert len(lines) == len(ADDRESSES)
    for chars in lines:
        size = chars[0]["size"]
        gaps = [b["x0"] - a["x0"] - size for a, b in zip(chars[:2], chars[1:3])]   # (地址, 址为)
        assert max(gaps) <= size / 8, "".join(c["text"] for c in chars)


def test_short_columns_beside_a_column_of_long_text_stay_on_one_line(a5_pdf):
    """Beside 说明, with 序号, 人数 and 负责人 as well, the 单位 column wrapped: 机电工程学/院, 智能制造与汽车工程学/院.
    Now every 单位 of up to seven characters, 1,234 and 王五 are on one line, and the one unit too long to be
    (eleven characters) wraps into lines of three characters or more."""
    pages = [page for page in a5_pdf.pages if "负责人" in page.extract_text()]
    pieces = [piece for page in pages for piece in segments(page)]
    assert pieces.count("单位") == 2 and pieces.count("负责人") == 2, pieces
    for unit in UNITS[1:]:
        assert pieces.count(unit) == 2, f"{unit} not on one line: {pieces}"
    assert pieces.count("1,234") == 2 * len(UNITS) and pieces.count("王五") == 2 * len(UNITS)
    longest = [piece for piece in pieces if piece and set(piece) <= set(UNITS[0])]
    assert longest and min(len(piece) for piece in longest) >= 3, longest


def test_every_leader_in_the_contents_has_at_least_three_dots(a5_pdf):
    """A title that filled its line up to the page number kept the number there with a leader of one dot
    or two (…汇报会.12), which reads as a full stop. A leader now has at least three dots: an entry that
    has no room for them takes its last characters to the next line, with a full leader."""
    covers = [page for page in a5_pdf.pages[:4] if "....." in page.extract_text()]
    entries = [piece for page in covers for piece in segments(page) if re.search(r"\.\d+$", piece)]
    gaps = [piece for page in covers for piece in segments(page) if re.fullmatch(r"\.+\d+", piece)]
    assert len(entries) + len(gaps) >= 50 + 4, entries
    dots = sorted((len(re.search(r"\.*(?=\d+$)", piece).group(0)), piece) for piece in entries + gaps)
    assert dots[0][0] >= 3, dots[:3]
