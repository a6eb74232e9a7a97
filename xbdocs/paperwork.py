"""The variables the filing paperwork's templates see (letters, forms, inventories), apart
from the agreement's: the addressee, the outgoing numbers, the deadlines, the attachments.

Both the build and the template lint read them from here, so lint checks a template against
exactly what a build passes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from xbdocs import catalogue, deadlines, unverified
from xbdocs import lang as languages
from xbdocs.answers import Answers, Outgoing
from xbdocs.profile import Profile, TrackProfile
from xbdocs.template_context import build_context, language_functions
from xbdocs.values import Field


@dataclass
class InventoryItem:
    title: str
    copies: int = 1
    file: str | None = None
    paper: bool = False
    sheets: int | None = None
    #: A copy, not the original (the inventory's note says which).
    copy: bool = False
    #: The title ends in a participial phrase, closed by a comma when the text goes on.
    participle: bool = False


@cache
def _document_data() -> dict[str, Any]:
    path = Path(__file__).parent / "data" / "documents.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _document_table(amendment: bool = False) -> dict[str, Any]:
    """How each document is listed; an amendment's under its own titles and files."""
    data = _document_data()
    return {**data["documents"], **data["amendment_documents"]} if amendment else \
        data["documents"]


def inventory_items(document: str, stage: str, answers: Answers | None = None
                    ) -> list[InventoryItem]:
    """How ``document`` is listed at ``stage``: its titles filled from the answers (who
    certifies the copy, which act approved the draft)."""
    entry = _document_table(answers is not None and answers.is_amendment)[document]
    if isinstance(entry, dict):
        entry = entry[stage]
    names = _title_values(answers)
    return [InventoryItem(item["title"].format_map(names), file=item.get("file"),
                          paper=bool(item.get("paper")), copy=bool(item.get("copy")),
                          participle=bool(item.get("participle")))
            for item in entry]


def _title_values(answers: Answers | None) -> dict[str, str]:
    """«главой Угловского района», «Копия распоряжения … от 24.03.2027 № 112-р»: the words
    are data/documents.yaml's, the forms the language engine's."""
    ru = languages.ru
    words = _document_data()["title_values"]
    if answers is not None and answers.is_amendment:
        words = {**words, **_document_data()["amendment_title_values"]}
    certifier, approval = words["certifier_unknown"], words["approval_unknown"]
    if answers is not None:
        post = answers.russian.signatory.position.ru
        certifier = words["certifier"].format(post=ru.inflect_phrase(post, "instrumental").text)
        document = answers.filing.approval
        if document.document:
            approval = words["approval"].format(
                document=ru.inflect_phrase(document.document, "genitive").text,
                date=ru.date_numeric(document.date),
                number=document.number or ru.BLANK_NUMBER)
    return {"certifier": certifier, "approval": approval}


def _expiry(answers: Answers) -> dt.date | None:
    """The last day of the term, when its start is known (it runs from the signing)."""
    start = answers.signing.date
    if answers.entry_into_force != "signing" or start is None or answers.term is None:
        return None
    return deadlines.add_months(start, 12 * answers.term.years) - dt.timedelta(days=1)


def _registrar(track: TrackProfile) -> str | None:
    """The body that registers agreements: the addressee of the registration letter."""
    step = next((s for s in track.steps if s.stage == "registration" and s.to), None)
    return track.addressees[step.to].body if step and step.to in track.addressees else None


def _stated(due: dict, track: TrackProfile, today: dt.date | None) -> dict:
    """The deadlines a letter may state as fact: verified, and not yet past."""
    verified = {s.id for s in track.steps if s.verified}
    return {step: (date if step in verified and date is not None
                   and (today is None or date >= today) else None)
            for step, date in due.items()}


