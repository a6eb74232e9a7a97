"""The language layer: the Russian and Kazakh forms documents need (dates, numbers in words,
case forms, numbering style). Each language is a module with the same functions."""

from __future__ import annotations

import re
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


_NO_BREAK = [
    # «№ 179-ФЗ», «г. Москва», «с. Угловское», «д. 59», «п. 9.1», «ст. 12»
    (re.compile(r"(№|\b(?:г|с|д|п|ст|ул|пр|стр|пл)\.) (?=\S)"), "\\1\u00a0"),
    # «в 1 экз.», «на 3 л.», «5 (пять) лет» stays free; a number and its short unit
    (re.compile(r"(\d) (?=(?:экз|л|дн|г|тыс|млн|руб)\.)"), "\\1\u00a0"),
    (re.compile(r"\b(в|на) (?=\d+\u00a0(?:экз|л)\.)"), "\\1\u00a0"),
    # «20 января», «26 шілде» — a day and its month
    (re.compile(r"(\b\d{1,2}) (?=(?:января|февраля|марта|апреля|мая|июня|июля|августа|"
                r"сентября|октября|ноября|декабря|қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|"
                r"шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан)\b)"), "\\1\u00a0"),
    # initials and surname: «Е.В. Петрова»
    (re.compile(r"\b([А-ЯЁӘҒҚҢӨҰҮҺІ]\.[А-ЯЁӘҒҚҢӨҰҮҺІ]\.) (?=[А-ЯЁӘҒҚҢӨҰҮҺІ])"), "\\1\u00a0"),
    # a span of years or numbers: «2027–2028» (word joiners hold the dash to both)
    (re.compile(r"(\d)–(?=\d)"), "\\1\u2060–\u2060"),
    # a phone number's groups: «2-21-43» (non-breaking hyphens)
    (re.compile(r"\b(\d{1,3})-(\d\d)-(\d\d)\b"), "\\1\u2011\\2\u2011\\3"),
]


#: Every rule above needs one of these; most runs of text have none (one search, not six).
_MAY_NEED = re.compile(r"[№\d]|\. ")


def no_break(text: str) -> str:
    """No-break spaces (and hyphens) where a line must not split a unit: «№ 179-ФЗ»,
    «г. Москва», «в 1 экз.», «20 января», «Е.В. Петрова», «2-21-43»."""
    if not _MAY_NEED.search(text):
        return text
    for pattern, replacement in _NO_BREAK:
        text = pattern.sub(replacement, text)
    return text


def post_lines(post: str) -> str:
    """A compound post broken into its posts, one a line («Губернатор Алтайского края,» /
    «Председатель Правительства Алтайского края»), so that under a signature the name
    stands level with the last line, not in the middle of a post."""
    return _COMPOUND_POST.sub(",\n", post)


_COMPOUND_POST = re.compile(r",\s+(?=[А-ЯЁӘҒҚҢӨҰҮҺІ])")
#: The region at the end of a body's name: «Алтайского края», «Саратовской области»,
#: «Республики Алтай», «… автономного округа».
_REGION_AT_END = re.compile(r"\s+((?:\S+\s+(?:края|области|округа|облысы)|"
                            r"республики\s+\S+))$", re.I)


def heading_lines(name: str, width: int = 48) -> str:
    """A body's name as a letterhead sets it: on one line when it fits (``width``
    characters in capitals), else broken before its region («АДМИНИСТРАЦИЯ МИХАЙЛОВСКОГО
    РАЙОНА» / «АЛТАЙСКОГО КРАЯ»), so that no word — «КРАЯ» — is left alone on the line
    the page breaks it onto."""
    if len(name) <= width:
        return name
    found = _REGION_AT_END.search(name)
    if found and found.start() > 0:
        return f"{name[:found.start()]}\n{found.group(1)}"
    return name


def listing(items) -> str:
    """A list in running text: commas between its items, or semicolons when an item has a
    comma of its own («сельское хозяйство, лесное и рыбное хозяйство; культура»)."""
    texts = [str(item) for item in items]
    separator = "; " if any("," in text for text in texts) else ", "
    return separator.join(texts)
