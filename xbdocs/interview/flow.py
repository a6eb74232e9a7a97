"""The interview's questions: which field of the answers each one fills, in what order, and
when it is asked. Their texts, choices and validation come from the schema
(:mod:`xbdocs.schema`), so the interview checks an answer exactly as the answers file is
checked; this module adds the order, the conditions and the defaults a clerk expects, and
refuses a text plainly typed at the wrong question (:func:`_plausible`).

Answers arrive here as structured values (a list of area ids, a party id, a bool); how a
clerk types them («1 3 5-7», «да») is the business of the door that reads them
(:mod:`xbdocs.interview.terminal`), and what follows from an answer is the engine's
(:mod:`xbdocs.interview.engine`).

The state is the answers as a plain dict, the same shape as the YAML file, so a draft, the
written file and the schema all speak of the same keys.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from xbdocs import schema
from xbdocs.catalogue import Bilingual, Catalogue
from xbdocs.i18n import N_, Years, _, help_text
from xbdocs.interview import posts
from xbdocs.yamlread import check_text, describe, not_one_of

#: Common practice (domain.md §3): 5 years, renewed for 5, notice 6 months before expiry.
COMMON_TERM = {"years": 5, "renewal": True, "renewal_years": 5, "notice_months": 6}
#: Acts a signatory commonly acts on, by side.
DEFAULT_ACT = {"russian": "charter", "kazakh": "kz-local-government-law"}


class Invalid(ValueError):
    """An answer that cannot be taken; the message says why and what is expected."""


@dataclass
class Session:
    """What has been answered so far."""

    values: dict[str, Any]
    stage: str
    cat: Catalogue
    #: Ids of the questions answered, in the order they were answered.
    done: list[str] = field(default_factory=list)
    #: Facts of the interview itself, not of the answers (a party described by hand …).
    notes: dict[str, Any] = field(default_factory=dict)

    def get(self, path: str, default: Any = None) -> Any:
        node: Any = self.values
        for part in path.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def put(self, path: str, value: Any) -> None:
        """Set a value; an empty one removes the key, and sections left empty with it."""
        parts = path.split(".")
        nodes = [self.values]
        for part in parts[:-1]:
            if not isinstance(nodes[-1].get(part), dict):  # absent, or a damaged draft's
                nodes[-1][part] = {}
            nodes.append(nodes[-1][part])
        if value is None or value == [] or value == "":
            nodes[-1].pop(parts[-1], None)
            for depth in range(len(parts) - 1, 0, -1):
                if nodes[depth]:
                    break
                nodes[depth - 1].pop(parts[depth - 1], None)
        else:
            nodes[-1][parts[-1]] = value

    def paperwork(self, *stages: str) -> bool:
        """The chosen stage needs the paperwork of one of ``stages``."""
        return self.stage in (*stages, "all")


@dataclass(frozen=True)
class Question:
    id: str
    #: The key path it fills; its title in the schema is the question's text.
    path: str
    #: choice | party | text | optional-text | date | yes-no | number | identifier | areas |
    #: own-items | lines | preview | term
    kind: str
    when: Callable[[Session], bool] = lambda session: True
    default: Callable[[Session], Any] | None = None
    #: Questions whose answers this one depends on: changed, they ask this one again.
    after: tuple[str, ...] = ()
    #: The text when the schema's title is not the whole question.
    text: str | None = None
    #: Whether an answer already there is offered again when the question is asked again
    #: (None: always): a Kazakh post offered for the Russian one is not, once the Russian
    #: post was changed.
    keeps: Callable[[Session, Any], bool] | None = None


def _side(side: str) -> str:
    return f"parties.{side}"


def _manual(side: str) -> Callable[[Session], bool]:
    return lambda s: bool(s.notes.get(f"manual.{side}"))


def _party_questions(side: str) -> list[Question]:
    base, who = _side(side), f"{side}-party"
    signatory = f"{base}.signatory"
    manual = _manual(side)
    identifiers = ("inn", "ogrn") if side == "russian" else ("bin",)
    return [
        Question(who, f"{base}.catalogue", "party", after=("track",),
                 text=N_("The Russian party") if side == "russian" else N_("The Kazakh party")),
        Question(f"{side}-name-ru", f"{base}.name.ru", "text", manual, after=(who,)),
        Question(f"{side}-name-kk", f"{base}.name.kk", "text", manual, after=(who,)),
        Question(f"{side}-region", f"{base}.region", "choice", manual, after=(who,)),
        Question(f"{side}-level", f"{base}.level", "choice",
                 lambda s: manual(s) and s.get("track") == "municipal", after=(who, "track")),
        # INN and BIN go on the register card; the OGRN only into the paperwork.
        *[Question(f"{side}-{key}", f"{base}.{key}", "identifier",
                   (lambda s: True) if key != "ogrn" else
                   (lambda s: s.paperwork("approval", "registration")), after=(who,))
          for key in identifiers],
        # The sender's reference details on the letters.
        *[Question(f"{side}-{key}", f"{base}.{key}", "optional-text",
                   lambda s: side == "russian" and s.paperwork("approval", "registration"),
                   after=(who,)) for key in ("phone", "email")],
        Question(f"{side}-signatory-ru", f"{signatory}.name.ru", "text", after=(who,)),
        Question(f"{side}-signatory-kk", f"{signatory}.name.kk", "text",
                 lambda s: side == "kazakh", after=(f"{side}-signatory-ru",),
                 default=lambda s: s.get(f"{signatory}.name.ru")),
        Question(f"{side}-gender", f"{signatory}.gender", "choice",
                 lambda s: gender_from_name(s.get(f"{signatory}.name.kk") or
                                            s.get(f"{signatory}.name.ru") or "") is None,
                 after=(f"{side}-signatory-ru", f"{side}-signatory-kk")),
        Question(f"{side}-post-ru", f"{signatory}.position.ru", "text", after=(who,),
                 default=lambda s: _post_offered(s, side, "ru")),
        Question(f"{side}-post-kk", f"{signatory}.position.kk", "text",
                 after=(who, f"{side}-post-ru"),
                 default=lambda s: _post_offered(s, side, "kk"),
                 keeps=lambda s, value: not _post_contradicted(s, side, value)),
        Question(f"{side}-acts-on", f"{signatory}.acts_on", "choice", after=(who,),
                 default=lambda s: DEFAULT_ACT[side]),
        Question(f"{side}-preview", signatory, "preview",
                 after=(f"{side}-signatory-ru", f"{side}-signatory-kk", f"{side}-gender",
                        f"{side}-post-ru", f"{side}-acts-on"),
                 text=N_("In the agreement this will read")),
    ]


def _filing(*stages: str) -> Callable[[Session], bool]:
    return lambda s: s.paperwork(*stages)


QUESTIONS: list[Question] = [
    Question("track", "track", "choice"),
    *_party_questions("russian"),
    *_party_questions("kazakh"),
    Question("areas", "areas", "areas"),
    Question("custom-areas", "custom_areas", "own-items"),
    Question("forms", "cooperation_forms", "areas"),
    Question("custom-forms", "custom_cooperation_forms", "own-items"),
    Question("coordination", "coordination.mode", "choice",
             default=lambda s: "working-group"),
    Question("russian-unit-ru", "coordination.russian_unit.ru", "text",
             lambda s: s.get("coordination.mode") == "coordinators", after=("coordination",)),
    Question("russian-unit-kk", "coordination.russian_unit.kk", "text",
             lambda s: s.get("coordination.mode") == "coordinators", after=("coordination",)),
    Question("kazakh-unit-ru", "coordination.kazakh_unit.ru", "text",
             lambda s: s.get("coordination.mode") == "coordinators", after=("coordination",)),
    Question("kazakh-unit-kk", "coordination.kazakh_unit.kk", "text",
             lambda s: s.get("coordination.mode") == "coordinators", after=("coordination",)),
    Question("plan-years", "coordination.plan_years", "number", default=lambda s: 2),
    Question("term", "term", "term",
             text=N_("Term: 5 years, renewed automatically for 5 years, notice 6 months "
                     "before the end — as is common. Take these?")),
    Question("term-years", "term.years", "number", lambda s: s.notes.get("term.own"),
             after=("term",), default=lambda s: 5),
    Question("term-renewal", "term.renewal", "yes-no", lambda s: s.notes.get("term.own"),
             after=("term",), default=lambda s: True),
    Question("term-renewal-years", "term.renewal_years", "number",
             lambda s: s.notes.get("term.own") and s.get("term.renewal"),
             after=("term", "term-renewal"), default=lambda s: s.get("term.years")),
    Question("term-notice", "term.notice_months", "number", lambda s: s.notes.get("term.own"),
             after=("term",), default=lambda s: 6),
    Question("entry", "entry_into_force", "choice", lambda s: s.get("track") == "regional",
             after=("track",), default=lambda s: "signing"),
    Question("signing-date", "signing.date", "date"),
    Question("signing-place-ru", "signing.place.ru", "optional-text"),
    Question("signing-place-kk", "signing.place.kk", "text",
             lambda s: bool(s.get("signing.place.ru")), after=("signing-place-ru",),
             default=lambda s: s.get("signing.place.ru")),
    Question("signing-place-kind", "signing.place_kind", "choice",
             lambda s: bool(s.get("signing.place.ru")), after=("signing-place-ru",),
             default=lambda s: "city"),
    Question("executor-name", "filing.executor.name", "text",
             _filing("approval", "registration")),
    Question("executor-phone", "filing.executor.phone", "text",
             _filing("approval", "registration")),
    Question("negotiations", "filing.negotiations_date", "date", _filing("approval")),
    Question("notice-number", "filing.notice.number", "optional-text", _filing("approval")),
    Question("notice-date", "filing.notice.date", "date", _filing("approval")),
    Question("request-number", "filing.approval_request.number", "optional-text",
             _filing("approval")),
    Question("request-date", "filing.approval_request.date", "date", _filing("approval")),
    Question("purpose", "filing.purpose", "optional-text", _filing("approval")),
    Question("results", "filing.expected_results", "lines", _filing("approval")),
    Question("financing", "filing.financing", "optional-text", _filing("approval"),
             default=lambda s: _in_russian(N_("No additional spending from the budget is "
                                              "required."))),
    Question("approval-document", "filing.approval.document", "text",
             _filing("registration"),
             default=lambda s: _approval_document(s)),
    Question("approval-number", "filing.approval.number", "text", _filing("registration")),
    Question("approval-date", "filing.approval.date", "date", _filing("registration")),
    Question("application-number", "filing.registration_application.number", "optional-text",
             _filing("registration")),
    Question("application-date", "filing.registration_application.date", "date",
             _filing("registration")),
]
BY_ID = {question.id: question for question in QUESTIONS}


@dataclass(frozen=True)
class Section:
    """A page of the interview in a browser: questions asked together. Every question is on
    exactly one page (tests/test_interview_pages.py), so the pages ask what the terminal
    asks, in the same order."""

    id: str
    title: str
    questions: tuple[str, ...]


def _ids(prefix: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{prefix}-{name}" for name in names)


SECTIONS: list[Section] = [
    Section("agreement", N_("The agreement and what to build"), ("track",)),
    Section("russian", N_("The Russian party"),
            _ids("russian", "party", "name-ru", "name-kk", "region", "level", "inn", "ogrn",
                 "phone", "email")),
    Section("kazakh", N_("The Kazakh party"),
            _ids("kazakh", "party", "name-ru", "name-kk", "region", "level", "bin", "phone",
                 "email")),
    Section("signatories", N_("Signatories"),
            _ids("russian", "signatory-ru", "signatory-kk", "gender", "post-ru", "post-kk",
                 "acts-on", "preview") +
            _ids("kazakh", "signatory-ru", "signatory-kk", "gender", "post-ru", "post-kk",
                 "acts-on", "preview")),
    Section("areas", N_("Areas and forms of cooperation"),
            ("areas", "custom-areas", "forms", "custom-forms", "coordination",
             "russian-unit-ru", "russian-unit-kk", "kazakh-unit-ru", "kazakh-unit-kk",
             "plan-years")),
    Section("term", N_("Term and entry into force"),
            ("term", "term-years", "term-renewal", "term-renewal-years", "term-notice",
             "entry")),
    Section("signing", N_("Signing"),
            ("signing-date", "signing-place-ru", "signing-place-kk", "signing-place-kind")),
    Section("filing", N_("Filing details"),
            ("executor-name", "executor-phone", "negotiations", "notice-number",
             "notice-date", "request-number", "request-date", "purpose", "results",
             "financing", "approval-document", "approval-number", "approval-date",
             "application-number", "application-date")),
]
SECTION_BY_ID = {section.id: section for section in SECTIONS}
#: The page each question is on.
SECTION_OF = {question: section.id for section in SECTIONS for question in section.questions}
#: Fields of the answers the interview does not ask: defaults a clerk rarely changes, kept
#: editable in the written file. A test checks that every field of the schema is asked or
#: named here, so a new field cannot be forgotten.
NOT_ASKED = {
    "format": N_("always 1"),
    "subject": N_("the default wording «приграничном» is used"),
    "copies": N_("2 originals, as is usual"),
    "forms": N_("given in the preview when a form is wrong"),
    "parties.russian.address": N_("from the catalogue, or added in the file"),
    "parties.kazakh.address": N_("from the catalogue, or added in the file"),
    "parties.russian.country": N_("given by the side"),
    "parties.kazakh.country": N_("given by the side"),
    "parties.kazakh.level": N_("asked only on the municipal track"),
    "parties.russian.bin": N_("a Russian party has none"),
    "parties.kazakh.inn": N_("a Kazakh party has none"),
    "parties.kazakh.ogrn": N_("a Kazakh party has none"),
    "parties.kazakh.phone": N_("the Kazakh party writes no letters here"),
    "parties.kazakh.email": N_("the Kazakh party writes no letters here"),
    "parties.kazakh.approved_by": N_("rarely needed: added in the file where the Kazakh "
                                     "side's practice asks for it"),
    "parties.russian.approved_by": N_("a Russian party's approval is the region's procedure"),
}


def _in_russian(message: str) -> str:
    """A default that goes into a Russian document (the explanatory note): Russian in
    whatever language the interview speaks."""
    from xbdocs import i18n

    with i18n.language("ru"):
        return _(message)


def _approval_document(session: Session) -> str:
    region = session.get("parties.russian.catalogue")
    known = session.cat.parties.get(region or "")
    region_id = known.region if known else session.get("parties.russian.region")
    entry = session.cat.regions.get(region_id or "")
    if entry:
        from xbdocs.lang import ru

        return f"распоряжение Правительства {ru.inflect_phrase(entry.name.ru, 'genitive').text}"
    return ""


def _usual_post(session: Session, side: str) -> posts.Post | None:
    """The usual post of the signatory of the party of ``side`` (data/posts.yaml): from the
    catalogue party's name and kind on the day of signing when it is answered (an edited
    agreement of 2012 keeps the name of its day), else today's; from the name the clerk
    typed for a party described by hand."""
    base, cat = f"parties.{side}", session.cat
    country = "RU" if side == "russian" else "KZ"
    known = cat.parties.get(session.get(f"{base}.catalogue") or "")
    if known is not None:
        day = _signing_day(session)
        former = known.former_on(day)
        party = posts.Party(known.country, (former.region if former else None) or known.region,
                            known.level, known.kind_on(day), known.name_on(day))
    else:
        name = session.get(f"{base}.name")
        if not _manual(side)(session) or not isinstance(name, dict) or \
                not all(isinstance(name.get(lang), str) for lang in ("ru", "kk")):
            return None
        party = posts.Party(country, session.get(f"{base}.region"), session.get(f"{base}.level"),
                            None, Bilingual(name["ru"], name["kk"]))
    if party.country == "RU" and party.level == "district" and party.kind is None:
        party = replace(party, kind="municipal-district")  # as the agreement takes it
    return posts.usual(party, cat)


def _signing_day(session: Session) -> dt.date | None:
    day = session.get("signing.date")
    if isinstance(day, dt.date):
        return day
    try:
        return dt.date.fromisoformat(day) if isinstance(day, str) else None
    except ValueError:
        return None


def _same(one: str, other: str) -> bool:
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _post_offered(session: Session, side: str, lang: str) -> str | None:
    """The usual post in ``lang``; the Kazakh one only while the Russian post is not
    answered or is the usual one — a Russian post written otherwise needs its own Kazakh."""
    usual = _usual_post(session, side)
    if usual is None:
        return None
    if lang == "ru":
        return usual.ru
    russian = session.get(f"parties.{side}.signatory.position.ru")
    return usual.kk if not russian or _same(str(russian), usual.ru) else None


def _post_contradicted(session: Session, side: str, kazakh: Any) -> bool:
    """The Kazakh post is the one offered for the usual Russian post, and the Russian post
    now reads otherwise."""
    usual = _usual_post(session, side)
    russian = session.get(f"parties.{side}.signatory.position.ru")
    return (usual is not None and usual.kk is not None and isinstance(kazakh, str)
            and _same(kazakh, usual.kk) and bool(russian) and not _same(str(russian), usual.ru))


# --- asking ------------------------------------------------------------------------------------


def pending(session: Session) -> Question | None:
    """The next question to ask, or None when everything the stage needs is answered."""
    for question in QUESTIONS:
        if question.id not in session.done and question.when(session):
            return question
    return None


def forget(session: Session, question_id: str) -> list[str]:
    """Forget an answer and every answer that depends on it; return the ids forgotten."""
    forgotten = dependants(question_id, session.done)
    session.done = [q for q in session.done if q not in forgotten]
    return forgotten


def title(question: Question) -> str:
    """The question's text in the interface language."""
    base, part = _title_parts(question)
    return f"{base} — {part}" if part else base


