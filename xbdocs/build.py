"""The build: a package rendered in memory (:mod:`xbdocs.package`) written into a folder,
every file atomically, or nothing on any error; and whether a folder already holds a build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from xbdocs import answers as answers_module
from xbdocs import checks, output
from xbdocs.answers import Answers
from xbdocs.findings import Finding
from xbdocs.output import MANIFEST
from xbdocs.package import Options, RenderedPackage, render


@dataclass
class BuildResult:
    written: list[Path]
    #: Every finding the build reports (:func:`xbdocs.package.review`'s list).
    warnings: list[Finding]
    deadlines: list[checks.StepDeadline] = field(default_factory=list)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_package(rendered: RenderedPackage, outdir: Path, *, force: bool = False
                  ) -> list[Path]:
    """Write a rendered package into ``outdir``: each file whole or not at all, none over
    an existing one without ``force`` (:class:`xbdocs.output.Package`). The paths
    written."""
    return output.write_files(rendered.files, outdir, force)


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
    """Build from answers already read: render, then write. ``answers_text`` is kept in the
    package as ``built-from.yaml`` (see :func:`xbdocs.package.render`)."""
    rendered = render(answers, answers_name, options, today or dt.date.today(), answers_text)
    written = write_package(rendered, outdir, force=force)
    return BuildResult(written, rendered.findings, rendered.deadlines)
