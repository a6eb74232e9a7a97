"""The styled empty document a writer lays a body into, kept as parts.

python-docx sets up styles, page and page-number field well but slowly (it scans ~160 styles by
name and re-parses its template for every document; a process spends ≈ 35 ms a skeleton). So a
skeleton is made once (:mod:`xbdocs.writer.styles`) per page style, language and letterhead,
kept in memory for the process and on disk (:mod:`xbdocs.diskcache`) for the next ones.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.util
import json
from dataclasses import dataclass

from xbdocs import diskcache
from xbdocs.writer.package import Member
from xbdocs.writer.style import PageStyle

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


@functools.lru_cache(maxsize=32)
def prepare(style: PageStyle, size: float, lang: str, line_width_mm: float,
            base: bytes | None = None, page_numbers: str = "foot",
            comments: bool = False) -> Skeleton:
    """The empty document for these settings, from this process's memory, the disk cache,
    or made anew; on ``base`` (a cleaned letterhead, see :mod:`xbdocs.blank`) its page,
    header and styles stay."""
    key = _cache_key((style, size, lang, line_width_mm, page_numbers, comments), base)
    data = diskcache.read("skeletons", key)
    if data is not None:
        try:
            return Skeleton.loads(data)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            pass  # a damaged entry is made again
    from xbdocs.writer.styles import make  # python-docx: imported only when needed

    made = make(style, size, lang, line_width_mm, base, page_numbers, comments)
    diskcache.write("skeletons", key, made.dumps())
    return made


def _cache_key(settings: tuple, base: bytes | None) -> str:
    digest = hashlib.sha256(repr(settings).encode())
    digest.update(hashlib.sha256(base or b"").digest())
    digest.update(diskcache.code_digest("writer/skeleton.py", "writer/styles.py",
                                        "writer/style.py", "writer/package.py").encode())
    spec = importlib.util.find_spec("docx")  # python-docx's version, without importing it
    if spec is not None and spec.origin:
        with open(spec.origin, "rb") as stream:
            digest.update(stream.read())
    return digest.hexdigest()[:32] + ".json"
