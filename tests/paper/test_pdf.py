"""The print edition, read back from the PDF as the print office and readers get it."""
from __future__ import annotations

import collections
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from helpers import ROOT, run_build, write
from printmeasure import footer, header, in_block
from xiaokan.paper.grid import grid_for

MM = 72 / 25.4
A4 = (595.28, 841.89)
MARGIN_X = grid_for(210, 297).side_mm * MM   # the line grid's side margin on A4 (xiaokan/paper/grid.py)
OPENING, CLOSING = "（「『“《", "。，、；：？！）」』”》"


@pytest.fixture(scope="session")
def sample_pdf(sample) -> Path:
    return sample / "print/xiaokan-2024-06.pdf"


@pytest.fixture(scope="session")
def pages(sample_pdf):
    with pdfplumber.open(sample_pdf) as pdf:
        yield pdf.pages


def printed_number(page) -> int | None:
    """The page number printed in the footer, as `— 6 —`."""
    foot = footer(page).extract_text() or ""
    m = re.search(r"—\s*(\d+)\s*—", foot)
    return int(m.group(1)) if m else None


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """(level, title, page index) of every bookmark."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title, reader.get_destination_page_number(item)))
    walk(reader.outline, 1)
    return found


def flat(text: str) -> str:
    """Text without spaces and word joiners: print adds both (中西文间距, 禁则)."""
    return re.sub(r"[\s\u2060]+", "", text)


def test_an_internal_issue_pdf_goes_to_print_and_not_onto_the_public_site(sample):
    """The sample's cover says 内部资料: its PDF is for the print office, not for the public site."""
    assert (sample / "print/xiaokan-2024-06.pdf").read_bytes().startswith(b"%PDF-")
    assert not list((sample / "output").rglob("*.pdf"))
    page = (sample / "output/2024-06/index.html").read_text(encoding="utf-8")
    assert ".pdf" not in page and "下载本期 PDF" not in page


def test_pdf_is_linked_from_the_issue_page_when_site_yaml_says_so(mini):
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    write(mini, "site.yaml", text + "print:\n  internal_notice: 内部资料\n  publish_on_site: 是\n")
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    assert "; 1 PDF in " in result.stderr and "print/ in " in result.stderr   # the editor is told where it is
    page = (mini / "output/2024-07/index.html").read_text(encoding="utf-8")
    assert 'href="xiaokan-2024-07.pdf"' in page
    pages = len(PdfReader(mini / "print/xiaokan-2024-07.pdf").pages)
    size = (mini / "output/2024-07/xiaokan-2024-07.pdf").stat().st_size
    assert f"下载 PDF 印刷版（{pages} 页，{size / 1e6:.1f} MB）" in page or f"（{pages} 页，{round(size / 1e3)} KB）" in page
    # the site offers the reader's tagged edition of the same pages; print/ has the print shop's
    on_site = PdfReader(mini / "output/2024-07/xiaokan-2024-07.pdf")
    assert "/StructTreeRoot" in on_site.trailer["/Root"] and len(on_site.pages) == pages
    assert "/StructTreeRoot" not in PdfReader(mini / "print/xiaokan-2024-07.pdf").trailer["/Root"]
    write(mini, "site.yaml", text + "print:\n  internal_notice: 内部资料\n")
    assert run_build(mini, "build").code == 0
    assert not (mini / "output/2024-07/xiaokan-2024-07.pdf").exists()
    assert "xiaokan-2024-07.pdf" not in (mini / "output/2024-07/index.html").read_text(encoding="utf-8")
    assert (mini / "print/xiaokan-2024-07.pdf").is_file()


def test_a4_pages_cover_and_metadata(sample_pdf, pages):
    reader = PdfReader(sample_pdf)
    assert all(abs(float(p.trimbox.width) - A4[0]) < 1 and abs(float(p.trimbox.height) - A4[1]) < 1 for p in reader.pages)
    meta = reader.metadata
    assert meta.title == "评建简报 2024年第1期"
    assert meta.author == "重庆机电职业技术大学"
    assert "总第1期" in meta.subject
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    cover = flat(pages[0].extract_text())
    for words in ("重庆机电职业技术大学", "评建简报", "2024年第1期", "总第1期", "2024年6月30日", "内部资料", "本期要目"):
        assert words in cover
    assert printed_number(pages[0]) is None, "the cover has no page number"
    assert "「新闻政策」" not in header(pages[0]).extract_text()


