"""`build.py desk-user add|list|remove|passwd`: the desk's accounts from the command line. A password
is typed twice, unseen (getpass), or read from the first line of standard input (for scripts)."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from ...core.errors import ContentError
from ...core.i18n import _
from . import accounts


def desk_user(root: Path, action: str, name: str | None, role: str) -> None:
    """Carry out one desk-user command; ContentError for anything the editor must fix."""
    if action == "list":
        found = accounts.list_accounts(root)
        for account in found:
            print(f"{account.name}\t{account.role}")
        if not found:
            print(_("no accounts yet: build.py desk-user add 张三 --role 主编"), file=sys.stderr)
        return
    if not name:
        raise ContentError(None, None, _('name the account, e.g. build.py desk-user {action} 张三').format(action=action))
    if action == "remove":
        accounts.remove_account(root, name)
        print(_("removed the account {name}").format(name=name), file=sys.stderr)
        return
    password = read_password()
    if action == "add":
        accounts.add_account(root, name, role, password)
        print(_("added {name} ({role}); the accounts are in {path}, which is never published").format(
            name=name, role=role, path=accounts.USERS_FILE.as_posix()), file=sys.stderr)
    else:
        accounts.set_password(root, name, password)
        print(_("changed the password of {name}").format(name=name), file=sys.stderr)


def read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("password: "))
    if getpass.getpass(_("the same password again: ")) != first:
        raise ContentError(None, None, _('the two passwords differ'), _('run the command again'))
    return first
