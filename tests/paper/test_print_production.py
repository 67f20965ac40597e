"""Print production (issue 13): the sample PDF read back as a print office and a Chinese typesetter would.

Typographic measures come from glyph positions (printmeasure.py); press output from the PDF's objects
(pypdf) and from its pages rendered as pictures (pdftoppm)."""
from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from pypdf import PdfReader

import printmeasure as measure
from helpers import ROOT, run_build, write
from xiaokan.paper.grid import grid_for

MM = 72 / 25.4
LEFT = grid_for(210, 297).side_mm * MM   # the text block's edges on A4 (the line grid: xiaokan/paper/grid.py)
RIGHT = 595.28 - LEFT
TITLE = grid_for(210, 297).title_pt       # 二号 on A4


@pytest.fixture(scope="session")
def pdf_pages(sample):
    with pdfplumber.open(sample / "print/xiaokan-2024-06.pdf") as pdf:
        yield pdf.pages


def flat(text: str) -> str:
    return re.sub(r"[\s\u2060]+", "", text or "")


def numbered(pages) -> list:
    """Body pages: those with a page number in the footer (not the covers, not the 阅读笔记 pages)."""
    found = []
    for page in pages:
        foot = measure.footer(page).extract_text() or ""
        if re.search(r"—\s*\d+\s*—", foot):
            found.append(page)
    return found


def add_print_settings(site: Path, settings: str) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n" + settings, encoding="utf-8")


def build_pdf(site: Path, *extra: str) -> Path:
    result = run_build(site, "pdf", *extra)
    assert result.code == 0, result.stderr
    return next((site / "print").glob("*.pdf"))


# Paper economy and the booklet

def test_articles_run_on_and_leave_little_blank_paper(pdf_pages):
    body = numbered(pdf_pages)
    assert measure.blank_share(body) <= 0.11   # (the line grid costs a little: tables and figures take whole lines)
    assert len(pdf_pages) < 49   # every article on its own page took 49


def test_the_page_count_is_a_multiple_of_four_ending_with_the_imprint(pdf_pages):
    assert len(pdf_pages) % 4 == 0
    back = flat(pdf_pages[-1].extract_text())
    assert "重庆机电职业技术大学" in back and "2024年6月30日印发" in back
    assert all(flat(page.extract_text()) for page in pdf_pages), "no page is bare"


def test_padding_pages_are_notes_pages_and_the_setting_turns_them_off(mini_with_pdf):
    mini = mini_with_pdf
    with pdfplumber.open(build_pdf(mini)) as pdf:
        texts = [flat(p.extract_text()) for p in pdf.pages]
    assert len(texts) % 4 == 0
    notes = [t for t in texts if t == "阅读笔记"]
    assert notes and texts[-1 - len(notes):-1] == notes   # (the mini issue needs padding: the pages before the back cover)
    assert texts[-1].startswith("测试简报") and "印发" in texts[-1]
    assert len(texts) - len(notes) - 1 >= 2   # the issue itself: cover and articles
    add_print_settings(mini, "  pages_multiple_of: 1\n")
    result = run_build(mini, "pdf")
    with pdfplumber.open(mini / "print/xiaokan-2024-07.pdf") as pdf:
        texts = [flat(p.extract_text()) for p in pdf.pages]
    assert "阅读笔记" not in texts and "印发" in texts[-1]
    assert len(texts) % 4   # (the mini issue is not a whole number of sheets without its notes pages)
    assert f"warning: print: {len(texts)} pages is not a multiple of 4, so the issue cannot be saddle-stitched" \
        in result.stderr


def test_the_cover_is_a_masthead_listing_every_article_with_its_page(sample, pdf_pages):
    cover = flat(pdf_pages[0].extract_text())
    for words in ("评建简报", "2024年第1期", "（总第1期）", "重庆机电职业技术大学", "2024年6月30日", "内部资料", "本期要目"):
        assert words in cover
    titles = [re.search(r"^标题:\s*(.+)$", p.read_text(encoding="utf-8"), re.M).group(1)
              for p in sorted((sample / "content/2024-06").glob("*.md"))]
    assert len(titles) == 20
    for title in titles:
        entry = re.search(re.escape(flat(title)) + r"\.{3,}(\d+)", cover)
        assert entry, f"本期要目 lacks {title}"
        page = pdf_pages[int(entry.group(1)) - 1]
        assert flat(title)[:10] in flat(page.extract_text()), f"{title} is not on page {entry.group(1)}"


