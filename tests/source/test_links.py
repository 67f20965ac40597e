"""Links (symlinks) that lead out of the project are never read or published: an article, an issue
folder, issue.yaml, a CSV, a photo in a linked folder, a template. Each is an error naming the link, in
build, check and the preview alike, and output/ stays as it was; a link inside the project is followed."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from helpers import get, page_containing, run_build, running_server, snapshot, wait_for, write

LANGUAGE = "en"   # (the messages' English ids; tests/test_messages.py checks that each has its Chinese)
SECRET = "SECRET-FROM-OUTSIDE"
OUTSIDE_ARTICLE = f"---\n标题: 外面的文章\n栏目: 新闻政策\n---\n{SECRET}\n"


def _article_link(mini: Path, outside: Path) -> str:
    write(outside, "art.md", OUTSIDE_ARTICLE)
    (mini / "content/2024-07/99-x.md").symlink_to(outside / "art.md")
    return "content/2024-07/99-x.md: this file is a link (or lies in a linked folder) that leads to"


def _issue_folder_link(mini: Path, outside: Path) -> str:
    write(outside, "issue/issue.yaml", "标题: 2024年第98期\n期号: 98\n日期: 2024-05-01\n")
    write(outside, "issue/01-a.md", OUTSIDE_ARTICLE)
    (mini / "content/2024-98").symlink_to(outside / "issue")
    return "content/2024-98: this folder is a link to"


def _issue_yaml_link(mini: Path, outside: Path) -> str:
    issue = mini / "content/2024-07/issue.yaml"
    write(outside, "issue.yaml", issue.read_text(encoding="utf-8").replace("测试用的一期。", SECRET))
    issue.unlink()
    issue.symlink_to(outside / "issue.yaml")
    return "content/2024-07/issue.yaml: this file is a link (or lies in a linked folder) that leads to"


def _csv_link(mini: Path, outside: Path) -> str:
    write(outside, "data.csv", f"单位,人数\n{SECRET},3\n")
    (mini / "content/2024-07/data.csv").symlink_to(outside / "data.csv")
    write(mini, "content/2024-07/05-table.md", '---\n标题: 表格\n栏目: 新闻政策\n---\n名单：\n\n{{< 表格 文件="data.csv" >}}\n')
    return "content/2024-07/05-table.md:7: data file 'data.csv' is a link that leads to"


def _photo_in_linked_folder(mini: Path, outside: Path) -> str:
    (outside / "pictures").mkdir()
    Image.new("RGB", (600, 400), (200, 30, 30)).save(outside / "pictures" / "a.png")
    (outside / "pictures" / "notes.txt").write_text(SECRET, encoding="utf-8")
    (mini / "content/2024-07/pictures").symlink_to(outside / "pictures")
    write(mini, "content/2024-07/05-photo.md",
          "---\n标题: 照片\n栏目: 新闻政策\n---\n![会场](pictures/a.png)\n\n[说明](pictures/notes.txt)\n")
    return "content/2024-07/pictures/a.png: this file is a link (or lies in a linked folder) that leads to"


def _template_link(mini: Path, outside: Path) -> str:
    write(outside, "404.html", f"<p>{SECRET}</p>\n")
    (mini / "templates/404.html").unlink()
    (mini / "templates/404.html").symlink_to(outside / "404.html")
    return "templates/404.html: this file is a link (or lies in a linked folder) that leads to"


LINKS = {
    "an article": _article_link,
    "an issue folder": _issue_folder_link,
    "issue.yaml": _issue_yaml_link,
    "a CSV table": _csv_link,
    "a photo and an attachment in a linked folder": _photo_in_linked_folder,
    "a template": _template_link,
}


def _everything(folder: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("case", list(LINKS))
def test_a_link_leading_out_of_the_project_is_an_error_naming_it(mini, tmp_path, case):
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    outside = tmp_path / "outside"
    outside.mkdir()
    message = LINKS[case](mini, outside)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "output/ was left as it was" in result.stderr
    assert snapshot(mini / "output") == before
    assert SECRET not in _everything(mini / "output")
    checked = run_build(mini, "check")
    assert checked.code == 1 and message in checked.stderr, checked.stderr


def test_the_preview_shows_the_error_and_not_the_linked_article(mini, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    message = _article_link(mini, outside)
    _issue_folder_link(mini, outside)
    with running_server(mini) as (base, _process):
        page = wait_for(lambda: page_containing(base + "/", "xiaokan-error"), 60)
        assert "99-x.md" in page and "this file is a link" in page and "2024-98" in page
        assert SECRET not in page
        assert get(base + "/2024-98/")[0] == 404
    assert message   # (named in the terminal and on the page alike)


def test_links_that_stay_inside_the_project_are_followed(mini, tmp_path):
    # An article kept in another folder of content/ (not an issue: its name starts with _).
    write(mini, "content/_shared/note.md", "---\n标题: 共用的稿子\n栏目: 新闻政策\n---\n共用正文\n")
    (mini / "content/2024-07/05-note.md").symlink_to("../_shared/note.md")
    # content/ itself may be a link, e.g. to a shared drive: everything in it is the project's content.
    elsewhere = tmp_path / "shared-drive" / "content"
    shutil.move(mini / "content", elsewhere)
    (mini / "content").symlink_to(elsewhere)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert "共用正文" in (mini / "output/2024-07/note/index.html").read_text(encoding="utf-8")
