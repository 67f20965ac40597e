"""What an article body holds that readers should not see: an attribute list (`{: .right }`) alone in
a paragraph, and the example text a new article is made with. The build, check and the desk's save
name the file and the line; 终审 refuses to publish the example text."""
from __future__ import annotations

import pytest

from helpers import run_build, write
from xiaokan.core.errors import ContentError
from xiaokan.desk.editorial import articles, review
from xiaokan.source.markup import render_markdown

REL = "2024-07/05-body.md"
HEAD = "---\n标题: 落款\n栏目: 新闻政策\n---\n"   # (the body starts at line 5)


def desk_findings(mini, rel: str) -> set[tuple[int, str]]:
    """What the desk shows beside an article it saved (its paths written from the project's folder)."""
    return {(f.line, f.text.replace(f"{mini}/", "")) for f in articles.check_article(mini, rel).findings}


@pytest.mark.parametrize("written", ["{: .right }", "{:.right}", "{.right}", "{: .right #end }"])
def test_an_attribute_list_below_an_empty_line_is_given_to_the_paragraph_above(written):
    body = render_markdown(f"学校召开推进会。\n\n评建办公室\n2024年7月1日\n\n{written}\n\n下一段。\n")
    assert "{" not in body.html
    assert 'class="right"' in body.html and "评建办公室\n2024年7月1日</p>" in body.html
    assert "<p>学校召开推进会。</p>" in body.html and "<p>下一段。</p>" in body.html


def test_in_a_list_item_too_and_code_keeps_it_as_written():
    body = render_markdown("- 第一项\n\n    第一项的第二段\n\n    {: .center }\n\n```\n段落\n\n{: .right }\n```\n\n"
                           "    缩进的代码\n\n    {: .right }\n")
    assert '<p class="center">第一项的第二段</p>' in body.html
    assert body.html.count("{: .right }") == 2   # (the fenced code, the indented code: verbatim)
    assert "{: .center }" not in body.html


def test_a_paragraph_in_braces_is_text():
    assert "<p>{待补充}</p>" in render_markdown("正文。\n\n{待补充}\n").html


def test_an_attribute_list_that_applies_to_nothing_is_not_shown_and_check_build_and_the_desk_say_where(mini):
    write(mini, "content/" + REL, HEAD + "{: .center }\n\n学校召开推进会。\n\n## 会议内容\n\n{: .right }\n\n"
          "评建办公室\n\n{: .right }\n\n```\n{: .right }\n```\n")
    where = "content/2024-07/05-body.md"
    at_start = (f"{where}:5：警告：{{: .center }} 单独成了一段，它在正文的开头：它不起作用，页面上也不显示；"
                "请把它写在要设置的那一段最后一行的紧下面一行，中间不空行（编辑部的按钮就是这样写的），或者删掉它")
    after_heading = f"{where}:11：警告：{{: .right }} 单独成了一段，它跟在标题后面，用不到标题上：它不起作用"
    checked = run_build(mini, "check")
    assert checked.code == 0, checked.stderr
    assert at_start in checked.stderr and after_heading in checked.stderr
    assert f"{where}:15：" not in checked.stderr and f"{where}:18：" not in checked.stderr   # (given; in code)
    built = run_build(mini, "build", "--no-pdf")
    assert built.code == 0 and at_start in built.stderr and after_heading in built.stderr
    page = (mini / "output/2024-07/body/index.html").read_text(encoding="utf-8")
    assert '<p class="right">评建办公室</p>' in page and "{: .center }" not in page
    assert page.count("{: .right }") == 1 and "<code>{: .right }" in page   # (only the code's)
    issue_page = (mini / "output/2024-07/index.html").read_text(encoding="utf-8")
    assert "学校召开推进会" in issue_page and "{:" not in issue_page   # (the summary)
    found = desk_findings(mini, REL)   # (what the desk's save shows)
    assert (5, at_start) in found and any(line == 11 and text.startswith(after_heading) for line, text in found)


def test_the_example_text_of_a_new_article_is_warned_at_its_line_and_终审_refuses_it(mini):
    made = run_build(mini, "new", "--section", "新闻政策", "--issue", "2024-07", "学校召开推进会")
    assert made.code == 0, made.stderr
    [path] = [p for p in (mini / "content/2024-07").glob("*.md") if "推进会" in p.read_text(encoding="utf-8")]
    text = path.read_text(encoding="utf-8")
    line = text.split("\n").index("在这里写正文。段落之间空一行。") + 1
    path.write_text(text + "\n学校召开2024年评建任务推进会。\n", encoding="utf-8")   # (written below it)
    rel = path.relative_to(mini / "content").as_posix()
    message = f"第 {line} 行还是新建文章时的示例文字“在这里写正文…”，请删掉或换成正文"
    shown = f"content/{rel}:{line}：警告：{message}"
    checked = run_build(mini, "check")
    assert checked.code == 0 and shown in checked.stderr, checked.stderr
    assert (line, shown) in desk_findings(mini, rel)
    for step in ("初审", "复审"):
        review.advance(mini, rel, step, "王五", "主编")
    before = path.read_bytes()
    with pytest.raises(ContentError) as refused:
        review.advance(mini, rel, "终审", "王五", "主编")
    assert refused.value.line == line and refused.value.message == message
    assert "终审会把稿子照现在的样子发布" in refused.value.hint
    assert path.read_bytes() == before and [s["step"] for s in review.current(mini, rel).steps] == ["初审", "复审"]
    path.write_text(text.replace("在这里写正文。段落之间空一行。", "学校召开2024年评建任务推进会。"), encoding="utf-8")
    assert "示例文字" not in run_build(mini, "check").stderr
