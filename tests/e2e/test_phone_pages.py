"""Pages a reviewer opens on a phone from a chat app: the 修改对照 of a proof, and the board's links to it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from helpers import running_server, write
from xiaokan.desk.proofchanges import document

FITS = "document.documentElement.scrollWidth <= innerWidth"


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, device_scale_factor=2)
    yield context.new_page()
    context.close()


def test_the_change_page_is_laid_out_for_the_phone_it_is_read_on(phone):
    """(It had no viewport: a phone laid it out 980 px wide, in letters too small to read.)"""
    long_line = "评建工作推进会要求各部门对照指标逐项整改" * 8 + " https://news.example.edu.cn/" + "a" * 120
    phone.set_content(document("修改对照：第2次校样", f"<h1>修改对照</h1><section><h2>修改：标题</h2>"
                                                      f"<p><del>旧的字</del><ins>{long_line}</ins></p></section>"))
    assert phone.evaluate("innerWidth") == 375
    assert phone.evaluate(FITS)   # (a long address wraps too)
    assert phone.evaluate("getComputedStyle(document.querySelector('p')).fontSize") == "16px"


def test_the_boards_links_to_the_last_proof_stay_whole_on_a_phone(mini, phone):
    """(修改对照 broke after its first character: 修 / 改对照.)"""
    (mini / "print").mkdir()
    (mini / "print/xiaokan-2024-07-proof-1.pdf").write_bytes(b"%PDF-1.7\n")
    write(mini, "print/xiaokan-2024-07-proof-1-changes.html", document("修改对照", "<p>没有改动。</p>"))
    with running_server(mini) as (base, _process):
        phone.goto(base + "/编辑部/")
        panel = phone.locator('section.issue[data-issue="2024-07"] .job')
        expect(panel).to_contain_text("最近一次校样（第1次）")
        for name in ("校样 PDF", "修改对照"):
            assert panel.get_by_role("link", name=name).evaluate("a => a.getClientRects().length") == 1, name
        assert phone.evaluate(FITS)
