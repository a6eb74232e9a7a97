"""The zip container of a DOCX, written from parts some of which are compressed already.

zipfile compresses every member each time it is written; the parts a skeleton shares
(styles, theme, settings …) are the same in every document, so they are deflated once and
their compressed bytes reused. The container is plain ZIP (no zip64: a document is far
below 4 GB), deflated as zipfile would, with one fixed time on every member so the same
document on the same day gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import struct
import zlib
from dataclasses import dataclass

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: deflate
_MADE_BY = 3 << 8 | _VERSION  # on Unix, so the permission bits below mean something
_FILE_MODE = 0o644 << 16


@dataclass(frozen=True)
class Member:
    """One part's bytes, deflated, with what the zip headers need to know of them."""

    size: int
    crc: int
    deflated: bytes


#: For the parts made anew for each document: a quarter of the time of the default level
#: for a file ≈ 15% larger (a 56 KB document.xml: 0.19 ms and 8.5 KB against 0.73 ms, 7.4 KB).
FAST = 3


def deflate(data: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> Member:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return Member(len(data), zlib.crc32(data), compressor.compress(data) + compressor.flush())


def _dos_time(when: dt.datetime) -> tuple[int, int]:
    year = min(max(when.year, 1980), 2107)
    return (when.hour << 11 | when.minute << 5 | when.second // 2,
            (year - 1980) << 9 | when.month << 5 | when.day)


def zip_members(members: list[tuple[str, Member]], when: dt.datetime) -> bytes:
    """The ZIP file of ``members`` (name, deflated part), in their order."""
    time, date = _dos_time(when)
    out, central = bytearray(), bytearray()
    for name, member in members:
        encoded = name.encode("ascii")
        offset = len(out)
        out += _LOCAL.pack(b"PK\x03\x04", _VERSION, 0, zlib.DEFLATED, time, date, member.crc,
                           len(member.deflated), member.size, len(encoded), 0)
        out += encoded
        out += member.deflated
        central += _CENTRAL.pack(b"PK\x01\x02", _MADE_BY, _VERSION, 0, zlib.DEFLATED, time,
                                 date, member.crc, len(member.deflated), member.size,
                                 len(encoded), 0, 0, 0, 0, _FILE_MODE, offset)
        central += encoded
    start = len(out)
    out += central
    out += _END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(central), start, 0)
    return bytes(out)


DOCUMENT_PART = "word/document.xml"
COMMENTS_PART = "word/comments.xml"
CORE_PART = "docProps/core.xml"


@dataclass(frozen=True)
class Skeleton:
    """An empty document as parts: the fixed ones already compressed, the varying ones
    (document, comments, core properties) as templates to copy."""

    #: In package order; ``None`` where a varying part goes.
    members: tuple[tuple[str, Member | None], ...]
    document: bytes
    comments: bytes | None
    #: Paragraph role → style id in this document.
    style_ids: dict[str, str]

    def dumps(self) -> bytes:
        """As JSON (no pickle: a cache file is data, never code)."""
        def text(data: bytes) -> str:
            return base64.b64encode(data).decode("ascii")

        return json.dumps({
            "members": [[name] if member is None else
                        [name, member.size, member.crc, text(member.deflated)]
                        for name, member in self.members],
            "document": text(self.document),
            "comments": None if self.comments is None else text(self.comments),
            "style_ids": self.style_ids}).encode()

    @classmethod
    def loads(cls, data: bytes) -> Skeleton:
        entry = json.loads(data)
        return cls(
            members=tuple((item[0], None if len(item) == 1 else
                           Member(item[1], item[2], base64.b64decode(item[3])))
                          for item in entry["members"]),
            document=base64.b64decode(entry["document"]),
            comments=None if entry["comments"] is None else base64.b64decode(entry["comments"]),
            style_ids=entry["style_ids"])
