"""The files the build makes (social cards, photo copies, the issue's PDF, pages, the search index) never
take the name of an editor's file: a photo called card.jpg is published as the photo."""
from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from helpers import run_build, write


def photo(path: Path, size=(1600, 1000), colour=(200, 30, 30)) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", quality=90)
    return path.read_bytes()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def og_image(page: Path, site: Path) -> Path:
    address = re.search(r'<meta property="og:image" content="([^"]+)">', read(page)).group(1)
    return site / "output" / address.removeprefix("https://news.example.edu.cn/kan/")


def test_a_photo_named_card_jpg_is_published_as_the_photo_and_the_cards_keep_clear(mini):
    issue_photo = photo(mini / "content/2024-07/card.jpg")
    slug_photo = photo(mini / "content/2024-07/first/card.jpg", colour=(30, 30, 200))   # (a folder named as a page)
    write(mini, "content/2024-07/05-card.md",
          "---\n标题: 会议现场\n栏目: 新闻政策\n---\n![会议现场](card.jpg)\n\n![实训室](first/card.jpg)\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    out = mini / "output"
    assert (out / "2024-07/card.jpg").read_bytes() == issue_photo
    assert (out / "2024-07/first/card.jpg").read_bytes() == slug_photo
    article = read(out / "2024-07/card/index.html")
    assert 'src="../../2024-07/card.jpg"' in article and 'src="../../2024-07/first/card.jpg"' in article
    for page in (out / "2024-07/index.html", out / "2024-07/first/index.html", out / "2024-07/card/index.html"):
        card = og_image(page, mini)
        with Image.open(card) as picture:   # a card of its own, not the editor's photo
            assert picture.size == (1200, 630)
        assert card.read_bytes() not in (issue_photo, slug_photo)


def test_a_file_named_like_the_issue_pdf_wins_and_the_pdf_moves(mini):
    from pypdf import PdfReader

    editors_file = b"%PDF-1.4\n% the department's own file\n"
    (mini / "content/2024-07/xiaokan-2024-07.pdf").write_bytes(editors_file)
    write(mini, "content/2024-07/05-file.md", "---\n标题: 附件\n栏目: 新闻政策\n---\n见[上期全文](xiaokan-2024-07.pdf)。\n")
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    out = mini / "output/2024-07"
    assert (out / "xiaokan-2024-07.pdf").read_bytes() == editors_file
    download = re.search(r'href="(xiaokan-2024-07[^"]*\.pdf)" download>下载', read(out / "index.html"))
    assert download and download.group(1) != "xiaokan-2024-07.pdf"
    assert len(PdfReader(out / download.group(1)).pages) % 4 == 0   # the issue's PDF, under a free name


def test_a_folder_named_like_the_photo_copies_is_published_as_it_is(mini):
    original = photo(mini / "content/2024-07/lab.jpg", size=(2400, 1600))
    lookalike = photo(mini / "content/2024-07/_resized/lab-480w.jpg", size=(480, 320), colour=(0, 160, 0))
    write(mini, "content/2024-07/05-lab.md",
          "---\n标题: 实训室\n栏目: 新闻政策\n---\n![实训室](lab.jpg)\n\n![另一张](_resized/lab-480w.jpg)\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    out = mini / "output"
    assert (out / "2024-07/_resized/lab-480w.jpg").read_bytes() == lookalike
    assert (out / "2024-07/lab.jpg").read_bytes() == original
    with Image.open(out / "_resized/2024-07/lab-480w.jpg") as copy:   # the copy the srcset offers
        assert copy.size == (480, 320) and copy.getpixel((10, 10))[0] > 150


def test_an_issue_may_not_take_the_name_of_the_cards_folder(mini):
    write(mini, "content/cards/issue.yaml", "标题: 2024年第9期\n期号: 9\n日期: 2024-09-01\n")
    write(mini, "content/cards/01-a.md", "---\n标题: 一篇\n栏目: 新闻政策\n---\n正文。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and "content/cards" in result.stderr