def _title_parts(question: Question) -> tuple[str, str]:
    """The field's title, and «in Russian»/«in Kazakh» for a part of a bilingual field."""
    if question.text:
        return help_text(question.text), ""
    path = question.path
    if path.endswith((".ru", ".kk")):
        parent = schema.field_at(path.rsplit(".", 1)[0])
        part = _("in Russian") if path.endswith(".ru") else _("in Kazakh")
        return help_text(parent.title or path), part
    return help_text(schema.field_at(path).title or path), ""


def label(question: Question) -> str:
    """The question's text shortened for the review: what it asked, not how."""
    base, part = _title_parts(question)
    base = re.sub(r"\s*\([^)]*\)", "", base)
    for mark in (":", "?"):
        base = base.split(mark)[0]
    return f"{base.strip()} — {part}" if part else base.strip()


def hint(question: Question) -> str:
    """What the field a question fills is, from the schema's description; "" for a part
    of a bilingual field or a question with a text of its own."""
    if question.text or question.path.endswith((".ru", ".kk")):
        return ""
    try:
        description = schema.field_at(question.path).description
    except (KeyError, AttributeError):
        return ""
    return help_text(description) if description else ""


_SIGNATORIES = {"russian": N_("The Russian party's signatory"),
                "kazakh": N_("The Kazakh party's signatory")}


