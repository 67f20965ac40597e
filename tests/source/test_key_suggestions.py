"""A mistyped key of site.yaml, issue.yaml or an article's front matter: the editor is told the key
meant when the spelling is close (titel, 作着, crop-marks) and only then; a key typed in full-width
letters (ｔｉｔｌｅ, an input method left in full-width mode) counts as the key it spells."""
from __future__ import annotations

import pytest

from helpers import run_build, write

LANGUAGE = "en"
BAD = "content/2024-07/05-bad.md"
SITE = "title: 简报\nbase_url: https://x.cn/\nsections:\n  - name: 新闻政策\n    slug: news\n"


@pytest.mark.parametrize("group,key,known", [
    ("print", "margin", "page_size"),            # (was: did you mean `pdf_variant`?)
    ("print", "width", "page_size"),
    ("footer", "address", "contact"),
    ("deploy", "server", "target"),
])
def test_a_key_unlike_every_known_one_lists_the_known_keys_rather_than_guess(mini, group, key, known):
    write(mini, "site.yaml", SITE + f"{group}:\n  {key}: 1\n")
    result = run_build(mini, "check")
    assert result.code == 1
    assert f"site.yaml:7: unknown setting `{key}` in {group}" in result.stderr, result.stderr
    assert "did you mean" not in result.stderr and "known settings: " in result.stderr and known in result.stderr


@pytest.mark.parametrize("group,key,meant", [
    ("print", "crop-marks", "crop_marks"),
    ("print", "pagesize", "page_size"),
    ("print", "Page_Size", "page_size"),
    ("deploy", "targte", "target"),
])
def test_a_close_spelling_of_a_site_yaml_key_is_named(mini, group, key, meant):
    write(mini, "site.yaml", SITE + f"{group}:\n  {key}: A4\n")
    result = run_build(mini, "check")
    assert result.code == 1
    assert f"site.yaml:7: unknown setting `{key}` in {group}" in result.stderr
    assert f"did you mean `{meant}`?" in result.stderr


def test_full_width_keys_of_site_yaml_count_as_the_keys_they_spell(mini):
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    write(mini, "site.yaml", text.replace("title: ", "ｔｉｔｌｅ：").replace("base_url:", "ｂａｓｅ＿ｕｒｌ:")
          + "print:\n  ｐａｇｅ＿ｓｉｚｅ： A5\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert "测试简报" in (mini / "output/index.html").read_text(encoding="utf-8")


def test_a_full_width_front_matter_key_counts_as_the_key_it_spells(mini):
    write(mini, BAD, "---\nｔｉｔｌｅ：全角标题\nｓｅｃｔｉｏｎ: 新闻政策\n---\n正文。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert "unknown front matter key" not in result.stderr
    pages = [p.read_text(encoding="utf-8") for p in (mini / "output").rglob("*.html")]
    assert any("<h1" in page and "全角标题" in page for page in pages)


@pytest.mark.parametrize("key,meant", [("标 题", "标题"), ("Title", "title"), ("作家", "作者"), ("Ｓｕｍｍａｒｙｙ", "summary")])
def test_a_front_matter_key_close_to_a_known_one_is_named(mini, key, meant):
    write(mini, BAD, f"---\n标题: 好\n栏目: 新闻政策\n{key}: 值\n---\n正文。\n")
    result = run_build(mini, "check")
    assert f"{BAD}:4: warning: unknown front matter key `{key}` is ignored; did you mean `{meant}`?" in result.stderr, result.stderr


@pytest.mark.parametrize("key", ["margin", "颜色", "报道"])
def test_a_front_matter_key_unlike_any_known_one_gets_no_guess(mini, key):
    write(mini, BAD, f"---\n标题: 好\n栏目: 新闻政策\n{key}: 值\n---\n正文。\n")
    result = run_build(mini, "check")
    assert f"{BAD}:4: warning: unknown front matter key `{key}` is ignored\n" in result.stderr, result.stderr


def test_full_width_and_mistyped_keys_of_issue_yaml(mini):
    meta = mini / "content/2024-07/issue.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("\n期号: 2", "\nｎｕｍｂｅｒ：2") + "主边: 李四\n", encoding="utf-8")
    result = run_build(mini, "check")
    assert "issue.yaml:7: warning: unknown front matter key `主边` is ignored; did you mean `主编`?" in result.stderr, result.stderr
    assert "ｎｕｍｂｅｒ" not in result.stderr


@pytest.mark.parametrize("written", ["ｔｒｕｅ", "ＹＥＳ", "Ｔｒｕｅ"])
def test_a_yes_typed_in_full_width_letters_is_yes(mini, written):
    """(Input pass.) 草稿: ｔｒｕｅ was refused: must be 是 or 否 (true or false), not 'ｔｒｕｅ'."""
    write(mini, BAD, f"---\n标题: 全角草稿\n栏目: 新闻政策\n草稿: {written}\n---\n正文。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert not any("全角草稿" in p.read_text(encoding="utf-8") for p in (mini / "output").rglob("*.html"))
