"""Shared helpers: copy a fixture site (with the project's real templates and assets) and run build.py on it."""
from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from xiaokan.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Run:
    code: int
    stderr: str


def run_build(root: Path, *argv: str) -> Run:
    """Run `build.py ARGV` on the site at root, as an editor would, capturing what it prints."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(err):
        try:
            code = main(list(argv), root)
        except SystemExit as exc:  # argparse usage errors
            code = int(exc.code or 0)
    return Run(code, err.getvalue())


def copy_site(source: Path, dest: Path) -> Path:
    """A writable copy of a site: its site.yaml and content/, plus the project's templates/ and assets/."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "site.yaml", dest / "site.yaml")
    shutil.copytree(source / "content", dest / "content")
    for folder in ("templates", "assets"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


def write(root: Path, rel: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder with its bytes, to prove a folder did not change."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


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
