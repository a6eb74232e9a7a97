"""The build: answers file → documents → files on disk."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xbdocs import answers as answers_module
from xbdocs import assembler, output, writer

AGREEMENT_FILES = {
    "parallel": "agreement.ru-kk.docx",
    "ru": "agreement.ru.docx",
    "kk": "agreement.kk.docx",
}


@dataclass
class BuildResult:
    written: list[Path]
    warnings: list[str]


def build(answers_path: Path, outdir: Path, force: bool = False,
          templates_dir: Path | None = None) -> BuildResult:
    """Everything is rendered in memory first, so a failure writes nothing."""
    targets = {key: outdir / name for key, name in AGREEMENT_FILES.items()}
    output.check_free(list(targets.values()), force)
    answers = answers_module.load(answers_path)
    assembly = assembler.assemble(answers, templates_dir)
    files = {
        targets["parallel"]: writer.write_parallel(assembly.parallel),
        targets["ru"]: writer.write(assembly.documents["ru"]),
        targets["kk"]: writer.write(assembly.documents["kk"]),
    }
    output.write_all(files, force)
    return BuildResult(list(files), assembly.warnings)
