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
    return _built_once(tmp_path_factory, "sample", ROOT)


@pytest.fixture(scope="session")
def built_mini(tmp_path_factory) -> Path:
    """The mini site as it is, built once with its PDF for the whole test run and only read (as sample).
    A test that starts from it takes `mini_with_pdf`."""
    return _built_once(tmp_path_factory, "mini-built", FIXTURES / "mini")


def _built_once(tmp_path_factory, name: str, source: Path) -> Path:
    """A copy of the site at source built (`build.py build`) in a folder of the run's own, once: the
    parallel workers (pytest-xdist) share it, made by whichever asks first."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _built(source, tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent   # (one folder per run, above each worker's own)
    root, done = shared / name, shared / f"{name}.built"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)   # (the others wait here while the first builds)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            _built(source, root)
            done.touch()
    return root


def _built(source: Path, root: Path) -> Path:
    copy_site(source, root)
    result = run_build(root, "build")
    assert result.code == 0, result.stderr
    return root


@pytest.fixture
def own_sample(sample, tmp_path) -> Path:
    """A copy of the built sample (its .cache/ too) for a test that builds or checks it again."""
    return Path(shutil.copytree(sample, tmp_path / "sample", symlinks=True))


@pytest.fixture
def mini_with_pdf(built_mini, tmp_path) -> Path:
    """The mini site already built, its PDF included (a copy of built_mini with its output/, print/ and
    .cache/, where `mini` would be): for a test that starts from a built site, which then need not
    typeset the same pages again. Its next build finds the PDF in the cache, as a second build does."""
    return Path(shutil.copytree(built_mini, tmp_path / "mini", symlinks=True))


@pytest.fixture
def server(mini):
    with running_server(mini) as (base, process):
        yield base, mini, process