def group(question: Question) -> str:
    """The heading a page puts over the question with its neighbours ("" for none): the
    side a signatory signs for, the letter a number and a date are of."""
    parts = question.path.split(".")
    if parts[0] == "parties" and len(parts) > 2 and parts[2] == "signatory":
        return _(_SIGNATORIES[parts[1]])
    if parts[0] == "filing" and len(parts) == 3:
        description = schema.field_at(".".join(parts[:2])).description
        return help_text(description).rstrip(".") if description else ""
    return ""


def _local(text: Any) -> str:
    """A catalogue text in the interface language (Kazakh or Russian)."""
    from xbdocs.i18n import current_language

    return text.kk if current_language() == "kk" else text.ru


def choices(question: Question, session: Session) -> list[tuple[str, str]]:
    """(value, label) of each choice, in the order shown."""
    cat = session.cat
    if question.kind == "party":
        return party_choices(question.path.split(".")[1], session)
    if question.path.endswith(".region"):
        country = "RU" if ".russian." in question.path else "KZ"
        return [(r.id, _local(r.name)) for r in cat.regions.values()
                if r.country == country and r.border]
    if question.path.endswith(".level"):
        return [(value, _(schema.LABELS[value])) for value in ("district", "city")]
    if question.path.endswith("acts_on"):
        side = question.path.split(".")[1]
        return [(code, _local(entry.label)) for code, entry in cat.acts.items()
                if _act_fits(code, side)]
    if question.kind == "areas":
        table = cat.areas if question.path == "areas" else cat.cooperation_forms
        return [(code, _local(entry.label)) for code, entry in table.items()]
    options = schema.choices_at(question.path, cat)
    if question.path == "entry_into_force":
        options = [o for o in options if o != "registration"]
    return [(value, help_text(schema.LABELS.get(value, value))) for value in options]


