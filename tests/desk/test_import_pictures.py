"""Word import: damaged pictures are named as damaged, in Chinese only. A BMP whose header claims more rows than its
data holds (a height of -2³¹, which Pillow reads as 2³¹) was refused with the whole file as 「…有 64424 百万像素」, a
picture too large; libtiff's own English line about a damaged Deflate TIFF reached the editor's terminal."""
from __future__ import annotations

import io
import struct

import pytest
from test_import import LOST, import_file

import worddocs


def _bmp(height: int) -> bytes:
    """A 300 × 200 BMP whose header says height rows (negative: stored top down)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (10, 90, 90)).save(out, "BMP")
    data = bytearray(out.getvalue())
    struct.pack_into("<i", data, 22, height)
    return bytes(data)


@pytest.mark.parametrize("height", [-2**31, 2**31 - 1, -5_000_000, 900_000])
def test_a_bmp_claiming_more_rows_than_it_holds_is_damaged_not_too_large(mini, tmp_path, height):
    """Heights of -2³¹ and 2³¹-1 were refused with the file as too large (64,424 million pixels); 5,000,000 rows
    (1,500 megapixels, within the limit) was reported as a format web pages cannot show: each is a damaged picture,
    reported with its 段, and the rest of the document is imported."""
    article, report = import_file(mini, worddocs.with_picture(tmp_path, "BMP", lambda _whole: _bmp(height)))
    rows = 2**31 if height == -2**31 else abs(height)
    assert f"第 3 段的图片已损坏（文件头写着 300 × {rows} 像素，远远超过它实际存的数据），没有导入" in report, report
    assert "百万像素" not in report and "网页不能显示的格式" not in report and LOST not in report, report
    assert "我校教师获得省级教学成果奖。" in article.read_text(encoding="utf-8")
    assert not list(article.parent.glob(article.stem[3:] + "-*")), report


def test_a_bmp_that_holds_its_rows_is_imported(mini, tmp_path):
    """(The check reads the header only: a whole BMP, stored bottom up or top down, is converted to PNG as before.)"""
    article, report = import_file(mini, worddocs.with_picture(tmp_path, "BMP", lambda _whole: _bmp(-200)))
    assert "图片 1 张" in report and "损坏" not in report, report
    assert list(article.parent.glob(article.stem[3:] + "-1.png")), report


def test_a_damaged_deflate_tiff_is_reported_in_chinese_only(mini, tmp_path, capfd):
    """libtiff wrote 「ZIPDecode: Decoding error at scanline 0, …」 to the process's stderr, past the report."""
    from PIL import Image

    whole = io.BytesIO()
    Image.new("RGB", (300, 200), (90, 90, 10)).save(whole, "TIFF", compression="tiff_adobe_deflate")
    data = bytearray(whole.getvalue())
    with Image.open(io.BytesIO(bytes(data))) as image:
        start = image.tag_v2[273][0]   # (StripOffsets: where the compressed pixels begin)
    for at in range(start + 2, start + 60):   # (the pixels scrambled, the zlib header kept)
        data[at] ^= 0x5A
    capfd.readouterr()
    article, report = import_file(mini, worddocs.with_picture(tmp_path, "TIFF", lambda _whole: bytes(data)))
    printed = capfd.readouterr()
    assert "第 3 段的图片已损坏" in report and LOST not in report, report
    assert printed.err == "" and printed.out == "", printed


def test_a_tiff_is_converted_when_the_null_device_cannot_be_opened(mini, tmp_path, monkeypatch):
    """(Attack pass.) With no null device to point stderr at (seen on this machine: /dev/null a directory for a
    moment), the picture is converted all the same, stderr untouched; the whole file was refused."""
    import os

    monkeypatch.setattr(os, "devnull", str(tmp_path))   # (a folder: opening it for writing fails)
    article, report = import_file(mini, worddocs.with_picture(tmp_path, "TIFF", lambda whole: whole, compression="tiff_adobe_deflate"))
    assert "图片 1 张" in report and "损坏" not in report and LOST not in report, report
    assert list(article.parent.glob(article.stem[3:] + "-1.png")), report
