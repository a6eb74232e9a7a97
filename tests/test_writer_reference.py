"""The writer's XML against reference files made by the python-docx writer it replaced
(xbdocs a9cccfb), for models that use every block and run kind (tests/writer_models.py).

The meant changes are applied to the references before comparing: a table's properties
follow the schema's order, without the second ``w:tblLayout`` python-docx left; a row of a
grid table (a list: an inventory, a plan) never splits across pages (``w:cantSplit``). Issue 23
changed ``parallel.document.xml`` by hand, on purpose: pages numbered in the header from the
second (``w:headerReference``, ``w:titlePg``, GOST R 7.0.97-2016), and the tail kept with the
last row (``w:keepNext`` on the row's and the tail's paragraphs but the last), every row short
enough kept whole (``w:cantSplit``: no widow of one line), and the Kazakh column's running
text flush left (``w:jc``: no hyphenation patterns for Kazakh); in every reference the text
before the signatures kept with them (``w:keepNext``). When the
writer's output is changed on purpose, regenerate with ``XBDOCS_REGENERATE=1 pytest
tests/test_writer_reference.py`` and read the diff.
"""

from __future__ import annotations

import difflib
import io
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.writer_models import CASES
from xbdocs import writer

REFERENCES = Path(__file__).parent / "data" / "writer"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: CT_TblPr's sequence (ECMA-376 Part 1, 17.4.60), as far as xbdocs uses it.
TABLE_PROPERTIES = ("tblStyle", "tblW", "jc", "tblBorders", "tblLayout", "tblLook")
_PARSER = etree.XMLParser(remove_blank_text=True)


def _meant_changes(root: etree._Element) -> etree._Element:
    for table in root.iter(f"{W}tbl"):
        borders = table.find(f"{W}tblPr/{W}tblBorders/{W}top")
        if borders is None or borders.get(f"{W}val") != "single":
            continue  # not a grid table
        for row in table.iterchildren(f"{W}tr"):
            properties = row.find(f"{W}trPr")
            if properties is None:
                properties = etree.Element(f"{W}trPr")
                row.insert(0, properties)
            properties.insert(0, etree.Element(f"{W}cantSplit"))
    for properties in list(root.iter(f"{W}tblPr")):
        seen = set()
        for child in list(properties):
            if child.tag in seen:
                properties.remove(child)
            seen.add(child.tag)
        for child in sorted(properties, key=lambda element: TABLE_PROPERTIES.index(
                element.tag.removeprefix(W))):
            properties.append(child)
    return root


def _pretty(root: etree._Element) -> str:
    etree.indent(root, space=" ")
    return etree.tostring(root, encoding="unicode")


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("part", ["document.xml", "comments.xml"])
def test_the_xml_is_what_the_python_docx_writer_made(case, part):
    function, model = CASES[case]
    with zipfile.ZipFile(io.BytesIO(getattr(writer, function)(model()))) as package:
        made = _pretty(etree.fromstring(package.read(f"word/{part}"), _PARSER))
    reference = REFERENCES / f"{case}.{part}"
    if os.environ.get("XBDOCS_REGENERATE"):
        reference.write_text(made + "\n", encoding="utf-8")
    expected = _pretty(_meant_changes(etree.fromstring(reference.read_bytes(), _PARSER)))
    assert made == expected, "\n".join(difflib.unified_diff(
        expected.splitlines(), made.splitlines(), "reference", "made", lineterm=""))
