"""Saving from the desk changes only what the editor changed: the front matter's other lines keep their
bytes (spacing before a comment, quotes, order, comments, blank lines), and the file keeps its line
ends, BOM and final newline; so the history and the conflict dialog show only the real change."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import write
from xiaokan.desk.editorial import articles, frontmatter, history

VALUES = {"标题": ["研讨会", "学校举行2024年研讨会"], "栏目": ["新闻政策"], "日期": ["", "2024-07-03"],
          "作者": ["", "张三", "张三、李四"], "来源": ["", "校团委"], "摄影": ["", "王五"], "摘要": ["", "一个摘要"],
          "草稿": ["true", "false"], "排序": ["", "3"]}
spaces = st.sampled_from(["", " ", "   ", "               "])


@st.composite
def front_matters(draw) -> str:
    """A front matter as editors and Word imports leave it: any key order, values plain or quoted, comments
    after values (or after nothing) with any spacing, trailing spaces, blank and comment lines between."""
    lines = []
    for key in draw(st.permutations(sorted(VALUES))):
        value = draw(st.sampled_from(VALUES[key]))
        quote = draw(st.sampled_from(["", '"', "'"])) if value and key not in ("草稿", "排序") else ""
        line = f"{key}:{' ' + draw(spaces) if value else draw(spaces)}{quote}{value}{quote}"
        if draw(st.booleans()):
            line += draw(spaces) + " # 空着就用这一期的日期"
        else:
            line += draw(st.sampled_from(["", "  "]))
        lines.append(line)
        lines += draw(st.sampled_from([[], [""], ["# 以下是作者"]]))
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(front=front_matters(), title=st.sampled_from(["新标题", "带: 冒号的标题", "#开头"]))
def test_a_save_rewrites_only_the_lines_the_form_changed(front, title):
    parsed = frontmatter.parse("---\n" + front + "\n---\n正文\n", Path("a.md"))
    assert parsed.fields is not None
    assert frontmatter.compose(front, parsed.fields, "新的正文\n") == "---\n" + front + "\n---\n新的正文\n"
    renamed = frontmatter.compose(front, {**parsed.fields, "title": title}, "正文\n")
    old, new = front.split("\n"), renamed.split("\n")[1:-3]
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert len(changed) == 1 and old[changed[0]].startswith("标题:")
    comment = old[changed[0]].partition(" #")[2]
    assert new[changed[0]].endswith(comment)   # (the comment, with the spaces before it, stays)
    assert frontmatter.parse(renamed, Path("a.md")).fields == {**parsed.fields, "title": title}


WINDOWS = ("\ufeff---\r\n标题: \"研讨会\"   # 导入的标题\r\n栏目: 新闻政策\r\n日期:               # 空着就用这一期的日期\r\n"
           "作者:\r\n\r\n摄影:      # 张三\r\n草稿: true\r\n---\r\n第一段。\r\n\r\n第二段。\r\n")


@pytest.mark.parametrize("change", ["body", "title"])
def test_a_file_from_windows_keeps_its_line_ends_bom_final_newline_and_untouched_lines(mini, change):
    rel = "2024-07/07-windows.md"
    path = write(mini, "content/" + rel, "")
    path.write_bytes(WINDOWS.encode("utf-8"))
    opened = articles.open_article(mini, rel)
    fields = {**opened.fields, "title": "新标题"} if change == "title" else opened.fields
    body = opened.body.rstrip("\n") + ("又一段。" if change == "body" else "")   # (a text box drops the last newline)
    articles.save_article(mini, rel, fields, body, opened.digest, "张三")
    expected = WINDOWS.replace("第二段。", "第二段。又一段。") if change == "body" \
        else WINDOWS.replace('"研讨会"', "新标题")
    assert path.read_bytes() == expected.encode("utf-8")
    old, new = (history.decoded(v) for v in (WINDOWS.encode("utf-8"), path.read_bytes()))
    assert [line for mark, line in history.line_diff(old, new) if mark in "+-"] == \
        (["第二段。", "第二段。又一段。"] if change == "body" else ['标题: "研讨会"   # 导入的标题', "标题: 新标题   # 导入的标题"])


def test_the_conflict_dialog_marks_only_the_lines_that_really_differ(mini):
    rel = "2024-07/07-windows.md"
    path = write(mini, "content/" + rel, "")
    path.write_bytes(WINDOWS.encode("utf-8"))
    opened = articles.open_article(mini, rel)
    path.write_bytes(WINDOWS.replace("第一段。", "第一段，别人改的。").encode("utf-8"))
    with pytest.raises(articles.Conflict) as raised:
        articles.save_article(mini, rel, opened.fields, opened.body + "我加的。", opened.digest, "张三")
    mine = articles.composed(path, opened.fields, opened.body + "我加的。")
    theirs, ours = history.side_by_side(raised.value.disk_text.replace("\r\n", "\n"), mine)
    assert [line for differs, line in theirs if differs] == ["第一段，别人改的。", ""]
    assert [line for differs, line in ours if differs] == ["第一段。", "我加的。"]
