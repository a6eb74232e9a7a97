"""The document model laid out as WordprocessingML (xbdocs.writer.layout), called directly:
the XML of paragraphs, runs, labels, tables and signatures, and the measurements — column
widths in twips from the page's text width, cell widths from the grid.

A4 with the default margins (30 and 15 mm) leaves 165 mm of text width: 9354 twips."""

from __future__ import annotations

from lxml import etree

from xbdocs.model import Block, Paragraph, Run
from xbdocs.writer import PageStyle
from xbdocs.writer import layout as layout_module
from xbdocs.writer.layout import Layout, w

STYLE_IDS = {"body": "XBBody", "heading": "Heading1", "item": "XBItem", "cell": "XBCell",
             "signature": "XBSignature", "title": "XBTitle"}
NS = {"w": layout_module.W}


def _layout(style: PageStyle | None = None) -> Layout:
    return Layout(style or PageStyle(), dict(STYLE_IDS))


def _body() -> etree._Element:
    return etree.Element(w("body"), nsmap={"w": layout_module.W})


def _xpath(element: etree._Element, path: str) -> list:
    return element.xpath(path, namespaces=NS)


def _texts(p: etree._Element) -> list[str]:
    """The run contents of a paragraph, in order: text, «TAB» or «BR»."""
    found = []
    for child in _xpath(p, ".//w:r/*[not(self::w:rPr)]"):
        name = etree.QName(child).localname
        found.append(child.text if name == "t" else name.upper())
    return found


def _style(p: etree._Element) -> str:
    return _xpath(p, "string(w:pPr/w:pStyle/@w:val)")


# --- paragraphs and runs ------------------------------------------------------------------------

def test_a_paragraph_takes_its_roles_style_and_its_runs_formatting():
    body = _body()
    p = _layout().paragraph(body, Paragraph([Run("Стороны "), Run("согласились", bold=True),
                                             Run(" о", italic=True)]))
    assert p.getparent() is body and _style(p) == "XBBody"
    assert _texts(p) == ["Стороны ", "согласились", " о"]
    runs = _xpath(p, "w:r")
    assert [bool(_xpath(r, "w:rPr/w:b")) for r in runs] == [False, True, False]
    assert [bool(_xpath(r, "w:rPr/w:i")) for r in runs] == [False, False, True]
    assert _xpath(runs[0], "w:rPr") == []  # a plain run carries no properties
    # An unknown role falls back to the body's style; a role given wins over the model's.
    assert _style(_layout().paragraph(body, Paragraph([Run("x")], "aside"))) == "XBBody"
    assert _style(_layout().paragraph(body, Paragraph([Run("x")]), role="cell")) == "XBCell"


def test_spaces_at_the_ends_are_kept_and_tabs_and_breaks_are_elements():
    body = _body()
    p = _layout().paragraph(body, Paragraph([Run("  Стороны,\tсогласились\nо: ")]))
    assert _texts(p) == ["  Стороны,", "TAB", "согласились", "BR", "о: "]
    preserved = [t.get("{http://www.w3.org/XML/1998/namespace}space")
                 for t in _xpath(p, ".//w:t")]
    assert preserved == ["preserve", None, "preserve"]
    assert _texts(_layout().paragraph(body, Paragraph([Run("a\r\nb")]))) == [
        "a", "BR", "BR", "b"]
    assert _texts(_layout().paragraph(body, Paragraph([Run("")]))) == []  # no empty w:t


def test_a_label_an_item_mark_and_a_right_hand_part():
    body = _body()
    layout = _layout()
    assert _texts(layout.paragraph(body, Paragraph([Run("Текст.")]), label="1.1.")) == [
        "1.1. ", "Текст."]
    assert _texts(layout.paragraph(body, Paragraph([Run("пункт;")], "item"))) == [
        layout_module.ITEM_MARK, "пункт;"]
    dateline = layout.paragraph(body, Paragraph([Run("г. Павлодар")], "dateline",
                                                right=[Run("«19» сентября 2012 г.")]))
    assert _texts(dateline) == ["г. Павлодар", "TAB", "«19» сентября 2012 г."]


