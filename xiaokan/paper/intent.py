"""The output intent of a press PDF: the printing condition the print shop prints to.

site.yaml names the shop's CMYK profile and its condition:

    print:
      output_profile: profiles/JapanColor2001Coated.icc   # a file of the project
      output_condition: JC200103                          # its name in the ICC's registry

The PDF embeds the profile, records the condition as the intent's OutputConditionIdentifier (with
the registry's address when the name is one of its registered conditions) and converts photos into
that profile. Without a profile the intent is Ghostscript's SWOP profile (a US web-offset condition,
from Debian's libgs-common), and the build says so in a notice: a print shop in China or Japan
prints to another condition."""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import ContentError, ContentWarning
from ..core.i18n import _
from ..source.model import PRESS_VARIANTS, Site
from ..source.yamlfile import key_lines, read_text

DEFAULT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
REGISTRY = "http://www.color.org"
# Characterisation data of the ICC's registry (color.org/chardata/rsd.xalter) a Chinese or Japanese
# shop may name; another name is recorded as written, without the registry's address.
REGISTERED = frozenset({
    "FOGRA27", "FOGRA28", "FOGRA29", "FOGRA39", "FOGRA40", "FOGRA45", "FOGRA47", "FOGRA51", "FOGRA52",
    "FOGRA53", "FOGRA54", "FOGRA55", "JC200103", "JCN2002", "JCW2003", "JCU2003", "CGATS TR 001",
    "CGATS TR 003", "CGATS TR 005", "CGATS TR 006", "CGATS21-2-CRPC1", "CGATS21-2-CRPC5", "CGATS21-2-CRPC6",
    "CGATS21-2-CRPC7", "IFRA26", "IFRA30", "CRPC6", "CRPC7", "GRACoL2006_Coated1", "SWOP2006_Coated3",
    "SWOP2006_Coated5"})


@dataclass(frozen=True)
class OutputIntent:
    profile: Path
    condition: str     # OutputConditionIdentifier
    description: str   # the profile's own name (OutputCondition, Info)
    default: bool      # Ghostscript's SWOP profile, nobody chose it

    @property
    def registered(self) -> bool:
        return self.condition in REGISTERED


def output_intent(site: Site) -> OutputIntent:
    """The intent of the site's press PDFs; a profile that is missing, unreadable or not a CMYK printer
    profile is an error at its line of site.yaml."""
    from PIL import ImageCms

    options = site.config.print
    config = site.root / "site.yaml"
    lines = key_lines(read_text(config)) if config.is_file() else {}

    def fail(key: str, message: str, hint: str | None = None) -> ContentError:
        return ContentError(config, lines.get(key), message, hint)

    if not options.output_profile:
        if options.output_condition:
            raise fail("output_condition", _('print.output_condition {condition} names a printing condition but '
                                             'print.output_profile gives no profile for it').format(
                condition=options.output_condition),
                _("add the print shop's ICC profile file: output_profile: profiles/….icc"))
        return OutputIntent(DEFAULT_PROFILE, "", _profile_name(DEFAULT_PROFILE), True)
    path = (site.root / options.output_profile).resolve()
    if site.root.resolve() not in path.parents or not path.is_file():
        raise fail("output_profile", _('the output profile {file} is not a file of the project').format(
            file=options.output_profile), _("put the print shop's .icc file in the project (e.g. profiles/) and give its path"))
    try:
        profile = ImageCms.getOpenProfile(str(path)).profile
    except (OSError, ImageCms.PyCMSError) as exc:
        raise fail("output_profile", _('the output profile {file} is not an ICC colour profile').format(
            file=options.output_profile), _("ask the print shop for its .icc file")) from exc
    if profile.xcolor_space.strip() != "CMYK" or profile.device_class != "prtr":
        raise fail("output_profile", _('the output profile {file} is a {space} profile, not a CMYK printing profile').format(
            file=options.output_profile, space=profile.xcolor_space.strip()),
            _("ask the print shop for the CMYK profile of its press and paper"))
    description = profile.profile_description or profile.model or path.stem
    if not options.output_condition:
        raise fail("output_profile", _('print.output_profile needs the printing condition it characterises'),
                   _('add output_condition: the registered name the print shop gives, e.g. FOGRA39 or JC200103'))
    return OutputIntent(path, options.output_condition, description.strip(), False)


def _profile_name(path: Path) -> str:
    """The profile's description tag, read from the file itself: the notice below is given by every
    build, and Pillow's colour module costs 35 ms to import for these few bytes."""
    try:
        data = path.read_bytes()
        count, = struct.unpack_from(">I", data, 128)
        for entry in range(min(count, 100)):
            signature, offset, size = struct.unpack_from(">4sII", data, 132 + 12 * entry)
            if signature == b"desc":
                return _description(data[offset:offset + size]) or path.stem
    except (OSError, struct.error, UnicodeDecodeError):
        pass
    return path.stem


def _description(tag: bytes) -> str:
    """Text of an ICC v2 textDescriptionType (ASCII) or v4 multiLocalizedUnicodeType (its first name)."""
    if tag[:4] == b"desc":
        length, = struct.unpack_from(">I", tag, 8)
        return tag[12:12 + length].split(b"\0")[0].decode("latin-1").strip()
    if tag[:4] == b"mluc":
        _records, _size, _language, length, offset = struct.unpack_from(">II4sII", tag, 8)
        return tag[offset:offset + length].decode("utf-16-be").strip()
    return ""


def intent_findings(site: Site) -> list[ContentWarning]:
    """A notice when press PDFs print to the default condition, naming it."""
    options = site.config.print
    if options.pdf_variant not in PRESS_VARIANTS or options.output_profile:
        return []
    config = site.root / "site.yaml"
    line = key_lines(read_text(config)).get("pdf_variant") if config.is_file() else None
    return [ContentWarning(config, line, _('the press PDF prints to {profile} ({path}), a US web-offset condition: ask the '
                                           'print shop for its profile and set print.output_profile and '
                                           'print.output_condition (e.g. FOGRA39, JC200103)').format(
        profile=_profile_name(DEFAULT_PROFILE), path=DEFAULT_PROFILE), kind="notice")]
