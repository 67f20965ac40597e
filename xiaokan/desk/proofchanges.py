"""The 修改对照 page: what the proof prints now against the last proof's record.

An article counts as changed when anything the proof prints of it changed: its title, the front
matter printed under it (副标题, 作者, 摄影, 来源), its 栏目 and place in the issue, the words of its
body, or the kind of a block (a heading become plain text, a sign-off aligned right, a list, a table
row, a picture). What a record of an older version did not keep is unknown, not changed."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import escape

from ..core.i18n import _
from ..source.model import Issue, Site
from .proofrecord import Block, PrintedArticle, ProofRecord

FIELD_NAMES = {"subtitle": "副标题", "author": "作者", "photographer": "摄影", "source_line": "信息来源", "section": "栏目"}
_KIND_NAMES = {"p": "段落", "li": "列表项", "tr": "表格行", "figcaption": "图片说明", "caption": "表题", "blockquote": "引文",
               "dt": "术语", "dd": "释义", "pre": "原样文字", "img": "图片", "text": "文字"}
_STYLE = ("body{font:16px/1.8 'Noto Serif CJK SC',serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222;"
          "overflow-wrap:anywhere}"
          "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em;border-bottom:1px solid #ccc}"
          "ins{background:#d9f7d9;text-decoration:none}del{background:#fbdada;color:#8a1c13}"
          ".same{color:#777}.format,.printed{color:#5a4a00;background:#fff6cc}.notice{color:#8a1c13}")


@dataclass(frozen=True)
class Comparison:
    """One article against its record: the parts of the page that say what changed."""
    front: tuple[str, ...]    # HTML lines for the printed front matter and the article's place
    body: str                 # HTML of the changed blocks

    @property
    def changed(self) -> bool:
        return bool(self.front or self.body)


def changes_page(site: Site, issue: Issue, now: dict[str, PrintedArticle], before: ProofRecord | None, this: str,
                 previous: str | None, damaged: bool = False) -> tuple[str, tuple[str, ...]]:
    """The 修改对照 page and the titles of the articles added or changed. before is None for a
    first proof and when the last record is damaged (said on the page)."""
    head = f"{site.config.title} {issue.title} · {this}"
    parts = [f"<h1>修改对照：{escape(head)}</h1>"]
    changed: list[str] = []
    if before is None:
        if damaged:
            parts.append(f'<p class="notice">{escape(_("the record of the last proof is damaged; this proof is treated as the first"))}</p>')
        parts.append(f"<p>这是第一次校样，没有更早的校样可以对照；本期共 {len(now)} 篇文章，请全文审读。</p>")
    else:
        parts.append(f"<p>与{escape(previous or '上一次校样')}相比。只列出有改动的文章，未改动的不必再读。</p>")
        old = before.articles
        moved = _moved(list(old), list(now))
        added = [s for s in now if s not in old]
        removed = [s for s in old if s not in now]
        compared = {s: _compare(old[s], now[s], _place(s, list(old), list(now)) if s in moved else None)
                    for s in now if s in old}
        edited = [s for s, comparison in compared.items() if comparison.changed]
        for slug in added:
            changed.append(now[slug].title)
            parts.append(f'<section class="added"><h2>新增：{escape(now[slug].title)}</h2>'
                         + "".join(f"<p><ins>{_block_text(b)}</ins></p>" for b in _body(now[slug])) + "</section>")
        for slug in edited:
            changed.append(now[slug].title)
            title_html = (_inline_diff(old[slug].title, now[slug].title) if old[slug].title != now[slug].title
                          else escape(now[slug].title))
            front = "".join(f'<li class="printed">{line}</li>' for line in compared[slug].front)
            parts.append(f'<section class="edited"><h2>修改：{title_html}</h2>'
                         + (f"<ul>{front}</ul>" if front else "") + compared[slug].body + "</section>")
        for slug in removed:
            parts.append(f'<section class="removed"><h2>删除：<del>{escape(old[slug].title)}</del></h2></section>')
        if not (added or edited or removed):
            parts.append("<p><strong>与上一次校样相比没有改动。</strong></p>")
        parts.append(f"<p>未改动的文章：{len(now) - len(added) - len(edited)} 篇。</p>")
    return document(f"修改对照：{head}", "".join(parts)), tuple(changed)


def document(title: str, body: str) -> str:
    """The change page around its parts: read on a phone too (a reviewer opens it from a chat app)."""
    return ('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>\n")


def _compare(old: PrintedArticle, new: PrintedArticle, place: str | None) -> Comparison:
    front = [f"标题：{_inline_diff(old.title, new.title)}"] if old.title != new.title else []
    if old.fields is not None and new.fields is not None:
        for name, label in FIELD_NAMES.items():
            if name in old.fields and name in new.fields and old.fields[name] != new.fields[name]:
                front.append(f"{label}：{_inline_diff(old.fields[name], new.fields[name])}")
    if place:
        front.append(escape(place))
    if old.blocks is None:   # (a first-version record: its text lines, compared with ours made the same way)
        body = _diff([Block(None, line) for line in old.lines], [Block(None, line) for line in new.lines])
    else:
        body = _diff(list(old.blocks), list(_body(new)))
    return Comparison(tuple(front), body)


def _body(article: PrintedArticle) -> tuple[Block, ...]:
    return article.blocks if article.blocks is not None else tuple(Block(None, line) for line in article.lines)


def _moved(old_order: list[str], new_order: list[str]) -> set[str]:
    """Articles whose place among the others changed: those outside the longest run kept in order
    (one article moved to the front moves only itself, not every article after it)."""
    common_old = [s for s in old_order if s in set(new_order)]
    common_new = [s for s in new_order if s in set(old_order)]
    kept: set[str] = set()
    for block in difflib.SequenceMatcher(a=common_old, b=common_new, autojunk=False).get_matching_blocks():
        kept.update(common_old[block.a:block.a + block.size])
    return set(common_new) - kept


def _place(slug: str, old_order: list[str], new_order: list[str]) -> str:
    return f"位置：本期第 {old_order.index(slug) + 1} 篇 → 第 {new_order.index(slug) + 1} 篇"


def _diff(old: list[Block], new: list[Block]) -> str:
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            continue   # (unchanged blocks are not shown: reviewers read only what changed)
        if op == "replace" and i2 - i1 == j2 - j1:
            out += [_changed_block(a, b) for a, b in zip(old[i1:i2], new[j1:j2])]
            continue
        out += [f"<p><del>{_block_text(b)}</del>{_kind_note(b, None)}</p>" for b in old[i1:i2]]
        out += [f"<p><ins>{_block_text(b)}</ins>{_kind_note(None, b)}</p>" for b in new[j1:j2]]
    return "".join(out)


def _changed_block(old: Block, new: Block) -> str:
    text = escape(new.text) if old.text == new.text else _inline_diff(old.text, new.text)
    if "img" in (old.kind, new.kind) and old.kind != new.kind:
        return f"<p><del>{_block_text(old)}</del></p><p><ins>{_block_text(new)}</ins></p>"
    if new.kind == "img":
        text = f"图片：{text}"
    note = _kind_note(old, new) if old.kind != new.kind and None not in (old.kind, new.kind) else ""
    return f"<p>{text}{note}</p>"


def _kind_note(old: Block | None, new: Block | None) -> str:
    if old is not None and new is not None:
        return f'<span class="format">（格式：{escape(kind_name(old.kind))} → {escape(kind_name(new.kind))}）</span>'
    block = old or new
    if block.kind is None or block.kind in ("p", "img"):
        return ""
    return f'<span class="format">（{escape(kind_name(block.kind))}）</span>'


def kind_name(kind: str | None) -> str:
    """'ol>li.right' -> '编号列表项，右对齐': a block's kind as a reviewer names it."""
    if kind is None:
        return "未记录"
    parts = kind.split(">")
    tag, _, classes = parts[-1].partition(".")
    tag = re.sub(r"\[.*", "", tag)
    if re.fullmatch(r"h[1-6]", tag):
        name = f"{'一二三四五六'[int(tag[1]) - 1]}级标题"
    elif tag == "li":
        name = "编号列表项" if "ol" in [re.sub(r"[.\[].*", "", p) for p in parts[:-1]][-2:] else "列表项"
    elif tag == "tr":
        name = "表头行" if any(p.startswith("thead") for p in parts) else "表格行"
    else:
        name = _KIND_NAMES.get(tag, tag)
    if any(p.startswith("blockquote") for p in parts[:-1]):
        name = "引文中的" + name
    return "，".join([name, *_alignment_names(kind)])


def _alignment_names(kind: str) -> list[str]:
    names = []
    for word, name in (("right", "右对齐"), ("cent", "居中"), ("left", "左对齐"), ("justify", "两端对齐"), ("indent", "缩进")):
        if re.search(rf"[.=\[-]{word}", kind):
            names.append(name)
    return names


def _block_text(block: Block) -> str:
    return f"图片：{escape(block.text)}" if block.kind == "img" else escape(block.text)


def _inline_diff(old: str, new: str) -> str:
    """One text, character by character: deletions struck, insertions marked."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(f'<span class="same">{escape(old[i1:i2])}</span>')
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(old[i1:i2])}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return "".join(out)
