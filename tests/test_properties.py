"""Property-based: whatever an editor types, the build either works or says clearly what is wrong."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import FIXTURES, copy_site, run_build

KEYS = ["标题", "title", "栏目", "section", "日期", "date", "来源", "作者", "author", "摘要", "排序", "order", "标签", "tags",
        "草稿", "draft", "slug", "副标题", "作着", "titel"]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["新闻政策", "评建动态", "他山之石", "2024-06-16", "2024年6月16日", "2024-02-30", "true", "[a, b]",
                     "{x: 1}", "'quoted'", "\"unclosed", "- item", "ok-slug", "中文slug", ": colon", "# hash", "&anchor",
                     "*alias", "!!binary x", "1e9", "0x1F", "~", "null"]),
    st.integers(min_value=-10**6, max_value=10**6).map(str),
)
FRONT_MATTER = st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=8).map(
    lambda pairs: "\n".join(f"{k}: {v}" for k, v in pairs))
MARKDOWN = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(["# 标题", "| a | b |", "|---|---|", "| 1 | 2 |", "![图](x.png)", "[链接](01-first.md)",
                              "<script>alert(1)</script>", "<div onclick='x'>", "```", "    code", "1. 一", "- 二",
                              "[^1]", "[^1]: 注", "{: .caption }", "\t", "---", "……", "“引号”", "\x00", "\ufeff"]),
             max_size=12).map("\n".join),
)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@SETTINGS
@given(front=FRONT_MATTER, body=MARKDOWN, closed=st.booleans())
def test_any_article_builds_or_fails_with_a_clear_error(tmp_path_factory, front, body, closed):
    site = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("prop"))
    article = site / "content/2024-07/05-prop.md"
    article.write_text("---\n" + front + ("\n---\n" if closed else "\n") + body, encoding="utf-8", errors="surrogatepass")
    result = run_build(site, "build", "--no-pdf")
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    if result.code == 1:
        assert re.search(r"error: .*\S+:\d*", result.stderr), result.stderr
        assert "output/ was left as it was" in result.stderr


@SETTINGS
@given(title=st.text(min_size=1, max_size=60).filter(lambda t: t.strip() and "\x00" not in t))
def test_any_title_is_escaped_in_html_attributes_json_ld_and_feed(tmp_path_factory, title):
    site = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("title"))
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    (site / "content/2024-07/05-t.md").write_text(f'---\n标题: "{quoted}"\n栏目: 新闻政策\nslug: t\n---\n正文\n',
                                                  encoding="utf-8", errors="surrogatepass")
    result = run_build(site, "build", "--no-pdf")
    if result.code != 0:
        assert "Traceback" not in result.stderr and "05-t.md" in result.stderr
        return
    page = (site / "output/2024-07/t/index.html").read_text(encoding="utf-8")
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert ld and "<" not in ld.group(1), "JSON-LD cannot end its script element early"
    # (a line break inside a quoted YAML string folds to a space, so compare with whitespace collapsed)
    assert json.loads(ld.group(1))["headline"].split() == title.split()
    rest = page.replace(ld.group(0), "").replace('<script src="../../assets/site.js" defer></script>', "")
    assert "<script" not in rest, "no script element came from the title (the page's own: JSON-LD, site.js)"
    heading = re.search(r"<h1>(.*?)</h1>", rest, re.S).group(1)
    assert "<" not in heading and ">" not in heading
    assert re.search(r'<meta property="og:title" content="[^"<>]*">', rest)
    ET.parse(site / "output/feed.xml")   # the feed stays well-formed XML


# Plain scalars: letters, digits and the punctuation of numbers and dates (YAML's own indicators, such as
# `#` for a comment or `[` for a list, are syntax, covered by the test above).
PLAIN = st.text(alphabet=st.characters(whitelist_categories=("L", "N")) | st.sampled_from(list(" .-_+:年月")),
                max_size=12).filter(lambda t: ": " not in t and not t.endswith(":"))


@SETTINGS
@given(value=st.one_of(PLAIN, st.sampled_from(["0612", "6.10", "1e3", "0x1F", "yes", "No", "on", "~",
                                                              "2024", "-0", ".5", "+1", "1_000", "0o17", "是"])))
def test_a_plain_yaml_scalar_is_published_as_written(tmp_path_factory, value):
    """A title is text: YAML's numbers, booleans and octals never change what the editor typed."""
    site = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("scalar"))
    (site / "content/2024-07/05-t.md").write_text(f"---\n标题: {value}\n栏目: 新闻政策\nslug: t\n---\n正文\n",
                                                  encoding="utf-8", errors="surrogatepass")
    result = run_build(site, "build", "--no-pdf")
    assert "Traceback" not in result.stderr
    if result.code != 0:
        assert "05-t.md" in result.stderr
        return
    page = (site / "output/2024-07/t/index.html").read_text(encoding="utf-8")
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    import html
    assert html.unescape(heading) == value.strip()


