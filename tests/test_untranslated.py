"""No editor-facing message bypasses the catalogue: every error, warning and hint the package builds is
an `_()` (or `_().format()`) of an English id, so that an editor never reads English in the middle of
Chinese. Read from the source with ast, so that a new f-string message fails here before anyone sees it."""
from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "xiaokan"

# Classes whose arguments reach the editor, and the positions of those arguments (the rest are a path,
# a line number or a kind). Keyword arguments named message or hint count too.
MESSAGE_ARGUMENTS = {
    "ContentError": (2, 3), "DeployError": (2, 3), "PathRefused": (2, 3), "ContentWarning": (2,),
    "BlockError": (1, 2), "BodyError": (1, 2), "ImageError": (0, 1), "_Refused": (0, 1),
    "ArgumentTypeError": (0,),
}
# (file, text) of literals that may stay untranslated, each with its reason.
ALLOWED = {
    # A shortcode as the editor types it into an article: syntax, the same in every language.
    ("xiaokan/source/datablocks.py", """f'''{{{{< 表格 文件="{args['file']}" >}}}}'''"""),
}


def _has_words(text: str, inserted: bool) -> bool:
    """Whether text reads as words. A value put into a translated sentence (inserted) may be a name of
    code, a path or a number (AWS_ACCESS_KEY_ID, .xiaokan-deploy.json): only words and spaces count there."""
    if inserted:
        return re.search(r"[A-Za-z]{2,}\s+\S|\S\s+[A-Za-z]{2,}|[\u4e00-\u9fff]", text) is not None
    return any(c.isalpha() for c in text)


def untranslated(node: ast.AST, assigned: dict[str, list[ast.AST]], seen: frozenset[str] = frozenset(),
                 inserted: bool = False) -> list[ast.AST]:
    """The string literals and f-strings in an argument that do not pass through _()."""
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and _has_words(node.value, inserted) else []
    if isinstance(node, ast.JoinedStr):
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        return [node] if _has_words(literal, inserted) else []
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("_", "N_", "ngettext"):
            return []
        if isinstance(func, ast.Attribute) and func.attr == "format":
            found = untranslated(func.value, assigned, seen, inserted)
            for keyword in node.keywords:   # words put into a translated sentence must be translated too
                found += untranslated(keyword.value, assigned, seen, True)
            for argument in node.args:
                found += untranslated(argument, assigned, seen, True)
            return found
        return []   # another function's answer: its own messages are checked where it makes them
    if isinstance(node, ast.IfExp):
        return untranslated(node.body, assigned, seen, inserted) + untranslated(node.orelse, assigned, seen, inserted)
    if isinstance(node, ast.BinOp):
        return untranslated(node.left, assigned, seen, inserted) + untranslated(node.right, assigned, seen, inserted)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [bad for element in node.elts for bad in untranslated(element, assigned, seen, inserted)]
    if isinstance(node, ast.Starred):
        return untranslated(node.value, assigned, seen, inserted)
    if isinstance(node, ast.Name) and node.id not in seen:
        return [bad for value in assigned.get(node.id, []) for bad in untranslated(value, assigned, seen | {node.id}, inserted)]
    return []


def _assignments(function: ast.AST) -> dict[str, list[ast.AST]]:
    found: dict[str, list[ast.AST]] = {}
    for node in ast.walk(function):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None else []
        for target in targets:
            for name in (target.elts if isinstance(target, ast.Tuple) else [target]):
                if isinstance(name, ast.Name):
                    found.setdefault(name.id, []).append(node.value)
    return found


def _calls_by_scope(tree: ast.Module):
    """(call, the assignments of its innermost function, or of the module's own statements)."""
    def visit(node: ast.AST, assigned: dict[str, list[ast.AST]]):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(child, _assignments(child))
                continue
            if isinstance(child, ast.Call):
                yield child, assigned
            yield from visit(child, assigned)

    module_level = _assignments(ast.Module([n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.ClassDef))], []))
    yield from visit(tree, module_level)


def messages_outside_the_catalogue() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, assigned in _calls_by_scope(tree):
            name = node.func.id if isinstance(node.func, ast.Name) else \
                node.func.attr if isinstance(node.func, ast.Attribute) else None
            if name not in MESSAGE_ARGUMENTS:
                continue
            arguments = [a for i, a in enumerate(node.args) if i in MESSAGE_ARGUMENTS[name]]
            arguments += [k.value for k in node.keywords if k.arg in ("message", "hint")]
            for argument in arguments:
                for bad in untranslated(argument, assigned):
                    rel = path.relative_to(PACKAGE.parent).as_posix()
                    text = ast.unparse(bad)
                    if (rel, text) not in ALLOWED:
                        found.append(f"{rel}:{bad.lineno}: {name}(… {text} …)")
    return sorted(set(found))


def test_every_error_warning_and_hint_is_a_catalogue_message():
    assert messages_outside_the_catalogue() == []


def test_the_scan_finds_an_f_string_hint(tmp_path):
    """The scan itself: the slip the GB18030 hint was (an f-string put into a variable, then raised)."""
    tree = ast.parse('def f(p):\n    hint = f"the file looks like {x}"\n    raise ContentError(p, 1, _("not UTF-8"), hint)\n'
                     'def g(p):\n    raise ContentError(p, 1, _("{what} is taken").format(what=f"期号 {n} of {y}"))\n'
                     'def h(p):\n    raise ContentError(p, 1, _("fine"), _("also fine").format(n=3))\n')
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    bad = [untranslated(call.args[3] if len(call.args) > 3 else call.args[2], _assignments(f))
           for f in functions for call in ast.walk(f) if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "ContentError"]
    assert [len(b) for b in bad] == [1, 1, 0]


def braces_shown_doubled() -> list[str]:
    """Message ids whose braces the editor would see doubled: `{{` in an id never .format()ed (the hint
    `例如 deploy: {{target: …}}` was one). A shortcode `{{< … >}}` is written with two braces, as editors type it."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        formatted = {id(node.func.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
                     and isinstance(node.func, ast.Attribute) and node.func.attr == "format"}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                continue
            text = node.args[0].value
            if id(node) in formatted or "{{" not in text and "}}" not in text:
                continue
            if "{{" in text.replace("{{<", "") or "}}" in text.replace(">}}", ""):
                found.append(f"{path.relative_to(PACKAGE.parent).as_posix()}:{node.lineno}: {text[:80]}")
    return found


def test_no_message_shows_its_braces_doubled():
    assert braces_shown_doubled() == []
