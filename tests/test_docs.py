"""The documents that promise behaviour point at tests that exist."""
from __future__ import annotations

import re
import shutil

from helpers import ROOT


def _defined_tests() -> set[str]:
    names = set()
    for path in (ROOT / "tests").rglob("*.py"):
        names.update(re.findall(r"^\s*def (test_\w+)", path.read_text(encoding="utf-8"), flags=re.M))
    return names


def test_every_test_named_in_the_reliability_table_exists():
    """Each test the table names exists (a name cut short with … names the tests it begins)."""
    defined = _defined_tests()
    missing = []
    for row in (ROOT / "docs/reliability.md").read_text(encoding="utf-8").splitlines():
        if not row.startswith("|"):
            continue
        for name, cut in re.findall(r"\b(test_\w+)(?!\w|\.py)(…?)", row.rsplit("|", 2)[-2]):
            if not (any(d.startswith(name) for d in defined) if cut else name in defined):
                missing.append(f"{name}{cut}: {row[:80]}")
    assert missing == []


# The editor's commands README shows, run as written, in README's order, on a copy of the sample content.
RUNNABLE = ("new-issue", "new", "import", "wechat", "pdf", "check")


def readme_commands() -> list[list[str]]:
    """Every `build.py COMMAND …` of README (in ```sh blocks and in `inline code`) whose command edits or
    exports, as argv, without duplicates; `make`, serve, deploy and desk-user (a password) are not run."""
    import shlex

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found, seen = [], set()
    for line in re.findall(r"(?:\.venv/bin/)?python build\.py ([^`\n#]+)", text):
        argv = shlex.split(line.strip().rstrip("）)。，,"))
        if argv and argv[0] in RUNNABLE and "…" not in line and "<" not in line and tuple(argv) not in seen:
            seen.add(tuple(argv))
            found.append(argv)
    return found


def test_the_editors_examples_in_readme_run_on_the_sample_content(own_sample, monkeypatch):
    import worddocs
    from helpers import run_build

    # The built sample, as an editor has it after `make build`: `pdf --strict` takes its unchanged issue's
    # PDF from the cache instead of typesetting the sample again (the session's build already did, and
    # test_the_sample_passes_its_own_preflight checks that preflight).
    site = own_sample
    worddocs.word_docx(site / "稿件.docx")   # (the department's file the import example names)
    monkeypatch.chdir(site)
    commands = readme_commands()
    assert ["new-issue", "2024-07"] in commands and ["wechat", "content/2024-07/01-wo-xiao-zhao-kai-ping-jian-tui-jin-hui.md"] in commands
    for argv in commands:
        result = run_build(site, *argv)
        assert result.code == 0, (argv, result.stderr)


def test_site_yaml_speaks_to_editors_in_chinese_and_its_deploy_example_works_uncommented(tmp_path):
    """Editors open site.yaml to change settings: every comment is Chinese, and the deploy group README
    tells them to write is there, commented out, valid as soon as its # are taken away."""
    from xiaokan.source.config import load_config

    text = (ROOT / "site.yaml").read_text(encoding="utf-8")
    settings = [re.sub(r"^# (deploy:|  )", "", line) for line in text.splitlines()]   # (the example's own comments count)
    comments = [line.split("#", 1)[1] for line in settings if "#" in line]
    assert comments and all(re.search(r"[\u4e00-\u9fff]", comment) for comment in comments), comments
    example = re.sub(r"(?m)^# (deploy:|  )", r"\1", text)
    assert example != text
    (tmp_path / "site.yaml").write_text(example, encoding="utf-8")
    shutil.copytree(ROOT / "assets", tmp_path / "assets")   # (its logo and favicon)
    deploy = load_config(tmp_path / "site.yaml").deploy
    assert deploy.target == "www@news.example.edu.cn:/srv/www/pingjian" and deploy.keep == 5
