"""site.yaml: read and validate the site settings into a frozen SiteConfig."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import ContentError, did_you_mean
from ..i18n import _
from .model import VARIANTS, DeployOptions, Footer, PrintOptions, Section, SiteConfig
from .yamlfile import key_lines, parse_flag, parse_yaml, read_text, tidy_yaml

TOP_KEYS = frozenset({"title", "school", "base_url", "language", "description", "sections",
                      "per_page", "feed_size", "trust_html", "print", "logo", "favicon", "footer",
                      "deploy"})
SECTION_KEYS = frozenset({"name", "slug", "description", "order"})
PRINT_KEYS = frozenset({"page_size", "bleed", "crop_marks", "pdfa", "pdf_variant", "article_starts_new_page",
                        "pages_multiple_of", "internal_notice", "qr_codes", "publish_on_site",
                        "digital_edition"})
FOOTER_KEYS = frozenset({"copyright", "contact", "icp", "police"})
DEPLOY_KEYS = frozenset({"target", "keep", "ssh", "bandwidth"})
ICON_TYPES = (".svg", ".png", ".ico", ".jpg", ".jpeg", ".webp")
PAGE_SIZES = frozenset({"A3", "A4", "A5", "B4", "B5", "letter", "legal"})


def load_config(path: Path) -> SiteConfig:
    """Read site.yaml; every unknown or invalid setting is an error naming its line."""
    if not path.is_file():
        raise ContentError(path, None, _('site.yaml is missing'), _("create it; see README.md, section 'site.yaml'"))
    text = tidy_yaml(read_text(path), TOP_KEYS | SECTION_KEYS | PRINT_KEYS | FOOTER_KEYS | DEPLOY_KEYS)
    raw = parse_yaml(text, path)
    lines = key_lines(text)
    if not isinstance(raw, dict):
        raise ContentError(path, 1, _('site.yaml must be a list of `key: value` settings'))

    def fail(key: str, message: str, hint: str | None = None) -> ContentError:
        return ContentError(path, lines.get(key), message, hint)

    def flag(group: dict, key: str, default: bool) -> bool:
        return parse_flag(group.get(key), key, path, lines.get(key), default)

    _reject_unknown(raw, TOP_KEYS, fail, "site.yaml")
    for key in ("title", "base_url", "sections"):
        if not raw.get(key):
            raise fail(key, _('`{key}` is required in site.yaml').format(key=key))
    base_url = str(raw["base_url"]).strip()
    if not re.match(r"^https?://", base_url):
        raise fail("base_url", _('base_url {base_url!r} must start with http:// or https://').format(base_url=base_url),
                   _('e.g. base_url: https://www.example.edu.cn/xiaokan/'))
    return SiteConfig(
        title=str(raw["title"]),
        school=str(raw.get("school") or ""),
        base_url=base_url.rstrip("/") + "/",
        language=str(raw.get("language") or "zh-CN"),
        description=str(raw.get("description") or ""),
        sections=_sections(raw["sections"], fail),
        per_page=_positive_int(raw.get("per_page") or 20, "per_page", fail),
        feed_size=_positive_int(raw.get("feed_size") or 20, "feed_size", fail),
        trust_html=flag(raw, "trust_html", False),
        print=_print_options(raw.get("print") or {}, fail, flag),
        logo=_asset(path.parent, raw.get("logo"), "logo", fail),
        favicon=_asset(path.parent, raw.get("favicon"), "favicon", fail),
        footer=_footer(raw.get("footer") or {}, fail),
        deploy=_deploy(raw.get("deploy") or {}, fail),
    )


def _asset(root: Path, value, key: str, fail) -> str:
    """A picture of assets/ named in site.yaml (logo, favicon): its path inside assets/."""
    if value in (None, ""):
        return ""
    name = str(value).strip().removeprefix("assets/")
    if not name.lower().endswith(ICON_TYPES) or ".." in Path(name).parts or Path(name).is_absolute():
        raise fail(key, _('`{key}` must be a picture in assets/ (.svg, .png, .ico, .jpg, .webp), not {value!r}').format(key=key, value=value))
    if not (root / "assets" / name).is_file():
        raise fail(key, _('`{key}`: assets/{name} does not exist').format(key=key, name=name),
                   _('put the file in assets/, or remove the line'))
    return name


def _deploy(raw, fail) -> DeployOptions:
    if not isinstance(raw, dict):
        raise fail("deploy", _('`deploy` must be a group of settings (target, keep, ssh, bandwidth)'))
    group_fail = lambda k, m, h=None: fail("deploy", m, h)  # noqa: E731
    _reject_unknown(raw, DEPLOY_KEYS, group_fail, "deploy")
    bandwidth = str(raw.get("bandwidth") or 0).strip()
    if not bandwidth.isdigit():
        raise fail("deploy", _('`bandwidth` must be a whole number of KB/s, not {value!r}').format(value=bandwidth))
    return DeployOptions(target=str(raw.get("target") or "").strip(),
                         keep=_positive_int(raw.get("keep") or 5, "keep", group_fail),
                         ssh=str(raw.get("ssh") or "ssh").strip(), bandwidth=int(bandwidth))


def _footer(raw, fail) -> Footer:
    if not isinstance(raw, dict):
        raise fail("footer", _('`footer` must be a group of settings (copyright, contact, icp, police)'))
    _reject_unknown(raw, FOOTER_KEYS, lambda k, m, h=None: fail("footer", m, h), "footer")
    return Footer(**{key: str(raw.get(key) or "").strip() for key in FOOTER_KEYS})


def _reject_unknown(raw: dict, known: frozenset[str], fail, where: str) -> None:
    for key in raw:
        if key not in known:
            guess = did_you_mean(str(key), sorted(known))
            raise fail(str(key), _('unknown setting `{key}` in {where}').format(key=key, where=where),
                       _('did you mean `{guess}`?').format(guess=guess) if guess else _('known settings: {value}').format(value=', '.join(sorted(known))))


def _positive_int(value, key: str, fail) -> int:
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise fail(key, _('`{key}` must be a whole number above 0, not {value!r}').format(key=key, value=value))
    return int(text)


def _sections(raw, fail) -> tuple[Section, ...]:
    if not isinstance(raw, list):
        raise fail("sections", _('`sections` must be a list, one `- name: …` entry per 栏目'))
    sections = []
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise fail("sections", _('section {value} needs a `name`').format(value=i + 1), _('e.g. - name: 新闻政策\n      slug: news'))
        _reject_unknown(entry, SECTION_KEYS, lambda k, m, h=None: fail("sections", m, h), "a section")
        slug = str(entry.get("slug") or "")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
            raise fail("sections", _('section {value} needs an ASCII `slug` (a-z, 0-9, -), not {slug!r}').format(value=entry['name'], slug=slug),
                       _('e.g. slug: news'))
        order = str(entry.get("order", i)).strip()
        if not order.lstrip("-").isdigit():
            raise fail("sections", _('section {value}: `order` must be a whole number, not {order!r}').format(value=entry['name'], order=order))
        sections.append((int(order), i, Section(str(entry["name"]), slug, str(entry.get("description") or ""))))
    ordered = tuple(s for _order, _index, s in sorted(sections, key=lambda t: (t[0], t[1])))
    names = [s.name for s in ordered]
    slugs = [s.slug for s in ordered]
    for values, what in ((names, "name"), (slugs, "slug")):
        dup = next((v for v in values if values.count(v) > 1), None)
        if dup:
            raise fail("sections", _('two sections have the same {what} {dup!r}').format(what=what, dup=dup))
    return ordered


def _print_options(raw, fail, flag) -> PrintOptions:
    if not isinstance(raw, dict):
        raise fail("print", _('`print` must be a group of settings (page_size, bleed, crop_marks, pdfa, …)'))
    _reject_unknown(raw, PRINT_KEYS, lambda k, m, h=None: fail("print", m, h), "print")
    size = str(raw.get("page_size", "A4"))
    if size not in PAGE_SIZES:
        guess = did_you_mean(size, sorted(PAGE_SIZES))
        raise fail("print", _('unknown page_size {size!r}').format(size=size), _('did you mean {guess}?').format(guess=guess) if guess else _('one of {value}').format(value=', '.join(sorted(PAGE_SIZES))))
    bleed = raw.get("bleed", 0)
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm)?\s*", str(bleed))
    if not m:
        raise fail("print", _('bleed must be a length in millimetres such as 3mm, not {bleed!r}').format(bleed=bleed))
    notice = str(raw.get("internal_notice") or "").strip() or None
    # `pdfa: true` (the older switch) is the archival variant; pdf_variant names any variant.
    variant = str(raw.get("pdf_variant") or ("pdf/a-3b" if flag(raw, "pdfa", False) else "none")).strip().lower()
    if variant not in VARIANTS:
        guess = did_you_mean(variant, list(VARIANTS))
        raise fail("print", _('unknown pdf_variant {variant!r}').format(variant=variant), _('did you mean {guess}?').format(guess=guess) if guess else _('one of {value}').format(value=', '.join(VARIANTS)))
    return PrintOptions(
        page_size=size,
        bleed_mm=float(m.group(1)),
        crop_marks=flag(raw, "crop_marks", False),
        pdf_variant=variant,
        article_starts_new_page=flag(raw, "article_starts_new_page", False),
        pages_multiple_of=_positive_int(raw.get("pages_multiple_of", 4), "pages_multiple_of",
                                        lambda k, msg, h=None: fail("print", msg, h)),
        internal_notice=notice,
        qr_codes=flag(raw, "qr_codes", None),
        # An issue marked 内部资料 is for distribution inside the school: not on the public site unless asked.
        publish_on_site=flag(raw, "publish_on_site", notice is None),
        # The page images show what the article pages publish anyway: on even when the PDF file is not.
        digital_edition=flag(raw, "digital_edition", True),
    )
