"""编辑部 in Chromium, without a terminal: from a new issue and an uploaded Word file to the built site,
a conflict with a file changed on disk, a restore from history, the login, and axe-core on every view.
Screenshots go to /tmp/desk-shots/."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import time
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

import worddocs
from helpers import axe_problems, get, running_server, snapshot, wait_for, write
from xiaokan.desk.editorial import accounts, review

SHOTS = Path("/tmp/desk-shots")
SLOW = 240_000   # ms: a proof or a whole build with its PDFs, on a machine that is busy with other tests


@pytest.fixture
def page(browser):
    """(The desk's Content-Security-Policy allows no inline script: axe-core is injected past it.)"""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser):
    """The desk on a phone's screen (375 × 667)."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, bypass_csp=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def desk(mini):
    with running_server(mini) as (base, _process):
        yield base + "/编辑部/", mini


def photo_file(folder: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1000), (40, 120, 90)).save(out, "JPEG")
    path = folder / "IMG_20240703_101112.jpg"
    path.write_bytes(out.getvalue())
    return path


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


STRAY_TEXT = """() => { const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); const found = [];
  while (walker.nextNode()) { const t = walker.currentNode.textContent.trim();
    if (["null", "undefined", "NaN", "[object Object]"].includes(t)) found.push(t); }
  return found; }"""


def clean(page) -> None:
    assert page.evaluate(STRAY_TEXT) == [], "a left-out part of the page shows as text"
    bad, passed = axe_problems(page)
    assert not bad, bad
    assert passed > 10


def test_a_failed_answer_of_the_preview_does_not_stop_the_save_from_saying_the_preview_is_updated(desk, page):
    """Seen by a new editor: one /__xiaokan__/state request that failed left 已保存 for good, never 预览已更新."""
    url, root = desk
    failures = []

    def fail_some(route):
        if route.request.frame == page.main_frame and failures:   # (the editor's own requests, not the preview's)
            failures.pop()
            route.abort()
        else:
            route.continue_()

    page.route("**/__xiaokan__/state", fail_some)
    page.goto(url + "#/edit/2024-07/02-second.md")
    body = page.get_by_label("正文")
    expect(body).to_have_value(re.compile("评建工作的正文"))
    failures.extend(["before the save", "while waiting for the build"])
    body.fill(body.input_value() + "\n又一段。\n")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".saved")).to_contain_text("预览已更新")
    assert not failures   # (both failed answers were met)
    assert "又一段。" in (root / "content/2024-07/02-second.md").read_text(encoding="utf-8")
    page.get_by_role("button", name="保存", exact=True).click()   # (again, nothing new: as after 图片, which saves)
    expect(page.locator(".saved")).to_contain_text("没有新的改动，预览已是最新")


def test_from_a_word_file_to_the_built_site_without_a_terminal(desk, page, tmp_path):
    url, root = desk
    page.goto(url)
    # 新建一期
    page.get_by_role("button", name="新建一期").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("期文件夹名").fill("2024-08")
    dialog.get_by_label("出版日期").fill("2024-08-30")
    dialog.get_by_label("标题").fill("2024年第3期")
    dialog.get_by_role("button", name="建立这一期").click()
    issue = page.locator('section.issue[data-issue="2024-08"]')
    expect(issue.get_by_role("heading", name=re.compile("2024年第3期"))).to_be_visible()
    assert "日期: 2024-08-30" in (root / "content/2024-08/issue.yaml").read_text(encoding="utf-8")
    # 导入Word稿, by upload
    issue.get_by_role("button", name="导入Word稿").click()
    dialog.get_by_label("Word 稿（.docx，可多选）").set_input_files(str(worddocs.word_docx(tmp_path / "推进会.docx")))
    dialog.get_by_label("栏目").select_option("评建动态")
    dialog.get_by_role("button", name="导入", exact=True).click()
    report = page.locator('section.issue[data-issue="2024-08"] .job')
    expect(report.get_by_role("link", name="学校召开评建工作推进会")).to_be_visible(timeout=SLOW)
    expect(report.locator(".import li").first).to_be_visible()   # (the report's notes, each a link into the article)
    report.get_by_role("link", name="学校召开评建工作推进会").click()
    # the editor: title and body, then the preview as readers see it
    title = page.get_by_label("标题", exact=True)
    expect(title).to_have_value("学校召开评建工作推进会")
    frame = page.frame_locator("iframe.look-frame")
    expect(frame.locator("h1")).to_contain_text("学校召开评建工作推进会")
    title.fill("学校召开评建工作推进会（修订稿）")
    body = page.get_by_label("正文")
    body.fill(body.input_value() + "\n\n编辑部补充的一段话。\n")
    started = time.perf_counter()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(frame.locator("h1")).to_contain_text("（修订稿）", timeout=30_000)
    expect(frame.locator("main")).to_contain_text("编辑部补充的一段话")
    expect(page.locator(".saved")).to_contain_text("预览已更新")
    print(f"\nsave to preview: {(time.perf_counter() - started) * 1000:.0f} ms ({page.locator('.saved').inner_text()})")
    # a photo: saved beside the article under a readable name, inserted as a figure, checked at once
    page.get_by_role("button", name="图片", exact=True).click()
    dialog.get_by_label("照片").set_input_files(str(photo_file(tmp_path)))
    dialog.get_by_label("图片说明").fill("推进会会场全景")
    dialog.get_by_label("摄影或供图").fill("张三 摄")
    dialog.get_by_role("button", name="插入").click()
    expect(body).to_have_value(re.compile(r"!\[推进会会场全景\]\([\w-]+-\d+\.jpg \"张三 摄\"\)"))
    expect(page.locator(".saved")).to_contain_text("已保存")
    expect(frame.locator('img[alt="推进会会场全景"]')).to_be_visible(timeout=30_000)
    article = next((root / "content/2024-08").glob("*.md"))
    assert "草稿: true" in article.read_text(encoding="utf-8")
    # 三审: 初审, 复审, 终审, recorded with who and when; 终审 publishes
    for step in ("初审", "复审", "终审"):
        page.get_by_role("button", name=step, exact=True).click()
        expect(page.locator(".review")).to_contain_text(f"{step} 本机")
    expect(page.get_by_label("草稿")).not_to_be_checked()
    assert "草稿: false" in article.read_text(encoding="utf-8")
    # reorder two articles of a 栏目 with the keyboard's buttons, and move one to another 栏目 by dragging
    page.get_by_role("link", name="← 稿件看板").click()
    other = page.locator('ol[data-issue="2024-07"][data-section="他山之石"]')
    expect(other.locator(".title")).to_have_text(["草稿不应出现", "他山之石一篇"])
    page.get_by_role("button", name="下移：草稿不应出现").click()
    expect(other.locator(".title")).to_have_text(["他山之石一篇", "草稿不应出现"])
    expect(page.get_by_role("button", name="下移：草稿不应出现")).to_be_focused()
    wait_for(lambda: "排序: 1" in (root / "content/2024-07/04-other.md").read_text(encoding="utf-8"))
    page.locator('li[data-path="2024-07/01-first.md"]').drag_to(page.locator('ol[data-issue="2024-07"][data-section="评建动态"]'))
    expect(page.locator('ol[data-issue="2024-07"][data-section="评建动态"] .title')).to_contain_text(["第一篇新闻"])
    wait_for(lambda: "栏目: 评建动态" in (root / "content/2024-07/01-first.md").read_text(encoding="utf-8"))
    # 出校样
    issue.get_by_role("button", name="出校样").click()
    expect(issue.get_by_role("link", name="校样 PDF")).to_be_visible(timeout=SLOW)
    expect(issue.get_by_role("link", name="修改对照")).to_be_visible()
    assert list((root / "print").glob("xiaokan-2024-08-proof-1.pdf"))
    # 生成网站, then the article on the built site
    page.get_by_role("button", name="生成网站").click()
    expect(page.locator("#site-job")).to_contain_text("生成网站：完成", timeout=SLOW)
    expect(page.locator("#site-job").get_by_role("link", name="PDF").first).to_be_visible()
    row = page.locator("li.article", has_text="学校召开评建工作推进会（修订稿）")
    expect(row.locator(".badge.built")).to_have_text("已生成")   # (the board shows what the build did, no reload)
    page.locator("#site-job").get_by_role("link", name="网站").first.click()
    page.wait_for_load_state()
    expect(page.locator("body")).to_contain_text("学校召开评建工作推进会（修订稿）")
    # the proof's links are still on the board when it is opened again
    page.goto(url)
    expect(issue.get_by_role("link", name="校样 PDF")).to_have_attribute("href", "print/xiaokan-2024-08-proof-1.pdf")
    expect(issue.get_by_role("link", name="修改对照")).to_be_visible()


def test_a_file_changed_on_disk_is_never_overwritten_silently(desk, page):
    url, root = desk
    path = root / "content/2024-07/02-second.md"
    path.write_text(path.read_text(encoding="utf-8") + "".join(f"\n第{n}段，两边一样。\n" for n in range(40)), encoding="utf-8")
    page.goto(url + "#/edit/2024-07/02-second.md")
    body = page.get_by_label("正文")
    expect(body).to_have_value(re.compile("第39段"))
    path.write_text(path.read_text(encoding="utf-8") + "\n另一位编辑在记事本里加的一段。\n", encoding="utf-8")
    body.fill(body.input_value() + "\n我在编辑部里写的正文。\n")
    page.get_by_role("button", name="保存", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="文件已被别人修改")).to_be_visible()
    expect(dialog.get_by_label("磁盘上的版本")).to_contain_text("另一位编辑在记事本里加的一段")
    expect(dialog.get_by_label("我的版本")).to_contain_text("我在编辑部里写的正文")
    assert "另一位编辑在记事本里加的一段" in path.read_text(encoding="utf-8")
    for side in ("我的版本", "磁盘上的版本"):   # (each opens at its first line that differs, below the same settings)
        page.wait_for_function("""label => { const pane = document.querySelector(`pre[aria-label="${label}"]`);
            const first = pane.querySelector('.changed'), box = pane.getBoundingClientRect(), line = first.getBoundingClientRect();
            return pane.scrollTop > 0 && line.top >= box.top && line.top < box.bottom; }""", arg=side)
    dialog.get_by_role("button", name="用我的版本保存").click()
    expect(page.locator(".saved")).to_contain_text("已保存")
    assert path.read_text(encoding="utf-8").endswith("我在编辑部里写的正文。\n")
    page.get_by_role("link", name="历史版本").click()
    expect(page.locator(".versions")).to_contain_text("在编辑部以外被修改")   # (the other editor's text is kept)


def test_history_restores_an_earlier_version(desk, page):
    url, root = desk
    page.goto(url + "#/edit/2024-07/04-other.md")
    body = page.get_by_label("正文")
    for text in ("第一版正文。\n", "第二版正文。\n"):
        expect(body).to_be_editable()
        body.fill(text)
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator(".saved")).to_contain_text("已保存")
    page.get_by_role("link", name="历史版本").click()
    versions = page.locator(".versions li")
    expect(versions).to_have_count(3)   # (the two saves, and the text as it was before them)
    versions.nth(1).get_by_role("button", name="查看差异").click()
    expect(page.locator(".diff .add")).to_contain_text(["第一版正文。"])
    shot(page, "history")
    clean(page)
    versions.nth(1).get_by_role("button", name="恢复").click()
    expect(page.get_by_label("正文")).to_have_value("第一版正文。\n")
    assert (root / "content/2024-07/04-other.md").read_text(encoding="utf-8").endswith("第一版正文。\n")


def test_a_versions_difference_is_brought_into_view_on_a_phone(desk, phone):
    url, _root = desk
    page = phone
    page.goto(url + "#/edit/2024-07/04-other.md")
    body = page.get_by_label("正文")
    for n in range(1, 7):
        expect(body).to_be_editable()
        body.fill(f"第{n}版正文。\n")
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator(".saved")).to_contain_text("已保存")
    page.get_by_role("link", name="历史版本").click()
    page.locator(".versions li").nth(1).get_by_role("button", name="查看差异").click()
    expect(page.get_by_role("heading", name="现在的文本 → 这个版本")).to_be_in_viewport()


def test_the_views_at_desktop_and_phone_width_are_keyboard_usable_and_axe_clean(desk, browser):
    url, _root = desk
    for width, height in ((1280, 900), (375, 740)):
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        page = context.new_page()
        page.goto(url)
        expect(page.get_by_role("button", name="新建文章")).to_be_visible()
        shot(page, f"board-{width}")
        clean(page)
        page.goto(url + "#/edit/2024-07/01-first.md")
        expect(page.get_by_label("标题", exact=True)).to_have_value("第一篇新闻")
        expect(page.locator(".findings")).to_contain_text("检查通过")
        page.get_by_label("正文").focus()
        page.keyboard.press("Control+s")
        expect(page.locator(".saved")).to_contain_text("已保存")
        shot(page, f"editor-{width}")
        clean(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width   # (nothing wider than the phone)
        context.close()


def test_an_office_desk_asks_for_a_login(mini, page):
    accounts.add_account(mini, "张三", "审核", "correct horse")
    with running_server(mini) as (base, _process):
        page.goto(base + "/编辑部/")
        expect(page.get_by_role("heading", name="登录编辑部")).to_be_visible()
        shot(page, "login")
        clean(page)
        page.get_by_label("姓名").fill("张三")
        page.get_by_label("密码").fill("wrong password")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("alert")).to_contain_text("姓名或密码不对")
        page.get_by_label("密码").fill("correct horse")
        page.get_by_role("button", name="登录").click()
        expect(page.locator("#who")).to_have_text("张三（审核）")
        expect(page.get_by_role("button", name="发布")).to_have_count(0)   # (a 审核 does not publish)


def login(page, base: str, name: str, password: str = "correct horse") -> None:
    page.goto(base + "/编辑部/")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#who")).to_contain_text(name)


def test_an_editor_sees_why_a_step_or_草稿_is_not_theirs_and_the_board_tells_the_truth(mini, page):
    accounts.add_account(mini, "张三", "编辑", "correct horse")
    with running_server(mini) as (base, _process):
        login(page, base, "张三")
        first = page.locator('li[data-path="2024-07/01-first.md"]')
        expect(first.locator(".badge").first).to_have_text("未经三审")   # (草稿: false, no 终审 on record)
        page.goto(base + "/编辑部/#/edit/2024-07/03-draft.md")
        second = page.get_by_role("button", name="复审", exact=True)
        expect(second).to_be_disabled()
        expect(second).to_have_accessible_description(re.compile("只有审核和主编能复审"))
        expect(page.get_by_role("button", name="终审", exact=True)).to_have_accessible_description(re.compile("只有主编能终审"))
        draft = page.get_by_label("草稿")
        expect(draft).to_be_disabled()
        expect(draft).to_have_accessible_description(re.compile("只有主编能改"))
        page.get_by_role("button", name="初审", exact=True).click()
        expect(page.locator(".review")).to_contain_text("初审 张三")
        body = page.get_by_label("正文")
        body.fill(body.input_value() + "\n初审以后又改的一句。\n")
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator(".saved")).to_contain_text("已保存")
        expect(page.locator(".review")).to_contain_text("需重审")
        expect(page.locator(".review")).to_contain_text("张三 于")
        page.get_by_role("link", name="← 稿件看板").click()
        expect(page.locator('li[data-path="2024-07/03-draft.md"] .badge').first).to_have_text("需重审")


def test_every_setting_of_the_file_is_in_the_form_and_saved_back(desk, page):
    url, root = desk
    path = root / "content/2024-07/05-imported.md"
    path.write_text("---\n标题: 导入的稿子\n栏目: 评建动态\n作者: 张三\n摄影: 李明\n标签: [\"@校团委\"]\n排序: 2\n草稿: true\n---\n正文。\n",
                    encoding="utf-8")
    page.goto(url + "#/edit/2024-07/05-imported.md")
    expect(page.get_by_label("摄影")).to_have_value("李明")
    expect(page.get_by_label("标签")).to_have_value("@校团委")
    expect(page.get_by_label("排序")).to_have_value("2")
    page.get_by_label("摄影").fill("王五")
    page.get_by_label("标签").fill("@校团委、*重要*、a: b")
    page.get_by_label("地址").fill("中文地址")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".saved")).to_contain_text("slug")   # (the loader's own words: not saved)
    assert "中文地址" not in path.read_text(encoding="utf-8")
    page.get_by_label("地址").fill("dao-ru")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".saved")).to_contain_text("已保存")
    text = path.read_text(encoding="utf-8")
    assert "摄影: 王五" in text and "地址: dao-ru" in text and '"@校团委"' in text and '"a: b"' in text
    page.reload()
    expect(page.get_by_label("摄影")).to_have_value("王五")
    expect(page.get_by_label("标签")).to_have_value("@校团委、*重要*、a: b")


def test_the_print_view_is_the_desks_own_and_the_change_page_keeps_its_colours(desk, browser):
    from xiaokan.desk.proofchanges import _STYLE

    url, root = desk
    context = browser.new_context(viewport={"width": 1280, "height": 900})   # (the desk's policy enforced)
    page = context.new_page()
    page.goto(url + "#/edit/2024-07/01-first.md")
    expect(page.locator(".look")).to_contain_text("这一期还没有 PDF（“生成网站”只把定稿的文章排进 PDF")
    (root / "print").mkdir()
    (root / "print/xiaokan-2024-07.pdf").write_bytes(b"%PDF-1.7\n")
    (root / "print/xiaokan-2024-07-proof-1-changes.html").write_text(
        f"<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>修改对照</title><style>{_STYLE}</style></head>"
        "<body><h1>修改对照</h1><p><del>旧的字</del><ins>新的字</ins></p></body></html>", encoding="utf-8")
    page.reload()
    link = page.get_by_role("link", name="印刷效果（PDF，只有定稿的文章）")
    expect(link).to_have_attribute("href", "print/xiaokan-2024-07.pdf")
    assert page.evaluate("document.querySelector('.look a[href$=\".pdf\"]').href").endswith(
        "/%E7%BC%96%E8%BE%91%E9%83%A8/print/xiaokan-2024-07.pdf")
    page.goto(url + "print/xiaokan-2024-07-proof-1-changes.html")
    expect(page.locator("ins")).to_have_css("background-color", "rgb(217, 247, 217)")
    expect(page.locator("del")).to_have_css("color", "rgb(138, 28, 19)")
    # once the preview has a PDF of the issue (drafts included), the editor links that one, and says how old it is
    base = url.removesuffix("/编辑部/")
    cached = root / ".cache/pdf/2024-07"
    cached.mkdir(parents=True, exist_ok=True)
    for name, data in (("earlier", b"%PDF-1.7 press\n"), ("earlier.reader", b"%PDF-1.7 reader\n")):
        (cached / f"{name}.pdf").write_bytes(data)
        (cached / f"{name}.sha256").write_text(hashlib.sha256(data).hexdigest(), encoding="ascii")
    write(root, "content/2024-07/02-second.md", (root / "content/2024-07/02-second.md").read_text(encoding="utf-8") + "\n再一段。\n")
    wait_for(lambda: "2024-07" in json.loads(get(base + "/__xiaokan__/state")[1])["pdfs"], 60)
    page.goto(url + "#/edit/2024-07/01-first.md")
    link = page.get_by_role("link", name="印刷效果（PDF，含草稿）")
    expect(link).to_have_attribute("href", "/__xiaokan__/pdf/2024-07.pdf")
    expect(page.locator(".look .pdf")).to_contain_text("预览这次不排 PDF（--no-pdf）：这是以前排的")
    assert page.request.get(base + "/__xiaokan__/pdf/2024-07.pdf").body() == b"%PDF-1.7 reader\n"
    context.close()


def test_one_broken_word_file_among_several_is_listed_and_the_others_are_imported(desk, page, tmp_path):
    url, root = desk
    good = worddocs.plain_docx(tmp_path / "好稿件.docx", ["部门来稿的正文。"])
    broken = tmp_path / "坏文件.docx"
    broken.write_bytes(b"this is no Word file at all")
    page.goto(url)
    issue = page.locator('section.issue[data-issue="2024-07"]')
    issue.get_by_role("button", name="导入Word稿").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Word 稿（.docx，可多选）").set_input_files([str(broken), str(good)])
    dialog.get_by_role("button", name="导入", exact=True).click()
    report = issue.locator(".job")
    expect(report.locator(".import a").first).to_be_visible(timeout=SLOW)   # (the good one, imported)
    expect(report).to_contain_text("没有导入的文件（1 个）")
    expect(report).to_contain_text("坏文件.docx：")
    assert any("部门来稿的正文。" in p.read_text(encoding="utf-8") for p in (root / "content/2024-07").glob("*.md"))


def test_a_refused_dialog_stays_open_with_the_reason_in_view_and_what_was_typed_on_a_phone(desk, phone, tmp_path):
    """新建一期 with a 期文件夹名 taken, 图片 with a file that is no photo: the reason shows in the dialog (the page's
    status line is scrolled out of view on a phone) and nothing typed is lost; 导入Word稿 wants a file."""
    url, root = desk
    page = phone
    page.goto(url)
    dialog = page.get_by_role("dialog")
    page.get_by_role("button", name="新建一期").click()
    # (印数 left empty came back as a 警告 of 生成网站 at issue.yaml's line, which the desk does not edit)
    expect(dialog.locator(".field", has=page.get_by_label("印数"))).to_contain_text("印作内部资料时必须写")
    dialog.get_by_label("期文件夹名").fill("2024-07")
    dialog.get_by_label("标题").fill("2024年第5期")
    dialog.get_by_role("button", name="建立这一期").click()
    expect(dialog.get_by_role("alert")).to_contain_text("已经有 2024-07 这一期了")
    expect(dialog.get_by_label("标题")).to_have_value("2024年第5期")
    dialog.get_by_label("期文件夹名").fill("2024-08")
    dialog.get_by_role("button", name="建立这一期").click()
    expect(page.locator('section.issue[data-issue="2024-08"]')).to_be_visible()
    assert "标题: 2024年第5期" in (root / "content/2024-08/issue.yaml").read_text(encoding="utf-8")
    page.locator('section.issue[data-issue="2024-07"]').get_by_role("button", name="导入Word稿").click()
    dialog.get_by_role("button", name="导入", exact=True).click()   # (no file chosen: the dialog says so and stays)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="取消").click()
    page.goto(url + "#/edit/2024-07/02-second.md")
    page.get_by_role("button", name="图片", exact=True).click()
    (fake := tmp_path / "合影.jpg").write_text("no photo", encoding="utf-8")
    dialog.get_by_label("照片").set_input_files(str(fake))
    dialog.get_by_label("图片说明").fill("评建推进会合影")
    dialog.get_by_role("button", name="插入").click()
    expect(dialog.get_by_role("alert")).to_contain_text("'合影.jpg' 不是 JPEG")
    expect(dialog.get_by_role("alert")).to_contain_text("再在这里选那个文件")   # (not 链接, which is for Markdown)
    expect(dialog.get_by_role("alert")).to_be_in_viewport()
    dialog.get_by_label("照片").set_input_files(str(photo_file(tmp_path)))
    dialog.get_by_role("button", name="插入").click()
    expect(page.get_by_label("正文")).to_have_value(re.compile(r"!\[评建推进会合影\]\([\w-]+-1\.jpg\)"))


@pytest.mark.parametrize("width, height", [(1280, 900), (375, 667)])
def test_a_dialog_taller_than_the_screen_keeps_its_buttons_in_view(desk, browser, width, height):
    url, root = desk
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="新建一期").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("button", name="建立这一期")).to_be_in_viewport(ratio=1)
    dialog.get_by_label("期文件夹名").fill("2024-08")
    dialog.get_by_label("印数").scroll_into_view_if_needed()   # (the last field: the body scrolls, the buttons stay)
    expect(dialog.get_by_role("button", name="建立这一期")).to_be_in_viewport(ratio=1)
    dialog.get_by_role("button", name="建立这一期").click()
    expect(page.locator('section.issue[data-issue="2024-08"]')).to_be_visible()
    context.close()


def test_the_conflict_dialog_compares_whole_files_and_marks_the_difference_on_a_phone(desk, phone):
    url, root = desk
    page = phone
    page.goto(url + "#/edit/2024-07/02-second.md")
    body = page.get_by_label("正文")
    expect(body).to_have_value(re.compile("."))
    path = root / "content/2024-07/02-second.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n另一位编辑加的一段。\n" * 30, encoding="utf-8")
    body.fill("我在编辑部里写的正文。\n")
    page.get_by_role("button", name="保存", exact=True).click()
    dialog = page.get_by_role("dialog")
    mine = dialog.get_by_label("我的版本")
    expect(mine).to_contain_text("title: 第二篇动态")   # (the whole file, as it would be saved: like the other)
    expect(mine.locator(".changed")).to_contain_text(["我在编辑部里写的正文。"])
    expect(dialog.get_by_label("磁盘上的版本").locator(".changed").first).to_contain_text("评建工作的正文")
    expect(dialog.get_by_role("button", name="用我的版本保存")).to_be_in_viewport(ratio=1)
    dialog.get_by_role("button", name="用我的版本保存").click()
    expect(page.locator(".saved")).to_contain_text("已保存")


@contextlib.contextmanager
def built_in_the_desk(mini, page, tmp_path):
    """The desk of mini, whose site.yaml deploys to a folder, after its 生成网站: (the target folder, the
    生成网站 panel, the 发布 panel)."""
    target = tmp_path / "www"
    (mini / "site.yaml").write_text((mini / "site.yaml").read_text(encoding="utf-8") + f"deploy:\n  target: {target}\n",
                                    encoding="utf-8")
    with running_server(mini) as (base, _process):
        page.goto(base + "/编辑部/")
        site_job, publish = page.locator("#site-job"), page.locator("#publish-job")
        page.get_by_role("button", name="生成网站").click()
        expect(site_job).to_contain_text("生成网站：完成", timeout=SLOW)
        yield target, site_job, publish


def test_publishing_from_the_desk_builds_first_says_when_nothing_changed_and_names_what_回滚_brings_back(mini, page, tmp_path):
    import os

    with built_in_the_desk(mini, page, tmp_path) as (target, site_job, publish):
        expect(site_job.get_by_role("link", name="数字报")).to_have_attribute("href", "site/edition/2024-07/")
        with page.context.expect_page() as opened:   # (the 数字报 as the desk shows it: each article's spot on the page
            site_job.get_by_role("link", name="数字报").click(modifiers=["Control"])   # image, placed by a style attribute)
        edition = opened.value
        edition.wait_for_load_state()   # (0 × 0 under the desk's policy: clicking the page did nothing)
        spot = edition.locator("a.spot").first
        expect(spot).to_be_visible()
        assert spot.bounding_box()["width"] > 100 and spot.bounding_box()["height"] > 5
        edition.close()
        page.get_by_role("button", name="回滚", exact=True).click()   # (never published: information, not a failure)
        expect(publish).to_contain_text(f"什么都没有改：还没有向 {target} 发布过，没有可以回滚的版本", timeout=SLOW)
        neutral(publish, "回滚（查看会回到哪一版）：什么都没有改")
        page.get_by_role("button", name="发布", exact=True).click()
        expect(publish).to_contain_text("将上传", timeout=SLOW)
        never = publish.get_by_role("alert", name="未经三审")   # (published, yet never through 三审: said before 确认发布)
        expect(never).to_contain_text("3 篇文章没有经过三审（未经三审），它们不是草稿，会照样发布")
        expect(never.get_by_role("listitem")).to_have_text(["第一篇新闻 · 未经三审：一审都没有经过，却不是草稿",
                                                            "第二篇动态 · 未经三审：一审都没有经过，却不是草稿",
                                                            "他山之石一篇 · 未经三审：一审都没有经过，却不是草稿"])
        expect(never.get_by_role("link", name="第二篇动态")).to_have_attribute("href", "#/edit/2024-07/02-second.md")
        publish.get_by_role("button", name="确认发布").click()
        expect(publish).to_contain_text("还没有更早的版本可以回滚", timeout=SLOW)
        expect(publish.locator("p", has_text="回滚")).to_have_text("还没有更早的版本可以回滚")   # (a line of its own)
        first = (target / "current").resolve().name
        page.get_by_role("button", name="回滚", exact=True).click()   # (one release: what it means and what to do instead)
        expect(publish).to_contain_text(f"什么都没有改：还没有更早的版本可以回滚。{target} 上现在的 {first} 是保留着的最早一版；"
                                        "下次发布以后，就能回滚到这一版。要改网站上的内容，就改好文章，再生成网站、发布", timeout=SLOW)
        neutral(publish, "回滚（查看会回到哪一版）：什么都没有改")
        expect(page.get_by_role("dialog")).to_have_count(0)   # (nothing to confirm)
        shot(page, "rollback-nothing")
        assert (target / "current").resolve().name == first
        page.get_by_role("button", name="发布", exact=True).click()
        expect(publish).to_contain_text("网站没有变化，不需要发布", timeout=SLOW)
        expect(publish.get_by_role("button", name="确认发布")).to_have_count(0)
        article = mini / "content/2024-07/01-first.md"
        for step in ("初审", "复审", "终审"):   # (then changed outside the desk: 需重审, and published all the same)
            review.advance(mini, "2024-07/01-first.md", step, "王五", "主编")
        article.write_text(article.read_text(encoding="utf-8") + "\n发布前又改了一句。\n", encoding="utf-8")
        later = (mini / "output/index.html").stat().st_mtime + 1
        os.utime(article, (later, later))
        page.get_by_role("button", name="发布", exact=True).click()
        expect(publish.get_by_role("alert")).to_contain_text("2024-07/01-first.md", timeout=SLOW)
        expect(publish).to_contain_text("网站上已经是上次生成的版本，没有要发布的变化")   # (not 没有变化 above 先生成网站)
        expect(publish.get_by_role("alert")).to_contain_text("要发布这些修改，先生成网站")
        expect(publish).not_to_contain_text("网站没有变化")
        expect(publish).not_to_contain_text("现在发布的会是旧的网站")   # (there is nothing to publish: it said both)
        expect(publish.get_by_role("button", name="确认发布")).to_have_count(0)
        publish.get_by_role("button", name="先生成网站，再看变更清单").click()
        voided = publish.get_by_role("alert", name="需重审")
        expect(voided).to_contain_text("1 篇文章三审以后又改过（需重审），它们不是草稿，会照样发布", timeout=SLOW)
        expect(voided.get_by_role("listitem")).to_have_text(re.compile("^第一篇新闻 · 需重审：初审、复审、终审以后又改过（在编辑部以外 .*），需要重审$"))
        expect(publish.get_by_role("alert", name="未经三审").get_by_role("listitem")).to_have_count(2)
        publish.get_by_role("button", name="确认发布").click(timeout=SLOW)
        expect(publish).to_contain_text(f"回滚会恢复到 {first} 这一版", timeout=SLOW)
        page.get_by_role("button", name="回滚", exact=True).click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text(f"网站回到 {first} 这一版", timeout=SLOW)
        dialog.get_by_role("button", name=f"回滚到 {first}").click()
        expect(publish).to_contain_text("回滚：完成", timeout=SLOW)
        assert (target / "current").resolve().name == first


# `build.py serve` with the PDF's layout and the 数字报's pictures held until the test lets each go (a gate
# file beside the site): what the page shows while they run is seen while it is so, not by luck of timing.
GATED = """import sys, time
from pathlib import Path
import xiaokan.paper.pdf as pdf, xiaokan.pipeline as pipeline
def held(real, gate):
    def wait(*args, **kwargs):
        while not gate.exists():
            time.sleep(0.02)
        return real(*args, **kwargs)
    return wait
