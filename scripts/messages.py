"""Keep the message catalogue in step with the code: extract every _("…") of xiaokan/, add new ids
to xiaokan/locale/zh_CN/LC_MESSAGES/xiaokan.po (translations kept), and compile xiaokan.mo.

    .venv/bin/python scripts/messages.py          # update the .po and compile the .mo
    .venv/bin/python scripts/messages.py --check  # exit 1 if an id is untranslated or the .mo is stale
"""
from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "xiaokan/locale/zh_CN/LC_MESSAGES/xiaokan.po"
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: zh_CN\\n"\n'


def extract() -> list[str]:
    """Message ids in the order the code uses them."""
    found: list[str] = []
    for path in sorted((ROOT / "xiaokan").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                if node.args[0].value not in found:
                    found.append(node.args[0].value)
    return found


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> dict[str, str]:
    entries, msgid, msgstr, current = {}, None, None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("msgid "):
            if msgid is not None:
                entries[msgid] = msgstr
            msgid, msgstr, current = _unquote(line[6:]), "", "id"
        elif line.startswith("msgstr "):
            msgstr, current = _unquote(line[7:]), "str"
        elif line.startswith('"') and current == "id":
            msgid += _unquote(line)
        elif line.startswith('"') and current == "str":
            msgstr += _unquote(line)
    if msgid is not None:
        entries[msgid] = msgstr
    entries.pop("", None)
    return entries


def write_po(path: Path, ids: list[str], translations: dict[str, str]) -> None:
    parts = [HEADER]
    for msgid in ids:
        parts.append(f"\nmsgid {_quote(msgid)}\nmsgstr {_quote(translations.get(msgid, ''))}\n")
    path.write_text("".join(parts), encoding="utf-8")


def compile_mo(translations: dict[str, str]) -> bytes:
    """GNU .mo bytes (the format gettext reads), entries sorted by id as the format requires."""
    entries = sorted([("", "Content-Type: text/plain; charset=UTF-8\n")] +
                     [(k, v) for k, v in translations.items() if v])
    ids = b"".join(k.encode() + b"\0" for k, _ in entries)
    strs = b"".join(v.encode() + b"\0" for _, v in entries)
    count = len(entries)
    start = 7 * 4 + 16 * count
    offsets, position = [], 0
    for key, _ in entries:
        offsets.append((len(key.encode()), start + position))
        position += len(key.encode()) + 1
    value_offsets, position = [], 0
    for _, value in entries:
        value_offsets.append((len(value.encode()), start + len(ids) + position))
        position += len(value.encode()) + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, 7 * 4, 7 * 4 + 8 * count, 0, 0)
    table = b"".join(struct.pack("<2I", *o) for o in offsets) + b"".join(struct.pack("<2I", *o) for o in value_offsets)
    return header + table + ids + strs


def main() -> int:
    ids = extract()
    translations = read_po(PO) if PO.exists() else {}
    mo = PO.with_suffix(".mo")
    if "--check" in sys.argv:
        missing = [i for i in ids if not translations.get(i)]
        stale = not mo.exists() or mo.read_bytes() != compile_mo({i: translations[i] for i in ids if i in translations})
        for msgid in missing:
            print(f"untranslated: {msgid}", file=sys.stderr)
        if stale:
            print("xiaokan.mo is not the compiled xiaokan.po: run scripts/messages.py", file=sys.stderr)
        return 1 if missing or stale else 0
    PO.parent.mkdir(parents=True, exist_ok=True)
    write_po(PO, ids, translations)
    mo.write_bytes(compile_mo({i: translations[i] for i in ids if i in translations}))
    untranslated = sum(1 for i in ids if not translations.get(i))
    print(f"{len(ids)} messages, {untranslated} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
