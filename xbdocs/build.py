"""The build: answers → the agreement and, by stage, the filing paperwork → files.

Everything is rendered in memory first and checked; only then are the files written,
each atomically, with a manifest that records where every file came from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from xbdocs import (
    __version__,
    assembler,
    blank,
    catalogue,
    checks,
    lint,
    office,
    output,
    paperwork,
    unverified,
    writer,
)
from xbdocs import answers as answers_module
from xbdocs import profile as profile_module
from xbdocs.answers import Answers
from xbdocs.errors import XbdocsError
from xbdocs.findings import ERROR, WARNING, Finding
from xbdocs.i18n import _
from xbdocs.model import Document
from xbdocs.paperwork import InventoryItem, inventory_items
from xbdocs.profile import Profile, TrackProfile

AGREEMENT_FILES = {
    "parallel": "agreement.ru-kk.docx",
    "ru": "agreement.ru.docx",
    "kk": "agreement.kk.docx",
}
STAGES = ("agreement", "approval", "registration", "all")
#: Documents xbdocs writes from a template of the same name (the agreement aside).
LETTERS = ("notice", "approval-request", "registration-application")
FORMS = ("explanatory-note", "register-card")
#: The agreement's text with the certification «Верно» at its end.
CERTIFIED_COPY = "certified-copy"
#: The clerk's list of unchecked values; not part of any filing.
CHECK_SHEET = "check-sheet.docx"
MANIFEST = output.MANIFEST
#: The answers a package was built from, as their file held them. Not «answers.yaml»: that
#: is what a clerk calls their own file, which a build into its folder must never replace.
ANSWERS = "built-from.yaml"
PACKAGE_ZIP = "package.zip"


class FindingsError(XbdocsError):
    """Checks or template lint found errors; one line per finding."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__("\n".join(map(str, findings)))

    def lines(self) -> list[str]:
        return [str(f) for f in self.findings]


@dataclass
class BuildResult:
    written: list[Path]
    warnings: list[Finding]
    deadlines: list[checks.Due] = field(default_factory=list)
    findings: list[checks.Finding] = field(default_factory=list)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _templates_digest(templates_dir: Path) -> str:
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


class _Package:
    """The documents of one build, rendered in memory."""

    def __init__(self, answers: Answers, profile: Profile, track: TrackProfile, stage: str,
                 templates_dir: Path | None, letterhead: bytes | None, today: dt.date,
                 properties: dict[str, str], scratch: Path):
        self.answers, self.profile, self.track, self.stage = answers, profile, track, stage
        self.templates_dir, self.letterhead, self.today = templates_dir, letterhead, today
        self.properties, self.scratch = properties, scratch
        self.deadlines: list[checks.Due] = []
        self.files: dict[str, bytes] = {}
        self.titles: dict[str, str] = {}
        self.warnings: list[Finding] = []
        self.documents = track.documents(stage) if stage != "agreement" else ["agreement"]
        #: The remarks each file carries (its unchecked values), by file name.
        self.remarks: dict[str, list[str]] = {}

    def agreement(self) -> Document:
        assembly = assembler.assemble(self.answers, self.templates_dir)
        self.warnings += assembly.warnings
        for document in (*assembly.documents.values(), assembly.parallel):
            document.properties.update(self.properties)
        self.files[AGREEMENT_FILES["parallel"]] = writer.write_parallel(assembly.parallel)
        self.files[AGREEMENT_FILES["ru"]] = writer.write(assembly.documents["ru"])
        self.files[AGREEMENT_FILES["kk"]] = writer.write(assembly.documents["kk"])
        for name in AGREEMENT_FILES.values():
            self.titles[name] = assembly.documents["ru"].properties["title"]
        self.parallel = assembly.parallel
        for lang in ("ru", "kk"):
            self.remarks[AGREEMENT_FILES[lang]] = assembly.documents[lang].comments()
        self.remarks[AGREEMENT_FILES["parallel"]] = (self.remarks[AGREEMENT_FILES["ru"]]
                                                    + self.remarks[AGREEMENT_FILES["kk"]])
        return assembly.documents["ru"]

    def context(self, agreement: dict[str, str], due: dict, step_id: str | None,
                attachments: list[InventoryItem]) -> dict:
        return paperwork.context(self.answers, self.profile, self.track,
                                 self.letterhead is not None, agreement, due, step_id,
                                 attachments, self.today)

    def render(self, template: str, name: str, context: dict, letter: bool) -> None:
        document, doubts = assembler.assemble_single(self.answers, template, context,
                                                     self.templates_dir)
        self.warnings += [d for d in doubts if d not in self.warnings]
        document.properties.update(self.properties)
        if letter:
            document.page_numbers = "head-after-first"
        self.files[name] = writer.write(document, base=self.letterhead if letter else None)
        self.titles[name] = document.properties["title"]
        self.remarks[name] = document.comments()

    def certified_copy(self, context: dict) -> None:
        """The parallel text again, ending with the certification of the copy."""
        certification, doubts = assembler.assemble_single(
            self.answers, "copy-certification", context, self.templates_dir)
        self.warnings += [d for d in doubts if d not in self.warnings]
        copy = dataclasses.replace(self.parallel, tail=certification.blocks,
                                   properties={**self.parallel.properties, **self.properties})
        name = f"{CERTIFIED_COPY}.docx"
        self.files[name] = writer.write_parallel(copy)
        self.titles[name] = self.titles[AGREEMENT_FILES["parallel"]]
        self.remarks[name] = self.remarks[AGREEMENT_FILES["parallel"]]

    def check_sheet(self, notes: list[unverified.Unverified]) -> None:
        """«Что проверить перед отправкой»: every unchecked value, where it stands, its
        source, and how to make it verified."""
        items = []
        for note in notes:
            comment = note.comment()
            items.append(paperwork.check_item(
                note, [name for name, remarks in self.remarks.items() if comment in remarks]))
        self.render("check-sheet", CHECK_SHEET, {"unverified": items}, letter=False)

    def filing_steps(self) -> list:
        return [s for s in self.track.steps if s.stage and
                (self.stage == "all" or s.stage == self.stage)]


