"""The answers: every field a clerk gives, defined once.

These pydantic models are the single definition of the answers file. The YAML reader
validates with them (every problem at once, by key path, with the line: see
:func:`xbdocs.answers.parse`), ``xbdocs schema`` prints their JSON Schema for editors, and
the other doors (the interview, a CSV batch) read their fields. Nothing else in xbdocs
keeps a list of the answers' fields.

A field's ``description`` is its help text (English, translated where it is shown). Values
that come from the catalogue (a party's official names, an area's wording) are checked
against the catalogue passed as the validation context and resolved onto the model, so
the rest of xbdocs reads resolved answers; resolved values are not "set" by the user, so a
dump with ``exclude_unset`` gives back what the user wrote.

Strict types: a YAML ``yes`` is a boolean, ``"5"`` is not a number, a date is
«19.09.2012» or «2012-09-19» (see :func:`xbdocs.yamlread.parse_date`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from xbdocs.catalogue import Bilingual, Catalogue
from xbdocs.i18n import N_, Message, MessageText, _
from xbdocs.yamlread import MAX_TEXT, check_text, describe, not_one_of, parse_date

#: The choices of each choice field, with what a person reads for each (translated where
#: shown). The keys are what the answers file holds.
LABELS: dict[str, str] = {
    "municipal": N_(
        "municipal: a border district or city with a Kazakh district akimat (179-FZ, Art. 12)"
    ),
    "regional": N_("regional: the region itself with a Kazakh oblast akimat (4-FZ)"),
    "district": N_("a district"),
    "city": N_("a city"),
    "male": N_("male"),
    "female": N_("female"),
    "coordinators": N_("a coordinating unit on each side"),
    "working-group": N_("a joint working group"),
    "registration": N_("after registration"),
    "signing": N_("on signing"),
    "notifications": N_("after the parties notify each other"),
    "village": N_("a village"),
    "settlement": N_("a settlement"),
}
TRACKS = ("municipal", "regional")
LEVELS = ("regional", "district", "city")
GENDERS = ("male", "female")
COORDINATION_MODES = ("coordinators", "working-group")
ENTRY_INTO_FORCE = ("registration", "signing", "notifications")
SETTLEMENTS = ("city", "village", "settlement")


def problem(message: str) -> PydanticCustomError:
    """An error with a message already in the user's language (not a template)."""
    return PydanticCustomError("xbdocs", "{message}", {"message": message})


def _catalogue(info: ValidationInfo) -> Catalogue:
    context = info.context or {}
    return context["catalogue"]


# --- value types ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    text, message = check_text(value, one_line=True)
    if message:
        raise problem(message)
    return text


def _optional_text(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None  # an optional text left empty: not given yet
    return _text(value)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: Any) -> str | None:
    text = _optional_text(value)
    if text is not None and not _EMAIL.fullmatch(text):
        raise problem(Message("expected an e-mail address such as «adm@uglovsky.ru», got «{got}»")
                      .format(got=text[:80]))
    return text


Email = Annotated[
    str | None,
    BeforeValidator(_email),
    WithJsonSchema({"type": ["string", "null"], "maxLength": 254, "format": "email"}),
]


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise problem(str(exc)) from None


def _whole(low: int, high: int):
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise problem(Message("expected a whole number, got {got}").format(got=describe(value)))
        if not low <= value <= high:
            raise problem(
                Message("expected a number from {low} to {high}, got {got}").format(
                    low=low, high=high, got=value
                )
            )
        return value

    return check


def _yes_no(value: Any) -> bool:
    if not isinstance(value, bool):
        raise problem(Message("expected yes or no (true/false), got {got}").format(
            got=describe(value)))
    return value


def one_of(value: Any, options: list[str] | tuple[str, ...]) -> str:
    """``value`` if it is one of ``options``; else an error with the closest option."""
    message = not_one_of(value, options)
    if message:
        raise problem(message)
    return value


def _choice(options: tuple[str, ...]):
    return lambda value: one_of(value, options)


def _digits(length: int):
    def check(value: Any) -> str:
        text = (
            str(value).strip()
            if isinstance(value, str | int) and not isinstance(value, bool)
            else ""
        )
        if not (text.isascii() and text.isdigit() and len(text) == length):
            raise problem(
                Message("expected {length} digits, got {got}").format(length=length,
                                                                      got=describe(value))
            )
        return text

    return check


def _from_catalogue(table: str):
    """A code from one of the catalogue's tables (areas, forms of cooperation, acts)."""

    def check(value: Any, info: ValidationInfo) -> str:
        return one_of(value, list(getattr(_catalogue(info), table)))

    return check


Text = Annotated[
    str,
    BeforeValidator(_text),
    WithJsonSchema({"type": "string", "maxLength": MAX_TEXT, "minLength": 1}),
]
OptionalText = Annotated[
    str | None,
    BeforeValidator(_optional_text),
    WithJsonSchema({"type": ["string", "null"], "maxLength": MAX_TEXT}),
]
Date = Annotated[
    dt.date | None,
    BeforeValidator(_date),
    WithJsonSchema(
        {
            "type": ["string", "null"],
            "pattern": r"^(\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{1,2}-\d{1,2})$",
            "description": "19.09.2012 or 2012-09-19",
        }
    ),
]
YesNo = Annotated[bool, BeforeValidator(_yes_no), WithJsonSchema({"type": "boolean"})]


