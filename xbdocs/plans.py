"""Plans of joint events (планы совместных мероприятий): the plan file, defined once, and
its build — a bilingual plan for an agreement, with the Russian and Kazakh copies.

The plan file names its agreement (an answers file, or an entry of the register), the years
it covers and its events; each event says what, when (``2027-05``, ``2027-Q2``, ``ongoing`` —
see :mod:`xbdocs.lang.periods`), who is responsible on each side (by default the agreement's
coordinating units) and the expected result, in both languages. ``xbdocs plan --schema``
prints the file's JSON Schema. The texts are the templates ``templates/ru/plan.txt`` and
``templates/kk/plan.txt``; the language engine writes the periods, names and cases.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, get_args

import yaml
from pydantic import (
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from xbdocs import answers as answers_module
from xbdocs import assembler, output, writer
from xbdocs.answers import Answers
from xbdocs.errors import InputError
from xbdocs.findings import WARNING, Finding
from xbdocs.i18n import N_, Message, _
from xbdocs.inputs import read_text, text_digest
from xbdocs.lang import kk, periods, ru
from xbdocs.model import Document
from xbdocs.schema import (
    CATALOGUE_KEY,
    BilingualAnswer,
    CatalogueCode,
    Date,
    Model,
    Text,
    Whole,
    problem,
)
from xbdocs.version import __version__
from xbdocs.yamlread import load_yaml

FILES = {"parallel": "plan.ru-kk.docx", "ru": "plan.ru.docx", "kk": "plan.kk.docx"}
#: A plan's table has six columns: its pages lie on their side.
LANDSCAPE = writer.PageStyle(page_width_mm=297, page_height_mm=210, left_mm=20, right_mm=15,
                             body_size=12)


def _period(value: Any) -> str:
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise problem(Message("expected a period such as 2027-05 or 2027-Q2"))
    try:
        periods.parse(value)
    except ValueError as exc:
        raise problem(str(exc)) from None
    return value.strip()


PeriodText = Annotated[str, BeforeValidator(_period), WithJsonSchema({
    "type": "string", "examples": ["2027-05-20", "2027-05", "2027-Q2", "2027-H1", "2027",
                                   "2027-05..2027-06", "ongoing"]})]


class Agreement(Model):
    answers: Text | None = Field(None, title=N_("Answers file"), description=N_(
        "The agreement's answers file, in the plan's folder (a name relative to the plan "
        "file)."))
    registry: Whole(1, 10**9, optional=True) = Field(None, title=N_("Register entry"),
                                                    description=N_(
        "The agreement's number in the register (xbdocs registry list)."))

    @model_validator(mode="after")
    def _one(self) -> Agreement:
        if (self.answers is None) == (self.registry is None):
            raise problem(Message("give the agreement by its answers file (answers:) or by its "
                                  "number in the register (registry:), one of them"))
        return self


class Years(Model):
    first: Whole(2000, 2100) = Field(title=N_("First year"), description=N_(
        "The first year the plan covers."))
    last: Whole(2000, 2100) = Field(title=N_("Last year"), description=N_(
        "The last year the plan covers (plans run 2–3 years)."))

    @model_validator(mode="after")
    def _order(self) -> Years:
        if not 0 <= self.last - self.first <= 5:
            raise problem(Message("the last year is the first or up to five after it"))
        return self


class Signer(Model):
    post: BilingualAnswer = Field(title=N_("Post"), description=N_(
        "The post of the one who approves the plan, in both languages."))
    name: BilingualAnswer = Field(title=N_("Name"), description=N_(
        "Surname, name and patronymic, in both languages."))


class Approval(Model):
    date: Date = Field(None, title=N_("Date"), description=N_(
        "The day the plan is approved; left blank when not known."))
    russian: Signer | None = Field(None, title=N_("Russian side"), description=N_(
        "Who approves it on the Russian side (default: the agreement's signatory)."))
    kazakh: Signer | None = Field(None, title=N_("Kazakh side"), description=N_(
        "Who approves it on the Kazakh side (default: the agreement's signatory)."))


class Event(Model):
    area: CatalogueCode("areas") | None = Field(None, title=N_("Area"), description=N_(
        "An area of the catalogue: events of one area are grouped under its name."))
    event: BilingualAnswer = Field(title=N_("Event"), description=N_("What is done, in both "
                                                                "languages."))
    when: PeriodText = Field(title=N_("When"), description=N_(
        "2027-05-20, 2027-05 (a month), 2027-Q2 (a quarter), 2027-H1 (a half-year), 2027, a "
        "span as 2027-05..2027-06, or ongoing."))
    russian: BilingualAnswer | None = Field(None, title=N_("Responsible, Russian side"),
                                      description=N_(
        "Who is responsible on the Russian side (default: its coordinating unit)."))
    kazakh: BilingualAnswer | None = Field(None, title=N_("Responsible, Kazakh side"),
                                     description=N_(
        "Who is responsible on the Kazakh side (default: its coordinating unit)."))
    result: BilingualAnswer = Field(title=N_("Expected result"), description=N_(
        "What the event should bring, in both languages."))


class Plan(Model):
    #: The file's name and its keys' lines, for findings (set by :func:`loads`).
    _source: str = PrivateAttr("")
    _lines: dict[str, int] = PrivateAttr(default_factory=dict)

    format: Whole(1, 1, optional=True) = Field(None, description=N_("The file format: 1."))
    agreement: Agreement | None = Field(None, title=N_("Agreement"), description=N_(
        "The agreement the plan carries out; may be left out when its answers file is given "
        "on the command line (xbdocs plan PLAN --answers FILE)."))
    years: Years = Field(title=N_("Years"), description=N_("The years the plan covers."))
    approval: Approval = Field(default_factory=Approval, title=N_("Approval"),
                               description=N_("Who approves the plan on each side, and when."))
    events: list[Event] = Field(min_length=1, max_length=500, title=N_("Events"),
                                description=N_("The plan's events, in the order they are "
                                               "listed."))


def json_schema() -> dict[str, Any]:
    from xbdocs import catalogue, schema

    return schema.json_schema(catalogue.load(), Plan, "xbdocs plan of joint events")


def load(path: Path) -> tuple[Plan, str]:
    """Read and validate a plan file: every problem at once, each with its key path and
    line. Also returns the file's digest."""
    return loads(read_text(path, _("a plan of joint events (YAML)")), str(path))


