"""删除, 移到另一期 and 恢复 in the desk: who may, nothing destroyed (the history has the deleted article and
its pictures, and 恢复 brings them back), a move takes the pictures and the 三审 record with it under a
free name, never over a file, and the requests need the session's token and a path inside content/."""
from __future__ import annotations

import json

import pytest

from helpers import snapshot, write
from xiaokan.core.errors import ContentError
from xiaokan.desk.editorial import board, history, moving, review
from xiaokan.desk.editorial.paths import PathRefused

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")
DRAFT = "2024-07/03-draft.md"


@pytest.fixture
def two(mini):
    """mini with a second issue, and a draft with its own picture and one it shares with another article."""
    board.create_issue(mini, "2024-08", {"title": "第八期"}, "张三")
    write(mini, "content/2024-07/03-draft.md", "---\ntitle: 草稿不应出现\nsection: 他山之石\ndraft: true\nslug: draft\n---\n"
          "秘密的草稿正文。\n\n![校园](draft-1.png)\n\n![共用](shared.png)\n")
    (mini / "content/2024-07/draft-1.png").write_bytes(PNG)
    (mini / "content/2024-07/shared.png").write_bytes(PNG + b"shared")
    write(mini, "content/2024-07/04-other.md", "---\ntitle: 他山之石一篇\nsection: 他山之石\ndate: 2024-07-03\n---\n"
          "别处的经验。\n\n![共用](shared.png)\n")
    return mini


def titles(root, issue_id):
    issue = next(i for i in board.board(root)["issues"] if i["id"] == issue_id)
    return {a["title"]: a for g in issue["groups"] for a in g["articles"]}


def test_a_deleted_article_goes_with_its_own_picture_and_comes_back_from_the_history(two):
    text = (two / "content" / DRAFT).read_bytes()
    removed = moving.delete_article(two, DRAFT, "张三", "编辑")
    assert removed == ["draft-1.png"]
    assert not (two / "content" / DRAFT).exists() and not (two / "content/2024-07/draft-1.png").exists()
    assert (two / "content/2024-07/shared.png").is_file()   # (04-other.md shows it too)
    assert "草稿不应出现" not in titles(two, "2024-07")
    assert history.versions(two, DRAFT)[0].message == "删除了文章《草稿不应出现》"
    listed = moving.deleted(two)
    assert [(d["path"], d["title"], d["who"]) for d in listed] == [(DRAFT, "草稿不应出现", "张三")]
    back = moving.undelete(two, DRAFT, listed[0]["id"], "李四", "编辑")
    assert back == DRAFT and (two / "content" / DRAFT).read_bytes() == text
    assert (two / "content/2024-07/draft-1.png").read_bytes() == PNG
    assert "草稿不应出现" in titles(two, "2024-07") and moving.deleted(two) == []
    assert history.versions(two, DRAFT)[0].message == "恢复了删除的文章"


def test_a_published_article_is_deleted_or_moved_by_the_chief_only(two):
    before = snapshot(two / "content")
    for attempt in (lambda: moving.delete_article(two, "2024-07/01-first.md", "王五", "编辑"),
                    lambda: moving.move_article(two, "2024-07/01-first.md", "2024-08", "王五", "审核")):
        with pytest.raises(PermissionError, match="不是草稿.*请找主编"):
            attempt()
    assert snapshot(two / "content") == before
    assert moving.move_article(two, "2024-07/01-first.md", "2024-08", "赵六", "主编") == "2024-08/01-first.md"


def test_a_deleted_published_article_is_brought_back_by_the_chief_only(two):
    moving.delete_article(two, "2024-07/04-other.md", "赵六", "主编")
    version = moving.deleted(two)[0]["id"]
    with pytest.raises(PermissionError):
        moving.undelete(two, "2024-07/04-other.md", version, "王五", "编辑")
    assert not (two / "content/2024-07/04-other.md").exists()
    moving.undelete(two, "2024-07/04-other.md", version, "赵六", "主编")
    assert (two / "content/2024-07/04-other.md").is_file()


def test_paths_outside_content_or_not_articles_are_refused(two):
    before = snapshot(two)
    for bad in ("../site.yaml", "2024-07/issue.yaml", "2024-07/draft-1.png", "2024-07/../../x.md"):
        with pytest.raises(PathRefused):
            moving.delete_article(two, bad, "张三", "主编")
        with pytest.raises(PathRefused):
            moving.move_article(two, bad, "2024-08", "张三", "主编")
    with pytest.raises(PathRefused):
        moving.move_article(two, DRAFT, "../x", "张三", "主编")
    assert snapshot(two) == before