def test_the_imprint_keys_are_read_in_chinese_and_in_english(mini):
    issue = mini / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "编印单位: 测试大学评建办\n主编: 王五\n责任编辑: 赵六\n印数: 300份\n"
                     "印发日期: 2024-08-02\n报: 市教委\n送: 各学院\n发: 全体教职工\n准印证号: 渝内准字001号\n", encoding="utf-8")
    with pdfplumber.open(build_pdf(mini)) as pdf:
        back, cover = flat(pdf.pages[-1].extract_text()), flat(pdf.pages[0].extract_text())
    for words in ("报：市教委", "送：各学院", "发：全体教职工", "测试大学评建办", "2024年8月2日印发", "主编：王五",
                  "责任编辑：赵六", "编辑：张三", "（共印300份）", "准印证号：渝内准字001号"):
        assert words in back, words
    assert "测试大学评建办" in cover
    english = issue.read_text(encoding="utf-8")
    for chinese, name in (("编印单位", "publisher"), ("主编", "chief_editor"), ("责任编辑", "responsible_editor"),
                          ("印数", "print_run"), ("印发日期", "printed_on"), ("报", "report_to"), ("送", "copy_to"),
                          ("发", "send_to"), ("准印证号", "permit")):
        english = english.replace(f"\n{chinese}: ", f"\n{name}: ")
    issue.write_text(english.replace("印数", "print_run"), encoding="utf-8")
    with pdfplumber.open(build_pdf(mini)) as pdf:
        assert flat(pdf.pages[-1].extract_text()) == back


def test_a_wrong_imprint_value_names_its_line(mini):
    issue = mini / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "印数: 很多\n", encoding="utf-8")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "content/2024-07/issue.yaml:7" in result.stderr and "`印数`" in result.stderr   # (named as the file writes it)


def test_no_article_title_stands_in_the_bottom_fifth_or_without_three_lines(pdf_pages):
    checked = 0
    for number, page in enumerate(pdf_pages, start=1):
        titles = [c for c in page.chars if abs(c["size"] - TITLE) < 0.1 and "Bold" in c["fontname"]]
        if not titles:
            continue
        top = min(c["top"] for c in titles)
        _, trim_top, _, trim_bottom = measure.trim(page)
        assert top - trim_top < (trim_bottom - trim_top) * 0.8, f"page {number}: a title in the bottom fifth"
        below = {round(c["top"]) for c in page.chars if abs(c["size"] - 10.5) < 0.05 and c["top"] > top
                 and "Serif" in c["fontname"]}
        foot = trim_bottom - 22 * MM
        if max(c["bottom"] for c in titles) < foot - 40 * MM:
            checked += 1
        else:
            assert len(below) >= 3, f"page {number}: a title with fewer than three lines below it"
    assert checked >= 10


def test_article_starts_new_page_is_still_an_option(mini):
    add_print_settings(mini, "  article_starts_new_page: true\n  pages_multiple_of: 1\n")
    with pdfplumber.open(build_pdf(mini)) as pdf:
        starts = [page for page in pdf.pages[1:] if any(abs(c["size"] - TITLE) < 0.1 for c in page.chars)]
        for page in starts:
            title_top = min(c["top"] for c in page.chars if abs(c["size"] - TITLE) < 0.1)
            assert title_top < 60 * MM, "each article starts at the top of a page"
        assert len(starts) == 3


# Chinese typography, measured on the sample

def test_consecutive_punctuation_is_compressed(pdf_pages):
    compressed, pairs = measure.punctuation_pairs(pdf_pages)
    assert pairs >= 100
    assert compressed / pairs >= 0.9