def test_comments_are_anchored_in_order_with_their_ids():
    body = _body()
    layout = _layout()
    p = layout.paragraph(body, Paragraph([Run("между "), Run("Администрацией", comment="Не "
                                          "проверено"), Run(" и "), Run("", comment="пусто"),
                                          Run("акиматом", bold=True, comment="Второе")]))
    assert layout.comments == ["Не проверено", "Второе"]  # a run with no text has no anchor
    kinds = [etree.QName(child).localname for child in p][1:]
    assert kinds == ["r", "commentRangeStart", "r", "commentRangeEnd", "r", "r", "r",
                     "commentRangeStart", "r", "commentRangeEnd", "r"]
    assert _xpath(p, "w:commentRangeStart/@w:id") == ["0", "1"]
    assert _xpath(p, "w:r/w:commentReference/@w:id") == ["0", "1"]
    assert _xpath(p, "w:r[w:commentReference]/w:rPr/w:rStyle/@w:val") == [
        "CommentReference"] * 2


def test_comments_part_has_one_comment_per_text():
    template = (f'<w:comments xmlns:w="{layout_module.W}"/>').encode()
    part = etree.fromstring(layout_module.comments_part(template, ["Первое", "Второе\tс табом"],
                                                        "2027-03-01T00:00:00Z"))
    comments = _xpath(part, "w:comment")
    assert [c.get(w("id")) for c in comments] == ["0", "1"]
    assert {(c.get(w("author")), c.get(w("initials")), c.get(w("date"))) for c in comments} == {
        ("xbdocs", "XB", "2027-03-01T00:00:00Z")}
    assert _xpath(comments[1], "string(w:p/w:pPr/w:pStyle/@w:val)") == "CommentText"
    assert bool(_xpath(comments[0], "w:p/w:r/w:annotationRef"))
    assert _texts(comments[1][0]) == ["ANNOTATIONREF", "Второе", "TAB", "с табом"]


# --- blocks -------------------------------------------------------------------------------------

def test_a_heading_is_one_paragraph_with_its_label_and_a_clause_labels_its_first():
    body = _body()
    layout = _layout()
    layout.block(body, Block("a1", "heading", [Paragraph([Run("Предмет")])],
                             label="Статья 1."))
    layout.block(body, Block("a1.1", "clause", [Paragraph([Run("Первый.")]),
                                                Paragraph([Run("Второй.")])], label="1.1."))
    heading, first, second = _xpath(body, "w:p")
    assert _style(heading) == "Heading1" and "".join(_texts(heading)) == "Статья 1. Предмет"
    assert _texts(first) == ["1.1. ", "Первый."] and _texts(second) == ["Второй."]
    bare = _body()
    layout.block(bare, Block("a2", "heading", [Paragraph([])], label="Статья 2."))
    assert _texts(_xpath(bare, "w:p")[0]) == ["Статья 2."]  # no space after a lone label


def test_a_table_fills_the_text_width_in_its_proportions():
    body = _body()
    block = Block("t", "table", [Paragraph([Run("Опись:")])],
                  rows=[[Paragraph([Run("№")]), Paragraph([Run("Документ")]),
                         Paragraph([Run("Листов")])],
                        [Paragraph([Run("1")]), Paragraph([Run("Письмо")])]],
                  widths=[1, 6, 2])
    _layout().block(body, block)
    caption, table = list(body)
    assert _texts(caption) == ["Опись:"]
    # 165 mm as 1 : 6 : 2 → 18.3, 110 and 36.7 mm, in twips.
    grid = [int(v) for v in _xpath(table, "w:tblGrid/w:gridCol/@w:w")]
    assert grid == [1039, 6236, 2079] and sum(grid) == 9354
    rows = _xpath(table, "w:tr")
    for row in rows:
        assert [int(v) for v in _xpath(row, "w:tc/w:tcPr/w:tcW/@w:w")] == grid
        assert set(_xpath(row, "w:tc/w:tcPr/w:tcW/@w:type")) == {"dxa"}
        assert _xpath(row, "w:trPr/w:cantSplit")  # a row of a list is read whole
    assert _xpath(rows[0], "w:trPr/w:tblHeader") and not _xpath(rows[1], "w:trPr/w:tblHeader")
    assert [_texts(p) for p in _xpath(rows[1], "w:tc/w:p")] == [["1"], ["Письмо"], []]
    assert {_style(p) for p in _xpath(table, ".//w:p[w:r]")} == {"XBCell"}
    borders = _xpath(table, "w:tblPr/w:tblBorders/*")
    assert [etree.QName(b).localname for b in borders] == [
        "top", "left", "bottom", "right", "insideH", "insideV"]
    assert {(b.get(w("val")), b.get(w("sz")), b.get(w("color"))) for b in borders} == {
        ("single", "4", "000000")}


