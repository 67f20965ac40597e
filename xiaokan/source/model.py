"""The content model: plain frozen dataclasses that flow from loading to rendering."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.i18n import _


@dataclass(frozen=True)
class Section:
    name: str          # 栏目 as editors write it, e.g. 新闻政策
    slug: str          # ASCII URL part, e.g. news
    description: str = ""


# PDF variants WeasyPrint writes; the press ones print in CMYK with an output intent (paper/press.py).
VARIANTS = ("none", "pdf/a-3b", "pdf/x-4", "pdf/x-1a")
PRESS_VARIANTS = frozenset({"pdf/x-4", "pdf/x-1a"})


@dataclass(frozen=True)
class PrintOptions:
    page_size: str = "A4"
    bleed_mm: float = 0.0
    crop_marks: bool = False
    pdf_variant: str = "none"            # none, pdf/a-3b (archival), pdf/x-4 or pdf/x-1a (press, CMYK)
    article_starts_new_page: bool = False   # run-on by default: articles follow each other
    pages_multiple_of: int = 4           # saddle stitching: sheets of 4 pages (1: no padding)
    internal_notice: str | None = None   # 内部资料 line on the cover
    qr_codes: bool | None = None         # a QR code to its web page under each article (None: when base_url is real)
    publish_on_site: bool = True         # the PDF is also a download on the issue's page (always in print/)
    digital_edition: bool = True         # 数字报: the PDF's pages as images on the site, articles clickable
    output_profile: str = ""             # the print shop's CMYK ICC profile, a file of the project (paper/intent.py)
    output_condition: str = ""           # its registered condition, e.g. FOGRA39, JC200103


@dataclass(frozen=True)
class Footer:
    """The frame a site hosted in mainland China shows under every page."""
    copyright: str = ""
    contact: str = ""
    icp: str = ""          # ICP备案号, linked to the MIIT registry
    police: str = ""       # 公安备案号, linked to the Ministry of Public Security's registry

    @property
    def police_code(self) -> str:
        """The digits of the 公安备案号, which its registry's address takes."""
        return "".join(c for c in self.police if c.isdigit())


@dataclass(frozen=True)
class BucketOptions:
    """How `build.py deploy` reaches object storage (`target: s3://BUCKET/PREFIX`; see source/s3settings.py)."""
    endpoint: str = ""         # the provider's address, e.g. https://s3.oss-cn-hangzhou.aliyuncs.com ("": AWS)
    region: str = "us-east-1"
    addressing: str = "virtual"   # virtual (the bucket in the host name) or path
    max_deletes: int = 256     # a deploy that would delete more objects is refused
    after: str = ""            # a command run after a deploy or rollback that changed the site (a CDN refresh)
    cache: tuple[tuple[str, str], ...] = ()   # (pattern, Cache-Control) of site.yaml, before the defaults
    written: frozenset[str] = frozenset()     # the keys above that site.yaml sets (the rest are defaults)


@dataclass(frozen=True)
class DeployOptions:
    """Where `build.py deploy` publishes output/ (see deploy.py)."""
    target: str = ""           # a folder, or user@host:/path, or s3://bucket/prefix
    keep: int = 5              # releases kept for --rollback
    ssh: str = "ssh"           # the ssh command, e.g. `ssh -p 2222 -i ~/.ssh/deploy_key`
    bandwidth: int = 0         # KB/s (rsync --bwlimit) on a link the school shares; 0: no limit
    bucket: BucketOptions = field(default_factory=BucketOptions)   # object storage (s3:// targets)


