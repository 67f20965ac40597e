"""Press output (issue 27): what a press PDF may hold, the shop's printing condition, titles as written.

Read back from the PDF's objects with pypdf: every object of the file, not only what the pages show."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from helpers import run_build, write

LANGUAGE = "en"   # (messages are checked by their English ids)
SWOP = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
OTHER_CMYK = Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc")
RGB = Path("/usr/share/color/icc/ghostscript/srgb.icc")


def add_print_settings(site: Path, settings: str) -> None:
    config = site / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "print:\n" + settings, encoding="utf-8")


def with_chart_and_links(site: Path) -> None:
    """A bar chart (centred SVG text: WeasyPrint draws it in groups), a link to another article of the
    issue and one to the web."""
    write(site, "content/2024-07/05-chart.md", "---\n标题: 图表\n栏目: 新闻政策\n---\n"
          "见[上一篇](01-first.md)和[教育部网站](https://www.moe.gov.cn/)。\n\n"
          '{{< 图表 类型="柱状图" 文件="years.csv" 标题="各年度设置学校数" 单位="所" >}}\n')
    write(site, "content/2024-07/years.csv", "年度,数量\n2019,15\n2020,8\n2021,9\n")


def build(site: Path) -> tuple[Path, str]:
    result = run_build(site, "pdf")
    assert result.code == 0, result.stderr
    return next((site / "print").glob("*.pdf")), result.stderr


def all_objects(reader: PdfReader):
    """Every indirect object of the file (the objects no page refers to as well)."""
    for number in range(1, len(reader.xref_objStm) + sum(len(v) for v in reader.xref.values()) + 1):
        try:
            obj = reader.get_object(number)
        except Exception:   # (numbers the file does not use)
            continue
        if obj is not None:
            yield obj


def transparency(reader: PdfReader) -> list[str]:
    found = []
    for obj in all_objects(reader):
        if not hasattr(obj, "get"):
            continue
        group = obj.get("/Group")
        if group is not None and group.get_object().get("/S") == "/Transparency":
            found.append("group")
        if obj.get("/SMask") not in (None, "/None"):
            found.append("soft mask")
        for key in ("/ca", "/CA"):
            if key in obj and float(obj[key]) < 1:
                found.append(f"alpha {obj[key]}")
    return found


def annotations(reader: PdfReader) -> int:
    on_pages = sum(len(page.get("/Annots") or []) for page in reader.pages)
    loose = sum(1 for obj in all_objects(reader) if hasattr(obj, "get") and obj.get("/Type") == "/Annot")
    return on_pages + loose


@pytest.fixture(scope="module")
def quiet():
    import logging
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def test_pdf_x1a_has_no_transparency_and_no_annotations(mini, quiet):
    with_chart_and_links(mini)
    add_print_settings(mini, "  pdf_variant: pdf/x-1a\n")
    pdf, _ = build(mini)
    reader = PdfReader(pdf)
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    assert transparency(reader) == []
    assert annotations(reader) == 0
    with pdfplumber.open(pdf) as document:   # the chart is still drawn, its numbers with it
        text = "".join(page.extract_text() or "" for page in document.pages)
    assert "15所" in text.replace(" ", "") and "2019" in text


def test_the_screen_pdf_keeps_its_links_and_pdf_x4_has_none(mini, quiet):
    with_chart_and_links(mini)
    screen = PdfReader(build(mini)[0])
    assert annotations(screen) >= 2   # (the reader's PDF keeps its links: 本期要目 and the text's)
    add_print_settings(mini, "  pdf_variant: pdf/x-4\n")
    assert annotations(PdfReader(build(mini)[0])) == 0


def intent_of(pdf: Path):
    return PdfReader(pdf).trailer["/Root"]["/OutputIntents"][0].get_object()


def test_the_print_shops_profile_and_condition_make_the_output_intent(mini):
    (mini / "profiles").mkdir()
    shutil.copy(OTHER_CMYK, mini / "profiles/shop.icc")
    add_print_settings(mini, "  pdf_variant: pdf/x-4\n  output_profile: profiles/shop.icc\n  output_condition: JC200103\n")
    pdf, stderr = build(mini)
    intent = intent_of(pdf)
    assert intent["/OutputConditionIdentifier"] == "JC200103"
    assert intent["/RegistryName"] == "http://www.color.org"
    assert intent["/Info"] == "Artifex PS CMYK Profile"   # (the file's own description)
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4 and b"Artifex PS CMYK Profile" in profile.get_data().replace(b"\0", b"")
    assert "SWOP" not in stderr


def test_without_a_profile_the_intent_is_swop_and_a_notice_names_it(mini):
    add_print_settings(mini, "  pdf_variant: pdf/x-4\n")
    pdf, stderr = build(mini)
    assert intent_of(pdf)["/OutputConditionIdentifier"] == "Artifex CMYK SWOP Profile"
    assert re.search(r"site\.yaml:\d+: notice: the press PDF prints to Artifex CMYK SWOP Profile "
                     r"\(/usr/share/color/icc/ghostscript/default_cmyk\.icc\)", stderr)


def test_the_notice_reads_a_profiles_name_as_pillow_does(tmp_path):
    """The notice reads the description tag itself (v2 text, v4 multi-language); Pillow is the reference."""
    from PIL import ImageCms

    from xiaokan.paper.intent import _profile_name

    version4 = tmp_path / "v4.icc"
    version4.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    damaged = tmp_path / "damaged.icc"
    damaged.write_bytes(SWOP.read_bytes()[:250])   # (cut inside its description)
    for path in (SWOP, OTHER_CMYK, RGB, version4):
        assert _profile_name(path) == ImageCms.getOpenProfile(str(path)).profile.profile_description.strip()
    assert _profile_name(damaged) == "damaged"


@pytest.mark.parametrize("settings, message", [
    ("  output_profile: profiles/missing.icc\n  output_condition: FOGRA39\n",
     "the output profile profiles/missing.icc is not a file of the project"),
    ("  output_profile: ../../outside.icc\n  output_condition: FOGRA39\n", "is not a file of the project"),
    ("  output_profile: profiles/rgb.icc\n  output_condition: FOGRA39\n", "is a RGB profile, not a CMYK printing profile"),
    ("  output_profile: profiles/text.icc\n  output_condition: FOGRA39\n", "is not an ICC colour profile"),
    ("  output_profile: profiles/shop.icc\n", "needs the printing condition it characterises"),
    ("  output_condition: FOGRA39\n", "names a printing condition but print.output_profile gives no profile"),
])
def test_a_wrong_output_profile_is_an_error_at_its_line(mini, settings, message):
    (mini / "profiles").mkdir()
    shutil.copy(RGB, mini / "profiles/rgb.icc")
    shutil.copy(OTHER_CMYK, mini / "profiles/shop.icc")
    (mini / "profiles/text.icc").write_text("not a profile", encoding="utf-8")
    add_print_settings(mini, "  pdf_variant: pdf/x-1a\n" + settings)
    result = run_build(mini, "pdf")
    assert result.code == 1
    line = len((mini / "site.yaml").read_text(encoding="utf-8").splitlines())
    key = settings.strip().splitlines()[0].split(":")[0]
    expected = line - (settings.count("\n") - 1) if key == "output_profile" else line
    assert f"site.yaml:{expected}:" in result.stderr and message in result.stderr, result.stderr
    assert not (mini / "print").exists() or not list((mini / "print").glob("*.pdf"))


def test_bookmarks_and_metadata_carry_the_titles_as_written(sample):
    reader = PdfReader(sample / "print/xiaokan-2024-06.pdf")
    titles = {}
    for path in sorted((sample / "content/2024-06").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        titles[re.search(r"^标题:\s*(.+)$", text, re.M).group(1).strip()] = \
            re.search(r"^栏目:\s*(.+)$", text, re.M).group(1).strip()
    marks: list[tuple[int, str]] = []

    def walk(items, level=1):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                marks.append((level, item.title))
    walk(reader.outline)
    articles = [title for level, title in marks if level == 2]
    assert sorted(articles) == sorted(titles)
    assert [title for level, title in marks if level == 1] == ["目录", "新闻政策", "评建动态", "他山之石"]
    for value in [title for _, title in marks] + [str(v) for v in reader.metadata.values()]:
        assert "\u2060" not in value
    assert reader.metadata["/Title"] == "评建简报 2024年第1期"
