"""A value quoted in a message reads as the editor wrote it: a Windows path with its single
backslashes, a ' inside it without Python's switch to " marks, a line break as ?; and a picture of
site.yaml named by its place on the editor's computer is told to be copied into assets/."""
from __future__ import annotations

import pytest

from helpers import run_build, snapshot, write


def add_print(mini, setting: str) -> int:
    text = (mini / "site.yaml").read_text(encoding="utf-8") + "print:\n  " + setting + "\n"
    (mini / "site.yaml").write_text(text, encoding="utf-8")
    return text.count("\n")


@pytest.mark.parametrize("setting,words", [
    ("bleed: C:\\照片\\3mm", "不能是 'C:\\照片\\3mm'"),          # (was 'C:\\\\照片\\\\3mm')
    ("bleed: it's 3mm", "不能是 'it's 3mm'"),                     # (was \"it's 3mm\")
    ("page_size: A4\\", "不认识的纸张大小 page_size 'A4\\'"),
])
def test_a_value_in_a_message_is_shown_as_written(mini, setting, words):
    line = add_print(mini, setting)
    result = run_build(mini, "check")
    assert result.code == 1 and f"site.yaml:{line}: " in result.stderr and words in result.stderr, result.stderr
    assert "\\\\" not in result.stderr


def test_an_article_value_with_a_backslash_is_shown_as_written(mini):
    write(mini, "content/2024-07/05-bad.md", "---\n标题: 好\n栏目: 新闻政策\n排序: \\1\n---\n正文。\n")
    result = run_build(mini, "check")
    assert result.code == 1 and "05-bad.md:4:" in result.stderr and "'\\1'" in result.stderr, result.stderr
    assert "\\\\" not in result.stderr


def test_an_issue_named_with_a_backslash_is_shown_as_typed(mini):
    result = run_build(mini, "pdf", "2024\\07")
    assert result.code != 0 and "'2024\\07'" in result.stderr and "\\\\" not in result.stderr, result.stderr


def test_a_logo_on_the_editors_disk_is_to_be_copied_into_assets(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    text = (mini / "site.yaml").read_text(encoding="utf-8") + "logo: C:\\照片\\校徽.png\n"
    (mini / "site.yaml").write_text(text, encoding="utf-8")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert f"site.yaml:{text.count(chr(10))}: `logo`：'C:\\照片\\校徽.png' 是这台电脑上的文件，不在 assets/ 里" in result.stderr, result.stderr
    assert "把 校徽.png 复制到 assets/ 里，写成 logo: 校徽.png" in result.stderr
    assert snapshot(mini / "output") == site


def test_a_logo_written_with_windows_backslashes_is_found_in_assets(mini):
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8") + "logo: assets\\logo.png\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert 'src="' in (mini / "output/index.html").read_text(encoding="utf-8")
    assert any(p.name == "logo.png" for p in (mini / "output").rglob("logo.png"))
