"""site.yaml: read and validate the site settings into a frozen SiteConfig."""
from __future__ import annotations

import re
from pathlib import Path

from ..core.devices import is_windows_device
from ..core.errors import ContentError, ContentErrors, did_you_mean
from ..core.i18n import _
from .deploysettings import BANDWIDTH_MOST, KEEP_MOST, SettingProblem, read_target, ssh_problem, whole_number_problem
from .model import VARIANTS, DeployOptions, Footer, PrintOptions, Section, SiteConfig
from .s3settings import S3_KEYS, bucket_options, is_bucket_target, secret_key_problem
from .yamlerrors import not_settings
from .yamlfile import key_lines, parse_flag, parse_yaml, read_text, shown, text_problem, tidy_yaml, value_lines

TOP_KEYS = frozenset({"title", "school", "base_url", "language", "description", "sections",
                      "per_page", "feed_size", "trust_html", "print", "logo", "favicon", "footer",
                      "deploy"})
SECTION_KEYS = frozenset({"name", "slug", "description", "order"})
PRINT_KEYS = frozenset({"page_size", "bleed", "crop_marks", "pdfa", "pdf_variant", "article_starts_new_page",
                        "pages_multiple_of", "internal_notice", "qr_codes", "publish_on_site",
                        "digital_edition", "output_profile", "output_condition"})
FOOTER_KEYS = frozenset({"copyright", "contact", "icp", "police"})
DEPLOY_KEYS = frozenset({"target", "keep", "ssh", "bandwidth"}) | S3_KEYS   # (S3_KEYS: object storage, s3settings.py)
ICON_TYPES = (".svg", ".png", ".ico", ".jpg", ".jpeg", ".webp")
PAGE_SIZES = frozenset({"A3", "A4", "A5", "B4", "B5", "letter", "legal"})
BLEED_MOST_MM = 10          # print offices ask for 3mm (a few for 5mm)
PAGES_MULTIPLE_MOST = 32    # a sheet folded to 32 pages is the largest signature


def load_config(path: Path) -> SiteConfig:
    """Read site.yaml; every unknown setting, and every value of the wrong kind (a list where a text
    belongs, a group where a number does), is an error naming its line: all of them at once."""
    if not path.is_file():
        raise ContentError(path, None, _('site.yaml is missing'), _("create it; see README.md, section 'site.yaml'"))
    text = tidy_yaml(read_text(path), TOP_KEYS | SECTION_KEYS | PRINT_KEYS | FOOTER_KEYS | DEPLOY_KEYS)
    raw = parse_yaml(text, path)
    if isinstance(raw, str):
        problem = not_settings(text)
        raise ContentError(path, 1 + problem.index, problem.message, problem.hint)
    if not isinstance(raw, dict):
        raise ContentError(path, 1, _('site.yaml must be a list of `key: value` settings'))
    read = _Reader(path, key_lines(text), value_lines(text))
    config = SiteConfig(
        title=read.required(lambda: read.text(raw, "title"), "title"),
        school=read.checked(lambda: read.text(raw, "school"), ""),
        base_url=read.required(lambda: _base_url(read, raw), "base_url"),
        language=read.checked(lambda: read.text(raw, "language"), "") or "zh-CN",
        description=read.checked(lambda: read.text(raw, "description"), ""),
        sections=read.checked(lambda: _sections(read, raw), ()),
        per_page=read.checked(lambda: _positive_int(raw.get("per_page") or 20, "per_page", read.fail), 20),
        feed_size=read.checked(lambda: _positive_int(raw.get("feed_size") or 20, "feed_size", read.fail), 20),
        trust_html=read.checked(lambda: read.flag(raw, "trust_html", False), False),
        print=read.checked(lambda: _print_options(read, raw.get("print") or {}), None),
        logo=read.checked(lambda: _asset(path.parent, read.text(raw, "logo"), "logo", read.fail), ""),
        favicon=read.checked(lambda: _asset(path.parent, read.text(raw, "favicon"), "favicon", read.fail), ""),
        footer=read.checked(lambda: _footer(read, raw.get("footer") or {}), None),
        deploy=read.checked(lambda: _deploy(read, raw.get("deploy") or {}), None),
    )
    read.checked(lambda: _reject_unknown(raw, TOP_KEYS, read.fail, "site.yaml"), None)
    if len(read.errors) == 1:
        raise read.errors[0]
    if read.errors:
        raise ContentErrors(sorted(read.errors, key=lambda e: e.line or 0))
    return config


