"""The styled empty document, made with python-docx: fonts, paragraph styles, page, the
page-number field; the template's leftovers dropped. Slow (≈ 35 ms), so made once and kept
(:mod:`xbdocs.writer.skeleton`)."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from lxml import etree

from xbdocs.writer.package import COMMENTS_PART, CORE_PART, DOCUMENT_PART, Skeleton, deflate
from xbdocs.writer.page_style import STYLE_NAMES, PageStyle, language_tag

#: Parts python-docx's template brings that a made document must not carry: a thumbnail of
#: another document, Word 2010's copy of the styles (stale once the styles are set), and an
#: empty bibliography store.
_DROPPED = {RT.THUMBNAIL, "http://schemas.microsoft.com/office/2007/relationships/"
            "stylesWithEffects", RT.CUSTOM_XML}


def make(style: PageStyle, size: float, lang: str, line_width_mm: float,
         base: bytes | None, page_numbers: str, comments: bool) -> Skeleton:
    doc = new_docx(io.BytesIO(base) if base is not None else None)
    if base is not None:
        section = doc.sections[0]
        line_width_mm = (section.page_width - section.left_margin - section.right_margin) \
            / Mm(1)
    _configure_styles(doc, style, size, lang, line_width_mm, own_blank=base is not None)
    if base is None:
        _page_setup(doc, style, page_numbers)
    body = doc.element.body
    if comments:
        # Let python-docx add the comments part with its relationship and content type.
        anchor = doc.add_paragraph().add_run("x")
        doc.add_comment(anchor, text="x")
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _drop_foreign_parts(doc)
    _ = doc.core_properties  # a letterhead may have none: python-docx adds it when asked
    style_ids = {role: doc.styles[name].style_id for role, name in STYLE_NAMES.items()}
    parts = _serialise(doc)
    if comments:
        root = etree.fromstring(parts[COMMENTS_PART])
        for child in list(root):
            root.remove(child)
        parts[COMMENTS_PART] = etree.tostring(root, encoding="UTF-8", standalone=True)
    varying = (DOCUMENT_PART, COMMENTS_PART, CORE_PART)
    return Skeleton(
        members=tuple((name, None if name in varying else deflate(data))
                      for name, data in parts.items()),
        document=parts[DOCUMENT_PART], comments=parts.get(COMMENTS_PART),
        style_ids=style_ids)


def _drop_foreign_parts(doc) -> None:
    package = doc.part.package
    for rels in (package.rels, doc.part.rels):
        for rId in [rId for rId, rel in rels.items() if rel.reltype in _DROPPED]:
            del rels[rId]


class _Collector:
    """Stands for the zip file python-docx's PackageWriter writes into."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def write(self, pack_uri, blob: bytes) -> None:
        self.parts[pack_uri.membername] = blob


def _serialise(doc) -> dict[str, bytes]:
    package = doc.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    collector = _Collector()
    PackageWriter._write_content_types_stream(collector, parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, parts)
    return collector.parts