def test_chinese_and_latin_are_a_quarter_em_apart(pdf_pages):
    spaced, boundaries = measure.latin_boundaries(pdf_pages)
    assert boundaries >= 500
    assert spaced / boundaries >= 0.9


def test_punctuation_at_line_edges_hangs_its_empty_half(pdf_pages):
    hanging = 0
    for page in numbered(pdf_pages):
        for line in measure.lines(page, 10.5):
            if "Serif" not in line[0]["fontname"] or len(line) < 25:
                continue
            last = line[-1]
            if last["text"] in measure.CLOSING and last["x1"] > RIGHT + 1:
                assert last["x1"] == pytest.approx(RIGHT + 10.5 / 2, abs=0.5)
                hanging += 1
            first = line[0]
            if first["text"] in measure.OPENING and first["x0"] < LEFT + 1:
                assert first["x0"] == pytest.approx(LEFT - 10.5 / 2, abs=0.5), "an opening mark's empty half"
    assert hanging >= 20


def test_no_paragraph_ends_with_a_lone_character(pdf_pages):
    assert measure.lone_last_lines(pdf_pages) == []


def test_justified_lines_have_even_gaps_end_to_end(pdf_pages):
    worst = 0.0
    for page in numbered(pdf_pages):
        for line in measure.lines(page, 10.5):
            if "Serif" not in line[0]["fontname"] or abs(line[-1]["x1"] - RIGHT) > 0.5:
                continue
            gaps = [b["x0"] - a["x1"] for a, b in zip(line, line[1:])
                    if measure.IDEOGRAPH.match(a["text"]) and measure.IDEOGRAPH.match(b["text"])]
            if len(gaps) > 5:
                median = statistics.median(gaps)
                worst = max(worst, abs(gaps[0] - median), abs(gaps[-1] - median))
    assert worst < 0.05


def test_titles_break_between_words_in_balanced_lines(pdf_pages):
    import jieba

    broken = 0
    for page in pdf_pages:
        lines = measure.lines(page, TITLE)
        title = [line for line in lines if "Bold" in line[0]["fontname"]]
        for first, second in zip(title, title[1:]):
            if abs(second[0]["top"] - first[0]["top"]) > 2 * TITLE:
                continue
            a, b = "".join(c["text"] for c in first), "".join(c["text"] for c in second)
            whole = a + b
            boundaries = {0}
            for word in jieba.lcut(whole):
                boundaries.add(max(boundaries) + len(word))
            assert len(a) in boundaries, f"title broken inside a word: {a}/{b}"
            assert len(b) >= 3 and abs(len(a) - len(b)) <= max(len(a), len(b)) * 0.5, f"unbalanced: {a}/{b}"
            broken += 1
    assert broken >= 3


def test_heading_sizes_follow_their_level(sample):
    html = (sample / "output/2024-06/guangdong-rengong-zhineng/index.html").read_text(encoding="utf-8")
    assert "<h3" in html and "<h4" in html
    css = (ROOT / "templates/print/print.css").read_text(encoding="utf-8")
    sizes = {level: float(re.search(rf"\.article-body {level} {{ font-size: ([\d.]+)pt", css).group(1))
             for level in ("h2", "h3", "h4")}
    assert sizes["h2"] > sizes["h3"] > sizes["h4"]


def test_heading_sizes_follow_their_level_in_the_pdf(pdf_pages):
    sizes = {}
    for page in pdf_pages:
        for line in measure.lines(page):
            text = "".join(c["text"] for c in line)
            if "Sans" in line[0]["fontname"] and re.match(r"^[一二三四五六七八九十]+、", text):
                sizes.setdefault("h3", set()).add(round(line[0]["size"], 1))
            if "Sans" in line[0]["fontname"] and re.match(r"^（[一二三四五六七八九十]+）", text):
                sizes.setdefault("h4", set()).add(round(line[0]["size"], 1))
    assert sizes["h3"] and sizes["h4"]
    assert min(sizes["h3"]) > max(sizes["h4"])


