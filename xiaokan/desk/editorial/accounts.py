"""The desk's accounts (`build.py desk-user`): .desk/users.json, outside content/ and output/, never
published. Passwords are kept as scrypt hashes (memory-hard, a random salt each), never as text."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from ...core.errors import ContentError
from ...core.i18n import _
from ..guard import is_loopback

USERS_FILE = Path(".desk") / "users.json"
ROLES = ("编辑", "审核", "主编")
# What each role may do beyond editing: 三审 goes 初审 (an editor) → 复审 (a reviewer) → 终审 (the chief).
MAY = {
    "初审": frozenset(ROLES), "复审": frozenset({"审核", "主编"}), "终审": frozenset({"主编"}),
    "退回": frozenset({"审核", "主编"}), "发布": frozenset({"主编"}),
    "新建一期": frozenset(ROLES), "刊期设置": frozenset(ROLES),   # (刊期设置 corrects what 新建一期 wrote: the same roles)
}
SCRYPT = {"n": 2**14, "r": 8, "p": 1}   # 16 MiB and about 50 ms a check: slow for a guesser, quick for a login
MAXMEM = 64 * 1024 * 1024   # (scrypt's memory for one check at most: a damaged file asking for more is refused)
_HEX = re.compile(r"(?:[0-9a-fA-F]{2}){1,256}")
MIN_PASSWORD = 8
LOCAL_USER = "本机"   # who the desk is on 127.0.0.1 while there are no accounts


@dataclass(frozen=True)
class Account:
    name: str
    role: str


def may(role: str, action: str) -> bool:
    """May a role take this step (初审, 复审, 终审, 退回, 发布, 刊期设置)? Editing is every role's."""
    return role in MAY.get(action, frozenset(ROLES))


def refuse_unprotected_network(root: Path, host: str) -> None:
    """The desk writes files: beyond this computer it opens only with accounts to log in with, read
    from a file that is whole and that nobody else on this computer may change."""
    if is_loopback(host):
        return
    if not list_accounts(root):   # (a damaged file or account is said here, before the desk opens)
        raise ContentError(None, None, _('the desk (编辑部) cannot be opened to the network on {host} without accounts: anyone in the office could change the newsletter').format(host=host),
                           _('first add the editors\' accounts: python build.py desk-user add 张三 --role 主编 (or leave out --host: this computer only)'))
    if _others_may(root, stat.S_IWGRP | stat.S_IWOTH):
        raise ContentError(root / USERS_FILE, None, _('other users of this computer may change the accounts file, and so '
                                                       'give themselves an account of the desk'),
                           _('let only you change it: chmod 600 .desk/users.json'))


def permission_warning(root: Path) -> ContentError | None:
    """The accounts file others on this computer may read (the password hashes, to guess at), if it is."""
    if not _others_may(root, stat.S_IRGRP | stat.S_IROTH):
        return None
    return ContentError(root / USERS_FILE, None, _('other users of this computer may read the accounts file (the '
                                                    'passwords\' hashes, to guess at)'),
                        _('let only you read it: chmod 600 .desk/users.json'))


def _others_may(root: Path, bits: int) -> bool:
    """Do the file's permission bits give others these rights? (Windows keeps no such bits.)"""
    if os.name == "nt":
        return False
    try:
        return bool((root / USERS_FILE).stat().st_mode & bits)
    except OSError:
        return False


def has_accounts(root: Path) -> bool:
    """Are there accounts? A file of them that cannot be read counts as accounts: the desk stays closed
    (its login says what is wrong) rather than open to everyone."""
    try:
        return bool(_read(root))
    except ContentError:
        return True


def list_accounts(root: Path) -> list[Account]:
    """The accounts; ContentError naming the first that is damaged."""
    return [Account(name, _usable(root, name, entry)["role"]) for name, entry in sorted(_read(root).items())]


def add_account(root: Path, name: str, role: str, password: str) -> Account:
    users = _read(root)
    name = _checked_name(name)
    if name in users:
        raise ContentError(None, None, _('there is already an account {name!r}').format(name=name),
                           _('choose another name, or change the password: build.py desk-user passwd {name}').format(name=name))
    users[name] = {"role": _checked_role(role), **_hashed(password)}
    _write(root, users)
    return Account(name, role)


def set_password(root: Path, name: str, password: str) -> None:
    users = _read(root)
    entry = _entry(users, name)
    if not isinstance(entry, dict) or entry.get("role") not in ROLES:   # (a damaged hash gets a new one)
        raise _damaged(root, name)
    entry.update(_hashed(password))
    _write(root, users)


