"""The language layer: the Russian and Kazakh forms documents need (dates, numbers in words,
case forms, numbering style). Each language is a module with the same functions."""

from __future__ import annotations

from types import ModuleType

from xbdocs.lang import kk, ru

LANGUAGES: dict[str, ModuleType] = {"ru": ru, "kk": kk}
DOCUMENT_LANGUAGES = ("ru", "kk")


def get(code: str) -> ModuleType:
    return LANGUAGES[code]


def short_name(full_name: str) -> str:
    """«Карлин Александр Богданович» → «А.Б. Карлин», as under a signature line."""
    surname, *given = full_name.split()
    if not given:
        return surname
    # A no-break space keeps the initials on the surname's line.
    return "".join(f"{name[0]}." for name in given) + f"\u00a0{surname}"


def listing(items) -> str:
    """A list in running text: commas between its items, or semicolons when an item has a
    comma of its own («сельское хозяйство, лесное и рыбное хозяйство; культура»)."""
    texts = [str(item) for item in items]
    separator = "; " if any("," in text for text in texts) else ", "
    return separator.join(texts)