def test_bookmarks_toc_and_printed_page_numbers_agree(sample_pdf, pages):
    reader = PdfReader(sample_pdf)
    marks = outline(reader)
    sections = [title for level, title, _ in marks if level == 1 and title != "目录"]
    assert sections == ["新闻政策", "评建动态", "他山之石"]   # (as written: the 「」 are the page's)
    articles = [(title, index) for level, title, index in marks if level == 2]
    assert len(articles) == 20
    contents = pages[0].extract_text()   # 本期要目 on the cover is the table of contents
    # an entry is `title.......page`; a long title wraps, so read the page as one run of text
    toc = {m.group(1): int(m.group(2)) for m in re.finditer(r"([^.]+?)\.{4,}(\d+)", flat(contents))}
    for title, index in articles:
        page = pages[index]
        assert flat(title)[:12] in flat(page.extract_text()), f"{title} is not on page {index + 1}"
        number = printed_number(page)
        assert number == index + 1
        listed = [n for t, n in toc.items() if t.endswith(flat(title))]
        assert listed == [number], f"目录 gives {listed} for {title}, the page says {number}"


def test_toc_entries_are_clickable_links_to_the_articles(built_mini):
    """In the reader's PDF (a press PDF has no links: test_press_output.py)."""
    reader = PdfReader(built_mini / "print/xiaokan-2024-07.pdf")
    targets = set()
    for page in reader.pages[:1]:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                targets.add(str(annot["/Dest"]))
    slugs = {"first", "second", "other"}
    assert slugs <= targets
    named = reader.named_destinations
    assert all(slug in named for slug in slugs)


def test_running_heads_name_the_newsletter_and_the_section(sample_pdf, pages):
    reader = PdfReader(sample_pdf)
    for level, _title, index in outline(reader):
        if level != 2:
            continue
        section = next(t for lv, t, i in reversed(outline(reader)) if lv == 1 and i <= index and t != "目录")
        page = pages[index]
        head = header(page).extract_text()
        # 刊名 and 期号 on the left (even) page, the 栏目 on the right page
        assert ("评建简报 2024年第1期" in head) if (index + 1) % 2 == 0 else (section in head and "评建简报" not in head)


