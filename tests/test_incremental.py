"""Rebuilds do only the work they need, and always give what a clean build gives."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from helpers import run_build, snapshot, write


def mtimes(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def rebuilt(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, mtime in after.items() if before.get(path) != mtime}


def clean_build(site: Path, tmp_path: Path) -> dict[str, bytes]:
    """What a build from scratch (no cache, no previous output) gives for the same inputs."""
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("output", ".cache", ".build.lock"))
    assert run_build(fresh, "build", "--no-pdf").code == 0
    return snapshot(fresh / "output")


def build(site: Path) -> dict[str, int]:
    result = run_build(site, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    return mtimes(site / "output")


def test_no_change_rebuild_rewrites_nothing(mini):
    first = build(mini)
    assert rebuilt(first, build(mini)) == set()


@pytest.mark.parametrize("edit,expected", [
    # a word in the body: the article, and the lists that show its opening words
    (lambda t: t.replace("这是第一段", "这是改过的第一段"),
     {"2024-07/first/index.html", "2024-07/index.html", "index.html", "sections/news/index.html", "feed.xml",
      "tags/zhi-ye-ben-ke/index.html"}),
    # the title: also the neighbours' prev/next links, the archive, its social card; the sitemap stays
    (lambda t: t.replace("标题: 第一篇新闻", "标题: 改名的新闻"),
     {"2024-07/first/index.html", "cards/2024-07/first.jpg", "2024-07/second/index.html", "2024-07/other/index.html", "2024-07/index.html",
      "index.html", "sections/news/index.html", "feed.xml", "tags/zhi-ye-ben-ke/index.html", "issues/index.html"}),
])
def test_one_article_edit_rewrites_only_its_dependents(mini, tmp_path, edit, expected):
    first = build(mini)
    article = mini / "content/2024-07/01-first.md"
    article.write_text(edit(article.read_text(encoding="utf-8")), encoding="utf-8")
    changed = rebuilt(first, build(mini))
    search_index = {path for path in changed if path.startswith("search/data/")}
    assert changed - search_index == expected
    # the search index changes the edited issue's shard (a new name) and the directory naming it
    assert len(search_index) == 2 and "search/data/directory.json" in search_index
    assert snapshot(mini / "output") == clean_build(mini, tmp_path)


def test_a_build_into_another_folder_between_does_not_make_the_next_build_write_everything(mini, tmp_path):
    """The preview builds the drafts into .cache/preview on every save; it shared output/'s record of what
    was written, so the 生成网站 after an editing session wrote every page again (16 of 16 on mini)."""
    first = build(mini)
    article = mini / "content/2024-07/01-first.md"
    article.write_text(article.read_text(encoding="utf-8").replace("这是第一段", "这是改过的第一段"), encoding="utf-8")
    assert run_build(mini, "build", "--no-pdf", "--output", str(tmp_path / "elsewhere")).code == 0
    changed = {path for path in rebuilt(first, build(mini)) if not path.startswith("search/data/")}
    assert changed == {"2024-07/first/index.html", "2024-07/index.html", "index.html", "sections/news/index.html",
                       "feed.xml", "tags/zhi-ye-ben-ke/index.html"}


def test_template_change_rerenders_every_page_that_uses_it(mini, tmp_path):
    first = build(mini)
    write(mini, "templates/_macros.html", (mini / "templates/_macros.html").read_text(encoding="utf-8") + "\n")
    changed = rebuilt(first, build(mini))
    assert {"index.html", "2024-07/index.html", "sections/news/index.html"} <= changed
    assert "2024-07/first/index.html" not in changed   # article.html does not import _macros.html
    write(mini, "templates/base.html", (mini / "templates/base.html").read_text(encoding="utf-8").replace(
        "</footer>", "<p>新页脚</p></footer>"))
    build(mini)
    assert "新页脚" in (mini / "output/2024-07/first/index.html").read_text(encoding="utf-8")
    assert snapshot(mini / "output") == clean_build(mini, tmp_path)


def test_site_yaml_change_rebuilds_everything(mini):
    first = build(mini)
    write(mini, "site.yaml", (mini / "site.yaml").read_text(encoding="utf-8").replace("测试简报", "新名字简报"))
    after = build(mini)
    assert {p for p in first if p.endswith(".html")} <= rebuilt(first, after)
    assert "新名字简报" in (mini / "output/2024-07/second/index.html").read_text(encoding="utf-8")


def differing(site: Path, tmp_path: Path) -> list[str]:
    """Files of site's output/ that differ from a clean build of the same content (search index included)."""
    clean = clean_build(site, tmp_path)
    shutil.rmtree(tmp_path / "fresh")
    built = snapshot(site / "output")
    return sorted(path for path in built.keys() | clean.keys() if built.get(path) != clean.get(path))


def test_adding_deleting_and_renaming_articles_gives_a_clean_builds_output(mini, tmp_path):
    build(mini)
    write(mini, "content/2024-07/05-new.md", "---\n标题: 新文章\n栏目: 评建动态\n---\n新的正文。\n")
    build(mini)
    assert "新文章" in (mini / "output/2024-07/index.html").read_text(encoding="utf-8")
    assert differing(mini, tmp_path) == []   # (the re-indexed search index too)
    (mini / "content/2024-07/04-other.md").rename(mini / "content/2024-07/04-renamed.md")
    build(mini)
    assert (mini / "output/2024-07/renamed/index.html").is_file()
    assert differing(mini, tmp_path) == []
    write(mini, "content/2024-07/00-earliest.md", "---\n标题: 最前面\n栏目: 新闻政策\n---\n排在第一。\n")
    build(mini)
    assert differing(mini, tmp_path) == []
    (mini / "content/2024-07/05-new.md").unlink()
    build(mini)
    assert not (mini / "output/2024-07/new").exists()
    assert differing(mini, tmp_path) == []


