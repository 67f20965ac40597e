"""Images and links that an article refers to: inside the project, and existing."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from .errors import ContentError
from .markup import Body
from .model import Article


def reference_problems(article: Article, body: Body, root: Path) -> tuple[list[ContentError], list[ContentError]]:
    """(refused, missing): files outside content/ and assets/ are refused; files that do not exist, and
    alt text that is not there, are missing (a warning in build, an error in check)."""
    missing: list[ContentError] = [
        ContentError(article.source, _line_of(article, src), f"image {src!r} has no alt text",
                     "write what the picture shows between the brackets, e.g. ![学生在实训室操作机床](photo.jpg); "
                     "screen readers read it aloud")
        for src in body.missing_alt]
    if not body.images and not body.links:
        return [], missing
    allowed = [(root / "content").resolve(), (root / "assets").resolve()]
    refused: list[ContentError] = []
    for kind, refs in (("image", body.images), ("link", body.links)):
        for ref in refs:
            path_part = unquote(ref.split("#", 1)[0].split("?", 1)[0])
            if not path_part:
                continue
            line = _line_of(article, ref)
            if path_part.startswith("/") or Path(path_part).is_absolute():
                refused.append(ContentError(article.source, line, f"{kind} {ref!r} is an absolute path",
                                            f"put the file next to the article and write just its name"))
                continue
            target = (article.source.parent / path_part).resolve()
            if not any(target.is_relative_to(base) for base in allowed):
                refused.append(ContentError(article.source, line, f"{kind} {ref!r} points outside the project",
                                            "only files inside content/ and assets/ are published"))
            elif not target.exists():
                missing.append(ContentError(article.source, line, f"{kind} {ref!r} points to a file that does not exist",
                                            f"check the name, or put the file in {article.source.parent.name}/"))
    return refused, missing


def _line_of(article: Article, needle: str) -> int | None:
    for i, line in enumerate(article.body_md.split("\n")):
        if needle in line:
            return article.body_line + i
    return None
