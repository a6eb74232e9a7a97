"""The styled empty document a writer lays a body into, kept as parts.

python-docx sets up styles, page and page-number field well but slowly (it scans ~160 styles by
name and re-parses its template for every document; a process spends ≈ 35 ms a skeleton). So a
skeleton is made once (:mod:`xbdocs.writer.new_skeleton`) per page style, language and letterhead,
kept in memory for the process and on disk (:mod:`xbdocs.diskcache`) for the next ones.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util

from xbdocs import diskcache
from xbdocs.writer.package import Skeleton
from xbdocs.writer.page_style import PageStyle


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
    from xbdocs.writer.new_skeleton import make  # python-docx: imported only when needed

    made = make(style, size, lang, line_width_mm, base, page_numbers, comments)
    diskcache.write("skeletons", key, made.dumps())
    return made


def _cache_key(settings: tuple, base: bytes | None) -> str:
    digest = hashlib.sha256(repr(settings).encode())
    digest.update(hashlib.sha256(base or b"").digest())
    digest.update(diskcache.code_digest("writer/skeleton.py", "writer/new_skeleton.py",
                                        "writer/page_style.py", "writer/package.py").encode())
    spec = importlib.util.find_spec("docx")  # python-docx's version, without importing it
    if spec is not None and spec.origin:
        with open(spec.origin, "rb") as stream:
            digest.update(stream.read())
    return digest.hexdigest()[:32] + ".json"
