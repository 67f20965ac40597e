"""The preview's HTTP side: one tornado server on one address that answers its own pages only.

Every request passes the same gate first (guard.py): its Host must be one of the preview's own names
(a DNS-rebinding name is not), and a request from a page (Origin) must come from the preview's own
page; the live-reload socket is held to the same. What passes goes to the site app (WSGI) or to the
live-reload socket that livereload.js, the client the pages load, talks to."""
from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Callable

from ..i18n import _
from .guard import host_allowed, origin_allowed

# Browsers send addresses of up to 2 MB: answer them (the site app says 404 or 400) rather than drop
# the connection, which tornado does above its 64 KB default.
MAX_REQUEST_HEAD = 4 * 1024 * 1024
RELOAD = {"command": "reload", "path": "*", "liveCSS": True, "liveImg": True}   # (livereload's protocol 7)
HELLO = {"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"], "serverName": "xiaokan"}
# Loads livereload.js from the address the page came from, at any host the guard lets in.
LIVE_SCRIPT = ('<script>(function () { var s = document.createElement("script"), port = location.port || '
               '(location.protocol === "https:" ? 443 : 80); s.src = "//" + location.host + "/livereload.js?host=" + '
               'location.hostname + "&port=" + port; document.head.appendChild(s); })();</script>')


class OpenPages:
    """The live-reload sockets of the pages open in browsers, told to reload after each build."""

    def __init__(self) -> None:
        self.sockets: set = set()

    def reload(self) -> None:
        from tornado.websocket import WebSocketClosedError

        for socket in list(self.sockets):
            try:
                socket.write_message(RELOAD)
            except WebSocketClosedError:
                self.sockets.discard(socket)


def refusal(headers, listen_host: str, port: int) -> tuple[int, str] | None:
    """(status, text) refusing a request whose Host is not one of the preview's names or whose Origin
    is another site's page; None for a request the preview answers."""
    host = headers.get("Host")
    if not host_allowed(host, listen_host, port):
        return 421, _("this preview answers only at its own address: open http://127.0.0.1:{port}/").format(port=port)
    if not origin_allowed(headers.get("Origin"), host):
        return 403, _("a page of another site may not use the preview")
    return None


def listen(site_app, listen_host: str, port: int, pages: OpenPages, log: Callable[[str], None]) -> None:
    """Serve site_app (WSGI) and the live-reload socket on listen_host:port from the current IOLoop."""
    from livereload import __file__ as livereload_package
    from tornado import web
    from tornado.websocket import WebSocketHandler
    from tornado.wsgi import WSGIContainer

    logging.getLogger("tornado.access").setLevel(logging.ERROR)   # (our own concise lines instead)
    client = (Path(livereload_package).parent / "vendors" / "livereload.js").read_bytes()

    class Gated(web.RequestHandler):
        def prepare(self) -> None:
            refused = refusal(self.request.headers, listen_host, port)
            if refused is not None:
                self.set_status(refused[0])
                self.set_header("Content-Type", "text/plain; charset=utf-8")
                self.finish(refused[1] + "\n")

        def log_exception(self, typ, value, tb) -> None:   # one line in the terminal, not a traceback
            if not isinstance(value, web.HTTPError):
                log(_("preview: could not answer {path}: {error}").format(path=self.request.path[:200], error=value))

        def write_error(self, status_code: int, **kwargs) -> None:
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(_("the preview could not answer this request ({status})").format(status=status_code) + "\n")

    wsgi = WSGIContainer(site_app)

    class Site(Gated):
        """The site app, called in place (tornado's own WSGI runner would leave a request it failed
        on unanswered); whatever it raises is one line in the terminal and a 500."""

        def answer(self) -> None:
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
            self.finish(b"".join(chunks))

        get = head = post = put = patch = delete = options = answer

    class Script(Gated):
        def get(self) -> None:
            self.set_header("Content-Type", "application/javascript")
            self.write(client)

    class Socket(Gated, WebSocketHandler):
        def check_origin(self, origin: str) -> bool:
            return origin_allowed(origin, self.request.headers.get("Host"))

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
    app.listen(port, address=listen_host, max_header_size=MAX_REQUEST_HEAD)