def _or_none(check):
    """A check that lets an empty value through, for optional fields: one validator, not a
    union (a union would report an error for each of its branches)."""

    def optional(value: Any, *args: Any) -> Any:
        return None if value is None else check(value, *args)

    return optional


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def Whole(low: int, high: int, optional: bool = False) -> Any:
    schema = {"type": "integer", "minimum": low, "maximum": high}
    check = _whole(low, high)
    if optional:
        return Annotated[
            int | None, BeforeValidator(_or_none(check)), WithJsonSchema(_nullable(schema))
        ]
    return Annotated[int, BeforeValidator(check), WithJsonSchema(schema)]


def Choice(options: tuple[str, ...], optional: bool = False) -> Any:
    schema = {"type": "string", "enum": list(options)}
    if optional:
        return Annotated[
            str | None,
            BeforeValidator(_or_none(_choice(options))),
            WithJsonSchema({**_nullable(schema), "enum": [*options, None]}),
        ]
    return Annotated[str, BeforeValidator(_choice(options)), WithJsonSchema(schema)]


def Digits(length: int) -> Any:
    """Optional always: identifiers are."""
    return Annotated[
        str | None,
        BeforeValidator(_or_none(_digits(length))),
        WithJsonSchema({"type": ["string", "null"], "pattern": rf"^\d{{{length}}}$"}),
    ]


def _plain_text(value: Any) -> str:
    if not isinstance(value, str):
        raise problem(Message("expected text, got {got}").format(got=describe(value)))
    return value


#: In the JSON Schema, a string whose values are a catalogue table's ids: filled in as an
#: enum by :func:`json_schema`, so an editor can complete them.
CATALOGUE_KEY = "x-xbdocs-catalogue"


def CatalogueCode(table: str) -> Any:
    return Annotated[
        str,
        BeforeValidator(_from_catalogue(table)),
        WithJsonSchema({"type": "string", CATALOGUE_KEY: table}),
    ]


class Model(BaseModel):
    """Unknown keys are errors; values are checked by the types above, not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=False, validate_default=False)


class BilingualAnswer(Model):
    """A text in both document languages as an answers file gives it: validated, and
    turned into the catalogue's plain :class:`~xbdocs.catalogue.Bilingual` by ``pair``."""

    ru: Text = Field(title=N_("in Russian"), description=N_("In Russian."))
    kk: Text = Field(title=N_("in Kazakh"), description=N_("In Kazakh."))

    @property
    def pair(self) -> Bilingual:
        return Bilingual(self.ru, self.kk)

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


def _model(text: Bilingual | None) -> BilingualAnswer | None:
    """A catalogue text as the schema's type (trusted: not validated again)."""
    return BilingualAnswer.model_construct(ru=text.ru, kk=text.kk) if text else None


# --- the sections -----------------------------------------------------------------------------


def _act_code(value: Any, info: ValidationInfo) -> str:
    return one_of(value, list(_catalogue(info).acts))


#: Tags of union branches; they appear in an error's location and are dropped from paths.
BRANCH = "§"
ActsOn = Annotated[
    Annotated[
        str,
        BeforeValidator(_act_code),
        Tag(f"{BRANCH}code"),
        WithJsonSchema({"type": "string", CATALOGUE_KEY: "acts"}),
    ]
    | Annotated[BilingualAnswer, Tag(f"{BRANCH}text")],
    Discriminator(lambda value: f"{BRANCH}code" if isinstance(value, str) else f"{BRANCH}text"),
]


class Signatory(Model):
    name: BilingualAnswer = Field(
        title=N_("The signatory's full name (surname, name, patronymic)"),
        description=N_("Full name: surname, name, patronymic."),
    )
    gender: Choice(GENDERS) = Field(
        title=N_("The signatory's gender"),
        description=N_(
            "male or female: chooses «действующего/действующей» and the name's endings."
        ),
    )
    position: BilingualAnswer = Field(
        title=N_("The signatory's post (in the nominative)"),
        description=N_("The post, in the nominative: «глава Угловского района»."),
    )
    acts_on: ActsOn = Field(
        title=N_("What the signatory acts on"),
        description=N_(
            "What the signatory acts on: charter, regulation, kz-local-government-law, or your "
            "own text in both languages."
        ),
    )
    _acts_on_text: Bilingual | None = PrivateAttr(None)

    @property
    def acts_on_text(self) -> Bilingual:
        assert self._acts_on_text is not None
        return self._acts_on_text

    @model_validator(mode="after")
    def _resolve(self, info: ValidationInfo) -> Signatory:
        self._acts_on_text = (
            _catalogue(info).acts[self.acts_on].label
            if isinstance(self.acts_on, str)
            else self.acts_on.pair
        )
        return self


