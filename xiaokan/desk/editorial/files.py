"""The files the desk hands out: its own pages and scripts (static/), the site's icon, a proof or issue PDF
of print/, a page of the built site (output/); each with its type, and pages shown with a policy that allows their
own styles only."""
from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

from ...core.errors import ContentError, ContentErrors
from ...core.i18n import _
from ...publish.objectheaders import media_type
from ...source.config import load_config
from ..preview_site import resolve
from .wsgi import Request, Response, refusal

STATIC = Path(__file__).with_name("static")
# A name of the desk's own files: nothing Windows would read as a path elsewhere (a\..\x, C:x, \\host\share).
_STATIC_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9]+")


def serve_file(desk, request: Request) -> Response:
    """A proof or issue PDF of print/, or a page of the built site (output/), to open from the desk: as
    the preview finds a file, never out of its folder (a link in it, `..`) nor a name no file can have."""
    rest = request.path.lstrip("/")
    if rest.startswith("print/"):
        name = rest[len("print/"):]
        if not re.fullmatch(r"xiaokan-[A-Za-z0-9_-]+(?:-proof-\d+(?:-changes\.html|\.pdf)|\.pdf)", name):
            return refusal("404 Not Found", _('there is no such page in the desk'))
        file = resolve((desk.root / "print").resolve(), name)   # (a link in print/ to a file elsewhere is none)
    else:
        file = resolve((desk.root / "output").resolve(), rest[len("site/"):])
    if file is None:
        return refusal("404 Not Found", _('there is no such page in the desk'))
    kind = media_type(file.name)
    data = file.read_bytes()
    headers = [("Content-Security-Policy", own_styles_policy(data))] if kind == "text/html" else []
    return Response("200 OK", data, kind + ("; charset=utf-8" if kind.startswith("text/") else ""), headers)


def newest_proof(root: Path, issue_id: str) -> dict | None:
    """The issue's newest proof in print/ for the board ({number, pdf, changes}; changes None without its page)."""
    name = re.compile(rf"xiaokan-{re.escape(issue_id)}-proof-(\d+)\.pdf")
    try:
        numbers = [int(m.group(1)) for p in (root / "print").iterdir() if (m := name.fullmatch(p.name)) and m.group(1).isascii()]
    except OSError:
        return None
    if not numbers:
        return None
    pdf = f"xiaokan-{issue_id}-proof-{max(numbers)}.pdf"
    changes = pdf[:-len(".pdf")] + "-changes.html"
    return {"number": max(numbers), "pdf": f"print/{pdf}",
            "changes": f"print/{changes}" if (root / "print" / changes).is_file() else None}


def own_styles_policy(page: bytes) -> str:
    """The Content-Security-Policy of a page the desk shows from print/ or output/ (修改对照 keeps its
    look in a <style> of its own; the 数字报 places each article's spot on its page image with a style
    attribute): those very styles, by their hash, and the desk's files; still no inline script, no other site."""
    def digest(text: bytes) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text).digest()).decode() + "'"

    hashes = [digest(style) for style in re.findall(rb"<style\b[^>]*>(.*?)</style>", page, re.S | re.I)]
    attributes = {digest(html.unescape(value.decode("utf-8", "replace")).encode("utf-8"))
                  for value in re.findall(rb'\sstyle\s*=\s*"([^"]*)"', page, re.I)}
    if attributes:
        hashes += ["'unsafe-hashes'", *sorted(attributes)]
    return ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' " + " ".join(hashes) + "; frame-ancestors 'self'; "
            "form-action 'self'; base-uri 'none'; object-src 'none'")


def site_icon(root: Path) -> Response:
    """The site's icon (site.yaml's favicon, in assets/) for the tab of the desk's pages, which ask for it
    (<link rel="icon" href="favicon">) before a login as after; with none, or site.yaml unreadable for
    now, an empty answer: without the link the browser asked the preview for /favicon.ico, a 404."""
    try:
        name = load_config(root / "site.yaml").favicon
    except (ContentError, ContentErrors, OSError):
        name = ""
    file = resolve((root / "assets").resolve(), name) if name else None
    if file is None:
        return Response("204 No Content", b"", "text/plain")
    return Response("200 OK", file.read_bytes(), media_type(file.name))


def static_file(name: str) -> Response:
    """One of the desk's own files (answered before a login): looked up only by a plain name."""
    if not _STATIC_NAME.fullmatch(name) or not (STATIC / name).is_file():
        return refusal("404 Not Found", _('there is no such page in the desk'))
    file = STATIC / name
    kind = media_type(name)
    return Response("200 OK", file.read_bytes(), f"{kind}; charset=utf-8")