def build(answers_path: Path, outdir: Path, force: bool = False,
          templates_dir: Path | None = None, stage: str = "agreement",
          profile_path: Path | None = None, letterhead: Path | None = None,
          make_zip: bool = False, count_sheets: bool = True, make_pdf: bool = False,
          today: dt.date | None = None) -> BuildResult:
    """Build a stage's documents into ``outdir``. Nothing is written on any error."""
    answers, text = answers_module.load_with_text(answers_path)
    return build_answers(answers, answers_path.name, outdir,
                         Options(stage, profile_path, templates_dir, letterhead, make_zip,
                                 count_sheets, make_pdf), force, today, text)


@dataclass(frozen=True)
class Options:
    """How to build, the same for every agreement of a batch."""

    stage: str = "agreement"
    profile_path: Path | None = None
    templates_dir: Path | None = None
    letterhead: Path | None = None
    make_zip: bool = False
    count_sheets: bool = True
    make_pdf: bool = False

    def recorded(self) -> dict:
        """What the manifest keeps of the options, to tell whether a build is current."""
        return {"stage": self.stage, "pdf": self.make_pdf, "zip": self.make_zip,
                "count_sheets": self.count_sheets}


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
                      "sha256": _templates_digest(resolved_templates)},
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


#: What a folder holds compared with a build about to be made (see :func:`compare`).
NOTHING, CURRENT, OTHER_INPUTS, EDITED = "nothing", "current", "other-inputs", "edited"


def compare(outdir: Path, expected: dict) -> tuple[str, list[str]]:
    """Whether ``outdir`` holds this build already: NOTHING (no manifest), CURRENT (its
    manifest has this provenance and every file it lists is there with its digest),
    OTHER_INPUTS (built from other answers, templates or options) or EDITED (the files
    listed, second, changed since)."""
    try:
        manifest = json.loads((outdir / MANIFEST).read_text("utf-8"))
    except FileNotFoundError:
        return NOTHING, []
    except (OSError, ValueError):
        return OTHER_INPUTS, []
    try:
        # The answers are the same by their digest, wherever they were read from.
        if manifest["answers"]["sha256"] != expected["answers"]["sha256"] or any(
                manifest.get(key) != value for key, value in expected.items()
                if key != "answers"):
            return OTHER_INPUTS, []
        edited = []
        for item in manifest["files"]:
            try:
                if _sha256((outdir / item["name"]).read_bytes()) != item["sha256"]:
                    edited.append(item["name"])
            except OSError:
                edited.append(item["name"])
    except (KeyError, TypeError, AttributeError):
        return OTHER_INPUTS, []
    return (EDITED, edited) if edited else (CURRENT, [])