def _act_fits(code: str, side: str) -> bool:
    """Whether a signatory of ``side`` can act on the act: a country's own law (its code
    starts «kz-» or «ru-») only for that country's side."""
    own = {"russian": "ru-", "kazakh": "kz-"}[side]
    return not code.startswith(("ru-", "kz-")) or code.startswith(own)


def party_choices(side: str, session: Session) -> list[tuple[str, str]]:
    """Catalogue parties of the side that fit the track; the Kazakh list starts with the
    Russian party's neighbours."""
    cat = session.cat
    country = "RU" if side == "russian" else "KZ"
    track = session.get("track")
    found = [p for p in cat.parties.values() if p.country == country and not p.valid_until
             and (track != "municipal" or p.level in ("district", "city"))
             and (track != "regional" or p.level == "regional")]
    if side == "kazakh":
        near = neighbours(session)
        found.sort(key=lambda p: (p.id not in near, p.name.ru))
    else:
        found.sort(key=lambda p: p.name.ru)
    return [(p.id, _local(p.name)) for p in found]


def neighbours(session: Session) -> set[str]:
    """The Kazakh parties across the border from the Russian party: its own list when the
    catalogue (or the department, xbdocs facts) gives one, else every party of the Kazakh
    regions next to its region."""
    cat = session.cat
    russian = cat.parties.get(session.get("parties.russian.catalogue") or "")
    if russian is not None and russian.neighbours:
        return set(russian.neighbours)
    region = russian.region if russian else session.get("parties.russian.region")
    entry = cat.regions.get(region or "")
    near = set(getattr(entry, "neighbours", ()) or ())
    return {p.id for p in cat.parties.values() if p.region in near}