def loads(text: str, source: str) -> tuple[Plan, str]:
    """A plan given as text (a file uploaded in the browser), read as :func:`load` reads
    a file; named ``source`` in its problems."""
    from xbdocs import catalogue

    data, lines = load_yaml(text, source)
    try:
        plan = Plan.model_validate(data, context={"catalogue": catalogue.load()})
    except ValidationError as exc:
        raise InputError(source, answers_module.problems(exc, lines, Plan)) from None
    plan._source, plan._lines = source, lines
    return plan, text_digest(text)


def review(plan: Plan, answers: Answers) -> list[Finding]:
    """What to know of a plan against its agreement: an event in an area the agreement
    does not name (XB030) — allowed only by the Parties' further agreement, under the
    agreement's clause on other areas when it has one."""
    from xbdocs import catalogue

    cat = catalogue.load()
    agreed = set(answers.areas)
    other = None
    if answers.amends is None:
        numbers = assembler.clause_numbers(assembler.assemble(answers).documents["ru"])
        other = numbers.get("areas.other")
    found = []
    for index, event in enumerate(plan.events):
        if event.area is None or event.area in agreed:
            continue
        found.append(Finding("XB030", WARNING, f"events[{index}].area", Message(
            "«{area}» is not among the agreement's areas ({areas}){clause}").format(
                area=cat.areas[event.area].label.ru,
                areas=", ".join(cat.areas[code].label.ru for code in answers.areas) or "—",
                clause=_("; its clause {number} allows other areas only by the Parties' "
                         "mutual agreement: record it, or add the area by an amendment"
                         ).format(number=other) if other else _(
                    "; add the area to the agreement by an amendment first"))))
    return [f.located(plan._source, plan._lines) for f in found]


@cache
def _state_bodies() -> tuple[str, ...]:
    data = yaml.safe_load((Path(__file__).parent / "data" / "plan_executors.yaml")
                          .read_text(encoding="utf-8"))
    return tuple(word.lower() for word in data["state_bodies"])


def is_partys(body: str, party_name: str) -> bool:
    """Whether a responsible body is the party's own (plan_executors.yaml): its name names
    the party's own territory — the first named in the party's name, so a district's unit
    is its, the region's ministry is not — and no state's body."""
    text = body.lower()
    if any(word in text for word in _state_bodies()):
        return False
    named = [word for word in party_name.split()[1:] if word[:1].isupper()]
    if not named:
        return True
    return named[0][:max(4, len(named[0]) - 3)].lower() in text


def _titles(answers: Answers) -> dict[str, str]:
    """The agreement as a plan's title names it: «Соглашения между …» (genitive) and
    «… туралы келісімді» (accusative)."""
    assembly = assembler.assemble(answers)
    russian = assembler.agreement_titles(assembly.documents["ru"])["genitive_title"]
    parts = [p.text for b in assembly.documents["kk"].blocks if b.kind == "title"
             for p in b.paragraphs]
    kazakh = " ".join([*parts[:-1], parts[-1].lower()]) if parts else ""
    return {"ru": russian, "kk": kk.inflect_phrase(kazakh, "accusative").text}