class Party(Model):
    """A party: a catalogue id, or the party's own description."""

    catalogue: Annotated[
        str | None,
        BeforeValidator(_or_none(_plain_text)),
        WithJsonSchema({"type": ["string", "null"], CATALOGUE_KEY: "parties"}),
    ] = Field(
        None,
        title=N_("Which body is the party"),
        description=N_(
            "An id from the catalogue («xbdocs catalogue list»); its names need not be given."
        ),
    )
    name: BilingualAnswer | None = Field(
        None,
        title=N_("The body's official name"),
        description=N_("The body's official name in both languages (when not from the catalogue)."),
    )
    country: Choice(("RU", "KZ"), optional=True) = Field(
        None, description=N_("RU or KZ; given by the side.")
    )
    region: Annotated[
        str | None,
        BeforeValidator(_or_none(_plain_text)),
        WithJsonSchema({"type": ["string", "null"], CATALOGUE_KEY: "regions"}),
    ] = Field(None, title=N_("The region"), description=N_("A region id from the catalogue."))
    level: Choice(LEVELS, optional=True) = Field(
        None, title=N_("The kind of body"), description=N_("regional, district or city.")
    )
    address: BilingualAnswer | None = Field(None, description=N_("The postal address."))
    phone: OptionalText = Field(
        None, title=N_("The body's phone, for the letterhead (Enter to skip)"),
        description=N_("The body's phone, printed in the letters' reference details."))
    email: Email = Field(
        None, title=N_("The body's e-mail, for the letterhead (Enter to skip)"),
        description=N_("The body's e-mail, printed in the letters' reference details."))
    inn: Digits(10) = Field(
        None, title=N_("INN (Enter to skip)"), description=N_("INN: 10 digits (Russian party).")
    )
    ogrn: Digits(13) = Field(
        None, title=N_("OGRN (Enter to skip)"), description=N_("OGRN: 13 digits (Russian party).")
    )
    bin: Digits(12) = Field(
        None, title=N_("BIN (Enter to skip)"), description=N_("BIN: 12 digits (Kazakh party).")
    )
    signatory: Signatory = Field(description=N_("Who signs for the party."))
    approved_by: BilingualAnswer | None = Field(
        None,
        title=N_("The body the agreement is agreed with on the Kazakh side (Enter to skip)"),
        description=N_(
            "A Kazakh party only, where its practice needs it: the body the agreement is "
            "agreed with, in the nominative («акимат области Абай», «Министерство иностранных "
            "дел Республики Казахстан»); «Согласовано: …» under the party's signature, and the "
            "explanatory note names it. No rule requiring it was found (Law of the RK No. "
            "148)."))

    _side: str = PrivateAttr("")
    _verified: bool = PrivateAttr(True)
    _source: str = PrivateAttr("")

    @property
    def side(self) -> str:
        return self._side

    @property
    def catalogue_id(self) -> str | None:
        return self.catalogue

    @property
    def verified(self) -> bool:
        return self._verified

    @property
    def source(self) -> str:
        return self._source

    @property
    def identifiers(self) -> dict[str, str]:
        return {
            key: value
            for key in ("inn", "ogrn", "bin")
            if (value := getattr(self, key)) is not None
        }

    def place(self, side: str, info: ValidationInfo) -> list[tuple[str, str]]:
        """Resolve the party as the ``side`` party; return (key, message) problems."""
        self._side = side
        country = "RU" if side == "russian" else "KZ"
        cat = _catalogue(info)
        found: list[tuple[str, str]] = []
        wrong_ids = (
            [key for key in ("inn", "ogrn") if getattr(self, key)]
            if country == "KZ"
            else (["bin"] if self.bin else [])
        )
        if country == "RU" and self.approved_by is not None:
            wrong_ids.append("approved_by")
        for key in wrong_ids:
            found.append((key, Message("not for a party from {country}").format(country=country)))
        if self.catalogue is not None:
            ids = [p.id for p in cat.parties.values() if p.country == country]
            message = not_one_of(self.catalogue, ids)
            if message:
                return [*found, ("catalogue", message)]
            # The address may be given beside a catalogue id: the catalogue rarely knows it.
            for key in ("name", "region", "level", "country"):
                if key in self.model_fields_set:
                    found.append(
                        (key, Message("give either «catalogue» or the party's own "
                                      "description, not both"))
                    )
            known = cat.parties[self.catalogue]
            for key, value in (
                ("name", _model(known.name)),
                ("country", known.country),
                ("region", known.region),
                ("level", known.level),
                ("address", self.address or _model(known.address)),
            ):
                object.__setattr__(self, key, value)
            self._verified, self._source = known.verified, known.source
            return found
        if self.country is not None and self.country != country:
            found.append(
                ("country", Message("this party must be from {country}").format(country=country))
            )
        object.__setattr__(self, "country", country)
        for key in ("name", "region", "level"):
            if getattr(self, key) is None:
                found.append((key, Message("required, but missing")))
        if self.region is not None:
            regions = [r.id for r in cat.regions.values() if r.country == country]
            message = not_one_of(self.region, regions)
            if message:
                found.append(("region", message))
        self._verified, self._source = True, _("answers file")
        return found


class Parties(Model):
    russian: Party = Field(description=N_("The Russian party (the municipality or the region)."))
    kazakh: Party = Field(description=N_("The Kazakh party (the akimat)."))

    @model_validator(mode="after")
    def _sides(self, info: ValidationInfo) -> Parties:
        errors = [
            (side, key, message)
            for side in ("russian", "kazakh")
            for key, message in getattr(self, side).place(side, info)
        ]
        if errors:
            raise _located(errors)
        return self


class Coordination(Model):
    mode: Choice(COORDINATION_MODES) = Field(
        title=N_("Who coordinates the work"),
        description=N_("coordinators (a unit on each side) or working-group."),
    )
    plan_years: Whole(1, 10) = Field(
        2,
        title=N_("Years the plan of joint events covers"),
        description=N_("Years the plan of joint events covers."),
    )
    russian_unit: BilingualAnswer | None = Field(
        None,
        title=N_("The Russian side's coordinating unit"),
        description=N_("The Russian side's coordinating unit (with coordinators)."),
    )
    kazakh_unit: BilingualAnswer | None = Field(
        None,
        title=N_("The Kazakh side's coordinating unit"),
        description=N_("The Kazakh side's coordinating unit (with coordinators)."),
    )

    @model_validator(mode="after")
    def _units(self) -> Coordination:
        if self.mode == "coordinators":
            missing = [
                (None, key, _("required, but missing"))
                for key in ("russian_unit", "kazakh_unit")
                if getattr(self, key) is None
            ]
            if missing:
                raise _located(missing)
        return self


