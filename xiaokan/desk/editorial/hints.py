"""The desk's own hints: an error the command line and the desk share (an issue that exists, a Word
file imported before, no built site to deploy) names a command and its options in its hint, which
someone in a browser cannot type. On its way to the page such an error gets the hint of the desk
(the button to press) instead; a hint that still names a command is left out rather than shown."""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from ...core.errors import ContentError, ContentWarning
from ...core.i18n import N_, _

# (the message as the command line says it, what the desk says instead or None to keep it, the desk's hint)
DESK_HINTS = (
    (N_('the article needs a title'), None, N_('write the title in the form of 新建文章')),
    (N_('{issue_id!r} is not an issue ID: an ID is ASCII letters, digits and -, the name of the issue\'s folder in content/'),
     None, N_("write the issue's folder name (期文件夹名) as its year and month, e.g. 2024-08")),
    (N_('there is no issue {issue_id!r}'), None, N_('make it first on the board: 新建一期')),
    (N_('this issue already exists'), None,
     N_('choose another folder name for the issue (期文件夹名), or add articles to that issue on the board (新建文章)')),
    (N_('there is no issue to proof'), None, N_('make one first on the board: 新建一期')),
    (N_('a Word file of this name was imported before as {article}, and this one differs from it'), None,   # (published:
     N_('that article is published, so 替换 does not replace it: make the changes in the article itself (open it on '
        'the board), or, if this is another document, rename the file and import it again')),   # a draft's is Held)
    (N_('this document was imported into issue {issue}; --replace replaces a draft of the issue named by --issue only'),
     N_('this document was imported into another issue; 替换以前导入的草稿 replaces a draft of this issue only'),
     N_('if it belongs in this issue, open that draft on the board and press 移到另一期 (choose this issue), or 删除 it; '
        'then import again')),
    (N_('this article is no longer a draft (草稿: false), so --replace does not replace it'),
     N_('this article is no longer a draft (草稿: false), so 替换以前导入的草稿 does not replace it'),
     N_('make the changes in the article itself (open it on the board); to replace it, it must be 退回 to a draft first')),
    (N_('there is no built site to deploy in output/'), None, N_('press 生成网站 first, then 发布')),
    # (a warning, which has no hint: the desk's words name the form in place of the file)
    (N_('the issue is printed as {notice} but its 版记 lacks {missing}: a 内部资料 names its 编印单位, 印发日期 and 印数; write them in issue.yaml (where the line starts with #, delete the # and the space), e.g. 编印单位: 评建工作办公室, 印数: 300'),
     N_('the issue is printed as {notice} but its 版记 lacks {missing}: a 内部资料 names its 编印单位, 印发日期 and 印数; '
        'fill them in with this issue\'s 刊期设置 on the board'), None),
)
_COMMAND = re.compile(r"build\.py|(?:^|[\s(（，、：:])--[a-z]")


def for_desk(error: ContentError | ContentWarning) -> ContentError | ContentWarning:
    """The error with the desk's hint (and words) where the command line's would name a command or
    send the editor to edit a file the desk has a form for (a warning: its words)."""
    for pattern, message, hint in _patterns():
        found = pattern.fullmatch(error.message)
        if found and isinstance(error, ContentWarning):
            return replace(error, message=_(message).format(**found.groupdict())) if message else error
        if found:
            return replace(error, message=_(message).format(**found.groupdict()) if message else error.message,
                           hint=_(hint) if hint else error.hint)
    if isinstance(error, ContentError) and error.hint and _COMMAND.search(error.hint):
        return replace(error, hint=None)
    return error


@lru_cache(maxsize=4)
def _compiled(language_key: str) -> tuple:
    """Each message as a pattern, its placeholders as named groups (a name used twice: the first)."""
    found = []
    for message, desk_message, hint in DESK_HINTS:
        translated, named, pattern, at = _(message), set(), "", 0
        for field in re.finditer(r"\{([^{}]*)\}", translated):
            name = re.split(r"[!:.\[]", field.group(1))[0]
            group = f"(?P<{name}>.+?)" if name.isidentifier() and name not in named else "(?:.+?)"
            named.add(name)
            pattern += re.escape(translated[at:field.start()]) + group
            at = field.end()
        found.append((re.compile(pattern + re.escape(translated[at:]), re.S), desk_message, hint))
    return tuple(found)


def _patterns() -> tuple:
    return _compiled(_("the article needs a title"))   # (one set per language the messages are in)
