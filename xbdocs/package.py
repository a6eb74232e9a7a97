"""A package rendered in memory: answers → the agreement and, by stage, the filing paperwork,
the check sheet, the answers it was built from and its manifest, as file names and bytes.

Nothing here writes a file or reads process-wide state a concurrent caller could change:
a server renders for many clerks at once, each render in its own context (the message
language and the template render state are :mod:`contextvars`). Writing the files is
:func:`xbdocs.build.write_package`'s job.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xbdocs import answers as answers_module
from xbdocs import (
    assembler,
    blank,
    catalogue,
    checks,
    i18n,
    lint,
    office,
    paperwork,
    writer,
)
from xbdocs import profile as profile_module
from xbdocs import unverified as unverified_module
from xbdocs.answers import Answers
from xbdocs.errors import FindingsError, InputError, XbdocsError
from xbdocs.findings import ERROR, WARNING, Finding
from xbdocs.i18n import Message
from xbdocs.model import Document, ParallelDocument
from xbdocs.output import (
    AGREEMENT_FILES,
    ANSWERS,
    CERTIFIED_COPY,
    CHECK_SHEET,
    FORMS,
    LETTERS,
    MANIFEST,
    PACKAGE_ZIP,
)
from xbdocs.paperwork import InventoryItem, inventory_items
from xbdocs.profile import Profile, TrackProfile
from xbdocs.stages import DEFAULT_STAGE
from xbdocs.template_context import WORDING, AgreementText
from xbdocs.version import __version__

__all__ = ["FindingsError", "Options", "RenderedPackage", "provenance", "render",
           "render_package", "review", "templates_digest"]

#: An amendment's files, made as the agreement's are (the parallel text, each language
#: alone), and the agreement's text as amended (build --consolidated). Beside
#: output.AGREEMENT_FILES in spirit: the names a package of an amendment holds.
AMENDMENT_FILES = {
    "parallel": "amendment.ru-kk.docx",
    "ru": "amendment.ru.docx",
    "kk": "amendment.kk.docx",
}
CONSOLIDATED_FILES = {
    "parallel": "agreement-as-amended.ru-kk.docx",
    "ru": "agreement-as-amended.ru.docx",
    "kk": "agreement-as-amended.kk.docx",
}


@dataclass(frozen=True)
class Options:
    """How to build, the same for every agreement of a batch."""

    stage: str = DEFAULT_STAGE
    profile_path: Path | None = None
    templates_dir: Path | None = None
    letterhead: Path | None = None
    make_zip: bool = False
    count_sheets: bool = True
    make_pdf: bool = False
    #: For an amendment whose agreement's answers are known: also the agreement's text as
    #: amended.
    consolidated: bool = False
    #: Build with a profile of another region than the Russian party's (XB031 a warning).
    other_region: bool = False

    def recorded(self) -> dict:
        """What the manifest keeps of the options, to tell whether a build is current."""
        recorded = {"stage": self.stage, "pdf": self.make_pdf, "zip": self.make_zip,
                    "count_sheets": self.count_sheets}
        if self.consolidated:  # only when asked: earlier manifests stay current
            recorded["consolidated"] = True
        if self.other_region:  # the manifest says the package was built so on purpose
            recorded["other_region_profile"] = True
        return recorded


@dataclass
class RenderedPackage:
    """What a build writes, held in memory.

    ``files`` has the same names and bytes a ``build`` of the same answers on the same day
    writes, in the order it writes them (the manifest after the documents, the ZIP last).
    ``findings`` are every finding the build reports (warnings: errors stop a render);
    ``unverified`` the values nobody has checked that the documents rely on, each with the
    files it stands in; ``deadlines`` the procedure's steps with their due dates."""

    files: dict[str, bytes]
    findings: list[Finding]
    #: Each unverified value the documents rely on, with the files it stands in.
    places: dict[unverified_module.Unverified, list[str]]
    deadlines: list[checks.StepDeadline]
    stage: str
    #: Each document's title (its DOCX «title» property), by file name.
    titles: dict[str, str] = field(default_factory=dict)
    #: The manifest as data (``files[MANIFEST]`` is its text).
    manifest: dict[str, Any] = field(default_factory=dict)
    #: The language the render was asked for: :meth:`messages` speak it.
    lang: str = i18n.DEFAULT_LANGUAGE
    #: The document model each DOCX of ``files`` was written from, by file name: what a
    #: browser preview lays out as HTML (:mod:`xbdocs.writer.html`), so the preview and the
    #: DOCX say the same.
    models: dict[str, Document | ParallelDocument] = field(default_factory=dict)

    def messages(self) -> list[str]:
        """The findings as lines in the package's language. A finding's message is
        translated when shown (``str(finding)`` speaks the caller's current language)."""
        with i18n.language(self.lang):
            return [str(finding) for finding in self.findings]

    @property
    def unverified(self) -> list[unverified_module.Unverified]:
        """The unverified values, in the order the check sheet lists them."""
        return list(self.places)


