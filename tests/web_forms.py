"""Filling the interview's pages as a browser fills a form, for the web tests: the fields a
page has (read from its HTML), the values a clerk would give, and the submit."""

from __future__ import annotations

import re
from html import unescape

#: The Угловский–Бородулиха municipal agreement with its approval paperwork, as a clerk
#: answers it in the browser (field name without ``q-`` → what is typed or chosen); a
#: field not named keeps what the page offers.
UGLOVSKY = {
    "track": "municipal",
    "russian-party": "altai-uglovsky-district",
    "russian-inn": "2279001236",
    "russian-ogrn": "1022202953728",
    "russian-phone": "+7 (38579) 2-20-01",
    "russian-email": "adm@uglovsky.example.ru",
    "kazakh-party": "abai-borodulikha-district-akimat",
    "russian-signatory-ru": "Петрова Елена Викторовна",
    "russian-post-ru": "глава Угловского района",
    "russian-post-kk": "Углов ауданының басшысы",
    "kazakh-signatory-ru": "Жумабеков Ерлан Серикович",
    "kazakh-signatory-kk": "Жұмабеков Ерлан Серікұлы",
    "kazakh-post-ru": "аким Бородулихинского района",
    "kazakh-post-kk": "Бородулиха ауданының әкімі",
    "areas": ["economy", "agriculture", "culture"],
    "forms": ["information-exchange", "delegations"],
    "signing-date": "14.04.2027",
    "signing-place-ru": "Угловское",
    "signing-place-kk": "Угловское",
    "signing-place-kind": "village",
    "executor-name": "Сидорова Анна Петровна",
    "executor-phone": "+7 (38579) 2-21-43",
    "negotiations": "15.02.2027",
    "notice-number": "01-15/54",
    "notice-date": "20.01.2027",
    "request-number": "01-15/131",
    "request-date": "25.02.2027",
    "purpose": "Развитие приграничного сотрудничества.",
    "results": "совместные ярмарки\nобмен опытом",
}

_INPUT = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.S)
_ATTR = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def form_fields(page: str) -> dict[str, list[str]]:
    """The values the page's form would send as it is (hidden fields, filled texts, checked
    boxes, selected options)."""
    form = page[page.index('<form id="page-form"'):]
    form = form[:form.index("</form>")]
    sent: dict[str, list[str]] = {}
    for match in _INPUT.finditer(form):
        tag, attrs = match.group(1), dict(_ATTR.findall(match.group(2)))
        name = unescape(attrs.get("name", ""))
        if not name or attrs.get("type") in ("submit", "search"):
            continue
        if tag == "textarea":
            body = form[match.end():form.index("</textarea>", match.end())]
            sent.setdefault(name, []).append(unescape(body))
        elif tag == "select":
            body = form[match.end():form.index("</select>", match.end())]
            chosen = re.search(r'<option value="([^"]*)" selected', body) or \
                re.search(r'<option value="([^"]*)"', body)
            sent.setdefault(name, []).append(unescape(chosen.group(1)))
        elif attrs.get("type") in ("radio", "checkbox"):
            if "checked" in attrs:
                sent.setdefault(name, []).append(unescape(attrs.get("value", "")))
        else:
            sent.setdefault(name, []).append(unescape(attrs.get("value", "")))
    return sent


def questions(page: str) -> list[str]:
    """The fields a page has, by their ``q-`` names without the ``q-`` (a question id; an
    own-items question has two, ``<id>-ru`` and ``<id>-kk``)."""
    found = []
    for name in re.findall(r'name="q-([\w-]+)"', page):
        if name not in found:
            found.append(name)
    return found


def filled(page: str, answers: dict, go: str = "next") -> dict[str, list[str]]:
    """The page's form with the clerk's answers put in."""
    sent = form_fields(page)
    for question in questions(page):
        if question in answers:
            value = answers[question]
            sent[f"q-{question}"] = value if isinstance(value, list) else [value]
    sent["go"] = [go]
    return sent


#: The password of every person :func:`department` makes.
PASSWORD = "correct horse battery"


def department_accounts(folder, *, lawyer: bool = True, other_clerk: bool = True):
    """A department's register in ``folder`` with its people: admin1; ivanova, a clerk of
    the Угловский district; sidorova, of the Рубцовский (``other_clerk``); petrov, a
    lawyer of the Altai Krai (``lawyer``). The tests of the server share them."""
    from xbdocs.registry.accounts import Accounts
    from xbdocs.registry.store import open_register

    accounts = Accounts(open_register(str(folder / "r.sqlite3")))
    accounts.add("admin1", "admin", password=PASSWORD, by="setup")
    accounts.add("ivanova", "clerk", password=PASSWORD,
                 municipalities=["altai-uglovsky-district"], by="admin1")
    if other_clerk:
        accounts.add("sidorova", "clerk", password=PASSWORD,
                     municipalities=["altai-rubtsovsky-district"], by="admin1")
    if lawyer:
        accounts.add("petrov", "lawyer", password=PASSWORD, region="altai-krai", by="admin1")
    return accounts


def department(folder, today, **people):
    """The department server's app over :func:`department_accounts`, and the accounts."""
    from xbdocs.web.app import create_app

    accounts = department_accounts(folder, **people)
    return create_app(folder / "data", today=today, accounts=accounts,
                      server_names=("xbdocs.example.ru",)), accounts
