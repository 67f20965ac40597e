"""Markdown -> HTML: what editors type and what readers get."""
from __future__ import annotations

from xiaokan.core.urls import rebase
from xiaokan.source.markup import render_markdown


def test_table_header_stays_a_header():
    html = render_markdown("| 序号 | 名称 |\n| --- | --- |\n| 1 | 甲学校 |\n").html
    assert "<thead>" in html and "<th>序号</th>" in html and "<td>甲学校</td>" in html


def test_wrapped_chinese_lines_join_without_a_space_but_english_keeps_one():
    html = render_markdown("职业教育\n加快发展。\nOBE\nconcept").html
    assert "职业教育加快发展。" in html
    assert "OBE\nconcept" in html or "OBE concept" in html


def test_lone_image_becomes_figure_with_caption_and_credit():
    body = render_markdown('![学生在实训室](lab.jpg "学校供图")')
    assert '<figure><img alt="学生在实训室" decoding="async" loading="lazy" src="lab.jpg">' in body.html
    assert '<figcaption>学生在实训室<span class="credit">学校供图</span></figcaption>' in body.html
    assert body.images == ("lab.jpg",)


def test_footnotes_definition_lists_and_attribute_lists():
    html = render_markdown("正文[^1]\n\n[^1]: 注释。\n\n术语\n:   解释\n\n图注\n{: .caption }\n").html
    assert 'class="footnote"' in html and "注释。" in html
    assert "<dt>术语</dt>" in html and "<dd>解释</dd>" in html
    assert '<p class="caption">图注</p>' in html


def test_raw_script_is_removed_unless_html_is_trusted():
    text = '正文<script>alert(1)</script><a href="javascript:alert(2)" onclick="x()">链接</a>'
    safe = render_markdown(text).html
    assert "<script" not in safe and "javascript:" not in safe and "onclick" not in safe
    assert "链接" in safe
    assert "<script>alert(1)</script>" in render_markdown(text, trust_html=True).html


def test_link_to_another_article_file_goes_to_its_page():
    body = render_markdown("见[上一篇](01-first.md#part)和[文件](plan.pdf)。",
                           resolve_link=lambda href: "2024-07/first/")
    assert 'href="@root/2024-07/first/index.html#part"' in body.html
    assert rebase(body.html, "../../").count('href="../../2024-07/first/index.html#part"') == 1
    assert [r.written for r in body.references] == ["plan.pdf"]


def test_ordered_list_keeps_its_start_number():
    assert '<ol start="3">' in render_markdown("3. 第三条\n4. 第四条\n").html


def test_a_topic_tag_opening_a_paragraph_is_not_a_heading_but_a_spaced_hash_is():
    for text in ("#评建进行时# 学校召开推进会。", "#话题#", "#1号教学楼 启用", "#评建进行时#\n学校召开推进会。"):
        html = render_markdown(text).html
        assert "<h" not in html and html.startswith("<p>#"), (text, html)
    assert render_markdown("# 标题").html == "<h1>标题</h1>"
    assert render_markdown("## 小标题 ##").html == "<h2>小标题</h2>"
    assert render_markdown("第一段\n### 一、工作目标").html.endswith("<h3>一、工作目标</h3>")


def test_a_year_opening_a_paragraph_is_not_a_list_but_item_numbers_are():
    for year in ("2024. 年度总结", "1949. 新中国成立", "12345. 编号"):
        html = render_markdown(year).html
        assert html == f"<p>{year}</p>", html
    assert '<ol start="12">' in render_markdown("12. 第十二条\n13. 第十三条").html
    assert "<li>一\n2024. 年度</li>" in render_markdown("1. 一\n2024. 年度\n2. 二").html   # (a line of item 1)


def test_a_fenced_block_is_code_as_written_and_a_shortcode_in_it_is_shown_not_made():
    """``` and ~~~ fences (as Hugo and MkDocs read them): the lines inside keep their spaces and line
    breaks and are escaped; a shortcode written there is the text of an example, not a table."""
    html = render_markdown("说明如下：\n\n```\ndef f(x):\n    return x < 1\n{{< 表格 文件=\"a.csv\" >}}\n```\n\n"
                           "~~~text\n第一行\n  第二行\n~~~\n\n后面一段。\n").html
    assert '<pre><code>def f(x):\n    return x &lt; 1\n{{&lt; 表格 文件="a.csv" &gt;}}\n</code></pre>' in html
    assert '<pre><code class="language-text">第一行\n  第二行\n</code></pre>' in html
    assert "<p>后面一段。</p>" in html and "table" not in html