# --- where a package comes from ---------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def templates_digest(templates_dir: Path) -> str:
    """sha256 over the templates' names and texts; read again only when a file's time or
    size says it changed."""
    paths = sorted(path for path in templates_dir.rglob("*.txt") if path.is_file())
    stamps = tuple((path, info.st_mtime_ns, info.st_size)
                   for path, info in ((path, path.stat()) for path in paths))
    return _digest_of(templates_dir, stamps)


@functools.lru_cache(maxsize=8)
def _digest_of(templates_dir: Path, stamps: tuple) -> str:
    digest = hashlib.sha256()
    for path, _time, _size in stamps:
        digest.update(path.relative_to(templates_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def provenance(answers: Answers, answers_name: str, options: Options,
               profile: Profile | None = None) -> dict:
    """Where a build comes from: toolkit, templates, answers and profile, with digests."""
    profile = profile or profile_module.load(options.profile_path)
    templates_dir = options.templates_dir
    resolved_templates = (templates_dir or assembler.default_templates_dir()).resolve()
    return {
        "toolkit": {"name": "xbdocs", "version": __version__},
        "templates": {"set": "shipped" if templates_dir is None else str(templates_dir),
                      "version": __version__,
                      "sha256": templates_digest(resolved_templates)},
        "answers": {"file": answers_name, "sha256": answers.digest},
        "profile": {"id": profile.id, "file": Path(profile.path).name,
                    "sha256": profile.digest},
        "options": {**options.recorded(), "letterhead": _file_digest(options.letterhead)},
    }


def _file_digest(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        return {"file": path.name, "sha256": _sha256(path.read_bytes())}
    except OSError:
        return {"file": path.name, "sha256": None}


def _properties(provenance: dict, stage: str, today: dt.date) -> dict[str, str]:
    """Where and when a DOCX came from, for its document properties."""
    comments = (f"xbdocs {provenance['toolkit']['version']}; templates "
                f"sha256:{provenance['templates']['sha256'][:16]}; answers "
                f"sha256:{provenance['answers']['sha256'][:16]}; profile "
                f"{provenance['profile']['id']}; stage {stage}")
    return {"comments": comments, "identifier": provenance["answers"]["sha256"],
            "version": provenance["toolkit"]["version"], "content_status": stage,
            "created": today.isoformat()}


# --- an amendment: the agreement it amends ---------------------------------------------------

@dataclass
class Amended:
    """What an amendment's build knows of the agreement it amends: its answers (None when
    the amendment names the agreement only by date and number), what the amendment's text
    reads of it, and the agreement assembled with the amendment's term and areas (the
    clauses an amendment restates, and the start of the consolidated text)."""

    agreement: Answers | None
    text: AgreementText
    revised: assembler.Assembly | None = None


def amended_agreement(answers: Answers, named_files: bool = True) -> Answers | None:
    """The answers of the agreement ``answers`` amend, where the amendment names them: a
    file beside it (``amends.agreement_answers``: only in its folder), or an entry of the
    register (``amends.registry``, which keeps each agreement's answers). Only for answers
    read from a file (``named_files``): text a server was sent never opens a file or a
    register entry it names — the amendment is then made from its own answers alone."""
    amends = answers.amends
    if amends is None or not named_files:
        return None
    if amends.agreement_answers is not None:
        if not answers.source:
            return None
        found = answers_module.load_named(amends.agreement_answers, Path(answers.source),
                                          "amends.agreement_answers")
        where = "amends.agreement_answers"
    elif amends.registry is not None:
        from xbdocs.registry.store import open_register

        entry = open_register().get(amends.registry)
        found = answers_module.from_data(entry.answers, f"registry № {entry.id}")
        where = "amends.registry"
    else:
        return None
    if found.is_amendment:
        raise InputError.one(answers.source, Message(
            "names an amendment, not the agreement it amends"), path=where,
            line=answers.lines.get(where))
    return found


def as_amended(agreement: Answers, amendment: Answers) -> Answers:
    """The agreement's answers with the amendment's term extended and areas added: what
    its restated clauses and its text as amended are rendered from. A renewal period the
    agreement took from its term keeps its length."""
    data = agreement.model_dump(mode="json", exclude_unset=True)
    assert amendment.amends is not None and agreement.term is not None
    for change in amendment.amends.changes:
        if change.kind == "term":
            data["term"]["years"] = data["term"]["years"] + change.extend_term.years
            if agreement.term.renewal:
                data["term"]["renewal_years"] = agreement.term.renewal_years
        elif change.kind == "area":
            areas = data.setdefault("areas", [])
            areas += [code for code in change.add_area if code not in areas]
    return answers_module.parse(data, agreement.lines, agreement.source)


@functools.lru_cache(maxsize=8)
def _template_numbers(templates_dir: Path, digest: str) -> dict[str, str]:
    """The clause numbers the agreement template gives (rendered from the specimen answers),
    once per templates' content: what an amendment names by default when the agreement's
    own answers are not known."""
    specimen = answers_module.load(lint.SPECIMEN)
    return assembler.clause_numbers(
        assembler.assemble(specimen, templates_dir).documents["ru"])


def amendment_inputs(answers: Answers, templates_dir: Path | None,
                     named_files: bool = True) -> Amended | None:
    """For an amendment's answers, what its build needs of the agreement; None for an
    agreement's answers."""
    if not answers.is_amendment:
        return None
    resolved = (templates_dir or assembler.default_templates_dir()).resolve()
    defaults = _template_numbers(resolved, templates_digest(resolved))
    agreement = amended_agreement(answers, named_files)
    if agreement is None:
        return Amended(None, AgreementText(template_numbers=defaults))
    revised = assembler.assemble(as_amended(agreement, answers), templates_dir)
    restated = {lang: {block.id: copy.deepcopy(block.paragraphs)
                       for block in document.blocks if block.kind == "clause"}
                for lang, document in revised.documents.items()}
    text = AgreementText(assembler.clause_numbers(revised.documents["ru"]), restated,
                         defaults, agreement.entry_into_force,
                         agreement.subject.pair if agreement.subject else None,
                         agreement.signing.date)
    return Amended(agreement, text, revised)


# --- the documents ----------------------------------------------------------------------------

class _Documents:
    """The documents of one package as they are rendered: files, titles, and the notes each
    file carries as comments."""

    def __init__(self, answers: Answers, profile: Profile, track: TrackProfile, stage: str,
                 options: Options, letterhead: bytes | None, today: dt.date,
                 properties: dict[str, str], amended: Amended | None = None):
        self.answers, self.profile, self.track, self.stage = answers, profile, track, stage
        #: For an amendment: the agreement it amends, as far as it is known.
        self.amended = amended
        self.agreement_text = amended.text if amended else None
        #: The main document's files: the agreement's, or the amendment's.
        self.main_files = AMENDMENT_FILES if answers.is_amendment else AGREEMENT_FILES
        self.templates_dir, self.letterhead, self.today = options.templates_dir, letterhead, today
        self.properties = properties
        self.deadlines: list[checks.StepDeadline] = []
        self.files: dict[str, bytes] = {}
        #: The document model each DOCX was written from (a preview lays it out as HTML).
        self.models: dict[str, Document | ParallelDocument] = {}
        self.titles: dict[str, str] = {}
        self.doubts: list[Finding] = []
        #: The notes each file carries (its unchecked values), by file name.
        self.notes: dict[str, list[Any]] = {}

    def agreement(self) -> Document:
        """The package's main document in its three files: the agreement, or for an
        amendment's answers the amendment («Дополнительное соглашение № 1 …»)."""
        name = "amendment" if self.answers.is_amendment else "agreement"
        assembly = assembler.assemble(self.answers, self.templates_dir, name,
                                      agreement_text=self.agreement_text)
        self._doubts(assembly.warnings)
        self._write(assembly, self.main_files)
        self.parallel = assembly.parallel
        return assembly.documents["ru"]

    def consolidated(self) -> None:
        """The agreement's text as the amendment leaves it (build --consolidated)."""
        assert self.amended is not None and self.amended.revised is not None
        assembly = assembler.consolidate(self.amended.revised, self.answers)
        self._write(assembly, CONSOLIDATED_FILES)

    def _write(self, assembly: assembler.Assembly, files: dict[str, str]) -> None:
        for document in (*assembly.documents.values(), assembly.parallel):
            document.properties.update(self.properties)
        self.files[files["parallel"]] = writer.write_parallel(assembly.parallel)
        self.files[files["ru"]] = writer.write(assembly.documents["ru"])
        self.files[files["kk"]] = writer.write(assembly.documents["kk"])
        self.models.update({files["parallel"]: assembly.parallel,
                            files["ru"]: assembly.documents["ru"],
                            files["kk"]: assembly.documents["kk"]})
        for name in files.values():
            self.titles[name] = assembly.documents["ru"].properties["title"]
        for lang in ("ru", "kk"):
            self.notes[files[lang]] = assembly.documents[lang].notes()
        self.notes[files["parallel"]] = self.notes[files["ru"]] + self.notes[files["kk"]]

    def _doubts(self, found: list[Finding]) -> None:
        self.doubts += [d for d in found if d not in self.doubts]

    def context(self, agreement: dict[str, str], due: dict, step_id: str | None,
                attachments: list[InventoryItem]) -> dict:
        return paperwork.context(self.answers, self.profile, self.track,
                                 self.letterhead is not None, agreement, due, step_id,
                                 attachments, self.today)

    def render(self, template: str, name: str, context: dict, letter: bool) -> None:
        document, doubts = assembler.assemble_single(self.answers, template, context,
                                                     self.templates_dir,
                                                     agreement_text=self.agreement_text)
        self._doubts(doubts)
        document.properties.update(self.properties)
        if letter:
            document.page_numbers = "head-after-first"
        self.files[name] = writer.write(document, base=self.letterhead if letter else None)
        self.models[name] = document
        self.titles[name] = document.properties["title"]
        self.notes[name] = document.notes()

    def certified_copy(self, context: dict) -> None:
        """The parallel text again, ending with the certification of the copy."""
        certification, doubts = assembler.assemble_single(
            self.answers, "copy-certification", context, self.templates_dir)
        self._doubts(doubts)
        # The text retyped: its signatures typed as «(подпись)», not lines to sign on.
        name = "amendment" if self.answers.is_amendment else "agreement"
        retyped = assembler.assemble(self.answers, self.templates_dir, name,
                                     agreement_text=self.agreement_text,
                                     extra={lang: {"retyped_copy": True}
                                            for lang in ("ru", "kk")}).parallel
        # «КОПИЯ» at the top of the first sheet; the certification kept with the last text.
        head = [block for block in certification.blocks if block.id == "mark"]
        copy = dataclasses.replace(retyped, head=head,
                                   tail=[b for b in certification.blocks if b not in head],
                                   properties={**self.parallel.properties, **self.properties})
        name = f"{CERTIFIED_COPY}.docx"
        self.files[name] = writer.write_parallel(copy)
        self.models[name] = copy
        self.titles[name] = self.titles[self.main_files["parallel"]]
        self.notes[name] = self.notes[self.main_files["parallel"]]

    def places(self, notes: list[unverified_module.Unverified]
               ) -> dict[unverified_module.Unverified, list[str]]:
        """The files each note stands in, by the note itself (never by its text)."""
        return {note: [name for name, carried in self.notes.items() if note in carried]
                for note in notes}

    def check_sheet(self, places: dict[unverified_module.Unverified, list[str]]) -> None:
        """«Что проверить перед отправкой»: every unchecked value, where it stands, its
        source, and how to make it verified."""
        items = [paperwork.check_item(note, where) for note, where in places.items()]
        self.render("check-sheet", CHECK_SHEET, {"unverified": items}, letter=False)

    def filing_steps(self) -> list:
        return [s for s in self.track.steps if s.stage and
                (self.stage == "all" or s.stage == self.stage)]


def _filing(documents: _Documents, agreement: dict[str, str], due: dict,
            count_sheets: bool) -> list[Finding]:
    """Letters and forms with blank sheet counts; then, with LibreOffice, count the pages
    and render again only the documents that cite sheet counts (the letters listing
    attachments), and the inventories. Returns the findings about counting."""
    steps = documents.filing_steps()
    inventories: dict[str, list[InventoryItem]] = {}
    for step in steps:
        items: list[InventoryItem] = []
        for document in step.documents:
            items += inventory_items(document, step.stage, documents.answers)
        inventories[step.id] = items
    # The inventory goes with a letter: it lists what the letter lists as attached, never
    # the letter itself (so the two always agree).
    for step in steps:
        inventories[step.id] = [i for i in inventories[step.id]
                                if i.file not in (f"{d}.docx" for d in LETTERS)]
    citing: list[tuple[str, str, list[InventoryItem]]] = []
    copying: list[dict] = []
    for step in steps:
        attachments = inventories[step.id]
        for document in step.documents:
            context = documents.context(agreement, due, step.id, attachments)
            if document in LETTERS or document in FORMS:
                documents.render(document, f"{document}.docx", context,
                                 letter=document in LETTERS)
                if document in LETTERS and attachments:
                    citing.append((document, step.id, attachments))
            elif document == CERTIFIED_COPY:
                documents.certified_copy(context)
                copying.append(context)
    found: list[Finding] = []
    if count_sheets and office.soffice():
        with tempfile.TemporaryDirectory(prefix="xbdocs-sheets-") as scratch:
            counts = office.page_counts(documents.files, Path(scratch))
        for items in inventories.values():
            for item in items:
                item.sheets = counts.get(item.file or "")
        for document, step_id, attachments in citing:
            documents.render(document, f"{document}.docx",
                             documents.context(agreement, due, step_id, attachments),
                             letter=True)
        # The copy's certification states its own sheets («Всего в копии 5 л.»): the
        # number takes the blank's place on the same line, so the count stays true.
        for context in copying:
            documents.certified_copy({**context,
                                      "copy_sheets": counts.get(f"{CERTIFIED_COPY}.docx")})
    elif count_sheets:
        found.append(Finding("XB019", WARNING, "", Message(
            "LibreOffice is not installed, so the sheet counts in the inventory and the "
            "attachments are left blank")))
    for step in steps:
        if len(step.documents) < 2:
            continue
        context = documents.context(agreement, due, step.id, [])
        context["inventory"] = inventories[step.id]
        context["letter_subject"] = _letter_subject(documents, step.documents)
        documents.render("inventory", f"inventory-{step.id}.docx", context, letter=False)
    return found


def _letter_subject(documents: _Documents, names: list[str]) -> str:
    """The subject line of the letter a step sends («О регистрации соглашения»), as the
    letter itself is titled, for its inventory's heading; empty when the step has none."""
    for name in names:
        model = documents.models.get(f"{name}.docx")
        if name in LETTERS and model is not None:
            subject = next((b for b in model.blocks if b.kind == "subject"), None)
            if subject is not None:
                return subject.text
    return ""


@functools.lru_cache(maxsize=8)
def _lint_errors(templates_dir: Path, digest: str) -> list[Finding]:
    """A templates folder's errors, linted once per content (``digest``) in a process."""
    return [f for f in lint.lint(templates_dir) if f.severity == ERROR]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- the entry points -------------------------------------------------------------------------

def review(answers: Answers | dict | str | os.PathLike[str], *,
           stage: str = DEFAULT_STAGE, today: dt.date | None = None,
           profile: Profile | str | os.PathLike[str] | None = None,
           templates_dir: os.PathLike[str] | None = None, lang: str | None = None,
           other_region: bool = False) -> list[Finding]:
    """Every finding a build of ``answers`` at ``stage`` reports, without writing anything:
    the checks (:func:`xbdocs.checks.check`) and, when they found no error, the doubts the
    language engine has while the documents are rendered. ``xbdocs check``, the interview's
    review, batch and the build all report this one list. Arguments as
    :func:`render_package`'s; ``lang`` None keeps the current message language."""
    with i18n.language(lang or i18n.current_language()):
        read, _name, _text, named_files = _answers(answers)
        loaded = profile if isinstance(profile, Profile) else profile_module.load(
            _profile_path(profile))
        today = today or dt.date.today()
        folder = Path(templates_dir) if templates_dir else None
        amended = amendment_inputs(read, folder, named_files)
        findings = checks.check(read, catalogue.load(), loaded, stage, today,
                                **_agreement_facts(amended), other_region=other_region)
        if any(f.severity == ERROR for f in findings):
            return findings
        options = Options(stage, templates_dir=folder, count_sheets=False,
                          other_region=other_region)
        return _render(read, "", options, today, None, loaded, checked=findings,
                       amended=amended).findings


def _agreement_facts(amended: Amended | None) -> dict[str, Any]:
    """What the checks of an amendment read of its agreement: its answers and clauses."""
    if amended is None or amended.agreement is None:
        return {}
    return {"agreement": amended.agreement, "numbers": amended.text.numbers}


def render(answers: Answers, answers_name: str, options: Options, today: dt.date,
           answers_text: str | None = None, *, named_files: bool = True) -> RenderedPackage:
    """Render a package from answers already read (the build's and batch's way in).
    ``answers_text``, the answers as their file holds them, is kept in the package as
    ``built-from.yaml``: a package says what it was built from (the register reads it).
    ``named_files``: whether a file the answers name (an amendment's agreement) may be
    read beside ``answers.source`` — not for answers given as text."""
    return _render(answers, answers_name, options, today, answers_text,
                   profile_module.load(options.profile_path), named_files=named_files)


def _render(answers: Answers, answers_name: str, options: Options, today: dt.date,
            answers_text: str | None, profile: Profile,
            checked: list[Finding] | None = None, amended: Amended | None = None,
            named_files: bool = True) -> RenderedPackage:
    stage = options.stage
    if options.templates_dir is not None:
        # A user's copy of the templates is linted first; the shipped set is by the tests.
        resolved = options.templates_dir.resolve()
        problems = _lint_errors(resolved, templates_digest(resolved))
        if problems:
            raise FindingsError(problems)
    if checked is None:
        amended = amendment_inputs(answers, options.templates_dir, named_files)
    findings = checked if checked is not None else checks.check(
        answers, catalogue.load(), profile, stage, today, **_agreement_facts(amended),
        other_region=options.other_region)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise FindingsError(errors)
    if options.consolidated:
        _can_consolidate(answers, amended)
    if options.make_pdf and office.soffice() is None:
        raise XbdocsError(Message("--pdf needs LibreOffice (soffice), which is not installed; on "
                                  "Debian: apt-get install libreoffice-writer-nogui"))
    letterhead = blank.load(options.letterhead) if options.letterhead is not None else None
    source = provenance(answers, answers_name, options, profile)
    track = profile.tracks[answers.track]
    documents = _Documents(answers, profile, track, stage, options, letterhead, today,
                           _properties(source, stage, today), amended)
    agreement = assembler.agreement_titles(documents.agreement())
    if options.consolidated:
        documents.consolidated()
    due, documents.deadlines, _late = checks.schedule(answers, track, today)
    counting: list[Finding] = []
    if stage != "agreement":
        counting = _filing(documents, agreement, due, options.count_sheets)
    carried = list(dict.fromkeys(n for held in documents.notes.values() for n in held))
    notes = unverified_module.collect(answers, profile, catalogue.load(), stage, carried)
    notes += [note for note in carried
              if isinstance(note, unverified_module.Unverified) and note.what == WORDING
              and note not in notes]  # the unchecked Kazakh phrases of an amendment's texts
    # What `check` says of a cited law not verified, as it says of the profile's facts
    # (XB012, checks.check): only a rendering knows which law a document cites.
    cited = [Finding("XB012", WARNING, "", note.line())
             for note in notes if unverified_module.is_law(note)]
    places = documents.places(notes)
    if notes:
        documents.check_sheet(places)
    files = documents.files
    if options.make_pdf:
        with tempfile.TemporaryDirectory(prefix="xbdocs-pdf-") as scratch:
            files.update(office.to_pdf(files, Path(scratch)))
    if answers_text is not None:
        files[ANSWERS] = answers_text.encode("utf-8")
    manifest = {
        **source,
        "stage": stage, "track": answers.track,
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": [{"name": name, "title": documents.titles.get(name, ""),
                   "bytes": len(data), "sha256": _sha256(data)}
                  for name, data in files.items()],
        "archive": PACKAGE_ZIP if options.make_zip else None,
        "deadlines": [{"step": d.title, "due": d.date.isoformat() if d.date else None,
                       "rule": d.rule, "verified": d.verified} for d in documents.deadlines],
    }
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode()
    if options.make_zip:
        files[PACKAGE_ZIP] = _zip(dict(files))
    every = sorted([*findings, *cited, *documents.doubts, *counting],
                   key=lambda f: (f.severity != ERROR, f.code))
    return RenderedPackage(files, every, places, documents.deadlines, stage, documents.titles,
                           manifest, i18n.current_language(), dict(documents.models))


def render_package(answers: Answers | dict | str | os.PathLike[str], *,
                   stage: str = DEFAULT_STAGE, today: dt.date | None = None,
                   profile: str | os.PathLike[str] | None = None,
                   letterhead: os.PathLike[str] | None = None, lang: str = "ru",
                   templates_dir: os.PathLike[str] | None = None, count_sheets: bool = True,
                   make_pdf: bool = False, make_zip: bool = False,
                   other_region: bool = False) -> RenderedPackage:
    """Render the package for ``answers`` in memory: the public way in (docs/api.md).

    ``answers`` is a path (:class:`os.PathLike`) of an answers file, the YAML text of one
    (a ``str`` is always text, never a file name: a server passes a clerk's text and must
    not open a file it names), a dict of the same shape, or :class:`Answers` already read.
    ``profile`` is a shipped profile's id or a profile file; ``lang`` the language of the
    messages (ru, kk or en), for this call only: of an error raised, and of
    :meth:`RenderedPackage.messages`; ``other_region`` builds with a profile of another
    region than the Russian party's (XB031 a warning, not an error). Safe to call from
    many threads
    at once. Raises :class:`xbdocs.errors.XbdocsError` (an ``InputError`` with every
    problem, a ``FindingsError`` with the checks' errors …) on input it cannot build."""
    with i18n.language(lang):
        read, name, text, named_files = _answers(answers)
        options = Options(stage, _profile_path(profile),
                          Path(templates_dir) if templates_dir is not None else None,
                          Path(letterhead) if letterhead is not None else None,
                          make_zip, count_sheets, make_pdf, other_region=other_region)
        return render(read, name, options, today or dt.date.today(), text,
                      named_files=named_files)


def _profile_path(profile: str | os.PathLike[str] | None) -> Path | None:
    """A profile given as a shipped one's id («altai-krai») or a file (the profile module
    tells which when it loads it)."""
    return Path(profile) if profile is not None else None


def _answers(answers: Answers | dict | str | os.PathLike[str]
             ) -> tuple[Answers, str, str | None, bool]:
    """The answers, the name a manifest records for them, their text, and whether they
    were read from a file (only then is a file they name read, from its folder)."""
    if isinstance(answers, Answers):
        return answers, Path(answers.source).name if answers.source else "", None, True
    if isinstance(answers, dict):
        text = answers_module.as_text(answers)
        return answers_module.from_data(answers, "answers"), "answers", text, False
    if isinstance(answers, str):
        read = answers_module.loads(answers, "answers.yaml")
        return read, "answers.yaml", answers, False
    path = Path(answers)
    read, text = answers_module.load_with_text(path)
    return read, path.name, text, True


def _can_consolidate(answers: Answers, amended: Amended | None) -> None:
    """--consolidated writes an agreement's text as amended: only for an amendment whose
    agreement's answers are known."""
    if amended is None:
        raise XbdocsError(Message("--consolidated is for an amendment's answers (with an "
                                  "«amends» section)"))
    if amended.revised is None:
        raise InputError.one(answers.source, Message(
            "--consolidated needs the agreement's answers: name its file beside this one "
            "(amends.agreement_answers) or its entry in the register (amends.registry)"),
            path="amends", line=answers.lines.get("amends"))


