"""xbdocs's version, in a module of its own: every module can name it without importing the
package's public API (``xbdocs/__init__.py``), which imports them."""

__version__ = "0.1.0"
