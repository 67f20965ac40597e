"""The package as Python tooling sees it: pyproject.toml, `python -m xiaokan`, the `xiaokan` command."""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
import tomllib

from helpers import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[=<>~! ;]", line.strip(), maxsplit=1)[0].lower()
            for line in requirements if line.strip() and not line.lstrip().startswith(("#", "-r"))}


def test_python_m_xiaokan_checks_the_project_in_the_current_folder(mini):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XIAOKAN_LANG": "zh_CN"}
    result = subprocess.run([sys.executable, "-m", "xiaokan", "check"], cwd=mini, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "内容没有问题" in result.stderr
    (mini / "content/2024-07/01-first.md").write_text("---\n标题: 缺栏目\n---\n正文\n", encoding="utf-8")
    broken = subprocess.run([sys.executable, "-m", "xiaokan", "check"], cwd=mini, env=env, capture_output=True, text=True)
    assert broken.returncode == 1 and "content/2024-07/01-first.md" in broken.stderr


def test_the_console_command_is_the_command_line_of_build_py():
    module, _, function = PYPROJECT["project"]["scripts"]["xiaokan"].partition(":")
    assert callable(getattr(importlib.import_module(module), function))


def test_pyproject_names_every_package_the_lock_pins():
    pinned = _names((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    declared = _names(PYPROJECT["project"]["dependencies"])
    assert pinned == declared
    tests = _names((ROOT / "requirements-test.txt").read_text(encoding="utf-8").splitlines())
    assert tests <= declared | _names(PYPROJECT["project"]["optional-dependencies"]["test"])
