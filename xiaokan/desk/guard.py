"""Who may talk to the preview server: the Host and Origin checks against DNS rebinding and
cross-site requests.

A web page elsewhere can make an editor's browser send requests to 127.0.0.1, and a name the
attacker controls can be made to resolve to 127.0.0.1 (DNS rebinding): the Host header then names
the attacker's site. So a request is answered only when its Host is a name of this server, and a
request from a page (Origin) only when that page is the server's own.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from functools import lru_cache
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")   # a name or an address, and a port


def is_loopback(host: str) -> bool:
    """True for an address only this computer can reach (127.0.0.1, ::1, localhost)."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def split_host(host_header: str) -> tuple[str, int | None] | None:
    """'127.0.0.1:8000' -> ('127.0.0.1', 8000); '[::1]:8000' -> ('::1', 8000); None when malformed."""
    if not _HOST.fullmatch(host_header.strip()):   # (urlsplit reads '[::1]x:80' and 'a@127.0.0.1:80' as loopback)
        return None
    try:
        parts = urlsplit("//" + host_header.strip())
        return (parts.hostname or "").lower(), parts.port
    except ValueError:   # a port that is no number, a bracket left open
        return None


def host_allowed(host_header: str | None, listen_host: str, port: int) -> bool:
    """Is the Host header one of this server's own names? On loopback only loopback names are; on the
    network also IP addresses and this computer's name (a DNS-rebinding name is neither)."""
    if not host_header:
        return False
    split = split_host(host_header)
    if split is None or not split[0]:
        return False
    name, given_port = split
    if (given_port or 80) != port:
        return False
    if is_loopback(listen_host):
        return name in LOOPBACK_NAMES or is_loopback(name)
    return _is_ip(name) or name in LOOPBACK_NAMES or name in _own_names() or name == listen_host.lower()


def origin_allowed(origin: str | None, host_header: str | None) -> bool:
    """A request from a page is allowed only from a page of this server (same scheme-less host:port).
    No Origin (a plain navigation, a tool) is left to the session token; the opaque 'null' is refused."""
    if origin is None:
        return True
    if not host_header or origin.strip().lower() == "null":
        return False
    parts = urlsplit(origin.strip())
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host_header.strip().lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


@lru_cache(maxsize=1)
def _own_names() -> frozenset[str]:
    """This computer's name as the office network knows it (Windows and mDNS add .local, .lan)."""
    name = socket.gethostname().lower()
    short = name.split(".", 1)[0]
    return frozenset({name, short, f"{short}.local", f"{short}.lan"})
