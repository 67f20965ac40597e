"""Trust: nothing is published that nobody meant to publish, nothing is lost, one verdict.
Each test is a case an editor or an attacker produced against the first version (issue 12)."""
from __future__ import annotations

import errno
import html
import json
import os
import re
import socket
import stat
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pypdf import PdfReader

from helpers import run_build, snapshot, write
from xiaokan.paper.pdf import prints_qr_codes
from xiaokan.source.config import load_config

ARTICLE = "---\n标题: {title}\n栏目: 新闻政策\n日期: 2024-07-02\n---\n{body}\n"


def article(mini, name: str, body: str, title: str = "测试文章", front: str = "") -> None:
    text = ARTICLE.format(title=title, body=body)
    if front:
        text = text.replace("---\n", "---\n" + front, 1)
    write(mini, f"content/2024-07/{name}", text)


def html_of(mini, rel: str) -> str:
    return (mini / "output" / rel).read_text(encoding="utf-8")


def published(mini) -> set[str]:
    return {p.relative_to(mini / "output").as_posix() for p in (mini / "output").rglob("*") if p.is_file()}


# --- nothing is lost -----------------------------------------------------------------------

def test_output_into_a_folder_with_other_files_is_refused_and_deletes_nothing(mini, tmp_path):
    web_root = tmp_path / "www"
    write(web_root, "index.nginx-debian.html", "<p>nginx</p>")
    write(web_root, "other-site/page.html", "keep me")
    before = snapshot(web_root)
    result = run_build(mini, "build", "--no-pdf", "--output", str(web_root))
    assert result.code == 1
    assert "did not write" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(web_root) == before


def test_output_into_the_project_itself_is_refused(mini):
    (mini / ".git").mkdir()
    write(mini, ".git/HEAD", "ref: refs/heads/main\n")
    before = snapshot(mini)
    for target in (".", "..", "content", "content/2024-07/site"):
        result = run_build(mini, "build", "--no-pdf", "--output", str(mini / target))
        assert result.code == 1, target
        assert "output folder" in result.stderr
    after = snapshot(mini)
    after.pop(".build.lock", None)
    assert after == before


def test_output_into_a_new_or_own_folder_works_again_and_again(mini, tmp_path):
    site = tmp_path / "site"
    assert run_build(mini, "build", "--no-pdf", "--output", str(site)).code == 0
    article(mini, "05-new.md", "新的正文。", title="新文章")
    result = run_build(mini, "build", "--no-pdf", "--output", str(site))
    assert result.code == 0, result.stderr
    assert "新文章" in (site / "index.html").read_text(encoding="utf-8")


def test_published_site_is_readable_by_a_web_server(mini):
    os.umask(0o022)
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert stat.S_IMODE((mini / "output").stat().st_mode) == 0o755
    assert stat.S_IMODE((mini / "output/index.html").stat().st_mode) == 0o644


def test_a_build_killed_during_the_swap_is_repaired_by_the_next(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    good = snapshot(mini / "output")
    # kill -9 between the two renames of the swap: the old site aside, no output/, a staging folder left
    (mini / "output").rename(mini / ".output.xiaokan-old-4242")
    write(mini, ".output.xiaokan-new-abcd/index.html", "half")
    article(mini, "05-new.md", "新的正文。", title="新文章")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert not list(mini.glob(".output.xiaokan-*"))
    assert "新文章" in html_of(mini, "index.html")
    assert {f for f in snapshot(mini / "output") if not f.startswith("search/data/")} >= \
        {f for f in good if not f.startswith("search/data/")}


def test_cache_deleted_during_a_build_is_harmless(mini, monkeypatch):
    import shutil

    import xiaokan.pipeline

    real, called = xiaokan.pipeline.convert_bodies, []

    def convert_then_lose_the_cache(*args, **kwargs):
        converted = real(*args, **kwargs)
        shutil.rmtree(mini / ".cache", ignore_errors=True)
        called.append(True)
        return converted
    monkeypatch.setattr(xiaokan.pipeline, "convert_bodies", convert_then_lose_the_cache)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0 and called, result.stderr   # (the cache went away in the middle of this very build)
    assert "第一篇新闻" in html_of(mini, "index.html")


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "disk is full"), (errno.EROFS, "read-only"),
                                        (errno.EACCES, "no permission")])
