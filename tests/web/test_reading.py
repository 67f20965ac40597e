"""What a reader gets beyond the text: summaries cut at a sentence end, reading time, the table of
contents, related articles, the front page frame, social cards, section pages by date, 数字报."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from helpers import run_build, write
from xiaokan.source.charts import Chart, svg, text_width
from xiaokan.source.model import Article
from xiaokan.web.reading import RelatedArticles, anchor_headings, reading_minutes, summary_of


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- summaries, reading time, anchors ----------------------------------------------------------

def test_a_summary_ends_at_a_sentence_end_within_the_limit():
    html = "<p>第一句话说完了。第二句话也说完了！第三句很长很长很长很长很长很长很长很长很长很长。</p>"
    assert summary_of(html, 20) == "第一句话说完了。第二句话也说完了！"
    assert summary_of("<p>他说：“今天开会。”然后走了很远很远很远很远很远很远。</p>", 12) == "他说：“今天开会。”"


def test_a_summary_never_runs_across_a_heading():
    html = "<p>开头一段。</p><h2>第二部分</h2><p>后面一段的文字。</p>"
    assert summary_of(html, 120) == "开头一段。"
    assert summary_of("<h2>小标题</h2><p>标题后的第一段。</p>", 120) == "标题后的第一段。"


def test_a_summary_reads_raw_html_as_a_browser_does():
    """(An attribute holding `>`, as raw HTML in an article may, ended the tag early: the summary the
    share card and the section page show began with `2">`.)"""
    html = '<p><abbr title="得分>90">优秀</abbr>率提高了。<!-- 编辑按：<b>待核</b> -->数学 a < b 成立。</p>'
    assert summary_of(html, 40) == "优秀率提高了。数学 a < b 成立。"


def test_a_long_first_sentence_is_cut_at_a_clause_mark_with_an_ellipsis():
    text = "职业本科教育" * 10 + "，" + "高质量发展" * 30 + "。"
    summary = summary_of(f"<p>{text}</p>", 120)
    assert summary == "职业本科教育" * 10 + "……"
    no_marks = summary_of("<p>" + "字" * 300 + "</p>", 120)
    assert no_marks == "字" * 120 + "……"


def test_reading_time_counts_chinese_characters_not_words():
    assert reading_minutes("<p>" + "字" * 4000 + "</p>") == 10        # 400 characters a minute
    assert reading_minutes("<p>短文。</p>") == 1
    assert reading_minutes("<p>" + "word " * 1000 + "</p>") == 5       # 200 English words a minute


def test_headings_tables_and_charts_get_stable_anchors_for_the_table_of_contents():
    html = ('<h2>一、总体要求</h2><p>x</p><h3>（一）目标</h3><h2>一、总体要求</h2>'
            '<div class="table-wrap" role="region" aria-label="表格：序号、名称、省份" tabindex="0"><table class="data">'
            '<thead></thead></table></div>'
            '<figure class="chart chart-bar"><svg></svg><figcaption>（各年度设置学校数）</figcaption></figure>'
            '<details class="chart-data"><summary>查看数据</summary><div class="table-wrap" role="region" '
            'aria-label="数据：x" tabindex="0"><table></table></div></details>')
    anchored, entries = anchor_headings(html)
    assert [(e.level, e.anchor, e.text, e.kind) for e in entries] == [
        (2, "一-总体要求", "一、总体要求", "heading"), (3, "一-目标", "（一）目标", "heading"),
        (2, "一-总体要求-2", "一、总体要求", "heading"), (3, "表1", "表1 序号、名称等", "table"),
        (3, "图1", "图1 各年度设置学校数", "chart")]
    assert '<h2 id="一-总体要求">' in anchored and '<h2 id="一-总体要求-2">' in anchored
    assert anchored.count(' id="表') == 1   # (a chart's data table is not an entry of its own)


# --- related articles ----------------------------------------------------------------------------

def _article(slug: str, issue: str, section: str, day: date, tags=()) -> Article:
    return Article(Path(f"content/{issue}/{slug}.md"), issue, section, slug, day, slug, "", tags=tuple(tags))


def test_related_articles_share_tags_or_section_and_come_from_other_issues_first():
    this = _article("a", "2024-07", "新闻政策", date(2024, 7, 1), ["职业本科"])
    same_issue = _article("b", "2024-07", "新闻政策", date(2024, 7, 2))
    older_same_section = _article("c", "2024-06", "新闻政策", date(2024, 6, 1))
    tagged_elsewhere = _article("d", "2024-05", "他山之石", date(2024, 5, 1), ["职业本科"])
    unrelated = _article("e", "2024-06", "评建动态", date(2024, 6, 2))
    index = RelatedArticles([this, same_issue, older_same_section, tagged_elsewhere, unrelated])
    assert [a.slug for a in index.of(this)] == ["d", "c", "b"]


# --- charts: long labels wrap inside their slot ------------------------------------------------

def test_long_bar_labels_wrap_within_their_slot_and_never_reach_the_next():
    labels = ("装备制造大类", "电子与信息大类", "交通运输大类", "财经商贸大类", "医药卫生大类", "土木建筑大类",
              "文化艺术大类", "教育与体育大类", "旅游大类", "农林牧渔大类", "能源动力与材料大类", "公共管理与服务大类")
    chart = Chart("bar", "专业大类", "大类", "专业数", labels, tuple(range(1, 13)))
    drawing = svg(chart)
    slot = 460 / len(labels)
    for text in re.findall(r'<text class="label"[^>]*font-size="([\d.]+)"[^>]*>(.*?)</text>', drawing):
        size, inner = float(text[0]), text[1]
        lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", inner) or [inner]
        assert all(text_width(line, size) <= slot * 0.92 + 0.01 for line in lines), lines
    assert "装备制" in drawing and "造大类" in drawing and "<tspan" in drawing
    height = float(re.search(r'viewBox="0 0 480 ([\d.]+)"', drawing).group(1))
    assert height > 280   # room for the wrapped lines below the axis


# --- the sample site: frame, cards, 数字报, section order ---------------------------------------

def test_every_page_has_the_logo_favicon_and_the_beian_footer(sample):
    for page in ("index.html", "2024-06/jiaoyubu-zhiye-benke-51/index.html", "sections/news/index.html"):
        html = read(sample / "output" / page)
        assert re.search(r'<link rel="icon" href="(\.\./)*assets/favicon.png">', html)
        assert re.search(r'<img class="brand-logo" src="(\.\./)*assets/logo.png" alt=""', html)
        assert '<a href="https://beian.miit.gov.cn/"' in html and "渝ICP备00000000号-1</a>" in html
        assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=50000000000000"' in html
        assert "© 2024 重庆机电职业技术大学" in html
    assert (sample / "output/assets/logo.png").is_file() and (sample / "output/assets/favicon.png").is_file()


def test_each_article_has_a_social_card_named_by_og_image(sample):
    html = read(sample / "output/2024-06/jiaoyubu-zhiye-benke-51/index.html")
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert image == "https://www.example.edu.cn/pingjian/cards/2024-06/jiaoyubu-zhiye-benke-51.jpg"
    card = sample / "output/cards/2024-06/jiaoyubu-zhiye-benke-51.jpg"
    with Image.open(card) as picture:
        assert picture.size == (1200, 630) and picture.format == "JPEG"
        # the masthead band is the newsletter's red, the title area paper white
        assert picture.getpixel((600, 20))[0] > 120 and picture.getpixel((600, 20))[1] < 60
        assert min(picture.getpixel((1190, 300))) > 230
    cards = list((sample / "output/cards/2024-06").glob("*.jpg"))
    assert len(cards) == 20
    assert 'property="og:image"' in read(sample / "output/index.html")   # the home page shows the issue's card


def test_the_articles_page_offers_reading_time_share_qr_and_related(sample):
    html = read(sample / "output/2024-06/jiaoyubu-zhiye-benke-51/index.html")
    assert re.search(r'<p class="reading-time">约 \d+ 分钟读完</p>', html)
    assert 'data-url="https://www.example.edu.cn/pingjian/2024-06/jiaoyubu-zhiye-benke-51/"' in html
    # (the QR code is drawn in the browser when asked for: encoding one per page took 10 ms of the build)
    assert 'data-qr-script="../../assets/vendor/qrcode-generator-2.0.4.js"' in html
    assert (sample / "output/assets/vendor/qrcode-generator-2.0.4.js").is_file()
    related = html.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    # the other three articles of its 栏目 (the sample has one issue and no tags), never itself
    assert related.count("<li>") == 3 and related.count("「新闻政策」") == 3 and "jiaoyubu-zhiye-benke-51" not in related
    assert "本文目录" in html and 'href="#打破误解-擦亮底色"' in html and 'href="#表1"' in html


def test_section_pages_are_ordered_by_date_and_name_the_issue(sample):
    html = read(sample / "output/sections/elsewhere/index.html")
    days = [date.fromisoformat(d) for d in re.findall(r'<time datetime="([\d-]+)">', html)]
    assert len(days) >= 6 and days == sorted(days, reverse=True)
    assert html.count("2024年第1期 · ") == len(days)


def test_the_home_page_leads_with_the_issue_and_lists_each_section_with_summaries(sample):
    html = read(sample / "output/index.html")
    assert "头条 · 「新闻政策」" in html and "教育部：全国本科层次职业大学增至51所" in html
    for name in ("新闻政策", "评建动态", "他山之石"):
        assert f"「{name}」</a></h2>" in html
    assert html.count('<p class="excerpt">') == 19   # every article but the lead, with its summary
    assert 'href="edition/2024-06/index.html">数字报' in html


def test_the_digital_edition_has_an_image_of_every_pdf_page_and_a_spot_for_every_article(sample):
    from pypdf import PdfReader

    pages = len(PdfReader(sample / "print/xiaokan-2024-06.pdf").pages)
    output = sample / "output"
    for number in range(1, pages + 1):
        page = output / "edition/2024-06" / ("index.html" if number == 1 else f"{number}/index.html")
        html = read(page)
        for width in (600, 900, 1200):   # (900: what a phone at 2x asks for; 1200 would double its bytes)
            image = output / f"edition/2024-06/page-{number}-{width}.jpg"
            with Image.open(image) as picture:
                assert picture.width == width and abs(picture.height / picture.width - 297 / 210) < 0.01
            assert f"page-{number}-{width}.jpg {width}w" in html
        assert f"第 {number} / {pages} 版" in html
    slugs = {p.parent.name for p in (output / "2024-06").glob("*/index.html")}
    starts = {}
    for page in (output / "edition/2024-06").rglob("index.html"):
        html = read(page)
        listed = html.split("本版文章", 1)[1]
        for slug in re.findall(r'<a class="spot" href="\.\./(?:\.\./)+2024-06/([^/]+)/index.html"', html):
            if f"2024-06/{slug}/index.html" in listed and "接上版" not in listed.split(f"{slug}/index.html", 1)[1][:200]:
                starts.setdefault(slug, page)
    assert set(starts) == slugs   # every article has a spot on the page where it starts


def test_the_edition_images_are_rendered_again_only_when_the_pdf_changes(own_sample):
    sample = own_sample
    image = sample / "output/edition/2024-06/page-2-600.jpg"
    cached = sorted((sample / ".cache/edition").rglob("page-2-600.jpg"))
    before = [p.stat().st_mtime_ns for p in cached]
    result = run_build(sample, "build")
    assert result.code == 0, result.stderr
    assert [p.stat().st_mtime_ns for p in sorted((sample / ".cache/edition").rglob("page-2-600.jpg"))] == before
    assert image.is_file()


# --- site.yaml: logo, favicon and footer are checked ---------------------------------------------

@pytest.mark.parametrize("lines,message", [
    ("logo: missing.png\n", "assets/missing.png does not exist"),
    ("favicon: ../site.yaml\n", "must be a picture in assets/"),
    ("footer:\n  icp: 京ICP备1号\n  phone: 123\n", "unknown setting `phone` in footer"),
])
def test_wrong_frame_settings_are_errors_at_their_line(mini, lines, message):
    site_yaml = mini / "site.yaml"
    text = read(site_yaml) + lines
    write(mini, "site.yaml", text)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and message in result.stderr and "site.yaml:" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_headline_article_leads_the_home_page(mini):
    article = mini / "content/2024-07/04-other.md"
    write(mini, "content/2024-07/04-other.md", read(article).replace("---\n", "---\n头条: 是\n", 1))
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    home = read(mini / "output/index.html")
    lead = home.split('class="lead', 1)[1].split("</article>", 1)[0]
    title = re.search(r"^title: (.+)$", read(article), re.M).group(1)
    assert title in lead


def test_an_issue_folder_cannot_take_the_digital_editions_name(mini):
    write(mini, "content/edition/issue.yaml", "标题: 2024年第3期\n期号: 3\n日期: 2024-08-31\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and "content/edition" in result.stderr and "Traceback" not in result.stderr


def test_without_a_pdf_the_pages_offer_no_edition_and_earlier_issues_show_a_plate(mini):
    write(mini, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(mini, "content/2024-06/01-a.md", "---\n标题: 上一期的文章\n栏目: 新闻政策\n---\n上一期的正文。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    home = read(mini / "output/index.html")
    assert "数字报" not in home and "下载 PDF" not in home and not (mini / "output/edition").exists()
    earlier = home.split('id="earlier-title"', 1)[1]
    assert 'class="issue-plate"' in earlier and "2024年第1期" in earlier and 'href="2024-06/index.html"' in earlier
    assert (mini / "output/cards/2024-06.jpg").is_file() and (mini / "output/cards/2024-07.jpg").is_file()


def test_an_issue_page_gives_the_print_editions_page_count_and_size(sample):
    from pypdf import PdfReader

    pages = len(PdfReader(sample / "print/xiaokan-2024-06.pdf").pages)
    html = read(sample / "output/2024-06/index.html")
    # (the sample is 内部资料: its PDF is not on the site, but the page says what the print edition is)
    assert f"印刷版 {pages} 页（PDF " in html and " MB）" in html and "不在网上提供下载" in html
    assert not (sample / "output/2024-06/xiaokan-2024-06.pdf").exists()


def test_a_summary_leaves_out_captions_and_falls_back_to_the_words_of_a_table():
    html = ('<p class="caption">图1 会议现场</p><p>会议由校长主持。</p>'
            '<h2>附表</h2><div class="table-wrap"><table><tr><td>序号</td><td>名称</td></tr></table></div>')
    assert summary_of(html, 120) == "会议由校长主持。"
    assert summary_of('<div class="table-wrap"><table><tr><td>序号</td><td>学校名称</td></tr></table></div>', 120) \
        == "序号 学校名称"


def test_cards_drawn_by_a_process_of_their_own_are_published_and_a_full_disk_is_said(mini, monkeypatch):
    """Many missing cards are drawn by a process of their own while the build goes on (here from one
    card on): they are all published; when drawing fails (a full disk), the build says so and
    publishes nothing, and no half-drawn card is left in the cache."""
    import errno
    import multiprocessing

    from helpers import snapshot

    monkeypatch.setattr("xiaokan.web.cards.BACKGROUND_FROM", 1)
    assert run_build(mini, "build", "--no-pdf").code == 0
    pages = sorted(p.parent for p in (mini / "output").rglob("index.html")
                   if 'og:image" content="' in read(p) and p.parent.parent.name.startswith("2024-"))
    assert len(pages) == 3
    for folder in pages:
        with Image.open(mini / "output/cards" / folder.parent.name / f"{folder.name}.jpg") as picture:
            assert picture.size == (1200, 630)
    before = snapshot(mini / "output")

    def disk_full(card, logo, target):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr("xiaokan.web.cards._draw", disk_full)
    article = mini / "content/2024-07/01-first.md"
    write(mini, "content/2024-07/01-first.md", read(article).replace("标题: ", "标题: 新", 1))
    run = run_build(mini, "build", "--no-pdf")
    assert run.code == 1 and "the disk is full" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(mini / "output") == before
    assert not list((mini / ".cache/cards").glob("*.tmp")) and not multiprocessing.active_children()


FOOTNOTED = ("---\n标题: 评建推进\n栏目: 评建动态\n---\n![会议现场](photo.png)。学校召开推进会，自评完成率77.2%[^1]。"
             "会议要求各单位对照指标[^note]逐项整改。\n\n[^1]: 数据来自教务处。\n[^note]: 见附件一。\n")


def test_summaries_are_the_readers_text_without_footnote_numbers_or_a_stray_leading_mark(mini):
    Image.new("RGB", (40, 30), (200, 0, 0)).save(mini / "content/2024-07/photo.png")
    write(mini, "content/2024-07/05-footnoted.md", FOOTNOTED)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    expected = "学校召开推进会，自评完成率77.2%。会议要求各单位对照指标逐项整改。"
    page = read(mini / "output/2024-07/footnoted/index.html")
    assert f'<meta name="description" content="{expected}">' in page
    summary = re.search(r"<summary>([^<]*77\.2[^<]*)</summary>", read(mini / "output/feed.xml")).group(1)
    assert summary == expected   # (the feed's content is the whole body, footnotes and all)
    for where in ("output/index.html", "output/2024-07/index.html", "output/sections/pingjian/index.html"):
        text = read(mini / where)
        assert expected in text, where
        assert "77.2%1" not in text and "。学校召开" not in text and "数据来自教务处" not in text and "↩" not in text


def test_a_section_whose_only_article_is_the_lead_is_not_an_empty_heading(mini):
    article = mini / "content/2024-07/04-other.md"   # the one article of 他山之石
    write(mini, "content/2024-07/04-other.md", read(article).replace("---\n", "---\n头条: 是\n", 1))
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    for where in ("output/index.html", "output/2024-07/index.html"):
        page = read(mini / where)
        assert "他山之石一篇" in page.split('class="lead', 1)[1].split("</article>", 1)[0]   # in the cover block
        assert 'id="sec-elsewhere"' not in page and 'id="sec-news"' in page, where
    # an issue whose one article is its lead has no 目录 heading over nothing
    for name in ("01-first.md", "02-second.md"):
        (mini / "content/2024-07" / name).unlink()
    assert run_build(mini, "build", "--no-pdf").code == 0
    issue_page = read(mini / "output/2024-07/index.html")
    assert "他山之石一篇" in issue_page and 'class="issue-contents"' not in issue_page and 'class="digest"' not in issue_page