class _Reader:
    """Reads the values of site.yaml, each checked at its own line; the problems are collected so that
    site.yaml's mistakes are listed together."""

    def __init__(self, path: Path, lines: dict[str, int], located: dict[tuple, int]):
        self.path, self.lines, self.located = path, lines, located
        self.errors: list[ContentError] = []

    def fail(self, key: str | tuple, message: str, hint: str | None = None) -> ContentError:
        """An error at the line of key: a top-level name, or a path such as ("print", "bleed")."""
        line = self.located.get(key) if isinstance(key, tuple) else self.lines.get(key)
        return ContentError(self.path, line, message, hint)

    def checked(self, make, default):
        try:
            return make()
        except ContentErrors as exc:
            self.errors += exc.errors
        except ContentError as exc:
            self.errors.append(exc)
        return default

    def required(self, make, key: str):
        value = self.checked(make, None)
        if value == "":
            self.errors.append(self.fail(key, _('`{key}` is required in site.yaml').format(key=key)))
        return value

    def text(self, group: dict, key: str, where: tuple = ()) -> str:
        value = group.get(key)
        problem = text_problem(key, value)
        if problem:
            raise self.fail((*where, key), *problem)
        return "" if value is None else str(value).strip()

    def flag(self, group: dict, key: str, default: bool | None, where: tuple = ()) -> bool | None:
        return parse_flag(group.get(key), key, self.path, self.located.get((*where, key)), default)

    def group(self, value, key: str, names: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(key, _('`{key}` must be a group of settings ({names}), not {value!r}').format(
                key=key, names=names, value=shown(value)),
                _('write each setting on its own line under `{key}:`, indented by two spaces').format(key=key))
        return value

    def in_group(self, group: str):
        """fail() for the keys of a group: the error points at the key's own line."""
        return lambda key, message, hint=None: self.fail((group, key), message, hint)


def _base_url(read: _Reader, raw: dict) -> str:
    base_url = read.text(raw, "base_url")
    if base_url and not re.match(r"^https?://", base_url):
        raise read.fail("base_url", _('base_url {base_url!r} must start with http:// or https://').format(base_url=base_url),
                        _('e.g. base_url: https://www.example.edu.cn/xiaokan/'))
    return base_url.rstrip("/") + "/" if base_url else ""


def _asset(root: Path, value: str, key: str, fail) -> str:
    """A picture of assets/ named in site.yaml (logo, favicon): its path inside assets/."""
    if not value:
        return ""
    if re.match(r"[A-Za-z]:|\\", value):
        # (C:\照片\logo.png: a file of the editor's computer, which the site cannot copy)
        file = re.split(r"[\\/]", value)[-1] or value
        raise fail(key, _('`{key}`: {value!r} is a file on this computer, not in assets/').format(key=key, value=value),
                   _('copy {name} into assets/ and write {key}: {name}').format(name=file, key=key))
    name = value.replace("\\", "/").removeprefix("assets/")   # (assets\logo.png, as Windows writes it)
    if not name.lower().endswith(ICON_TYPES) or ".." in Path(name).parts or Path(name).is_absolute():
        raise fail(key, _('`{key}` must be a picture in assets/ (.svg, .png, .ico, .jpg, .webp), not {value!r}').format(key=key, value=value))
    if not (root / "assets" / name).is_file():
        raise fail(key, _('`{key}`: assets/{name} does not exist').format(key=key, name=name),
                   _('put the file in assets/, or remove the line'))
    return name


def _deploy(read: _Reader, raw) -> DeployOptions:
    raw = read.group(raw, "deploy", "target, keep, ssh, bandwidth, endpoint, …")
    at = read.in_group("deploy")
    for key in raw:   # (a key of object storage written here: said before "unknown setting")
        if secret_key_problem(str(key)):
            raise at(str(key), *secret_key_problem(str(key)))
    _reject_unknown(raw, DEPLOY_KEYS, at, "deploy")
    # each one line of text, at its own line (a target [a, b] once deployed into a folder named "['a', 'b']"),
    # then each checked as deploy will use it (deploysettings.py), all problems at once
    text = {key: read.text(raw, key, ("deploy",)) for key in DEPLOY_KEYS - {"cache"}}
    bucket, problems = bucket_options(text["target"], text, raw.get("cache"), read.fail)
    if text["target"] and not is_bucket_target(text["target"]):
        try:
            read_target(text["target"], read.path.parent)
        except SettingProblem as exc:
            problems.append(at("target", exc.message, exc.hint))
    for key, value, least, most in (("keep", text["keep"] or "5", 2, KEEP_MOST),
                                    ("bandwidth", text["bandwidth"] or "0", 0, BANDWIDTH_MOST)):
        problem = whole_number_problem(key, value, least, most)
        if problem:
            problems.append(at(key, *problem))
    problem = ssh_problem(text["ssh"]) if "ssh" in raw else None
    if problem:
        problems.append(at("ssh", *problem))
    if problems:
        raise ContentErrors(problems)
    return DeployOptions(target=text["target"], keep=int(text["keep"] or 5), ssh=text["ssh"] or "ssh",
                         bandwidth=int(text["bandwidth"] or 0), bucket=bucket)


def _footer(read: _Reader, raw) -> Footer:
    raw = read.group(raw, "footer", "copyright, contact, icp, police")
    _reject_unknown(raw, FOOTER_KEYS, read.in_group("footer"), "footer")
    return Footer(**{key: read.text(raw, key, ("footer",)) for key in FOOTER_KEYS})


def _reject_unknown(raw: dict, known: frozenset[str], fail, where: str) -> None:
    for key in raw:
        if key not in known:
            guess = did_you_mean(str(key), sorted(known))
            raise fail(str(key), _('unknown setting `{key}` in {where}').format(key=key, where=where),
                       _('did you mean `{guess}`?').format(guess=guess) if guess else _('known settings: {value}').format(value=', '.join(sorted(known))))


def _positive_int(value, key: str, fail) -> int:
    text = shown(value).strip()
    if isinstance(value, (list, dict)) or not text.isdigit() or int(text) < 1:
        raise fail(key, _('`{key}` must be a whole number above 0, not {value!r}').format(key=key, value=text))
    return int(text)


def _sections(read: _Reader, raw: dict) -> tuple[Section, ...]:
    entries = raw.get("sections")
    if entries is None:   # (not 'must be a list' when it is not there at all, or written `sectoins:`)
        raise read.fail("sections", _('`{key}` is required in site.yaml').format(key="sections"),
                        _('e.g. sections:\n  - name: 新闻政策\n    slug: news'))
    if not isinstance(entries, list):
        raise read.fail("sections", _('`sections` must be a list, one `- name: …` entry per 栏目'))
    sections = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise read.fail(("sections", i), _('section {value} needs a `name`').format(value=i + 1), _('e.g. - name: 新闻政策\n      slug: news'))
        where = ("sections", i)
        _reject_unknown(entry, SECTION_KEYS, lambda k, m, h=None, where=where: read.fail((*where, k), m, h), "a section")
        name = read.text(entry, "name", where)
        slug = read.text(entry, "slug", where)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
            raise read.fail((*where, "slug") if "slug" in entry else where,
                            _('section {value} needs an ASCII `slug` (a-z, 0-9, -), not {slug!r}').format(value=name, slug=slug),
                            _('e.g. slug: news'))
        if is_windows_device(slug):
            raise read.fail((*where, "slug"), _('section {value}: Windows keeps the slug {slug!r} for a device and could not copy '
                                                'the site').format(value=name, slug=slug), _('e.g. slug: news'))
        order = shown(entry.get("order", i)).strip()
        if isinstance(entry.get("order"), (list, dict)) or not order.lstrip("-").isdigit():
            raise read.fail((*where, "order"), _('section {value}: `order` must be a whole number, not {order!r}').format(value=name, order=order))
        sections.append((int(order), i, Section(name, slug, read.text(entry, "description", where))))
    ordered = tuple(s for _order, _index, s in sorted(sections, key=lambda t: (t[0], t[1])))
    names = [s.name for s in ordered]
    slugs = [s.slug for s in ordered]
    for values, what in ((names, "name"), (slugs, "slug")):
        dup = next((v for v in values if values.count(v) > 1), None)
        if dup:
            raise read.fail("sections", _('two sections have the same {what} {dup!r}').format(what=what, dup=dup))
    if not ordered:
        raise read.fail("sections", _('`{key}` is required in site.yaml').format(key="sections"))
    return ordered


def _print_options(read: _Reader, raw) -> PrintOptions:
    raw = read.group(raw, "print", "page_size, bleed, crop_marks, pdf_variant, …")
    fail = read.in_group("print")
    _reject_unknown(raw, PRINT_KEYS, fail, "print")

    def text(key: str) -> str:
        return read.text(raw, key, ("print",))

    def flag(key: str, default: bool | None) -> bool | None:
        return read.flag(raw, key, default, ("print",))

    size = text("page_size") or "A4"
    if size not in PAGE_SIZES:
        guess = did_you_mean(size, sorted(PAGE_SIZES))
        raise fail("page_size", _('unknown page_size {size!r}').format(size=size), _('did you mean {guess}?').format(guess=guess) if guess else _('one of {value}').format(value=', '.join(sorted(PAGE_SIZES))))
    bleed = text("bleed") or "0"
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mm)?\s*", bleed)
    if not m:
        raise fail("bleed", _('bleed must be a length in millimetres such as 3mm, not {bleed!r}').format(bleed=bleed))
    if float(m.group(1)) > BLEED_MOST_MM:   # (500mm was laid out as asked: a cover band half a metre past the trim)
        raise fail("bleed", _('bleed must be from 0 to {most}mm, not {bleed!r}').format(most=BLEED_MOST_MM, bleed=bleed),
                   _('print offices ask for 3mm, a few for 5mm'))
    multiple = _positive_int(raw.get("pages_multiple_of", 4), "pages_multiple_of", fail)
    if multiple > PAGES_MULTIPLE_MOST:   # (1000 padded an issue to 1000 pages of 阅读笔记, each drawn for the 数字报)
        raise fail("pages_multiple_of", _('`{key}` must be a whole number from {least} to {most}, not {value}').format(
            key="pages_multiple_of", least=1, most=PAGES_MULTIPLE_MOST, value=multiple),
            _('4 for saddle stitching; 8, 16 or 32 if the print office folds sheets of that many pages; 1 for no padding'))
    notice = text("internal_notice") or None
    # `pdfa: true` (the older switch) is the archival variant; pdf_variant names any variant.
    variant = (text("pdf_variant") or ("pdf/a-3b" if flag("pdfa", False) else "none")).lower()
    if variant not in VARIANTS:
        guess = did_you_mean(variant, list(VARIANTS))
        raise fail("pdf_variant", _('unknown pdf_variant {variant!r}').format(variant=variant), _('did you mean {guess}?').format(guess=guess) if guess else _('one of {value}').format(value=', '.join(VARIANTS)))
    return PrintOptions(
        page_size=size,
        bleed_mm=float(m.group(1)),
        crop_marks=flag("crop_marks", False),
        pdf_variant=variant,
        article_starts_new_page=flag("article_starts_new_page", False),
        pages_multiple_of=multiple,
        internal_notice=notice,
        qr_codes=flag("qr_codes", None),
        # An issue marked 内部资料 is for distribution inside the school: not on the public site unless asked.
        publish_on_site=flag("publish_on_site", notice is None),
        # The page images show what the article pages publish anyway: on even when the PDF file is not.
        digital_edition=flag("digital_edition", True),
        output_profile=text("output_profile"),   # (checked where the PDF is made: paper/intent.py)
        output_condition=text("output_condition"),
    )