def test_a_table_on_another_page_and_with_widths_that_do_not_fit():
    body = _body()
    landscape = PageStyle(page_width_mm=297, page_height_mm=210, left_mm=20, right_mm=15)
    block = Block("t", "table", rows=[[Paragraph([Run(str(n))]) for n in range(4)]],
                  widths=[1, 2])  # two widths for four columns: equal columns
    _layout(landscape).block(body, block)
    (table,) = list(body)
    # 262 mm in four: 65.5 mm each.
    assert _xpath(table, "w:tblGrid/w:gridCol/@w:w") == ["3713"] * 4


def test_signatures_side_by_side_or_one_under_the_other_in_a_column():
    body = _body()
    block = Block("s", "signatures", columns=[
        [Paragraph([Run("За Сторону 1", bold=True)], "signature"), Paragraph([Run("М.П.")])],
        [Paragraph([Run("За Сторону 2", bold=True)], "signature")]])
    layout = _layout()
    layout.block(body, block)
    space, table = list(body)
    assert _texts(space) == [] and _style(space) == "XBBody"
    assert _xpath(table, "w:tblGrid/w:gridCol/@w:w") == ["4677", "4677"]  # 82.5 mm each
    assert _xpath(table, "string(w:tblPr/w:jc/@w:val)") == "center"
    assert _xpath(table, "string(w:tblPr/w:tblLayout/@w:type)") == "fixed"
    assert set(_xpath(table, "w:tblPr/w:tblBorders/*/@w:val")) == {"nil"}
    (row,) = _xpath(table, "w:tr")
    assert _xpath(row, "w:trPr/w:cantSplit") and not _xpath(row, "w:trPr/w:tblHeader")
    cells = _xpath(row, "w:tc")
    assert [[_texts(p) for p in _xpath(c, "w:p")] for c in cells] == [
        [["За Сторону 1"], ["М.П."]], [["За Сторону 2"]]]
    assert {_style(p) for p in _xpath(table, ".//w:p")} == {"XBSignature"}
    # In a column of the parallel text: no table, the parties one under the other.
    cell = etree.SubElement(_body(), w("tc"))
    layout.block(cell, block, in_table=True)
    assert [_texts(p) for p in _xpath(cell, "w:p")] == [
        ["За Сторону 1"], ["М.П."], [], ["За Сторону 2"]]
    assert not _xpath(cell, ".//w:tbl")


def test_a_row_of_the_parallel_text_tags_each_column_with_its_language():
    body = _body()
    layout = _layout(PageStyle(left_mm=20, right_mm=10))  # 180 mm
    table = layout_module.table_element(body, [90, 90], borders="nil")
    left = Block("a1", "clause", [Paragraph([Run("Текст", bold=True)])], label="1.1.")
    right = Block("a1", "clause", [Paragraph([Run("Мәтін")])], label="1.1.")
    layout.columns_row(table, [(left, "ru-RU"), (Block("empty", "text"), "kk-KZ")])
    layout.columns_row(table, [(left, "ru-RU"), (right, "kk-KZ")], keep_whole=True)
    first, second = _xpath(table, "w:tr")
    assert not _xpath(first, "w:trPr") and _xpath(second, "w:trPr/w:cantSplit")
    assert [int(v) for v in _xpath(first, "w:tc/w:tcPr/w:tcW/@w:w")] == [5102, 5102]
    ru_cell, kk_cell = _xpath(second, "w:tc")
    assert set(_xpath(ru_cell, ".//w:lang/@w:val")) == {"ru-RU"}
    assert set(_xpath(kk_cell, ".//w:lang/@w:val")) == {"kk-KZ"}
    lang = _xpath(kk_cell, ".//w:lang")[0]
    assert (lang.get(w("eastAsia")), lang.get(w("bidi"))) == ("kk-KZ", "kk-KZ")
    # A column with nothing in it still ends with a paragraph, as a cell must.
    assert len(_xpath(first, "w:tc[2]/w:p")) == 1 and not _xpath(first, "w:tc[2]/w:p/w:r")
    # After the row, runs are untagged again.
    assert layout.lang is None
    assert not _xpath(layout.paragraph(body, Paragraph([Run("x")])), ".//w:lang")


def test_a_table_in_a_cell_is_followed_by_a_paragraph():
    cell = etree.SubElement(_body(), w("tc"))
    _layout().block(cell, Block("t", "table", rows=[[Paragraph([Run("a")])]]))
    assert [etree.QName(child).localname for child in cell] == ["tbl", "p"]
