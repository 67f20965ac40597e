"""The package's floor plan: which wing may import which. Imports point down; tests/test_layers.py
reads every module's imports and fails on one that points up or closes a cycle between wings."""
from __future__ import annotations

# The wing every other may use (it imports no wing): core/ (errors, i18n, urls, policy, parallel,
# fingerprints, layers, reasons).
SHARED = frozenset({"core"})

# Each wing (or top-level driver) and the wings it may import, besides itself and SHARED.
MAY_IMPORT: dict[str, frozenset[str]] = {
    "shared": frozenset(),
    "source": frozenset(),
    "publish": frozenset({"source"}),
    "web": frozenset({"source"}),
    "cache": frozenset({"source", "publish"}),
    "paper": frozenset({"web", "source"}),
    "bodies": frozenset({"cache", "publish", "source"}),
    "buildoptions": frozenset(),
    "pipeline": frozenset({"buildoptions", "bodies", "cache", "paper", "web", "publish", "source"}),
    "builder": frozenset({"pipeline", "buildoptions", "cache", "publish", "source", "web"}),
    "desk": frozenset({"builder", "pipeline", "buildoptions", "bodies", "cache", "paper", "web", "publish", "source"}),
    "cli": frozenset({"desk", "builder", "pipeline", "buildoptions", "bodies", "cache", "paper", "web", "publish",
                      "source"}),
    "__main__": frozenset({"cli"}),
}


def wing_of(module: str) -> str:
    """'xiaokan.web.pages' -> 'web'; 'xiaokan.core.errors' -> 'shared'; 'xiaokan.builder' -> 'builder'."""
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "__init__"
    if name in SHARED or name == "__init__":
        return "shared"
    return name