@dataclass(frozen=True)
class SiteConfig:
    title: str                 # newsletter name (masthead)
    school: str
    base_url: str              # https://example.edu.cn/xiaokan/ (always ends with /)
    language: str
    description: str
    sections: tuple[Section, ...]
    per_page: int = 20
    feed_size: int = 20
    trust_html: bool = False
    print: PrintOptions = field(default_factory=PrintOptions)
    logo: str = ""             # a file of assets/, beside the name in the masthead
    favicon: str = ""          # a file of assets/ (.svg, .png or .ico)
    footer: Footer = field(default_factory=Footer)
    deploy: DeployOptions = field(default_factory=DeployOptions)

    def section_named(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


@dataclass(frozen=True)
class Article:
    source: Path          # content/2024-06/01-foo.md, for error messages
    issue_id: str         # "2024-06"
    section: str          # 栏目, one of the site's sections
    title: str
    date: date
    slug: str             # ASCII, stable
    body_md: str
    body_line: int = 1    # line of the file where the body starts, for error messages
    subtitle: str | None = None
    source_line: str | None = None   # 信息来源
    author: str | None = None
    photographer: str | None = None   # 摄影, shown beside 作者
    summary: str | None = None
    order: int = 0
    tags: tuple[str, ...] = ()
    draft: bool = False   # 草稿: only in the preview and in proofs, never published
    headline: bool = False   # 头条: the issue's lead article on the home page

    @property
    def url(self) -> str:
        return f"{self.issue_id}/{self.slug}/"


@dataclass(frozen=True)
class Imprint:
    """版记: who made the printed issue and for whom, printed on its back cover."""
    publisher: str = ""            # 编印单位
    chief_editor: str = ""         # 主编
    responsible_editor: str = ""   # 责任编辑
    print_run: int | None = None   # 印数 (copies)
    printed_on: date | None = None # 印发日期
    report_to: str = ""            # 报 (higher authorities)
    copy_to: str = ""              # 送 (other offices)
    send_to: str = ""              # 发 (distribution inside the school)
    permit: str = ""               # 准印证号 of a 内部资料 (printed in the 版记)


@dataclass(frozen=True)
class Issue:
    id: str               # folder name, e.g. 2024-06
    folder: Path
    title: str            # 2024年第2期
    number: int
    total_number: int | None
    date: date
    editors: tuple[str, ...] = ()
    summary: str = ""
    cover_image: str | None = None
    articles: tuple[Article, ...] = ()
    imprint: Imprint = Imprint()
    draft: bool = False   # an issue in preparation: only in the preview and in proofs

    @property
    def url(self) -> str:
        return f"{self.id}/"

    @property
    def pdf_name(self) -> str:
        return f"xiaokan-{self.id}.pdf"

    @property
    def published(self) -> bool:
        """Does `build` publish it, on the site and in print? Not an issue in preparation, nor one of drafts
        only: the preview and proofs read those too (drafts=True), `build` and `check` leave them out."""
        return not self.draft and any(not a.draft for a in self.articles)


@dataclass(frozen=True)
class Site:
    root: Path
    config: SiteConfig
    issues: tuple[Issue, ...]        # newest first

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for issue in self.issues for a in issue.articles)


def articles_by_section(issue: Issue, sections: tuple[Section, ...]) -> list[tuple[Section, list[Article]]]:
    """An issue's articles grouped by 栏目 in site.yaml order, each group in reading order."""
    groups = []
    for section in sections:
        members = [a for a in issue.articles if a.section == section.name]
        if members:
            groups.append((section, members))
    return groups


def reading_order(issue: Issue, sections: tuple[Section, ...]) -> list[Article]:
    """The order a reader meets the articles: by section, then by `order`."""
    return [a for _, members in articles_by_section(issue, sections) for a in members]


def neighbours(issue: Issue, sections: tuple[Section, ...], article: Article) -> tuple[Article | None, Article | None]:
    """Previous and next article within the issue, in reading order."""
    ordered = reading_order(issue, sections)
    i = ordered.index(article)
    return (ordered[i - 1] if i > 0 else None, ordered[i + 1] if i + 1 < len(ordered) else None)


def lead_article(issue: Issue, sections: tuple[Section, ...]) -> Article:
    """The issue's 头条: the article marked so, else the first in reading order."""
    ordered = reading_order(issue, sections)
    return next((a for a in ordered if a.headline), ordered[0])


def unpublished_issue_message(published_before: bool = False) -> str:
    """The warning on the issue.yaml of an issue without a published article: not on the site, and, when
    the last build published it, gone from the live site with the next deploy (builder.py says which)."""
    if published_before:
        return _('this issue has no published articles any more, so it is not published: its pages and PDF that '
                 'the last build published are left out, and the next deploy (发布) removes them from the live site '
                 '(the home page goes back to the issue before it); if this was not meant, make an article of it '
                 'a non-draft again (草稿: 否)')
    return _('this issue has no published articles yet, so it is not published: it is not on the site, and the '
             'home page shows the issue before it')