class Term(Model):
    years: Whole(1, 99) = Field(
        title=N_("Term in years"), description=N_("The agreement runs for this many years.")
    )
    renewal: YesNo = Field(
        False,
        title=N_("Renewed automatically"),
        description=N_("Renewed automatically unless a party gives notice."),
    )
    renewal_years: Whole(1, 99, optional=True) = Field(
        None,
        title=N_("Each renewal, in years"),
        description=N_("Each renewal's length in years (default: the same as years)."),
    )
    notice_months: Whole(1, 60) = Field(
        title=N_("Notice of termination, in months"),
        description=N_("Notice of termination, in months before the term ends."),
    )

    @model_validator(mode="after")
    def _renewal(self) -> Term:
        if not self.renewal and "renewal_years" in self.model_fields_set:
            raise _located(
                [
                    (
                        None,
                        "renewal_years",
                        _("given, but «renewal» is off; remove it or set «renewal: true»"),
                    )
                ]
            )
        if self.renewal and self.renewal_years is None:
            object.__setattr__(self, "renewal_years", self.years)
        if not self.renewal:
            object.__setattr__(self, "renewal_years", None)
        return self


class Signing(Model):
    date: Date = Field(
        None,
        title=N_("Date of signing (Enter: leave a blank)"),
        description=N_("The date of signing; empty for a draft (a blank to fill in by hand)."),
    )
    place: BilingualAnswer | None = Field(
        None,
        title=N_("Place of signing (Enter: leave a blank)"),
        description=N_("The settlement's name; empty for a blank."),
    )
    place_kind: Choice(SETTLEMENTS) = Field(
        "city", title=N_("Kind of settlement"), description=N_("city, village or settlement.")
    )


class Outgoing(Model):
    """An outgoing letter's registration number and date; either may still be blank."""

    number: OptionalText = Field(
        None,
        title=N_("Outgoing number (Enter: leave a blank)"),
        description=N_("The outgoing number."),
    )
    date: Date = Field(
        None, title=N_("Outgoing date (Enter: leave a blank)"), description=N_("The outgoing date.")
    )


class Approval(Model):
    """The region's decision approving the draft (согласование)."""

    document: OptionalText = Field(
        None,
        title=N_("The approval: the kind of document"),
        description=N_(
            "The kind of document, in the nominative: «распоряжение Правительства Алтайского края»."
        ),
    )
    number: OptionalText = Field(
        None, title=N_("The approval's number"), description=N_("Its number.")
    )
    date: Date = Field(None, title=N_("The approval's date"), description=N_("Its date."))


class Executor(Model):
    name: Text = Field(
        title=N_("The executor's full name"),
        description=N_("The executor's full name, for the letters' foot."),
    )
    phone: Text = Field(title=N_("The executor's phone"), description=N_("The executor's phone."))


class Filing(Model):
    """What the approval and registration paperwork needs beyond the agreement."""

    executor: Executor | None = Field(
        None, description=N_("Who prepared the letters (required for the paperwork).")
    )
    negotiations_date: Date = Field(
        None,
        title=N_("Date the negotiations start"),
        description=N_("When negotiations start (the notice is due before it)."),
    )
    notice: Outgoing = Field(
        default_factory=Outgoing, description=N_("The notice of negotiations.")
    )
    approval_request: Outgoing = Field(
        default_factory=Outgoing, description=N_("The request for approval.")
    )
    registration_application: Outgoing = Field(
        default_factory=Outgoing, description=N_("The application for registration.")
    )
    approval: Approval = Field(
        default_factory=Approval,
        description=N_("The region's approval (required for registration)."),
    )
    purpose: OptionalText = Field(
        None,
        title=N_("The purpose of the agreement"),
        description=N_("The purpose, for the explanatory note."),
    )
    expected_results: list[Text] = Field(
        default_factory=list,
        title=N_("An expected result (Enter: no more)"),
        description=N_("Expected results, for the explanatory note."),
    )
    financing: OptionalText = Field(
        None, title=N_("Financing"), description=N_("Financing, for the explanatory note.")
    )

    @property
    def executor_name(self) -> str | None:
        return self.executor.name if self.executor else None

    @property
    def executor_phone(self) -> str | None:
        return self.executor.phone if self.executor else None


def _forms(value: Any) -> Any:
    """forms: {ru|kk: {nominative: {case: form}}}: only known languages and cases."""
    from xbdocs import lang

    if not isinstance(value, dict):
        return value
    errors: list[tuple[str | None, str, str]] = []
    for code, table in value.items():
        if code not in ("ru", "kk"):
            errors.append((None, str(code), Message("unknown key; expected one of: ru, kk")))
            continue
        if not isinstance(table, dict):
            continue
        cases = lang.get(code).CASES[1:]
        for nominative, entry in table.items():
            if not isinstance(entry, dict):
                continue
            for case in entry:
                if case not in cases:
                    errors.append(
                        (
                            None,
                            f"{code}.{nominative}.{case}",
                            Message("«{case}» is not one of: {options}").format(
                                case=case, options=", ".join(cases)
                            ),
                        )
                    )
    if errors:
        raise _located(errors)
    return value


Forms = Annotated[dict[str, dict[str, dict[str, Text]]], BeforeValidator(_forms)]


# --- an amendment (дополнительное соглашение) ---------------------------------------------------

_CLAUSE_NUMBER = re.compile(r"\d{1,3}(\.\d{1,3}){1,3}")


