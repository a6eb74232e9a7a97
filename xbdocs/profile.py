"""Filing profiles: one region's procedure for approving and registering agreements, as a
YAML file a lawyer can edit. Every fact carries ``verified`` and ``source``, and the build
shows the unverified ones it relied on.

The profile file is defined once, by the pydantic models below, as the answers file is by
:mod:`xbdocs.schema` and the plan by :mod:`xbdocs.plans`: the reader validates with them
(every problem at once, each with its key path and line) and ``xbdocs schema --kind
profile`` prints their JSON Schema. The rest of xbdocs reads a :class:`Profile`, whose tracks
are :class:`TrackProfile` — the file's sections with the lists of facts unpacked.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from xbdocs import answers as answers_module
from xbdocs import catalogue
from xbdocs import schema as schema_module
from xbdocs.errors import InputError, printable
from xbdocs.findings import Finding
from xbdocs.i18n import N_, Message, _, in_language
from xbdocs.inputs import read_text, text_digest
from xbdocs.schema import (
    TRACKS,
    Choice,
    Date,
    Model,
    OptionalText,
    Text,
    Whole,
    YesNo,
    located,
    one_of,
    problem,
)
from xbdocs.stages import FILING_STAGES
from xbdocs.yamlread import check_text, describe, dumped, load_yaml, unknown_key

PROFILES_DIR = Path(__file__).parent / "data" / "profiles"
DEFAULT_PROFILE = "altai-krai"
#: Documents a step can require. «approval-document» is the region's decision, on paper.
DOCUMENTS = ("notice", "approval-request", "explanatory-note", "agreement",
             "registration-application", "certified-copy", "approval-document",
             "register-card")
EVENTS = ("negotiations", "approval-request", "signing", "registration")
UNITS = ("calendar", "working")
RELATIONS = ("before", "after")
REGISTER_FIELDS = ("registration", "title", "russian_party", "russian_signatory",
                   "foreign_party", "foreign_signatory", "signing", "areas", "languages",
                   "entry_into_force", "term", "approval", "registrar", "status", "notes")
#: A step id names files («inventory-ID.docx»): a short plain slug, no path.
STEP_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
#: The parts of an act given by its parts (with ``kind``), not as a ``text``.
ACT_PARTS = ("date", "number", "title", "article", "about")


# --- value types ------------------------------------------------------------------------------

def _step_id(value: Any) -> str:
    text, message = check_text(value)
    if message:
        raise problem(message)
    if not STEP_ID.fullmatch(text):
        raise problem(Message("{got} is not a step id: use up to 40 small Latin letters, digits "
                              "and "
                              "«-», such as «approval-request»").format(got=describe(text)))
    return text


StepId = Annotated[str, BeforeValidator(_step_id),
                   WithJsonSchema({"type": "string", "pattern": f"^{STEP_ID.pattern}$"})]


def _as_tuple(value: Any) -> Any:
    """A YAML list as a tuple, which strict validation takes: a read profile is shared by
    every build of the process, so nothing in it can be changed."""
    return tuple(value) if isinstance(value, list) else value


def Listed(item: Any) -> Any:
    """A list of ``item`` in the file, a tuple once read."""
    return Annotated[tuple[item, ...], BeforeValidator(_as_tuple)]


def _schema_extra(schema: dict[str, Any], cls: type) -> None:
    """A model's docstring is for developers: the JSON Schema describes the fields, in the
    message language, and not the models, in English."""
    schema.pop("description", None)


class Section(Model):
    """A part of a profile. Frozen: one read profile serves every build of a process."""

    model_config = ConfigDict(frozen=True, json_schema_extra=_schema_extra)


# --- the sections -----------------------------------------------------------------------------

def _fact_schema(schema: dict[str, Any], cls: type) -> None:
    """A fact is a «text» or an act by its «kind» and parts, one of them."""
    _schema_extra(schema, cls)
    schema["oneOf"] = [{"required": ["text"]}, {"required": ["kind"]}]
    schema["dependentRequired"] = {part: ["kind"] for part in ACT_PARTS}


class Fact(Section):
    """A value of the procedure with how sure we are of it: a text as it stands after «в
    соответствии с …», or an act by its parts, cited in Russian legal order with blanks
    for what is not known. Once read, ``text`` holds the citation either way."""

    model_config = ConfigDict(json_schema_extra=_fact_schema)

    kind: OptionalText = Field(None, description=N_(
        "An act given by its parts: its kind, in the nominative («закон Алтайского края»)."))
    date: Date = Field(None, description=N_(
        "The act's date (26.07.2017); left out while not known."))
    number: OptionalText = Field(None, description=N_(
        "The act's number («179-ФЗ»); left out while not known."))
    title: OptionalText = Field(None, description=N_("The act's official title."))
    article: OptionalText = Field(None, description=N_(
        "The part of the act meant, in the nominative («статья 12»)."))
    about: OptionalText = Field(None, description=N_(
        "What the act is about, unquoted, while its official title is not known."))
    text: OptionalText = Field(None, description=N_(
        "The fact as written after «в соответствии с …» (in the instrumental), when it is "
        "not an act given by its parts."))
    verified: YesNo = Field(False, description=N_(
        "yes once checked against the official source."))
    source: Text = Field(description=N_("Where the value comes from, in words a clerk reads."))

    @model_validator(mode="after")
    def _cite(self) -> Fact:
        errors: list[tuple[str | None, str, str]] = []
        if self.kind is not None and self.text is not None:
            errors.append((None, "text", Message(
                "give the fact as «text» or as an act by its parts with «kind», not both")))
        elif self.kind is not None:
            from xbdocs.lang import ru

            object.__setattr__(self, "text", ru.citation(
                self.kind, self.date, self.number, self.title, self.article, about=self.about))
        else:
            if self.text is None:
                errors.append((None, "text", Message(
                    "required, but missing: give the fact as «text», or an act by its parts "
                    "with «kind»")))
            errors += [(None, part, _("an act's part: give it with the act's «kind», or "
                                      "write the whole fact as «text»"))
                       for part in ACT_PARTS if getattr(self, part) is not None]
        if errors:
            raise located(errors)
        return self


def _not_given() -> Fact:
    """The fact behind a list the profile leaves out: unverified, and saying so."""
    # A source is data the documents quote (the check sheet, Word comments): in Russian, as
    # every profile's sources are, whatever the language of the interface («Not given in
    # the profile» was printed in a Russian check sheet under --lang en).
    return Fact.model_construct(text="", verified=False,
                                source=in_language("ru", N_("not given in the profile")))


class Addressee(Section):
    """Who a step's letter goes to: to the official when ``position`` is given (the post
    in the dative, as GOST R 7.0.97-2016 asks), else to the body itself."""

    body: Text = Field(description=N_("The body's name, in the nominative."))
    position: OptionalText = Field(None, description=N_(
        "The official's post, in the nominative (xbdocs declines it); without it the letter "
        "goes to the body."))
    person: OptionalText = Field(None, description=N_("The official's name, when known."))
    address: Text = Field(description=N_("The postal address."))
    verified: YesNo = Field(False, description=N_(
        "yes once checked against the official source."))
    source: Text = Field(description=N_("Where the value comes from, in words a clerk reads."))
    _id: str = PrivateAttr("")

    @property
    def id(self) -> str:
        """The addressee's key in the profile: what a step's ``to`` names."""
        return self._id


class Deadline(Section):
    """When a step is due: so many calendar or working days before or after an event."""

    days: Whole(0, 365) = Field(description=N_("How many days."))
    unit: Choice(UNITS) = Field(description=N_("calendar or working days."))
    relation: Choice(RELATIONS) = Field(description=N_("before or after the event."))
    event: Choice(EVENTS) = Field(description=N_("The event the days count from."))


#: The key of the validation context that holds the track being read.
_SCOPE = "track"


class _Scope:
    """What a track's steps are checked against while it is read: the addressees' keys as
    written and the step ids seen so far. It travels in the validation context, so a step
    naming an unknown addressee or a taken id is reported in the same pass as every other
    problem, even when other parts of the track are wrong."""

    def __init__(self, addressees: list[str] | None) -> None:
        self.addressees = addressees
        self.steps: set[str] = set()


def _scope(info: ValidationInfo) -> _Scope | None:
    return info.context.get(_SCOPE) if isinstance(info.context, dict) else None


class Step(Section):
    """One step of the procedure: a letter the clerk sends with its documents, or a decision
    the authority takes."""

    id: StepId = Field(description=N_(
        "The step's id: up to 40 small Latin letters, digits and «-»; it names files."))
    title: Text = Field(description=N_("The step as a clerk reads it."))
    stage: Choice(FILING_STAGES, optional=True) = Field(None, description=N_(
        "approval or registration: the stage whose package has its documents; none for a "
        "decision of the authority."))
    to: Text | None = Field(None, description=N_("The addressee of its letter (a key of "
                                                 "addressees)."))
    documents: Listed(Choice(DOCUMENTS)) = Field((), description=N_(
        "The documents the step sends."))
    deadline: Deadline | None = Field(None, description=N_("By when the step is due."))
    decision: YesNo = Field(False, description=N_(
        "yes for a decision the authority takes: never overdue for the clerk."))
    verified: YesNo = Field(False, description=N_(
        "yes once checked against the official source."))
    source: Text = Field(description=N_("Where the value comes from, in words a clerk reads."))

    @field_validator("id")
    @classmethod
    def _once(cls, value: str, info: ValidationInfo) -> str:
        scope = _scope(info)
        if scope is not None:
            if value in scope.steps:
                raise problem(Message("the step id «{id}» is used twice").format(id=value))
            scope.steps.add(value)
        return value

    @field_validator("to")
    @classmethod
    def _known(cls, value: str | None, info: ValidationInfo) -> str | None:
        scope = _scope(info)
        if value is not None and scope is not None and scope.addressees is not None:
            return one_of(value, scope.addressees)
        return value


class ListedFact(Section):
    """A list the procedure names, with how sure we are of it as a whole."""

    verified: YesNo = Field(False, description=N_(
        "yes once checked against the official source."))
    source: Text = Field(description=N_("Where the value comes from, in words a clerk reads."))

    @property
    def fact(self) -> Fact:
        """How sure we are of the list, as the notes of unverified values read a fact."""
        return Fact.model_construct(text="", verified=self.verified, source=self.source)


class RefusalGrounds(ListedFact):
    items: Listed(Text) = Field(description=N_("Each ground for refusing registration."))


class RegisterFields(ListedFact):
    items: Listed(Choice(REGISTER_FIELDS)) = Field(description=N_(
        "The register card's fields, in order (all of them when empty)."))


class Track(Section):
    """One track's procedure as the file gives it."""

    basis: Fact = Field(description=N_(
        "The federal basis, as it stands after «в соответствии с …»."))
    regional_act: Fact = Field(description=N_(
        "The region's act on approving and registering agreements."))
    addressees: dict[str, Addressee] = Field(description=N_(
        "The bodies letters go to, each under a key the steps' «to» names."))
    steps: Listed(Step) = Field(description=N_("The steps of the procedure, in order."))
    refusal_grounds: RefusalGrounds | None = Field(None, description=N_(
        "The grounds on which registration may be refused."))
    register_fields: RegisterFields | None = Field(None, description=N_(
        "The fields of the region's register of agreements."))

    @model_validator(mode="before")
    @classmethod
    def _open_scope(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(info.context, dict) and isinstance(data, dict):
            addressees = data.get("addressees")
            info.context[_SCOPE] = _Scope(
                [str(key) for key in addressees] if isinstance(addressees, dict) else None)
        return data

    @model_validator(mode="after")
    def _name_addressees(self) -> Track:
        for key, addressee in self.addressees.items():
            addressee._id = key
        return self


class Tracks(Section):
    """The procedure of each track; a region may describe one of them only."""

    municipal: Track | None = Field(None, description=N_(
        "Municipal agreements (179-FZ, Art. 12): a border district or city."))
    regional: Track | None = Field(None, description=N_(
        "Regional agreements (4-FZ): the region itself."))


class ProfileFile(Section):
    """A filing profile as its file holds it."""

    id: Text = Field(description=N_("The profile's id: the file's name without «.yaml»."))
    region: Text = Field(description=N_("The region's id in the catalogue."))
    name: Text = Field(description=N_("The region's name."))
    tracks: Tracks = Field(description=N_("The procedure of each track the region has."))


# --- what the rest of xbdocs reads --------------------------------------------------------------

@dataclass(frozen=True)
class TrackProfile:
    basis: Fact
    regional_act: Fact
    addressees: dict[str, Addressee]
    steps: tuple[Step, ...]
    refusal_grounds: tuple[str, ...]
    refusal_fact: Fact
    register_fields: tuple[str, ...]
    register_fact: Fact

    @classmethod
    def of(cls, track: Track) -> TrackProfile:
        """A track as xbdocs reads it: the lists of facts unpacked, all the register's
        fields when the profile names none."""
        refusal, register = track.refusal_grounds, track.register_fields
        return cls(track.basis, track.regional_act, dict(track.addressees), track.steps,
                   refusal.items if refusal else (),
                   refusal.fact if refusal else _not_given(),
                   (register.items if register else ()) or REGISTER_FIELDS,
                   register.fact if register else _not_given())

    def documents(self, stage: str) -> list[str]:
        """The documents a stage requires, in the order the steps name them."""
        seen: list[str] = []
        for step in self.steps:
            if step.stage == stage or (stage == "all" and step.stage):
                seen += [d for d in step.documents if d not in seen]
        return seen

    def step_for(self, document: str) -> Step | None:
        return next((s for s in self.steps if document in s.documents), None)


@dataclass(frozen=True)
class Profile:
    id: str
    region: str
    name: str
    tracks: dict[str, TrackProfile]
    path: str
    #: sha256 of the file's text (UTF-8).
    digest: str = ""


#: Profiles read in this process, by file and digest of their text: a batch reads one
#: profile a thousand times, and an edited file has another digest.
_read: dict[tuple[str, str], Profile] = {}


def load(path: str | Path | None = None) -> Profile:
    """Read a profile: a file, or a shipped profile by its id; by default the Altai Krai's."""
    path = find(str(path)) if path else PROFILES_DIR / f"{DEFAULT_PROFILE}.yaml"
    source = str(path)
    text = read_text(path, _("a filing profile (YAML)"))
    key = (source, text_digest(text))
    found = _read.get(key)  # one lookup: another thread may clear the table meanwhile
    if found is None:
        if len(_read) > 16:
            _read.clear()
        found = _read[key] = _parse(text, source)
    return found


def load_text(text: str, source: str) -> Profile:
    """A profile from its YAML text (the department's facts put in a shipped one), checked
    as a profile file is; :class:`InputError` naming what is wrong."""
    return _parse(text, source)


def _parse(text: str, source: str) -> Profile:
    data, lines = load_yaml(text, source)
    try:
        parsed = ProfileFile.model_validate(data, context={})
    except ValidationError as exc:
        raise InputError(source, _problems(exc, lines)) from None
    tracks = {name: TrackProfile.of(track) for name in TRACKS
              if (track := getattr(parsed.tracks, name)) is not None}
    return Profile(parsed.id, parsed.region, parsed.name, tracks, source, text_digest(text))


def _problems(exc: ValidationError, lines: dict[str, int]) -> list[Finding]:
    """Every problem, in the order of the file's lines.

    The answers' reader names the keys a section may have by following field names; an
    addressee sits under a key the profile chooses (``addressees.government``), so its
    unknown keys are named here."""
    found = answers_module.problems(exc, lines, ProfileFile)
    renamed = {answers_module.key_path(error["loc"]): unknown_key(error["loc"][-1],
                                                                   list(Addressee.model_fields))
               for error in exc.errors(include_url=False)
               if error["type"] == "extra_forbidden" and len(error["loc"]) == 5
               and error["loc"][2] == "addressees"}
    found = [dataclasses.replace(p, message=renamed[p.path]) if p.path in renamed else p
             for p in found]
    return sorted(found, key=lambda p: p.line or 0)


def json_schema() -> dict[str, Any]:
    """The profile file's JSON Schema, for an editor's completion and checks."""
    return schema_module.json_schema(catalogue.load(), ProfileFile, "xbdocs filing profile")


def shipped() -> list[Path]:
    """The profiles that come with xbdocs, one a region."""
    return sorted(PROFILES_DIR.glob("*.yaml"))


def find(name: str) -> Path:
    """A profile by its id (a shipped one) or by the path of a file."""
    if STEP_ID.fullmatch(name) and (PROFILES_DIR / f"{name}.yaml").is_file() and \
            not Path(name).exists():
        return PROFILES_DIR / f"{name}.yaml"
    return Path(name)


# --- the department's own facts over a shipped profile (xbdocs facts; issue 22) ------------

#: The fields of a fact a department may give: its words, an addressee's, an act's parts.
FACT_FIELDS = ("text", "body", "position", "address", "kind", "date", "number", "title",
               "about", "article")


@dataclass(frozen=True)
class FactPlace:
    """A fact of a profile that carries ``verified``: where it is (as the notes of
    unverified values name it: ``tracks.municipal.addressees.government``), what it says,
    and how sure the profile is of it."""

    place: str
    fields: dict[str, str]
    verified: bool
    source: str


def fact_places(profile_id: str = DEFAULT_PROFILE) -> list[FactPlace]:
    """Every fact of a shipped profile a department may verify or complete."""
    data = _shipped_data(profile_id)
    found: list[FactPlace] = []
    _walk_facts(data, "", found)
    return found


def _shipped_data(profile_id: str) -> dict:
    path = find(profile_id)
    data, _lines = load_yaml(read_text(path, _("a filing profile (YAML)")), str(path))
    if not isinstance(data, dict):
        raise InputError.one(str(path), Message("not a filing profile"))
    return data


def _walk_facts(node: Any, place: str, found: list[FactPlace]) -> None:
    if isinstance(node, dict):
        if "verified" in node and place:
            fields = {k: str(v) for k, v in node.items()
                      if k in FACT_FIELDS and isinstance(v, str | int | float)}
            found.append(FactPlace(place, fields, node.get("verified") is True,
                                   str(node.get("source") or "")))
        for key, value in node.items():
            _walk_facts(value, f"{place}.{key}" if place else str(key), found)
    elif isinstance(node, list):
        for item in node:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                _walk_facts(item, f"{place}[{item['id']}]", found)


def with_facts(profile_id: str, facts: dict[str, dict[str, Any]]) -> str:
    """The shipped profile's YAML with a department's facts put in: for each place, its
    fields as given, ``verified: true`` and the source with who verified it and when. The
    text is read back by :func:`load` like any profile file, so a fact that makes it
    invalid is refused there (:class:`InputError` naming the field)."""

    data = _shipped_data(profile_id)
    for place, fact in facts.items():
        node = _node_at(data, place)
        if node is None:
            raise InputError.one(profile_id, Message("{place}: not a fact of the profile "
                                                     "(xbdocs facts list)").format(
                                                         place=printable(place, 120)))
        for key, value in (fact.get("fields") or {}).items():
            if key in FACT_FIELDS:
                node[key] = value
        node["verified"] = True
        node["source"] = str(fact.get("source") or "")
    return dumped(data)


def _node_at(data: Any, place: str) -> dict | None:
    node = data
    for part in re.findall(r"[^.\[\]]+|\[[^\]]+\]", place):
        if part.startswith("["):
            wanted = part[1:-1]
            node = next((item for item in node if isinstance(item, dict)
                         and item.get("id") == wanted), None) if isinstance(node, list) \
                else None
        else:
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return None
    return node if isinstance(node, dict) and "verified" in node else None