def test_numbered_lists_keep_their_start_number(pdf_pages):
    text = "\n".join(page.extract_text() or "" for page in pdf_pages)
    for number in (3, 11, 24, 39, 45):
        assert re.search(rf"^{number}\.\s*\S", text, re.M), f"item {number} is not numbered {number}"


# Tables and figures

def test_short_table_columns_never_wrap(pdf_pages):
    dates = 0
    for page in pdf_pages:
        for line in measure.lines(page, 8.5):
            text = "".join(c["text"] for c in line)
            assert not re.search(r"(^|\s)[号日省]$", text), f"a short cell wraps: {text}"
            dates += len(re.findall(r"\d{4}年\d+月\d+日", text))
    assert dates >= 45   # every 公示/批准 date of the two university tables on one line


def test_empty_table_cells_print_blank(sample, pdf_pages):
    """(An en dash until issue 27: a cell written `-` is empty, and prints so; test_print_tables.py.)"""
    cells = [c for page in pdf_pages for c in page.chars if abs(c["size"] - 8.5) < 0.05]
    assert not any(c["text"] in "-–" for c in cells)


def test_a_continued_table_says_so(pdf_pages):
    heads = [flat(measure.header(page).extract_text()) for page in pdf_pages]
    assert sum("表1（续）" in h for h in heads) >= 2
    assert sum("（续）" in h for h in heads) >= 4
    for page, head in zip(pdf_pages, heads):
        if "续" in head:   # the page opens with the table's repeated header
            body = [c for c in page.chars if measure.in_block(page, c)]
            first = min(body, key=lambda c: (round(c["top"]), c["x0"]))
            assert "Bold" in first["fontname"] and abs(first["size"] - 8.5) < 0.05


def test_figures_and_tables_are_numbered_per_article(pdf_pages):
    text = flat("".join(page.extract_text() or "" for page in pdf_pages))
    assert "表1本科层次职业学校" in text
    assert "图1（各年度设置学校数" in text and "图2（公办学校占比" in text


def test_chart_text_is_no_larger_than_body_text(pdf_pages):
    chart_pages = [p for p in pdf_pages if "（各年度设置学校数" in (p.extract_text() or "")]
    labels = [c for page in chart_pages for c in page.chars if c["text"] in "所" and "Sans" in c["fontname"]]
    assert labels and max(c["size"] for c in labels) <= 10.5


def test_missing_photos_are_marked_not_hidden(pdf_pages):
    text = flat("".join(page.extract_text() or "" for page in pdf_pages))
    assert text.count("原稿此处配有照片，本刊未收录") == 10
    assert "高新区大学生服务站信息" in text


# Press-ready output

def press_site(mini: Path, variant: str) -> Path:
    add_print_settings(mini, f"  pdf_variant: {variant}\n  bleed: 3mm\n  crop_marks: true\n")
    return build_pdf(mini)


def rgb_operators(reader: PdfReader) -> int:
    count = 0
    for page in reader.pages:
        data = page.get_contents().get_data().decode("latin-1")
        count += len(re.findall(r"(?<![A-Za-z])(rg|RG)(?![A-Za-z])", data))
    return count


@pytest.mark.parametrize("variant", ["pdf/x-4", "pdf/x-1a"])
def test_a_press_pdf_is_cmyk_with_an_output_intent(mini, variant):
    write(mini, "content/2024-07/05-chart.md", "---\n标题: 图表\n栏目: 新闻政策\n---\n"
          '{{< 图表 类型="饼图" 文件="share.csv" 标题="占比" 单位="所" >}}\n')
    write(mini, "content/2024-07/share.csv", "类别,数量\n公办,28\n民办,23\n")
    reader = PdfReader(press_site(mini, variant))
    intents = reader.trailer["/Root"]["/OutputIntents"]
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert "CMYK" in str(intent["/OutputConditionIdentifier"])
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    assert rgb_operators(reader) == 0
    text = "".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)
    assert re.search(r"/DeviceCMYK cs", text) and re.search(r"\b0 0 0 1 scn\b", text), "text in black ink only"


