"""刊期设置 in Chromium: the 生成网站 report's imprint warning opens the issue's settings in the form of
新建一期, filled in; 印数 typed there is in issue.yaml, in the form opened again from the board, and the
next 生成网站 no longer warns."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from helpers import running_server

SLOW = 240_000   # ms: a whole build with its PDFs, on a machine that is busy with other tests


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(mini):
    with (mini / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("print:\n  internal_notice: 内部资料\n")
    with running_server(mini) as (base, _process):
        yield base + "/编辑部/", mini


def test_an_editor_fills_in_印数_from_the_warning_and_the_next_build_has_it(desk, page):
    url, root = desk
    page.goto(url)
    report = page.locator("#site-job")
    page.get_by_role("button", name="生成网站").click()
    expect(report).to_contain_text("生成网站：完成", timeout=SLOW)
    warning = report.locator("li", has_text="版记缺少印数")
    expect(warning).to_contain_text("刊期设置")
    warning.get_by_role("button", name="刊期设置").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="刊期设置（2024-07）")).to_be_visible()
    expect(dialog.get_by_label("标题")).to_have_value("2024年第2期")   # (the form of 新建一期, with the values)
    expect(dialog.get_by_label("出版日期")).to_have_value("2024-07-31")
    expect(dialog.get_by_label("编辑", exact=True)).to_have_value("张三")
    dialog.get_by_label("印数").fill("500")
    dialog.get_by_role("button", name="保存").click()
    expect(page.locator("#status")).to_have_text("已保存 2024-07 的刊期设置")
    expect(dialog).to_be_hidden()
    text = (root / "content/2024-07/issue.yaml").read_text(encoding="utf-8")
    assert "印数: 500" in text and "摘要: 测试用的一期。" in text
    expect(report.locator("li", has_text="版记缺少印数")).to_be_visible()   # (the report that sent the editor stays)
    # the board's own button opens it again, with the new value
    page.locator('section.issue[data-issue="2024-07"]').get_by_role("button", name="刊期设置").click()
    expect(dialog.get_by_label("印数")).to_have_value("500")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="生成网站").click()
    expect(report).to_contain_text("生成网站：完成", timeout=SLOW)
    expect(report.locator("li", has_text="版记缺少")).to_have_count(0)


def test_a_value_refused_at_the_foot_of_the_form_is_said_in_view_on_a_phone(desk, phone):
    """印数 is the form's last field: on a phone the reason above the fields was scrolled out of view."""
    url, root = desk
    before = (root / "content/2024-07/issue.yaml").read_bytes()
    phone.goto(url)
    phone.locator('section.issue[data-issue="2024-07"]').get_by_role("button", name="刊期设置").click()
    dialog = phone.get_by_role("dialog")
    dialog.get_by_label("印数").fill("三百")
    dialog.get_by_role("button", name="保存").click()
    expect(dialog.get_by_role("alert")).to_contain_text("印数 必须是整数")
    expect(dialog.get_by_role("alert")).to_be_in_viewport()
    expect(dialog.get_by_label("印数")).to_have_value("三百")
    assert (root / "content/2024-07/issue.yaml").read_bytes() == before