def view(plan: Plan, answers: Answers, lang: str, titles: dict[str, str]) -> dict[str, Any]:
    """What a plan template sees beyond the agreement's variables."""
    from xbdocs import catalogue

    cat = catalogue.load()
    module = {"ru": ru, "kk": kk}[lang]
    units = answers.coordination
    default = {"russian": units.russian_unit, "kazakh": units.kazakh_unit}
    rows, area, number = [], None, 0
    for event in plan.events:
        if event.area and event.area != area:
            rows.append({"area": cat.areas[event.area].label[lang]})
        area = event.area
        number += 1
        rows.append({"area": None, "number": number, "event": event.event[lang],
                     "when": module.period(periods.parse(event.when)),
                     "russian": _side(event.russian, default["russian"], lang),
                     "kazakh": _side(event.kazakh, default["kazakh"], lang),
                     # A body that is not a party's takes part by its own consent.
                     "russian_agreed": _agreed(event.russian, answers.parties.russian),
                     "kazakh_agreed": _agreed(event.kazakh, answers.parties.kazakh),
                     "result": event.result[lang]})
    years = plan.years
    signers = {}
    for side, party in (("russian", answers.parties.russian),
                        ("kazakh", answers.parties.kazakh)):
        given = getattr(plan.approval, side)
        signers[side] = ({"post": given.post[lang], "name": given.name[lang]} if given else
                         {"post": party.signatory.position[lang],
                          "name": party.signatory.name[lang]})
    return {"plan": {"agreement_title": titles[lang], "first": years.first,
                     "last": years.last, "rows": rows, "date": plan.approval.date,
                     **signers}}


def _agreed(given: BilingualAnswer | None, party: Any) -> bool:
    """Whether an event's responsible body (given in the plan; the coordinating unit by
    default is the party's own) is not the party's: the plan marks it «(по согласованию)»."""
    return given is not None and not is_partys(given.ru, party.name.ru)


def _side(given: BilingualAnswer | None, unit: BilingualAnswer | None, lang: str) -> str:
    if given is not None:
        return given[lang]
    return unit[lang] if unit is not None else ""


def render_plan(plan: Plan, answers: Answers, plan_name: str, digest: str,
                today: dt.date) -> dict[str, bytes]:
    """The plan in both languages side by side, its Russian and Kazakh copies and its
    manifest, as file names and bytes. ``answers`` are the agreement's, which the caller
    finds (an answers file beside the plan, or the register's entry)."""
    titles = _titles(answers)
    documents: dict[str, Document] = {}
    for lang in ("ru", "kk"):
        document, _doubts = assembler.assemble_single(answers, "plan",
                                                      view(plan, answers, lang, titles),
                                                      lang=lang)
        document.properties.update({"created": today.isoformat(),
                                     "subject": SUBJECTS[lang]})
        documents[lang] = document
    both = assembler.interleave(documents["ru"], documents["kk"])
    both.properties.update({"created": today.isoformat(), "language": "ru-RU, kk-KZ",
                            "subject": f"{SUBJECTS['ru']} / {SUBJECTS['kk']}"})
    files = {FILES["parallel"]: writer.write(both, LANDSCAPE),
             FILES["ru"]: writer.write(documents["ru"], LANDSCAPE),
             FILES["kk"]: writer.write(documents["kk"], LANDSCAPE)}
    manifest = {"toolkit": {"name": "xbdocs", "version": __version__},
                "plan": {"file": plan_name, "sha256": digest},
                "answers": {"file": answers.source, "sha256": answers.digest},
                "files": [{"name": name, "sha256": hashlib.sha256(data).hexdigest()}
                          for name, data in files.items()]}
    files[output.MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2)
                              + "\n").encode()
    return files


SUBJECTS = {"ru": "План совместных мероприятий", "kk": "Бірлескен іс-шаралар жоспары"}


def specimen_view(answers: Answers, lang: str) -> dict[str, Any]:
    """The variables a plan template sees, for a plan of one event: for linting
    templates."""
    from xbdocs import catalogue

    text = {"ru": "—", "kk": "—"}
    plan = Plan.model_validate({
        "agreement": {"registry": 1}, "years": {"first": 2027, "last": 2028},
        "events": [{"area": "economy", "event": text, "when": "2027-Q2", "result": text}]},
        context={"catalogue": catalogue.load()})
    return view(plan, answers, lang, {"ru": "", "kk": ""})


# --- the plan as a browser's form (the department server) ---------------------------------

