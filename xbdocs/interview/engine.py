"""The interview as an engine any front end drives: it says what to ask next (the question,
its choices, its default, a preview), takes structured answers, and keeps the state — so
the terminal and the browser only render it and parse their own input syntax.

One :class:`Interview` per clerk's interview. It holds no process-wide state: its messages
come out in its own interface language (:func:`xbdocs.i18n.language` around each call), so
two interviews in one process, or one per request on a server, each speak their own; and
it keeps its draft through a :class:`~xbdocs.interview.store.DraftStore` by an id, so a
request can pick the interview up where the last one left it (:meth:`Interview.resume`).

    interview = Interview.start("agreement", "ru")
    while (asked := interview.next_question()) is not None:
        problems = interview.answer(asked.id, value_for(asked))   # [] when taken
    for item in interview.review(): ...
    for fault in interview.problems(): ...                         # what `xbdocs check` says
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from xbdocs import i18n
from xbdocs.errors import InputError
from xbdocs.findings import Finding
from xbdocs.i18n import _, help_text
from xbdocs.interview import flow
from xbdocs.interview.flow import Invalid, Question, Session
from xbdocs.interview.store import Draft, DraftStore
from xbdocs.memo import Memo
from xbdocs.stages import STAGES
from xbdocs.yamlread import describe

if TYPE_CHECKING:  # imported when first used, so that starting an interview stays cheap
    from xbdocs.answers import Answers
    from xbdocs.catalogue import Catalogue
    from xbdocs.profile import Profile

_Method = TypeVar("_Method", bound=Callable[..., Any])


@dataclass(frozen=True)
class Preview:
    """How the agreement names a party and its signatory, from the template itself."""

    #: The part of the Russian preamble about the party, as the agreement will print it.
    text: str
    #: Case forms the language engine is not sure of (messages), and anything that keeps
    #: the agreement from being rendered yet.
    doubts: list[str]
    #: The signatory's name, post and gender as answered: what a form can be given for.
    name: str
    post: str
    gender: str


@dataclass(frozen=True)
class Asked:
    """A question as a front end renders it, all text in the interview's language."""

    id: str
    #: Its number in this interview (the answers given so far, plus one).
    number: int
    text: str
    #: choice | party | text | optional-text | date | yes-no | number | identifier | areas |
    #: own-items | lines | preview | term — what :meth:`Interview.answer` takes for each is
    #: in :func:`xbdocs.interview.flow.validate`.
    kind: str
    #: (value, label) of each choice; for a party, None (not in the list) is taken too.
    choices: list[tuple[str, str]]
    #: The value offered (taken as it is when the clerk accepts it), or None.
    default: Any
    #: An empty answer (None, or [] for a list) is taken.
    optional: bool
    #: The key path of the answers it fills.
    path: str
    #: For a preview question: what the agreement will say.
    preview: Preview | None = None
    #: The question shortened to a form field's label (no terminal hints).
    label: str = ""
    #: What the field is, from the schema's description ("" when it has none).
    hint: str = ""
    #: Choices marked as fitting best (the Kazakh parties bordering the Russian district).
    marked: frozenset[str] = frozenset()
    #: The heading of the questions asked together with it on a page ("" for none).
    group: str = ""


@dataclass(frozen=True)
class ReviewItem:
    number: int
    question_id: str
    #: What was asked, shortened.
    label: str
    #: The answer as a person reads it.
    shown: str
    #: The questions :meth:`Interview.change` of this one asks again: itself first, then
    #: every answer that depends on it.
    reasks: list[str]


@dataclass(frozen=True)
class Fault:
    """A finding of the checks (or a problem of the answers' form) and the question whose
    answer it concerns, to be asked again; None when no one question is at fault."""

    finding: Finding
    question_id: str | None

    @property
    def severity(self) -> str:
        return self.finding.severity

    @property
    def path(self) -> str:
        return self.finding.path

    @property
    def message(self) -> str:
        return self.finding.text


@dataclass(frozen=True)
class SectionState:
    """A page of the interview as a progress line shows it."""

    id: str
    #: 1 for the first page, counting the pages that ask nothing too (their number stays).
    number: int
    title: str
    #: It asks something for this agreement and stage.
    applies: bool
    #: All it asks is answered.
    complete: bool