def _clause_number(value: Any) -> str:
    """A clause as the agreement prints it: «2.1», «3.2.1». Given as text: YAML reads
    ``2.10`` as the number 2.1, so a number is refused rather than guessed at."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise problem(Message("write the clause in quotes, as the agreement prints it: "
                              "\"{got}\"").format(got=value))
    text = _text(value)
    if not _CLAUSE_NUMBER.fullmatch(text):
        raise problem(Message("expected a clause number such as «2.1», got «{got}»").format(
            got=text[:40]))
    return text


ClauseNumber = Annotated[
    str,
    BeforeValidator(_clause_number),
    WithJsonSchema({"type": "string", "pattern": r"^\d{1,3}(\.\d{1,3}){1,3}$"}),
]
OptionalClause = Annotated[
    str | None,
    BeforeValidator(_or_none(_clause_number)),
    WithJsonSchema({"type": ["string", "null"], "pattern": r"^\d{1,3}(\.\d{1,3}){1,3}$"}),
]


def _area_codes(value: Any, info: ValidationInfo) -> list[str] | None:
    """One area code or a list of them: all the areas one change adds."""
    if value is None:
        return None
    codes = value if isinstance(value, list) else [value]
    if not codes:
        raise problem(Message("name at least one area of cooperation"))
    return [_from_catalogue("areas")(code, info) for code in codes]


AreaCodes = Annotated[
    list[str] | None,
    BeforeValidator(_area_codes),
    WithJsonSchema({"anyOf": [{"type": "string", CATALOGUE_KEY: "areas"},
                              {"type": "array", "minItems": 1,
                               "items": {"type": "string", CATALOGUE_KEY: "areas"}},
                              {"type": "null"}]}),
]


class TermExtension(Model):
    years: Whole(1, 99) = Field(
        title=N_("Years the term is extended by"),
        description=N_("The agreement's term is extended by this many years."))


#: What one change of an amendment does, by the key that says so.
CHANGE_KINDS = {"clause": "wording", "add_after": "add", "remove": "remove",
                "extend_term": "term", "add_area": "area"}


class Change(Model):
    """One change an amendment makes to the agreement: exactly one of a clause in a new
    wording, a clause added, a clause removed, the term extended, areas added."""

    clause: OptionalClause = Field(None, description=N_(
        "The clause set out in a new wording («2.1»), with «wording»; beside «add_area», the "
        "clause that lists the areas (default: the agreement's own)."))
    wording: BilingualAnswer | None = Field(None, description=N_(
        "The clause's new text, or the added clause's text, in both languages (without its "
        "number)."))
    add_after: OptionalClause = Field(None, description=N_(
        "A clause is added after this one («3.2»), with «wording»."))
    number: OptionalClause = Field(None, description=N_(
        "The added clause's number (default: the next one, «3.3»)."))
    remove: OptionalClause = Field(None, description=N_("This clause is removed («4.3»)."))
    extend_term: TermExtension | None = Field(None, description=N_(
        "The agreement's term is extended: {years: 5}."))
    add_area: AreaCodes = Field(None, description=N_(
        "An area of cooperation added (a catalogue code), or a list of them."))

    @property
    def kind(self) -> str:
        """wording, add, remove, term or area."""
        if self.add_area is not None:
            return "area"
        return next(kind for key, kind in CHANGE_KINDS.items()
                    if getattr(self, key) is not None)

    @property
    def target(self) -> str | None:
        """The clause of the agreement the change concerns (None: the term, or the areas'
        clause when it is not given)."""
        return {"wording": self.clause, "add": self.add_after, "remove": self.remove,
                "area": self.clause}.get(self.kind)

    @model_validator(mode="after")
    def _one_change(self) -> Change:
        given = [key for key in CHANGE_KINDS if getattr(self, key) is not None]
        if self.add_area is not None:
            given = [key for key in given if key != "clause"]
        if not given:
            raise _located([(None, "", Message(
                "say what the change does: «clause» with «wording», «add_after» with "
                "«wording», «remove», «extend_term» or «add_area»"))])
        if len(given) > 1:
            raise _located([(None, given[1], Message(
                "one change does one thing: «{first}» and «{second}» go into two items of "
                "the list").format(first=given[0], second=given[1]))])
        kind = CHANGE_KINDS[given[0]]
        errors: list[tuple[str | None, str, MessageText]] = []
        if kind in ("wording", "add") and self.wording is None:
            errors.append((None, "wording", Message("required, but missing")))
        if kind not in ("wording", "add") and self.wording is not None:
            errors.append((None, "wording", Message(
                "only a clause in a new wording or an added clause has a wording")))
        if kind != "add" and self.number is not None:
            errors.append((None, "number", Message("only an added clause has a number")))
        if errors:
            raise _located(errors)
        return self


class Amends(Model):
    """Which agreement an amendment changes, and how. The parties are the answers' own:
    an amendment is made between the same parties as the agreement."""

    amendment_number: Whole(1, 999) = Field(1, description=N_(
        "This amendment's own number: «Дополнительное соглашение № 1»."))
    agreement_answers: OptionalText = Field(None, description=N_(
        "The agreement's answers file, in this file's folder: its clauses are checked and "
        "restated from it, and --consolidated writes its text as amended."))
    registry: Whole(1, 10**9, optional=True) = Field(None, description=N_(
        "The agreement's number in the register (xbdocs registry list); its answers are "
        "read from the register."))
    agreement_date: Date = Field(None, description=N_(
        "The date the agreement was signed (default: its answers' signing date)."))
    agreement_number: OptionalText = Field(None, description=N_(
        "The agreement's own number, if it has one."))
    changes: list[Change] = Field(default_factory=list, description=N_(
        "The changes, in the order the amendment lists them."))

    @model_validator(mode="after")
    def _agreement_named(self) -> Amends:
        if self.agreement_answers is not None and self.registry is not None:
            raise _located([(None, "registry", Message(
                "give the agreement by its answers file or by its number in the register, "
                "not both"))])
        if self.agreement_answers is None and self.registry is None and \
                self.agreement_date is None:
            raise _located([(None, "agreement_date", Message(
                "name the agreement: its date (agreement_date), its answers file "
                "(agreement_answers) or its number in the register (registry)"))])
        return self


#: The sections of an agreement's answers an amendment does not have: what it changes is
#: in ``amends.changes``.
AGREEMENT_ONLY = ("areas", "custom_areas", "cooperation_forms", "custom_cooperation_forms",
                  "coordination", "term")
#: Required in an agreement's answers, absent from an amendment's.
REQUIRED_IN_AGREEMENT = ("coordination", "term")


def _answers_json_schema(schema: dict[str, Any]) -> None:
    """An agreement needs coordination and term; an amendment has neither (nor areas and
    forms): the editor's schema says so as the reader does."""
    schema["required"] = [key for key in schema.get("required", [])
                          if key not in REQUIRED_IN_AGREEMENT]
    schema["if"] = {"properties": {"amends": {"type": "null"}}}
    schema["then"] = {"required": list(REQUIRED_IN_AGREEMENT)}
    schema["else"] = {"required": ["amends"],
                      "properties": dict.fromkeys(AGREEMENT_ONLY, False)}


