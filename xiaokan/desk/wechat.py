"""公众号版: an article as HTML to paste into the WeChat official-account editor.

The WeChat editor drops <style>, <link>, <script>, classes and ids, and does not keep links to
other sites. So the export is self-contained: the theme (templates/wechat.css) is inlined into
style attributes with css-inline (a maintained CSS inliner; writing one by hand is not the job of a
newsletter tool), external links and footnotes become numbered notes listed at the end (links to
mp.weixin.qq.com stay links), photos are absolute addresses from base_url (WeChat copies them on
paste, so they must be online first: the export says so, naming them), charts stay inline SVG and
tables scroll sideways on a phone."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from urllib.parse import unquote

from ..core.errors import ContentError, ContentErrors, did_you_mean
from ..core.i18n import _
from ..core.urls import absolute, is_placeholder, rebase
from ..source.markup import Body
from ..source.model import Article, Site
from .newfile import open_new

THEME = "wechat.css"
MAX_TEXT = 20_000           # characters of text WeChat accepts in one post
MAX_BYTES = 1024 * 1024     # and the size of the HTML
_LINK = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"[^>]*>(.*?)</a>', re.S)
_FOOTNOTE_REF = re.compile(r'<sup\b[^>]*>\s*<a\b[^>]*href="#fn:([^"]+)"[^>]*>[^<]*</a>\s*</sup>', re.S)
_FOOTNOTES = re.compile(r'<div class="footnote">.*?<ol>(.*?)</ol>\s*</div>', re.S)
_FOOTNOTE_ITEM = re.compile(r'<li id="fn:([^"]+)">(.*?)</li>', re.S)
_BACKREF = re.compile(r'<a\b[^>]*class="footnote-backref"[^>]*>.*?</a>', re.S)
_CREDIT = re.compile(r'(<span class="credit">)')
_IMAGE_SRC = re.compile(r'<img\b[^>]*?\ssrc="@root/([^"]+)"')
PHOTOS_NAMED = 5   # photos a warning names before it says how many more


@dataclass(frozen=True)
class WechatPost:
    html: str
    text_length: int       # characters of visible text
    warnings: tuple[str, ...]


def export(site: Site, article: Article, body: Body, theme_css: str, photos_from: str | None = None) -> WechatPost:
    """The article as one self-contained HTML fragment, every style inline. Photos are addressed from
    base_url; given photos_from (the preview, which serves them itself: `/`), they are also shown from
    there (srcset), while the address WeChat copies them from stays the web one (src)."""
    import css_inline

    base = site.config.base_url
    photos = [unquote(path) for path in dict.fromkeys(_IMAGE_SRC.findall(body.html))]
    html = re.sub(r'\s(?:srcset|sizes|loading|decoding)="[^"]*"', "", body.html)
    if photos_from is not None:
        html = _IMAGE_SRC.sub(lambda m: f'{m.group(0)} srcset="{photos_from}{m.group(1)}"', html)
    html = rebase(html, lambda attribute, path: absolute(base, path.removesuffix("index.html")))
    html = _CREDIT.sub(r"　\1", html)   # (WeChat drops the class that sets the credit apart: 会议现场　教务处供图)
    html = re.sub(r'<details class="chart-data">.*?</details>', "", html, flags=re.S)   # (the web's data table)
    html = re.sub(r"(<table\b.*?</table>)", r'<div class="table-box">\1</div>', html, flags=re.S)
    html, notes = _notes(html, base)
    meta = "　".join(part for part in (f"{article.date.year}年{article.date.month}月{article.date.day}日",
                                       f"作者：{article.author}" if article.author else "",
                                       f"摄影：{article.photographer}" if article.photographer else "") if part)
    parts = [
        '<section class="wechat">',
        f'<p class="wechat-section">{escape(article.section)}</p>',
        f'<h1 class="wechat-title">{escape(article.title)}</h1>',
        f'<p class="wechat-meta">{escape(meta)}</p>',
        html,
        f'<p class="wechat-source">信息来源：{escape(article.source_line)}</p>' if article.source_line else "",
    ]
    if notes:
        parts.append('<section class="wechat-notes"><p class="wechat-notes-title">注释与参考链接</p>')
        parts += [f"<p>[{n}] {text}</p>" for n, text in enumerate(notes, start=1)]
        parts.append("</section>")
    parts.append(f'<p class="wechat-more">阅读原文：{escape(absolute(base, article.url))}</p>')
    parts.append("</section>")
    document = f"<html><head><style>{theme_css}</style></head><body>{''.join(parts)}</body></html>"
    inlined = css_inline.inline(document, keep_style_tags=False, keep_link_tags=False)
    fragment = inlined.split("<body>", 1)[1].rsplit("</body>", 1)[0]
    fragment = re.sub(r'\s(?:class|id|role|tabindex|aria-[a-z]+)="[^"]*"', "", fragment)
    fragment = re.sub(r"<script\b.*?</script>", "", fragment, flags=re.S)
    text_length = len(re.sub(r"\s+", "", unescape(re.sub(r"<[^>]+>", "", re.sub(r"<svg\b.*?</svg>", "", fragment, flags=re.S)))))
    warnings = []
    if text_length > MAX_TEXT:
        warnings.append(_('the post has {text_length} characters of text; WeChat accepts {MAX_TEXT}: split it into two posts').format(text_length=text_length, MAX_TEXT=MAX_TEXT))
    size = len(fragment.encode())
    if size > MAX_BYTES:
        warnings.append(_('the post is {value:.1f} MB; WeChat accepts 1 MB: leave out a table or a chart').format(value=size / 1024 / 1024))
    if photos:
        warnings.append(_photos_warning(site, article, photos))
    return WechatPost(fragment, text_length, tuple(warnings))


def _photos_warning(site: Site, article: Article, photos: list[str]) -> str:
    """WeChat copies a pasted post's photos from their web addresses: until the site with them is
    deployed they are broken images in the post, and never there while base_url is a placeholder
    or the article a draft (a draft's photos are not published)."""
    names = "、".join(path.rsplit("/", 1)[-1] for path in photos[:PHOTOS_NAMED]) + ("…" if len(photos) > PHOTOS_NAMED else "")
    base = site.config.base_url
    if is_placeholder(base):
        return _('the post\'s {count} photo(s) ({names}) load from base_url {base_url}, a placeholder: in WeChat they '
                 'would be broken images; set base_url to the newsletter\'s address and deploy the site before pasting, '
                 'or upload the photos in the WeChat editor').format(count=len(photos), names=names, base_url=base)
    if article.draft or any(issue.draft for issue in site.issues if issue.id == article.issue_id):
        return _('the post\'s {count} photo(s) ({names}) are not online while the article is a draft: publish it '
                 '(草稿: false) and deploy the site before pasting, or upload the photos in the WeChat editor'
                 ).format(count=len(photos), names=names)
    return _('the post\'s {count} photo(s) ({names}) are copied by WeChat from {base_url}: deploy the site with them '
             'before pasting, or they are broken images').format(count=len(photos), names=names, base_url=base)


def _notes(html: str, base_url: str) -> tuple[str, list[str]]:
    """External links and footnotes as numbered notes [1], [2] … listed at the end, in reading order.
    Links to WeChat articles and to this site's own pages stay in the text as their address."""
    notes: list[str] = []
    footnotes = {}
    block = _FOOTNOTES.search(html)
    if block:
        for key, text in _FOOTNOTE_ITEM.findall(block.group(1)):
            footnotes[key] = _BACKREF.sub("", text).replace("<p>", "").replace("</p>", "").strip()
        html = html[:block.start()] + html[block.end():]

    def footnote(match: re.Match) -> str:
        notes.append(footnotes.get(match.group(1), ""))
        return f"<sup>[{len(notes)}]</sup>"

    def link(match: re.Match) -> str:
        href, label = unescape(match.group(1)), match.group(2)
        if re.match(r"https?://mp\.weixin\.qq\.com/", href):
            return f'<a href="{escape(href)}">{label}</a>'
        if not re.match(r"(https?:|mailto:|tel:)", href):
            return label   # (an anchor inside the page)
        notes.append(escape(href.removeprefix("mailto:").removeprefix("tel:")))
        return f"{label}<sup>[{len(notes)}]</sup>"

    # One pass in reading order, so that footnotes and links share one numbering.
    pattern = re.compile(f"{_FOOTNOTE_REF.pattern}|{_LINK.pattern}", re.S)
    html = pattern.sub(lambda m: footnote(m) if m.group(1) is not None else link(_LINK.match(m.group(0))), html)
    return html, notes


WECHAT_DIR = "wechat"   # beside output/: posts to paste, never part of the public site


def find_article(site: Site, root: Path, which: str) -> Article:
    """The article named on the command line: its .md file, or `2024-06/<slug>`."""
    wanted = which.strip().rstrip("/")
    path = Path(wanted)
    for article in site.articles:
        if path.suffix.lower() in (".md", ".markdown"):
            candidates = {path.resolve(), (root / path).resolve()}
            if article.source.resolve() in candidates:
                return article
        elif article.url.rstrip("/") == wanted:
            return article
    guess = _closest_article(site, root, wanted)
    raise ContentError(Path(which), None, _('there is no article {which!r}').format(which=which),
                       _('did you mean {guess}?').format(guess=guess) if guess else
                       _('name its .md file (content/2024-06/01-….md) or write it as 2024-06/<its address>'))


def _closest_article(site: Site, root: Path, wanted: str) -> str | None:
    """The article named most like wanted, written the way wanted is (a file, or issue/address)."""
    if Path(wanted).suffix.lower() in (".md", ".markdown"):
        names = {}   # (compared without .md: a name typed short of its end, 02-xiao-yuan.md, is the start of one)
        for article in site.articles:
            try:
                name = article.source.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                continue
            names[name.rsplit(".", 1)[0]] = name
        written = Path(wanted).as_posix().removeprefix("./")
        if not written.startswith("content/") and (root / "content" / written).parent.is_dir():
            written = "content/" + written
        guess = did_you_mean(written.rsplit(".", 1)[0], sorted(names))
        return names[guess] if guess else None
    return did_you_mean(wanted, sorted(a.url.rstrip("/") for a in site.articles))


def post_path(article: Article) -> str:
    """Where an article's post is written, inside wechat/: one folder per issue, so that no two
    articles share a file (2024-06/a-b and 2024-06-a/b were both 2024-06-a-b.html)."""
    return f"{article.issue_id}/{article.slug}.html"


def write_post(root: Path, which: str) -> tuple[Path, WechatPost]:
    """Export one article (drafts too: a post may go out before the issue) into wechat/."""
    from ..bodies import convert_articles
    from ..source.content import load_site
    from ..source.references import photo_problems

    site = load_site(root, drafts=True).site
    article = find_article(site, root, which)
    body = convert_articles(Site(site.root, site.config, site.issues))[article.url]
    if missing := photo_problems(article, body, root):   # (a photo the site has not: a broken picture in the post)
        raise ContentErrors(missing)
    post = export(site, article, body, theme(root))
    target = root / WECHAT_DIR / post_path(article)
    _write_file(root, target, page(article, post))
    return target, post


def _write_file(root: Path, target: Path, text: str) -> None:
    """Write target, a file of the project: its folders must be real folders of the project (a link
    among them is refused), and a link at target itself is replaced by the file, never written through."""
    folder = root
    for part in target.parent.relative_to(root).parts:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise ContentError(folder, None, _('{folder} is not a folder of the project (a link or a file): the post is not written through it').format(folder=folder),
                               _('remove it or move it aside, then export again'))
        folder.mkdir(exist_ok=True)
    handle, temp = open_new(target.parent, ".wechat-", ".tmp")   # (0644 as a rule, as any saved file)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temp, target)   # (a rename replaces a link at target, not the file it points to)
    except BaseException:
        os.unlink(temp)
        raise


def page(article: Article, post: WechatPost) -> str:
    """The export as a file to open in a browser: select all, copy, paste into the WeChat editor."""
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>公众号版：{escape(article.title)}</title></head><body>\n{post.html}\n</body></html>\n")


def theme(root: Path) -> str:
    """The theme's CSS, from templates/ (editors may change it; a link leading out of templates/ is refused)."""
    from ..source.links import TEMPLATE_HOMES, refuse_outside_links

    path = root / "templates" / THEME
    refuse_outside_links(root, path, TEMPLATE_HOMES)
    return path.read_text(encoding="utf-8")