def test_a_move_takes_its_pictures_keeps_its_review_and_is_in_both_paths_history(two):
    review.advance(two, DRAFT, "初审", "张三", "编辑")
    new = moving.move_article(two, DRAFT, "2024-08", "张三", "编辑")
    assert new == "2024-08/01-draft.md"
    assert not (two / "content" / DRAFT).exists() and not (two / "content/2024-07/draft-1.png").exists()
    assert (two / "content/2024-08/draft-1.png").read_bytes() == PNG
    assert (two / "content/2024-08/shared.png").is_file() and (two / "content/2024-07/shared.png").is_file()
    assert "![校园](draft-1.png)" in (two / "content" / new).read_text(encoding="utf-8")
    card = titles(two, "2024-08")["草稿不应出现"]
    assert card["state"] == "待审" and list(card["steps"]) == ["初审"]
    assert "草稿不应出现" not in titles(two, "2024-07")
    said = "从 2024-07/03-draft.md 移到了 2024-08/01-draft.md"
    assert history.versions(two, DRAFT)[0].message == said and history.versions(two, new)[0].message == said
    assert moving.deleted(two) == []   # (moved, not deleted)
    assert json.loads((two / ".desk/review.json").read_text(encoding="utf-8")).keys() == {new}


def test_a_move_never_overwrites_a_file_of_the_other_issue(two):
    other_article = write(two, "content/2024-08/01-draft.md", "---\ntitle: 八月的稿\nsection: 他山之石\ndraft: true\nslug: august\n---\n"
                          "![八月](draft-1.png)\n")
    (two / "content/2024-08/draft-1.png").write_bytes(b"august")
    mine = other_article.read_bytes()
    new = moving.move_article(two, DRAFT, "2024-08", "张三", "编辑")
    assert new == "2024-08/02-draft-2.md"
    assert other_article.read_bytes() == mine and (two / "content/2024-08/draft-1.png").read_bytes() == b"august"
    text = (two / "content" / new).read_text(encoding="utf-8")
    assert "![校园](draft-1-2.png)" in text and (two / "content/2024-08/draft-1-2.png").read_bytes() == PNG


def test_a_restore_where_the_name_is_taken_again_uses_a_free_name(two):
    moving.delete_article(two, DRAFT, "张三", "编辑")
    write(two, "content/" + DRAFT, "---\ntitle: 新的\nsection: 他山之石\ndraft: true\n---\n新的。\n")
    taken = (two / "content" / DRAFT).read_bytes()
    back = moving.undelete(two, DRAFT, moving.deleted(two)[0]["id"], "张三", "编辑")
    assert back == "2024-07/05-draft-2.md" and (two / "content" / DRAFT).read_bytes() == taken
    assert "秘密的草稿正文" in (two / "content" / back).read_text(encoding="utf-8")


def test_the_requests_need_the_token(two):
    from xiaokan.desk.editorial.app import Desk
    from xiaokan.desk.editorial.wsgi import Request

    desk = Desk(two, "127.0.0.1", 8000)
    session = desk.sessions.start("本机", "主编")

    def ask(path, body, token):
        request = Request("POST", path, {}, {"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000",
                                             "content-type": "application/json", "x-desk-token": token},
                          json.dumps(body).encode(), "127.0.0.1", {desk.gate.cookie_name: session.id})
        return desk.answer(request)

    before = snapshot(two / "content")
    for path, body in (("/api/delete", {"path": DRAFT}), ("/api/move", {"path": DRAFT, "issue": "2024-08"})):
        assert ask(path, body, "wrong").status.startswith("403")
    assert snapshot(two / "content") == before
    answer = ask("/api/move", {"path": DRAFT, "issue": "2024-08"}, session.token)
    assert answer.status.startswith("200") and json.loads(answer.body)["path"] == "2024-08/01-draft.md"


def test_the_desks_import_report_names_its_buttons(two, tmp_path):
    import worddocs
    from xiaokan.desk.editorial import tasks, uploads

    data = worddocs.plain_docx(tmp_path / "通知.docx", ["通知的正文。"]).read_bytes()

    def imported(issue):
        staged = uploads.stage_docx(two, "通知.docx", data)
        return tasks.import_word(two, [staged], issue, "评建动态", "张三", tasks.Job(1, "import", "张三"))["articles"][0]

    rel = imported("2024-07")["path"]
    said = imported("2024-08")["summary"]
    assert said == (f"通知.docx：以前导入过，在 2024-07 那一期，是草稿 {rel}；这次没有再导入（如果它属于这一期：打开那篇草稿，"
                    "点“移到另一期”选这一期，或者点“删除”；然后再导入）")
    moved = moving.move_article(two, rel, "2024-08", "张三", "编辑")   # (as it says: then 替换 works here)
    again = imported("2024-08")
    assert again["path"] == moved and "替换以前导入的草稿" in again["summary"]


def test_替换_of_a_draft_of_another_issue_names_the_buttons(two):
    from xiaokan.core.errors import ContentError
    from xiaokan.desk.editorial import tasks
    from xiaokan.desk.editorial.hints import for_desk
    from xiaokan.desk.importorigin import check_replaceable

    with pytest.raises(ContentError) as caught:
        check_replaceable(two / "content" / DRAFT, two / "content/2024-08")
    assert "移到这一期或者删掉" in caught.value.render()   # (the command line's words: files)
    shown = tasks.problem(for_desk(caught.value))["text"]
    assert "打开那篇草稿，点“移到另一期”选这一期，或者点“删除”；然后再导入" in shown, shown