def remove_account(root: Path, name: str) -> None:
    users = _read(root)
    _entry(users, name)
    del users[name]
    _write(root, users)


def verify(root: Path, name: str, password: str) -> Account | None:
    """The account when the password is right; None otherwise (in about the same time either way).
    ContentError when the file, or this account in it, is damaged."""
    entry = _read(root).get(name)
    if entry is not None:
        entry = _usable(root, name, entry)
    stored = entry or {"salt": "00" * 16, "hash": "00" * 64, **SCRYPT}
    computed = _scrypt(password, bytes.fromhex(stored["salt"]), stored)
    if entry is None or not hmac.compare_digest(computed, bytes.fromhex(stored["hash"])):
        return None
    return Account(name, entry["role"])


def fingerprint(root: Path, name: str) -> str | None:
    """A digest of the account's role and password hash (None: no such account). A session keeps the
    one it began with: after `desk-user passwd` or `remove`, or a new role, the two differ and it ends."""
    try:
        entry = _read(root).get(name)
        if entry is None:
            return None
        _usable(root, name, entry)
    except ContentError:   # (the file or the account damaged: no session goes on with it)
        return None
    return hashlib.sha256(f"{entry.get('role')}\0{entry.get('salt')}\0{entry.get('hash')}".encode()).hexdigest()


def _hashed(password: str) -> dict:
    if len(password) < MIN_PASSWORD:
        raise ContentError(None, None, _('the password is too short (at least {count} characters)').format(count=MIN_PASSWORD),
                           _('a few words or a long phrase are easier to remember than symbols'))
    salt = secrets.token_bytes(16)
    return {"salt": salt.hex(), "hash": _scrypt(password, salt, SCRYPT).hex(), **SCRYPT}


def _scrypt(password: str, salt: bytes, params: dict) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=params["n"], r=params["r"], p=params["p"],
                          maxmem=MAXMEM, dklen=64)


def _usable(root: Path, name: str, entry) -> dict:
    """The account's entry as the desk wrote it (a role, a hex salt and hash, scrypt's costs within
    bounds), else ContentError naming it."""
    if not isinstance(entry, dict) or entry.get("role") not in ROLES or not all(
            isinstance(entry.get(key), str) and _HEX.fullmatch(entry[key]) for key in ("salt", "hash")):
        raise _damaged(root, name)
    n, r, p = (entry.get(key) for key in ("n", "r", "p"))
    if not all(type(cost) is int for cost in (n, r, p)) or not (
            2 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 4 and 128 * n * r <= MAXMEM // 2):
        raise _damaged(root, name)
    return entry


def _damaged(root: Path, name: str) -> ContentError:
    return ContentError(root / USERS_FILE, None, _('the account {name!r} in the accounts file is damaged, so it cannot '
                                                    'log in').format(name=name),
                        _('give it a new password: python build.py desk-user passwd {name} (or remove it and add it '
                          'again)').format(name=name))


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 40 or any(c in name for c in "<>\"'&/\\") or not name.isprintable():
        raise ContentError(None, None, _('{name!r} cannot be an account name').format(name=name),
                           _('use the person\'s name, e.g. 张三'))
    return name


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise ContentError(None, None, _('{role!r} is not a role').format(role=role),
                           _('use one of: {value}').format(value='、'.join(ROLES)))
    return role


def _entry(users: dict, name: str) -> dict:
    if name not in users:
        raise ContentError(None, None, _('there is no account {name!r}').format(name=name),
                           _('build.py desk-user list shows the accounts'))
    return users[name]


def _read(root: Path) -> dict:
    """The accounts by name, as the file has them; ContentError when it is no file of accounts or
    cannot be read (an account in it may still be damaged: _usable)."""
    path = root / USERS_FILE
    if not path.is_file():
        return {}
    try:
        users = json.loads(path.read_text(encoding="utf-8-sig")).get("users", {})   # (Notepad may add a BOM)
    except OSError:
        raise ContentError(path, None, _('the accounts file cannot be read'),
                           _('let the user who runs the preview read it (and nobody else: chmod 600 .desk/users.json)')) from None
    except (ValueError, AttributeError, RecursionError):
        users = None
    if not isinstance(users, dict):
        raise ContentError(path, None, _('the accounts file cannot be read'),
                           _('restore it from a backup, or delete it and add the accounts again'))
    return users


def _write(root: Path, users: dict) -> None:
    """Readable by its owner only, written whole (temp file, then rename)."""
    path = root / USERS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".users.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"users": users}, handle, ensure_ascii=False, indent=1)
    os.replace(temp, path)
