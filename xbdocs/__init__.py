"""Drafts Russian–Kazakh cross-border cooperation agreements and their filing paperwork.

The public API (docs/api.md) for integrators and for xbdocs's own front ends::

    import xbdocs
    package = xbdocs.render_package(Path("answers.yaml"), stage="all", lang="kk")
    package.files["agreement.ru-kk.docx"]        # bytes, as `xbdocs build` writes them
    xbdocs.write_package(package, Path("out"))

Every function here is safe to call from many threads at once. The names are imported on
first use, so ``import xbdocs`` (and a command's start-up) stays cheap.
"""

from __future__ import annotations

from typing import Any

from xbdocs.version import __version__

__all__ = ["RenderedPackage", "__version__", "render_package", "review", "write_package"]


def __getattr__(name: str) -> Any:
    if name in ("RenderedPackage", "render_package", "review"):
        from xbdocs import package

        return getattr(package, name)
    if name == "write_package":
        from xbdocs.build import write_package

        return write_package
    raise AttributeError(f"module 'xbdocs' has no attribute {name!r}")