def test_a_file_anything_else_names_is_never_taken_with_the_article(two):
    """(Attack pass: a draft naming the issue's cover, a picture another article names %-encoded or from
    another issue, or a name inside a longer one took that file with it, and the build then failed.)"""
    content = two / "content"
    for name in ("cover.png", "校园 照片.png", "a.png", "used-elsewhere.png"):
        (content / "2024-07" / name).write_bytes(PNG + name.encode())
    issue = content / "2024-07/issue.yaml"
    issue.write_text(issue.read_text(encoding="utf-8") + "封面: cover.png\n", encoding="utf-8")
    write(two, "content/2024-07/04-other.md", "---\ntitle: 他山之石一篇\nsection: 他山之石\ndate: 2024-07-03\n---\n"
          "别处的经验。\n\n![共用](shared.png)\n\n![校园](校园%20照片.png)\n")
    write(two, "content/2024-08/01-later.md", "---\ntitle: 八月\nsection: 新闻政策\n---\n![旧图](../2024-07/used-elsewhere.png)\n")
    write(two, "content/2024-07/03-draft.md", "---\ntitle: 草稿\nsection: 他山之石\ndraft: true\n---\n"
          "![封面](cover.png) ![校园](<校园 照片.png>) ![数据](data.png) ![旧图](used-elsewhere.png) ![自己的](draft-1.png)\n")
    assert moving.delete_article(two, DRAFT, "张三", "编辑") == ["draft-1.png"]
    for name in ("cover.png", "校园 照片.png", "a.png", "used-elsewhere.png", "shared.png"):
        assert (content / "2024-07" / name).is_file(), name


def test_a_deletion_is_brought_back_once_and_a_move_is_no_deletion(two):
    """(Attack pass: the same 恢复 twice made two copies of the article; the id of a move put the article
    in both issues.)"""
    moving.delete_article(two, DRAFT, "张三", "编辑")
    version = moving.deleted(two)[0]["id"]
    assert moving.undelete(two, DRAFT, version, "李四", "编辑") == DRAFT
    before = snapshot(two / "content")
    with pytest.raises(ContentError, match="没有删除过的文章"):
        moving.undelete(two, DRAFT, version, "李四", "编辑")
    moved = moving.move_article(two, DRAFT, "2024-08", "李四", "编辑")
    move = history.versions(two, moved)[0].id
    before = snapshot(two / "content")
    with pytest.raises(ContentError, match="没有删除过的文章"):
        moving.undelete(two, DRAFT, move, "李四", "编辑")
    assert snapshot(two / "content") == before


def test_an_article_deleted_meanwhile_is_said_to_be_gone_not_a_failure(two):
    moving.delete_article(two, DRAFT, "张三", "编辑")
    for late in (lambda: moving.delete_article(two, DRAFT, "李四", "编辑"),
                 lambda: moving.move_article(two, DRAFT, "2024-08", "李四", "编辑")):
        with pytest.raises(ContentError, match="可能被移走或删除了"):
            late()


def test_恢复_never_writes_through_a_link_that_points_out_of_content(two, tmp_path):
    """(Attack pass: a dangling link named as the deleted article's picture made 恢复 write the picture
    where the link pointed, outside content/.)"""
    moving.delete_article(two, DRAFT, "张三", "编辑")
    outside = tmp_path / "outside" / "planted.png"
    outside.parent.mkdir()
    (two / "content/2024-07/draft-1.png").symlink_to(outside)
    moving.undelete(two, DRAFT, moving.deleted(two)[0]["id"], "李四", "编辑")
    assert (two / "content" / DRAFT).is_file() and not outside.exists()


def test_an_article_others_link_to_is_not_deleted_or_moved_from_under_their_links(two):
    """(Attack pass: 01-first linked to 02-second.md; deleting or moving 02-second answered 200 and the next
    生成网站 stopped at the broken link.)"""
    write(two, "content/2024-08/01-later.md", "---\ntitle: 八月\nsection: 新闻政策\ndraft: true\n---\n见[上一期](../2024-07/03-draft.md)。\n")
    before = snapshot(two / "content")
    for attempt in (lambda: moving.delete_article(two, DRAFT, "张三", "编辑"),
                    lambda: moving.move_article(two, DRAFT, "2024-08", "张三", "编辑")):
        with pytest.raises(ContentError, match="(?s)2024-08/01-later.md 链接到这篇文章.*先在那些文章里改掉或删掉这个链接"):
            attempt()
    assert snapshot(two / "content") == before


def test_an_article_is_not_moved_into_an_issue_where_its_address_is_taken(two):
    """(Attack pass: a draft with 地址: draft moved beside an article of that address: two pages, one address.)"""
    write(two, "content/2024-08/01-draft.md", "---\ntitle: 八月的草稿\nsection: 新闻政策\ndraft: true\n---\n正文。\n")
    before = snapshot(two / "content")
    with pytest.raises(ContentError, match="(?s)2024-08 这一期的 01-draft.md 的网址也是 'draft'.*先改这篇文章的“地址”"):
        moving.move_article(two, DRAFT, "2024-08", "张三", "编辑")
    assert snapshot(two / "content") == before