_PATRONYMIC = (
    (re.compile(r"(ович|евич|ич|ұлы|улы|оглы)$", re.I), "male"),
    (re.compile(r"(овна|евна|ична|инична|қызы|кызы|гызы)$", re.I), "female"),
)


def gender_from_name(full_name: str) -> str | None:
    """male or female from the patronymic (-ович, -овна, -ұлы, -қызы), or None if it does
    not tell."""
    words = full_name.split()
    for word in reversed(words[1:]):
        for pattern, gender in _PATRONYMIC:
            if pattern.search(word):
                return gender
    return None


# --- taking an answer --------------------------------------------------------------------------

#: Kinds a front end may leave empty: the answer is then None (or an empty list).
OPTIONAL_KINDS = ("optional-text", "date", "identifier", "own-items", "lines")


def default(question: Question, session: Session) -> Any:
    """The value offered before the clerk answers: what is already there (a draft, a file
    being edited, an answer being changed), else the common choice; None when there is
    nothing to offer. An empty text is no offer: taking it would leave a required field
    blank."""
    current = session.get(question.path)
    if question.kind == "term":  # the common term, unless a term of one's own is answered
        return current is None or not session.notes.get("term.own", False)
    if question.kind == "preview":
        return None
    if question.kind == "party":
        return current
    if current is not None and question.keeps is not None and \
            question.id not in session.done and not question.keeps(session, current):
        current = None
    if current is None and question.default is not None:
        current = question.default(session)
    return None if current == "" else current


