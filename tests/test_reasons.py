"""A library's English never reaches the editor: zipfile, zlib, Pillow, expat, csv and the operating
system's faults are said in Chinese by xiaokan.core.reasons.explain_exception, wherever they are caught
(the Word import, the photo checks, CSV tables, dates, the disk; the desk's uploads call it too)."""
from __future__ import annotations

import csv
import errno
import io
import re
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from datetime import date

import pytest
from PIL import Image

from helpers import run_build, snapshot, write
from xiaokan.core.reasons import explain_exception

LANGUAGE = "zh_CN"

# English the libraries say, as the tester met it inside Chinese messages.
LIBRARY_ENGLISH = re.compile(r"File is not a zip file|could not create decoder|Bad CRC|broken PNG|broken data stream|"
                             r"image file is truncated|Error -3|decompress|day is out of range|unexpected end of data|"
                             r"No such file|No space left|mismatched tag|cannot identify")


def _raised(action):
    try:
        action()
    except BaseException as exc:   # noqa: BLE001
        return exc
    raise AssertionError("nothing was raised")


def _load_truncated() -> None:
    """Pillow reading a PNG cut short, as the photo check does (strictly, whatever WeasyPrint set)."""
    from xiaokan.source.images import strict_pillow

    with strict_pillow():
        Image.open(io.BytesIO(_png()[:900])).load()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 400), (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


FAULTS = {
    "not a zip file": (lambda: _raised(lambda: zipfile.ZipFile(io.BytesIO(b"hello"))), "不是完整的 .docx"),
    "bad CRC": (lambda: zipfile.BadZipFile("Bad CRC-32 for file 'word/document.xml'"), "word/document.xml 已损坏（校验和不符）"),
    "zlib": (lambda: _raised(lambda: zlib.decompress(b"not deflate data")), "压缩数据已损坏"),
    "broken PNG chunk": (lambda: OSError("broken PNG file (chunk b'IDAT')"), "图片数据损坏或不完整"),
    "no decoder": (lambda: OSError("could not create decoder object"), "图片数据损坏或不完整"),
    "truncated photo": (lambda: _raised(_load_truncated), "图片数据损坏或不完整"),
    "not a picture": (lambda: _raised(lambda: Image.open(io.BytesIO(b"hello"))), "不是图片"),
    "no such file": (lambda: _raised(lambda: open("/no/such/file", encoding="utf-8")), "不存在"),
    "disk full": (lambda: OSError(errno.ENOSPC, "No space left on device"), "磁盘已满"),
    "another errno": (lambda: OSError(errno.EBUSY, "Device or resource busy"), "错误代码 EBUSY"),
    "XML cut off": (lambda: _raised(lambda: ET.fromstring("<a><b>")), "被截断"),
    "XML mismatched": (lambda: _raised(lambda: ET.fromstring("<a><b></a>")), "对不上"),
    "impossible date": (lambda: _raised(lambda: date(2024, 2, 30)), "那个月没有这一天"),
    "CSV quote left open": (lambda: _raised(lambda: list(csv.reader(io.StringIO('a,"b\n'), strict=True))), "引号没有配对"),
    "struct": (lambda: _raised(lambda: struct.unpack(">I", b"ab")), "数据损坏"),
    "cut-off file": (lambda: EOFError(), "被截断"),
}


@pytest.mark.parametrize("case", list(FAULTS))
def test_each_library_fault_is_said_in_chinese(case):
    make, words = FAULTS[case]
    said = explain_exception(make())
    assert words in said, said
    assert not LIBRARY_ENGLISH.search(said) and not re.search(r"[A-Za-z]{4,} [a-z]{3,}", said), said


def test_a_fault_nobody_foresaw_is_named_by_its_kind():
    assert explain_exception(KeyError("x")) == "程序遇到了意外的问题（KeyError），请把这个文件和这条消息告诉技术人员"


@pytest.mark.parametrize("cut", ["half", "zeroed"])
def test_a_damaged_photo_is_explained_in_chinese_in_check_and_build(mini, cut):
    data = _png()
    if cut == "half":
        data = data[: len(data) // 2]
    else:
        at = data.index(b"IDAT")
        data = data[: at + 20] + bytes(20) + data[at + 40:]
    (mini / "content/2024-07/photo.png").write_bytes(data)
    write(mini, "content/2024-07/05-photo.md", "---\n标题: 照片\n栏目: 新闻政策\n---\n![会场](photo.png)\n")
    assert run_build(mini, "build", "--no-pdf").code == 1
    before = snapshot(mini / "output") if (mini / "output").exists() else {}
    for command in (("check",), ("build", "--no-pdf")):
        result = run_build(mini, *command)
        assert result.code == 1
        assert "05-photo.md:5: 图片 'photo.png'：照片已损坏，读不了（图片数据损坏或不完整）" in result.stderr, result.stderr
        assert not LIBRARY_ENGLISH.search(result.stderr), result.stderr
    assert (snapshot(mini / "output") if (mini / "output").exists() else {}) == before


def test_an_impossible_date_and_a_broken_csv_are_explained_in_chinese(mini):
    write(mini, "content/2024-07/05-date.md", "---\n标题: 日期\n栏目: 新闻政策\n日期: 2024-02-30\n---\n正文\n")
    write(mini, "content/2024-07/t.csv", '单位,人数\n"教务处,3\n')
    write(mini, "content/2024-07/06-t.md", '---\n标题: 表\n栏目: 新闻政策\n---\n{{< 表格 文件="t.csv" >}}\n')
    result = run_build(mini, "check")
    assert result.code == 1
    assert "05-date.md:4: 日期 '2024-02-30' 不存在（那个月没有这一天）" in result.stderr, result.stderr
    assert "06-t.md:5: " in result.stderr and "t.csv 第 2 行" in result.stderr
    assert not LIBRARY_ENGLISH.search(result.stderr), result.stderr
