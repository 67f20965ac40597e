"""The search index as a build step: what is indexed, and when it is made again (the browser side is in e2e/)."""
from __future__ import annotations

import json
import re
import shutil

from helpers import run_build, snapshot, write

DATA = "output/search/data"


def directory(site) -> dict:
    return json.loads((site / DATA / "directory.json").read_text(encoding="utf-8"))


def shard(site, issue_id: str) -> dict:
    [entry] = [i for i in directory(site)["issues"] if i["id"] == issue_id]
    return json.loads((site / DATA / entry["file"]).read_text(encoding="utf-8"))


def issues_using(site, character: str) -> list[str]:
    """The issues the directory says use a character (its hex mask over the issues, newest first)."""
    listed = directory(site)
    [mask] = [int(m, 16) for m, chars in listed["characters"].items() if character in chars] or [0]
    return [issue["id"] for bit, issue in enumerate(listed["issues"]) if mask >> bit & 1]


def test_the_articles_are_indexed_with_their_text_and_the_search_page_is_built(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    records = {r["url"]: r for r in shard(mini, "2024-07")["articles"]}
    assert len(records) == 3 and all("draft" not in url for url in records)   # the draft is not published
    first = records["2024-07/first/"]
    assert first["title"] == "第一篇新闻" and first["section"] == "新闻政策" and first["date"] == "2024-07-01"
    assert "这是第一段" in first["text"] and "「新闻政策」" not in first["header"] + first["text"]   # (not the 栏目 mark)
    assert shard(mini, "2024-07")["label"] == "测试简报 2024年第2期"   # (shown under each result)
    search_page = (mini / "output/search/index.html").read_text(encoding="utf-8")
    assert 'id="search-input"' in search_page and '<meta name="robots" content="noindex">' in search_page
    home = (mini / "output/index.html").read_text(encoding="utf-8")
    assert 'action="search/index.html"' in home and 'role="search"' in home
    article = (mini / "output/2024-07/first/index.html").read_text(encoding="utf-8")
    assert '<article class="article" data-search-body>' in article   # only the article, not the navigation
    assert issues_using(mini, "段") == ["2024-07"] and issues_using(mini, "鼋") == []


def test_index_is_kept_when_no_article_changed_and_renewed_when_one_did(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    index = snapshot(mini / DATA)
    write(mini, "assets/site.css", (mini / "assets/site.css").read_text(encoding="utf-8") + "\n/* x */\n")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert snapshot(mini / DATA) == index
    article = mini / "content/2024-07/01-first.md"
    article.write_text(article.read_text(encoding="utf-8").replace("这是第一段", "这是关于双师型教师的第一段"),
                       encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf", "--no-search").code == 0
    assert snapshot(mini / DATA) == index   # --no-search publishes the last index as it was
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert snapshot(mini / DATA) != index and issues_using(mini, "师") == ["2024-07"]
    assert sorted(snapshot(mini / DATA)) != sorted(index)   # (the shard has a new name: a year's cache cannot serve the old one)


def test_no_search_on_a_fresh_site_builds_no_index(mini):
    assert run_build(mini, "build", "--no-pdf", "--no-search").code == 0
    assert not (mini / "output/search/data").exists()
    assert (mini / "output/search/index.html").is_file()


def older_issue(site) -> None:
    write(site, "content/2024-06/issue.yaml", "标题: 2024年第1期\n期号: 1\n日期: 2024-06-30\n")
    write(site, "content/2024-06/01-old.md", "---\n标题: 上一期的旧闻\n栏目: 新闻政策\n---\n去年的产教融合基地在鼋头渚验收。\n")


def test_each_issue_has_its_own_shard_and_an_edit_remakes_only_its_issue(mini):
    older_issue(mini)
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert [i["id"] for i in directory(mini)["issues"]] == ["2024-07", "2024-06"]   # newest first
    assert len(shard(mini, "2024-07")["articles"]) == 3 and len(shard(mini, "2024-06")["articles"]) == 1
    assert issues_using(mini, "鼋") == ["2024-06"] and set(issues_using(mini, "的")) == {"2024-07", "2024-06"}
    old_file = mini / DATA / next(i["file"] for i in directory(mini)["issues"] if i["id"] == "2024-06")
    old_stat = old_file.stat()
    new_file = next(i["file"] for i in directory(mini)["issues"] if i["id"] == "2024-07")
    write(mini, "content/2024-07/01-first.md",
          (mini / "content/2024-07/01-first.md").read_text(encoding="utf-8").replace("这是第一段", "这是改过的第一段"))
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert old_file.stat().st_mtime_ns == old_stat.st_mtime_ns and old_file.stat().st_ino == old_stat.st_ino   # not made again
    assert next(i["file"] for i in directory(mini)["issues"] if i["id"] == "2024-07") != new_file   # the edited one was
    assert sorted(p.name for p in (mini / DATA).iterdir()) == sorted(
        [i["file"] for i in directory(mini)["issues"]] + ["directory.json"])   # (the replaced shard is gone)


def test_a_deleted_issue_leaves_the_index(mini):
    older_issue(mini)
    assert run_build(mini, "build", "--no-pdf").code == 0
    shutil.rmtree(mini / "content/2024-06")
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert [i["id"] for i in directory(mini)["issues"]] == ["2024-07"] and issues_using(mini, "鼋") == []
    assert len(list((mini / DATA).iterdir())) == 2
    assert not [p for p in (mini / ".cache/build/search").iterdir() if p.name.startswith("2024-06")]


def test_files_from_the_cache_are_published_as_links_and_survive_the_cache(mini):
    """The search index (and cards, photo copies, PDFs) are hard links to the cache's files, which are
    only ever replaced: deleting .cache/ or building again leaves the published files intact."""
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert (mini / DATA / "directory.json").samefile(mini / ".cache/build/search/directory.json")
    before = snapshot(mini / "output")
    shutil.rmtree(mini / ".cache")
    assert snapshot(mini / "output") == before
    assert run_build(mini, "build", "--no-pdf").code == 0
    assert snapshot(mini / "output") == before


def test_the_index_holds_the_readers_text_in_lines_without_footnote_numbers_or_markup():
    from xiaokan.source.markup import render_markdown
    from xiaokan.web.search import article_text

    body = render_markdown("## 小标题\n\n完成率77.2%[^1]。写作 `<b>` 与 a &lt; b。\n\n[^1]: 数据来自教务处。\n").html
    page = ('<html><body><nav>导航</nav><article class="article" data-search-body><header>'
            '<p class="section-mark" data-search-ignore>「新闻政策」</p><h1>题目</h1></header>'
            f'<div class="body">{body}</div><script>var secret = 1;</script></article></body></html>')
    header, text = article_text(page)
    assert header == "题目" and "导航" not in text and "secret" not in text
    assert text.split("\n")[0] == "小标题"   # (a line per block: an excerpt never runs across a heading)
    assert "77.2%。" in text and "77.2%1" not in text and "↩" not in text
    assert "写作 <b> 与 a < b。" in text   # (text as the reader reads it, escapes undone: the page shows it as text)
    assert "数据来自教务处。" in text   # (the note itself is text a reader reads: it stays searchable)


def test_full_width_and_capital_letters_are_folded_as_the_search_page_does():
    from xiaokan.web.search import fold

    assert fold("ＯＢＥ理念　２０２４") == "obe理念 2024"


def test_markup_an_editor_may_write_neither_leaks_into_nor_hides_text_from_the_index():
    """Raw HTML (trust_html) and odd titles: a quoted `>`, a comment, nested elements left out, a link
    whose title says data-search-ignore, a script's text holding `</div>`, and a page title that reads
    data-search-body (the index starts at the article element, not at the first mention)."""
    from xiaokan.source.markup import render_markdown
    from xiaokan.web.search import article_text

    body = render_markdown('<span title="x>y">文字</span><!-- 注释 > 内 -->后文\n\n'
                           '<div data-search-ignore><div>内</div>不显示</div>\n\n'
                           '<details><summary>图表</summary><details>内</details>数据表</details>\n\n'
                           '<script>var a = "</div>"; if (a<b) {}</script><template>模板</template>\n\n'
                           '[链接文字](http://a.cn "t data-search-ignore")之后\n', trust_html=True).html
    page = ('<html><head><title>data-search-body</title></head><body><header>网站名</header><nav>导航</nav>'
            '<article class="article" data-search-body><header><h1>题目</h1></header>'
            f'<div class="body">{body}</div></article></body></html>')
    header, text = article_text(page)
    assert header == "题目"
    assert text.split("\n") == ["文字后文", "链接文字之后"], text


def test_the_directory_lists_every_character_the_search_page_can_look_up():
    """For each character a reader can type, the page (assets/search.js: squeezed(), candidates())
    finds an issue whose text holds it: the directory holds the character's folded form as the page
    folds it, or the character itself (a letter the browser's newer Unicode folds and Python's does not)."""
    import subprocess

    from helpers import ROOT
    from xiaokan.web.search import _characters, _shard

    script = (ROOT / "assets/search.js").read_text(encoding="utf-8")
    functions = [re.search(r"var INVISIBLE = .*\n", script).group()] + [
        re.search(rf"function {name}[\s\S]*?\n  }}\n", script).group() for name in ("foldChar", "squeezed")]
    node = subprocess.run(["node", "-e", "".join(functions) + """
        const out = [];
        for (let cp = 0; cp < 0x30000; cp++) {
          if (cp >= 0xd800 && cp <= 0xdfff) { out.push(""); continue; }
          out.push(Array.from(squeezed(String.fromCodePoint(cp)).s).map(c => c.codePointAt(0)).join(" "));
        }
        process.stdout.write(out.join("\\n"));"""], capture_output=True, text=True, check=True)
    characters = list(map(chr, range(0x30000)))
    record = json.dumps({"title": "", "header": "", "text": "".join(c for c in characters if not 0xd800 <= ord(c) <= 0xdfff)})
    listed = set(_characters(_shard("x", "x", [record])))
    missed = [hex(cp) for cp, line in enumerate(node.stdout.split("\n"))
              if line and not ({chr(int(c)) for c in line.split()} <= listed or chr(cp) in listed)]
    assert missed == []