class _Unanswered:
    """What a door passes for a question left blank in a form (no choice ticked): an empty
    answer where one may be empty, else «an answer is needed here»."""

    def __repr__(self) -> str:
        return "UNANSWERED"


UNANSWERED: Any = _Unanswered()


def validate(question: Question, value: Any, session: Session) -> Any:
    """The value of a structured answer (a value id, a list of ids, a bool, an int, an ISO
    date, a text, a list of items), checked as the answers file checks it; :class:`Invalid`
    with the reason otherwise. Front ends parse their own syntax into these values, so the
    rules of the answers are kept in one place whatever the door."""
    kind = question.kind
    if value is UNANSWERED:
        if kind not in OPTIONAL_KINDS:
            raise Invalid(_("an answer is needed here"))
        value = None
    if kind in OPTIONAL_KINDS and value in (None, "", []):
        return [] if kind in ("own-items", "lines") else None
    if kind == "choice":
        return _one_of(value, [v for v, _label in choices(question, session)])
    if kind == "party":
        return None if value is None else _party(question, value, session)
    if kind == "areas":
        return _many(value, [v for v, _label in choices(question, session)])
    if kind in ("yes-no", "term"):
        if not isinstance(value, bool):
            raise Invalid(_("expected yes or no (true/false), got {got}").format(
                got=describe(value)))
        return value
    if kind == "date":
        return schema_value(question.path, value, session).isoformat()
    if kind == "identifier":
        return _identifier(question, value, session)
    if kind == "own-items":
        return [_item(item) for item in _list(value)]
    if kind == "lines":
        return schema_value(question.path, _list(value), session)
    checked = schema_value(question.path, value, session)
    if isinstance(checked, str) and checked:
        _plausible(question.path, checked, session)
    return checked


