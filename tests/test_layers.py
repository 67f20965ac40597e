"""The package's wings import downwards only (xiaokan/core/layers.py), read from the source with ast."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from xiaokan.core.layers import MAY_IMPORT, wing_of

PACKAGE = Path(__file__).resolve().parent.parent / "xiaokan"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(name: str, source: str, is_package: bool) -> set[str]:
    """Every xiaokan module a module's source imports (at the top or inside functions)."""
    found: set[str] = set()
    here = name.split(".") if is_package else name.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("xiaokan"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("xiaokan"):
                continue
            if node.module is None or target.count(".") == 1 and target.split(".")[1] in MAY_IMPORT:
                found.update(f"{target}.{a.name}" for a in node.names)   # from . import x / from .web import pages
            else:
                found.add(target)
    return found


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """'a imports b' for every import that does not point down the floor plan."""
    wrong = []
    for module, targets in graph.items():
        mine = wing_of(module)
        for target in targets:
            theirs = wing_of(target)
            if theirs not in (mine, "shared") and theirs not in MAY_IMPORT.get(mine, ()):
                wrong.append(f"{module} ({mine}) imports {target} ({theirs})")
    return sorted(wrong)


def wing_cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Cycles in the graph of wings (a wing importing itself is not one)."""
    edges: dict[str, set[str]] = {}
    for module, targets in graph.items():
        for target in targets:
            if wing_of(module) != wing_of(target):
                edges.setdefault(wing_of(module), set()).add(wing_of(target))
    cycles, state = [], {}

    def visit(node: str, path: tuple[str, ...]) -> None:
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(path[path.index(nxt):] + (nxt,) if nxt in path else (node, nxt))
            elif nxt not in state:
                visit(nxt, path + (nxt,))
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, (node,))
    return cycles


def package_graph() -> dict[str, set[str]]:
    return {module_name(p): imported_modules(module_name(p), p.read_text(encoding="utf-8"), p.name == "__init__.py")
            for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_belongs_to_a_wing_of_the_floor_plan():
    wings = {wing_of(m) for m in package_graph()}
    assert wings <= set(MAY_IMPORT), wings - set(MAY_IMPORT)
    assert {"source", "web", "paper", "desk", "publish"} <= wings


def test_imports_point_down():
    assert upward_imports(package_graph()) == []


def test_no_cycle_between_wings():
    assert wing_cycles(package_graph()) == []


@pytest.mark.parametrize("module, source", [
    ("xiaokan.source.config", "from ..paper.press import VARIANTS"),       # source reaching into print
    ("xiaokan.paper.pdf", "from ..cache import BuildCache"),                 # print reaching up into the cache
    ("xiaokan.desk.proof", "import xiaokan.cli"),                            # a tool reaching the command line
    ("xiaokan.web.pages", "def f():\n    from ..desk import serve"),         # a late import counts too
])
def test_an_upward_import_is_caught(module, source):
    graph = package_graph()
    graph[module] = graph[module] | imported_modules(module, source, False)
    assert upward_imports(graph), f"{module}: {source!r} was not caught"


def test_a_cycle_between_wings_is_caught():
    graph = {"xiaokan.web.pages": {"xiaokan.source.model"}, "xiaokan.source.model": {"xiaokan.web.pages"}}
    assert wing_cycles(graph)
