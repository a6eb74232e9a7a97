"""How a page looks: sizes, margins, fonts, and which paragraph style each role takes."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGE_TAGS = {"ru": "ru-RU", "kk": "kk-KZ"}
#: The mark of a list item: the same dash as in the text («—»), one dash style throughout.
ITEM_MARK = "— "


@dataclass(frozen=True)
class PageStyle:
    font: str = "Times New Roman"
    body_size: float = 14
    table_size: float = 12
    page_width_mm: float = 210
    page_height_mm: float = 297
    top_mm: float = 20
    bottom_mm: float = 20
    left_mm: float = 30
    right_mm: float = 15
    first_line_mm: float = 12.5
    #: Where the lines of a hanging paragraph hang: past «Приложение: » at 14 pt.
    hanging_mm: float = 30

    @property
    def text_width_mm(self) -> float:
        return self.page_width_mm - self.left_mm - self.right_mm


#: Two columns need the width: narrower margins for the parallel text.
PARALLEL_STYLE = PageStyle(left_mm=20, right_mm=10)
#: Word's default cell margins (0.19 cm each side) narrow a column's text.
CELL_PADDING_MM = 3.8

# Paragraph roles of the model → style names in the DOCX.
STYLE_NAMES = {
    "title": "XB Title",
    "heading": "Heading 1",
    "body": "XB Body",
    "item": "XB Item",
    "dateline": "XB Dateline",
    "signature": "XB Signature",
    "aside": "XB Aside",
    "subject": "XB Subject",
    "note": "XB Note",
    "cell": "XB Cell",
    "hanging": "XB Hanging",
    "right": "XB Right",
    "gap": "XB Gap",
    "signname": "XB Signature Name",
}


#: Languages whose words the office suites hyphenate (Word; LibreOffice with hyphen-ru). In
#: a narrow column, justified text in another language (Kazakh: no patterns in either)
#: leaves wide gaps, so it is set flush left there.
HYPHENATED = {"ru-RU"}


def language_tag(lang: str) -> str:
    return LANGUAGE_TAGS.get(lang, lang)


def twips(mm: float) -> int:
    """A length in twips (1/1440 inch), rounded as python-docx rounds it."""
    return round(int(mm * 36000) / 635)
