"""Bad input to the commands editors run (attack pass): each gives a Chinese message naming the file
(and line), exits non-zero and leaves output/, print/ and content/ as they were; nothing an editor
or the system keeps beside the project is replaced."""
from __future__ import annotations

import builtins
import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import LAUNCH, ROOT, run_build, snapshot, write

# Nine lines whose aliases stand for 9⁸ (43 million) texts: "billion laughs" in YAML.
ALIAS_BOMB = "x0: &a0 [l,l,l,l,l,l,l,l,l]\n" + "".join(
    f"x{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9))


def no_traceback(result) -> None:
    assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr


def test_an_output_that_is_no_folder_is_refused_and_kept(mini, tmp_path):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    # a socket stands for /dev/null and other files that are no folder (the build put a folder in its place)
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "null"))
        result = run_build(mini, "build", "--no-pdf", "--output", str(tmp_path / "null"))
        assert result.code == 1 and "输出文件夹是一个文件" in result.stderr, result.stderr
        no_traceback(result)
        assert (tmp_path / "null").is_socket()
    assert snapshot(mini / "output") == site
    # the project's own output/ as a file of the editor's (it was deleted without a word)
    (mini / "output").rename(tmp_path / "site")
    write(mini, "output", "编辑的笔记")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1, result.stderr
    assert "output: 输出文件夹是一个文件" in result.stderr and "把名叫 output 的这个文件改名或者移走" in result.stderr
    assert (mini / "output").read_text(encoding="utf-8") == "编辑的笔记"


