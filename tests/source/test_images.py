"""Photos beside an article: a captioned figure, smaller copies with srcset for phones, the original in print."""
from __future__ import annotations

import re

from PIL import Image
from pypdf import PdfReader

from helpers import run_build, write

ARTICLE = "---\n标题: 实训室开放日\n栏目: 评建动态\n日期: 2024-07-03\nslug: lab\n---\n开放日当天。\n\n{image}\n\n活动结束。\n"


def photo(path, size=(2400, 1600), orientation: int | None = None):
    image = Image.new("RGB", size, (180, 40, 30))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(path, "JPEG", quality=90, exif=exif.tobytes())


def img_tag(html: str) -> str:
    return re.search(r"<img [^>]*>", html).group(0)


def test_photo_becomes_figure_with_caption_credit_and_responsive_copies(mini):
    photo(mini / "content/2024-07/lab.jpg")
    write(mini, "content/2024-07/05-lab.md", ARTICLE.format(image='![学生在实训室操作机床](lab.jpg "学校供图")'))
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    out = mini / "output/2024-07"
    html = (out / "lab/index.html").read_text(encoding="utf-8")
    assert '<figcaption>学生在实训室操作机床<span class="credit">学校供图</span></figcaption>' in html
    tag = img_tag(html)
    assert 'src="../../2024-07/lab.jpg"' in tag and 'width="2400"' in tag and 'height="1600"' in tag
    assert 'loading="lazy"' in tag and 'sizes="' in tag
    srcset = re.search(r'srcset="([^"]+)"', tag).group(1)
    assert srcset == ("../../_resized/2024-07/lab-480w.jpg 480w, ../../_resized/2024-07/lab-960w.jpg 960w, "
                      "../../_resized/2024-07/lab-1440w.jpg 1440w")
    copies = mini / "output/_resized/2024-07"
    for width in (480, 960, 1440):
        with Image.open(copies / f"lab-{width}w.jpg") as copy:
            assert copy.size == (width, round(1600 * width / 2400))
    assert (copies / "lab-480w.jpg").stat().st_size < (out / "lab.jpg").stat().st_size / 5
    with Image.open(out / "lab.jpg") as original:   # the original is published too, untouched
        assert original.size == (2400, 1600)


def test_resized_copies_are_made_once(mini):
    photo(mini / "content/2024-07/lab.jpg")
    write(mini, "content/2024-07/05-lab.md", ARTICLE.format(image="![实训室](lab.jpg)"))
    assert run_build(mini, "build", "--no-pdf").code == 0
    cached = {p: p.stat().st_mtime_ns for p in (mini / ".cache/images").iterdir()}
    assert len(cached) == 3
    write(mini, "content/2024-07/05-lab.md", ARTICLE.format(image="![实训室一角](lab.jpg)"))
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert {p: p.stat().st_mtime_ns for p in (mini / ".cache/images").iterdir()} == cached
    photo(mini / "content/2024-07/lab.jpg", size=(1000, 800))   # a new photo under the same name
    assert run_build(mini, "build", "--no-pdf").code == 0
    html = (mini / "output/2024-07/lab/index.html").read_text(encoding="utf-8")
    assert 'width="1000"' in img_tag(html) and "lab-960w.jpg 960w, ../../2024-07/lab.jpg 1000w" in img_tag(html)
    assert not (mini / "output/_resized/2024-07/lab-1440w.jpg").exists()


def test_small_photo_and_sideways_phone_photo(mini):
    photo(mini / "content/2024-07/small.jpg", size=(400, 300))
    photo(mini / "content/2024-07/phone.jpg", size=(1600, 1200), orientation=6)   # stored sideways
    write(mini, "content/2024-07/05-lab.md", ARTICLE.format(image="![小图](small.jpg)\n\n![竖拍](phone.jpg)"))
    assert run_build(mini, "build", "--no-pdf").code == 0
    html = (mini / "output/2024-07/lab/index.html").read_text(encoding="utf-8")
    small, phone = re.findall(r"<img [^>]*>", html)
    assert "srcset" not in small and 'width="400"' in small
    assert 'width="1200"' in phone and 'height="1600"' in phone   # as it is shown: upright
    with Image.open(mini / "output/_resized/2024-07/phone-480w.jpg") as copy:
        assert copy.size == (480, 640)


def test_the_pdf_prints_the_original_photo(mini):
    photo(mini / "content/2024-07/lab.jpg")
    write(mini, "content/2024-07/05-lab.md", ARTICLE.format(image='![学生在实训室](lab.jpg "学校供图")'))
    result = run_build(mini, "build")
    assert result.code == 0, result.stderr
    pdf = next((mini / "output/2024-07").glob("*.pdf"))
    sizes = [(img.image.width, img.image.height) for page in PdfReader(pdf).pages for img in page.images]
    assert (2400, 1600) in sizes


def test_missing_alt_text_is_an_error_in_check_and_build_alike(mini):
    photo(mini / "content/2024-07/lab.jpg", size=(600, 400))
    write(mini, "content/2024-07/05-lab.md", ARTICLE.format(image="![](lab.jpg)"))
    check = run_build(mini, "check")
    assert check.code != 0
    assert "05-lab.md:9: image 'lab.jpg' has no alt text" in check.stderr
    assert "write what the picture shows" in check.stderr
    build = run_build(mini, "build", "--no-pdf")
    assert build.code == 1 and "05-lab.md:9: image 'lab.jpg' has no alt text" in build.stderr
    assert not (mini / "output").exists()
