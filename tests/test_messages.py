"""Editors read Chinese: every command, as README documents it, speaks Chinese by default (gettext,
xiaokan/locale/zh_CN); the English ids stay available as a catalogue of their own (XIAOKAN_LANG=en)."""
from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT, get, run_build, running_server, wait_for, write

LANGUAGE = "zh_CN"


def test_the_catalogue_translates_every_message_and_is_compiled():
    check = subprocess.run([sys.executable, str(ROOT / "scripts/messages.py"), "--check"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_an_error_names_the_file_and_line_in_chinese_and_keeps_output(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    write(mini, "content/2024-07/05-bad.md", "---\n标题: 坏文章\n栏目: 评建动太\n---\n正文。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 1
    assert "错误：" in result.stderr and "05-bad.md:3: 栏目 '评建动太' 不是本站的栏目" in result.stderr
    assert "→ 是不是想写 评建动态？" in result.stderr
    assert "共 1 个问题；output/ 保持原样，没有改动。" in result.stderr


def test_build_check_and_warnings_speak_chinese(mini):
    write(mini, "content/2024-07/05-a.md", "---\n标题: 一篇\n栏目: 新闻政策\n作着: 张三\n---\n正文。\n")
    built = run_build(mini, "build", "--no-pdf")
    assert built.code == 0
    assert "05-a.md:4：警告：不认识的设置项 `作着`，已忽略" in built.stderr
    assert "已生成 1 期、4 篇文章" in built.stderr
    checked = run_build(mini, "check")
    assert checked.code == 0 and "内容没有问题（" in checked.stderr


def test_check_counts_warnings_and_notices_and_names_draft_problems_in_chinese(mini):
    write(mini, "content/2024-07/05-a.md", "---\n标题: 一篇\n栏目: 新闻政策\n作着: 张三\n---\n正文。\n")
    write(mini, "content/2024-07/unused.pdf", "%PDF-1.4\n")
    checked = run_build(mini, "check")
    assert checked.code == 0 and "内容没有问题（1 个警告，2 条提示）" in checked.stderr
    draft = mini / "content/2024-07/03-draft.md"
    draft.write_text(draft.read_text(encoding="utf-8").replace("他山之石", "他山之实"), encoding="utf-8")
    checked = run_build(mini, "check")
    assert checked.code == 1
    assert "错误（草稿）：" in checked.stderr and "03-draft.md:3: 栏目 '他山之实' 不是本站的栏目" in checked.stderr
    assert "共发现 1 个问题，其中 1 个在草稿里" in checked.stderr


def test_messages_say_生成_and_quote_commands_as_readme_does():
    catalogue = (ROOT / "xiaokan/locale/zh_CN/LC_MESSAGES/xiaokan.po").read_text(encoding="utf-8")
    translations = [line for line in catalogue.splitlines() if line.startswith("msgstr")]
    assert not [line for line in translations if "构建" in line]   # programmers' word; editors read 生成
    bare = [line for line in translations if "build.py " in line and ".venv/bin/python build.py " not in line]
    assert not bare, bare   # Debian has no `python`: README writes .venv/bin/python build.py …


def test_help_is_chinese(mini):
    result = run_build(mini, "--help")
    assert "生成网站和 PDF，网站写到 output/" in result.stderr
    assert "把 Word 文件（.docx）导入为某一期的草稿文章" in result.stderr
    # every command's own help names what to type in Chinese: 期文件夹名, 栏目, 文件, not ISSUE, SECTION, FILE
    for command in ("build", "pdf", "serve", "new", "new-issue", "import", "wechat", "deploy", "desk-user"):
        usage = run_build(mini, command, "--help").stderr
        assert re.search(r"\b[A-Z][A-Z-]{2,}\b", usage.replace("PDF", "").replace("Word", "")) is None, usage
    usage = run_build(mini, "import", "--help").stderr
    assert "--issue 期文件夹名" in usage and "--section 栏目" in usage and "文件 [文件 ...]" in usage
    assert "期号" not in usage   # (期号 is the year's number of an issue, 本年期号, not its folder)


def test_print_preflight_and_wechat_messages_are_chinese(mini):
    write(mini, "content/2024-07/05-c.md", "---\n标题: 图注\n栏目: 新闻政策\n---\n一段。\n\n图2 会议现场\n{: .caption }\n")
    result = run_build(mini, "pdf")
    assert "05-c.md:7：警告：图注“图2 会议现场”的位置应该有照片，但上面没有照片" in result.stderr
    assert "个页，" not in result.stderr and " 页，" in result.stderr   # (the PDF's status line too)
    assert "base_url 还是示例地址 https://news.example.edu.cn/kan/，所以 PDF 里没有二维码" in result.stderr
    wechat = run_build(mini, "wechat", "2024-07/no-such")
    assert wechat.code == 1 and "没有 '2024-07/no-such' 这篇文章" in wechat.stderr


def test_the_preview_shows_its_error_overlay_in_chinese(mini):
    with running_server(mini) as (base, _):
        article = mini / "content/2024-07/01-first.md"
        article.write_text(article.read_text(encoding="utf-8").replace("栏目: 新闻政策", "栏目: 新闻证策"),
                           encoding="utf-8")
        wait_for(lambda: "生成出错" in get(base + "/2024-07/")[1], 60)
        page = get(base + "/2024-07/")[1]
        assert "栏目 &#x27;新闻证策&#x27; 不是本站的栏目" in page and "修改后保存即可自动恢复" in page
    log = (mini.parent / "serve.log").read_text(encoding="utf-8")
    assert "预览（含草稿）：http://127.0.0.1:" in log and "网站显示的是上一次成功的版本" in log


def test_an_english_catalogue_stays_possible(mini, monkeypatch):
    monkeypatch.setenv("XIAOKAN_LANG", "en")
    write(mini, "content/2024-07/05-bad.md", "---\n标题: 坏文章\n栏目: 评建动太\n---\n正文。\n")
    result = run_build(mini, "build", "--no-pdf")
    assert "栏目 '评建动太' is not a section of this site" in result.stderr and "did you mean 评建动态?" in result.stderr


def test_a_mistyped_command_is_answered_in_chinese(mini):
    result = run_build(mini, "bild")
    assert result.code == 2
    assert "用法：build.py" in result.stderr and "没有 'bild' 这个命令" in result.stderr
    missing = run_build(mini, "import")
    assert "缺少这些参数：文件, --issue, --section" in missing.stderr


# Messages that were English inside Chinese (an f-string or a literal passed around _()); the scan of
# tests/test_untranslated.py keeps the class from coming back, these show what the editor now reads.

def test_a_gbk_file_is_explained_in_chinese_in_check_and_build(mini):
    write(mini, "content/2024-07/05-gbk.md", "---\n标题: 编码\n栏目: 新闻政策\n---\n中文正文\n", encoding="gbk")
    for command in (("check",), ("build", "--no-pdf")):
        result = run_build(mini, *command)
        assert result.code == 1
        assert "05-gbk.md:2: 这个文件不是 UTF-8 文本" in result.stderr, result.stderr
        assert "→ 这个文件像是 GB18030（GBK）编码；请另存为 UTF-8" in result.stderr
        assert "looks like" not in result.stderr and "save it as" not in result.stderr


def test_an_unknown_key_and_a_table_column_are_explained_in_chinese(mini):
    write(mini, "content/2024-07/05-a.md", "---\n标题: 一篇\n栏目: 新闻政策\n作着: 张三\n---\n正文。\n")
    result = run_build(mini, "check")
    assert "05-a.md:4：警告：不认识的设置项 `作着`，已忽略；是不是想写 `作者`？" in result.stderr
    assert "did you mean" not in result.stderr
    write(mini, "content/2024-07/t.csv", "单位,人数\n教务处,3\n")
    write(mini, "content/2024-07/06-t.md", '---\n标题: 表\n栏目: 新闻政策\n---\n{{< 表格 文件="t.csv" 合并="省份" >}}\n')
    result = run_build(mini, "check")
    assert "→ CSV 的列是：单位、人数" in result.stderr and "the columns are" not in result.stderr


def test_an_output_folder_with_other_files_and_a_bad_port_are_explained_in_chinese(mini, tmp_path):
    other = tmp_path / "other"
    write(other, "keep.txt", "mine")
    result = run_build(mini, "build", "--no-pdf", "--output", str(other))
    assert result.code == 1 and "或者先把这个文件夹清空" in result.stderr and "empty this folder" not in result.stderr
    port = run_build(mini, "serve", "--port", "99999")
    assert port.code == 2 and "'99999' 不是端口号（1 到 65535），例如 --port 8080" in port.stderr


def test_a_deploy_of_an_unchanged_site_says_网站没有变化(mini, tmp_path):
    assert run_build(mini, "build", "--no-pdf").code == 0
    target = str(tmp_path / "www")
    assert run_build(mini, "deploy", "--target", target).code == 0
    again = run_build(mini, "deploy", "--target", target)
    assert again.code == 0 and "网站没有变化" in again.stderr and "加 --force" in again.stderr
    windows = run_build(mini, "deploy", "--target", "C:\\www")
    assert windows.code == 1 and "发布目标“C:\\www”是 Windows 的路径" in windows.stderr and "/mnt/c/www" in windows.stderr
    assert "{{" not in windows.stderr and "\\\\" not in windows.stderr


def test_a_wrong_role_is_said_to_be_a_role_and_a_wrong_action_is_matched(mini):
    role = run_build(mini, "desk-user", "add", "王五", "--role", "主任")
    assert role.code == 2 and "'主任' 不是编辑部的角色：角色有 编辑（编稿、初审）、审核（另可复审、退回）和 主编（另可终审、发布、回滚）" in role.stderr
    assert "这个命令" not in role.stderr, role.stderr
    action = run_build(mini, "desk-user", "ad", "王五")
    assert action.code == 2 and "desk-user 没有 'ad' 这个操作；是不是想写 add？" in action.stderr, action.stderr
    assert not (mini / ".desk/users.json").exists()


def test_only_the_commands_that_write_output_say_output_was_left_as_it_was(mini):
    assert run_build(mini, "build", "--no-pdf").code == 0
    untouched = "output/ 保持原样，没有改动。"
    cases = {   # the command that fails, and the last line it may say
        ("wechat", "2024-07/no-such"): None,
        ("new", "--section", "评建动太", "--issue", "2024-07", "标题"): None,
        ("new-issue", "2024-07"): None,
        ("import", "missing.docx", "--issue", "2024-07", "--section", "评建动态"): None,
        ("desk-user", "remove", "没有这个人"): None,
        ("pdf", "2024-07", "--proof", "--strict"): None,   # (a proof is never printed: --strict with it is refused)
        ("pdf", "2099-01", "--proof"): None,
        ("deploy",): "线上网站保持原样。",
        ("pdf", "2099-01"): untouched,
    }
    for argv, last in cases.items():
        result = run_build(mini, *argv)
        assert result.code == 1, (argv, result.stderr)
        assert ("output/" in result.stderr) == (last == untouched), (argv, result.stderr)
        if last:
            assert result.stderr.rstrip().endswith(last), (argv, result.stderr)
    write(mini, "content/2024-07/01-first.md", "---\n标题: 坏\n栏目: 新闻证策\n---\n正文\n")
    for argv, says in ((("build", "--no-pdf"), True), (("check",), False), (("pdf", "2024-07", "--proof"), False)):
        result = run_build(mini, *argv)
        assert result.code == 1 and "新闻证策" in result.stderr and ("output/" in result.stderr) == says, (argv, result.stderr)


def test_a_mistyped_article_or_issue_is_answered_with_the_closest_one(mini):
    wechat = run_build(mini, "wechat", "content/2024-07/05-first.md")
    assert wechat.code == 1 and "没有 'content/2024-07/05-first.md' 这篇文章" in wechat.stderr
    assert "是不是想写 content/2024-07/01-first.md？" in wechat.stderr, wechat.stderr
    assert "是不是想写 2024-07/first？" in run_build(mini, "wechat", "2024-07/frist").stderr
    new = run_build(mini, "new", "--section", "评建动态", "--issue", "2024-7", "标题")
    assert new.code == 1 and "是不是想写 2024-07？" in new.stderr and "new-issue 2024-7" in new.stderr, new.stderr


def test_deploy_without_a_target_sends_the_editor_to_the_commented_deploy_lines(mini):
    """The sample's site.yaml carries `# deploy:` commented out: the message names that line, not 'add deploy:'."""
    assert run_build(mini, "build", "--no-pdf").code == 0
    result = run_build(mini, "deploy")
    assert result.code == 1 and "在 site.yaml 里加上 `deploy:`" in result.stderr, result.stderr
    text = (mini / "site.yaml").read_text(encoding="utf-8")
    write(mini, "site.yaml", text + "# 发布：把下面几行前面的 # 去掉\n# deploy:\n#   target: www@host:/srv/www\n")
    result = run_build(mini, "deploy")
    line = text.count("\n") + 2
    assert result.code == 1 and f"site.yaml:{line}: 没有设置发布目标" in result.stderr, result.stderr
    assert "去掉这一行起 deploy: 几行开头的 # 和空格" in result.stderr


def test_new_and_new_issue_say_what_they_made_in_chinese(mini):
    made = run_build(mini, "new-issue", "2024-09").stderr
    assert made.startswith("已新建一期") and made.strip().endswith("content/2024-09/issue.yaml"), made
    made = run_build(mini, "new", "--section", "评建动态", "--issue", "2024-09", "测试标题").stderr
    assert made.startswith("已新建草稿") and "草稿: true 改成 false" in made and made.strip().endswith(".md"), made
