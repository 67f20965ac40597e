"""编辑部 against an attacker's requests (a review's findings): what the desk lets an account do must be
what the build then does, and nothing it serves may lead out of its own folders or this site."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_editorial_http import PORT, Browser, logged_in

from xiaokan.core.i18n import _
from xiaokan.desk.editorial import accounts, app


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


LOGIN_PAGE = "http://127.0.0.1:8000/%E7%BC%96%E8%BE%91%E9%83%A8/login"
# login.js run by node with what it uses of a page (the form, fetch, location), once per ?next=.
LOGIN_RUN = """
let submit;
const field = {addEventListener: (kind, handler) => { submit = handler; }, value: "", textContent: "", select() {}};
globalThis.document = {getElementById: () => field};
globalThis.fetch = async () => ({ok: true});
require(process.argv[1]);
(async () => {
  const landed = [];
  for (const query of JSON.parse(process.argv[2])) {
    globalThis.location = {search: "?next=" + query, href: process.argv[3] + "?next=" + query,
                           origin: new URL(process.argv[3]).origin};
    await submit({preventDefault() {}});
    landed.push(location.href);
  }
  console.log(JSON.stringify(landed));
})();
"""


def test_the_login_page_goes_back_only_to_an_address_of_this_site():
    script = Path(app.__file__).with_name("static") / "login.js"
    away = ["/%09/evil.example/phish", "/%0A/evil.example", "/%0d%09/evil.example", "//evil.example", "/%5Cevil.example",
            "https://evil.example/", "javascript:alert(1)", "%2F%2Fevil.example", "evil.example"]
    home = ["/2024-07/first/?x=1", "/%E7%BC%96%E8%BE%91%E9%83%A8/site/print/a.pdf", ""]
    ran = subprocess.run([shutil.which("node"), "-e", LOGIN_RUN, str(script), json.dumps(away + home), LOGIN_PAGE],
                         capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(ran.stdout) == ["./"] * len(away) + [
        "http://127.0.0.1:8000/2024-07/first/?x=1", "http://127.0.0.1:8000/%E7%BC%96%E8%BE%91%E9%83%A8/site/print/a.pdf", "./"]


@pytest.fixture
def desk_browser(mini):
    b = Browser(app.Desk(mini, "127.0.0.1", PORT))
    assert b.open_desk() == 200
    return b


def test_a_link_in_print_to_a_file_elsewhere_is_not_served(desk_browser, mini, tmp_path):
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.7 root:x:0:0")
    (mini / "print").mkdir(exist_ok=True)
    (mini / "print/xiaokan-evil.pdf").symlink_to(secret)
    (mini / "print/xiaokan-2024-07.pdf").write_bytes(b"%PDF-1.7 the issue")
    assert desk_browser.call("GET", "/desk/print/xiaokan-evil.pdf")[0] == 404
    assert desk_browser.call("GET", "/desk/print/xiaokan-2024-07.pdf") == (200, b"%PDF-1.7 the issue")


@pytest.mark.parametrize("name", ["%00", "a%00.html", "a" * 5000, "x/" * 3000, "print/xiaokan-%00.pdf"])
def test_a_name_no_file_can_have_is_a_404_in_chinese(desk_browser, name):
    place = "" if name.startswith("print/") else "site/"
    status, reply = desk_browser.call("GET", f"/desk/{place}{name}".replace("%00", "\0"))
    assert status == 404 and reply["error"] == _("there is no such page in the desk")


def _alias_bomb(key: str) -> str:
    """1.4 KB of YAML whose aliases stand for 9⁷ strings (4.8 million) under key."""
    lines = ["a: &a [" + ", ".join(["xxxxxxxx"] * 9) + "]"]
    lines += [f"{this}: &{this} [" + ", ".join([f"*{last}"] * 9) + "]" for last, this in zip("abcdef", "bcdefg")]
    return "---\ntitle: 炸弹\nsection: 他山之石\ndraft: true\n" + "\n".join(lines) + f"\n{key}: *g\n---\n正文\n"


@pytest.mark.parametrize("key", ["作者", "标签", "标题"])
def test_an_alias_bomb_in_the_front_matter_is_never_expanded_by_the_form(desk_browser, mini, key):
    path = mini / "content/2024-07/03-draft.md"
    path.write_text(_alias_bomb(key), encoding="utf-8")
    status, article = desk_browser.call("GET", "/desk/api/article?path=2024-07/03-draft.md")
    assert status == 200 and article["fields"] is None and article["body"] == _alias_bomb(key)   # (edited as text)
    assert len(desk_browser.call("GET", "/desk/api/board")[1].__repr__()) < 100_000


def test_an_alias_bomb_as_草稿_is_refused_in_a_few_words(editor, mini):
    status, reply = _as_whole_file(editor, "2024-07/03-draft.md", _alias_bomb("草稿").replace("draft: true\n", ""))
    assert status == 400 and "是 或 否" in reply["error"] and len(reply["error"]) < 1000


@pytest.mark.parametrize("sent, kept", [("CON.csv", "CON_.csv"), ("nul.csv", "nul_.csv"), ("com1.csv", "com1_.csv"),
                                        ("LPT¹.csv", "LPT¹_.csv"), ("aux.2024.csv", "aux_.2024.csv"),
                                        ("console.csv", "console.csv"), ("计划CON.csv", "计划CON.csv")])
def test_an_upload_named_like_a_windows_device_is_renamed(desk_browser, mini, sent, kept):
    """(Windows opens the device CON, NUL, COM1 … for a file of that name, whatever its suffix.)"""
    from urllib.parse import quote

    status, reply = desk_browser.call("POST", f"/desk/api/upload?kind=csv&path=2024-07/01-first.md&name={quote(sent)}",
                                      raw=b"a,b\n1,2\n")
    assert status == 200 and reply["name"] == kept and (mini / "content/2024-07" / kept).is_file()


def test_a_word_file_named_like_a_windows_device_is_staged_renamed(desk_browser):
    import io
    import zipfile

    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    status, reply = desk_browser.call("POST", "/desk/api/upload?kind=docx&name=nul.docx", raw=docx.getvalue())
    assert status == 200 and reply["name"] == "nul_.docx"


@pytest.mark.parametrize("summary", [
    "摘要: |\n  第一段。\n\n  第二段。\n",               # a block text with two paragraphs
    "摘要: >\n  第一段，\n\n  第二段。\n",               # folded
    '摘要: "第一段。\n\n  第二段。"\n',                  # quoted, a blank line inside
    '摘要: "第一段，\n第二段。"\n',                      # quoted, continued at the margin
])
def test_a_summary_of_several_lines_changed_in_the_form_is_replaced_whole(desk_browser, mini, summary):
    """(The form replaced the key's line only: the old second paragraph stayed in the new 摘要, or the
    front matter could not be read and the save was refused at a line the editor never wrote.)"""
    path = mini / "content/2024-07/03-draft.md"
    path.write_text(path.read_text(encoding="utf-8").replace("slug: draft\n", "slug: draft\n" + summary + "# 以下不动\n"),
                    encoding="utf-8")
    article = desk_browser.call("GET", "/desk/api/article?path=2024-07/03-draft.md")[1]
    assert "第二段" in article["fields"]["summary"]
    status, _reply = desk_browser.call("PUT", "/desk/api/article", {
        "path": "2024-07/03-draft.md", "fields": {**article["fields"], "summary": "新的摘要"}, "body": article["body"],
        "digest": article["digest"]})
    reopened = desk_browser.call("GET", "/desk/api/article?path=2024-07/03-draft.md")[1]
    assert status == 200 and reopened["fields"]["summary"] == "新的摘要" and reopened["fields"]["draft"] is True
    assert "第二段" not in path.read_text(encoding="utf-8") and "# 以下不动\n" in path.read_text(encoding="utf-8")
