"""The Word import's placeholders: Markdown the import writes itself (pictures, tables, alignment,
footnote marks) and the files it puts beside the article stand in mammoth's HTML as tokens until the
HTML is Markdown, so that no escaping can touch them and no document's text can fake one."""
from __future__ import annotations

import re
from dataclasses import dataclass

MARK = "\uffff"   # (a character XML cannot hold, so no document's text can fake a token)
TOKEN = re.compile(f"{MARK}([BFNAPS])([0-9a-z]+){MARK}")


@dataclass(frozen=True)
class WordFile:
    suffix: str     # ".png", ".csv" …: the file is named <article>-N<suffix> (tables: -table-N.csv)
    data: bytes


class Placed:
    """Markdown the import writes itself (pictures, tables) and the files beside the article, each
    standing in the HTML as a token until markdownify has run."""

    def __init__(self, soup):
        self.soup, self.blocks, self.files = soup, [], []

    def block(self, markdown: str, inline: bool = False):
        self.blocks.append(markdown)
        token = f"{MARK}B{len(self.blocks)}{MARK}"
        if inline:
            return token
        paragraph = self.soup.new_tag("p")
        paragraph.string = token
        return paragraph

    def file(self, suffix: str, data: bytes) -> str:
        self.files.append(WordFile(suffix, data))
        return f"{MARK}F{len(self.files)}{MARK}"