#: Each question's place in the interview: a page takes its answers in this order.
_ORDER = {question.id: index for index, question in enumerate(flow.QUESTIONS)}


def _hint(question: Question) -> str:
    """The schema's description as a field's hint, unless it only says the label again."""
    hint = flow.hint(question)
    return "" if hint.rstrip(" .").lower() == flow.label(question).lower() else hint


def _speaking(method: _Method) -> _Method:
    """Run a method with messages in the interview's own language, and the caller's after."""
    @functools.wraps(method)
    def run(self: Interview, *args: Any, **kwargs: Any) -> Any:
        with i18n.language(self.ui_lang):
            return method(self, *args, **kwargs)
    return run  # type: ignore[return-value]


class Interview:
    """One interview: its answers so far and what follows from each.

    Every change is saved to ``drafts`` under ``draft_id`` when both are given."""

    def __init__(self, session: Session, ui_lang: str, *, today: dt.date | None = None,
                 profile: Profile | None = None, drafts: DraftStore | None = None,
                 draft_id: str | None = None) -> None:
        if ui_lang not in i18n.UI_LANGUAGES:
            raise ValueError(f"interface language {ui_lang!r}: not one of {i18n.UI_LANGUAGES}")
        if session.stage not in STAGES:
            raise ValueError(f"stage {session.stage!r}: not one of {STAGES}")
        self.session = session
        self.ui_lang = ui_lang
        self.today = today or dt.date.today()
        self.profile = profile
        self.drafts, self.draft_id = drafts, draft_id

    @classmethod
    def start(cls, stage: str, ui_lang: str, values: dict[str, Any] | None = None, *,
              cat: Catalogue | None = None, today: dt.date | None = None,
              profile: Profile | None = None, drafts: DraftStore | None = None,
              draft_id: str | None = None) -> Interview:
        """A new interview; ``values`` (answers to edit, in the answers file's shape) are
        offered as the defaults of their questions, each still asked."""
        if values is not None and not isinstance(values, dict):
            raise ValueError("values: expected the answers as a dict")
        from xbdocs import catalogue

        session = Session(copy.deepcopy(values or {}), stage, cat or catalogue.load())
        return cls(session, ui_lang, today=today, profile=profile, drafts=drafts,
                   draft_id=draft_id)

    @classmethod
    def resume(cls, drafts: DraftStore, draft_id: str, ui_lang: str, *,
               cat: Catalogue | None = None, today: dt.date | None = None,
               profile: Profile | None = None) -> Interview:
        """The interview saved under ``draft_id``; an XbdocsError (in ``ui_lang``) when
        there is none or it is damaged."""
        from xbdocs import catalogue

        with i18n.language(ui_lang):
            draft = drafts.load(draft_id)
        return cls(draft.session(cat or catalogue.load()), ui_lang, today=today,
                   profile=profile, drafts=drafts, draft_id=draft_id)

    # --- state --------------------------------------------------------------------------

    @property
    def stage(self) -> str:
        return self.session.stage

    @property
    def values(self) -> dict[str, Any]:
        """The answers so far, in the answers file's shape (a copy)."""
        return copy.deepcopy(self.session.values)

    @property
    def answered(self) -> list[str]:
        """Ids of the questions answered, in the order they were answered."""
        return list(self.session.done)

    def save(self) -> None:
        """Keep the interview in its store (done after every change already)."""
        if self.drafts is not None and self.draft_id is not None:
            self.drafts.save(self.draft_id, Draft.of(self.session))

    def discard(self) -> None:
        """Forget the saved draft: the answers are written, or the clerk starts again."""
        if self.drafts is not None and self.draft_id is not None:
            self.drafts.delete(self.draft_id)

    # --- asking ------------------------------------------------------------------------

    @_speaking
    def next_question(self) -> Asked | None:
        """The question to ask now, or None when everything the stage needs is answered
        (then :meth:`review` and :meth:`problems`)."""
        question = flow.pending(self.session)
        return None if question is None else self._asked(question)

    def _asked(self, question: Question, previews: bool = True) -> Asked:
        kind = question.kind
        return Asked(
            question.id, self._number(question), flow.title(question), kind,
            flow.choices(question, self.session) if kind in ("choice", "party", "areas")
            else [], flow.default(question, self.session), kind in flow.OPTIONAL_KINDS,
            question.path, self._preview(question) if kind == "preview" and previews
            else None,
            flow.label(question), _hint(question), self._marked(question),
            flow.group(question))

    def _number(self, question: Question) -> int:
        """Its place among the answers that apply, as the review numbers them: a question
        asked again (changed from the review, or at fault) keeps the number it had."""
        place = _ORDER[question.id]
        return 1 + sum(1 for q in flow.answered(self.session) if _ORDER[q.id] < place)

    def _marked(self, question: Question) -> frozenset[str]:
        if question.kind != "party" or ".kazakh." not in question.path:
            return frozenset()
        return frozenset(flow.neighbours(self.session))

    @_speaking
    def validate(self, question_id: str, value: Any) -> list[Invalid]:
        """What is wrong with ``value`` as the answer to a question, without taking it: for
        a front end checking a field (or an item of a list) as it is typed."""
        try:
            flow.validate(flow.BY_ID[question_id], value, self.session)
        except Invalid as exc:
            return [exc]
        return []

    @_speaking
    def answer(self, question_id: str, value: Any) -> list[Invalid]:
        """Take the answer to the question asked now; [] when taken, else why not (the
        question is then still the one asked).

        For a preview question: True accepts it; ``{"gender": "female"}`` or
        ``{"genitive": {"глава района": "главы района"}}`` corrects it, and it is shown
        again."""
        question = flow.pending(self.session)
        if question is None or question.id != question_id:
            return [Invalid(_("«{id}» is not the question asked now").format(id=question_id))]
        if question.kind == "preview" and value is not True:
            return self._correct(question, value)
        if question.kind != "preview":
            try:
                checked = flow.validate(question, value, self.session)
            except Invalid as exc:
                return [exc]
            self._apply(question, checked)
        self.session.done.append(question.id)
        self.save()
        return []

    def _apply(self, question: Question, value: Any) -> None:
        """Put an answer into the answers, with what follows from it."""
        session, kind, path = self.session, question.kind, question.path
        if kind == "term":
            # A term of one's own answered again keeps its values: asked again, they are
            # offered as the defaults, not the common 5 years.
            kept = session.get("term") if session.notes.get("term.own") else None
            session.notes["term.own"] = not value
            session.put("term", dict(flow.COMMON_TERM) if value else
                        copy.deepcopy(kept) if isinstance(kept, dict) else None)
            return
        if kind == "party":
            self._apply_party(path, value)
            return
        session.put(path, value)
        side = question.id.split("-")[0]
        if question.id == "russian-signatory-ru":
            session.put(path[:-3] + ".kk", value)  # a Russian name reads the same in Kazakh
        if question.id.endswith(("-signatory-ru", "-signatory-kk")):
            base = f"parties.{side}.signatory"
            guess = flow.gender_from_name(session.get(f"{base}.name.kk") or
                                          session.get(f"{base}.name.ru") or "")
            if guess:
                session.put(f"{base}.gender", guess)
        if question.id.endswith("-region") and session.get("track") == "regional":
            session.put(path.rsplit(".", 1)[0] + ".level", "regional")

    def _apply_party(self, path: str, value: str | None) -> None:
        """A catalogue party replaces whatever described the party by hand; None (not in
        the list) leaves the description to the questions that follow."""
        session, side = self.session, path.split(".")[1]
        session.notes[f"manual.{side}"] = value is None
        if value is None:
            session.put(path, None)
            return
        party = session.get(f"parties.{side}")
        if isinstance(party, dict):
            for key in ("name", "region", "level", "country", "address"):
                party.pop(key, None)
        session.put(path, value)

    def _correct(self, question: Question, value: Any) -> list[Invalid]:
        """A correction of the preview: the signatory's gender, or a form in the genitive
        the language engine got wrong (kept in the answers' forms table)."""
        session, base = self.session, question.path
        if isinstance(value, dict) and set(value) == {"gender"}:
            try:
                session.put(f"{base}.gender",
                            flow.schema_value(f"{base}.gender", value["gender"], session))
            except Invalid as exc:
                return [exc]
        elif isinstance(value, dict) and set(value) == {"genitive"} and \
                isinstance(value["genitive"], dict):
            forms = copy.deepcopy(session.get("forms"))
            forms = forms if isinstance(forms, dict) else {}
            table = forms["ru"] = forms["ru"] if isinstance(forms.get("ru"), dict) else {}
            for nominative, form in value["genitive"].items():
                entry = table[nominative] = table.get(nominative) if isinstance(
                    table.get(nominative), dict) else {}
                entry["genitive"] = form.strip() if isinstance(form, str) else form
            try:
                flow.schema_value("forms", forms, session)
            except Invalid as exc:
                return [exc]
            session.put("forms", forms)
        else:
            return [Invalid(_("expected true (it is right), a gender or forms in the genitive, "
                              "got {got}").format(got=describe(value)))]
        self.save()
        return []

    @_speaking
    def back(self) -> Asked | None:
        """Forget the last answer (and any that depend on it) and ask it again; its value
        is offered as the default."""
        if self.session.done:
            flow.forget(self.session, self.session.done[-1])
            self.save()
        return self.next_question()

    # --- pages (a browser asks a section at a time) ----------------------------------

    @classmethod
    def adopt(cls, values: dict[str, Any], stage: str, ui_lang: str, *,
              cat: Catalogue | None = None, today: dt.date | None = None,
              profile: Profile | None = None, made_for: str | None = None) -> Interview:
        """An interview over answers that exist (an uploaded file): every question that
        applies and has an answer is taken as answered, as if asked; what is missing stays
        to be asked. Fields the interview does not ask (addresses, forms) are kept.

        ``made_for``: the stage the file was made for — a question it may leave empty
        («Enter — skip») and that stage asks was skipped then, and is not asked again; only
        what ``stage`` adds is asked (``xbdocs interview --from FILE --stage approval``)."""
        interview = cls.start(stage, ui_lang, values, cat=cat, today=today, profile=profile)
        session = interview.session
        for side in ("russian", "kazakh"):
            session.notes[f"manual.{side}"] = (session.get(f"parties.{side}.catalogue") is None
                                               and session.get(f"parties.{side}.name")
                                               is not None)
        if session.get("term") is not None:
            session.notes["term.own"] = session.get("term") != flow.COMMON_TERM
        before = Session(session.values, made_for, session.cat, notes=session.notes) \
            if made_for else None
        for question in flow.QUESTIONS:
            side = question.path.split(".")[1] if question.kind == "party" else ""
            if question.when(session) and (
                    interview._current(question) not in (None, "", [])
                    or session.notes.get(f"manual.{side}")
                    or (before is not None and question.kind in flow.OPTIONAL_KINDS
                        and question.when(before))):
                session.done.append(question.id)
        return interview

    def set_stage(self, stage: str) -> None:
        """Build another stage's paperwork: its own questions are asked, the answers kept."""
        if stage not in STAGES:
            raise ValueError(f"stage {stage!r}: not one of {STAGES}")
        self.session.stage = stage
        self.save()

    @_speaking
    def sections(self) -> list[SectionState]:
        """The pages in order, each with whether it asks anything for this agreement and
        stage, and whether all it asks is answered."""
        session, states = self.session, []
        for number, section in enumerate(flow.SECTIONS, 1):
            applying = [q for q in section.questions if flow.BY_ID[q].when(session)]
            states.append(SectionState(
                section.id, number, help_text(section.title), bool(applying),
                all(q in session.done for q in applying)))
        return states

    def described_by_hand(self, side: str) -> bool:
        """The party of ``side`` is not in the catalogue's list: its name, region and level
        are asked."""
        return bool(self.session.notes.get(f"manual.{side}"))

    @property
    def complete(self) -> bool:
        """Everything the stage needs is answered: the review and the package follow."""
        return flow.pending(self.session) is None

    @_speaking
    def page(self, section_id: str, *, previews: bool = True) -> list[Asked]:
        """The questions of a page that apply now, in order, each with its answer so far
        (or the default) as ``default``. KeyError for no such page. ``previews=False``
        leaves a preview question's text out (rendering it takes the assembler: 20–30 ms)
        when only the questions are wanted."""
        section = flow.SECTION_BY_ID[section_id]
        asked = [self._asked(flow.BY_ID[q], previews) for q in self._ordered(section)
                 if flow.BY_ID[q].when(self.session)]
        return [replace(item, number=number) for number, item in enumerate(asked, 1)]

    @_speaking
    def question(self, question_id: str) -> Asked | None:
        """One question as :meth:`page` gives it (its preview rendered), or None while it
        does not apply. KeyError for no such question."""
        question = flow.BY_ID[question_id]
        return self._asked(question) if question.when(self.session) else None

    @_speaking
    def layout(self, section_id: str, *, previews: bool = True,
               ) -> list[tuple[str, str, Asked | None]]:
        """Every question of a page in order — its id, its group's heading, and the
        question as :meth:`page` gives it, or None while it does not apply — so a front end
        keeps a place for each and fills or empties it as answers change."""
        asked = {item.id: item for item in self.page(section_id, previews=previews)}
        return [(q, flow.group(flow.BY_ID[q]), asked.get(q))
                for q in self._ordered(flow.SECTION_BY_ID[section_id])]

    @staticmethod
    def _ordered(section: flow.Section) -> list[str]:
        """A page's questions in the interview's order, which is the order of what depends
        on what."""
        return sorted(section.questions, key=_ORDER.__getitem__)

    @_speaking
    def submit(self, section_id: str, given: dict[str, Any]) -> dict[str, Invalid]:
        """Take a page's answers (by question id; a question not in ``given`` is left as
        it is); the ones refused, by id, each with why. A changed answer asks again what
        depends on it (its value stays, offered as the default); a refused one is no longer
        answered, so the page is not complete until it is fixed."""
        section, refused = flow.SECTION_BY_ID[section_id], {}
        for question_id in self._ordered(section):
            question = flow.BY_ID[question_id]
            if question_id not in given or not question.when(self.session):
                continue
            if self._stale_offer(question, given[question_id]):
                continue
            try:
                self._take(question, given[question_id])
            except Invalid as exc:
                refused[question_id] = exc
                if question_id in self.session.done:
                    self.session.done.remove(question_id)
        self.save()
        return refused

    def _stale_offer(self, question: Question, value: Any) -> bool:
        """A page sent back with the value it offered that no longer holds (the Kazakh post
        offered for the usual Russian post, the Russian post written otherwise on the same
        page since): not taken, so the page asks for it again, empty — once; sent so again,
        it is the clerk's own answer."""
        session, note = self.session, f"offer.{question.id}"
        if question.keeps is None or question.id in session.done or \
                question.keeps(session, value):
            session.notes.pop(note, None)
            return False
        if session.notes.get(note) == value:
            session.notes.pop(note)
            return False
        session.notes[note] = value
        return True

    def _take(self, question: Question, value: Any) -> None:
        session = self.session
        if question.kind == "preview":
            if value is not True:
                raise Invalid(_("confirm how the agreement will read"))
        else:
            checked = flow.validate(question, value, session)
            if question.id in session.done and self._current(question) != checked:
                for later in flow.dependants(question.id, session.done)[1:]:
                    session.done.remove(later)
            self._apply(question, checked)
        if question.id not in session.done:
            session.done.append(question.id)

    def _current(self, question: Question) -> Any:
        """The answer a question holds now, in the shape :func:`flow.validate` returns."""
        session = self.session
        if question.kind == "term":
            term = session.get("term")
            return None if term is None else not session.notes.get("term.own", False)
        if question.kind == "preview":
            return True if session.get(question.path) is not None else None
        if question.kind == "party" and session.notes.get(f"manual.{question.path.split('.')[1]}"):
            return None
        return session.get(question.path)

    # --- the review ------------------------------------------------------------------

    @_speaking
    def review(self) -> list[ReviewItem]:
        """Every answer that applies, numbered, with what changing it would ask again."""
        session = self.session
        return [ReviewItem(number, q.id, flow.label(q), flow.shown(q, session),
                           flow.dependants(q.id, session.done))
                for number, q in enumerate(flow.answered(session), 1)]

    def change(self, question_id: str) -> list[str]:
        """Ask a question again, and every answer that depends on it; the ids to be asked
        again ([] when it was not answered). Their values stay, offered as defaults."""
        if question_id not in flow.BY_ID:
            raise KeyError(question_id)
        if question_id not in self.session.done:
            return []
        forgotten = flow.forget(self.session, question_id)
        self.save()
        return forgotten

    @_speaking
    def problems(self) -> list[Fault]:
        """The findings of `xbdocs check` (:func:`xbdocs.package.review`) for the answers and
        the stage (or the problems of the answers' form, when they are not yet a valid
        answers file), each with the question at fault."""
        from xbdocs import answers
        from xbdocs import profile as profiles
        from xbdocs.package import review

        session = self.session
        try:
            parsed = answers.parse(copy.deepcopy(session.values), {}, cat=session.cat)
        except InputError as exc:
            return [Fault(p, self._at_fault(p.path)) for p in exc.problems]
        # The one list `check`, `build` and batch report (checks and the language engine's
        # doubts), so the review never misses what the build then says.
        findings = review(parsed, stage=session.stage, today=self.today,
                          profile=self.profile or profiles.load())
        return [Fault(f, self._at_fault(f.path)) for f in findings]

    def question_for(self, path: str) -> str | None:
        """The question whose answer a finding at ``path`` concerns (None when no one
        question is at fault): a front end links the finding to it."""
        return self._at_fault(path)

    def _at_fault(self, path: str) -> str | None:
        """The first answered question that fills ``path``, a key inside it, or a section
        around it."""
        path = re.sub(r"\[\d+\]", "", path)
        for question in flow.answered(self.session):
            if path and (path == question.path or path.startswith(question.path + ".") or
                         question.path.startswith(path + ".")):
                return question.id
        return None

    # --- the preview -----------------------------------------------------------------

    @_speaking
    def preview(self, question_id: str) -> Preview:
        """How the agreement's preamble names the party of a question (and its signatory),
        rendered from the agreement template with the answers so far, completed with
        specimen values for what is not answered yet. KeyError for a question that is not
        about a party."""
        return self._preview(flow.BY_ID[question_id])

    def _preview(self, question: Question) -> Preview:
        from xbdocs import answers

        if not question.path.startswith("parties."):
            raise KeyError(question.id)
        session, side = self.session, question.path.split(".")[1]
        base = f"parties.{side}.signatory"
        person = (str(session.get(f"{base}.name.ru") or ""),
                  str(session.get(f"{base}.position.ru") or ""),
                  str(session.get(f"{base}.gender") or "male"))
        specimen, cat = _specimen(session), session.cat
        key = json.dumps([specimen, side, i18n.current_language(), _templates_stamp()],
                         sort_keys=True, default=repr)

        def render() -> tuple[str, list[str]]:
            try:
                parsed = answers.parse(specimen, {}, cat=cat)
            except InputError as exc:
                return "", [str(p) for p in exc.problems]
            return render_party(parsed, side, cat)

        text, doubts = _PREVIEWS.get(key, render, owner=cat)
        return Preview(text, list(doubts), *person)


