"""Compiled templates: kept in the process and in .cache/jinja/, found again by template name and
source wherever the project lies, and still naming their own file in errors."""
from __future__ import annotations

import shutil
import traceback

import jinja2
import pytest

from helpers import FIXTURES, copy_site, run_build, write
from xiaokan.source.config import load_config
from xiaokan.source.model import Site
from xiaokan.web import render


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """The names of the templates Jinja compiles from here on, in a process that has compiled none yet
    (the test run's earlier builds in this worker have)."""
    monkeypatch.setattr(render._CompiledTemplates, "_in_process", {})
    names = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        names.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_a_second_copy_of_a_project_compiles_no_template_again(tmp_path, compiled):
    first, second = (copy_site(FIXTURES / "mini", tmp_path / name) for name in ("first", "second"))
    assert run_build(first, "build", "--no-pdf").code == 0
    assert "article.html" in compiled
    compiled.clear()
    assert run_build(second, "build", "--no-pdf").code == 0
    assert compiled == []
    assert (second / "output/2024-07/index.html").is_file()


def test_a_moved_project_keeps_its_compiled_templates(tmp_path, compiled, monkeypatch):
    site = copy_site(FIXTURES / "mini", tmp_path / "site")
    assert run_build(site, "build", "--no-pdf").code == 0
    moved = shutil.move(site, tmp_path / "moved")
    monkeypatch.setattr(render._CompiledTemplates, "_in_process", {})   # (as a new process starts)
    compiled.clear()
    assert run_build(moved, "build", "--no-pdf").code == 0
    assert compiled == []


def test_a_template_found_compiled_names_its_own_file_in_errors(tmp_path, compiled):
    mistake = "{% macro show(value) %}\n{{ value.no_such_field }}\n{% endmacro %}\n{{ show(item) }}\n"
    errors = []
    for name in ("first", "second"):
        site = copy_site(FIXTURES / "mini", tmp_path / name)
        write(site, "templates/mistake.html", mistake)
        env = render.make_environment(site / "templates", Site(site, load_config(site / "site.yaml"), ()))
        template = env.get_template("mistake.html")
        assert template.filename == str(site / "templates/mistake.html")
        with pytest.raises(jinja2.UndefinedError) as caught:
            template.render(item={})
        errors.append([frame for frame in traceback.extract_tb(caught.value.__traceback__)
                       if frame.filename.endswith(".html")][-1])
    assert compiled == ["mistake.html"]   # (the second site's was found compiled)
    assert errors[1].filename == str(tmp_path / "second/templates/mistake.html") and errors[1].lineno == 2
