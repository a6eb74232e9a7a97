"""Ending an agreement: the notice to the other Party, in Russian and Kazakh, under the
agreement's own clauses — and the dates that notice sets.

The agreement's term clauses (templates/*/agreement.txt) give two ways out:

- **non-renewal** (пункт о продлении): the agreement renews itself for another period
  unless a Party, at least ``term.notice_months`` before the period ends, gives written
  notice; it then ends when the period does. The notice is refused once its last day has
  passed — the agreement has renewed by then, and saying otherwise would mislead the clerk.
- **termination** (пункт о прекращении): a Party may end it at any time by written notice;
  it ends ``term.notice_months`` after the other Party *receives* the notice — not known
  when it is sent, so the notice and the register say «not before» the day counted from
  sending.

The period's end comes from the register (when the agreement took effect and the renewals
recorded), so the caller passes it; this module knows no database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xbdocs import assembler, output, writer
from xbdocs.answers import Answers
from xbdocs.deadlines import add_months
from xbdocs.errors import XbdocsError
from xbdocs.i18n import Message
from xbdocs.lang import ru
from xbdocs.version import __version__

NON_RENEWAL, TERMINATION = "non-renewal", "termination"
KINDS = (NON_RENEWAL, TERMINATION)
#: The notice's files: both languages side by side, then each alone.
FILES = {"parallel": "ending-notice.ru-kk.docx", "ru": "ending-notice.ru.docx",
         "kk": "ending-notice.kk.docx"}
TEMPLATE = "ending-notice"
#: The agreement template's clauses a notice cites (block ids of templates/*/agreement.txt).
CLAUSES = {NON_RENEWAL: "final.renewal", TERMINATION: "final.termination"}
SURVIVAL = "final.survival"
SUBJECTS = {"ru": "Уведомление о прекращении действия соглашения",
            "kk": "Келісімнің қолданылуын тоқтату туралы хабарлама"}


@dataclass(frozen=True)
class Ending:
    """What a notice sets: when it is sent, the last day it could be (non-renewal), and the
    day the agreement ends (termination: the earliest, counted from sending)."""

    kind: str
    sent_on: dt.date
    ends_on: dt.date
    months: int
    last_day: dt.date | None = None


def ending(answers: Answers, kind: str, sent_on: dt.date,
           period_end: dt.date | None) -> Ending:
    """The dates a notice of ``kind`` sent on ``sent_on`` sets, or an error saying why it
    cannot be given: the agreement does not renew itself, its period's end is not known,
    or the last day to give notice has passed (with that day)."""
    term = answers.term
    if kind not in KINDS:
        raise XbdocsError(Message("--kind: «{kind}» is not one of: {kinds}").format(
            kind=kind, kinds=", ".join(KINDS)))
    if term is None:
        raise XbdocsError(Message("the agreement's answers give no term: no notice can be "
                                  "counted"))
    months = term.notice_months
    if kind == TERMINATION:
        return Ending(kind, sent_on, add_months(sent_on, months), months)
    if not term.renewal:
        raise XbdocsError(Message(
            "the agreement does not renew itself: it ends when its term does, without a "
            "notice; to end it earlier: --kind termination"))
    if period_end is None:
        raise XbdocsError(Message(
            "the end of the agreement's current period is not known: record when it took "
            "effect (xbdocs registry set ID in-force --date …)"))
    last_day = add_months(period_end, -months)
    if sent_on > last_day:
        raise XbdocsError(Message(
            "the last day to give notice against renewal was {last} ({months} months before "
            "the period ends on {end}): the agreement renews; to end it earlier: --kind "
            "termination").format(last=f"{last_day:%d.%m.%Y}", months=months,
                                  end=f"{period_end:%d.%m.%Y}"))
    return Ending(kind, sent_on, period_end, months, last_day)


def render_notice(answers: Answers, end: Ending, number: str = "",
                  signed_on: dt.date | None = None, registration: str = "",
                  templates_dir: Path | None = None) -> dict[str, bytes]:
    """The notice in both languages side by side and each alone, with a manifest, as file
    names and bytes. ``signed_on`` and ``registration`` are the agreement's as the register
    knows them (the answers hold the planned signing date)."""
    agreement = assembler.assemble(answers, templates_dir)
    numbers = assembler.clause_numbers(agreement.documents["ru"])
    clause = numbers.get(CLAUSES[end.kind])
    if clause is None:
        raise XbdocsError(Message(
            "the agreement has no clause on {kind}: no notice can cite it").format(
                kind=end.kind))
    signed = signed_on or answers.signing.date
    title = assembler.agreement_titles(agreement.documents["ru"])["genitive_title"]
    if signed is not None:
        title += f" от {ru.date_numeric(signed)}"
    if registration:
        title += f" № {registration}"
    view = {"notice": {**dataclasses.asdict(end), "number": number, "clause": clause,
                       "survival": numbers.get(SURVIVAL, ""), "agreement_title": title,
                       "agreement_date": signed, "agreement_number": registration}}
    assembly = assembler.assemble(answers, templates_dir, name=TEMPLATE,
                                  extra={"ru": view, "kk": view})
    properties = {"created": end.sent_on.isoformat()}
    for lang, document in assembly.documents.items():
        document.properties.update({**properties, "subject": SUBJECTS[lang]})
    parallel = dataclasses.replace(assembly.parallel, properties={
        **assembly.parallel.properties, **properties,
        "subject": f"{SUBJECTS['ru']} / {SUBJECTS['kk']}"})
    files = {FILES["parallel"]: writer.write_parallel(parallel),
             FILES["ru"]: writer.write(assembly.documents["ru"]),
             FILES["kk"]: writer.write(assembly.documents["kk"])}
    files[output.MANIFEST] = _manifest(answers, end, files)
    return files


def _manifest(answers: Answers, end: Ending, files: dict[str, bytes]) -> bytes:
    manifest: dict[str, Any] = {
        "toolkit": {"name": "xbdocs", "version": __version__},
        "notice": {"kind": end.kind, "sent_on": end.sent_on.isoformat(),
                   "ends_on": end.ends_on.isoformat(),
                   "last_day": end.last_day.isoformat() if end.last_day else None},
        "answers": {"file": answers.source, "sha256": answers.digest},
        "files": [{"name": name, "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in files.items()]}
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()


def specimen_view() -> dict[str, Any]:
    """The variables a notice template sees beyond the answers', for linting templates."""
    day = dt.date(2027, 3, 1)
    end = Ending(NON_RENEWAL, day, day, 6, day)
    return {"notice": {**dataclasses.asdict(end), "number": "", "clause": "9.3",
                       "survival": "9.5", "agreement_title": "", "agreement_date": day,
                       "agreement_number": ""}}