def test_a_press_pdf_prints_photos_in_cmyk(mini):
    Image.new("RGB", (1600, 1200), (180, 40, 30)).save(mini / "content/2024-07/photo.png")
    write(mini, "content/2024-07/05-photo.md", "---\n标题: 照片\n栏目: 新闻政策\n---\n![会议现场](photo.png)\n")
    reader = PdfReader(press_site(mini, "pdf/x-1a"))
    spaces = set()
    for page in reader.pages:
        for xobject in ((page.get("/Resources") or {}).get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Image":
                spaces.add(str(xobject["/ColorSpace"]))
    assert spaces == {"/DeviceCMYK"}


def test_a_screen_pdf_keeps_rgb_and_pdfa_is_archival(mini_with_pdf):
    mini = mini_with_pdf
    reader = PdfReader(build_pdf(mini))
    assert "/OutputIntents" not in reader.trailer["/Root"]
    add_print_settings(mini, "  pdf_variant: pdf/a-3b\n")
    reader = PdfReader(build_pdf(mini))
    assert reader.trailer["/Root"]["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"


def test_bleed_carries_the_cover_band_and_crop_marks_sit_outside_it(mini, tmp_path):
    pdf = press_site(mini, "pdf/x-4")
    page = PdfReader(pdf).pages[0]
    media, bleed, trim = (tuple(float(v) for v in box) for box in (page.mediabox, page.bleedbox, page.trimbox))
    assert bleed[0] == pytest.approx(trim[0] - 3 * MM, abs=0.1)
    assert media[0] < bleed[0] - 5 * MM   # room for the crop marks outside the bleed
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "c")], check=True)
    image = Image.open(next(tmp_path.glob("c*.png"))).convert("RGB")

    def at(x_pt: float, y_pt: float) -> tuple[int, int, int]:   # PDF coordinates -> the darkest pixel there
        x, y = round(x_pt - media[0]), round(media[3] - y_pt)
        return min((image.getpixel((x + dx, y)) for dx in (-1, 0, 1)), key=sum)

    corner = at(bleed[0] + 1, bleed[3] - 1)   # inside the bleed, outside the trimmed page
    assert corner[0] > 100 and corner[1] < 80, f"the cover band does not reach the bleed: {corner}"
    # The crop mark above the top-left corner: in line with the trim edge, from the bleed's edge 5 mm out.
    assert max(at(trim[0], bleed[3] + 1 * MM)) < 100, "a crop mark starts just outside the bleed"
    assert max(at(trim[0], bleed[3] + 4 * MM)) < 100
    assert min(at(trim[0], bleed[3] + 6.5 * MM)) > 200, "the crop mark is 5 mm long"
    assert min(at(trim[0] - 4 * MM, bleed[3] + 1 * MM)) > 200, "nothing else is drawn outside the bleed"
    assert min(at(trim[0], trim[3] - 1 * MM)) < 100   # (the band, not a mark, at the trim corner)


# Preflight

