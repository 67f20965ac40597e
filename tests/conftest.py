"""Fixtures shared by all tests; the helpers they use are in helpers.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT, copy_site, run_build, running_server


@pytest.fixture(autouse=True)
def message_language(request, monkeypatch):
    """Editors read Chinese, the default (tests/test_messages.py asserts it on every command). The
    other tests check what a message says through its English id (XIAOKAN_LANG=en, the English
    catalogue), so that a reworded translation does not break a test of the build's behaviour."""
    language = getattr(request.module, "LANGUAGE", "en")
    monkeypatch.setenv("XIAOKAN_LANG", language)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A tiny site of one issue: three articles in three sections and one draft."""
    return copy_site(FIXTURES / "mini", tmp_path / "mini")


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Path:
    """The sample issue of content/, built once with its PDF for the whole test session."""
    root = copy_site(ROOT, tmp_path_factory.mktemp("sample"))
    result = run_build(root, "build")
    assert result.code == 0, result.stderr
    return root


@pytest.fixture
def server(mini):
    with running_server(mini) as (base, process):
        yield base, mini, process