def context(answers: Answers, profile: Profile, track: TrackProfile, letterhead: bool,
            agreement: dict[str, str], due: dict, step_id: str | None,
            attachments: list[InventoryItem], today: dt.date | None = None
            ) -> dict[str, Any]:
    """What a paperwork template of step ``step_id`` sees beyond the answers. A value the
    profile does not vouch for carries its note into the document."""
    filing = answers.filing
    step = next((s for s in track.steps if s.id == step_id), None)
    addressee = track.addressees.get(step.to) if step and step.to else None
    notes = {note.place: note for note in unverified.in_profile(profile, answers.track)}
    base = unverified.place_in(profile, answers.track)

    def noted(text: str | None, place: str) -> Field | None:
        return Field(text, place, note=notes.get(place)) if text else None

    addressee_view: dict[str, Any] = {}
    if addressee is not None:
        place = f"{base}.addressees.{addressee.id}"
        addressee_view = {key: noted(getattr(addressee, key), place)
                          for key in ("body", "position", "address", "person")}
        addressee_view["verified"] = addressee.verified
    outgoing = {"notice": filing.notice, "approval-request": filing.approval_request,
                "registration": filing.registration_application}.get(step_id or "", Outgoing())
    approving = next((s for s in track.steps if "approval-request" in s.documents and s.to),
                     None)
    approver = track.addressees.get(approving.to) if approving and approving.to else None
    return {
        "laws": laws(outgoing.date or answers.dated or today),
        # The body whose approval (согласование) the agreement needs, by name, from the
        # profile: the addressee of the request for approval.
        "approver": noted(approver.body, f"{base}.addressees.{approver.id}")
        if approver else None,
        "profile": {"name": profile.name, "basis": noted(track.basis.text, f"{base}.basis"),
                    "regional_act": noted(track.regional_act.text, f"{base}.regional_act")},
        "addressee": addressee_view,
        "outgoing": {"number": outgoing.number, "date": outgoing.date},
        "letterhead": letterhead,
        "agreement": agreement,
        "due": _stated(due, track, today),
        "negotiations_date": filing.negotiations_date,
        "filing": {
            "executor_name": filing.executor_name, "executor_phone": filing.executor_phone,
            "approval_document": Field(filing.approval.document,
                                                 "filing.approval.document")
            if filing.approval.document else None,
            "approval_number": filing.approval.number,
            "approval_date": filing.approval.date,
            "purpose": filing.purpose, "financing": filing.financing,
            "expected_results": list(filing.expected_results),
        },
        "attachments": attachments,
        # The certified copy's own sheets, once LibreOffice has counted them (else blank).
        "copy_sheets": None,
        "register_fields": list(track.register_fields),
        "registrar": _registrar(track),
        "expiry": _expiry(answers),
        "step_title": step.title if step else "",
    }


def laws(day: dt.date | None) -> dict[str, Field | None]:
    """The laws a document cites by role (acts.yaml: laws), each the one in force on the
    document's day — its letter's date, else the agreement's — as the text after «по …»
    (in the dative): 131-FZ for a district's powers until 31.12.2026, 33-FZ from 2027. A law
    whose day of taking over is not verified carries its note (a comment where it is
    printed, a line of the check sheet)."""
    cat = catalogue.load()
    cited: dict[str, Field | None] = {}
    for role in dict.fromkeys(law.role for law in cat.laws):
        law = cat.law_for(role, day)
        cited[role.replace("-", "_")] = Field(
            languages.ru.citation(law.kind, law.date, law.number, law.title, case="dative"),
            f"{catalogue.LAWS}{law.id}", note=unverified.law(law)) if law else None
    return cited


def template_context(answers: Answers, profile: Profile, lang: str,
                     cat: catalogue.Catalogue | None = None) -> dict[str, Any]:
    """Every variable a template of ``lang`` can see (the agreement's and the paperwork's),
    as a build would pass them: for linting templates."""
    track = profile.tracks[answers.track]
    due: dict[str, dt.date | None] = {step.id: None for step in track.steps}
    titles = {"title": "", "genitive_title": "", "accusative_title": ""}
    variables = {**build_context(answers, lang, cat or catalogue.load()),
                 **language_functions(languages.get(lang)),
                 **context(answers, profile, track, False, titles, due, "registration",
                           [InventoryItem("")])}
    variables["inventory"] = [InventoryItem("")]
    variables["letter_subject"] = ""
    variables["unverified"] = [check_item(unverified.Unverified(
        unverified.PARTY, "", "", unverified.FIX_CATALOGUE, ""), [])]
    return variables


def check_item(note: unverified.Unverified, where: list[str]) -> dict[str, Any]:
    """One line of the check sheet: what, the value, where it stands, its source, the fix."""
    return {"what": note.what_in("ru"), "value": note.value, "where": where,
            "source": unverified.plain_source(note.source), "fix": note.fix_in("ru")}
