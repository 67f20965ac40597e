"""The reading aids in a real browser (Chromium): the table of contents, back to top, zoom, share,
dark mode (with axe), charts whose labels never overlap, and the 数字报's clickable pages."""
from __future__ import annotations

import subprocess

import pytest
from PIL import Image
from playwright.sync_api import expect

from helpers import axe_problems, run_build, serve_folder, wait_for, write

ARTICLE_01 = "2024-06/jiaoyubu-zhiye-benke-51/index.html"


def _phone(browser, **options):
    return browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True, **options)


def test_the_long_article_has_a_table_of_contents_beside_it_that_jumps_to_its_sections(page, site):
    page.goto(site + ARTICLE_01)
    toc = page.locator(".article-toc")
    assert toc.locator("details").evaluate("d => d.open")   # open beside the text on a desktop
    toc_box, body_box = toc.bounding_box(), page.locator(".article .body").bounding_box()
    assert toc_box["x"] >= body_box["x"] + body_box["width"]
    toc.get_by_role("link", name="打破误解，擦亮底色").click()
    page.wait_for_function("(r => 0 <= r.top && r.top < 200)(document.getElementById('打破误解-擦亮底色').getBoundingClientRect())")
    expect(toc.locator("summary")).to_be_visible()   # (sticky: the list stays in view as the reader goes down)
    page.locator(".article-toc").get_by_role("link", name="图1 各年度设置学校数").click()
    page.wait_for_function("(r => 0 <= r.top && r.top < 200)(document.getElementById('图1').getBoundingClientRect())")


def test_on_a_phone_the_table_of_contents_is_folded_at_the_top(browser, site):
    context = _phone(browser)
    page = context.new_page()
    page.goto(site + ARTICLE_01)
    details = page.locator(".article-toc details")
    assert not details.evaluate("d => d.open")
    assert details.bounding_box()["y"] < page.locator(".article h1").bounding_box()["y"] < 740
    details.locator("summary").click()
    expect(page.locator(".article-toc").get_by_role("link", name="打破误解，擦亮底色")).to_be_visible()
    context.close()


def test_back_to_top_appears_after_a_screen_and_takes_the_reader_up(page, site):
    page.goto(site + ARTICLE_01)
    button = page.locator(".back-to-top")
    assert not button.is_visible()
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 2000")
    button.wait_for(state="visible")
    button.click()
    page.wait_for_function("window.scrollY === 0")


def test_share_copies_the_address_and_shows_a_qr_code_that_scans_to_it(browser, site, tmp_path):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site + ARTICLE_01)
    page.get_by_role("button", name="复制链接").click()
    address = "https://www.example.edu.cn/pingjian/2024-06/jiaoyubu-zhiye-benke-51/"
    assert wait_for(lambda: page.evaluate("navigator.clipboard.readText()") == address)   # (the copy is asynchronous)
    page.get_by_role("button", name="二维码").click()
    qr = page.locator("#share-qr-dialog svg.qr")
    qr.wait_for(state="visible")
    assert qr.bounding_box()["width"] >= 150   # big enough to scan from a screen
    qr.screenshot(path=str(tmp_path / "qr.png"))
    scanned = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "qr.png")], capture_output=True, text=True)
    assert scanned.stdout.strip() == "https://www.example.edu.cn/pingjian/2024-06/jiaoyubu-zhiye-benke-51/"
    page.keyboard.press("Escape")
    expect(qr).to_be_hidden()
    context.close()


def test_a_heading_anchor_copies_the_link_to_its_section(browser, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site + ARTICLE_01)
    page.locator("#打破误解-擦亮底色").hover()
    page.locator("#打破误解-擦亮底色 .heading-anchor").click()
    assert wait_for(lambda: page.evaluate("navigator.clipboard.readText()").endswith(
        "/2024-06/jiaoyubu-zhiye-benke-51/index.html#%E6%89%93%E7%A0%B4%E8%AF%AF%E8%A7%A3-%E6%93%A6%E4%BA%AE%E5%BA%95%E8%89%B2"))
    context.close()


@pytest.mark.parametrize("path", ["index.html", ARTICLE_01, "2024-06/index.html", "edition/2024-06/2/index.html",
                                  "search/index.html?q=职业本科", "sections/news/index.html"])