def test_cache_is_safe_to_delete_or_damage(mini, tmp_path):
    build(mini)
    (mini / ".cache/build/manifest.json").write_text("{not json", encoding="utf-8")
    build(mini)
    shutil.rmtree(mini / ".cache")
    build(mini)
    assert snapshot(mini / "output") == clean_build(mini, tmp_path)


def test_a_hand_edited_output_file_is_replaced(mini):
    build(mini)
    page = mini / "output/2024-07/first/index.html"
    page.write_text("tampered", encoding="utf-8")
    build(mini)
    assert "第一篇新闻" in page.read_text(encoding="utf-8")
    assert (mini / "output/.xiaokan-output").is_file()   # (one page put back in place: the marker deploy looks for stays)


def test_changed_image_is_copied_again(mini):
    image = mini / "content/2024-07/photo.png"
    write(mini, "content/2024-07/05-photo.md", "---\n标题: 图\n栏目: 新闻政策\n---\n![实训室](photo.png)\n")
    Image.new("RGB", (30, 20), (255, 0, 0)).save(image)
    build(mini)
    Image.new("RGB", (30, 20), (0, 0, 255)).save(image)
    build(mini)
    assert (mini / "output/2024-07/photo.png").read_bytes() == image.read_bytes()


def test_a_moved_project_keeps_its_pdf_and_digital_edition(mini_with_pdf, tmp_path):
    mini = mini_with_pdf
    assert run_build(mini, "build").code == 0
    edition = snapshot(mini / "output/edition")
    (tmp_path / "elsewhere").mkdir()
    moved = mini.rename(tmp_path / "elsewhere" / "mini")
    result = run_build(moved, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert snapshot(moved / "output/edition") == edition   # the 数字报 is still published
    assert "not published any more" not in result.stderr


def test_a_fresh_clone_with_the_cache_restored_keeps_its_pdf(mini, tmp_path):
    """A clone gives every file a new modification time (CI restoring .cache/ into a fresh checkout):
    the print key counts files by their bytes, so the PDF and its 数字报 are still found."""
    write(mini, "content/2024-07/y.csv", "年度,设置数\n2019年,15\n2020年,8\n")
    write(mini, "content/2024-07/05-table.md", '---\n标题: 表\n栏目: 评建动态\n---\n{{< 表格 文件="y.csv" >}}\n')
    Image.new("RGB", (40, 30), (200, 0, 0)).save(mini / "content/2024-07/photo.png")
    write(mini, "content/2024-07/06-photo.md", "---\n标题: 图\n栏目: 评建动态\n---\n![会场](photo.png)\n")
    assert run_build(mini, "build").code == 0
    edition = snapshot(mini / "output/edition")
    clone = tmp_path / "clone"
    shutil.copytree(mini, clone, copy_function=shutil.copy, ignore=shutil.ignore_patterns("output"))   # (new times)
    shutil.rmtree(clone / ".cache")
    shutil.copytree(mini / ".cache", clone / ".cache")
    result = run_build(clone, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert snapshot(clone / "output/edition") == edition


def published_pages(site: Path) -> set[str]:
    return {p.relative_to(site / "output").as_posix() for p in (site / "output").rglob("*") if p.suffix in (".html", ".pdf")}


def test_a_build_that_drops_published_pages_says_so(mini_with_pdf):
    mini = mini_with_pdf
    assert run_build(mini, "build").code == 0
    before = published_pages(mini)
    shutil.rmtree(mini / ".cache/pdf")   # (a PDF cache miss: no PDF, so no 数字报 with --no-pdf)
    result = run_build(mini, "build", "--no-pdf")
    assert result.code == 0, result.stderr
    assert not (mini / "output/edition").exists()
    gone = sorted(before - published_pages(mini))
    [warning] = [line for line in result.stderr.splitlines() if "not published any more" in line]
    assert f"warning: {len(gone)} page(s)" in warning and "edition/2024-07/" in warning and "…" in warning
    again = run_build(mini, "build", "--no-pdf")
    assert "not published any more" not in again.stderr   # said once, by the build that dropped them


def test_template_references_are_remembered_across_builds_and_a_damaged_record_is_ignored(tmp_path, monkeypatch):
    """A rebuild does not parse the templates again to know what each pulls in (.cache/build/
    template-references.json, by the template's source), and still sees a change to one it pulls in."""
    import jinja2

    import xiaokan.core.fingerprints as fingerprints

    templates = {"page.html": "{% extends 'base.html' %}{% block b %}页{% endblock %}", "base.html": "{% block b %}{% endblock %}"}
    env = jinja2.Environment(loader=jinja2.DictLoader(templates))
    digests = fingerprints.TemplateDigests(env, tmp_path)
    first = digests("page.html")
    digests.save()
    parsed = []
    monkeypatch.setattr(fingerprints, "_references", lambda env, name, source: parsed.append(name) or [])
    assert fingerprints.TemplateDigests(env, tmp_path)("page.html") == first and parsed == []
    templates["base.html"] = "<main>{% block b %}{% endblock %}</main>"
    assert fingerprints.TemplateDigests(env, tmp_path)("page.html") != first and parsed == ["base.html"]   # (only the new source)
    parsed.clear()
    (tmp_path / "template-references.json").write_text('{"x": 1, ', encoding="utf-8")
    fingerprints.TemplateDigests(env, tmp_path)("page.html")
    assert parsed == ["page.html"]   # (read again from the template)
