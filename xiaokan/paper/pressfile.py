"""What a press PDF (PDF/X-4, PDF/X-1a) may hold, made so as WeasyPrint writes it.

- No link annotations in any press variant: a plate has no use for them and PDF/X forbids
  annotations inside the trim. The links are left out while the file is written (the page objects
  keep them: the 数字报 reads them from the laid-out document).
- PDF/X-1a has no transparency. The only groups WeasyPrint draws for our pages are those it opens
  for centred SVG text (charts: `text-anchor`), which carry no transparency at all; without the group
  dictionary a form XObject is plain opaque art. A soft mask or a constant alpha below 1 would be
  real transparency: the print CSS never uses them in a press variant (the proof watermark is an
  opaque tint there), and they are made opaque rather than left to make the file invalid.
- The output intent names the printing condition (intent.py), not only the profile's description.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable

from .intent import REGISTRY, OutputIntent


@contextmanager
def without_links(document):
    """The document's pages without their links while the PDF is written."""
    kept = [page.links for page in document.pages]
    for page in document.pages:
        page.links = []
    try:
        yield
    finally:
        for page, links in zip(document.pages, kept):
            page.links = links


def press_finisher(variant: str, intent: OutputIntent, then: Callable | None = None) -> Callable:
    """A WeasyPrint finisher for a press variant; `then` (crop marks) runs after it."""
    import pydyf

    def finish(document, pdf) -> None:
        if variant == "pdf/x-1a":
            for obj in pdf.objects:
                _opaque(obj)
        intents = pdf.catalog.get("OutputIntents")
        if intents and not intent.default:
            record = intents[0]
            record["OutputConditionIdentifier"] = pydyf.String(intent.condition)
            record["OutputCondition"] = pydyf.String(intent.description)
            record["Info"] = pydyf.String(intent.description)
            if intent.registered:
                record["RegistryName"] = pydyf.String(REGISTRY)
        if then:
            then(document, pdf)

    return finish


def _opaque(obj) -> None:
    """Drop a transparency group from a form XObject, and make an ExtGState opaque."""
    import pydyf

    holder = obj.extra if isinstance(obj, pydyf.Stream) else obj if isinstance(obj, pydyf.Dictionary) else None
    if holder is None:
        return
    group = holder.get("Group")
    if isinstance(group, dict) and group.get("S") == "/Transparency":
        del holder["Group"]
    if holder.get("Type") == "/ExtGState" or any(key in holder for key in ("ca", "CA", "SMask")):
        for key in ("ca", "CA"):
            if key in holder:
                holder[key] = 1
        if "SMask" in holder:
            holder["SMask"] = "/None"
        if holder.get("BM") not in (None, "/Normal", "/Compatible"):
            holder["BM"] = "/Normal"