pdf.render_pdf = held(pdf.render_pdf, Path(sys.argv[1]).parent / "pdf.gate")
pipeline.make_edition = held(pipeline.make_edition, Path(sys.argv[1]).parent / "edition.gate")
from xiaokan.cli import main
sys.exit(main(sys.argv[2:], Path(sys.argv[1])))"""


def test_生成网站_shows_which_stage_the_build_is_at_while_it_runs(mini, page, monkeypatch):
    """(While the PDF was laid out and the 数字报 drawn, ~16 s of the sample, the log said nothing new.)"""
    import helpers

    monkeypatch.setattr(helpers, "LAUNCH", GATED)
    with running_server(mini) as (base, _process):
        page.goto(base + "/编辑部/")
        site_job = page.locator("#site-job")
        page.get_by_role("button", name="生成网站").click()
        expect(site_job.locator(".log")).to_have_text("PDF 2024-07：正在排版 3 篇文章……")
        expect(site_job).to_contain_text("生成网站：进行中")
        expect(site_job.get_by_role("progressbar")).to_be_visible()
        (mini.parent / "pdf.gate").touch()
        expect(site_job.locator(".log")).to_have_text("数字报 2024-07：正在把2024年第2期的 8 页 PDF 做成图片……", timeout=SLOW)
        expect(site_job).to_contain_text("生成网站：进行中")
        (mini.parent / "edition.gate").touch()
        expect(site_job).to_contain_text("生成网站：完成", timeout=SLOW)
        expect(site_job.locator(".log")).to_have_count(0)
        shot(page, "build-done")


def neutral(panel, heading: str) -> None:
    """The job's panel says heading as information: not in the error's red, with nothing in it marked an error."""
    expect(panel.locator("p", has_text=heading)).to_have_class("info")
    expect(panel.locator(".error")).to_have_count(0)
    colour = panel.locator("p", has_text=heading).evaluate("p => getComputedStyle(p).color")
    assert colour != "rgb(176, 0, 32)", colour   # (--error)


def test_small_things_of_the_editor_heading_staying_and_tables(desk, page, tmp_path):
    url, root = desk
    page.goto(url + "#/edit/2024-07/02-second.md")
    title = page.get_by_label("标题", exact=True)
    expect(title).to_have_value("第二篇动态")
    title.fill("第二篇动态（改了标题）")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".saved")).to_contain_text("已保存")
    expect(page.get_by_role("heading", level=1)).to_have_text("第二篇动态（改了标题）")
    body = page.get_by_label("正文")
    body.fill(body.input_value() + "\n还没保存的一句。\n\n\n")
    page.once("dialog", lambda d: d.dismiss())   # (有未保存的修改，确定离开吗？ → 取消)
    page.get_by_role("link", name="← 稿件看板").click()
    expect(body).to_be_visible()
    expect(page).to_have_url(re.compile(r"#/edit/2024-07/02-second\.md$"))
    csv = tmp_path / "名单.csv"
    csv.write_text("序号,名称\n1,甲\n", encoding="utf-8")
    page.get_by_role("button", name="表格", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("表格（Excel 另存为 CSV）").set_input_files(str(csv))
    dialog.get_by_role("button", name="插入").click()
    expect(page.locator(".saved")).to_contain_text("已保存")   # (saved, as 图片 is)
    text = (root / "content/2024-07/02-second.md").read_text(encoding="utf-8")
    assert '{{< 表格 文件="名单.csv" >}}' in text and "还没保存的一句。" in text
    # a block goes after the cursor's paragraph with one blank line either side, whatever was there
    assert body.input_value().endswith('还没保存的一句。\n\n{{< 表格 文件="名单.csv" >}}\n')
    body.evaluate("b => b.setSelectionRange(0, 0)")
    (second := tmp_path / "名单二.csv").write_text("序号,名称\n2,乙\n", encoding="utf-8")
    page.get_by_role("button", name="表格", exact=True).click()
    dialog.get_by_label("表格（Excel 另存为 CSV）").set_input_files(str(second))
    dialog.get_by_role("button", name="插入").click()
    expect(body).to_have_value(re.compile(r'\S\n\n\{\{< 表格 文件="名单二.csv" >\}\}\n\n\S'))
    assert "\n\n\n" not in body.input_value()
    expect(page.locator(".saved")).to_contain_text("预览已更新", timeout=SLOW)
    # a save whose build fails says so: never 预览已更新
    body.fill(body.input_value() + "\n![缺的照片](没有这张.jpg)\n")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".saved")).to_contain_text("但预览出错", timeout=SLOW)
    expect(page.locator(".saved")).not_to_contain_text("预览已更新")


def test_an_article_whose_settings_cannot_be_read_is_mended_as_a_whole_file_and_gets_its_form_back(desk, page):
    """Its findings name the file's own lines (not 正文第N行), and once a save makes the settings readable the
    form returns without reloading the page."""
    url, root = desk
    path = root / "content/2024-07/02-second.md"
    broken = path.read_text(encoding="utf-8").replace("title: 第二篇动态", "title: [第二篇动态")
    path.write_text(broken, encoding="utf-8")
    page.goto(url + "#/edit/2024-07/02-second.md")
    expect(page.get_by_role("alert").filter(has_text="设置（--- 之间）读不出来")).to_be_visible()
    finding = page.locator(".findings li").filter(has_text="没有配对").first
    expect(finding).to_contain_text("第2行")
    expect(finding).not_to_contain_text("正文第")
    body = page.get_by_label("正文")
    body.fill(body.input_value().replace("title: [第二篇动态", "title: 第二篇动态（改好）"))
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_label("标题", exact=True)).to_have_value("第二篇动态（改好）")
    expect(page.get_by_role("alert").filter(has_text="读不出来")).to_have_count(0)
    assert "title: 第二篇动态（改好）" in path.read_text(encoding="utf-8")


def test_the_status_line_speaks_of_the_view_shown_and_the_desk_asks_for_no_missing_icon(desk, page):
    """Seen by a new editor: 顺序已保存 stayed above the article opened next; a second 新建文章 of a title
    the issue has made a -2 file without a word; 新建一期 suggested 第7期 for July; the browser's console
    showed /favicon.ico as a 404 on every desk page."""
    url, root = desk
    failed = []
    page.on("console", lambda m: failed.append(m.location.get("url", "")) if m.type == "error" else None)
    with page.expect_response(lambda r: r.url.endswith("/favicon")) as icon:
        page.goto(url)
    assert icon.value.status == 204   # (the mini site has no favicon in site.yaml: nothing to show, and no 404)
    status = page.locator("#status")
    page.get_by_role("button", name="下移：第一篇新闻").click()
    expect(status).to_have_text("顺序已保存")
    page.get_by_role("link", name="第二篇动态").click()
    expect(page.get_by_label("正文")).to_have_value(re.compile("评建工作的正文"))
    expect(status).to_be_empty()
    # 新建文章 with a title of the issue: the new draft opens, the line names both files
    page.get_by_role("link", name="← 稿件看板").click()
    page.locator('section.issue[data-issue="2024-07"]').get_by_role("button", name="新建文章").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("标题").fill("第二篇动态")
    dialog.get_by_role("button", name="建立").click()
    expect(page.get_by_label("标题", exact=True)).to_have_value("第二篇动态")
    expect(page).to_have_url(re.compile(r"#/edit/2024-07/05-di-er-pian-dong-tai\.md$"))
    expect(status).to_contain_text("这一期已有同标题的文章 02-second.md，这篇是另一篇草稿")
    page.get_by_role("link", name="← 稿件看板").click()
    expect(page.get_by_role("button", name="新建一期")).to_be_visible()
    expect(status).to_be_empty()
    # 新建一期: an issue is 第N期 of its year (the sample's 2024-06 is 2024年第1期), not its month
    page.get_by_role("button", name="新建一期").click()
    title = dialog.get_by_label("标题")
    expect(title).to_have_attribute("placeholder", "如 2024年第3期")
    expect(dialog).to_contain_text("第几期用下面的本年期号，不是月份")
    dialog.get_by_role("button", name="取消").click()
    with page.expect_response(lambda r: r.url.endswith("/favicon")) as icon:
        page.goto(url + "login")   # (the other desk page)
    assert icon.value.status == 204
    expect(page.get_by_role("heading", name="登录编辑部")).to_be_visible()
    assert not [u for u in failed if "favicon" in u], failed
    assert "favicon" not in (root.parent / "serve.log").read_text(encoding="utf-8")


def test_the_same_title_notice_takes_a_line_or_two_of_a_phone_and_its_advice_opens_on_request(desk, phone):
    """新建文章 with a title of the issue: the notice and all its advice took ~285 px of a 375 px wide phone
    above the article. Now a line or two names the other file and says this one is a separate draft; the
    advice opens from it."""
    url, _root = desk
    page = phone
    page.goto(url)
    page.locator('section.issue[data-issue="2024-07"]').get_by_role("button", name="新建文章").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("标题").fill("第二篇动态")   # (02-second.md's title)
    dialog.get_by_role("button", name="建立").click()
    expect(page.get_by_label("标题", exact=True)).to_have_value("第二篇动态")
    status = page.locator("#status")
    summary = status.locator("summary")
    expect(summary).to_have_text("这一期已有同标题的文章 02-second.md，这篇是另一篇草稿")
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#status summary')).lineHeight)")
    height = status.bounding_box()["height"]
    assert height <= 2 * line + 8, (height, line)
    advice = status.get_by_text("如果是同一篇文章")
    expect(advice).to_be_hidden()
    summary.click()
    expect(advice).to_be_visible()
    expect(advice).to_contain_text("请在 02-second.md 里写")
    shot(page, "same-title-phone")
    clean(page)


def test_a_revised_word_file_waits_for_替换_which_keeps_the_drafts_text_in_its_history(desk, page, tmp_path):
    """The department sends 评议会（修改稿）.docx for 评议会.docx: the desk imported it as a second draft
    beside the first, with no word on replacing. Now it asks: 替换原来的草稿 (after a confirmation; the
    draft's text stays in 历史版本, to restore) or 另存为新稿."""
    url, root = desk
    page.goto(url)
    issue = page.locator('section.issue[data-issue="2024-07"]')
    dialog = page.get_by_role("dialog")
    report = issue.locator(".job")

    def import_word(path: Path) -> None:
        issue.get_by_role("button", name="导入Word稿").click()
        dialog.get_by_label("Word 稿（.docx，可多选）").set_input_files(str(path))
        dialog.get_by_label("栏目").select_option("评建动态")
        dialog.get_by_role("button", name="导入", exact=True).click()

    import_word(worddocs.plain_docx(tmp_path / "评议会.docx", ["第一版的正文。"], title="评议会通知"))
    expect(report.get_by_role("link", name="评议会通知")).to_be_visible(timeout=SLOW)
    draft = next(p for p in (root / "content/2024-07").glob("*.md") if "第一版的正文。" in p.read_text(encoding="utf-8"))
    (tmp_path / "new").mkdir()
    import_word(worddocs.plain_docx(tmp_path / "new" / "评议会（修改稿）.docx", ["第二版的正文。"], title="评议会通知"))
    held = report.get_by_role("group", name="评议会（修改稿）.docx")
    expect(held).to_contain_text(f"{draft.name}（由 评议会.docx 导入）的标题也是“评议会通知”，这次没有导入", timeout=SLOW)
    expect(held).to_contain_text("草稿现在的文本留在历史版本里")
    # (the draft is named in the sentence; the link after it opens it, not a title left dangling after it)
    expect(held.get_by_role("link", name="打开那篇草稿")).to_have_attribute("href", f"#/edit/2024-07/{draft.name}")
    before = snapshot(root / "content")
    held.get_by_role("button", name="替换原来的草稿").click()
    expect(dialog).to_contain_text(f"用 评议会（修改稿）.docx 替换草稿“评议会通知”（2024-07/{draft.name}）？")
    dialog.get_by_role("button", name="取消").click()
    assert snapshot(root / "content") == before   # (never without the editor's word)
    held.get_by_role("button", name="替换原来的草稿").click()
    dialog.get_by_role("button", name="替换", exact=True).click()
    expect(report).to_contain_text("（草稿，替换了原来的文本）", timeout=SLOW)
    assert "第二版的正文。" in draft.read_text(encoding="utf-8") and sorted(snapshot(root / "content")) == sorted(before)
    report.get_by_role("link", name="评议会通知").click()
    expect(page.get_by_label("正文")).to_have_value(re.compile("第二版的正文。"))
    page.get_by_role("link", name="历史版本").click()
    versions = page.locator(".versions li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("用 评议会（修改稿）.docx 导入，替换了原来的文本")
    versions.nth(1).get_by_role("button", name="恢复").click()
    expect(page.get_by_label("正文")).to_have_value(re.compile("第一版的正文。"))


def test_an_article_made_a_draft_is_named_by_生成网站_and_by_发布_before_it_leaves_the_live_site(mini, page, tmp_path):
    """The walk: a published article made a draft again while the desk runs (its preview builds the
    drafts at once); 生成网站 and 发布's list name it by title and issue before 确认发布 deletes its page."""
    with built_in_the_desk(mini, page, tmp_path) as (target, site_job, publish):
        page.get_by_role("button", name="发布", exact=True).click()
        publish.get_by_role("button", name="确认发布").click(timeout=SLOW)
        expect(publish).to_contain_text("还没有更早的版本可以回滚", timeout=SLOW)
        article = mini / "content/2024-07/04-other.md"
        article.write_text(article.read_text(encoding="utf-8").replace("section:", "draft: true\nsection:", 1), encoding="utf-8")
        page.get_by_role("button", name="生成网站").click()
        expect(site_job).to_contain_text("这次不再发布，其中有 1 篇文章：《他山之石一篇》（2024年第2期）", timeout=SLOW)
        page.get_by_role("button", name="发布", exact=True).click()
        gone = publish.get_by_role("alert", name="删除的网页")
        expect(gone).to_contain_text("这次发布（deploy）会从线上网站删掉 5 个网页或 PDF，其中有 1 篇文章：《他山之石一篇》（2024年第2期）",
                                     timeout=SLOW)
        expect(gone).to_contain_text("如果不是有意的：把文章改回非草稿（草稿: 否）")
        expect(publish.get_by_role("button", name="确认发布")).to_be_visible()
