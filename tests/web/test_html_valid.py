"""Every page of the built sample site is valid HTML, by the Nu HTML Checker (npm vnu-jar, run with Java)."""
from __future__ import annotations

import shutil
import subprocess

from helpers import ROOT

VNU = ROOT / "node_modules/vnu-jar/build/dist/vnu.jar"


def test_nu_html_checker_finds_no_errors_or_warnings(sample):
    assert VNU.is_file(), "the Nu HTML Checker is missing: run `npm ci` (make test does)"
    java = shutil.which("java")
    assert java, "Java is missing: make test installs default-jre-headless"
    pages = sorted((sample / "output").rglob("*.html"))
    assert len(pages) >= 29   # home, issue, 20 articles, sections, archive, tags, search, 404
    result = subprocess.run([java, "-jar", str(VNU), "--skip-non-html", "--format", "text", *map(str, pages)],
                            capture_output=True, text=True, timeout=300)
    messages = [line for line in result.stderr.splitlines() if line.startswith(("Error:", "Warning:"))]
    assert result.returncode == 0 and not messages, result.stderr[:5000]
    assert "Document checking completed." in result.stderr
