"""SVG files are programs as much as pictures: opened at their own address they run scripts. Every
SVG the site publishes is a cleaned copy: no scripts, no event handlers, no embedded HTML, no
links that are not safe addresses."""
from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from ..core.errors import ContentError
from ..core.i18n import _
from ..core.policy import safe_url
from ..core.reasons import explain_exception

SVG_NS, XLINK_NS = "http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"
_ACTIVE = {"script", "foreignobject", "iframe", "object", "embed", "handler", "listener", "audio", "video"}
_ANIMATION = {"set", "animate", "animatetransform", "animatemotion"}
_LINKS = {"href", f"{{{XLINK_NS}}}href"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def clean_svg(data: bytes, source: Path) -> bytes:
    """The SVG without its active content. A file that is not SVG is an error naming it."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ContentError(source, exc.position[0] if exc.position else None,
                           _('this SVG picture cannot be read ({reason})').format(reason=explain_exception(exc)), _('export it again, or save it as PNG')) from None
    if _local(root.tag) != "svg":
        raise ContentError(source, 1, _('this file is not an SVG picture'), _('save it as PNG or JPEG'))
    for parent in root.iter():
        for child in list(parent):
            name = _local(child.tag) if isinstance(child.tag, str) else ""
            targets_link = (child.get("attributeName") or "").lower().endswith("href")
            if name in _ACTIVE or (name in _ANIMATION and targets_link):
                parent.remove(child)
        for attribute in list(parent.attrib):
            value = parent.attrib[attribute]
            if _local(attribute).startswith("on") or (
                    attribute in _LINKS and not (value.startswith("#") or value.startswith("data:image/")
                                                 or (safe_url(value) and ":" in value))):
                del parent.attrib[attribute]
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def clean_svg_copy(source: Path, cache_dir: Path) -> Path:
    """A cleaned copy of source in cache_dir (by content), made once."""
    data = source.read_bytes()
    target = cache_dir / f"{hashlib.sha256(data).hexdigest()[:32]}.svg"
    if not target.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".{os.getpid()}.tmp")
        temp.write_bytes(clean_svg(data, source))
        os.replace(temp, target)
    return target