#: Party previews by what they come from (the answers with their specimens, the side, the
#: language, the templates' paths and stamps; the catalogue as the owner): a preview is
#: asked on every view and save of the signatories' page, and rendering the agreement for
#: it was the interview's largest cost on the server.
_PREVIEWS = Memo(512)


def _templates_stamp() -> list[tuple[str, int, int]]:
    """The shipped templates' names, times and sizes: a template a lawyer edits while the
    server runs changes the previews' keys."""
    from xbdocs import assembler

    folder = assembler.default_templates_dir()
    return [(str(path), info.st_mtime_ns, info.st_size)
            for path, info in ((path, path.stat())
                               for lang in ("ru", "kk") for path in (folder / lang).glob("*.txt"))]


# --- what the agreement says of a party ----------------------------------------------


def render_party(parsed: Answers, side: str, cat: Catalogue) -> tuple[str, list[str]]:
    """The part of the agreement's Russian preamble about one party — its name, who signs
    for it and on what authority — and the doubts about the case forms in it.

    Rendered through the assembler from the template itself, so it says what the agreement
    will say, whatever a lawyer changes in the template; the only place the interview knows
    the assembler's API. The preamble names the Russian party, then the Kazakh; each party's
    part runs from its name through as many comma-separated clauses as the Russian party's
    (the two halves are written alike), so no wording of the template is repeated here."""
    from xbdocs import assembler

    assembly = assembler.assemble(parsed, cat=cat)
    names = (parsed.russian.name.ru, parsed.kazakh.name.ru)
    preamble = next((b for b in assembly.documents["ru"].blocks if b.id == "preamble"), None)
    paragraphs = [p.text for p in preamble.paragraphs] if preamble else []
    paragraph = next((p for p in paragraphs if _find(p, names[0]) >= 0),
                     paragraphs[0] if paragraphs else "")
    doubts = [w.text for w in assembly.warnings
              if w.code == "XB018" and w.path.startswith(f"parties.{side}.")]
    return _party_part(paragraph, names, side), doubts


