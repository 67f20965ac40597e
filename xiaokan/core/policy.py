"""The one HTML and URL policy for everything that reaches a page: Markdown, raw HTML, CSV cells,
chart labels, footnotes, captions and the feed all pass through here."""
from __future__ import annotations

import re

import nh3

# Addresses a reader may follow. javascript:, data:, vbscript:, file: and the rest are dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2060\ufeff]")
# What a browser takes out of an address before it reads it (WHATWG URL parser): tabs and line
# breaks anywhere, C0 controls and spaces at either end.
_TABS_AND_BREAKS = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")

# Raw HTML in Markdown is cleaned with this allowlist unless site.yaml sets trust_html.
ALLOWED_TAGS = set(nh3.ALLOWED_TAGS) | {"section", "figure", "figcaption", "sup", "sub"}
ALLOWED_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "*": {"id", "class", "title", "lang"},
    "div": {"role", "tabindex", "aria-label"},
    "a": {"href", "hreflang"},   # no rel: rel="attachment" would make the PDF embed the file
    "img": {"alt", "src", "width", "height", "loading", "decoding", "srcset", "sizes"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start"},
}


def scheme(url: str) -> str | None:
    """The URL's scheme as a browser reads it (it ignores spaces, tabs and control characters in it)."""
    match = _SCHEME.match(_INVISIBLE.sub("", url))
    return match.group(1).lower() if match else None


def browser_url(url: str) -> str:
    """The address a browser follows for this href: `java<TAB>script:` is javascript:, `\\x01https://…` https."""
    return _TABS_AND_BREAKS.sub("", url).strip(_C0_AND_SPACE)


def is_local(url: str) -> bool:
    """A path to a file of the site (`photo.jpg`, `../2024-05/a.md`), not a web address or an anchor."""
    probe = _INVISIBLE.sub("", url)
    return bool(probe) and scheme(url) is None and not probe.startswith(("//", "#"))


def on_authors_computer(url: str) -> bool:
    """A path only the author's computer has: `file:///…`, `C:\\…` or `D:/…`, `\\\\server\\share\\…` (what Windows
    Explorer's 复制为路径 and Word give). No reader's browser can open it."""
    return scheme(url) == "file" or bool(_DRIVE.match(url)) or url.startswith("\\")


def safe_url(url: str) -> bool:
    """True for addresses a page may link to: http(s), mailto, tel, and paths of the site."""
    kind = scheme(url)
    return kind is None or kind in SAFE_SCHEMES


def clean_html(html: str, trusted: bool = False) -> str:
    """Raw HTML from an article, cleaned with the allowlist (trusted: kept as written; links are
    checked afterwards in any case, see markup._Relinker)."""
    if trusted:
        return html
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, link_rel=None,
                     url_schemes=set(SAFE_SCHEMES), filter_style_properties={"text-align"})