def test_preflight_warns_about_qr_codes_to_a_placeholder_and_strict_refuses(mini):
    add_print_settings(mini, "  qr_codes: true\n")
    result = run_build(mini, "pdf")
    assert result.code == 0
    assert "site.yaml:3: warning: base_url https://news.example.edu.cn/kan/ is a placeholder" in result.stderr
    before = (mini / "print/xiaokan-2024-07.pdf").read_bytes()
    write(mini, "content/2024-07/01-first.md",
          (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8") + "\n新的一段。\n")
    strict = run_build(mini, "pdf", "--strict")
    assert strict.code == 1
    assert "is a placeholder" in strict.stderr and "pdf --strict" in strict.stderr
    assert (mini / "print/xiaokan-2024-07.pdf").read_bytes() == before   # nothing published


def test_preflight_finds_a_low_resolution_photo_and_a_caption_without_photo(mini):
    Image.new("RGB", (120, 80), (200, 120, 40)).save(mini / "content/2024-07/small.jpg")
    write(mini, "content/2024-07/05-photo.md", "---\n标题: 照片\n栏目: 新闻政策\n---\n"
          "会议现场。\n\n![会议现场](small.jpg)\n\n一段文字。\n\n图2 这张照片没有放进来\n{: .caption }\n")
    result = run_build(mini, "pdf")
    assert result.code == 0, result.stderr
    assert re.search(r"issue\.yaml: warning: print: photo small\.jpg prints at \d+ dpi on page \d+", result.stderr)
    assert "content/2024-07/05-photo.md:11: warning: the caption “图2 这张照片没有放进来” stands where a photo" \
        in result.stderr


def test_the_sample_passes_its_own_preflight(own_sample):
    """…and names its ten placeholder boxes (photos the source did not keep, marked .no-photo) in notices,
    each at its caption's line."""
    result = run_build(own_sample, "pdf", "--strict")
    assert result.code == 0, result.stderr
    assert "warning" not in result.stderr
    notices = [line for line in result.stderr.splitlines() if "prints a dashed box saying the photo is missing" in line]
    assert len(notices) == 10 and all(": notice: " in line for line in notices)
    assert re.search(r"04-kexuecheng-zhihai-yangfan\.md:13: notice: ", result.stderr)
    # Two captions that start alike are each at their own line; a caption is quoted whole (or up to an
    # ellipsis), without its credit, never cut after a space.
    assert re.search(r"04-kexuecheng-zhihai-yangfan\.md:18: notice: .*““职海扬帆”大学生就创业服务站。”", result.stderr)
    assert len({line.split(": notice: ")[0] for line in notices}) == 10
    assert "供图" not in result.stderr and not re.search(r"\s” should be", result.stderr)


def test_the_fonts_check_finds_a_font_the_pdf_does_not_carry(sample):
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    from xiaokan.paper.preflight import unembedded_fonts

    assert unembedded_fonts((sample / "print/xiaokan-2024-06.pdf").read_bytes()) == []
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/TrueType"),
                             NameObject("/BaseFont"): NameObject("/SimSun")})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
        {NameObject("/F1"): writer._add_object(font)})})
    out = io.BytesIO()
    writer.write(out)
    assert unembedded_fonts(out.getvalue()) == ["SimSun"]


def test_an_unknown_pdf_variant_names_the_setting(mini):
    add_print_settings(mini, "  pdf_variant: pdf/x-3\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "unknown pdf_variant 'pdf/x-3'" in result.stderr and "site.yaml" in result.stderr


# The sample reads like the original

def test_every_paragraph_of_the_sample_is_in_the_original(sample):
    """Character by character against the text of the real issue (../shared/seed/, copied into
    tests/fixtures). Two paragraphs differ only where the extracted text carries a stray web address
    and a page number."""
    seed = flat((ROOT / "tests/fixtures/seed-2024-06.txt").read_text(encoding="utf-8")).replace(":", "：")
    missing = []
    for page in sorted((sample / "output/2024-06").glob("*/index.html")):
        body = page.read_text(encoding="utf-8").split('<div class="body">', 1)[1].split("</article>", 1)[0]
        for m in re.finditer(r"<(p|li|h2|h3|h4|figcaption)\b(?![^>]*source-line)[^>]*>(.*?)</\1>", body, re.S):
            text = re.sub(r'<span class="(credit|missing-photo-note)">.*?</span>', "", m.group(2))
            text = flat(re.sub(r"<[^>]+>", "", text)).replace("&amp;", "&")
            if len(text) >= 8 and text not in seed:
                missing.append(f"{page.parent.name}: {text[:40]}")
    assert len(missing) <= 2, "\n".join(missing)


@pytest.mark.parametrize("size", ["A5", "letter", "A3"])
def test_every_page_size_gets_whole_sheets(mini, size):
    add_print_settings(mini, f"  page_size: {size}\n  pages_multiple_of: 8\n")
    with pdfplumber.open(build_pdf(mini)) as pdf:
        texts = [flat(page.extract_text()) for page in pdf.pages]
    assert len(texts) % 8 == 0, f"{len(texts)} pages"   # (a 阅读笔记 page fits its paper: it never runs over)
    assert texts[-1].startswith("测试简报") and "印发" in texts[-1]