def test_an_output_or_content_folder_that_is_a_link_to_itself_is_named(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    content = snapshot(mini / "content")
    (mini / "output").rename(mini / "old-output")
    (mini / "output").symlink_to("output")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and "输出文件夹是一个绕回自己的链接" in result.stderr, result.stderr
    no_traceback(result)
    assert (mini / "output").is_symlink()
    (mini / "output").unlink()
    (mini / "content").rename(mini / "articles")
    (mini / "content").symlink_to("content")
    result = run_build(mini, "check")
    assert result.code == 1 and "content 是一个链接，但它指向的文件夹不存在" in result.stderr, result.stderr
    no_traceback(result)
    assert snapshot(mini / "articles") == content


def in_a_process(root, *argv: str, seconds: float = 60) -> subprocess.CompletedProcess:
    """`build.py ARGV` in a process of its own, stopped after seconds: for inputs that made it hang."""
    return subprocess.run([sys.executable, "-c", LAUNCH, str(root), *argv], cwd=ROOT, capture_output=True,
                          text=True, timeout=seconds)


@pytest.mark.parametrize("setting", ["title: *a8", "deploy:\n  target: s3://news-site/kan\n  cache: *a8"])
def test_an_alias_bomb_in_site_yaml_is_refused_at_its_line_in_a_moment(mini, setting):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    text = ALIAS_BOMB + (text.replace("title: 测试简报\n", "") if "title" in setting else text) + setting + "\n"
    (mini / "site.yaml").write_text(text, encoding="utf-8")
    line = text.split("\n").index(setting.split("\n")[-1]) + 1
    for command in ("check", "build"):
        result = in_a_process(mini, command)   # (it ran until the memory was gone: the lines of every alias were walked)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr) < 2000, result.stderr[:2000]   # (the cache rule's message held all 43 million)
    wrong = "`title` 必须是一行文字，不能是列表" if "title" in setting else "`cache` 必须是"
    assert f"site.yaml:{line}: {wrong}" in result.stderr, result.stderr
    assert snapshot(mini / "output") == site


def deny_reading(monkeypatch, *paths: Path) -> None:
    """These files and folders cannot be read, as after chmod 000 (which root, running the tests in CI
    containers, does not feel)."""
    denied = {str(p) for p in paths}
    real_scandir, real_read_bytes, real_open = os.scandir, Path.read_bytes, builtins.open

    def refuse(path) -> None:
        if str(path) in denied:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    monkeypatch.setattr(os, "scandir", lambda path=".": refuse(path) or real_scandir(path))
    monkeypatch.setattr(Path, "read_bytes", lambda self: refuse(self) or real_read_bytes(self))
    monkeypatch.setattr(builtins, "open", lambda file, *a, **k: refuse(file) or real_open(file, *a, **k))


def test_an_issue_folder_that_cannot_be_read_stops_the_build_rather_than_unpublishing_the_issue(mini, monkeypatch):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    deny_reading(monkeypatch, mini / "content/2024-07")
    for command in ("build", "check"):
        result = run_build(mini, command, "--no-pdf") if command == "build" else run_build(mini, command)
        assert result.code == 1, result.stderr   # (the build published the site without the issue)
        assert "content/2024-07: 读不了这个文件夹（没有读写它的权限），找不到这一期的文章" in result.stderr, result.stderr
        assert "chmod -R a+rX " in result.stderr and "content/2024-07）" in result.stderr
    assert snapshot(mini / "output") == site


@pytest.mark.parametrize("rel,words", [
    ("content/2024-07/01-first.md", "读不了这个文件（没有读写它的权限）"),
    ("content/2024-07/issue.yaml", "读不了这个文件（没有读写它的权限）"),
    ("site.yaml", "读不了这个文件（没有读写它的权限）"),
    ("templates/article.html", "没有读写这里的权限"),
])
def test_a_file_that_cannot_be_read_is_said_to_be_unreadable_not_unwritable(mini, monkeypatch, rel, words):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    write(mini, "content/2024-07/05-new.md", "---\n标题: 新文章\n栏目: 新闻政策\n---\n正文。\n")   # (something to build)
    os.utime(mini / rel, ns=(1, 1))   # (a file changed since the last build is read again)
    deny_reading(monkeypatch, mini / rel)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and f"{rel}: {words}" in result.stderr, result.stderr   # (it said 没有写入这里的权限)
    assert "写入" not in result.stderr
    no_traceback(result)
    assert snapshot(mini / "output") == site


def first_article(mini, body: str) -> None:
    """content/2024-07/01-first.md with this text below its front matter (its body starts at line 9)."""
    path = mini / "content/2024-07/01-first.md"
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8")


@pytest.mark.parametrize("pasted,line", [
    ("> " * 10_000 + "引用", 11),                                        # RecursionError in Python-Markdown
    ("- " * 10_000 + "列表", 11),                                        # RecursionError
    ("1. " * 3_000 + "列表", 11),                                        # RecursionError
    ("".join("    " * i + "- 第几层\n" for i in range(400)), 31),       # 7 s, then a RecursionError
    ("[" * 3_000 + "链接" + "](x.pdf)" * 3_000, 11),                     # 5 s, each [ looking for its ]
    ("".join("*强调 " for _ in range(1_500)) + "".join(" 强调*" for _ in range(1_500)), 11),   # RecursionError
    ("<div>" * 3_000 + "深" + "</div>" * 3_000, 11),                     # a RecursionError of WeasyPrint
    ("> " * 150 + "引用", 11),                                           # WeasyPrint's too
], ids=["quotes", "bullets", "numbers", "indented list", "brackets", "emphasis", "html", "quotes for the pdf"])
def test_a_body_nested_too_deep_is_refused_at_its_line(mini, pasted, line):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    first_article(mini, "第一段。\n\n" + pasted + "\n\n最后一段。\n")   # (the pasted text from line 11)
    for command in ("check", "build"):
        result = run_build(mini, command)
        assert result.code == 1, result.stderr
        no_traceback(result)
        assert f"01-first.md:{line}: 这里的列表、引用、加粗斜体或 HTML 一层套一层" in result.stderr, result.stderr
        assert "看看这一行是不是粘贴时带进来了一串 > - * [ 或 <div>，删掉多余的" in result.stderr
    assert snapshot(mini / "output") == site


def test_a_body_nested_as_deep_as_allowed_is_published_with_its_pdf(mini):
    from xiaokan.source.nesting import ELEMENTS_MOST, MARKS_MOST

    first_article(mini, "".join("    " * i + f"- 第{i + 1}层\n" for i in range(MARKS_MOST)) + "\n"
                  + "<div>" * ELEMENTS_MOST + "最深的一层" + "</div>" * ELEMENTS_MOST + "\n")
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    page = (mini / "output/2024-07/first/index.html").read_text(encoding="utf-8")
    assert f"第{MARKS_MOST}层" in page and "最深的一层" in page
    assert (mini / "print/xiaokan-2024-07.pdf").is_file()


@pytest.mark.parametrize("folder,name", [("content/2024-07", "05-评建动态.md"), ("content/2024-07/照片", "合影.jpg"),
                                         ("assets", "校徽.png")])
def test_a_file_named_in_gbk_by_a_windows_zip_is_refused_with_the_name_it_was_meant_to_have(mini, folder, name):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    place = os.fsencode(mini / folder)
    os.makedirs(place, exist_ok=True)
    with open(place + b"/" + name.encode("gb18030"), "wb") as file:   # (unzip on Linux keeps the GBK bytes)
        file.write((mini / "content/2024-07/01-first.md").read_bytes())
    for command in ("check", "build"):
        result = run_build(mini, command)
        assert result.code == 1, result.stderr   # (a UnicodeEncodeError traceback; for assets/, after output/ was replaced)
        no_traceback(result)
        assert f"{folder}: 文件名 '" in result.stderr and f"不是 UTF-8 编码的文字：按 GBK 读是 '{name}'" in result.stderr, result.stderr
        assert f"把这个文件改名为 {name}" in result.stderr
    assert snapshot(mini / "output") == site


@pytest.mark.parametrize("written,kind,name", [
    ("![合影](C:\\Users\\张三\\Desktop\\合影.jpg)", "图片", "合影.jpg"),             # Explorer's 复制为路径
    ("![合影](D:/照片/合影.jpg)", "图片", "合影.jpg"),
    ("![合影](file:///C:/Users/%E5%BC%A0%E4%B8%89/%E5%90%88%E5%BD%B1.jpg)", "图片", "合影.jpg"),
    ('<img src="C:\\照片\\合影.jpg" alt="合影">', "图片", "合影.jpg"),
    ("见[通知](C:\\Users\\张三\\通知.docx)。", "链接", "通知.docx"),
    ("<file:///D:/评建/方案.pdf>", "链接", "方案.pdf"),
    ("见[通知](\\\\fileserver\\评建\\通知.docx)。", "链接", "通知.docx"),
])
def test_a_picture_or_link_to_a_file_on_the_authors_computer_is_an_error_at_its_line(mini, written, kind, name):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    first_article(mini, "第一段。\n\n" + written + "\n")
    for command in ("check", "build"):
        result = run_build(mini, command)
        # (the sanitiser dropped the address: a picture without its file, or a link without its address, without a word)
        assert result.code == 1, result.stderr
        assert "01-first.md:11: " + kind in result.stderr and "作者电脑上的文件，读者打不开" in result.stderr, result.stderr
        assert f"把 {name} 复制到文章旁边（2024-07/ 里），只写文件名 {name}" in result.stderr
    assert snapshot(mini / "output") == site


def test_a_picture_in_a_subfolder_written_with_backslashes_is_told_to_use_slashes(mini):
    (mini / "content/2024-07/照片").mkdir()
    first_article(mini, "第一段。\n\n![合影](照片\\合影.jpg)\n")
    result = run_build(mini, "check")
    assert result.code == 1 and "01-first.md:11: " in result.stderr, result.stderr
    assert "文件夹之间要像网址一样用 / 分隔，不用 \\：写成 照片/合影.jpg" in result.stderr


def damaged_jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    data = BytesIO()
    Image.new("RGB", (800, 600), "navy").save(data, "JPEG")
    return data.getvalue()[:2000]


@pytest.mark.parametrize("cover,data,words", [
    ("issue.yaml", None, "封面图片 'issue.yaml'：浏览器不能显示 .yaml 格式的图片"),
    ("cover.jpg", damaged_jpeg(), "封面图片 'cover.jpg'：照片已损坏，读不了"),
    ("cover.jpg", b"<html><body>not a picture</body></html>", "封面图片 'cover.jpg'：这个文件不是图片"),
], ids=["issue.yaml", "damaged", "html"])
def test_a_cover_that_is_no_picture_is_an_error_at_its_line_and_never_published(mini, cover, data, words):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    issue = mini / "content/2024-07/issue.yaml"
    if data is not None:
        (mini / "content/2024-07" / cover).write_bytes(data)
    issue.write_text(issue.read_text(encoding="utf-8") + f"封面: {cover}\n", encoding="utf-8")
    line = issue.read_text(encoding="utf-8").count("\n")
    for command in ("check", "build"):
        result = run_build(mini, command)
        assert result.code == 1, result.stderr   # (published as it was: issue.yaml went to output/2024-07/issue.yaml)
        assert f"content/2024-07/issue.yaml:{line}: {words}" in result.stderr, result.stderr
    assert snapshot(mini / "output") == site


@pytest.mark.parametrize("setting,key", [("期号: 2", "期号: 0"), ("总期号: 2", "总期号: -1"), (None, "印数: -300")],
                         ids=["期号", "总期号", "印数"])
def test_an_issue_number_or_print_run_below_one_is_an_error_at_its_line(mini, setting, key):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    issue = mini / "content/2024-07/issue.yaml"
    text = issue.read_text(encoding="utf-8")
    text = text.replace(setting, key) if setting else text + key + "\n"
    issue.write_text(text, encoding="utf-8")
    line = text.split("\n").index(key) + 1
    name, value = key.split(": ")
    result = run_build(mini, "build", "--no-pdf")   # (the cover printed 总第-1期, the 版记 共印-300份)
    assert result.code == 1, result.stderr
    assert f"issue.yaml:{line}: `{name}` 必须是大于 0 的整数，不能是 '{value}'" in result.stderr, result.stderr
    assert snapshot(mini / "output") == site


@pytest.mark.parametrize("setting,words", [
    ("bleed: 500mm", "bleed（出血）必须在 0 到 10 毫米之间，不能是 '500mm'"),
    ("pages_multiple_of: 1000", "`pages_multiple_of` 必须是 1 到 32 之间的整数，不能是 1000"),
])
def test_a_print_setting_out_of_range_is_an_error_at_its_line(mini, setting, words):
    text = (mini / "site.yaml").read_text(encoding="utf-8") + "print:\n  " + setting + "\n"
    (mini / "site.yaml").write_text(text, encoding="utf-8")
    line = text.count("\n")
    result = run_build(mini, "check")   # (the build laid it out: 1000 pages of 阅读笔记 in 230 s)
    assert result.code == 1 and f"site.yaml:{line}: {words}" in result.stderr, result.stderr


def test_a_deploy_target_under_a_user_this_computer_has_not_is_an_error_at_its_line(mini):
    text = (mini / "site.yaml").read_text(encoding="utf-8") + "deploy:\n  target: ~www-xiaokan/pingjian\n"
    (mini / "site.yaml").write_text(text, encoding="utf-8")
    for argv in (("deploy", "--dry-run"), ("check",)):
        result = run_build(mini, *argv)   # (a RuntimeError traceback: Could not determine home directory)
        assert result.code == 1, result.stderr
        no_traceback(result)
        assert f"site.yaml:{text.count(chr(10))}: 找不到发布目标“~www-xiaokan/pingjian”：~ 后面的用户这台电脑上没有" in result.stderr, result.stderr
    result = run_build(mini, "deploy", "--dry-run", "--target", "~www-xiaokan/pingjian")
    assert result.code == 1 and "找不到发布目标“~www-xiaokan/pingjian”" in result.stderr, result.stderr


@pytest.mark.parametrize("kind", ["JPEG", "PNG"])
def test_a_photo_a_pixel_high_gets_its_smaller_copies(mini, kind):
    from PIL import Image

    Image.new("RGB", (6000, 1), "red").save(mini / "content/2024-07/strip.img", kind)
    (mini / "content/2024-07/strip.img").rename(mini / f"content/2024-07/strip.{kind.lower()}")
    first_article(mini, f"第一段。\n\n![一条细线](strip.{kind.lower()})\n")
    result = run_build(mini, "build", "--no-pdf")   # (ZeroDivisionError, ValueError: the copy was 0 pixels high)
    assert result.code == 0, result.stderr
    with Image.open(next((mini / "output/_resized/2024-07").glob("strip-480w.*"))) as copy:
        assert copy.size == (480, 1)


@pytest.mark.parametrize("name,meant", [("05-新闻．md", "05-新闻.md"), ("０５－新闻．ｍｄ", "05-新闻.md"),
                                        ("05-新闻.md.", "05-新闻.md"), ("05-新闻.md ", "05-新闻.md")])
def test_an_article_whose_name_ends_almost_in_md_is_named_not_left_out(mini, name, meant):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    write(mini, f"content/2024-07/{name}", "---\n标题: 新闻\n栏目: 新闻政策\n---\n正文。\n")
    for command in ("check", "build"):
        result = run_build(mini, command)   # (left out without a word: typed with a full-width dot, or a dot after it)
        assert result.code == 1, result.stderr
        assert f"文件名 '{name}' 的结尾和文章的 .md 差一点，所以这篇不会发布" in result.stderr and f"改名为 {meant}" in result.stderr
    assert snapshot(mini / "output") == site


@pytest.mark.parametrize("name", ["合影.jpg.", "issue.yaml", "合影.heic"])
def test_a_picture_of_a_type_browsers_cannot_show_is_said_once(mini, name):
    from PIL import Image

    if name != "issue.yaml":
        Image.new("RGB", (40, 30)).save(mini / "content/2024-07" / name, "JPEG")
    first_article(mini, f"第一段。\n\n![合影]({name})\n")
    result = run_build(mini, "check")
    assert result.code == 1, result.stderr
    assert result.stderr.count("01-first.md:11: ") == 1, result.stderr   # (two errors, in two wordings, for one picture)


def test_a_copied_project_built_again_names_its_own_files(mini, tmp_path):
    import shutil

    assert run_build(mini, "build", "--no-pdf").code == 0
    copy = Path(shutil.copytree(mini, tmp_path / "copy", symlinks=True))
    shutil.rmtree(mini)
    result = run_build(copy, "build", "--no-pdf")   # (nothing changed: the last build's report is repeated)
    assert result.code == 0, result.stderr
    assert f"{copy}/site.yaml:3" in result.stderr and f"{mini}/" not in result.stderr, result.stderr


def test_a_disk_that_fills_while_the_pdf_is_copied_to_print_leaves_print_as_it_was(mini, monkeypatch):
    import shutil

    assert run_build(mini, "build").code == 0
    before, site = snapshot(mini / "print"), snapshot(mini / "output")
    write(mini, "content/2024-07/05-new.md", "---\n标题: 新文章\n栏目: 新闻政策\n---\n正文。\n")
    copy = shutil.copy2

    def disk_full(source, target, *args, **kwargs):
        if Path(target).parent == mini / "print":
            Path(target).write_bytes(b"%PDF-1.7 half of it")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return copy(source, target, *args, **kwargs)
    monkeypatch.setattr(shutil, "copy2", disk_full)
    result = run_build(mini, "build")
    assert result.code == 1 and "磁盘已满" in result.stderr, result.stderr
    assert snapshot(mini / "print") == before   # (half a PDF was left as print/.xiaokan-2024-07.pdf.tmp)
    assert snapshot(mini / "output") == site


def test_an_article_file_or_tag_named_with_some_seventy_characters_gets_an_address_a_folder_can_take(mini):
    long = "关于印发重庆机电职业技术大学职业本科教育教学工作合格评估自评自建工作实施方案二〇二四年修订版暨迎评促建专项整改工作安排的通知"
    text = (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8")
    write(mini, f"content/2024-07/05-{long}.md", text.replace("标签: [职业本科]", f"标签: [{long}]"))
    result = run_build(mini, "build", "--no-pdf")   # (名字太长 → 检查这个文件夹: the address was 330 letters)
    assert result.code == 0, result.stderr
    pages = {p.parent.name for p in (mini / "output/2024-07").glob("*/index.html")}
    tags = {p.parent.name for p in (mini / "output/tags").glob("*/index.html")}
    made = [name for name in [*pages, *tags] if name.startswith("guan-yu-yin-fa")]
    assert len(made) == 2 and all(len(name) <= 251 for name in made), made
    assert run_build(mini, "build", "--no-pdf").code == 0   # (the same addresses again)
    assert {p.parent.name for p in (mini / "output/2024-07").glob("*/index.html")} == pages


@pytest.mark.parametrize("written,shown", [('"第一行\\n第二行"', "第一行 第二行"), ("|\n  第一行\n  第二行", "第一行 第二行"),
                                           ('"评建\\0简报\\a"', "评建简报"), ('"评建\\u2028简报"', "评建 简报")],
                         ids=["\\n", "block", "controls", "line separator"])
def test_a_title_with_line_breaks_or_control_characters_is_one_line_of_text(mini, written, shown):
    import xml.etree.ElementTree as ET

    path = mini / "content/2024-07/01-first.md"
    path.write_text(path.read_text(encoding="utf-8").replace("标题: 第一篇新闻", f"标题: {written}"), encoding="utf-8")
    result = run_build(mini, "build", "--no-pdf")   # (a traceback drawing the card: raqm_layout() failed)
    assert result.code == 0, result.stderr
    assert f"<h1>{shown}</h1>" in (mini / "output/2024-07/first/index.html").read_text(encoding="utf-8")
    feed = ET.parse(mini / "output/feed.xml")   # (\0 and \a made the feed no XML at all)
    assert shown in [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]


def test_a_title_of_spaces_is_a_missing_title(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    path = mini / "content/2024-07/01-first.md"
    path.write_text(path.read_text(encoding="utf-8").replace("标题: 第一篇新闻", "标题: '   '"), encoding="utf-8")
    result = run_build(mini, "build", "--no-pdf")   # (published under an empty <h1>)
    assert result.code == 1 and "01-first.md:2: 文章设置里缺少 `标题`" in result.stderr, result.stderr
    assert snapshot(mini / "output") == site


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x07", "\x1b", "\ufffe"], ids=["VT", "FF", "BEL", "ESC", "U+FFFE"])
def test_control_characters_pasted_into_a_body_leave_the_feed_xml(mini, char):
    import xml.etree.ElementTree as ET

    first_article(mini, f"第一段{char}文字在这里。\n\n第二段{char}。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    feed = ET.parse(mini / "output/feed.xml")   # (not well-formed (invalid token): a feed reader refused all of it)
    entries = [e.findtext("{http://www.w3.org/2005/Atom}content") for e in feed.iter("{http://www.w3.org/2005/Atom}entry")]
    assert any("第一段文字在这里。" in (text or "") for text in entries)
    ET.parse(mini / "output/sitemap.xml")


@pytest.mark.parametrize("written", ["２０２４－０７－０５", "２０２４年７月５日", "2024年7月5号"])
def test_a_date_typed_in_full_width_or_with_号_is_the_date(mini, written):
    path = mini / "content/2024-07/01-first.md"
    path.write_text(path.read_text(encoding="utf-8").replace("日期: 2024-07-01", f"日期: {written}"), encoding="utf-8")
    result = run_build(mini, "build", "--no-pdf")   # (日期 '２０２４－０７－０５' 不是一个日期)
    assert result.code == 0, result.stderr
    assert "2024年7月5日" in (mini / "output/2024-07/first/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("photo,words", [
    ("missing.jpg", "图片 'missing.jpg' 指向的文件不存在"),
    ("../../site.yaml", "图片 '../../site.yaml' 指向项目之外"),
    ("C:\\Users\\张三\\合影.jpg", "图片“C:\\Users\\张三\\合影.jpg”是作者电脑上的文件"),
], ids=["missing", "outside", "author's computer"])
def test_a_proof_or_a_wechat_post_with_a_photo_that_is_not_there_is_refused_at_its_line(mini, photo, words):
    first_article(mini, f"第一段。\n\n![合影]({photo})\n")
    for argv in (("pdf", "2024-07", "--proof"), ("wechat", "2024-07/first")):
        # (a proof: 印刷版用到了不允许使用的文件：file:///…, naming no line, or printed without the picture; a post: a broken picture)
        result = run_build(mini, *argv)
        assert result.code == 1, result.stderr
        assert f"01-first.md:11: {words}" in result.stderr, result.stderr
    assert not (mini / "wechat").exists() and not list(mini.glob("print/*proof*"))


def test_a_mistyped_sections_key_is_said_to_be_missing_and_its_line_to_be_mistyped(mini):
    text = (mini / "site.yaml").read_text(encoding="utf-8").replace("sections:", "sectoins:")
    (mini / "site.yaml").write_text(text, encoding="utf-8")
    result = run_build(mini, "check")   # (it said `sections` 应该是一个列表, of a list that was there)
    assert result.code == 1, result.stderr
    assert "site.yaml 里必须有 `sections`" in result.stderr and "应该是一个列表" not in result.stderr, result.stderr
    assert "site.yaml:5: site.yaml 里有不认识的设置 `sectoins`" in result.stderr and "是不是想写 `sections`？" in result.stderr


def test_a_photo_named_with_other_capitals_is_told_its_real_name(mini):
    from PIL import Image

    Image.new("RGB", (40, 30)).save(mini / "content/2024-07/IMG_0012.JPG", "JPEG")
    first_article(mini, "第一段。\n\n![合影](img_0012.jpg)\n")
    result = run_build(mini, "check")   # (→ 检查文件名: on the editor's Windows the name works)
    assert result.code == 1 and "01-first.md:11: 图片 'img_0012.jpg' 指向的文件不存在" in result.stderr, result.stderr
    assert "文章旁边的文件是 IMG_0012.JPG：文件名的大小写要写得一样" in result.stderr