class Answers(Model):
    """An answers file: who agrees with whom, on what, for how long, and the filing — or,
    with ``amends``, an amendment (дополнительное соглашение) to an agreement between the
    same parties, which has no areas, forms, coordination or term of its own."""

    model_config = ConfigDict(json_schema_extra=_answers_json_schema)

    format: Whole(1, 1) = Field(1, description=N_("The file format's version: 1."))
    track: Choice(TRACKS) = Field(
        title=N_("Which agreement"),
        description=N_(
            "municipal (179-FZ Art. 12: a district or city with an akimat) or regional (4-FZ: "
            "the region with an oblast akimat)."
        ),
    )
    subject: BilingualAnswer | None = Field(
        None,
        description=N_(
            "The kind of cooperation in the title («о … сотрудничестве»); default: "
            "приграничном / шекара маңындағы."
        ),
    )
    parties: Parties = Field(description=N_("The two parties."))
    amends: Amends | None = Field(None, description=N_(
        "Makes this file an amendment (дополнительное соглашение): which agreement it "
        "changes, and the changes (docs/amendments.md)."))
    areas: list[CatalogueCode("areas")] = Field(
        default_factory=list,
        title=N_("Areas of cooperation"),
        description=N_("Areas of cooperation: codes from the catalogue (179-FZ)."),
    )
    custom_areas: list[BilingualAnswer] = Field(
        default_factory=list,
        title=N_("An area of your own (Enter: no more)"),
        description=N_("Areas of your own, in both languages."),
    )
    cooperation_forms: list[CatalogueCode("cooperation_forms")] = Field(
        default_factory=list,
        title=N_("Forms of cooperation"),
        description=N_("Forms of cooperation: codes from the catalogue."),
    )
    custom_cooperation_forms: list[BilingualAnswer] = Field(
        default_factory=list,
        title=N_("A form of your own (Enter: no more)"),
        description=N_("Forms of cooperation of your own, in both languages."),
    )
    # Nullable but without a default: an agreement's answers must give them (the reader
    # reports them missing with every other problem); an amendment's get None (below).
    coordination: Coordination | None = Field(description=N_("Who coordinates the work."))
    term: Term | None = Field(description=N_("Term, renewal and notice."))
    entry_into_force: Choice(ENTRY_INTO_FORCE, optional=True) = Field(
        None,
        title=N_("The agreement takes effect"),
        description=N_(
            "municipal: registration (always). regional: signing (default) or notifications."
        ),
    )
    signing: Signing = Field(default_factory=Signing, description=N_("Date and place of signing."))
    copies: Whole(2, 10) = Field(
        2,
        title=N_("Originals signed"),
        description=N_("Originals signed, each in Russian and Kazakh."),
    )
    forms: Forms = Field(
        default_factory=dict,
        description=N_("Case forms you give yourself: forms: {ru: {nominative: {case: form}}}."),
    )
    filing: Filing = Field(
        default_factory=Filing,
        description=N_("What the approval and registration paperwork needs."),
    )

    _source: str = PrivateAttr("")
    _digest: str = PrivateAttr("")
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)
    _areas: tuple[Bilingual, ...] = PrivateAttr(())
    _forms_of_cooperation: tuple[Bilingual, ...] = PrivateAttr(())

    # --- what the rest of xbdocs reads ---------------------------------------------------------

    @property
    def source(self) -> str:
        return self._source

    @property
    def digest(self) -> str:
        """sha256 of the file's text (UTF-8), for the manifest."""
        return self._digest

    @property
    def lines(self) -> dict[str, int]:
        """The line of each key path in the file, for messages."""
        return self._lines

    @property
    def russian(self) -> Party:
        return self.parties.russian

    @property
    def kazakh(self) -> Party:
        return self.parties.kazakh

    @property
    def both_parties(self) -> tuple[Party, Party]:
        return self.parties.russian, self.parties.kazakh

    @property
    def area_labels(self) -> tuple[Bilingual, ...]:
        """Every area as printed: the catalogue's, then the user's own."""
        return self._areas

    @property
    def cooperation_labels(self) -> tuple[Bilingual, ...]:
        return self._forms_of_cooperation

    @property
    def is_amendment(self) -> bool:
        return self.amends is not None

    def located(self, source: str, digest: str, lines: dict[str, int]) -> Answers:
        self._source, self._digest, self._lines = source, digest, lines
        return self

    @property
    def dated(self) -> dt.date | None:
        """The day the agreement speaks of itself: its signing, else (a draft) the first
        letter about it that has a date; None when nothing is dated yet."""
        filing = self.filing
        return self.signing.date or filing.approval_request.date or filing.notice.date \
            or filing.negotiations_date

    @model_validator(mode="before")
    @classmethod
    def _amendment_sections(cls, data: Any) -> Any:
        """An amendment has no coordination or term of its own: None, as if not given."""
        if isinstance(data, dict) and data.get("amends") is not None:
            data = {**data}
            for key in REQUIRED_IN_AGREEMENT:
                data.setdefault(key, None)
        return data

    def _amendment(self) -> list[tuple[str | None, str, MessageText]]:
        """An amendment's answers name the changes in ``amends``, not the agreement's own
        sections; those keys are errors (written by the before-validator, they are unset)."""
        given = self.model_fields_set & set(AGREEMENT_ONLY)
        for key in REQUIRED_IN_AGREEMENT:
            if getattr(self, key) is None:
                self.model_fields_set.discard(key)
                given.discard(key)
        return [(None, key, Message("not part of an amendment: what it changes goes under "
                                    "amends.changes")) for key in AGREEMENT_ONLY if key in given]

    @model_validator(mode="after")
    def _whole_file(self, info: ValidationInfo) -> Answers:
        cat = _catalogue(info)
        errors: list[tuple[str | None, str, MessageText]] = []
        if self.amends is not None:
            errors += self._amendment()
        else:
            errors += [(None, key, Message("required, but missing"))
                       for key in REQUIRED_IN_AGREEMENT if getattr(self, key) is None]
        if self.amends is None and not self.areas and not self.custom_areas:
            errors.append(
                (
                    None,
                    "areas",
                    _("name at least one area of cooperation")
                    if "areas" in self.model_fields_set
                    else _("required, but missing"),
                )
            )
        if self.amends is None and not self.cooperation_forms and \
                not self.custom_cooperation_forms:
            errors.append((None, "cooperation_forms",
                           Message("name at least one form of cooperation")))
        default_entry = "registration" if self.track == "municipal" else "signing"
        if self.entry_into_force is None:
            object.__setattr__(self, "entry_into_force", default_entry)
        if self.track == "municipal" and self.entry_into_force != "registration":
            errors.append(
                (
                    None,
                    "entry_into_force",
                    Message(
                        "a municipal agreement takes effect only after registration "
                        "(179-FZ Art. 12 and the regional law); use «registration» or leave "
                        "the key out"
                    ),
                )
            )
        if self.track == "regional" and self.entry_into_force == "registration":
            errors.append(
                (
                    None,
                    "entry_into_force",
                    Message("on the regional track choose «signing» or «notifications»"),
                )
            )
        if errors:
            raise _located(errors)
        # A catalogue party bears the name of the agreement's day (a district that became
        # a municipal okrug keeps its former name in a 2012 agreement).
        for party in (self.parties.russian, self.parties.kazakh):
            known = cat.parties.get(party.catalogue or "")
            if known is not None and known.former_names:
                object.__setattr__(party, "name", _model(known.name_on(self.dated)))
                former = known.former_on(self.dated)
                if former is not None and former.region:
                    object.__setattr__(party, "region", former.region)
        # On the municipal track an area beyond a district's own powers is worded as
        # assistance within the Parties' powers (the catalogue says which, and why).
        municipal = self.track == "municipal"
        self._areas = tuple(
            cat.areas[code].municipal if municipal and cat.areas[code].municipal
            else cat.areas[code].label
            for code in self.areas
        ) + tuple(a.pair for a in self.custom_areas)
        self._forms_of_cooperation = tuple(
            cat.cooperation_forms[code].label for code in self.cooperation_forms
        ) + tuple(f.pair for f in self.custom_cooperation_forms)
        return self


