"""Definition lists (术语 then `:   释义`) as editors write them and as a paste makes them: a glossary
without empty lines is one list; thousands of definitions nested or line after line are built in a
time that grows with their number, or refused at the line with what to do."""
from __future__ import annotations

from helpers import run_build, snapshot, write

BAD = "content/2024-07/05-bad.md"
FRONT = "---\n标题: 名词解释\n栏目: 新闻政策\n---\n"


def page_of(mini) -> str:
    return next(p.read_text(encoding="utf-8") for p in (mini / "output").rglob("index.html") if "名词解释" in p.read_text(encoding="utf-8") and "<dl>" in p.read_text(encoding="utf-8"))


def test_a_glossary_without_empty_lines_is_one_list_of_terms_and_definitions(mini):
    glossary = "\n".join(f"术语{i}\n:   释义{i}" for i in range(3000))
    write(mini, BAD, FRONT + glossary + "\n")
    result = run_build(mini, "build", "--no-pdf")   # (refused as nested 62 levels deep from 31 terms)
    assert result.code == 0, result.stderr
    page = page_of(mini)
    assert page.count("<dl>") == 1 and "<dt>术语0</dt>\n<dd>释义0</dd>\n<dt>术语1</dt>" in page
    assert "<dt>释义0</dt>" not in page and page.count("<dd>") == 3000


def test_a_glossary_in_a_code_block_is_kept_as_written(mini):
    write(mini, BAD, FRONT + "```\n甲\n:   一\n乙\n:   二\n```\n\n术语\n:   释义\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert "甲\n:   一\n乙\n:   二" in page_of(mini)


def test_thousands_of_nested_definitions_are_refused_at_the_line(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    site = snapshot(mini / "output")
    nested = "\n\n".join(f"{'    ' * i}术语{i}\n{'    ' * i}:   释义{i}" for i in range(2000))
    write(mini, BAD, FRONT + nested + "\n")
    result = run_build(mini, "build", "--no-pdf")   # (refused after 44 s, with no line)
    assert result.code == 1
    line = 5 + 3 * 20 + 1   # the definition 21 levels deep
    assert f"05-bad.md:{line}: 这里的列表、引用、加粗斜体或 HTML 一层套一层，套了 21 层" in result.stderr, result.stderr
    assert snapshot(mini / "output") == site


def test_thousands_of_definitions_line_after_line_are_refused_at_the_line_with_the_way_out(mini):
    write(mini, BAD, FRONT + "术语\n" + "\n".join(f":   释义{i}" for i in range(3000)) + "\n")
    result = run_build(mini, "check")   # (2,000 took 11 s, growing with the square)
    assert result.code == 1
    assert "05-bad.md:206: 超过 200 条释义（以 `:` 开头的行）接连写在一起，中间没有空行" in result.stderr, result.stderr
    assert "在释义之间各空一行，或者改写成列表（- …）" in result.stderr
    spaced = "术语\n\n" + "\n\n".join(f":   释义{i}" for i in range(3000))
    write(mini, BAD, FRONT + spaced + "\n")
    assert run_build(mini, "check").code == 0


def test_brackets_left_open_through_a_paragraph_are_refused_at_the_line(mini):
    """(Input pass.) 20 `[` on a line were allowed, on each of 1,000 lines of one paragraph too: Python-Markdown
    looked for each one's `]` through the paragraph (214 s). They count through the paragraph now."""
    write(mini, BAD, FRONT + "\n".join("[" * 20 + f" 第{i}行" for i in range(1000)) + "\n")
    result = run_build(mini, "check")
    assert result.code == 1
    assert "05-bad.md:6: 这里的列表、引用、加粗斜体或 HTML 一层套一层，套了 40 层" in result.stderr, result.stderr
    links = "\n".join(f"[第{i}项](https://example.edu.cn/{i})" + ("" if i % 100 else " [注") for i in range(1000))
    write(mini, BAD, FRONT + links + "\n\n```\n" + "[\n" * 30 + "```\n")
    result = run_build(mini, "build", "--no-pdf")   # (links closed, ten `[` left open, code)
    assert result.code == 0, result.stderr
    assert "https://example.edu.cn/999" in page_of_text(mini, "第999项")


def page_of_text(mini, text: str) -> str:
    return next(p.read_text(encoding="utf-8") for p in (mini / "output").rglob("index.html") if text in p.read_text(encoding="utf-8"))
