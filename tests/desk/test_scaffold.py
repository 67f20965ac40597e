"""`build.py new` and `build.py new-issue`: files an editor can start writing in."""
from __future__ import annotations

import re

from helpers import run_build, snapshot, write

ARTICLE_KEYS = ("标题", "栏目", "日期", "来源", "作者", "摄影", "摘要", "排序", "标签", "草稿")


def test_new_article_has_complete_front_matter_and_builds(mini, capsys):
    result = run_build(mini, "new", "--section", "他山之石", "--issue", "2024-07", "浙江某学院：聚焦“双师型”教师培养")
    assert result.code == 0, result.stderr
    path = mini / "content/2024-07/05-zhe-jiang-mou-xue-yuan-ju-jiao-shuang-shi-xing.md"
    assert result.stderr.strip().endswith(path.name)
    text = path.read_text(encoding="utf-8")
    for line in ("标题: 浙江某学院：聚焦“双师型”教师培养", "栏目: 他山之石", "排序: 3", "草稿: true"):
        assert line in text   # (排序 after 他山之石 of 2024-07: one article and one draft)
    assert run_build(mini, "build", "--no-pdf").code == 0
    index = (mini / "output/2024-07/index.html").read_text(encoding="utf-8")
    assert "浙江某学院：聚焦“双师型”教师培养" not in index   # a new article is a draft, as in Hugo
    path.write_text(text.replace("草稿: true", "草稿: false"), encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "浙江某学院：聚焦“双师型”教师培养" in (mini / "output/2024-07/index.html").read_text(encoding="utf-8")


def test_new_article_lists_every_key_with_a_chinese_comment_and_takes_its_issues_date(mini):
    """The editor sees every key they may fill, explained in Chinese (the import writes the same); no
    date is fixed, so the article follows its issue when the issue's date changes."""
    assert run_build(mini, "new", "--section", "评建动态", "--issue", "2024-07", "评建推进会").code == 0
    path = next((mini / "content/2024-07").glob("05-*.md"))
    front = path.read_text(encoding="utf-8").split("---")[1]
    assert [line.split(":")[0] for line in front.strip().splitlines()] == list(ARTICLE_KEYS)
    for line in front.strip().splitlines():
        comment = line.partition("#")[2]
        assert not re.search(r"[A-Za-z]{3,}", comment.replace("issue.yaml", "").replace("false", "")), line
    assert re.search(r"^日期:\s+# 空着就用本期的日期", front, re.M)
    path.write_text(path.read_text(encoding="utf-8").replace("草稿: true", "草稿: false"), encoding="utf-8")
    issue = mini / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("2024-07-31", "2024-08-03"), encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf").code == 0
    page = mini / "output/2024-07" / path.stem.split("-", 1)[1] / "index.html"
    assert 'datetime="2024-08-03"' in page.read_text(encoding="utf-8")


def test_new_article_with_a_colon_in_the_title_is_quoted(mini):
    assert run_build(mini, "new", "--section", "新闻政策", "--issue", "2024-07", "OBE: 一次培训").code == 0
    new = mini / "content/2024-07/05-obe-yi-ci-pei-xun.md"
    new.write_text(new.read_text(encoding="utf-8").replace("草稿: true", "草稿: false"), encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "<h1>OBE: 一次培训</h1>" in (mini / "output/2024-07/obe-yi-ci-pei-xun/index.html").read_text(encoding="utf-8")


def test_a_title_of_any_characters_reads_back_as_written(mini):
    from xiaokan.desk.scaffold import yaml_text
    from xiaokan.source.frontmatter import ARTICLE_KEYS as KEYS
    from xiaokan.source.yamlfile import parse_yaml, tidy_yaml

    for title in ('"引号" # 井号', "- 列表？", "[方括号]", "null", "a: b", "\u200b零宽\u2028分行\x85", "反斜杠\\n", "tab\there",
                  "'单引号'", "&锚点 *星号 !感叹", "｛全角｝：冒号", "%百分号"):
        front = tidy_yaml(f"标题: {yaml_text(title)}", frozenset(KEYS))
        assert parse_yaml(front, mini / "x.md") == {"标题": title}, title


def test_new_article_refuses_unknown_section_and_issue(mini):
    wrong_section = run_build(mini, "new", "--section", "评建动太", "--issue", "2024-07", "标题")
    assert wrong_section.code == 1 and "did you mean 评建动态?" in wrong_section.stderr
    wrong_issue = run_build(mini, "new", "--section", "评建动态", "--issue", "2099-01", "标题")
    assert wrong_issue.code == 1 and ".venv/bin/python build.py new-issue 2099-01" in wrong_issue.stderr
    for result in (wrong_section, wrong_issue):   # (new never touches output/: saying so only confuses)
        assert "output/" not in result.stderr


def test_an_issue_is_named_by_its_id_never_a_path(mini, tmp_path):
    outside = tmp_path / "elsewhere"
    for argv in (("new", "--section", "评建动态", "--issue", "../../../elsewhere", "标题"),
                 ("new", "--section", "评建动态", "--issue", str(mini / "content/2024-07"), "标题"),
                 ("new-issue", "../elsewhere"), ("new-issue", "2024/09"), ("new-issue", str(outside))):
        result = run_build(mini, *argv)
        assert result.code == 1 and "is not an issue ID" in result.stderr and "Traceback" not in result.stderr, argv
        assert "output/" not in result.stderr
    assert "--issue 2024-07" in run_build(mini, "new", "--section", "评建动态", "--issue", "content/2024-07", "标题").stderr
    assert not outside.exists() and not (mini.parent / "elsewhere").exists()
    assert sorted(p.name for p in (mini / "content").iterdir()) == ["2024-07"]


def test_new_issue_is_numbered_after_the_existing_ones(mini):
    result = run_build(mini, "new-issue", "2024-08")
    assert result.code == 0, result.stderr
    text = (mini / "content/2024-08/issue.yaml").read_text(encoding="utf-8")
    assert "标题: 2024年第3期" in text and "期号: 3" in text and "总期号: 3" in text
    assert "日期: 2024-08-01" in text   # from its ID, not today's date
    assert run_build(mini, "new-issue", "2024-08").code == 1          # exists already
    built = run_build(mini, "build", "--no-pdf")
    assert built.code == 0
    # an issue without articles yet is not the new front page
    assert "content/2024-08/issue.yaml: warning: this issue has no published articles yet" in built.stderr
    assert "2024年第2期" in (mini / "output/index.html").read_text(encoding="utf-8")


def test_new_issue_writes_every_key_an_editor_may_need(mini):
    """Every key in Chinese, the optional 版记 keys as commented lines: taking away the `# ` of a line
    is all it takes to fill one."""
    assert run_build(mini, "new-issue", "2024-08").code == 0
    path = mini / "content/2024-08/issue.yaml"
    text = path.read_text(encoding="utf-8")
    for key in ("标题", "期号", "总期号", "日期", "编辑", "摘要"):
        assert re.search(rf"^{key}:", text, re.M), key
    for key in ("封面", "草稿", "编印单位", "主编", "责任编辑", "印数", "印发日期", "报", "送", "发"):
        assert re.search(rf"^# {key}: ", text, re.M), key
    filled = re.sub(r"^# (编印单位|主编|责任编辑|印数|报|送|发): ", r"\1: ", text, flags=re.M)
    path.write_text(filled, encoding="utf-8")
    (mini / "content/2024-08/01-a.md").write_text("---\n标题: 一篇\n栏目: 评建动态\n---\n正文。\n", encoding="utf-8")
    from xiaokan.source.content import load_site

    issue = next(i for i in load_site(mini).site.issues if i.id == "2024-08")
    assert (issue.imprint.chief_editor, issue.imprint.print_run, issue.imprint.report_to) == ("王五", 300, "市教委")


def test_the_issues_folder_is_its_期文件夹名_and_its_number_in_the_year_its_本年期号(mini, monkeypatch):
    """An editor read 期号 for two things: the folder (2024-08, what --issue takes) and 第N期 (the `期号`
    setting). The messages call the first 期文件夹名, the second 本年期号, and issue.yaml says so at 期号;
    本年期号 is a key as well."""
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    assert run_build(mini, "new-issue", "2024-08").code == 0
    path = mini / "content/2024-08/issue.yaml"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^期号: 3 +# 本年期号：这一期是这一年的第几期（不是月份）$", text, re.M), text
    assert re.search(r"^总期号: 3 +# 总第几期：创刊以来的第几期$", text, re.M), text
    path.write_text(re.sub(r"^期号: 3", "本年期号: 4", text, flags=re.M), encoding="utf-8")
    (mini / "content/2024-08/01-a.md").write_text("---\n标题: 一篇\n栏目: 评建动态\n---\n正文。\n", encoding="utf-8")
    from xiaokan.source.content import load_site

    assert next(i for i in load_site(mini).site.issues if i.id == "2024-08").number == 4
    for argv in (("new", "--section", "评建动态", "--issue", "2024/08", "一篇"), ("new-issue", "2024 08")):
        said = run_build(mini, *argv)
        assert said.code == 1 and "不是期文件夹名：期文件夹名是 content/ 里那一期文件夹的名字" in said.stderr, said.stderr
        assert "期号" not in said.stderr, said.stderr
    assert "--issue 期文件夹名" in run_build(mini, "new", "--help").stderr


def test_a_new_issue_is_numbered_by_its_place_in_date_order(mini):
    """2024-07 is 第2期 (总第2期). An issue after it follows it, one before it precedes it, and an issue
    without articles yet (2024-08) counts as much as a published one."""
    def numbers(issue_id: str) -> tuple[str, str, str]:
        text = (mini / f"content/{issue_id}/issue.yaml").read_text(encoding="utf-8")
        return tuple(re.search(rf"^{key}: (\S+)", text, re.M).group(1) for key in ("标题", "期号", "总期号"))

    for issue_id in ("2024-08", "2024-09", "2024-06"):
        result = run_build(mini, "new-issue", issue_id)
        assert result.code == 0 and "notice" not in result.stderr, result.stderr
    assert numbers("2024-08") == ("2024年第3期", "3", "3")
    assert numbers("2024-09") == ("2024年第4期", "4", "4")   # (2024-08 has no article yet: it was 第3期 again)
    assert numbers("2024-06") == ("2024年第1期", "1", "1")   # (before 2024-07: it was 第5期, after 2024-09)
    assert run_build(mini, "new-issue", "2025-01").code == 0
    assert numbers("2025-01") == ("2025年第1期", "1", "5")
    checked = run_build(mini, "check")
    assert checked.code == 0 and "is also the" not in checked.stderr


def test_an_issue_added_between_numbered_ones_leaves_their_numbers_to_the_editor(mini):
    """The tester's case: 2024-06 is 第1期, 2024-08 第2期; `new-issue 2024-07` gave 第3期, after August."""
    (mini / "content/2024-07").rename(mini / "content/2024-08")
    august = mini / "content/2024-08/issue.yaml"
    august.write_text(august.read_text(encoding="utf-8").replace("2024-07-31", "2024-08-31"), encoding="utf-8")
    write(mini, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n总期号: 1\n日期: 2024-06-30\n")
    others = {p: p.read_bytes() for p in (august, mini / "content/2024-06/issue.yaml")}
    result = run_build(mini, "new-issue", "2024-07")
    assert result.code == 0, result.stderr
    july = mini / "content/2024-07/issue.yaml"
    assert "content/2024-07/issue.yaml: notice: in date order 2024-07 comes before 2024-08, which is 第2期 of 2024: " \
           "so its own 本年期号 (期号) would be 2; new-issue renumbers no issue that exists" in result.stderr, result.stderr
    assert "which is 总第2期: so its own 总期号 would be 2" in result.stderr
    text = july.read_text(encoding="utf-8")
    assert "标题: 2024年第2期" in text and re.search(r"^期号: 2 +# 请核对：.*2024-08", text, re.M)
    assert re.search(r"^总期号: 2 +# 请核对", text, re.M)
    assert {p: p.read_bytes() for p in others} == others   # (an issue that exists is never renumbered)
    checked = run_build(mini, "check")
    assert checked.code == 0, checked.stderr
    assert "content/2024-08/issue.yaml:2: warning: 本年期号 (期号) 2 of 2024 is also that of " in checked.stderr
    assert "content/2024-07/issue.yaml:3: two issues of one year share a number" in checked.stderr
    assert "content/2024-08/issue.yaml:3: warning: 总期号 2 is also the 总期号 of " in checked.stderr
    assert "content/2024-07/issue.yaml:4: give each issue its own" in checked.stderr


def test_a_new_internal_issue_asks_only_for_what_its_imprint_would_lack_at_the_line_to_uncomment(mini):
    """The back cover prints the school for an unwritten 编印单位 and the issue's date for an unwritten
    印发日期: a new issue of a 内部资料 lacks only its 印数, and the warning points at `# 印数: 300`."""
    with (mini / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("print:\n  internal_notice: 内部资料\n")
    assert run_build(mini, "new-issue", "2024-08").code == 0
    write(mini, "content/2024-08/01-a.md", "---\n标题: 一篇\n栏目: 评建动态\n---\n正文。\n")
    lines = (mini / "content/2024-08/issue.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if text.startswith("# 印数:"))
    said = run_build(mini, "check").stderr
    assert f"content/2024-08/issue.yaml:{line}: warning: the issue is printed as 内部资料 but its 版记 lacks 印数: " \
        "a 内部资料 names its 编印单位, 印发日期 and 印数; write them in issue.yaml (where the line starts with #, " \
        "delete the # and the space)" in said, said
    path = mini / "content/2024-08/issue.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("# 印数: 300", "印数: 300"), encoding="utf-8")
    assert "2024-08/issue.yaml" not in run_build(mini, "check").stderr


def test_an_issue_never_takes_a_name_windows_keeps_for_a_device(mini):
    """content/con/ cannot be made on Windows, nor unzipped there: a site copied to an editor's PC would lose it."""
    for name in ("con", "NUL", "com1", "Lpt9"):
        result = run_build(mini, "new-issue", name)
        assert result.code == 1 and f"an issue folder may not be called '{name}': Windows keeps that name" in result.stderr, \
            result.stderr
        assert not (mini / "content" / name).exists()
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    write(mini, "content/aux/issue.yaml", "标题: 设备\n期号: 9\n日期: 2024-09-01\n")   # (made by hand, on Linux)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1 and "content/aux: an issue folder may not be called 'aux'" in result.stderr, result.stderr
    assert snapshot(mini / "output") == before
    assert run_build(mini, "new-issue", "console").code == 0   # (only the device names themselves)


def test_new_issue_refuses_a_name_the_site_uses_and_a_date_that_is_none(mini):
    """What loading the site would refuse later is refused before the folder is made."""
    for name in ("assets", "Search", "tags", "pagefind"):
        result = run_build(mini, "new-issue", name)
        assert result.code == 1 and f"an issue folder may not be called '{name}'" in result.stderr, result.stderr
        assert not (mini / "content" / name).exists()
    for name in ("2031-13", "2024-02-30", "2024-0"):
        result = run_build(mini, "new-issue", name)
        assert result.code == 1 and f"'{name}' reads as a date but is none" in result.stderr, result.stderr
        assert not (mini / "content" / name).exists()
    assert run_build(mini, "new-issue", "2024-09").code == 0
    assert "Traceback" not in run_build(mini, "check").stderr


def test_a_new_article_titled_like_a_windows_device_gets_a_name_windows_can_make(mini):
    """(`new` named it 05-nul.md, published at 2024-07/nul/, a folder Windows cannot make.)"""
    result = run_build(mini, "new", "--section", "新闻政策", "--issue", "2024-07", "NUL")
    assert result.code == 0, result.stderr
    made = sorted((mini / "content/2024-07").glob("*nul*.md"))
    assert [p.name[2:] for p in made] == ["-nul-1.md"]
    assert "地址" not in made[0].read_text(encoding="utf-8")   # (the name and the title give one address)
    from xiaokan.source.content import load_site

    assert [a.url for a in load_site(mini, drafts=True).site.articles if a.source == made[0]] == ["2024-07/nul-1/"]


def test_a_new_article_titled_as_one_of_its_issue_says_so_in_chinese_naming_both_files(mini, monkeypatch):
    """(`new` twice with one title made 06-…-2.md without a word.) The new draft is made all the same (two
    pieces of an issue may share a title), the editor is told which file has the title already: in a
    line (a phone shows the desk's in one or two), and what to do about it after →."""
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    first = run_build(mini, "new", "--section", "评建动态", "--issue", "2024-07", "评建推进会")
    assert first.code == 0 and "提示" not in first.stderr, first.stderr
    made = mini / "content/2024-07/05-ping-jian-tui-jin-hui.md"
    before = made.read_bytes()
    again = run_build(mini, "new", "--section", "新闻政策", "--issue", "2024-07", " 评建推进会 ")
    assert again.code == 0, again.stderr
    assert "content/2024-07/06-ping-jian-tui-jin-hui-2.md：提示：这一期已有同标题的文章 05-ping-jian-tui-jin-hui.md，" \
        "这篇是另一篇草稿\n    → 如果是同一篇文章，请在 05-ping-jian-tui-jin-hui.md 里写（这篇是草稿" in again.stderr, again.stderr
    assert again.stderr.strip().endswith("06-ping-jian-tui-jin-hui-2.md")   # (the path still ends the output)
    assert made.read_bytes() == before
    # the title is what is compared, not the file's name: 02-second.md is titled 第二篇动态
    said = run_build(mini, "new", "--section", "评建动态", "--issue", "2024-07", "第二篇动态").stderr
    assert "提示：这一期已有同标题的文章 02-second.md，这篇是另一篇草稿" in said, said


def test_titles_that_differ_in_full_width_forms_case_or_spacing_are_the_same_title(mini, monkeypatch):
    """ＡＢＣ and ABC, ２０２４ and 2024, （一） and (一), the ideographic space and spaces in a row were
    compared as they were written: `new` of 「ＡＢＣ２０２４　评建（一）」 beside 「abc2024 评建(一)」 said nothing."""
    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    assert run_build(mini, "new", "--section", "评建动态", "--issue", "2024-07", "abc2024 评建(一)").code == 0
    for title in ("ＡＢＣ２０２４　评建（一）", "ABC2024   评建(一)", "Abc２０２４ 评建（一）"):
        said = run_build(mini, "new", "--section", "评建动态", "--issue", "2024-07", title)
        assert said.code == 0 and "提示：这一期已有同标题的文章 05-abc2024-ping-jian-yi.md，这篇是另一篇草稿" in said.stderr, \
            (title, said.stderr)
    other = run_build(mini, "new", "--section", "评建动态", "--issue", "2024-07", "ＡＢＣ２０２５　评建（一）")
    assert other.code == 0 and "提示" not in other.stderr, other.stderr


def test_a_word_file_titled_as_an_article_of_its_issue_is_imported_and_its_report_names_that_article(mini, tmp_path,
                                                                                                    monkeypatch):
    """The import makes its draft under a name of its own (as before) and its report says what `new` says."""
    import worddocs

    monkeypatch.setenv("XIAOKAN_LANG", "zh_CN")
    docx = worddocs.plain_docx(tmp_path / "部门来稿.docx", ["正文一段。"], title="他山之石一篇")
    result = run_build(mini, "import", str(docx), "--issue", "2024-07", "--section", "他山之石")
    assert result.code == 0, result.stderr
    assert "content/2024-07/05-ta-shan-zhi-shi-yi-pian.md（草稿）" in result.stderr
    assert "请检查：这一期已有同标题的文章 04-other.md，这篇是另一篇草稿\n    → 如果是同一篇文章，请在 04-other.md 里写" \
        in result.stderr, result.stderr
    assert (mini / "content/2024-07/04-other.md").read_text(encoding="utf-8").endswith("别处的经验。\n")
