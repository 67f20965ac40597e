"""移到另一期, 删除 and 恢复 in the browser: the dialogs name the article, the board and the preview follow,
and the article's picture goes and comes back with it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from helpers import axe_problems, page_containing, running_server, wait_for, write
from xiaokan.desk.editorial import board

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def page(browser):
    """(The desk's Content-Security-Policy allows no inline script: axe-core is injected past it.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_an_article_is_moved_to_another_issue_deleted_and_restored(mini, page):
    board.create_issue(mini, "2024-08", {"title": "第八期"}, "张三")
    write(mini, "content/2024-07/03-draft.md", "---\ntitle: 草稿不应出现\nsection: 他山之石\ndraft: true\nslug: draft\n---\n"
          "秘密的草稿正文。\n\n![校园](draft-1.png)\n")
    (mini / "content/2024-07/draft-1.png").write_bytes(PNG)
    with running_server(mini) as (base, _process):
        page.goto(base + "/编辑部/#/edit/2024-07/03-draft.md")
        page.get_by_role("button", name="移到另一期").click()
        dialog = page.locator("dialog")
        expect(dialog).to_contain_text("把《草稿不应出现》连同它的图片移到")
        dialog.get_by_label("期").select_option("2024-08")
        dialog.get_by_role("button", name="移过去").click()
        expect(page.locator("#status")).to_contain_text("已把《草稿不应出现》移到 第八期（2024-08），文件是 2024-08/01-draft.md")
        expect(page.locator(".where")).to_contain_text("2024-08/01-draft.md")
        assert (mini / "content/2024-08/draft-1.png").read_bytes() == PNG
        assert not (mini / "content/2024-07/03-draft.md").exists()
        wait_for(lambda: page_containing(base + "/2024-08/draft/", "秘密的草稿正文"))   # (the preview rebuilt)

        page.get_by_role("button", name="删除", exact=True).click()
        expect(dialog).to_contain_text("确定删除《草稿不应出现》吗")
        dialog.get_by_role("button", name="删除《草稿不应出现》").click()
        expect(page.get_by_role("heading", name="稿件看板")).to_be_visible()
        expect(page.locator("#status")).to_contain_text("已删除《草稿不应出现》")
        expect(page.locator("#main")).not_to_contain_text("草稿不应出现")
        assert not (mini / "content/2024-08/01-draft.md").exists() and not (mini / "content/2024-08/draft-1.png").exists()

        page.get_by_role("button", name="已删除的文章").click()
        expect(dialog).to_contain_text("《草稿不应出现》　2024-08/01-draft.md")
        bad, passed = axe_problems(page)
        assert not bad and passed > 10, bad
        dialog.get_by_role("button", name="恢复《草稿不应出现》").click()
        expect(page.locator("#status")).to_contain_text("已恢复《草稿不应出现》（连同它的图片）")
        expect(page.get_by_label("正文")).to_have_value("秘密的草稿正文。\n\n![校园](draft-1.png)\n")
        assert (mini / "content/2024-08/draft-1.png").read_bytes() == PNG
        page.goto(base + "/编辑部/#/")
        expect(page.locator("section.issue[data-issue='2024-08']")).to_contain_text("草稿不应出现")
