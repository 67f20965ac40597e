"""With trust_html an article's own scripts run in the preview; they must not act as the editor who
opens it (the desk is served from the same address): the preview's pages are in a sandbox of no origin."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from helpers import running_server, write

# What an 编辑's draft tries when the 主编 opens its preview: the desk's token, then a new article as them,
# and the desk's page itself in a frame (to read its token from there).
ATTACK = """<script>
(async function () {
  var said = [];
  try {
    var session = await (await fetch("/编辑部/api/session", {credentials: "include"})).json();
    said.push("token:" + session.token);
    var made = await fetch("/编辑部/api/new-article", {method: "POST", credentials: "include",
      headers: {"Content-Type": "application/json", "X-Desk-Token": session.token},
      body: JSON.stringify({issue: "2024-07", section: "新闻政策", title: "冒名的文章"})});
    said.push("made:" + made.status);
  } catch (e) { said.push("fetch refused"); }
  try {
    await fetch("/编辑部/api/new-article", {method: "POST", credentials: "include",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify({issue: "2024-07", title: "冒名的文章"})});
    said.push("posted");
  } catch (e) { said.push("post refused"); }
  var frame = document.createElement("iframe");
  frame.src = "/编辑部/";
  frame.onload = function () {
    try { said.push("frame:" + frame.contentWindow.document.title); } catch (e) { said.push("frame refused"); }
    document.body.dataset.attack = said.join(" | ");
  };
  document.body.append(frame);
})();
</script>"""


def test_a_drafts_script_in_the_preview_cannot_use_the_desk_and_the_page_still_reloads(mini, page):
    site_yaml = mini / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "trust_html: 是\n", encoding="utf-8")
    draft = write(mini, "content/2024-07/06-script.md",
                  f"---\ntitle: 带脚本的草稿\nsection: 新闻政策\ndraft: true\nslug: script\n---\n正文。\n\n{ATTACK}\n")
    before = sorted(p.name for p in (mini / "content/2024-07").iterdir())
    with running_server(mini) as (base, _):
        page.goto(base + "/编辑部/")   # (the 主编 has the desk open: its session's cookie is in the browser)
        expect(page.locator("#who")).to_contain_text("主编")
        page.goto(base + "/2024-07/script/")
        expect(page.locator("h1")).to_have_text("带脚本的草稿")   # (the preview shows, its script runs)
        page.wait_for_function("document.body.dataset.attack !== undefined")
        said = page.evaluate("document.body.dataset.attack")
        assert "token:" not in said and "made:" not in said and "frame:" not in said, said
        assert sorted(p.name for p in (mini / "content/2024-07").iterdir()) == before   # (no article made as the 主编)
        page.wait_for_function("window.LiveReload !== undefined")
        draft.write_text(draft.read_text(encoding="utf-8").replace("带脚本的草稿", "带脚本的草稿（已修改）"), encoding="utf-8")
        expect(page.locator("h1")).to_have_text("带脚本的草稿（已修改）")   # (live reload still works)
        desk = page.context.new_page()   # (and the desk is still the 主编's; a tab of its own: the preview may reload again)
        desk.goto(base + "/编辑部/#/edit/2024-07/06-script.md")
        expect(desk.locator("#who")).to_contain_text("主编")
        frame = desk.frame_locator("iframe.look-frame")   # (the desk's own look at the draft: sandboxed too)
        expect(frame.locator("h1")).to_have_text("带脚本的草稿（已修改）")
        desk.get_by_label("标题", exact=True).fill("带脚本的草稿（在编辑部改过）")
        desk.get_by_role("button", name="保存", exact=True).click()
        expect(frame.locator("h1")).to_have_text("带脚本的草稿（在编辑部改过）")   # (saved with the token, shown again)
        expect(frame.locator("body")).to_have_attribute("data-attack", re.compile("fetch refused"))
        assert sorted(p.name for p in (mini / "content/2024-07").iterdir()) == before


def test_on_the_network_the_sandboxed_preview_has_its_styles_and_reloads_after_the_login(mini, page):
    """The browser sends a sandboxed page's files without the desk's cookie (its origin is no site): they
    came back 401 and the preview was unstyled."""
    from xiaokan.desk.editorial import accounts

    accounts.add_account(mini, "张三", "主编", "correct horse")
    site_yaml = mini / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "trust_html: 是\n", encoding="utf-8")
    article = mini / "content/2024-07/01-first.md"
    with running_server(mini, host="0.0.0.0") as (base, _):
        page.goto(base + "/2024-07/first/")   # (to the login, and back)
        page.get_by_label("姓名").fill("张三")
        page.get_by_label("密码").fill("correct horse")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("h1")).to_have_text("第一篇新闻")
        page.wait_for_function("window.LiveReload !== undefined")
        ink = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--ink').trim()")
        assert ink == "#1f2328" and page.evaluate("getComputedStyle(document.body).margin") == "0px"   # (site.css came)
        article.write_text(article.read_text(encoding="utf-8").replace("标题: 第一篇新闻", "标题: 第一篇新闻（改）"),
                           encoding="utf-8")
        expect(page.locator("h1")).to_have_text("第一篇新闻（改）")


def test_a_published_pages_script_in_an_attachment_does_not_run_at_the_desks_address(mini, page):
    """A published article (trust_html) names its own attachment, a .pdf holding a script, in a <script> at
    the preview's address; the 主编 opens the built page from the desk (网站 → /编辑部/site/…), whose policy
    lets in scripts of the same address: the preview sent the PDF without nosniff, and it ran in the desk's
    origin, read the token and could act as the 主编."""
    from xiaokan.builder import BuildOptions, build

    site_yaml = mini / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "trust_html: 是\n", encoding="utf-8")
    with running_server(mini) as (base, _):
        article = mini / "content/2024-07/01-first.md"
        article.write_text(article.read_text(encoding="utf-8") + f'\n[附件](data.pdf)\n\n<script src="{base}/2024-07/data.pdf"></script>\n',
                           encoding="utf-8")
        write(mini, "content/2024-07/data.pdf", 'document.documentElement.dataset.ran = "yes";'
              'fetch("/编辑部/api/session").then(function (r) { return r.json(); })'
              '.then(function (s) { document.title = "token:" + s.token; });')
        build(mini, BuildOptions(), lambda *args, **kwargs: None)
        page.goto(base + "/编辑部/")   # (the desk on this computer: its 本机 session)
        with page.expect_response(lambda response: response.url.endswith("/2024-07/data.pdf")) as script:
            page.goto(base + "/编辑部/site/2024-07/first/index.html")
        assert page.evaluate("document.documentElement.dataset.ran") is None   # (a parser-blocking script: run by load)
        expect(page.locator("h1")).to_have_text("第一篇新闻")
        assert "token:" not in page.title()
        assert script.value.headers.get("x-content-type-options") == "nosniff"


def test_the_search_page_of_a_sandboxed_preview_finds_the_articles_and_no_other_site_reads_them(mini, page):
    """The search page of a preview with trust_html is of no origin: the preview refused its index (it
    reads drafts' text, which no other site's sandboxed frame may), and the search said 「没有加载」."""
    from helpers import get

    site_yaml = mini / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "trust_html: 是\n", encoding="utf-8")
    write(mini, "content/2024-07/06-draft.md", "---\ntitle: 还在写的稿子\nsection: 新闻政策\ndraft: true\n---\n鼋头渚的草稿。\n")
    with running_server(mini) as (base, _):
        page.goto(base + "/search/index.html?q=鼋头渚")
        expect(page.locator("#search-status")).to_contain_text("找到 1 篇")
        expect(page.locator("#search-results a.article-link")).to_have_text(["还在写的稿子"])
        for address in ("/search/data/directory.json", "/search/data/directory.json?t=guess"):   # (another site's frame)
            status, text = get(base + address, headers={"Origin": "null"})
            assert status == 403 and "鼋" not in text, address