@dataclass(frozen=True)
class FormField:
    """One input of the plan's form, read off the models above (their titles, descriptions
    and JSON Schema), so the form has no list of fields or rules of its own: ``path`` is the
    key path in the plan file (``years.first``, ``approval.russian.post.ru``; an event's
    relative to the event: ``event.ru``); ``title``, ``part`` and ``hint`` are msgids;
    ``kind`` «number», «date», «catalogue» (``table`` names it) or «text»; ``long`` for
    a text of either language (a textarea)."""

    path: str
    title: str
    part: str
    hint: str
    kind: str
    table: str = ""
    long: bool = False
    required: bool = False
    #: The title of the section it is in (``Russian side``), a msgid; "" for an event's.
    section: str = ""


def form_fields(model: type[Model], prefix: str = "", skip: tuple[str, ...] = (),
                required: bool = True, section: str = "") -> list[FormField]:
    """The inputs of ``model`` (:class:`Plan` less ``skip``, or :class:`Event`), in the
    models' order: a section is walked into, a text in both languages is two inputs."""
    fields: list[FormField] = []
    for key, info in model.model_fields.items():
        if key in skip:
            continue
        path = f"{prefix}{key}"
        needed = required and info.is_required()
        inner = _section_of(info.annotation)
        if inner is BilingualAnswer:
            fields += [FormField(f"{path}.{lang}", info.title or key, part.title or lang,
                                 info.description or "", "text", long=True, required=needed,
                                 section=section)
                       for lang, part in BilingualAnswer.model_fields.items()]
        elif inner is not None:
            fields += form_fields(inner, f"{path}.", required=needed,
                                  section=info.title or key)
        else:
            schema = _json_schema_of(info)
            kind = ("catalogue" if schema.get(CATALOGUE_KEY) else
                    "number" if schema.get("type") == "integer" else
                    "date" if "pattern" in schema else "text")
            fields.append(FormField(path, info.title or key, "", info.description or "",
                                    kind, str(schema.get(CATALOGUE_KEY, "")),
                                    required=needed, section=section))
    return fields


def _section_of(annotation: Any) -> type[Model] | None:
    for kind in (annotation, *get_args(annotation)):
        if isinstance(kind, type) and issubclass(kind, Model):
            return kind
    return None


def _json_schema_of(info: Any) -> dict[str, Any]:
    found = list(info.metadata)
    for arg in get_args(info.annotation):
        found += list(getattr(arg, "__metadata__", ()))
    for item in found:
        if isinstance(item, WithJsonSchema) and isinstance(item.json_schema, dict):
            return item.json_schema
    return {}


def form_data(header: dict[str, str], events: list[dict[str, str]],
              agreement_id: int) -> dict[str, Any]:
    """The plan file's data from a form's inputs (``path`` → text as typed): a blank input
    is left out (the model says whether it is needed), a section left wholly blank too, a
    number typed as digits is a number (anything else stays text, for the model to refuse,
    as it would in the file). Read by :func:`loads`, as a file is."""
    data: dict[str, Any] = {"format": 1, "agreement": {"registry": agreement_id}}
    numbers = {f.path for f in form_fields(Plan, skip=FORM_SKIP) if f.kind == "number"}
    for path, text in header.items():
        _put(data, path, text, number=path in numbers)
    data["events"] = []
    for typed in events:
        event: dict[str, Any] = {}
        for path, text in typed.items():
            _put(event, path, text)
        data["events"].append(event)
    return data


#: What the form does not ask: the file's format and its agreement (the register's entry).
FORM_SKIP = ("format", "agreement", "events")


def _put(data: dict[str, Any], path: str, text: str, number: bool = False) -> None:
    text = text.strip()
    if not text:
        return
    *sections, key = path.split(".")
    for section in sections:
        data = data.setdefault(section, {})
    data[key] = int(text) if number and text.isdigit() and len(text) < 6 else text


def form_values(data: Any) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A plan file's data (as read, valid or not) as the form's inputs: the header's and
    each event's, by key path; a date as DD.MM.YYYY."""
    header = _flat(data if isinstance(data, dict) else {}, "", FORM_SKIP)
    events = data.get("events") if isinstance(data, dict) else None
    return header, [_flat(e, "", ()) for e in events if isinstance(e, dict)] \
        if isinstance(events, list) else []


def _flat(data: dict[str, Any], prefix: str, skip: tuple[str, ...]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        if str(key) in skip:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flat(value, f"{path}.", ()))
        elif isinstance(value, dt.date):
            flat[path] = value.strftime("%d.%m.%Y")
        elif value is not None and not isinstance(value, list):
            flat[path] = str(value)
    return flat