#: Fields of a person's full name: surname, name, patronymic.
_PERSON = ("signatory.name.ru", "signatory.name.kk", "executor.name")
#: Fields that are words (a body, a post, a unit, a place): never a line of signs alone.
_WORDS = (".name.ru", ".name.kk", ".position.ru", ".position.kk", "_unit.ru", "_unit.kk",
          ".place.ru", ".place.kk", "approval.document", "purpose")
#: Kazakh fields that cannot read as the Russian one does (a post, a unit, a body's name:
#: Kazakh grammar puts their words otherwise). A person's or a place's name can.
_NOT_RUSSIAN = (".position.kk", "_unit.kk", "russian.name.kk", "kazakh.name.kk")
#: Words of a name written lower case: the patronymic's «son of», «daughter of».
_NAME_PARTICLES = frozenset({"оглы", "кызы", "улы", "ұлы", "қызы", "гызы", "уулу"})
_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")


def _plausible(path: str, text: str, session: Session) -> None:
    """Refuse what is plainly not the answer (a text typed at the wrong question): a
    person's name that is not words with capitals («Развитие связей.»), a post or a body's
    name with no letters («?»), a Kazakh post or unit that is the Russian text again."""
    if path.endswith(_PERSON):
        words = text.split()
        capitals = [w for w in words if w[:1].isupper()]
        if len(capitals) < 2 or not all(
                (_NAME_WORD.fullmatch(w) and (w[:1].isupper() or w.lower() in _NAME_PARTICLES))
                or _INITIALS.fullmatch(w) for w in words):
            raise Invalid(_("«{text}» does not read as a person's full name: surname, name "
                            "and patronymic, each with a capital letter").format(text=text))
    elif path.endswith(_WORDS) and not any(char.isalpha() for char in text):
        raise Invalid(_("«{text}» has no letters: words are expected here").format(text=text))
    if path.endswith(_NOT_RUSSIAN):
        russian = session.get(path[:-3] + ".ru")
        if isinstance(russian, str) and russian.strip().casefold() == text.casefold():
            raise Invalid(_("«{text}» is the Russian text again; the Kazakh one is needed "
                            "here").format(text=text))


