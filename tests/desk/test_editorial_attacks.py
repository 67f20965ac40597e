"""编辑部 against an attacker's requests (a review's findings): what the desk lets an account do must be
what the build then does, and nothing it serves may lead out of its own folders or this site."""
from __future__ import annotations

import pytest

from xiaokan.desk.editorial import accounts, app

from test_editorial_http import PORT, logged_in


@pytest.fixture
def editor(mini):
    """A browser logged in as an 编辑 (who may not publish: 终审 is the 主编's)."""
    accounts.add_account(mini, "小编", "编辑", "correct horse")
    return logged_in(app.mount(mini, "127.0.0.1", PORT, lambda m: None), "小编", "correct horse")


def _as_whole_file(browser, rel: str, text: str):
    article = browser.call("GET", f"/desk/api/article?path={rel}")[1]
    return browser.call("PUT", "/desk/api/article", {"path": rel, "fields": None, "body": text,
                                                     "digest": article["digest"]})


@pytest.mark.parametrize("mark", ["", "\ufeff"])
def test_an_editor_cannot_publish_a_draft_behind_a_byte_order_mark(editor, mini, mark):
    path = mini / "content/2024-07/03-draft.md"
    before = path.read_bytes()
    status, reply = _as_whole_file(editor, "2024-07/03-draft.md", mark + before.decode().replace("draft: true", "草稿: false"))
    assert status == 403 and "草稿" in reply["error"] and path.read_bytes() == before


@pytest.mark.parametrize("text, said", [("标题: 无开头\n---\n正文\n", "---"),
                                        ("---\ntitle: [没关上\ndraft: true\n---\n正文\n", ":2:"),
                                        ("\ufeff\ufeff---\ntitle: x\ndraft: true\n---\n", "---")])
def test_an_editor_cannot_save_a_front_matter_the_build_cannot_read(editor, mini, text, said):
    """(It would stop 生成网站 for everyone: the build reads a draft's front matter too.)"""
    path = mini / "content/2024-07/03-draft.md"
    before = path.read_bytes()
    status, reply = _as_whole_file(editor, "2024-07/03-draft.md", text)
    assert status == 400 and said in reply["error"] and "生成网站" in reply["error"] and path.read_bytes() == before
    fixed = before.decode().replace("秘密的草稿正文", "改好的草稿正文")
    assert _as_whole_file(editor, "2024-07/03-draft.md", fixed)[0] == 200