def _find(text: str, what: str, start: int = 0) -> int:
    """Where ``what`` is in ``text``, whatever the case of the first letter and the kind of
    spaces (the assembler capitalises and puts no-break spaces)."""
    return text.replace("\xa0", " ").lower().find(what.replace("\xa0", " ").lower(), start)


def _commas(text: str) -> list[int]:
    """Where ``text`` has commas outside «quotes» (an act's title has commas of its own)."""
    found, depth = [], 0
    for index, char in enumerate(text):
        if char == "«":
            depth += 1
        elif char == "»":
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            found.append(index)
    return found


def _party_part(paragraph: str, names: tuple[str, str], side: str) -> str:
    russian = _find(paragraph, names[0])
    kazakh = _find(paragraph, names[1], russian + len(names[0])) if russian >= 0 else -1
    if kazakh < 0:
        return paragraph
    first = paragraph[russian:kazakh]
    commas = _commas(first)
    if side == "russian":
        return first[:commas[-1]] if commas else first.strip()
    second = paragraph[kazakh:]
    cuts = _commas(second)
    end = cuts[len(commas) - 1] if commas and len(cuts) >= len(commas) else len(second)
    return second[:end].rstrip(" ,")


#: A signatory for a party not yet described: any valid one does, the preview shows only
#: the part about the party being asked.
_SPECIMEN_SIGNATORY = {
    "name": {"ru": "Иванов Иван Иванович", "kk": "Иванов Иван Иванович"},
    "gender": "male",
    "position": {"ru": "глава", "kk": "басшы"},
}