@SETTINGS
@given(name=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\\\x00"),
                    min_size=1, max_size=20).filter(lambda n: n not in (".", "..")))
def test_any_file_name_beside_an_article_is_private_or_published_safely(tmp_path_factory, name):
    """Whatever a file is called, it is published only when an article uses it, and never breaks the build."""
    site = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("name"))
    try:
        (site / "content/2024-07" / name).write_bytes(b"secret")
    except OSError:
        return   # a name the file system refuses
    result = run_build(site, "build", "--no-pdf")
    assert "Traceback" not in result.stderr
    if result.code == 0:
        published = [p for p in (site / "output").rglob("*") if p.is_file() and p.read_bytes() == b"secret"]
        assert published == []


@SETTINGS
@given(data=st.binary(max_size=400) | st.lists(st.sampled_from(
    ["名称,数量", "甲,1", '"乙,2', '丙,"3"', "丁", "\ufeff", "a,b,c", '"', "\r", "x" * 50]), max_size=8).map(
    lambda rows: "\n".join(rows).encode("utf-8")))
def test_any_csv_bytes_make_a_table_or_an_error_naming_the_article(tmp_path_factory, data):
    site = copy_site(FIXTURES / "mini", tmp_path_factory.mktemp("csv"))
    (site / "content/2024-07/t.csv").write_bytes(data)
    (site / "content/2024-07/05-t.md").write_text('---\n标题: 表\n栏目: 新闻政策\nslug: t\n---\n{{< 表格 文件="t.csv" >}}\n',
                                                  encoding="utf-8")
    result = run_build(site, "build", "--no-pdf")
    assert result.code in (0, 1) and "Traceback" not in result.stderr
    if result.code == 1:
        assert "05-t.md:6" in result.stderr
    else:
        assert "\ufffd" not in (site / "output/2024-07/t/index.html").read_text(encoding="utf-8")


INLINE_PIECES = ["中文", "English", " ", "  \n", "\n", "\n\n", "*", "**", "_", "`", "\\", "[", "]", "(", ")", "!", "<", ">",
                 "&", "&amp;", "&#x4e2d;", "<b>", "</b>", "<https://example.org>", "<a@b.cn>", "[^1]", "[^1]: 注", "# ",
                 "- ", "1. ", "> ", "| a | b |\n|---|---|\n| 1 | 2 |", "{: .x }", "：", "“", "”", "……", "\t"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(INLINE_PIECES), max_size=25).map("".join))
def test_texts_no_inline_pattern_can_change_are_skipped_without_changing_the_html(text):
    """markup._PlainText lets Python-Markdown skip texts with no inline mark: the HTML must be what
    running every inline pattern gives."""
    from unittest import mock

    from xiaokan.source import markup

    quick = markup.render_markdown(text).html
    with mock.patch.object(markup._PlainText, "run", lambda self, root: None):
        assert markup.render_markdown(text).html == quick
