"""The variables a template sees: the answers and the catalogue as a lawyer's template reads
them (plain attributes, names as the language writes them officially), and the language's
functions (dates, numbers in words, references). Both languages see the same names, so the
two templates read alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from xbdocs import lang as languages
from xbdocs import unverified
from xbdocs.answers import Answers, Party
from xbdocs.catalogue import Bilingual, Catalogue
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


def _party_view(party: Party, lang: str, cat: Catalogue) -> Obj:
    base = f"parties.{party.side}"
    name_path = f"catalogue:{party.catalogue_id}" if party.catalogue_id else f"{base}.name"
    region = cat.regions[party.region]
    signatory = party.signatory
    entry = cat.parties.get(party.catalogue_id or "")
    return Obj({
        "name": Field(_text(party.name[lang], lang), f"{name_path}.{lang}"
                      if not party.catalogue_id else name_path,
                      note=unverified.party(entry) if entry else None),
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


def build_context(answers: Answers, lang: str, cat: Catalogue) -> dict[str, Any]:
    """The variables a template of language ``lang`` sees. Both languages see the same
    names, so the two templates read alike."""
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
        "subject": _bi(answers.subject, lang, "subject"),
        "entry_into_force": answers.entry_into_force,
        "russian_party": _party_view(answers.russian, lang, cat),
        "kazakh_party": _party_view(answers.kazakh, lang, cat),
        "areas": [Field(a[lang], f"areas[{i}]") for i, a in
                  enumerate(answers.area_labels)],
        "cooperation_forms": [Field(f[lang], f"cooperation_forms[{i}]") for i, f in
                              enumerate(answers.cooperation_labels)],
        "coordination": Obj({
            "mode": coordination.mode, "plan_years": coordination.plan_years,
            "russian_unit": _bi(coordination.russian_unit, lang, "coordination.russian_unit"),
            "kazakh_unit": _bi(coordination.kazakh_unit, lang, "coordination.kazakh_unit"),
        }),
        "term": Obj({"years": term.years, "renewal": term.renewal,
                      "renewal_years": term.renewal_years,
                      "notice_months": term.notice_months}),
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