def _specimen(session: Session) -> dict[str, Any]:
    """The answers so far, completed with specimen values where a required answer is not
    given yet, so the agreement can be rendered before the interview ends."""
    values = copy.deepcopy(session.values)
    probe = Session(values, session.stage, session.cat)
    if probe.get("track") is None:
        values["track"] = "municipal"
    for side in ("russian", "kazakh"):
        _specimen_party(probe, side)
    cat = session.cat
    if not probe.get("areas") and not probe.get("custom_areas"):
        values["areas"] = list(cat.areas)[:1]
    if not probe.get("cooperation_forms") and not probe.get("custom_cooperation_forms"):
        values["cooperation_forms"] = list(cat.cooperation_forms)[:1]
    for key, specimen in (("coordination", {"mode": "working-group", "plan_years": 2}),
                          ("term", flow.COMMON_TERM)):
        for part, value in specimen.items():
            if probe.get(f"{key}.{part}") is None:
                probe.put(f"{key}.{part}", value)
    return values


def _specimen_party(probe: Session, side: str) -> None:
    base = f"parties.{side}"
    if probe.get(f"{base}.catalogue") is None and probe.get(f"{base}.name") is None:
        listed = flow.party_choices(side, probe)
        country = "RU" if side == "russian" else "KZ"
        any_party = [p.id for p in probe.cat.parties.values() if p.country == country]
        probe.put(f"{base}.catalogue", listed[0][0] if listed else any_party[0])
    signatory = {**_SPECIMEN_SIGNATORY, "acts_on": flow.DEFAULT_ACT[side]}
    for key, value in signatory.items():
        parts = value.items() if isinstance(value, dict) else [("", value)]
        for lang, text in parts:
            path = f"{base}.signatory.{key}" + (f".{lang}" if lang else "")
            if probe.get(path) is None:
                probe.put(path, text)
