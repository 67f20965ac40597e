"""The files an article body uses (photos, attachments): inside the project, existing, and of a kind
that may be published. Anything wrong here breaks the page or the print edition, so it is an error
in check, build and serve alike."""
from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from ..core.errors import ContentError
from ..core.i18n import _
from ..core.policy import on_authors_computer
from ..core.urls import source_path
from .images import WEB_IMAGES
from .markup import Body
from .model import Article

# What an article may offer for download beside its page. HTML, SVG-with-scripts, JavaScript and the
# like are not among them: they would run on the site's own address, past the sanitiser.
ATTACHMENT_TYPES = frozenset({
    ".pdf", ".ofd", ".doc", ".docx", ".wps", ".rtf", ".odt", ".xls", ".xlsx", ".et", ".ods", ".csv", ".ppt",
    ".pptx", ".dps", ".odp", ".txt", ".zip", ".rar", ".7z", ".epub", ".mp3", ".m4a", ".wav", ".mp4", ".webm",
}) | WEB_IMAGES


def photo_problems(article: Article, body: Body, root: Path | None = None) -> list[ContentError]:
    """The article's photos that cannot be read as pictures (not a picture, damaged, too large): they
    stop a page, and a PDF, proofs and the preview's included. With root, also the photos that are not
    there to be printed or posted (missing, outside the project, on the author's computer): a proof,
    the preview's PDF and the 公众号版 check what the build checks of photos."""
    problems = [ContentError(article.source, _line_of(article, src), _('image {src!r}: {message}').format(src=src, message=message), hint)
                for src, message, hint in body.image_problems]
    if root is not None:
        said = {unquote(src) for src, _message, _hint in body.image_problems}
        problems += [problem for ref in body.references if ref.kind == "image"
                     if (problem := _reference_problem(article, ref, root, frozenset(), said)) is not None]
    return problems


def reference_problems(article: Article, body: Body, root: Path, unreadable: frozenset[Path] = frozenset()) -> list[ContentError]:
    """Every reason the article's photos and links would not work for a reader or a printer.
    unreadable: articles (or issue.yaml files) whose own problem is listed already: a link to one of
    them is not reported a second time as a link to a draft."""
    problems: list[ContentError] = [
        ContentError(article.source, _line_of(article, src), _('image {src!r} has no alt text').format(src=src),
                     _("write what the picture shows between the brackets, e.g. ![学生在实训室操作机床](photo.jpg); screen readers read it aloud and it is the photo's caption"))
        for src in body.missing_alt]
    problems += photo_problems(article, body)
    said = {unquote(src) for src, _message, _hint in body.image_problems}   # (a photo's type: said once, not twice)
    return problems + [problem for ref in body.references
                       if (problem := _reference_problem(article, ref, root, unreadable, said)) is not None]


def _reference_problem(article: Article, ref, root: Path, unreadable: frozenset[Path], said: set[str]) -> ContentError | None:
    """Why one photo or link would not work, if it would not."""
    image = ref.kind == "image"   # (whole sentences per kind: a word pasted into a translated one stays English)
    line = _line_of(article, ref.written)
    written = unquote(ref.written.split("#", 1)[0].split("?", 1)[0])
    if on_authors_computer(ref.written):
        return ContentError(article.source, line, (_('image “{written}” is a file on the author\'s computer, which no reader can open') if image else
                                                   _('link “{written}” is to a file on the author\'s computer, which no reader can open')).format(written=ref.written),
                            _('copy {value} beside the article, into {name}/, and write just its name').format(
                                name=article.source.parent.name, value=_last_part(ref.written)))
    if written.startswith("/") or Path(written).is_absolute() or ":" in written[:3]:
        return ContentError(article.source, line, (_('image {written!r} is an absolute path') if image else
                                                   _('link {written!r} is an absolute path')).format(written=ref.written),
                            _('put the file next to the article and write just its name'))
    if ref.path is None:
        return ContentError(article.source, line, (_('image {written!r} points outside the project') if image else
                                                   _('link {written!r} points outside the project')).format(written=ref.written),
                            _('only files inside content/<issue>/ and assets/ are published'))
    target = source_path(root, ref.path.split("#", 1)[0])
    suffix = PurePosixPath(ref.path).suffix.lower()
    if suffix in (".md", ".markdown") and target.is_file():
        if target in unreadable or target.parent / "issue.yaml" in unreadable:
            return None
        return ContentError(article.source, line, _('link {written!r} is to an article that is not published (a draft)').format(written=ref.written), _('publish it first, or remove the link'))
    if not target.is_file():
        other = _other_case(target)
        return ContentError(article.source, line,
                            (_('image {written!r} points to a file that does not exist') if image else
                             _('link {written!r} points to a file that does not exist')).format(written=ref.written),
                            _('separate folders with / as web addresses do, not with \\: {value}').format(value=written.replace("\\", "/"))
                            if "\\" in written else
                            _('the file beside it is {name}: write its name with the same capitals (Windows does not mind them, the web server does)').format(name=other)
                            if other else _('check the name, or put the file in {name}/').format(name=article.source.parent.name))
    if image and suffix not in WEB_IMAGES and unquote(ref.written) not in said:
        return ContentError(article.source, line, (_('image {written!r}: browsers cannot show {value} pictures').format(written=ref.written, value=suffix) if suffix else _('image {written!r} has no file type at the end of its name (.jpg, .png)').format(written=ref.written)), _('save it as JPEG or PNG'))
    if not image and suffix not in ATTACHMENT_TYPES:
        return ContentError(
            article.source, line, (_('link {written!r}: {value} files are not published').format(written=ref.written, value=suffix) if suffix else _('link {written!r} has no file type at the end of its name (.pdf, .docx …)').format(written=ref.written)),
            _("attach PDF, Word, Excel, PowerPoint, pictures, audio, video or ZIP files; web pages (.html) and scripts would run on the site's own address"))
    return None


def _other_case(target: Path) -> str | None:
    """The name of the file that differs from the missing one only in capitals (合影.JPG for 合影.jpg)."""
    try:
        return next((p.name for p in target.parent.iterdir() if p.name.lower() == target.name.lower()), None)
    except OSError:
        return None


def _line_of(article: Article, needle: str) -> int | None:
    for i, line in enumerate(article.body_md.split("\n")):
        if needle in line or unquote(needle) in line or needle in _UNESCAPE.sub(r"\1", line):
            return article.body_line + i
    return None


_UNESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")   # (Markdown reads `..\..\x` as `....\x`: the written line holds the escapes)


def _last_part(written: str) -> str:
    """The file's name at the end of a path of the author's computer: `C:\\Users\\…\\合影.jpg` -> 合影.jpg."""
    return re.split(r"[\\/]", unquote(written).rstrip("\\/"))[-1]