def test_fonts_are_noto_cjk_embedded_as_subsets(sample_pdf):
    listing = subprocess.run(["pdffonts", str(sample_pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows, listing
    names = " ".join(row.split()[0] for row in rows)
    assert "Noto-Serif-CJK-SC" in names and "Noto-Sans-CJK-SC" in names
    for row in rows:
        assert re.search(r"\byes\s+yes\s+yes\b", row), f"not embedded as a subset: {row}"
    assert sample_pdf.stat().st_size < 2 * 1024 * 1024


def body_lines(page):
    """Lines of 10.5pt serif body text on a page: [(top, x0, x1, text)]."""
    rows = collections.defaultdict(list)
    for c in page.chars:
        if "Serif" in c["fontname"] and abs(c["size"] - 10.5) < 0.05:
            rows[round(c["top"])].append(c)
    lines = []
    for top in sorted(rows):
        chars = sorted(rows[top], key=lambda c: c["x0"])
        lines.append((top, chars[0]["x0"], chars[-1]["x1"], "".join(c["text"] for c in chars)))
    return lines


def paragraph_endings(sample: Path) -> set[str]:
    """The last characters of every paragraph and list item of the sample's articles."""
    endings = set()
    for page in (sample / "output/2024-06").glob("*/index.html"):
        body = page.read_text(encoding="utf-8").split('<div class="body">', 1)[1].split("</article>", 1)[0]
        for m in re.finditer(r"<(p|li|dd)\b[^>]*>(.*?)</\1>", body, re.S):
            text = flat(re.sub(r"<[^>]+>", "", m.group(2)))
            if text:
                endings.add(text[-6:])
    return endings


def test_body_lines_are_flush_with_both_margins(sample, pages):
    endings = paragraph_endings(sample)
    right = A4[0] - MARGIN_X
    measured, ragged = 0, []
    for number, page in enumerate(pages[2:], start=3):
        lines = body_lines(page)
        for (top, x0, x1, text), following in zip(lines, lines[1:]):
            last = flat(text.replace("\u2060", ""))
            if any(last.endswith(e) or e.endswith(last) for e in endings) or following[1] < x0 - 1:
                continue   # the last line of a paragraph, or of a list item (the next starts with its number)
            if x1 < right - 60 and following[0] - top > 20:
                continue   # a short line before a gap: a heading-like paragraph
            measured += 1
            # A closing mark at the line's end hangs its empty half into the margin: its ink ends flush.
            hang = 10.5 / 2 if text[-1] in CLOSING else 0
            if abs(x1 - hang - right) > 0.5:
                ragged.append(f"page {number}: ends {x1 - right:+.2f} pt from the margin: …{text[-15:]}")
    assert measured > 400
    assert not ragged, "\n".join(ragged)


def test_no_line_breaks_against_chinese_punctuation_rules(pages):
    bad = []
    for number, page in enumerate(pages, start=1):
        for line in (page.extract_text() or "").splitlines():
            line = line.replace("\u2060", "").strip()
            if not line or re.fullmatch(r"—\s*\d+\s*—", line):
                continue
            if line[0] in CLOSING:
                bad.append(f"page {number} starts a line with {line[0]}: {line[:20]}")
            if line[-1] in OPENING:
                bad.append(f"page {number} ends a line with {line[-1]}: {line[-20:]}")
    assert not bad, "\n".join(bad)


def test_table_header_is_repeated_on_every_page_of_a_long_table(pages):
    continued = 0
    for page in pages[2:]:
        table_chars = [c for c in page.chars if abs(c["size"] - 8.5) < 0.05 and in_block(page, c)]
        if not table_chars:
            continue
        first_row = min(c["top"] for c in table_chars)
        row = [c for c in sorted(table_chars, key=lambda c: c["x0"]) if abs(c["top"] - first_row) < 2]
        text = "".join(c["text"] for c in row)
        assert all("Bold" in c["fontname"] for c in row), f"a table continues without its header row: {text[:30]}"
        assert text[0] in "序教", text   # 序号 (or 教育部公示时间) heads the first column
        continued += 1
    assert continued >= 5


def test_no_heading_is_stranded_at_the_bottom_of_a_page(pages):
    for number, page in enumerate(pages[2:], start=3):
        text_chars = [c for c in page.chars if in_block(page, c)]
        if not text_chars or "".join(c["text"] for c in text_chars) == "阅读笔记":   # (a notes page: its lines are rules)
            continue
        lowest = max(c["top"] for c in text_chars)
        last_line = [c for c in text_chars if abs(c["top"] - lowest) < 2]
        assert not all("Sans" in c["fontname"] and c["size"] >= 11 for c in last_line), \
            f"page {number} ends with a heading: {''.join(c['text'] for c in last_line)}"


def test_same_content_gives_a_byte_identical_pdf(own_sample, sample_pdf):
    shutil.rmtree(own_sample / ".cache")
    result = run_build(own_sample, "pdf", "2024-06")
    assert result.code == 0, result.stderr
    assert (own_sample / "print/xiaokan-2024-06.pdf").read_bytes() == sample_pdf.read_bytes()


def test_a_footnote_prints_its_note_without_the_webs_back_link(mini):
    """The web's ↩ (back to the text) means nothing on paper: the note prints, the arrow does not."""
    write(mini, "content/2024-07/02-second.md", "---\ntitle: 第二篇动态\nsection: 评建动态\ndate: 2024-07-02\n---\n"
          "评建工作的正文。[^1]\n\n[^1]: 见《学生手册》第12条。\n")
    assert run_build(mini, "pdf").code == 0
    text = "".join(page.extract_text() for page in PdfReader(mini / "print/xiaokan-2024-07.pdf").pages)
    assert "见《学生手册》第" in text
    assert "↩" not in text


def test_print_options_page_size_bleed_marks_and_pdfa(mini):
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    write(mini, "site.yaml", text + "print:\n  page_size: A5\n  bleed: 3mm\n  crop_marks: true\n  pdfa: true\n")
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    pdf = mini / "print/xiaokan-2024-07.pdf"   # (the print shop's edition; the site's is trimmed, see test_editions)
    reader = PdfReader(pdf)
    page = reader.pages[1]
    assert abs(float(page.trimbox.width) - 148 * MM) < 1          # A5 after trimming
    assert float(page.mediabox.width) > float(page.trimbox.width) + 2 * 3 * MM - 1   # bleed around it
    assert b"pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert "草稿不应出现" not in "".join(p.extract_text() for p in reader.pages)


def test_missing_chinese_fonts_stop_the_pdf_with_the_package_to_install(mini, monkeypatch):
    import xiaokan.paper.fonts

    monkeypatch.setattr(xiaokan.paper.fonts, "chinese_font_families", lambda: set())
    result = run_build(mini, "build")
    assert result.code == 1
    assert "no Chinese font is installed" in result.stderr and "fonts-noto-cjk" in result.stderr
    assert not (mini / "output").exists()


def test_images_from_outside_the_project_are_refused_in_print(mini):
    write(mini, "content/2024-07/05-remote.md",
          '---\n标题: 远程\n栏目: 新闻政策\n---\n<img src="https://example.com/x.png" alt="远程">\n', )
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + "trust_html: true\n")
    result = run_build(mini, "build")
    assert result.code == 1
    assert "https://example.com/x.png" in result.stderr


def test_a_print_template_mistake_names_the_template_and_line_not_a_traceback(mini):
    template = mini / "templates/print/issue.html"
    write(mini, "templates/print/issue.html", template.read_text(encoding="utf-8").replace(
        "<body>", "<body>{{ issue.no_such_field }}", 1))
    result = run_build(mini, "pdf")
    assert result.code == 1 and "Traceback" not in result.stderr
    line = next(n for n, text in enumerate(template.read_text(encoding="utf-8").splitlines(), 1) if "no_such_field" in text)
    assert f"templates/print/issue.html:{line}: template uses something that does not exist" in result.stderr
    assert "no_such_field" in result.stderr


def test_the_figures_print_as_charts_with_their_numbers(pages):
    """The charts are vector drawings in the PDF whose labels stay text; their data tables are web only."""
    text = {i: page.extract_text() or "" for i, page in enumerate(pages)}
    bars = next(i for i, t in text.items() if "（各年度设置学校数" in t)
    for label in ("15所", "18所", "2019年", "2024年"):
        assert label in text[bars]
    from xiaokan.paper.press import cmyk
    from xiaokan.source.charts import PALETTE

    # PALETTE[0] of xiaokan/source/charts.py, as the sample's press PDF prints it (CMYK)
    red = tuple(float(v) for v in re.findall(r"[\d.]+", cmyk(PALETTE[0])))
    heights = [r["height"] for r in pages[bars].rects if r["fill"] and r["top"] > 20 * MM and 25 < r["width"] < 45
               and all(abs(a - b) < 0.01 for a, b in zip(r["non_stroking_color"], red))]
    assert len(heights) == 5   # 2019, 2020, 2021, 2023, 2024 (2022 has none)
    assert max(heights) / min(heights) == pytest.approx(18, rel=0.01)   # drawn to scale: 18 schools vs 1
    pie = next(i for i, t in text.items() if "（公办学校占比" in t)
    assert "28所（54.9%）" in text[pie] and "23所（45.1%）" in text[pie]
    assert not any("查看数据" in t for t in text.values())


def test_each_printed_article_has_a_qr_code_that_opens_its_web_page(mini, tmp_path):
    base = "https://kan.cqjd-school.cn/kan/"   # a real address: QR codes are printed by default
    config = mini / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://news.example.edu.cn/kan/", base),
                      encoding="utf-8")
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    pdf_path = mini / "print/xiaokan-2024-07.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    with_qr = [i for i, text in enumerate(texts) if "扫码阅读网页版" in text]
    assert len(with_qr) == 3   # one under every published article (the draft is not printed)
    back = len(texts) - 1
    assert "扫码阅读本期网页版" in texts[back]   # the back cover: the issue's page
    for index in (with_qr[0], back):
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(index + 1), "-l", str(index + 1),
                        str(pdf_path), str(tmp_path / "p")], check=True)
        image = next(tmp_path.glob("p*.png"))
        scanned = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True, text=True)
        url = scanned.stdout.strip()
        assert url.startswith(base), scanned
        assert (mini / "output" / url[len(base):] / "index.html").is_file()
        assert url in texts[index].replace("\n", "")   # printed under the code too
        image.unlink()


