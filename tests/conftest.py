"""Fixtures shared by all tests; the helpers they use are in helpers.py."""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT, copy_site, run_build, running_server

# Test modules that check what a message says through its English id (XIAOKAN_LANG=en, the English
# catalogue), so that a reworded translation does not break a test of the build's behaviour. Every
# other module sees the default, Chinese (tests/test_messages.py asserts it on every command).
ENGLISH_MODULES = frozenset({
    "test_build", "test_content", "test_datablocks", "test_desk", "test_html_valid", "test_images",
    "test_incremental", "test_markup", "test_pdf", "test_print_production", "test_properties", "test_sample",
    "test_scaffold", "test_search", "test_serve", "test_trust", "test_live_reload", "test_reader",
    "test_wechat_copy", "test_reading", "test_reading_browser", "test_deploy",
})


@pytest.fixture(autouse=True)
def message_language(request, monkeypatch):
    module = request.module.__name__.rsplit(".", 1)[-1]
    language = getattr(request.module, "LANGUAGE", "en" if module in ENGLISH_MODULES else "zh_CN")
    monkeypatch.setenv("XIAOKAN_LANG", language)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A tiny site of one issue: three articles in three sections and one draft."""
    return copy_site(FIXTURES / "mini", tmp_path / "mini")


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """The sample issue of content/, built once with its PDF for the whole test run and only read:
    the parallel workers (pytest-xdist) share one build, made by whichever asks first. A test that
    builds it again takes `own_sample`."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _built_sample(tmp_path_factory.mktemp("sample"))
    shared = tmp_path_factory.getbasetemp().parent   # (one folder per run, above each worker's own)
    root, done = shared / "sample", shared / "sample.built"
    with open(shared / "sample.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # (the others wait here while the first builds)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            _built_sample(root)
            done.touch()
    return root


def _built_sample(root: Path) -> Path:
    copy_site(ROOT, root)
    result = run_build(root, "build")
    assert result.code == 0, result.stderr
    return root


@pytest.fixture
def own_sample(sample, tmp_path) -> Path:
    """A copy of the built sample (its .cache/ too) for a test that builds or checks it again."""
    return Path(shutil.copytree(sample, tmp_path / "sample", symlinks=True))


@pytest.fixture
def server(mini):
    with running_server(mini) as (base, process):
        yield base, mini, process
