"""site.yaml: every setting is checked for its kind at its own line, and all mistakes are listed at once."""
from __future__ import annotations

import pytest

from helpers import FIXTURES, run_build, snapshot, write

LANGUAGE = "en"
SITE = (FIXTURES / "mini" / "site.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("change,line,message", [
    (("title: 测试简报", "title: [评建, 简报]"), 1, "`title` must be a single line of text, not a list"),
    (("school: 测试职业大学", "school:\n  name: 测试职业大学"), 2, "`school` must be a single line of text, not a group"),
    (("description: 用于测试的小站点", "description: [小站点]"), 4, "`description` must be a single line of text, not a list"),
    (("  - name: 评建动态", "  - name: [评建动态]"), 8, "`name` must be a single line of text, not a list"),
    (("    slug: pingjian", "    slug:\n      a: b"), 9, "`slug` must be a single line of text, not a group"),
    (("    slug: pingjian", "    slug: nul"), 9, "section 评建动态: Windows keeps the slug 'nul' for a device"),
    (("", "language: [zh-CN]"), 12, "`language` must be a single line of text, not a list"),
    (("", "per_page: [10]"), 12, "`per_page` must be a whole number above 0, not '[10]'"),
    (("", "print: [A4]"), 12, "`print` must be a group of settings"),
    (("", "print:\n  page_size: [A4]"), 13, "`page_size` must be a single line of text, not a list"),
    (("", "print:\n  internal_notice:\n    a: 内部资料"), 13, "`internal_notice` must be a single line of text, not a group"),
    (("", "print:\n  pages_multiple_of: [4]"), 13, "`pages_multiple_of` must be a whole number above 0"),
    (("", "print:\n  crop_marks: [是]"), 13, "`crop_marks` must be 是 or 否"),
    (("", "footer:\n  icp: [渝ICP备1号]"), 13, "`icp` must be a single line of text, not a list"),
    (("", "footer: 版权所有"), 12, "`footer` must be a group of settings"),
    (("", "logo: [logo.png]"), 12, "`logo` must be a single line of text, not a list"),
])
def test_every_site_yaml_value_of_the_wrong_kind_is_an_error_at_its_line(mini, change, line, message):
    old, new = change
    text = SITE.replace(old, new) if old else SITE + new + "\n"
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    write(mini, "site.yaml", text)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert f"site.yaml:{line}: {message}" in result.stderr, result.stderr
    assert "['" not in result.stderr and "Traceback" not in result.stderr   # (no Python list shown to the editor)
    assert snapshot(mini / "output") == before


def test_a_list_as_title_is_never_published_as_python_text(mini):
    write(mini, "site.yaml", SITE.replace("title: 测试简报", "title: [评建, 简报]"))
    assert run_build(mini, "build", "--no-pdf").code == 1
    assert not (mini / "output").exists()


def test_every_mistake_of_site_yaml_is_listed_at_once(mini):
    write(mini, "site.yaml", SITE.replace("title: 测试简报", "title: [评建, 简报]")
          + "per_page: 0\nprint:\n  bleed: [3mm]\nfooter:\n  copyright:\n    a: b\n")
    result = run_build(mini, "check")
    assert result.code == 1
    for expected in ("site.yaml:1: `title`", "site.yaml:12: `per_page`", "site.yaml:14: `bleed`",
                     "site.yaml:16: `copyright`"):
        assert expected in result.stderr, result.stderr
    assert "4 problem(s)" in result.stderr
