"""刊期设置: an issue's issue.yaml in the form of 新建一期, as the service saves it and as the browser
asks for it (the token, the role, the version the form showed), and the 生成网站 report's imprint
warning that sends the editor to it."""
from __future__ import annotations

import pytest
from test_editorial_http import Browser, refused_in_chinese

from helpers import run_build, snapshot, write
from xiaokan.core.errors import ContentError
from xiaokan.desk.editorial import accounts, app, board, history, issuesettings, tasks

ISSUE = "content/2024-07/issue.yaml"
# An issue.yaml as editors leave it: the template's comments, English and Chinese keys, a full-width colon,
# a key the form does not show, a list written as a block, CRLF line ends (Notepad), 印数 still commented out.
WRITTEN = ("# 本期信息\r\n标题：2024年第2期\r\nnumber: 2               # 本年期号\r\n总期号: 2\r\n日期: 2024-07-31      # 出版日期\r\n"
           "编辑:\r\n  - 张三\r\n  - 李四\r\n摘要: 测试用的一期。\r\n封面说明: 不认识的键也留着\r\n# 主编: 王五\r\n"
           "# 印数: 300                              # 份数（写 300份 也可以）\r\n报: 市教委\r\n")


@pytest.fixture
def written(mini):
    (mini / ISSUE).write_bytes(WRITTEN.encode())
    return mini


def test_the_form_opens_with_the_issues_values(written):
    opened = issuesettings.open_settings(written, "2024-07")
    assert opened["fields"] == {"title": "2024年第2期", "number": "2", "total_number": "2", "date": "2024-07-31",
                                "editors": "张三、李四", "summary": "测试用的一期。", "publisher": "", "chief_editor": "",
                                "responsible_editor": "", "print_run": ""}


def test_a_save_changes_only_the_fields_changed_and_keeps_comments_order_unknown_keys_and_line_ends(written):
    opened = issuesettings.open_settings(written, "2024-07")
    unchanged = issuesettings.save_settings(written, "2024-07", opened["fields"], opened["digest"], "张三")
    assert unchanged == opened["digest"] and (written / ISSUE).read_bytes() == WRITTEN.encode()   # (byte for byte)
    fields = {**opened["fields"], "print_run": "５００", "chief_editor": "王五", "number": "3", "title": "2024年第3期"}
    issuesettings.save_settings(written, "2024-07", fields, opened["digest"], "张三")
    assert (written / ISSUE).read_bytes().decode() == WRITTEN.replace("标题：2024年第2期", "标题: 2024年第3期").replace(
        "number: 2 ", "number: 3 ").replace("# 主编: 王五", "主编: 王五").replace("# 印数: 300 ", "印数: 500 ")
    assert run_build(written, "check").code == 0
    # a field the file has not and no commented-out line for goes at the end; an emptied one stays as an empty key
    opened = issuesettings.open_settings(written, "2024-07")
    fields = {**opened["fields"], "responsible_editor": "赵六", "summary": "", "editors": ""}
    issuesettings.save_settings(written, "2024-07", fields, opened["digest"], "张三")
    text = (written / ISSUE).read_bytes().decode()
    assert text.endswith("报: 市教委\r\n责任编辑: 赵六\r\n") and "\r\n摘要:\r\n" in text and "编辑: []\r\n" in text
    assert "  - 张三" not in text and "封面说明: 不认识的键也留着\r\n" in text
    assert issuesettings.open_settings(written, "2024-07")["fields"]["print_run"] == "500"
    assert run_build(written, "check").code == 0


@pytest.mark.parametrize("change, words", [({"print_run": "三百"}, "印数 必须是整数"), ({"number": "第二"}, "本年期号"),
                                           ({"date": "2024-02-30"}, "2024-02-30"), ({"title": ""}, "标题"),
                                           ({"date": ""}, "出版日期")])
