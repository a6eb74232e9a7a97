"""The variables a template sees: the answers and the catalogue as a lawyer's template reads
them (plain attributes, names as the language writes them officially), and the language's
functions (dates, numbers in words, references). Both languages see the same names, so the
two templates read alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from xbdocs import lang as languages
from xbdocs import unverified
from xbdocs.answers import Answers, Party
from xbdocs.catalogue import Bilingual, Catalogue, KnownParty
from xbdocs.i18n import N_
from xbdocs.model import Paragraph
from xbdocs.values import Field, Ref


@dataclass
class Obj:
    """An attribute bag for templates (a plain object is what a lawyer's template reads)."""

    values: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def _text(value: str, lang: str) -> str:
    """A name or post as the language writes it officially (Kazakh capitalisation)."""
    return languages.kk.official_case(value) if lang == "kk" else value


def _bi(value: Bilingual | None, lang: str, path: str) -> Field | None:
    return Field(_text(value[lang], lang), f"{path}.{lang}") if value else None


def _charter(party: Party, cat: Catalogue) -> Bilingual | None:
    """Whose charter a Russian signatory acts on: the municipality's («Устав муниципального
    образования Угловский район Алтайского края») or the region's own title; None when the
    party's name does not tell its territory."""
    region = cat.regions.get(party.region or "")
    if party.level == "regional" and region is not None and region.charter is not None:
        return region.charter
    territory_ru = languages.ru.territory(party.name.ru)
    territory_kk = languages.kk.territory(party.name.kk)
    if territory_ru is None or territory_kk is None:
        return None
    if party.level == "regional":
        ru, kk = territory_ru, languages.kk.inflect(territory_kk, "genitive")
    else:
        ru, kk = languages.ru.territory_nominative(territory_ru), territory_kk
        if ru is None:
            return None
    title = cat.charter_titles["regional" if party.level == "regional" else "municipal"]
    return Bilingual(title.ru.format(territory=ru), title.kk.format(territory=kk))


def _on(day: dt.date | int | None) -> dt.date | None:
    """A day a template names: a date, or a year (its first day: a plan for 2027–2028 is
    made for 2027)."""
    return dt.date(day, 1, 1) if isinstance(day, int) else day


def _kind(party: Party, entry: KnownParty | None, day: dt.date | None, lang: str,
          cat: Catalogue) -> str | None:
    """The kind of municipality a Russian party is on ``day`` («муниципальный округ»), in
    the nominative; None for a region or a party whose kind the catalogue does not know."""
    code = entry.kind_on(day) if entry is not None else None
    if code is None and party.country == "RU" and party.level == "district":
        code = "municipal-district"
    kind = cat.municipal_kinds.get(code or "")
    return kind[lang] if kind else None


def _party_view(party: Party, lang: str, cat: Catalogue, day: dt.date | None = None) -> Obj:
    base = f"parties.{party.side}"
    name_path = f"catalogue:{party.catalogue_id}" if party.catalogue_id else f"{base}.name"
    region = cat.regions[party.region]
    signatory = party.signatory
    entry = cat.parties.get(party.catalogue_id or "")

    def on(when: dt.date | int | None) -> Field:
        """The name of the body acting for the party on a later day: a plan of 2027 for an
        agreement of 2012 names the Government, not the Administration it replaced."""
        day = _on(when)
        acting = cat.party_on(entry.id, day) if entry is not None and day else None
        if acting is None or acting.name_on(day)[lang] == party.name[lang]:
            return name
        return Field(_text(acting.name_on(day)[lang], lang), f"catalogue:{acting.id}",
                     note=unverified.party(acting))

    name = Field(_text(party.name[lang], lang), f"{name_path}.{lang}"
                 if not party.catalogue_id else name_path,
                 note=unverified.party(entry) if entry else None)
    return Obj({
        "name": name,
        "on": on,
        "municipal_kind": _kind(party, entry, day, lang, cat),
        "region": Field(region.name[lang], f"catalogue:region {region.id}"),
        # The territory the body governs, from its name: in Russian already in the
        # genitive («Угловского района Алтайского края»), in Kazakh in the nominative
        # («Алтай өлкесі Углов ауданы»); None when the name does not tell.
        "territory": languages.get(lang).territory(party.name[lang]),
        "level": party.level,
        "country": party.country,
        "address": _bi(party.address, lang, f"{base}.address"),
        "identifiers": dict(party.identifiers),
        "phone": party.phone,
        "email": party.email,
        # A Kazakh party's «Согласовано: …» line, where its practice needs one.
        "approved_by": _bi(party.approved_by, lang, f"{base}.approved_by"),
        "signatory": Obj({
            "name": Field(signatory.name[lang], f"{base}.signatory.name.{lang}",
                          signatory.gender),
            "gender": signatory.gender,
            "position": _bi(signatory.position, lang, f"{base}.signatory.position"),
            "acts_on": _bi((_charter(party, cat) if signatory.acts_on == "charter" and
                            party.country == "RU" else None) or signatory.acts_on_text,
                           lang, f"{base}.signatory.acts_on"),
        }),
    })


# --- an amendment ---------------------------------------------------------------------------

AMENDMENT_DATA = Path(__file__).parent / "data" / "amendments.yaml"
#: What an unchecked Kazakh phrase is, and how to make it checked (a check sheet's line).
WORDING = N_("a Kazakh wording")
FIX_WORDING = N_("To verify it, have a lawyer who drafts legal texts in Kazakh check the "
                 "wording, and tell whoever keeps xbdocs for the department the phrase "
                 "{place} and the lawyer's answer.")
#: What `xbdocs check` says of it (the phrases are xbdocs's own: not a department's fact).
THEN_WORDING = N_("when checked, tell whoever keeps xbdocs for the department: {place}")


@cache
def amendment_data() -> dict[str, Any]:
    """xbdocs/data/amendments.yaml: the agreement template's clauses an amendment restates,
    the words marking a text as amended, and the Kazakh phrases not yet checked."""
    return yaml.safe_load(AMENDMENT_DATA.read_text(encoding="utf-8"))


def wording_note(phrase: str, text: str) -> unverified.Unverified | None:
    """The note an unchecked Kazakh phrase carries into a document (a comment on it, a
    line of the check sheet), or None once a lawyer has marked it verified. A phrase the
    data file does not list is unchecked too: it was added to a template after."""
    entry = amendment_data()["kazakh_wording"].get(phrase) or {}
    if entry.get("verified"):
        return None
    return unverified.Unverified(WORDING, text, entry.get("source", ""), FIX_WORDING,
                                 f"kazakh_wording.{phrase}", THEN_WORDING)


@dataclass
class AgreementText:
    """What an amendment's text needs of the agreement it amends. ``numbers``: each clause's
    number as the agreement prints it, by block id (empty when the agreement's answers are
    not known); ``revised``: by language, the agreement's clauses as amended (its term and
    areas changed), to restate them; ``template_numbers``: the numbers the shipped agreement
    template gives, for what an amendment names by default (the clause listing the areas)."""

    numbers: dict[str, str] = field(default_factory=dict)
    revised: dict[str, dict[str, list[Paragraph]]] = field(default_factory=dict)
    template_numbers: dict[str, str] = field(default_factory=dict)
    #: How the agreement enters into force (its answers'): the amendment does the same.
    entry_into_force: str | None = None
    #: The agreement's subject and date of signing, from its answers.
    subject: Bilingual | None = None
    signed: dt.date | None = None

    @property
    def known(self) -> bool:
        return bool(self.numbers)

    def clause(self, role: str) -> str | None:
        """The number of the agreement's clause of ``role`` (term, areas, amendments: the
        block ids are amendments.yaml's), when the agreement's answers are known."""
        return self.numbers.get(amendment_data()["clauses"][role])

    def restated(self, role: str, lang: str) -> list[Obj] | None:
        """The paragraphs of the clause of ``role`` as amended, to quote in full."""
        block = amendment_data()["clauses"][role]
        if block not in self.revised.get(lang, {}):
            return None
        return [Obj({"text": p.text, "item": p.role == "item"})
                for p in self.revised[lang][block]]


def added_number(after: str, taken: set[str]) -> str:
    """The number of a clause added after clause ``after``: the next one («3.2» → «3.3»),
    or, when the agreement already has that one, one below ``after`` («3.2.1»)."""
    head, _dot, last = after.rpartition(".")
    following = f"{head}.{int(last) + 1}"
    if following not in taken:
        return following
    number = 1
    while f"{after}.{number}" in taken:
        number += 1
    return f"{after}.{number}"


def _change_view(answers: Answers, index: int, lang: str, cat: Catalogue,
                 text: AgreementText) -> Obj:
    change = answers.amends.changes[index]
    path = f"amends.changes[{index}]"
    kind = change.kind
    view: dict[str, Any] = {"kind": kind, "clause": change.target, "number": None,
                            "years": None, "areas": [], "paragraphs": None}
    if change.wording is not None:
        view["paragraphs"] = [Obj({"text": Field(change.wording[lang],
                                                 f"{path}.wording.{lang}"), "item": False})]
    if kind == "add":
        view["number"] = change.number or added_number(change.add_after,
                                                       set(text.numbers.values()))
    elif kind == "term":
        view["years"] = change.extend_term.years
        view["clause"] = text.clause("term")
        view["paragraphs"] = text.restated("term", lang)
    elif kind == "area":
        municipal = answers.track == "municipal"
        view["areas"] = [Field((cat.areas[code].municipal if municipal and
                                cat.areas[code].municipal else cat.areas[code].label)[lang],
                               f"{path}.add_area") for code in change.add_area]
        own = text.clause("areas")
        view["clause"] = change.clause or own or text.template_numbers.get(
            amendment_data()["clauses"]["areas"])
        if own is not None and view["clause"] == own:
            view["paragraphs"] = text.restated("areas", lang)
    return Obj(view)


def amendment_view(answers: Answers, lang: str, cat: Catalogue,
                   text: AgreementText | None) -> Obj | None:
    """What an amendment's templates read (``amendment``): its number, the agreement's date
    and number, the clause on amendments, and each change — with the clause it concerns,
    the text to quote (a new wording; the term's or the areas' clause restated from the
    agreement's own text when its answers are known), the years, the areas added. None for
    an agreement's answers."""
    amends = answers.amends
    if amends is None:
        return None
    text = text or AgreementText()
    return Obj({
        "number": amends.amendment_number,
        "agreement_date": amends.agreement_date or text.signed,
        "agreement_number": Field(amends.agreement_number, "amends.agreement_number")
        if amends.agreement_number else None,
        "protocols_clause": text.clause("amendments"),
        "known": text.known,
        "changes": [_change_view(answers, i, lang, cat, text)
                    for i in range(len(amends.changes))],
    })


def build_context(answers: Answers, lang: str, cat: Catalogue,
                  agreement_text: AgreementText | None = None) -> dict[str, Any]:
    """The variables a template of language ``lang`` sees. Both languages see the same
    names, so the two templates read alike. ``agreement_text``: for an amendment, what it
    needs of the agreement it amends."""
    signing = answers.signing
    settlement = cat.settlements[signing.place_kind].label[lang]
    place_phrase = None
    if signing.place:
        place = signing.place[lang]
        place_phrase = Field(f"{settlement} {place}" if lang == "ru" else f"{place} {settlement}",
                             f"signing.place.{lang}")
    elif lang == "kk":
        # A blank still reads as Kazakh: «____________ қаласы», in the locative «…
        # қаласында»; when the kind was not given, both common kinds, one to strike out.
        kinds = (settlement if "place_kind" in signing.model_fields_set else
                 "/".join(cat.settlements[kind].label.kk for kind in ("city", "village")))
        place_phrase = Field(f"{languages.kk.BLANK_PLACE} {kinds}", "signing.place.kk")
    references = [
        Obj({"title": Field(ref.title[lang], f"catalogue:reference {ref.id}"),
              # A title with a name in quotes splits into the act's kind and its name, for
              # the Russian order: «Федерального закона от … № … «Об основах …»».
              "kind": Field(ref.title[lang].partition(" «")[0], f"catalogue:reference {ref.id}")
              if " «" in ref.title[lang] else None,
              "name": "«" + ref.title[lang].partition(" «")[2]
              if " «" in ref.title[lang] else None,
              "date": ref.date, "number": ref.number})
        for ref in sorted(cat.references, key=lambda r: r.date)
        if answers.track in ref.tracks and (signing.date is None or ref.date <= signing.date)
    ]
    coordination = answers.coordination
    term = answers.term
    return {
        "track": answers.track,
        "subject": _bi(answers.subject or (agreement_text.subject if agreement_text else None),
                       lang, "subject"),
        "entry_into_force": agreement_text.entry_into_force
        if agreement_text and agreement_text.entry_into_force else answers.entry_into_force,
        "russian_party": _party_view(answers.russian, lang, cat, answers.dated),
        "kazakh_party": _party_view(answers.kazakh, lang, cat, answers.dated),
        "areas": [Field(a[lang], f"areas[{i}]") for i, a in
                  enumerate(answers.area_labels)],
        "cooperation_forms": [Field(f[lang], f"cooperation_forms[{i}]") for i, f in
                              enumerate(answers.cooperation_labels)],
        "coordination": Obj({
            "mode": coordination.mode, "plan_years": coordination.plan_years,
            "russian_unit": _bi(coordination.russian_unit, lang, "coordination.russian_unit"),
            "kazakh_unit": _bi(coordination.kazakh_unit, lang, "coordination.kazakh_unit"),
        }) if coordination is not None else None,
        "term": Obj({"years": term.years, "renewal": term.renewal,
                      "renewal_years": term.renewal_years,
                      "notice_months": term.notice_months}) if term is not None else None,
        "amendment": amendment_view(answers, lang, cat, agreement_text),
        "signing": Obj({"date": signing.date, "place": place_phrase,
                         "place_given": signing.place is not None}),
        "copies": answers.copies,
        "references": references,
    }


def language_functions(module: ModuleType) -> dict[str, Any]:
    code = module.CODE

    def pair(first: str, second: str) -> str:
        if code == "kk":
            return f"{first} {languages.kk.conjunction(first)} {second}"
        return f"{first} и {second}"

    return {
        "date": module.date,
        "date_numeric": languages.ru.date_numeric,
        "date_words": module.date_words,
        "count": module.count,
        "number_words": module.number_words,
        "ordinal": module.ordinal,
        "money": module.money,
        "gender": lambda person, masculine, feminine: module.gendered(
            person.gender, masculine, feminine),
        "ref": lambda target, case="nominative", possessive=False: Ref(
            target, case, possessive),
        "pair": pair,
        "blank": module.BLANK_PLACE,
    }
