"""A Word file put in place of its draft (替换) removes the draft's pictures no article names any more;
restoring that draft's earlier version from 历史版本 must bring its pictures back with its text."""
from __future__ import annotations

import io
import json
from pathlib import Path

import worddocs
from xiaokan.builder import BuildOptions, build
from xiaokan.desk.editorial import articles, history, routes, tasks, uploads
from xiaokan.desk.editorial.app import Desk
from xiaokan.desk.editorial.wsgi import Request


def picture_docx(path: Path, colour: tuple[int, int, int], text: str) -> bytes:
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph("评议会通知", style="Title")
    document.add_paragraph(text)
    document.add_picture(io.BytesIO(worddocs.photo(colour)), width=Cm(12))
    document.add_paragraph("图1 会场")
    document.save(path)
    return path.read_bytes()


def test_restoring_the_version_a_replacement_left_brings_back_its_pictures(mini, tmp_path):
    first = uploads.stage_docx(mini, "评议会.docx", picture_docx(tmp_path / "a.docx", (180, 40, 30), "第一版的正文。"))
    [made] = tasks.import_word(mini, [first], "2024-07", "新闻政策", "主编", tasks.Job(1, "import", "主编"))["articles"]
    rel = made["path"]
    draft = mini / "content" / rel
    pictures = sorted(p.name for p in draft.parent.glob("*.png"))
    assert pictures, "the first version has its picture"
    revised = uploads.stage_docx(mini, "评议会（修改稿）.docx",
                                 picture_docx(tmp_path / "b.docx", (30, 80, 160), "第二版的正文，换了照片。"))
    assert tasks.import_word(mini, [revised], "2024-07", "新闻政策", "主编", tasks.Job(2, "import", "主编"))["articles"][0]["held"]
    tasks.import_word(mini, [revised], "2024-07", "新闻政策", "主编", tasks.Job(3, "import", "主编"), replace=True)
    assert "第二版的正文" in draft.read_text(encoding="utf-8")
    old = next(v for v in history.versions(mini, rel) if "第一版的正文" in history.text_at(mini, rel, v.id).decode())
    old_text = history.text_at(mini, rel, old.id).decode()
    gone = [name for name in pictures if name in old_text and not (draft.parent / name).exists()]
    assert gone, "the replacement removed the first version's picture"
    desk = Desk(mini, "127.0.0.1", 8000)
    digest = articles.open_article(mini, rel).digest
    request = Request("POST", "/api/restore", {}, {}, json.dumps({"path": rel, "id": old.id, "digest": digest}).encode(),
                      "127.0.0.1")
    request.session = desk.sessions.start("主编", "主编")
    answer = routes.ROUTES[("POST", "/api/restore")](desk, request)
    assert answer.status.startswith("200") and json.loads(answer.body)["restored"] == gone, answer.body.decode()
    assert "第一版的正文" in draft.read_text(encoding="utf-8")
    for name in pictures:
        if name in old_text:
            assert (draft.parent / name).is_file(), (name, gone)
    # (without its picture the build stopped: ContentErrors naming the article's line and the missing file)
    report = build(mini, BuildOptions(pdf=False, drafts=True, out_dir=tmp_path / "site"), lambda message: None)
    assert report.articles >= 1 and any(p.name.startswith("ping-yi-hui-tong-zhi") for p in (tmp_path / "site").rglob("*.*"))