def test_no_qr_code_points_at_a_placeholder_address(own_sample, pages):
    """The sample's base_url is still www.example.edu.cn: its PDF has no QR codes, and check says why."""
    assert not any("扫码" in (page.extract_text() or "") for page in pages)
    result = run_build(own_sample, "check")
    assert result.code == 0
    assert "site.yaml:4: notice: the PDF has no QR codes while base_url is the placeholder" in result.stderr


def test_a_merged_province_cell_is_never_split_by_a_page_break(pages):
    import csv
    from itertools import groupby

    with open(ROOT / "content/2024-06/benke-51.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [re.sub(r"\s+", "", page.extract_text() or "") for page in pages]
    checked = 0
    for province, members in groupby(rows, key=lambda r: r["省份"]):
        members = list(members)
        names = [re.sub(r"^\[(.*)\]\(.*\)$", r"\1", m["名称"]) for m in members]
        # a row as printed: 序号, 名称, 所在地 (the merged 省份 cell stands apart, beside the group)
        needles = [re.compile(re.escape(m["序号"] + name) + f"({re.escape(province)})?" + re.escape(m["所在地"]))
                   for m, name in zip(members, names)]
        where = {i for needle in needles for i, text in enumerate(texts) if needle.search(text)}
        assert len(where) == 1, f"{province}: {names} printed on pages {sorted(where)}"
        assert province in texts[where.pop()]
        checked += len(names) > 1
    assert checked >= 14   # provinces with more than one university
