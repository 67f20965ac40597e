"""The YAML mistakes editors make, as the editor reads them: in Chinese, at the line of the mistake (the
line where a bracket or a quote was opened, not where the parser gave up), with what to write instead."""
from __future__ import annotations

import pytest

from helpers import run_build, snapshot, write

BAD = "content/2024-07/05-bad.md"

# (front matter lines, the line of the mistake, the message, the hint)
MISTAKES = {
    "unclosed bracket": ("标题: 好\n标签: [评建, 简报\n栏目: 新闻政策\n日期: 2024-07-01", 3,
                         "这一行的 [ 没有配对的 ]", "列表写在同一行，最后补上 ]，例如 标签: [评建, 简报]"),
    "unclosed brace": ("标题: 好\n作者: {张三\n栏目: 新闻政策", 3,
                       "这一行的 { 没有配对的 }", "在这一行末尾补上 }"),
    "unclosed double quote": ("标题: \"学校召开推进会\n栏目: 新闻政策\n日期: 2024-07-01", 2,
                              "这一行的值以引号 \" 开头，但引号没有结束", "在值的末尾也加上 \""),
    "unclosed single quote": ("栏目: 新闻政策\n标题: '学校召开推进会\n日期: 2024-07-01", 3,
                              "这一行的值以引号 ' 开头，但引号没有结束", "或者去掉开头的引号"),
    "text after a closing quote": ("标题: \"评建\"工作推进会\n栏目: 新闻政策", 2,
                                   "引号结束后面还有文字", "例如 标题: '\"评建\"工作推进会'"),
    "tab before a key": ("标题: 好\n\t栏目: 新闻政策", 3,
                         "这一行前面有空格或 Tab，被当成了上一项设置的一部分", "设置要顶格写，行首不要有空格或 Tab"),
    "no space after the colon": ("标题: 好\n栏目:新闻政策\n日期: 2024-07-01", 3,
                                 "英文冒号后面少了一个空格", "写成 栏目: 新闻政策"),
    "no space after the colon, alone": ("标题:学校召开推进会", 2,
                                        "英文冒号后面少了一个空格", "写成 标题: 学校召开推进会"),
    "no space after the colon, the next line a setting": ("标题:学校召开推进会\n栏目: 新闻政策", 2,
                                                          "英文冒号后面少了一个空格", "写成 标题: 学校召开推进会"),
    "a key written twice": ("标题: 初稿标题\n栏目: 新闻政策\n标题: 定稿标题", 4,
                            "`标题` 写了两次（第 2 行也有），只能有一个生效", "删掉其中一行"),
    "a key in Chinese and in English": ("标题: 初稿标题\n栏目: 新闻政策\ntitle: 定稿标题", 4,
                                        "`title` 和第 2 行的 `标题` 是同一项设置", "删掉其中一行"),
    "a list item among the keys": ("标题: 好\n- 评建\n栏目: 新闻政策", 3,
                                   "设置中间夹了一行列表项 `- …`", "或者写在同一行：标签: [评建, 简报]"),
    "a colon and a space inside a value": ("标题: 会议: 第一次推进会\n栏目: 新闻政策", 2,
                                           "值里面又有一个冒号加空格", "把这个冒号改成中文冒号“：”"),
    "a value starting with a YAML mark": ("标题: *重要* 通知\n栏目: 新闻政策", 2,
                                          "值不能以 * 开头，除非加上引号", "例如 标题: '*重要* 通知'"),
    "a line of text among the settings": ("标题: 好\n栏目: 新闻政策\n这是正文的第一段", 4,
                                          "这一行不是 `名称: 值` 形式的设置", "要写在第二行 --- 的下面"),
}


@pytest.mark.parametrize("case", list(MISTAKES))
def test_a_yaml_mistake_in_front_matter_is_named_in_chinese_at_its_line(mini, case):
    front, line, message, hint = MISTAKES[case]
    assert run_build(mini, "build", "--no-pdf").code == 0
    before = snapshot(mini / "output")
    write(mini, BAD, f"---\n{front}\n---\n正文。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert f"{BAD}:{line}: {message}" in result.stderr, result.stderr
    assert hint in result.stderr
    for english in ("did not find", "expected", "while parsing", "while scanning", "YAML", "Traceback"):
        assert english not in result.stderr
    assert snapshot(mini / "output") == before


@pytest.mark.parametrize("text,line,message", [
    ("title: 测试简报\nbase_url: https://news.example.edu.cn/kan/\nsections: [{name: 新闻政策, slug: news}\n", 3,
     "这一行的 [ 没有配对的 ]"),
    ("title: 测试简报\nbase_url: https://news.example.edu.cn/kan/\nsections:\n  - name: 新闻政策\n\tslug: news\n", 5,
     "这一行的缩进和上下的设置对不齐"),
    ("title: 测试简报\ntitle: 评建简报\nbase_url: https://news.example.edu.cn/kan/\n", 2,
     "`title` 写了两次（第 1 行也有），只能有一个生效"),
])
def test_a_yaml_mistake_in_site_yaml_is_named_in_chinese_at_its_line(mini, text, line, message):
    write(mini, "site.yaml", text)
    result = run_build(mini, "check")
    assert result.code == 1
    assert f"site.yaml:{line}: {message}" in result.stderr, result.stderr


def test_a_yaml_mistake_in_issue_yaml_is_named_in_chinese_at_its_line(mini):
    issue = mini / "content/2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("编辑: [张三]", "编辑: [张三, 李四"), encoding="utf-8")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "content/2024-07/issue.yaml:5: 这一行的 [ 没有配对的 ]" in result.stderr, result.stderr
