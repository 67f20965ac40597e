"""The preview's HTTP side: one tornado server on one address that answers its own pages only.

Every request passes the same gate first (guard.py): its Host must be one of the preview's own names
(a DNS-rebinding name is not), and a request from a page (Origin) must come from the preview's own
page; the live-reload socket is held to the same. The gate decides when the request's head has
arrived, before a byte of its body is read: a foreign Host, a body larger than the server takes, or
(through `early`, the desk's) a request that needs a login it lacks is answered and the connection
closed, so that nobody can make the server hold a large body before it knows who is asking. What
passes goes to the site app (WSGI) or to the live-reload socket that livereload.js, the client the
pages load, talks to."""
from __future__ import annotations

import hmac
import json
import logging
import re
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote

from ..core.i18n import _
from ..core.urls import SEARCH_DATA
from .guard import host_allowed, is_loopback, origin_allowed

# Browsers send addresses of up to 2 MB: answer them (the site app says 404 or 400) rather than drop
# the connection, which tornado does above its 64 KB default.
MAX_REQUEST_HEAD = 4 * 1024 * 1024
# Open to the network, where anyone may connect before a login, a head is held up to tornado's own
# 64 KB (fifty 4 MB heads made the preview hold 200 MB; a longer head closes the connection).
NETWORK_REQUEST_HEAD = 64 * 1024
# What `early` returns to refuse a request before its body: (status, [(header, value)], body).
Refusal = tuple[int, list[tuple[str, str]], bytes]
Early = Callable[[str, str, str, dict, str], "Refusal | None"]   # (method, path, query, headers, client address)
RELOAD = {"command": "reload", "path": "*", "liveCSS": True, "liveImg": True}   # (livereload's protocol 7)
HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"], "serverName": "xiaokan"}
# Loads livereload.js from the address the page came from, at any host the guard lets in. Its socket
# carries the token the page does (livereload.js opens ws://<host>:<port>/livereload: the host it is
# given ends in /livereload?t=<token>, and the address it opens is …/livereload?t=<token>:<port>/livereload).
LIVE_SCRIPT = ('<script>(function () { var s = document.createElement("script"), port = location.port || '
               '(location.protocol === "https:" ? 443 : 80); s.src = "//" + location.host + "/livereload.js?host=" + '
               'location.hostname + ":" + port + "/livereload?t=__LIVE_TOKEN__&port=" + port; '
               'document.head.appendChild(s); })();</script>')


class OpenPages:
    """The live-reload sockets of the pages open in browsers, told to reload after each build."""

    def __init__(self, token: str = "") -> None:
        self.sockets: set = set()
        self.token = token   # (what a page of no origin's socket must carry: the served pages' live token)

    def reload(self) -> None:
        from tornado.websocket import WebSocketClosedError

        for socket in list(self.sockets):
            try:
                socket.write_message(RELOAD)
            except WebSocketClosedError:
                self.sockets.discard(socket)


# What a sandboxed preview page may read (its origin is opaque: Origin null): when to reload, no errors.
LIVE_PATH = "/__xiaokan__/live"
# What a page in the preview's sandbox (preview_site.SANDBOX: Origin null) may ask for: the live-reload
# socket, which only ever says "reload", and when the last reload was (never the desk, nor the errors).
OPEN_TO_SANDBOX = frozenset({"/livereload", LIVE_PATH})
# ... and, with the token too, the search index the search page fetches (the preview's: drafts' text too).
SANDBOX_SEARCH = "/" + SEARCH_DATA


def refusal(headers, listen_host: str, port: int, path: str = "", query: str = "",
            token: str = "") -> tuple[int, str] | None:
    """(status, text) refusing a request whose Host is not one of the preview's names or whose Origin
    is another site's page; None for a request the preview answers."""
    host = headers.get("Host")
    if not host_allowed(host, listen_host, port):
        return 421, _("this preview answers only at its own address: open http://127.0.0.1:{port}/").format(port=port)
    if not origin_allowed(headers.get("Origin"), host) and not sandboxed(headers.get("Origin"), path, query, token):
        return 403, _("a page of another site may not use the preview")
    return None