def test_disk_faults_are_a_message_and_leave_output_as_it_was(mini, monkeypatch, code, words):
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    import xiaokan.publish.output

    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code), str(mini / "output"))
    monkeypatch.setattr(xiaokan.publish.output, "_swap", fail)
    monkeypatch.setattr(xiaokan.publish.output, "_commit_in_place", fail)
    article(mini, "05-new.md", "新的正文。")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert words in result.stderr and "Traceback" not in result.stderr and "output" in result.stderr
    assert snapshot(mini / "output") == before


# --- only what is meant is published ---------------------------------------------------------

def test_only_files_that_published_articles_use_are_published(mini):
    folder = mini / "content/2024-07"
    (folder / "原稿.docx").write_bytes(b"PK\x03\x04 department's Word file")
    (folder / "预算.xlsx").write_bytes(b"PK\x03\x04 budget")
    (folder / "page.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    Image.new("RGB", (40, 30)).save(folder / "draft-photo.jpg")
    Image.new("RGB", (40, 30)).save(folder / "used.jpg")
    write(mini, "content/2024-07/09-draft.md", "---\n标题: 草稿\n栏目: 新闻政策\n草稿: 是\n---\n![草稿图](draft-photo.jpg)\n")
    article(mini, "05-photo.md", "![实训室](used.jpg)\n\n见[评估方案](fangan.pdf)。")
    (folder / "fangan.pdf").write_bytes(b"%PDF-1.4 plan")
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    files = published(mini)
    assert {"2024-07/used.jpg", "2024-07/fangan.pdf"} <= files
    for private in ("2024-07/原稿.docx", "2024-07/预算.xlsx", "2024-07/page.html", "2024-07/draft-photo.jpg",
                    "2024-07/issue.yaml", "2024-07/09-draft.md"):
        assert private not in files
    assert all(not f.startswith("2024-07/") or f.endswith((".html", ".pdf", ".jpg")) for f in files)
    # the attachment's link leads to the published file, on the web and in the PDF
    page = html_of(mini, "2024-07/photo/index.html")
    href = re.search(r'<a href="([^"]+)">评估方案</a>', page).group(1)
    assert (mini / "output/2024-07/photo" / href).resolve() == (mini / "output/2024-07/fangan.pdf").resolve()
    pdf = PdfReader(mini / "print/xiaokan-2024-07.pdf")
    uris = [a.get_object()["/A"].get("/URI") for p in pdf.pages for a in p.get("/Annots") or []
            if "/URI" in a.get_object().get("/A", {})]
    assert "https://news.example.edu.cn/kan/2024-07/fangan.pdf" in uris
    assert not any(str(u).startswith("file:") for u in uris)
    # check names what stays private
    checked = run_build(mini, "check")
    assert checked.code == 0, checked.stderr
    for name in ("原稿.docx", "预算.xlsx", "page.html"):
        assert f"content/2024-07/{name}: notice: nothing uses this file" in checked.stderr
    # a draft's photo is not unused: check reads the drafts, and the photo is published with its draft
    assert "draft-photo.jpg: notice" not in checked.stderr
    assert "fangan.pdf: notice" not in checked.stderr and "used.jpg: notice" not in checked.stderr


def test_a_web_page_or_script_beside_an_article_cannot_be_published_through_a_link(mini):
    write(mini, "content/2024-07/evil.html", "<script>alert(document.cookie)</script>")
    article(mini, "05-evil.md", "见[附件](evil.html)。")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "05-evil.md:6: link 'evil.html': .html files are not published" in result.stderr


def test_rel_attachment_cannot_embed_project_files_in_the_pdf(mini):
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    write(mini, "site.yaml", text + "trust_html: 是\n")
    write(mini, "content/2024-07/notes.txt", "公开的附件")
    article(mini, "05-embed.md", '<a rel="attachment" href="notes.txt">附件</a>\n\n'
                                 '<a rel="attachment" href="../../site.yaml">设置</a>')
    result = run_build(mini, "build")
    assert result.code == 1 and "site.yaml' points outside the project" in result.stderr
    article(mini, "05-embed.md", '<a rel="attachment" href="notes.txt">附件</a>')
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    data = (mini / "print/xiaokan-2024-07.pdf").read_bytes()
    assert b"/EmbeddedFile" not in data


# --- security ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["否", "false", '"false"', "no", "No"])
def test_a_no_in_site_yaml_means_no(mini, value):
    # A real address, so that QR codes would be printed unless qr_codes says no.
    text = (mini / "site.yaml").read_text(encoding="utf-8").replace("news.example.edu.cn", "kan.cqjd-school.cn")
    write(mini, "site.yaml", text + f"trust_html: {value}\nprint:\n  qr_codes: {value}\n")
    article(mini, "05-raw.md", '正文<script>alert(1)</script>')
    assert not prints_qr_codes(load_config(mini / "site.yaml"))
    # The PDF is typeset for one spelling only: the five read alike (above), and each render costs seconds.
    result = run_build(mini, "build", *(() if value == "否" else ("--no-pdf",)))
    assert result.code == 0, result.stderr
    assert "<script>alert(1)" not in html_of(mini, "2024-07/raw/index.html")
    if value == "否":
        text = "".join(p.extract_text() for p in PdfReader(mini / "print/xiaokan-2024-07.pdf").pages)
        assert "扫码阅读网页版" not in text


def test_a_yes_no_setting_that_is_neither_is_an_error_with_its_line(mini):
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    write(mini, "site.yaml", text + "trust_html: 也许\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert f"site.yaml:{text.count(chr(10)) + 1}: `trust_html` must be 是 or 否" in result.stderr


def test_no_javascript_link_reaches_a_page_from_any_source(mini):
    write(mini, "content/2024-07/t.csv", "名称,链接\n甲,[点我](javascript:alert(1))\n乙,[官网](https://www.moe.gov.cn/)\n"
                                        "丙,[点](JaVaScRiPt:alert(2))\n")
    article(mini, "05-links.md", '{{< 表格 文件="t.csv" 标题="[x](javascript:alert(3))" >}}\n\n'
                                 "[a](javascript:alert(4)) [b](data:text/html,<script>x</script>) "
                                 "<a href='java\tscript:alert(5)'>c</a> <a title=\"x>\" href=\"javascript:alert(6)\">d</a> "
                                 "[e](java\tscript:alert(7))\n\n脚注[^1]\n\n[^1]: [注](vbscript:msgbox)")
    for trust in ("否", "是"):
        text = (mini / "site.yaml").read_text(encoding="utf-8").split("trust_html")[0]
        write(mini, "site.yaml", text + f"trust_html: {trust}\n")
        result = run_build(mini, "build", "--no-pdf")
        assert result.code == 0, result.stderr
        for rel in ("2024-07/links/index.html", "feed.xml"):
            page = html.unescape(html_of(mini, rel)).lower()   # (the feed holds the body as escaped text)
            assert not re.search(r"""(href|src)\s*=\s*["']?\s*(java\s*script:|vbscript:|data:text)""", page), (trust, rel)
        assert 'href="https://www.moe.gov.cn/"' in html_of(mini, "2024-07/links/index.html")


def test_svg_pictures_are_published_without_their_scripts(mini):
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
           '<script>alert(2)</script><a xlink:href="javascript:alert(3)"><rect width="10" height="10"/></a>'
           '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="x"/></body></foreignObject></svg>')
    write(mini, "content/2024-07/chart.svg", svg)
    article(mini, "05-svg.md", "![示意图](chart.svg)")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    data = (mini / "output/2024-07/chart.svg").read_text(encoding="utf-8")
    assert "<rect" in data
    for active in ("alert", "script", "onload", "foreignObject", "iframe"):
        assert active not in data
    page = html_of(mini, "2024-07/svg/index.html")
    assert "<svg" not in page.split('<div class="body">')[1].split("</div>")[0]   # an <img>, never inline
    assert 'src="../../2024-07/chart.svg"' in page


# --- photos and CSV: a message naming the file and the line, never a traceback ------------------

def damaged_jpeg(path):
    Image.new("RGB", (800, 600), (10, 120, 200)).save(path, "JPEG")
    path.write_bytes(path.read_bytes()[:2000])


@pytest.mark.parametrize("name,make,words", [
    ("cut.jpg", damaged_jpeg, "damaged"),
    ("word.jpg", lambda p: p.write_bytes(b"PK\x03\x04 a Word file renamed"), "not a picture"),
    ("iphone.heic", lambda p: p.write_bytes(b"\x00\x00\x00\x18ftypheic"), "HEIC"),
])
def test_bad_photos_are_errors_in_build_and_check(mini, name, make, words):
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    make(mini / "content/2024-07" / name)
    article(mini, "05-photo.md", f"第一段。\n\n![现场]({name})")
    for command in (("build", "--no-pdf"), ("check",), ("build",)):
        result = run_build(mini, *command)
        assert result.code == 1, command
        assert f"content/2024-07/05-photo.md:8: image '{name}'" in result.stderr and words in result.stderr
        assert "Traceback" not in result.stderr
    assert snapshot(mini / "output") == before


def test_a_photo_over_the_size_limit_is_refused_and_a_large_one_works(mini, monkeypatch):
    import xiaokan.source.images

    Image.new("RGB", (3000, 2000), (90, 90, 90)).save(mini / "content/2024-07/big.jpg", "JPEG")
    article(mini, "05-big.md", "![全景](big.jpg)")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr          # 6 MP, over Pillow's own 1/15 of the guard: fine
    monkeypatch.setattr(xiaokan.source.images, "MAX_PIXELS", 5_000_000)
    (mini / "content/2024-07/big.jpg").touch()
    os.utime(mini / "content/2024-07/big.jpg", (1, 1))
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and "too large" in result.stderr and "05-big.md:6" in result.stderr


@pytest.mark.parametrize("data,words", [
    ("名称,数量\n\"甲,1\n乙,2\n丙,3\n".encode(), "t.csv line 2"),
    ("名称,数量\n甲,1\n乙,\"2\"x\n".encode(), "t.csv line 3"),
    ("名称,数量\n甲学校,1\n".encode() + b"\xe4\xb9\n" + "丙学校,3\n".encode(), "t.csv line 3: the file is UTF-8"),
    (b"\"" + b"x" * 300_000 + b"\n", "t.csv line 1"),
])
def test_ambiguous_csv_is_refused_naming_its_line(mini, data, words):
    (mini / "content/2024-07/t.csv").write_bytes(data)
    article(mini, "05-table.md", '{{< 表格 文件="t.csv" >}}')
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "05-table.md:6" in result.stderr and words in result.stderr and "Traceback" not in result.stderr


def test_gbk_csv_from_excel_still_works(mini):
    (mini / "content/2024-07/t.csv").write_bytes("名称,数量\n甲学校,1\n乙学校,2\n".encode("gbk"))
    article(mini, "05-table.md", '{{< 表格 文件="t.csv" >}}')
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert "乙学校" in html_of(mini, "2024-07/table/index.html")


# --- YAML values and file names -------------------------------------------------------------

@pytest.mark.parametrize("written,shown", [("0612", "0612"), ("6.10", "6.10"), ("1e3", "1e3"), ("yes", "yes"),
                                           ("2024", "2024"), ("null", "null")])
def test_titles_authors_and_sources_are_text_whatever_yaml_thinks(mini, written, shown):
    write(mini, "content/2024-07/05-t.md", f"---\n标题: {written}\n栏目: 新闻政策\n作者: {written}\n来源: {written}\n"
                                          "slug: t\n---\n正文\n")
    result = run_build(mini, "build", "--no-pdf")
    if written == "null":   # YAML's word for "nothing": the title is missing
        assert result.code == 1 and "05-t.md:2: `标题` is missing" in result.stderr
        return
    assert result.code == 0, result.stderr
    page = html_of(mini, "2024-07/t/index.html")
    assert f"<h1>{shown}</h1>" in page and f"作者：{shown}" in page and f"信息来源：{shown}" in page


@pytest.mark.parametrize("separator", ["\u3000", "\u00a0", " \u3000"])
def test_full_width_and_no_break_spaces_after_a_key_work(mini, separator):
    write(mini, "content/2024-07/05-t.md", f"---\n标题:{separator}空格文章\n栏目:{separator}新闻政策\nslug: t\n---\n正文\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert "<h1>空格文章</h1>" in html_of(mini, "2024-07/t/index.html")


def test_zero_width_space_before_a_key_is_not_a_missing_title(mini):
    write(mini, "content/2024-07/05-t.md", "---\n\u200b标题: 隐形字符\n栏目: 新闻政策\nslug: t\n---\n正文\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert "<h1>隐形字符</h1>" in html_of(mini, "2024-07/t/index.html")


def test_files_that_look_like_articles_are_published_or_named(mini):
    write(mini, "content/2024-07/05-upper.MD", ARTICLE.format(title="大写扩展名", body="正文"))
    write(mini, "content/2024-07/.#05-upper.md", "emacs lock")
    write(mini, "content/2024-07/~$原稿.docx", "word lock")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "大写扩展名" in html_of(mini, "2024-07/index.html")
    write(mini, "content/2024-07/06-hidden.md.txt", ARTICLE.format(title="藏起来", body="正文"))
    write(mini, "content/2024-07/extra/07-sub.md", ARTICLE.format(title="子文件夹", body="正文"))
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "content/2024-07/06-hidden.md.txt: this looks like an article but its name ends in .txt" in result.stderr
    assert "content/2024-07/extra/07-sub.md: an article in a subfolder of the issue is not published" in result.stderr


def test_shortcodes_inside_html_or_typed_with_full_width_braces_work_and_unclosed_ones_are_errors(mini):
    write(mini, "content/2024-07/t.csv", "名称,数量\n甲学校,1\n")
    article(mini, "05-div.md", '<div class="box" markdown="1">\n\n{{< 表格 文件="t.csv" >}}\n\n</div>\n\n'
                               '｛｛＜ 表格 文件＝“t.csv” ＞｝｝')
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    page = html_of(mini, "2024-07/div/index.html")
    assert page.count("<td>甲学校</td>") == 2 and "XIAOKANBLOCK" not in page and "｛｛" not in page
    article(mini, "05-div.md", '第一段。\n\n{{< 表格 文件="t.csv" >}')
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and "05-div.md:8: this shortcode is not closed" in result.stderr


def test_tags_that_romanise_alike_get_pages_of_their_own(mini):
    article(mini, "05-a.md", "正文", title="甲", front="标签: [实训]\nslug: a\n")
    article(mini, "06-b.md", "正文", title="乙", front="标签: [师训]\nslug: b\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    a = re.search(r'href="([^"]+)">实训</a>', html_of(mini, "2024-07/a/index.html")).group(1)
    b = re.search(r'href="([^"]+)">师训</a>', html_of(mini, "2024-07/b/index.html")).group(1)
    assert a != b
    assert "甲" in (mini / "output/2024-07/a" / a).read_text(encoding="utf-8")
    assert "乙" not in (mini / "output/2024-07/a" / a).read_text(encoding="utf-8").split("<main")[1].replace("乙", "", 0)


@pytest.mark.parametrize("name", ["tags", "issues", "sections", "search", "assets", "pagefind"])
def test_an_issue_folder_may_not_take_the_name_of_a_site_page(mini, name):
    write(mini, f"content/{name}/issue.yaml", "标题: 2024年第9期\n期号: 9\n日期: 2024-09-01\n")
    write(mini, f"content/{name}/01-a.md", ARTICLE.format(title="甲", body="正文"))
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and f"content/{name}: an issue folder may not be called" in result.stderr


def test_a_duplicate_issue_number_is_a_warning_naming_both_issues(mini):
    """A warning, not an error: no page depends on the numbers, and new-issue leaves a clash to the editor
    when an issue is added before others (desk/test_scaffold.py)."""
    write(mini, "content/2024-08/issue.yaml", "标题: 2024年第2期\n期号: 2\n总期号: 2\n日期: 2024-08-31\n")
    write(mini, "content/2024-08/01-a.md", ARTICLE.format(title="甲", body="正文"))
    for command in (("build", "--no-pdf"), ("check",)):
        result = run_build(mini, *command)
        assert result.code == 0, result.stderr
        assert "content/2024-08/issue.yaml:2: warning: 本年期号 (期号) 2 of 2024 is also that of " in result.stderr
        assert "content/2024-07/issue.yaml:2: two issues of one year share a number" in result.stderr
        assert "content/2024-08/issue.yaml:3: warning: 总期号 2 is also the 总期号 of " in result.stderr
        assert "content/2024-07/issue.yaml:3: give each issue its own" in result.stderr


# --- the tool agrees with itself -------------------------------------------------------------------

def test_damaged_cached_pdf_is_rendered_again_not_published(mini_with_pdf):
    mini = mini_with_pdf
    assert run_build(mini, "build").code == 0
    cached = next((mini / ".cache/pdf/2024-07").glob("*.pdf"))
    cached.write_bytes(cached.read_bytes()[:1000])
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    for pdf in (mini / "print/xiaokan-2024-07.pdf", mini / "output/2024-07/xiaokan-2024-07.pdf"):
        assert len(PdfReader(pdf).pages) > 2


def test_search_index_follows_the_site_title_and_survives_damage(mini):
    def index_key() -> str:
        return json.loads((mini / ".cache/build/search/2024-07.seal").read_text(encoding="utf-8"))["key"]

    assert run_build(mini, "build", "--no-pdf").code == 0
    before = index_key()
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    write(mini, "site.yaml", text.replace("title: 测试简报", "title: 新名字简报"))
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert index_key() != before   # the results show the newsletter's name: re-indexed
    directory = json.loads((mini / "output/search/data/directory.json").read_text(encoding="utf-8"))
    cached = mini / ".cache/build/search" / directory["issues"][0]["file"]
    cached.unlink()
    cached.write_text("{damaged", encoding="utf-8")   # (a new file: output/ holds a link to the old one)
    assert run_build(mini, "build", "--no-pdf").code == 0   # (no article changed: the shard is made again for its damage alone)
    directory = json.loads((mini / "output/search/data/directory.json").read_text(encoding="utf-8"))
    shard = json.loads((mini / "output/search/data" / directory["issues"][0]["file"]).read_text(encoding="utf-8"))
    assert len(shard["articles"]) == 3


def test_404_page_and_feed_links_work_from_any_address(mini):
    Image.new("RGB", (40, 30)).save(mini / "content/2024-07/p.png")
    article(mini, "05-photo.md", "![实训室](p.png)\n\n见[第一篇](01-first.md)。")
    assert run_build(mini, "build", "--no-pdf").code == 0
    page = html_of(mini, "404.html")
    for link in re.findall(r'(?:href|src|action)="([^"]+)"', page):
        assert link.startswith(("https://news.example.edu.cn/kan/", "#", "data:")), link
    feed = ET.parse(mini / "output/feed.xml").getroot()
    contents = "".join(e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}content"))
    links = re.findall(r'(?:href|src)="([^"]+)"', contents)
    assert "https://news.example.edu.cn/kan/2024-07/p.png" in links
    assert "https://news.example.edu.cn/kan/2024-07/first/index.html" in links
    assert all(link.startswith(("https://", "#")) for link in links), links


def test_serve_reports_a_port_in_use_and_a_bad_host(mini):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_build(mini, "serve", "--port", str(port))
    assert result.code == 1 and f"port {port} is already in use" in result.stderr and "--port" in result.stderr
    result = run_build(mini, "serve", "--host", "no-such-host.invalid")
    assert result.code == 1 and "is not an address of this computer" in result.stderr
    result = run_build(mini, "serve", "--port", "99999")
    assert result.code == 2 and "is not a port number" in result.stderr