def build_answers(answers: Answers, answers_name: str, outdir: Path, options: Options,
                  force: bool = False, today: dt.date | None = None,
                  answers_text: str | None = None) -> BuildResult:
    """Build from answers already read. ``answers_text``, the answers as their file holds
    them, is kept in the package as ``built-from.yaml``: a package says what it was built
    from (the register reads it)."""
    today = today or dt.date.today()
    stage, templates_dir = options.stage, options.templates_dir
    profile = profile_module.load(options.profile_path)
    track = profile.tracks.get(answers.track)
    if templates_dir is not None:
        # A user's copy of the templates is linted first; the shipped set is by the tests.
        problems = _lint_errors(templates_dir.resolve(),
                                _templates_digest(templates_dir.resolve()))
        if problems:
            raise FindingsError(problems)
    findings = checks.check(answers, catalogue.load(), profile, stage, today)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise FindingsError(errors)
    if options.make_pdf and office.soffice() is None:
        raise XbdocsError(_("--pdf needs LibreOffice (soffice), which is not installed; on "
                            "Debian: apt-get install libreoffice-writer-nogui"))
    letterhead = options.letterhead
    letterhead_package = blank.load(letterhead) if letterhead is not None else None
    make_pdf, make_zip, count_sheets = options.make_pdf, options.make_zip, options.count_sheets
    source = provenance(answers, answers_name, options, profile)
    with output.Package(outdir, force, previous_manifest=MANIFEST) as files:
        package = _Package(answers, profile, track, stage, templates_dir, letterhead_package,
                           today, _provenance_properties(source, stage, today),
                           files.scratch)
        agreement = assembler.agreement_titles(package.agreement())
        due, package.deadlines, _late = checks.schedule(answers, track, today)
        if stage != "agreement":
            _render_filing(package, agreement, due, count_sheets)
        notes = unverified.collect(answers, profile, catalogue.load(), stage)
        if notes:
            package.check_sheet(notes)
        package.warnings += findings
        if make_pdf:
            package.files.update(office.to_pdf(package.files, files.scratch))
        if answers_text is not None:
            package.files[ANSWERS] = answers_text.encode("utf-8")
        for name, data in package.files.items():
            files.add(name, data)
        manifest = {
            **source,
            "stage": stage, "track": answers.track,
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "files": [{"name": name, "title": package.titles.get(name, ""),
                       "bytes": len(data), "sha256": _sha256(data)}
                      for name, data in package.files.items()],
            "archive": PACKAGE_ZIP if make_zip else None,
            "deadlines": [{"step": d.title, "due": d.date.isoformat() if d.date else None,
                           "rule": d.rule, "verified": d.verified} for d in package.deadlines],
        }
        files.add(MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
                             ).encode("utf-8"))
        if make_zip:
            files.add(PACKAGE_ZIP, _zip(dict(files.files)))
        written = files.commit()
    return BuildResult(written, package.warnings, package.deadlines, findings)


def _render_filing(package: _Package, agreement: dict[str, str], due: dict,
                   count_sheets: bool) -> None:
    """Letters and forms first with blank sheet counts; count pages; then render the ones
    that cite sheet counts again, and the inventories."""
    steps = package.filing_steps()
    inventories: dict[str, list[InventoryItem]] = {}
    for step in steps:
        items: list[InventoryItem] = []
        for document in step.documents:
            items += inventory_items(document, step.stage, package.answers)
        inventories[step.id] = items

    def render_all() -> None:
        for step in steps:
            attachments = [i for i in inventories[step.id]
                           if i.file not in (f"{d}.docx" for d in LETTERS)]
            for document in step.documents:
                if document in LETTERS or document in FORMS:
                    package.render(document, f"{document}.docx",
                                   package.context(agreement, due, step.id, attachments),
                                   letter=document in LETTERS)
                elif document == CERTIFIED_COPY:
                    package.certified_copy(package.context(agreement, due, step.id,
                                                           attachments))

    render_all()
    if count_sheets and office.soffice():
        counts = office.page_counts(package.files, package.scratch)
        for items in inventories.values():
            for item in items:
                item.sheets = counts.get(item.file or "")
        render_all()
    elif count_sheets:
        package.warnings.append(Finding("XB019", WARNING, "", _(
            "LibreOffice is not installed, so the sheet counts in the inventory and the "
            "attachments are left blank")))
    for step in steps:
        if len(step.documents) < 2:
            continue
        context = package.context(agreement, due, step.id, [])
        context["inventory"] = inventories[step.id]
        package.render("inventory", f"inventory-{step.id}.docx", context, letter=False)


@functools.lru_cache(maxsize=8)
def _lint_errors(templates_dir: Path, digest: str) -> list[Finding]:
    """A templates folder's errors, linted once per content (``digest``) in a process."""
    return [f for f in lint.lint(templates_dir) if f.severity == ERROR]


def _provenance_properties(provenance: dict, stage: str, today: dt.date) -> dict[str, str]:
    """Where and when a DOCX came from, for its document properties."""
    comments = (f"xbdocs {provenance['toolkit']['version']}; templates "
                f"sha256:{provenance['templates']['sha256'][:16]}; answers "
                f"sha256:{provenance['answers']['sha256'][:16]}; profile "
                f"{provenance['profile']['id']}; stage {stage}")
    return {"comments": comments, "identifier": provenance["answers"]["sha256"],
            "version": provenance["toolkit"]["version"], "content_status": stage,
            "created": today.isoformat()}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
