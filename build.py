#!/usr/bin/env python3
"""校刊 — the command editors run.

    python build.py build [--no-pdf]     build the website (and each issue's PDF) into output/
    python build.py pdf [ISSUE-ID ...]   build only the PDFs (all issues, or the ones named)
    python build.py check                check all content without writing anything
"""
from __future__ import annotations

import sys
from pathlib import Path

from xiaokan.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], Path(__file__).resolve().parent))