def test_a_value_the_loader_refuses_is_named_and_leaves_issue_yaml_byte_identical(written, change, words):
    opened = issuesettings.open_settings(written, "2024-07")
    before = snapshot(written / "content")
    with pytest.raises(ContentError) as refused:
        issuesettings.save_settings(written, "2024-07", {**opened["fields"], **change}, opened["digest"], "张三")
    shown = refused.value.render()
    assert words in shown and "`" not in shown, shown
    assert snapshot(written / "content") == before and not list((written / ".desk").glob("staged-issue-*"))


def test_an_issue_yaml_changed_meanwhile_is_not_overwritten(written):
    opened = issuesettings.open_settings(written, "2024-07")
    meanwhile = WRITTEN.replace("摘要: 测试用的一期。", "摘要: 别人刚改的摘要。").encode()
    (written / ISSUE).write_bytes(meanwhile)
    with pytest.raises(issuesettings.Changed) as refused:
        issuesettings.save_settings(written, "2024-07", {**opened["fields"], "print_run": "300"}, opened["digest"], "张三")
    assert "2024-07 这一期的设置被改过了" in refused.value.render() and "重新打开“刊期设置”" in refused.value.render()
    assert (written / ISSUE).read_bytes() == meanwhile


def test_a_save_is_kept_in_the_history_with_the_version_it_replaced(written):
    opened = issuesettings.open_settings(written, "2024-07")
    issuesettings.save_settings(written, "2024-07", {**opened["fields"], "print_run": "300"}, opened["digest"], "李编辑")
    versions = history.versions(written, "2024-07/issue.yaml")
    assert [(v.who, v.message) for v in versions] == [("李编辑", "保存了刊期设置"), ("李编辑", "在编辑部以外被修改")]
    assert history.text_at(written, "2024-07/issue.yaml", versions[1].id) == WRITTEN.encode()
    assert b"\r\n\xe5\x8d\xb0\xe6\x95\xb0: 300 " in history.text_at(written, "2024-07/issue.yaml", versions[0].id)


def test_an_issue_made_by_新建一期_has_its_first_version_in_the_history(mini):
    from xiaokan.desk.editorial import board

    board.create_issue(mini, "2024-09", {"title": "2024年第9期"}, "王主编")
    opened = issuesettings.open_settings(mini, "2024-09")
    issuesettings.save_settings(mini, "2024-09", {**opened["fields"], "print_run": "300"}, opened["digest"], "李编辑")
    assert [(v.who, v.message) for v in history.versions(mini, "2024-09/issue.yaml")] == [
        ("李编辑", "保存了刊期设置"), ("王主编", "新建")]   # (not 在编辑部以外被修改)


def test_a_cover_beside_issue_yaml_is_still_found_when_the_form_is_checked(written):
    from test_editorial_service import PNG

    (written / "content/2024-07/cover.png").write_bytes(PNG)
    (written / ISSUE).write_bytes(WRITTEN.replace("报: 市教委", "封面: cover.png").encode())
    opened = issuesettings.open_settings(written, "2024-07")
    issuesettings.save_settings(written, "2024-07", {**opened["fields"], "print_run": "300"}, opened["digest"], "张三")
    assert "印数: 300" in (written / ISSUE).read_text(encoding="utf-8")


# --- over HTTP, as the board's button sends it ------------------------------------------------

@pytest.fixture
def browser(written):
    b = Browser(app.Desk(written, "127.0.0.1", 8000))
    assert b.open_desk() == 200
    return b


def test_the_board_opens_and_saves_刊期设置_with_the_token_only(browser, written):
    status, opened = browser.call("GET", "/desk/api/issue?id=2024-07")
    assert status == 200 and opened["fields"]["title"] == "2024年第2期"
    save = {"id": "2024-07", "fields": {**opened["fields"], "print_run": "300"}, "digest": opened["digest"]}
    assert browser.call("PUT", "/desk/api/issue", save, {"X-Desk-Token": None})[0] == 403
    assert browser.call("PUT", "/desk/api/issue", save, {"X-Desk-Token": "forged"})[0] == 403
    assert (written / ISSUE).read_bytes() == WRITTEN.encode()
    status, saved = browser.call("PUT", "/desk/api/issue", save)
    assert status == 200 and "印数: 300" in (written / ISSUE).read_text(encoding="utf-8")
    status, reply = browser.call("PUT", "/desk/api/issue", save)   # (the form of before the save, sent again)
    assert status == 409 and "这一期的设置被改过了" in reply["error"], reply
    refused_in_chinese(*browser.call("PUT", "/desk/api/issue", {**save, "digest": saved["digest"],
                                                                "fields": {"print_run": "三百"}}))
    refused_in_chinese(*browser.call("GET", "/desk/api/issue?id=2099-01"))
    refused_in_chinese(*browser.call("GET", "/desk/api/issue?id=../x"))


