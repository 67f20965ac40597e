"""What the print office still marked after the leftovers pass, built in A5 (the narrowest block) and read
back from the PDF: a long word whose first line held one or two characters (`…通知见h` + `ttps://…`), the
address under an article's QR code set as raw text (its last line could hold one character), and the
short columns of a table with two columns of long text broken a character or two a line."""
from __future__ import annotations

import re

import pytest
from test_print_leftovers import segments

from helpers import mini_printed, printed, write

# Paragraphs whose address starts at every position of an A5 line (32 characters, the first two indented:
# the longest lead fills it).
ADDRESS = "https://www.example.edu.cn/jiaowuchu/tongzhi/2024/INDEX.HTML"
LEADS = ["通知" + "学" * k + "见" for k in range(28)]
# Addresses under the QR codes: slugs of every length around the width beside the code.
SLUGS = ["qr-" + "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"[:n] for n in range(36, 52)]
UNITS = ["智能制造与汽车工程学院", "机电工程学院", "信息工程学院", "马克思主义学院", "继续教育学院（培训中心）"]
NOTE = "学院按照学校统一部署，组织全体专业教师开展实践教学大练兵活动，完成课程标准修订和实训项目开发等工作。"
REMARK = "已报教务处备案，材料由二级学院存档，接受督导检查。"


@pytest.fixture(scope="module")
def a5_pdf(tmp_path_factory):
    site = mini_printed(tmp_path_factory.mktemp("left") / "site", "  page_size: A5\n  pdf_variant: none\n  qr_codes: true\n")
    body = "".join(f"{lead}{ADDRESS}。\n\n" for lead in LEADS)
    # (two columns of long text, 说明 and 备注, beside 单位, a number and a date)
    body += "| 序号 | 单位 | 人数 | 日期 | 说明 | 备注 |\n|---|---|---|---|---|---|\n" + "".join(
        f"| {i} | {unit} | 1,234 | 2024-07-0{i} | {NOTE} | {REMARK} |\n" for i, unit in enumerate(UNITS, 1))
    write(site, "content/2024-07/05-left.md", f"---\n标题: 通知\n栏目: 评建动态\n---\n{body}")
    for i, slug in enumerate(SLUGS):
        write(site, f"content/2024-07/{10 + i}-qr{i}.md", f"---\n标题: 短讯{i}\n栏目: 他山之石\nslug: {slug}\n---\n正文。\n")
    with printed(site) as pdf:
        yield pdf


def test_a_broken_long_word_keeps_at_least_four_characters_on_its_first_line(a5_pdf):
    """An address cut at any character could start with one or two of its characters at the end of a line
    (`通知学学见h`, then `ttps://…`). Its first line now holds at least four of them, or it starts on the next."""
    firsts = [re.search(r"[!-~]+$", piece).group(0) for page in a5_pdf.pages for piece in segments(page)
              if re.search(r"通知学*见[!-~]+$", piece)]
    starts = [piece for page in a5_pdf.pages for piece in segments(page) if re.search(r"通知学*见$", piece)]
    assert len(firsts) + len(starts) == len(LEADS), (firsts, starts)
    assert min(len(first) for first in firsts) >= 4, sorted(firsts, key=len)[:5]
    assert sum(len(first) < 12 for first in firsts) >= 2   # (the measure holds short first lines)


def qr_addresses(pdf) -> list[list[str]]:
    """The lines of each address under a QR code (its small type: 6.5 pt), top to bottom."""
    found = []
    for page in pdf.pages:
        rows: dict[float, list] = {}
        for c in page.chars:
            if abs(c["size"] - 6.5) < 0.05 and c["text"].strip() and c["text"] != "\u2060":
                rows.setdefault(round(c["top"], 1), []).append(c)
        lines = ["".join(c["text"] for c in sorted(rows[top], key=lambda c: c["x0"])) for top in sorted(rows)]
        for line in lines:
            if line.startswith("https://") or not found:
                found.append([line])
            else:
                found[-1].append(line)
    return found


def test_the_address_under_a_qr_code_never_leaves_one_or_two_characters_on_a_line(a5_pdf):
    """The address under an article's QR code was printed as it came, broken at any character: `…-en` + `d`.
    It is marked up as every long word of the print edition is: its first and last lines hold at least four
    of its characters."""
    addresses = qr_addresses(a5_pdf)
    printed = {"".join(lines) for lines in addresses}
    assert all(f"https://news.example.edu.cn/kan/2024-07/{slug}/" in printed for slug in SLUGS), sorted(printed)
    broken = [lines for lines in addresses if len(lines) > 1]
    assert len(broken) >= 5, addresses
    shortest = min((len(line), lines) for lines in broken for line in (lines[0], lines[-1]))
    assert shortest[0] >= 4, shortest


def test_short_columns_beside_two_columns_of_long_text_stay_on_one_line(a5_pdf):
    """With 说明 and 备注 both long, the columns beside them were left to the browser: 单位 wrapped three
    characters a line (机电工/程学院, 马克思/主义学/院). Every 单位 of up to seven characters, 1,234 and each
    date now stand on one line, the longer units wrap in lines of three characters or more, and 说明 and
    备注 share what is left."""
    page = next(p for p in a5_pdf.pages if "备注" in p.extract_text())
    pieces = segments(page)
    assert pieces.count("单位") == 1 and pieces.count("备注") == 1, pieces
    for unit in UNITS[1:4]:
        assert unit in pieces, f"{unit} not on one line: {pieces}"
    assert pieces.count("1,234") == len(UNITS), pieces
    for i in range(1, len(UNITS) + 1):
        assert f"2024-07-0{i}" in pieces, pieces
    wrapped = [piece for piece in pieces if piece and set(piece) <= set(UNITS[0] + UNITS[4])]
    assert wrapped and min(len(piece) for piece in wrapped) >= 3, wrapped
    notes = [piece for piece in pieces if piece.startswith("学院按照")]
    remarks = [piece for piece in pieces if piece.startswith("已报教务处")]
    assert len(notes) == len(remarks) == len(UNITS)   # (both long columns wrap beside them)