def listen(site_app, listen_host: str, port: int, pages: OpenPages, log: Callable[[str], None],
           max_body: int = 1024 * 1024, early: Early | None = None) -> None:
    """Serve site_app (WSGI) and the live-reload socket on listen_host:port from the current IOLoop.
    A request body above max_body is refused (413) from its Content-Length, before it is read (and
    tornado itself holds no more than that); early(method, path, query, headers, address) may refuse a request, as
    the desk does one without its login, at the same moment."""
    from livereload import __file__ as livereload_package
    from tornado import web
    from tornado.websocket import WebSocketHandler
    from tornado.wsgi import WSGIContainer

    logging.getLogger("tornado.access").setLevel(logging.ERROR)   # (our own concise lines instead)
    client = (Path(livereload_package).parent / "vendors" / "livereload.js").read_bytes()

    class Gated(web.RequestHandler):
        def prepare(self) -> None:
            """(Called as soon as the request's head has arrived: Site reads its body as a stream.)"""
            refused = (refusal(self.request.headers, listen_host, port, self.request.path, self.request.query, pages.token)
                       or _too_large(self.request.headers, max_body))
            if refused is not None:
                self.set_status(refused[0])
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish(refused[1] + "\n")
                return
            stopped = early(self.request.method, unquote(self.request.path), self.request.query,
                            dict(self.request.headers), self.request.remote_ip or "") if early else None
            if stopped is not None:
                status, headers, body = stopped
                self.set_status(status)
                for name, value in headers:
                    self.set_header(name, value)
                self.finish(body)

        def log_exception(self, typ, value, tb) -> None:   # one line in the terminal, not a traceback
            if not isinstance(value, web.HTTPError):
                log(_("preview: could not answer {path}: {error}").format(path=self.request.path[:200], error=value))

        def write_error(self, status_code: int, **kwargs) -> None:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(_("the preview could not answer this request ({status})").format(status=status_code) + "\n")

    wsgi = WSGIContainer(site_app)

    @web.stream_request_body
    class Site(Gated):
        """The site app, called in place (tornado's own WSGI runner would leave a request it failed
        on unanswered); whatever it raises is one line in the terminal and a 500. Its body arrives
        in pieces after prepare() has let the request in, and is kept up to max_body."""

        def prepare(self) -> None:
            self.chunks: list[bytes] = []
            self.received = 0
            super().prepare()

        def data_received(self, chunk: bytes) -> None:
            if self._finished:   # (refused: what still arrives is dropped until the connection closes)
                return
            self.received += len(chunk)
            if self.received > max_body:
                self.set_status(413)
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish(_too_large_text(max_body) + "\n")
                return
            self.chunks.append(chunk)

        def answer(self) -> None:
            self.request.body = b"".join(self.chunks)
            self.chunks = []
            reply: dict = {}

            def start_response(status: str, headers: list[tuple[str, str]], exc_info=None):
                reply.update(status=status, headers=headers)
                return chunks.append

            chunks: list[bytes] = []
            result = site_app(wsgi.environ(self.request), start_response)
            try:
                chunks.extend(result)
            finally:
                getattr(result, "close", lambda: None)()
            code, _space, reason = reply["status"].partition(" ")
            self.set_status(int(code), reason or None)
            for name, value in reply["headers"]:
                (self.set_header if name.lower() in ("content-type", "content-length") else self.add_header)(name, value)
            self.finish(b"".join(chunks) or None)   # (an empty b"" is a body to tornado: a 204 could not be sent)

        get = head = post = put = patch = delete = options = answer

    class Script(Gated):
        def get(self) -> None:
            self.set_header("Content-Type", "application/javascript")
            self.write(client)

    class Socket(Gated, WebSocketHandler):
        def check_origin(self, origin: str) -> bool:
            return origin_allowed(origin, self.request.headers.get("Host")) or sandboxed(
                origin, "/livereload", self.request.query, pages.token)

        def open(self) -> None:
            pages.sockets.add(self)

        def on_message(self, message) -> None:
            try:
                command = json.loads(message).get("command")
            except (ValueError, AttributeError):
                return
            if command == "hello":
                self.write_message(HELLO)

        def on_close(self) -> None:
            pages.sockets.discard(self)

    app = web.Application([(r"/livereload", Socket), (r"/livereload\.js", Script), (r".*", Site)])
    head = MAX_REQUEST_HEAD if is_loopback(listen_host) else NETWORK_REQUEST_HEAD
    app.listen(port, address=listen_host, max_header_size=head, max_body_size=max_body, max_buffer_size=max_body + head)


def sandboxed(origin: str | None, path: str, query: str = "", token: str = "") -> bool:
    """A request of a sandboxed preview page (Origin null) for what such a page may ask; its socket only
    with the token the served pages carry (any site's sandboxed frame is of no origin too, and learnt
    from the socket when the editor saved). (LIVE_PATH's token is the site app's to check.)"""
    if (origin or "").strip().lower() != "null":
        return False
    if path.startswith(SANDBOX_SEARCH):
        return carries_token(query, token)
    return path in OPEN_TO_SANDBOX and (path != "/livereload" or carries_token(query, token))


# The token as a query carries it: alone (LIVE_PATH), or as livereload.js builds its socket's address
# from the host it is given (…/livereload?t=<token>:<port>/livereload).
_TOKEN_GIVEN = re.compile(r"(?P<token>[^:]*)(?::\d+/livereload)?")


def carries_token(query: str, token: str) -> bool:
    """Whether a request's query carries the served pages' live token, once (the socket's and LIVE_PATH's)."""
    given = parse_qs(query).get("t", [])
    found = _TOKEN_GIVEN.fullmatch(given[0]) if len(given) == 1 else None
    return bool(token and found) and hmac.compare_digest(found.group("token").encode(), token.encode())


def _too_large(headers, max_body: int) -> tuple[int, str] | None:
    """(413, why) for a request whose Content-Length is above max_body (or is no number)."""
    given = headers.get("Content-Length")
    if given is None:
        return None
    if not re.fullmatch(r"[0-9]{1,15}", given.strip()):
        return 400, _("this request is not valid")
    return (413, _too_large_text(max_body)) if int(given) > max_body else None


def _too_large_text(max_body: int) -> str:
    return _('the request is too large (at most {limit} MB)').format(limit=max_body // 2**20)