def _sets_印数(site, issue_id: str = "2024-07", role: str = "编辑"):
    """Someone of that role logged in over HTTP opens the issue's 刊期设置 and saves 印数 300: (status, reply)."""
    accounts.add_account(site, role + "甲", role, "correct horse")
    b = Browser(app.Desk(site, "127.0.0.1", 8000))
    assert b.call("POST", "/desk/api/login", {"name": role + "甲", "password": "correct horse"})[0] == 200
    b.token = b.call("GET", "/desk/api/session")[1]["token"]
    opened = b.call("GET", f"/desk/api/issue?id={issue_id}")[1]
    return b.call("PUT", "/desk/api/issue", {"id": issue_id, "fields": {**opened["fields"], "print_run": "300"},
                                             "digest": opened["digest"]})


def test_every_role_that_may_新建一期_may_save_刊期设置(written):
    """As 新建一期: 刊期设置 corrects what it wrote, so an 编辑 may (accounts.MAY says so for both)."""
    assert all(accounts.may(role, "刊期设置") == accounts.may(role, "新建一期") for role in accounts.ROLES)
    board.create_issue(written, "2024-08", {}, "王五")   # (in preparation: no article published yet)
    status, reply = _sets_印数(written, "2024-08")
    assert status == 200, reply
    assert history.versions(written, "2024-08/issue.yaml")[0].who == "编辑甲"


def test_the_settings_of_a_published_issue_are_the_主编s(written):
    """(Attack pass: an 编辑 changed 日期 and 标题 of an issue readers have, whose articles only the 主编 may change.)"""
    for role in ("编辑", "审核"):
        status, reply = _sets_印数(written, "2024-07", role)
        assert status == 403 and reply["error"] == "2024-07 这一期已经发布（有不是草稿的文章），它的刊期设置只有主编能改；请找主编", reply
        assert (written / ISSUE).read_bytes() == WRITTEN.encode()
    assert _sets_印数(written, "2024-07", "主编")[0] == 200


def test_a_role_that_may_not_is_refused_in_chinese(written, monkeypatch):
    monkeypatch.setitem(accounts.MAY, "刊期设置", frozenset({"主编"}))
    board.create_issue(written, "2024-08", {}, "王五")
    before = (written / "content/2024-08/issue.yaml").read_bytes()
    status, reply = _sets_印数(written, "2024-08")
    assert status == 403 and "刊期设置" in reply["error"], reply
    assert (written / "content/2024-08/issue.yaml").read_bytes() == before


def test_the_imprint_warning_of_生成网站_sends_the_editor_to_刊期设置_not_to_the_file(mini):
    with (mini / "site.yaml").open("a", encoding="utf-8") as config:
        config.write("print:\n  internal_notice: 内部资料\n")
    job = tasks.Job(1, "build", "本机")
    tasks.build_site(mini, job)
    [warning] = [p for p in job.problems if "版记缺少印数" in p["text"]]
    assert warning["issue"] == "2024-07" and "content/2024-07/issue.yaml:" in warning["text"]
    assert "刊期设置" in warning["text"] and "issue.yaml 里" not in warning["text"] and "删掉行首的 #" not in warning["text"]
    write(mini, ISSUE, (mini / ISSUE).read_text(encoding="utf-8") + "印数: 300\n")
    job = tasks.Job(2, "build", "本机")
    tasks.build_site(mini, job)
    assert not [p for p in job.problems if "版记缺少" in p["text"]]
