"""Filing profiles: one region's procedure for approving and registering agreements, as a
YAML file a lawyer can edit. Every fact carries ``verified`` and ``source``, and the build
shows the unverified ones it relied on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xbdocs.errors import AnswersError
from xbdocs.i18n import _
from xbdocs.inputs import read_text, text_digest
from xbdocs.yamlread import Reader, State, describe, load_yaml

PROFILES_DIR = Path(__file__).parent / "data" / "profiles"
DEFAULT_PROFILE = "altai-krai"
STAGES = ("approval", "registration")
#: Documents a step can require. «approval-document» is the region's decision, on paper.
DOCUMENTS = ("notice", "approval-request", "explanatory-note", "agreement",
             "registration-application", "certified-copy", "approval-document",
             "register-card")
EVENTS = ("negotiations", "approval-request", "signing", "registration")
UNITS = ("calendar", "working")
REGISTER_FIELDS = ("registration", "title", "russian_party", "russian_signatory",
                   "foreign_party", "foreign_signatory", "signing", "areas", "languages",
                   "entry_into_force", "term", "approval", "registrar", "status", "notes")


@dataclass(frozen=True)
class Fact:
    """A value of the procedure with how sure we are of it."""

    text: str
    verified: bool
    source: str


@dataclass(frozen=True)
class Addressee:
    id: str
    body: str
    position: str | None
    address: str
    verified: bool
    source: str
    person: str | None = None


@dataclass(frozen=True)
class Deadline:
    days: int
    unit: str          # calendar | working
    relation: str      # before | after
    event: str


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    stage: str | None
    to: str | None
    documents: tuple[str, ...]
    deadline: Deadline | None
    #: A decision the authority takes, not a step of the clerk: never "overdue" for them.
    decision: bool
    verified: bool
    source: str


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


def _fact(reader: Reader | None) -> Fact | None:
    """A fact given as text, or an act given by its parts (kind, date, number, title,
    article), cited in Russian legal order with blanks for what is not known."""
    if reader is None:
        return None
    kind = reader.text("kind", required=False)
    if kind:
        from xbdocs.lang import ru

        date = reader.date("date")
        text = ru.citation(kind, date, reader.text("number", required=False),
                           reader.text("title", required=False),
                           reader.text("article", required=False),
                           about=reader.text("about", required=False))
    else:
        text = reader.text("text")
    verified = reader.boolean("verified", default=False)
    source = reader.text("source")
    reader.finish()
    return Fact(text or "", verified, source or "") if text and source else None


def _list_fact(reader: Reader | None, options: tuple[str, ...] | None) -> tuple[tuple, Fact]:
    if reader is None:
        return (), Fact("", False, _("not given in the profile"))
    items = []
    for path, item in reader.items("items", required=True):
        value = reader.state.choice(item, options, path) if options else \
            reader.state.text(item, path)
        if value:
            items.append(value)
    fact = Fact("", reader.boolean("verified", default=False), reader.text("source") or "")
    reader.finish()
    return tuple(items), fact


#: A step id names files («inventory-ID.docx»): a short plain slug, no path.
STEP_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


def _step(reader: Reader, addressees: dict[str, Any]) -> Step | None:
    step_id = reader.text("id")
    if step_id is not None and not STEP_ID.fullmatch(step_id):
        reader.state.problem(reader.child("id"), _(
            "{got} is not a step id: use up to 40 small Latin letters, digits and «-», "
            "such as «approval-request»").format(got=describe(step_id)))
        step_id = None
    title = reader.text("title")
    stage = reader.choice("stage", STAGES, default="") or None
    to = reader.choice("to", list(addressees), default="") or None
    documents = []
    for path, item in reader.items("documents"):
        value = reader.state.choice(item, DOCUMENTS, path)
        if value:
            documents.append(value)
    deadline = None
    section = reader.section("deadline", required=False)
    if section is not None:
        days = section.integer("days", 0, 365)
        unit = section.choice("unit", UNITS)
        relation = section.choice("relation", ("before", "after"))
        event = section.choice("event", EVENTS)
        section.finish()
        if days is not None and unit and relation and event:
            deadline = Deadline(days, unit, relation, event)
    decision = reader.boolean("decision", default=False)
    verified = reader.boolean("verified", default=False)
    source = reader.text("source")
    reader.finish()
    if not (step_id and title and source):
        return None
    return Step(step_id, title, stage, to, tuple(documents), deadline, decision, verified,
                source)


def _track(reader: Reader) -> TrackProfile | None:
    basis = _fact(reader.section("basis"))
    regional_act = _fact(reader.section("regional_act"))
    addressees: dict[str, Addressee] = {}
    section = reader.section("addressees")
    if section is not None:
        for key in section.data:
            entry = section.section(str(key))
            if entry is None:
                continue
            values = {name: entry.text(name) for name in ("body", "address")}
            position = entry.text("position", required=False)
            person = entry.text("person", required=False)
            verified = entry.boolean("verified", default=False)
            source = entry.text("source")
            entry.finish()
            if all(values.values()) and source:
                addressees[str(key)] = Addressee(str(key), values["body"], position,
                                                 values["address"], verified, source, person)
        section.finish()
    steps: list[Step] = []
    for path, item in reader.items("steps", required=True):
        step = _step(Reader(item, path, reader.state), addressees)
        if step and any(s.id == step.id for s in steps):
            reader.state.problem(f"{path}.id", _("the step id «{id}» is used twice").format(
                id=step.id))
        elif step:
            steps.append(step)
    refusal, refusal_fact = _list_fact(reader.section("refusal_grounds", required=False), None)
    fields, register_fact = _list_fact(reader.section("register_fields", required=False),
                                       REGISTER_FIELDS)
    if not fields:
        fields = REGISTER_FIELDS
    reader.finish()
    if not (basis and regional_act):
        return None
    return TrackProfile(basis, regional_act, addressees, tuple(steps), refusal, refusal_fact,
                        fields, register_fact)


#: Profiles read in this process, by file and digest of their text: a batch reads one
#: profile a thousand times, and an edited file has another digest.
_read: dict[tuple[str, str], Profile] = {}


def load(path: str | Path | None = None) -> Profile:
    """Read a profile: a file, or a shipped profile by its id; by default the Altai Krai's."""
    path = find(str(path)) if path else PROFILES_DIR / f"{DEFAULT_PROFILE}.yaml"
    source = str(path)
    text = read_text(path, _("a filing profile (YAML)"))
    key = (source, text_digest(text))
    if key not in _read:
        if len(_read) > 16:
            _read.clear()
        _read[key] = _parse(text, source)
    return _read[key]


def _parse(text: str, source: str) -> Profile:
    data, lines = load_yaml(text, source)
    state = State(lines)
    root = Reader(data, "", state)
    profile_id = root.text("id")
    region = root.text("region")
    name = root.text("name")
    tracks: dict[str, TrackProfile] = {}
    section = root.section("tracks")
    if section is not None:
        for track in ("municipal", "regional"):
            reader = section.section(track, required=False)
            parsed = _track(reader) if reader is not None else None
            if parsed:
                tracks[track] = parsed
        section.finish()
    root.finish()
    if state.problems:
        raise AnswersError(state.problems, source)
    return Profile(profile_id or "", region or "", name or "", tracks, source,
                   text_digest(text))


def shipped() -> list[Path]:
    """The profiles that come with xbdocs, one a region."""
    return sorted(PROFILES_DIR.glob("*.yaml"))


def find(name: str) -> Path:
    """A profile by its id (a shipped one) or by the path of a file."""
    if STEP_ID.fullmatch(name) and (PROFILES_DIR / f"{name}.yaml").is_file() and \
            not Path(name).exists():
        return PROFILES_DIR / f"{name}.yaml"
    return Path(name)
