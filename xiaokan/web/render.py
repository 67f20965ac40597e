"""Jinja2: the template environment and rendering planned pages to bytes."""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from types import CodeType
from typing import Callable, Iterable

import jinja2

from ..core.errors import ContentError
from ..core.i18n import _
from ..core.urls import rebase
from ..source.links import TEMPLATE_HOMES, refuse_outside_links
from ..source.model import Site
from .pages import Page


def cn_date(value: date) -> str:
    """2024-06-16 -> 2024年6月16日"""
    return f"{value.year}年{value.month}月{value.day}日"


def file_size(size: int) -> str:
    """1234567 -> 1.2 MB, as a download button says it."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def make_environment(templates_dir: Path, site: Site) -> jinja2.Environment:
    """Autoescape is on for HTML and XML (feed, sitemap): titles can never inject markup.
    Compiled templates are kept in .cache/jinja/ and in this process (_CompiledTemplates)."""
    cache_dir = templates_dir.parent / ".cache" / "jinja"
    cache_dir.mkdir(parents=True, exist_ok=True)
    env = jinja2.Environment(
        loader=_ProjectLoader(templates_dir),
        bytecode_cache=_CompiledTemplates(str(cache_dir)),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}   # < > & ' stay escaped
    env.filters["cn_date"] = cn_date
    env.filters["rebase"] = rebase   # a body's site links, for where it is shown (urls.py)
    env.filters["file_size"] = file_size
    # Globals are the site settings only: anything else a page shows comes in its own context,
    # so that the page's fingerprint (cache.py) covers it.
    env.globals.update(site=site.config, sections=site.config.sections)
    return env


class _ProjectLoader(jinja2.FileSystemLoader):
    """templates/, where a template that is a link (or lies in a linked folder) leading out of templates/
    is an error naming it: a page would show that file, e.g. {% include "notes.html" %} of /etc/passwd."""

    def __init__(self, templates_dir: Path):
        super().__init__(str(templates_dir))
        self.root = templates_dir.parent

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        refuse_outside_links(self.root, Path(filename), TEMPLATE_HOMES)
        return source, filename, uptodate


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates, found by template name and source: in this process first, then in
    .cache/jinja/. Compiling the templates was two thirds of a small site's build (a fresh copy of the
    tests' mini site: 0.21 CPU-s, 0.07 with them found), and a process often builds the same templates
    again: the preview and the desk on every save, a test run in hundreds of copies of a site. Not keyed
    by the template's path, so that a copied or moved project keeps them too; the code is given the path
    of the template it now stands for, which errors name. .cache/ may be deleted at any moment (README
    says so): a compiled template that cannot be saved is simply compiled again next time."""

    _in_process: dict[tuple[str, str], CodeType] = {}   # (key, source checksum) -> code

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name)

    def get_bucket(self, environment, name: str, filename: str | None, source: str) -> jinja2.bccache.Bucket:
        bucket = super().get_bucket(environment, name, filename, source)
        if bucket.code is not None and filename and bucket.code.co_filename != filename:
            bucket.code = _refiled(bucket.code, filename)
        return bucket

    def load_bytecode(self, bucket) -> None:
        code = self._in_process.get((bucket.key, bucket.checksum))
        if code is None:
            super().load_bytecode(bucket)
            if bucket.code is None:
                return
            code = self._in_process[bucket.key, bucket.checksum] = bucket.code
        bucket.code = code

    def dump_bytecode(self, bucket) -> None:
        self._in_process[bucket.key, bucket.checksum] = bucket.code
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _refiled(code: CodeType, filename: str) -> CodeType:
    """code with every function in it (a template's blocks and macros) naming filename as its file."""
    consts = tuple(_refiled(const, filename) if isinstance(const, CodeType) else const for const in code.co_consts)
    return code.replace(co_filename=filename, co_consts=consts)


def prepare_templates(env: jinja2.Environment, names: Iterable[str], digest: Callable[[str], str]) -> None:
    """Compile the named templates and find their digests in this process, before the render workers
    are forked: they inherit them, where each worker compiled and parsed every template it rendered
    for itself (a first build's two workers did it twice over). A template with a mistake is left for
    its first render to report, naming its file and line."""
    for name in sorted(set(names)):
        try:
            env.get_template(name)
            digest(name)
        except jinja2.TemplateError:
            pass


# Characters XML 1.0 does not allow at all. A browser shows a page past them; a feed reader refuses the
# whole feed (Word's manual line break arrives as \v, its page break as \f, in pasted text and CSV cells).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    """One planned page -> bytes; template mistakes become errors naming the template and line."""
    text = render_template(env, page.template, page.context)
    if page.template.endswith(".xml"):
        text = _NOT_XML.sub("", text)
    return text.encode("utf-8")


def render_template(env: jinja2.Environment, name: str, context: dict) -> str:
    """A template rendered; its mistakes are errors naming the template and line (the print edition's too)."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ContentError(Path(exc.filename or name), exc.lineno, _('template error: {message}').format(message=exc.message)) from None
    except jinja2.TemplateNotFound as exc:
        raise ContentError(Path("templates") / str(exc.name), None, _('template is missing'),
                           _('restore it from git, or create it')) from None
    except jinja2.UndefinedError as exc:
        raise ContentError(Path("templates") / name, _template_line(exc),
                           _('template uses something that does not exist: {message}').format(message=exc.message)) from None


def _template_line(exc: BaseException) -> int | None:
    tb = exc.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith((".html", ".xml", ".txt")):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line