def test_dark_mode_follows_the_system_and_axe_stays_clean(browser, site, path, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    page.goto(site + path)
    if "search" in path:
        page.wait_for_function("document.querySelectorAll('#search-results li').length > 0")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(22, 24, 27)"
    page.screenshot(path=str(tmp_path / "dark.png"))
    with Image.open(tmp_path / "dark.png") as shot:   # what a reader sees is mostly dark, not a white page
        grey = sorted(shot.convert("L").resize((64, 64)).tobytes())
        assert grey[len(grey) // 2] < 60
    bad, passed = axe_problems(page)
    assert not bad and passed > 20, "\n".join(bad)
    context.close()


def test_charts_are_readable_in_dark_mode(browser, site):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site + ARTICLE_01)
    fills = page.eval_on_selector_all(".chart-svg text", "ts => ts.map(t => getComputedStyle(t).fill)")
    assert fills and all(f in ("rgb(230, 225, 220)", "rgb(169, 163, 157)") for f in fills)
    bar = page.eval_on_selector(".chart-svg .bar", "b => getComputedStyle(b).fill")
    assert bar == "rgb(224, 102, 90)"
    context.close()


@pytest.fixture(scope="module")
def long_labels(tmp_path_factory):
    """The mini site with a bar chart of twelve long 专业大类 names and a photo, built and served."""
    from helpers import FIXTURES, copy_site

    root = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("labels") / "site")
    rows = ["大类,专业数"] + [f"{name},{n}" for n, name in enumerate((
        "装备制造大类", "电子与信息大类", "交通运输大类", "财经商贸大类", "医药卫生大类", "土木建筑大类", "文化艺术大类",
        "教育与体育大类", "旅游大类", "农林牧渔大类", "能源动力与材料大类", "公共管理与服务大类"), start=3)]
    write(root, "content/2024-07/dalei.csv", "\n".join(rows) + "\n")
    Image.new("RGB", (1600, 1000), (40, 90, 160)).save(root / "content/2024-07/huichang.jpg", quality=80)
    article = root / "content/2024-07/02-second.md"
    write(root, "content/2024-07/02-second.md", article.read_text(encoding="utf-8")
          + '\n\n{{< 图表 类型="柱状图" 文件="dalei.csv" 标题="各专业大类的专业数" >}}\n\n![会场全景](huichang.jpg)\n')
    result = run_build(root, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    yield from serve_folder(root / "output")


@pytest.mark.parametrize("width", [375, 1280])
def test_no_chart_label_overlaps_another(browser, long_labels, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(long_labels + "2024-07/second/index.html")
    boxes = page.eval_on_selector_all(".chart-svg text", """ts => ts.map(t => {
        const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, t.textContent]; })""")
    assert len(boxes) == 24
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            apart = a[2] <= b[0] + 0.5 or b[2] <= a[0] + 0.5 or a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5
            assert apart, f"{a[4]} overlaps {b[4]}"
    svg_box = page.locator(".chart-svg").bounding_box()
    assert all(svg_box["x"] - 1 <= box[0] and box[2] <= svg_box["x"] + svg_box["width"] + 1 for box in boxes)
    context.close()


def test_a_tap_on_a_photo_shows_it_whole(browser, long_labels):
    context = _phone(browser)
    page = context.new_page()
    page.goto(long_labels + "2024-07/second/index.html")
    photo = page.get_by_role("button", name="查看大图：会场全景")
    photo.click()
    zoom = page.locator("dialog.zoom img")
    zoom.wait_for(state="visible")
    assert zoom.evaluate("i => i.naturalWidth") == 1600   # the original, not the phone-sized copy
    assert zoom.bounding_box()["width"] > photo.bounding_box()["width"] * 0.95
    page.locator("dialog.zoom").click()
    page.wait_for_function("!document.querySelector('dialog.zoom').open")
    context.close()


def test_a_spot_on_the_digital_edition_page_opens_its_article(page, site):
    page.goto(site + "edition/2024-06/2/index.html")
    spot = page.locator("a.spot[data-slug='jiaoyubu-zhiye-benke-51']").first
    box, sheet = spot.bounding_box(), page.locator(".edition-sheet").bounding_box()
    assert box["width"] > sheet["width"] * 0.6 and box["height"] > sheet["height"] * 0.5   # the article's area
    assert page.locator(".edition-sheet img").evaluate("i => i.complete && i.naturalWidth > 0")
    spot.click()
    page.wait_for_url("**/2024-06/jiaoyubu-zhiye-benke-51/index.html")
    page.goto(site + "edition/2024-06/index.html")   # the cover: 本期要目 lines lead to their articles
    assert page.locator("a.spot").count() >= 20
    page.get_by_role("link", name="下一版 ›").click()
    page.wait_for_url("**/edition/2024-06/2/index.html")


def test_a_long_table_keeps_its_header_row_in_view_on_a_phone(browser, site):
    context = _phone(browser)
    page = context.new_page()
    page.goto(site + ARTICLE_01)
    box = page.locator(".table-wrap", has=page.locator("caption", has_text="本科层次职业学校"))
    box.scroll_into_view_if_needed()
    box.evaluate("b => b.scrollTop = 600")
    header = box.locator("thead th").first
    assert abs(header.bounding_box()["y"] - box.bounding_box()["y"]) < 2   # stuck to the top of its box
    assert box.evaluate("b => b.scrollTop") > 500
    context.close()


def test_search_covers_every_issue_through_merged_indexes(browser, tmp_path):
    from helpers import FIXTURES, copy_site

    root = copy_site(FIXTURES / "mini", tmp_path / "site")
    write(root, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(root, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n去年的产教融合基地验收，这是第一段。\n")
    assert run_build(root, "build", "--no-pdf").code == 0
    page = browser.new_page()
    for base in serve_folder(root / "output"):
        for query, expected in (("产教融合基地", {"上一期的旧闻"}), ("这是第一段", {"上一期的旧闻", "第一篇新闻"})):
            page.goto(base + "search/index.html?q=" + query)
            page.wait_for_function("/找到|没有找到/.test(document.getElementById('search-status').textContent)")
            titles = set(page.eval_on_selector_all("#search-results a.article-link", "a => a.map(x => x.textContent)"))
            assert titles == expected, (query, titles)
    page.close()
