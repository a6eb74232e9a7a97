"""A letterhead (blank) DOCX reduced to what a letter built on it needs.

A municipality's blank brings its header and footer, page set-up, styles and the images of
its header (a coat of arms). Everything else a DOCX can carry is left behind: macros, an
attached template on a server, links to outside files, embedded objects, custom XML, the
blank's own text. The result is a clean package the writer builds on, so no letter ever
carries a part of the blank that nobody asked for.

The file is read with limits (its size, the size and number of its parts, no DTDs), and
anything that is not a usable DOCX is an error that names the file. Part of the writer's
layer: it knows OOXML packages, not agreements.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from xbdocs.errors import LetterheadError, printable
from xbdocs.i18n import Message, _
from xbdocs.inputs import read_bytes

MAX_FILE_BYTES = 10_000_000
MAX_UNPACKED_BYTES = 50_000_000
MAX_PARTS = 1000

_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_DOCUMENT_TYPE = ("application/vnd.openxmlformats-officedocument.wordprocessingml."
                  "document.main+xml")
#: Relationships kept, by the part they start from; each only when internal.
_KEEP_FROM_DOCUMENT = {"styles", "settings", "header", "footer", "theme", "fontTable",
                       "numbering", "image", "webSettings"}
_KEEP_FROM_HEADER = {"image"}
#: Elements of settings.xml that point outside the file or at data sources.
_SETTINGS_DROPPED = ("attachedTemplate", "mailMerge", "docVars", "linkStyles")
_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg",
                "gif": "image/gif", "bmp": "image/bmp", "emf": "image/x-emf",
                "wmf": "image/x-wmf", "tif": "image/tiff", "tiff": "image/tiff",
                "svg": "image/svg+xml"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_blank_text=False)
_A4_SECTION = (f'<w:sectPr xmlns:w="{_W}"><w:pgSz w:w="11906" w:h="16838"/>'
               '<w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" '
               'w:header="709" w:footer="709" w:gutter="0"/></w:sectPr>')


def load(path: Path) -> bytes:
    """The cleaned package of the letterhead at ``path``."""
    data = read_bytes(path, _("a letterhead (DOCX)"), MAX_FILE_BYTES)
    try:
        return _Cleaner(data).package()
    except LetterheadError:
        raise
    except _Refused as refused:
        raise LetterheadError(path, str(refused)) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise LetterheadError(path, Message("not a DOCX (ZIP) file, or a damaged one")) from None
    except etree.XMLSyntaxError as exc:
        raise LetterheadError(path, Message("a part is not well-formed XML ({error})").format(
            error=printable(str(exc), 120))) from None
    except (OSError, ValueError, KeyError, RuntimeError, NotImplementedError) as exc:
        raise LetterheadError(path, printable(str(exc) or type(exc).__name__, 120)) from None


class _Refused(Exception):
    pass


def _xml(data: bytes) -> etree._Element:
    # Refused before parsing, whatever the XML library's own limits on entities are.
    if b"<!DOCTYPE" in data or b"<!doctype" in data:
        raise _Refused(_("a part declares a DTD, which a DOCX never needs"))
    root = etree.fromstring(data, _PARSER)
    if root.getroottree().docinfo.doctype:  # one written in another encoding (UTF-16)
        raise _Refused(_("a part declares a DTD, which a DOCX never needs"))
    return root


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


class _Cleaner:
    def __init__(self, data: bytes) -> None:
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        infos = self.archive.infolist()
        if len(infos) > MAX_PARTS:
            raise _Refused(_("too many parts ({count})").format(count=len(infos)))
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise _Refused(_("unpacks to more than {limit} MB").format(
                limit=MAX_UNPACKED_BYTES // 1_000_000))
        self.names = {info.filename for info in infos}
        self.content_types = self._content_types()
        self.out: dict[str, bytes] = {}
        self.overrides: dict[str, str] = {}

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise _Refused(_("the part «{name}» is missing").format(name=printable(name, 80)))
        with self.archive.open(name) as stream:
            data = stream.read(MAX_UNPACKED_BYTES + 1)
        if len(data) > MAX_UNPACKED_BYTES:
            raise _Refused(_("unpacks to more than {limit} MB").format(
                limit=MAX_UNPACKED_BYTES // 1_000_000))
        return data

    def _content_types(self) -> dict[str, str]:
        root = _xml(self.read("[Content_Types].xml"))
        return {element.get("PartName", "").lstrip("/"): element.get("ContentType", "")
                for element in root.iter(f"{{{_CONTENT_TYPES}}}Override")}

    def relationships(self, part: str) -> list[etree._Element]:
        name = _rels_name(part) if part else "_rels/.rels"
        if name not in self.names:
            return []
        return list(_xml(self.read(name)).iter(f"{{{_PACKAGE_RELS}}}Relationship"))

    def package(self) -> bytes:
        main = next((rel.get("Target", "").lstrip("/") for rel in self.relationships("")
                     if rel.get("Type", "").endswith("/officeDocument")), None)
        if not main:
            raise _Refused(_("it has no main document"))
        kept = self._keep(main, _KEEP_FROM_DOCUMENT)
        document = _xml(self.read(main))
        body = document.find(f"{{{_W}}}body")
        if body is None:
            raise _Refused(_("its main document has no body"))
        section = body.find(f"{{{_W}}}sectPr")
        for child in list(body):
            body.remove(child)
        body.append(section if section is not None else etree.fromstring(_A4_SECTION))
        self._drop_dangling(document, kept)
        self.add(main, document, _DOCUMENT_TYPE)
        for kind, target in kept.values():
            if kind in ("header", "footer"):
                images = self._keep(target, _KEEP_FROM_HEADER)
                part = _xml(self.read(target))
                self._drop_dangling(part, images)
                self.add(target, part)
                for _kind, image in images.values():
                    self.out[image] = self.read(image)
            elif kind == "settings":
                settings = _xml(self.read(target))
                for name in _SETTINGS_DROPPED:
                    for element in settings.findall(f"{{{_W}}}{name}"):
                        settings.remove(element)
                self._drop_dangling(settings, {})
                self.add(target, settings)
            elif kind == "image":
                self.out[target] = self.read(target)
            else:
                part = _xml(self.read(target))
                self._drop_dangling(part, {})
                self.add(target, part)
        self.out["_rels/.rels"] = self._rels({"rId1": ("officeDocument", main)}, "")
        self.out["[Content_Types].xml"] = self._types()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ("[Content_Types].xml", "_rels/.rels"):
                archive.writestr(name, self.out.pop(name))
            for name, data in self.out.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    def _keep(self, part: str, kinds: set[str]) -> dict[str, tuple[str, str]]:
        """The internal relationships of ``part`` of the kinds kept: id → (kind, target)."""
        kept: dict[str, tuple[str, str]] = {}
        folder = posixpath.dirname(part)
        for rel in self.relationships(part):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            if rel.get("TargetMode") == "External" or kind not in kinds:
                continue
            target = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
            if target.startswith("..") or target not in self.names:
                continue
            if kind == "image" and target.rsplit(".", 1)[-1].lower() not in _IMAGE_TYPES:
                continue
            kept[rel.get("Id", "")] = (kind, target)
        if kept:
            self.out[_rels_name(part)] = self._rels(kept, folder)
        return kept

    def _rels(self, kept: dict[str, tuple[str, str]], folder: str) -> bytes:
        root = etree.Element(f"{{{_PACKAGE_RELS}}}Relationships", nsmap={None: _PACKAGE_RELS})
        for rel_id, (kind, target) in kept.items():
            etree.SubElement(root, f"{{{_PACKAGE_RELS}}}Relationship", Id=rel_id,
                             Type=f"{_OFFICE_RELS}/{kind}" if kind != "officeDocument" else
                             f"{_OFFICE_RELS}/officeDocument",
                             Target=posixpath.relpath(target, folder or "."))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    @staticmethod
    def _drop_dangling(root: etree._Element, kept: dict) -> None:
        """Remove references to relationships that were not kept (hyperlinks, linked
        pictures, embedded objects), so the part stays valid."""
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in [a for a in element.attrib if a.startswith(f"{{{_OFFICE_RELS}}}")]:
                if element.attrib[attribute] not in kept:
                    del element.attrib[attribute]
            if element.tag in (f"{{{_W}}}headerReference", f"{{{_W}}}footerReference") and \
                    f"{{{_OFFICE_RELS}}}id" not in element.attrib:
                element.getparent().remove(element)
        for tag in ("object", "control", "altChunk", "subDoc"):
            for element in root.iter(f"{{{_W}}}{tag}"):
                element.getparent().remove(element)

    def add(self, name: str, root: etree._Element, content_type: str | None = None) -> None:
        self.out[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                        standalone=True)
        kind = content_type or self.content_types.get(name)
        if not kind:
            raise _Refused(_("the part «{name}» has no content type").format(
                name=printable(name, 80)))
        self.overrides[name] = kind

    def _types(self) -> bytes:
        root = etree.Element(f"{{{_CONTENT_TYPES}}}Types", nsmap={None: _CONTENT_TYPES})
        extensions = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                      "xml": "application/xml"}
        for name in self.out:
            extension = name.rsplit(".", 1)[-1].lower()
            if extension in _IMAGE_TYPES:
                extensions[extension] = _IMAGE_TYPES[extension]
        for extension, kind in extensions.items():
            etree.SubElement(root, f"{{{_CONTENT_TYPES}}}Default", Extension=extension,
                             ContentType=kind)
        for name, kind in self.overrides.items():
            etree.SubElement(root, f"{{{_CONTENT_TYPES}}}Override", PartName=f"/{name}",
                             ContentType=kind)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