def _located(problems: list[tuple[str | None, str, str]]) -> PydanticCustomError:
    """Problems a model validator found, each at a key below the model: an error can name
    only the model itself, so they travel in its context and the reader unpacks them as
    (prefix, key, message)."""
    return PydanticCustomError(
        "xbdocs_located",
        "{message}",
        {
            "message": "; ".join(str(m) for _s, _k, m in problems),
            "problems": [(side, key, message) for side, key, message in problems],
        },
    )


#: For the models of other files (a filing profile's facts): problems at keys below a model.
located = _located


# --- the JSON Schema ----------------------------------------------------------------------------


def json_schema(cat: Catalogue, model: type[BaseModel] | None = None,
                title: str = "xbdocs answers") -> dict[str, Any]:
    """The JSON Schema of the answers file (or of another file defined by ``model``: a plan
    of joint events, a filing profile), for editors: catalogue ids as enums, descriptions in
    the current message language."""
    from xbdocs.i18n import help_text

    document = (model or Answers).model_json_schema(mode="validation")

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            table = node.pop(CATALOGUE_KEY, None)
            if table:
                node["enum"] = sorted(getattr(cat, table))
                if "null" in (node.get("type") or []):
                    node["enum"].append(None)
            if isinstance(node.get("description"), str):
                node["description"] = help_text(node["description"])
            if isinstance(node.get("title"), str):  # not a property named «title»
                del node["title"]
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(document)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": title,
        **document,
    }