def _set_fonts(rpr, font: str) -> None:
    """Name the font for every script and drop theme fonts, which would override it."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _set_language(rpr, tag: str) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), tag)
    lang.set(qn("w:bidi"), tag)


def _configure_styles(doc, style: PageStyle, size: float, lang: str,
                      line_width_mm: float, own_blank: bool = False) -> None:
    """Set the document's fonts and add xbdocs's paragraph styles. On a user's own blank
    (``own_blank``) its defaults and any styles it already defines are left as they are."""
    styles = doc.styles
    if own_blank:
        _add_styles(doc, style, size, line_width_mm, keep_existing=True)
        return
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, style.font)
    _set_language(rpr, language_tag(lang))

    for fonts in styles.element.iter(qn("w:rFonts")):
        _set_fonts(fonts.getparent(), style.font)

    _set_normal(styles, style, size)
    _add_styles(doc, style, size, line_width_mm, keep_existing=False)


def _set_normal(styles, style: PageStyle, size: float) -> None:
    normal = styles["Normal"]
    normal.font.name = style.font
    normal.font.size = Pt(size)
    _set_fonts(normal.element.get_or_add_rPr(), style.font)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    # No line of a paragraph alone at the top or the foot of a page (a one-line widow).
    fmt.widow_control = True


def _normal_style(styles, style: PageStyle, size: float):
    """The blank's «Normal» style, which every style of ours is based on. A letterhead made
    by another program may lack it (or have it under a style with no name): it is then
    added in the house style, as the default paragraph style."""
    if any(item.name == "Normal" for item in styles):
        return styles["Normal"]
    normal = styles.add_style("Normal", WD_STYLE_TYPE.PARAGRAPH)
    if not any(item.element.get(qn("w:default")) == "1" for item in styles
               if item.type == WD_STYLE_TYPE.PARAGRAPH):
        normal.element.set(qn("w:default"), "1")
    _set_normal(styles, style, size)
    return normal


def _add_styles(doc, style: PageStyle, size: float, line_width_mm: float,
                keep_existing: bool) -> None:
    styles = doc.styles
    normal = _normal_style(styles, style, size)
    existing = {s.name for s in styles}
    defined: set[str] = set()  # the styles set up here (not a letterhead's own)

    def paragraph_style(name: str, *, align, bold: bool = False, first_line: float = 0,
                        before: float = 0, after: float = 0, keep_next: bool = False,
                        left: float = 0, font_size: float | None = None):
        if keep_existing and name in existing and name != "Heading 1":
            return styles[name]
        defined.add(name)
        if name in existing:
            item = styles[name]
        else:
            item = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        item.base_style = normal
        item.quick_style = True
        item.font.name = style.font
        item.font.size = Pt(font_size or size)
        item.font.bold = bold
        item.font.italic = False
        item.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(item.element.get_or_add_rPr(), style.font)
        pf = item.paragraph_format
        pf.alignment = align
        pf.first_line_indent = Mm(first_line) if first_line else Mm(0)
        pf.left_indent = Mm(left)
        pf.space_before = Pt(before)
        pf.space_after = Pt(after)
        pf.keep_with_next = keep_next
        pf.line_spacing = 1.0
        return item

    paragraph_style("XB Title", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=6,
                    keep_next=True)
    heading = paragraph_style("Heading 1", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True,
                              before=size, after=size / 2, keep_next=True)
    heading.element.get_or_add_pPr()  # keeps its outline level for navigation
    paragraph_style("XB Body", align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    first_line=style.first_line_mm)
    paragraph_style("XB Item", align=WD_ALIGN_PARAGRAPH.JUSTIFY,
                    first_line=style.first_line_mm)
    paragraph_style("XB Signature", align=WD_ALIGN_PARAGRAPH.LEFT, after=size / 2)
    dateline = paragraph_style("XB Dateline", align=WD_ALIGN_PARAGRAPH.LEFT, before=6,
                               after=6)
    dateline.paragraph_format.tab_stops.add_tab_stop(Mm(line_width_mm),
                                                     WD_TAB_ALIGNMENT.RIGHT)
    paragraph_style("XB Aside", align=WD_ALIGN_PARAGRAPH.LEFT, left=line_width_mm / 2)
    paragraph_style("XB Subject", align=WD_ALIGN_PARAGRAPH.LEFT, before=size, after=size)
    paragraph_style("XB Note", align=WD_ALIGN_PARAGRAPH.LEFT, font_size=10)
    paragraph_style("XB Cell", align=WD_ALIGN_PARAGRAPH.LEFT, font_size=min(size, 12))
    hanging = paragraph_style("XB Hanging", align=WD_ALIGN_PARAGRAPH.LEFT,
                              left=style.hanging_mm, first_line=-style.hanging_mm)
    hanging.paragraph_format.tab_stops.add_tab_stop(Mm(style.hanging_mm))
    # Before a signature line: with its own space, about two blank lines (GOST R 7.0.97,
    # 5.23 asks for two or three), kept with the signature.
    paragraph_style("XB Gap", align=WD_ALIGN_PARAGRAPH.LEFT, before=size, keep_next=True)
    paragraph_style("XB Signature Name", align=WD_ALIGN_PARAGRAPH.RIGHT, after=size / 2)
    paragraph_style("XB Right", align=WD_ALIGN_PARAGRAPH.RIGHT, after=size / 2)
    for name in ("XB Title", "Heading 1", "XB Subject", "XB Aside", "XB Signature",
                 "XB Signature Name", "XB Dateline", "XB Right", "XB Note"):
        if name in defined:  # a letterhead's own style of that name stays as it is
            _no_hyphens(styles[name])
    settings = doc.settings.element
    if settings.find(qn("w:autoHyphenation")) is None:
        settings.append(OxmlElement("w:autoHyphenation"))


def _no_hyphens(item) -> None:
    """Words of a title, a heading, an addressee or a signature are not hyphenated (only
    running text is, to close the gaps of justified lines)."""
    ppr = item.element.get_or_add_pPr()
    if ppr.find(qn("w:suppressAutoHyphens")) is None:
        ppr.insert_element_before(
            OxmlElement("w:suppressAutoHyphens"),
            "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE",
            "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing",
            "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
            "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
            "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def _page_setup(doc, style: PageStyle, page_numbers: str = "foot") -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Mm(style.page_width_mm)
    section.page_height = Mm(style.page_height_mm)
    section.top_margin = Mm(style.top_mm)
    section.bottom_margin = Mm(style.bottom_mm)
    section.left_margin = Mm(style.left_mm)
    section.right_margin = Mm(style.right_mm)
    if page_numbers == "head-after-first":
        # A one-page letter has no number; the first page's own header stays empty.
        section.different_first_page_header_footer = True
        number = section.header.paragraphs[0]
    else:
        number = section.footer.paragraphs[0]
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_field(number, "PAGE")


def _add_field(paragraph, instruction: str) -> None:
    """A field Word and LibreOffice compute when they lay out the page."""
    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run("1")
    char("end")
