"""The desk's HTTP plumbing: requests and responses over WSGI (what the preview server speaks), and the
gate every request passes: its Host, its Origin, its session and, when it changes anything, its token."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from typing import Callable
from urllib.parse import parse_qs

from ...core.i18n import _
from ..guard import host_allowed, origin_allowed
from .sessions import Session, SessionStore, token_matches

MAX_BODY = 45 * 1024 * 1024   # above the largest upload allowed (uploads.LIMITS)
SAFE_METHODS = frozenset({"GET", "HEAD"})
SECURITY_HEADERS = [
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cache-Control", "no-store"),
    # The desk's own files only; it may frame its own preview, and nobody may frame it.
    ("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; frame-src 'self'; "
                                "frame-ancestors 'self'; form-action 'self'; base-uri 'none'; object-src 'none'"),
]


@dataclass
class Request:
    method: str
    path: str                       # after the desk's prefix, e.g. /api/board
    query: dict[str, str]
    headers: dict[str, str]         # lower-case names
    body: bytes
    remote: str
    cookies: dict[str, str] = field(default_factory=dict)
    session: Session | None = None

    def json(self) -> dict:
        try:
            data = json.loads(self.body.decode("utf-8") or "{}")
        except (UnicodeDecodeError, ValueError, RecursionError):   # (RecursionError: nested too deep)
            raise BadRequest(_('the request is not valid JSON')) from None
        if not isinstance(data, dict):
            raise BadRequest(_('the request is not valid JSON'))
        return data


@dataclass
class Response:
    status: str
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


class BadRequest(Exception):
    """A request the desk cannot make sense of (400)."""


def json_response(data, status: str = "200 OK") -> Response:
    return Response(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def refusal(status: str, message: str) -> Response:
    return json_response({"error": message}, status)


def read_request(environ: dict, prefix_length: int) -> Request | Response:
    """The request, or the response that refuses it (too large)."""
    raw_path = environ.get("PATH_INFO") or "/"
    try:   # (WSGI hands the path as Latin-1 text of its bytes: the Chinese prefix is UTF-8 under it)
        path = raw_path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        path = raw_path
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return refusal("413 Payload Too Large", _('the file is too large ({size} MB; at most {limit} MB)').format(
            size=length // 2**20, limit=MAX_BODY // 2**20))
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    headers = headers_of(environ)
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()}
    return Request(environ.get("REQUEST_METHOD", "GET").upper(), path[prefix_length:] or "/", query, headers, body,
                   environ.get("REMOTE_ADDR", ""), cookies_of(headers.get("cookie", "")))


def headers_of(environ: dict) -> dict[str, str]:
    """The request's headers from a WSGI environ, by lower-case names."""
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


def cookies_of(header: str) -> dict[str, str]:
    try:
        return {k: m.value for k, m in SimpleCookie(header).items()}
    except CookieError:
        return {}


@dataclass
class Gate:
    """Host and Origin checks for every request; the session and its token for those that need them."""
    listen_host: str
    port: int
    sessions: SessionStore
    cookie_name: str
    still_valid: Callable[[Session], bool] = lambda session: True   # (the account behind it is unchanged)

    def foreign(self, request: Request) -> Response | None:
        """A refusal for a request from elsewhere (another Host: DNS rebinding; another Origin: a
        page of another site), else None."""
        host = request.headers.get("host")
        if not host_allowed(host, self.listen_host, self.port):
            return refusal("403 Forbidden", _('this address is not the desk\'s own: open the desk at the address the preview printed'))
        if request.method not in SAFE_METHODS and not origin_allowed(request.headers.get("origin"), host):
            return refusal("403 Forbidden", _('a page of another site may not change anything here'))
        return None

    def session_of(self, request: Request) -> Session | None:
        return self.session_for(request.cookies.get(self.cookie_name))

    def session_for(self, session_id: str | None) -> Session | None:
        """The live session of this id whose account is still as it was (a removed account, a new
        password or role ends it), else None."""
        session = self.sessions.get(session_id)
        if session is not None and not self.still_valid(session):
            self.sessions.end(session.id)
            return None
        return session

    def unauthorised(self, request: Request) -> Response | None:
        """A refusal for a request without a live session, or (if it changes anything) without its token."""
        if request.session is None:
            return refusal("401 Unauthorized", _('please log in again (the session has ended)'))
        if request.method not in SAFE_METHODS and not token_matches(request.session, request.headers.get("x-desk-token")):
            return refusal("403 Forbidden", _('the request lacks the page\'s token; reload the page and try again'))
        return None

    def cookie(self, session: Session | None) -> tuple[str, str]:
        """The session cookie: not readable by scripts, never sent with another site's requests."""
        if session is None:
            return ("Set-Cookie", f"{self.cookie_name}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
        return ("Set-Cookie", f"{self.cookie_name}={session.id}; Path=/; HttpOnly; SameSite=Strict")


def finish(response: Response, start_response) -> list[bytes]:
    """Send the response with the desk's security headers (a response's own header of a name replaces them)."""
    own = {name.lower() for name, _value in response.headers}
    headers = [("Content-Type", response.content_type), *[(n, v) for n, v in SECURITY_HEADERS if n.lower() not in own],
               *response.headers]
    start_response(response.status, headers)
    return [response.body]
