"""The document's core properties (docProps/core.xml): title, subject, where it came from,
and the date it is made for."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from xbdocs.writer.page_style import language_tag

CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
DCTERMS = "http://purl.org/dc/terms/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NAMESPACES = {"cp": CP, "dc": DC, "dcterms": DCTERMS,
               "dcmitype": "http://purl.org/dc/dcmitype/", "xsi": XSI}
#: Model property → element, in the order Word writes them.
_TEXT = (("title", DC, "title"), ("subject", DC, "subject"), ("author", DC, "creator"),
         ("keywords", CP, "keywords"), ("comments", DC, "description"),
         ("last_modified_by", CP, "lastModifiedBy"), ("revision", CP, "revision"),
         ("category", CP, "category"), ("language", DC, "language"),
         ("identifier", DC, "identifier"), ("version", CP, "version"),
         ("content_status", CP, "contentStatus"))
#: Word refuses longer property values.
_LIMIT = 255


def moment(properties: dict[str, str]) -> dt.datetime:
    """The build's date (midnight UTC) if given, else now: a document made again on the
    same day is the same document."""
    when = properties.get("created")
    if when:
        return dt.datetime.combine(dt.date.fromisoformat(when), dt.time(), tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def core_xml(properties: dict[str, str], lang: str, when: dt.datetime) -> bytes:
    values = {"author": "xbdocs", **properties, "last_modified_by": "xbdocs", "revision": "1"}
    values.setdefault("language", language_tag(lang))
    root = etree.Element(f"{{{CP}}}coreProperties", nsmap=_NAMESPACES)
    for key, namespace, name in _TEXT:
        if values.get(key):
            etree.SubElement(root, f"{{{namespace}}}{name}").text = str(values[key])[:_LIMIT]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    for name in ("created", "modified"):
        element = etree.SubElement(root, f"{{{DCTERMS}}}{name}")
        element.set(f"{{{XSI}}}type", "dcterms:W3CDTF")
        element.text = stamp
    return etree.tostring(root, encoding="UTF-8", standalone=True)
