"""What a build is asked to make (BuildOptions): given by the commands and the preview, read by the
builder and its pipeline. A module of its own so that naming the options loads none of the engine."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class BuildOptions:
    pdf: bool = True                      # render PDFs whose inputs changed (else reuse cached ones only)
    issue_ids: tuple[str, ...] = ()       # limit PDF rendering to these issues (empty: all)
    search: bool = True                   # re-index for search when articles changed (else reuse the last index)
    cards: bool = True                    # draw missing social cards (else publish the cached ones only)
    out_dir: Path | None = None
    stale_pdf: bool = False               # the live preview: publish an issue's last PDF while a new one renders
    strict: bool = False                  # `pdf --strict`: a preflight warning stops the build
    drafts: bool = False                  # the preview: draft articles and issues too (never into print/)
    stages: bool = False                  # say each stage in the log as it begins (the desk's 生成网站 shows them)
