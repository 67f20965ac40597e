"""ASCII URL parts from file names and tags, stable across rebuilds."""
from __future__ import annotations

import hashlib
import re
import unicodedata

from ..core.devices import is_windows_device
from ..core.han import HAN_CHAR

# Slugs made before, kept across builds by the build cache: importing pypinyin alone takes 0.4 s.
_known: dict[str, str] = {}


def remember(slugs: dict[str, str]) -> None:
    _known.update(slugs)


def known() -> dict[str, str]:
    return dict(_known)


# A folder or file name holds 255 bytes; the social card's name adds `.jpg` to the slug.
SLUG_MOST = 255 - len(".jpg")


def slugify(text: str) -> str:
    """`01-教育部通知` -> `jiao-yu-bu-tong-zhi`; `OBE Training` -> `obe-training`. Empty if nothing is left."""
    slug = _known.get(text)
    if slug is None:
        slug = _known[text] = _slugify(text)
    if len(slug) > SLUG_MOST:   # (a file name or tag of some 60 characters: no folder could take its address)
        slug = _hashed(slug[:200].rsplit("-", 1)[0], text)
    return not_a_device(slug)   # (also for a slug remembered by a build before this rule)


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    if HAN_CHAR.search(text):
        from pypinyin import lazy_pinyin  # imported only when a Chinese name needs it

        text = " ".join(lazy_pinyin(text))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def slug_from_filename(stem: str) -> str:
    """A leading number only orders the files (`03-foo.md`), so it is not part of the URL."""
    return slugify(re.sub(r"^\d+[-_ .]+", "", stem)) or slugify(stem)


TITLE_SLUG_LENGTH = 48   # pinyin of about ten characters: an address one can still read out


def title_slug(title: str) -> str:
    """A title's address part, cut at a word end (as `new` and `import` name an article's file)."""
    slug = slugify(title)
    if len(slug) <= TITLE_SLUG_LENGTH:
        return slug
    return not_a_device(slug[:TITLE_SLUG_LENGTH].rsplit("-", 1)[0])


def not_a_device(slug: str) -> str:
    """`con` -> `con-1`: a folder Windows cannot make (core/devices.py) gets the mark an upload of that
    name gets (`CON.csv` -> `CON_.csv`), in the letters an address may have."""
    return f"{slug}-1" if slug and is_windows_device(slug) else slug


def is_valid_slug(slug: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug))


def tag_slug(tag: str) -> str:
    """A tag's URL part; a tag with nothing to romanise (e.g. emoji) gets a short stable hash."""
    return slugify(tag) or _hashed("tag", tag)


def tag_slugs(tags) -> dict[str, str]:
    """Each tag's URL part, unique across the site: tags that romanise alike (实训, 师训 -> shi-xun)
    each get a short stable hash of their own name, so that no two tags share a page."""
    plain = {tag: tag_slug(tag) for tag in tags}
    counts: dict[str, int] = {}
    for slug in plain.values():
        counts[slug] = counts.get(slug, 0) + 1
    return {tag: _hashed(slug, tag) if counts[slug] > 1 else slug for tag, slug in plain.items()}


def _hashed(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:8]}"