# --- reading the schema by key path -------------------------------------------------------------


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The first model class inside a (possibly Annotated, Optional or list) annotation."""
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in typing.get_args(annotation):
        found = model_in(argument)
        if found:
            return found
    return None


def field_at(path: str) -> Any:
    """The pydantic FieldInfo of a key path such as ``parties.russian.signatory.name``."""
    model: type[BaseModel] | None = Answers
    info = None
    for part in path.split("."):
        if model is None or part not in model.model_fields:
            raise KeyError(path)
        info = model.model_fields[part]
        model = model_in(info.annotation)
    return info


def choices_at(path: str, cat: Catalogue) -> list[str]:
    """The values a choice field takes: its options, or a catalogue table's ids."""
    import typing

    def search(metadata: list, annotation: Any) -> list[str] | None:
        for item in metadata:
            schema = getattr(item, "json_schema", None) or {}
            if CATALOGUE_KEY in schema:
                return list(getattr(cat, schema[CATALOGUE_KEY]))
            if "enum" in schema:
                return [value for value in schema["enum"] if value is not None]
        for argument in typing.get_args(annotation):
            found = search(list(getattr(argument, "__metadata__", ())), argument)
            if found is not None:
                return found
        return None

    info = field_at(path)
    return search(list(info.metadata), info.annotation) or []


def check_value(path: str, value: Any, cat: Catalogue) -> Any:
    """``value`` validated as the field at ``path`` validates it in a file; ValueError with
    the message otherwise."""
    from typing import Annotated as Annotated_

    from pydantic import TypeAdapter, ValidationError

    info = field_at(path)
    annotation = Annotated_[(info.annotation, *info.metadata)] if info.metadata else \
        info.annotation
    try:
        return TypeAdapter(annotation).validate_python(value, context={"catalogue": cat})
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        if error["type"] in ("xbdocs", "xbdocs_located"):
            raise ValueError(error["ctx"]["message"]) from None
        raise ValueError(error["msg"]) from None


# --- a table's columns (xbdocs batch) ---------------------------------------------------------

#: Between the items of a list in one cell (a new line works too).
LIST_SEPARATOR = ";"
_YES = {"yes", "true", "да", "1", "y", "д"}
_NO = {"no", "false", "нет", "0", "n", "н"}


@functools.cache
def _kinds(path: str) -> frozenset[str]:
    """The JSON types the field at ``path`` takes: array (of plain values), sections (an
    array of sections), object (a section), integer, boolean, string."""
    from typing import Annotated as Annotated_

    from pydantic import TypeAdapter

    info = field_at(path)
    annotation = Annotated_[(info.annotation, *info.metadata)] if info.metadata else \
        info.annotation
    schema = TypeAdapter(annotation).json_schema()
    kinds: set[str] = set()

    def visit(node: dict) -> None:
        if "$ref" in node or node.get("type") == "object":
            kinds.add("object")
        types = node.get("type")
        for kind in [types] if isinstance(types, str) else types or []:
            if kind == "array":
                items = node.get("items", {})
                kinds.add("sections" if "$ref" in items or items.get("type") == "object"
                          else "array")
            elif kind != "object":
                kinds.add(kind)
        for branch in node.get("anyOf", []) + node.get("oneOf", []):
            visit(branch)

    visit(schema)
    return frozenset(kinds)


def _kind(path: str) -> str | None:
    """What one cell of a table holds for the field at ``path``: "list", "whole",
    "yes-no", "text", or None (a section, whose keys are columns of their own, or a list
    of sections, which a table cannot hold)."""
    kinds = _kinds(path)
    for kind, name in (("array", "list"), ("integer", "whole"), ("boolean", "yes-no"),
                       ("string", "text")):
        if kind in kinds:
            return name
    return None


#: Sections a table's row cannot hold: an amendment's changes are a list of sections (a
#: batch builds amendments from a folder of answers files, not from a table).
NOT_IN_TABLES = ("amends",)


def _columns_of(model: type[BaseModel], prefix: str) -> list[str]:
    found = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if path in NOT_IN_TABLES:
            continue
        if _kind(path) is not None:
            found.append(path)
        inner = model_in(info.annotation)
        if "object" in _kinds(path) and inner is not None and inner is not model:
            found += _columns_of(inner, f"{path}.")
    return found


@functools.cache
def columns() -> tuple[str, ...]:
    """Every key path a table's column may name, in the answers file's order."""
    return tuple(_columns_of(Answers, ""))


def cell_value(path: str, value: Any) -> Any:
    """A table cell as the answers file would hold the field at ``path``: a whole number,
    yes/no, a list («a; b»), or text; ``None`` for an empty cell. ValueError with the
    message for a cell that cannot be one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = _kind(path)
    if isinstance(value, dt.datetime):
        value = value.date()
    if kind == "whole":
        if isinstance(value, bool):
            raise ValueError(Message("expected a whole number, got {got}").format(
                got=describe(value)))
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", value):
            return int(value)
        raise ValueError(Message("expected a whole number, got {got}").format(got=describe(value)))
    if kind == "yes-no":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _YES or word in _NO:
            return word in _YES
        raise ValueError(Message("expected yes or no (true/false), got {got}").format(
            got=describe(value)))
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number a spreadsheet keeps as one: an INN, a year
    if kind == "list":
        return [item.strip() for item in re.split(r"[;\n]", str(value)) if item.strip()]
    return value if isinstance(value, dt.date) else str(value).strip()
