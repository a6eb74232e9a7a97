"""The usual post of a party's signatory, offered as the default of the interview's posts
(issue 24, item 12): «глава Угловского района» / «Углов ауданының басшысы» for the
Uglovsky district, «аким Бородулихинского района» / «Бородулиха ауданының әкімі» for the
Borodulikha akimat.

The posts by a party's kind are data a lawyer edits (``data/posts.yaml``), each rule with
its source; this module only finds the rule that applies and puts the party's territory
into it, read from the party's own name by the language engine. A Russian clerk can write
a Russian post but rarely a Kazakh one, so the Kazakh form is never made up: it is the
territory's genitive as the party's Kazakh name has it («… ауданының әкімдігі» gives
«… ауданының»), or no default.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from xbdocs.catalogue import DATA_DIR, Bilingual, Catalogue
from xbdocs.errors import CatalogueError
from xbdocs.i18n import Message

PATH = DATA_DIR / "posts.yaml"


@dataclass(frozen=True)
class Rule:
    """The usual post of the parties of one kind (posts.yaml's header says what each key
    means)."""

    country: str
    level: str
    ru: str
    kk: str
    verified: bool
    source: str
    kind: str | None = None
    regions: tuple[str, ...] = ()
    names: Bilingual | None = None

    def applies(self, party: Party, territory_ru: str) -> bool:
        return (party.country == self.country and party.level == self.level
                and (self.kind is None or party.kind == self.kind)
                and (not self.regions or party.region in self.regions)
                and (self.names is None or self.names.ru in territory_ru))


@dataclass(frozen=True)
class Party:
    """What the rules read of a party: a catalogue entry's or one described by hand."""

    country: str
    region: str | None
    level: str | None
    #: A Russian municipality's kind (acts.yaml municipal_kinds), None when not known.
    kind: str | None
    name: Bilingual


@dataclass(frozen=True)
class Post:
    """The post offered, in each language where it can be made (None where not)."""

    ru: str
    kk: str | None
    rule: Rule


@cache
def rules() -> tuple[Rule, ...]:
    """The rules of posts.yaml, in order, read once per process."""
    try:
        with PATH.open(encoding="utf-8") as stream:
            items = yaml.safe_load(stream)["posts"]
    except (OSError, yaml.YAMLError, TypeError, KeyError) as exc:
        raise CatalogueError(Message("{path}: cannot read the catalogue: {error}").format(
            path=PATH, error=exc)) from None
    found = []
    for number, item in enumerate(items, 1):
        try:
            names = item.get("names")
            found.append(Rule(
                country=item["country"], level=item["level"], ru=str(item["ru"]),
                kk=str(item["kk"]), verified=bool(item["verified"]),
                source=str(item["source"]), kind=item.get("kind"),
                regions=tuple(item.get("regions") or ()),
                names=Bilingual(str(names["ru"]), str(names["kk"])) if names else None))
        except KeyError as exc:
            raise CatalogueError(Message("{path}: entry {entry} has no {key}").format(
                path=PATH, entry=number, key=exc.args[0])) from None
    return tuple(found)


def usual(party: Party, cat: Catalogue) -> Post | None:
    """The usual post of ``party``'s signatory; None when no rule applies or the party's
    Russian name does not tell its territory. Its Kazakh form is None when the Kazakh name
    does not tell the territory in the genitive."""
    region = cat.regions.get(party.region or "")
    territory_ru = _territory_ru(party.name.ru, region.name.ru if region else None)
    if territory_ru is None:
        return None
    rule = next((r for r in rules() if r.applies(party, territory_ru)), None)
    if rule is None:
        return None
    territory_kk = _territory_kk(party.name.kk, region.name.kk if region else None)
    if territory_kk is not None and rule.names is not None and rule.names.kk not in territory_kk:
        territory_kk = None
    return Post(rule.ru.format(territory=territory_ru),
                rule.kk.format(territory=territory_kk) if territory_kk else None, rule)


def _territory_ru(name: str, region: str | None) -> str | None:
    """The territory a body governs, in the genitive, without its region: «Администрация
    Угловского района Алтайского края» → «Угловского района»; a region's own body keeps
    it («Правительство Алтайского края» → «Алтайского края»)."""
    from xbdocs.lang import ru

    territory = ru.territory(name)
    if territory is None or region is None:
        return territory
    region_genitive = ru.inflect_phrase(region, "genitive").text
    return territory.removesuffix(" " + region_genitive)


def _territory_kk(name: str, region: str | None) -> str | None:
    """The territory a body governs, in the genitive, without its region: «Абай облысы
    Бородулиха ауданының әкімдігі» → «Бородулиха ауданының»; «Павлодар облысының әкімдігі»
    → «Павлодар облысының». The language engine puts it in the genitive, and it must be the
    form the name itself has — else None: a form the engine would only guess at («округі»
    may or may not end in the possessive) is taken when the name attests it, never
    otherwise."""
    from xbdocs.lang import kk

    territory = kk.territory(name)
    if territory is None:
        return None
    if region is not None:
        territory = territory.removeprefix(region + " ")
    genitive = kk.inflect_phrase(territory, "genitive").text
    attested = name.split()[-2]
    return genitive if genitive.split()[-1] == attested else None