def _one_of(value: Any, options: list[str]) -> str:
    message = not_one_of(value, options)
    if message:
        raise Invalid(message)
    return value


def _party(question: Question, value: Any, session: Session) -> str:
    """A catalogue party of the question's side: one of the listed, or another of the same
    country (an answers file being edited may name one the list leaves out, such as a body
    renamed since; the checks then say what is wrong with it)."""
    side = question.path.split(".")[1]
    party = session.cat.parties.get(value) if isinstance(value, str) else None
    if party is None or party.country != ("RU" if side == "russian" else "KZ"):
        return _one_of(value, [v for v, _label in choices(question, session)])
    return value


def _many(value: Any, options: list[str]) -> list[str]:
    picked: list[str] = []
    for item in _list(value):
        if _one_of(item, options) not in picked:
            picked.append(item)
    if not picked:
        raise Invalid(_("choose at least one"))
    return picked


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise Invalid(_("expected a list, got {got}").format(got=describe(value)))
    return list(value)


def _item(item: Any) -> dict[str, str]:
    """One item of one's own: its wording in both languages."""
    if not isinstance(item, dict) or set(item) != {"ru", "kk"}:
        raise Invalid(_("expected an item worded in Russian (ru) and in Kazakh (kk), got "
                        "{got}").format(got=describe(item)))
    checked = {}
    for lang in ("ru", "kk"):
        text, message = check_text(item[lang])
        if message or not text:
            raise Invalid(message or _("an answer is needed here"))
        checked[lang] = text
    return checked


def _identifier(question: Question, value: Any, session: Session) -> str:
    value = schema_value(question.path, value, session)
    from xbdocs.checks import IDENTIFIER_CHECKS

    label, valid = IDENTIFIER_CHECKS[question.path.rsplit(".", 1)[-1]]
    if not valid(value):
        raise Invalid(_("{label} {value} fails its check digit").format(
            label=_(label), value=value))
    return value


def schema_value(path: str, value: Any, session: Session) -> Any:
    """``value`` checked as the answers file checks the field at ``path``."""
    try:
        return schema.check_value(path, value, session.cat)
    except ValueError as exc:
        raise Invalid(str(exc)) from None


def dependants(question_id: str, done: list[str]) -> list[str]:
    """The question and every answered one that depends on it, directly or through
    another: what changing its answer asks again."""
    found = [question_id]
    for question in QUESTIONS:
        if any(dep in found for dep in question.after) and question.id in done:
            found.append(question.id)
    return found


def answered(session: Session) -> list[Question]:
    """The questions answered that still apply, in the interview's order."""
    return [q for q in QUESTIONS if q.id in session.done and q.when(session)]


def shown(question: Question, session: Session) -> str:
    """The answer as the review screen shows it."""
    value = session.get(question.path)
    if question.kind == "preview":
        return _("accepted")
    if question.kind == "term":
        term = session.get("term")
        term = term if isinstance(term, dict) else {}
        renewal = term.get("renewal_years")
        return _("{years}, renewal: {renewal}, notice {months} months before").format(
            years=Years(term.get("years")), renewal=Years(renewal) if renewal else _("off"),
            months=term.get("notice_months"))
    if question.kind == "party" and value is None and session.notes.get(
            f"manual.{question.path.split('.')[1]}"):
        return _("described by hand")
    labels = dict(choices(question, session)) if question.kind in (
        "choice", "party", "areas") else {}
    if isinstance(value, list):
        if question.kind == "own-items":
            return "; ".join(item.get("ru", "") for item in value) or "—"
        return "; ".join(labels.get(v, str(v)) for v in value) or "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if question.kind == "date" and isinstance(value, str):
        return ".".join(reversed(value.split("-")))
    if value is None or value == "":
        return "—"
    return labels.get(value, str(value))
