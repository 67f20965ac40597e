"""A new file written under a name of its own, then given its real name: with the permissions any new
file gets (0666 less the umask, 0644 as a rule), not tempfile.mkstemp's 0600, which would keep a web
server from reading an imported photo once output/ is copied to it, and the editor's other tools out."""
from __future__ import annotations

import os
import secrets
from pathlib import Path


def open_new(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """(descriptor open for writing, path) of a file created now in folder, named prefix…suffix."""
    flags = os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    while True:
        path = os.path.join(folder, f"{prefix}{secrets.token_hex(8)}{suffix}")
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:   # (a name taken in the meantime: 2^64 of them, so another try suffices)
            continue
