"""LibreOffice, when it is installed: converting DOCX to PDF and counting pages.

Each call runs soffice with a private profile folder, so parallel calls do not collide,
and with a timeout, because some files hang it forever."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from xbdocs.errors import XbdocsError
from xbdocs.i18n import _

TIMEOUT_SECONDS = 180
_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(files: list[Path], outdir: Path, timeout: int = TIMEOUT_SECONDS
                   ) -> list[Path]:
    """Convert DOCX files to PDF in ``outdir``; return the PDFs in the same order."""
    program = soffice()
    if program is None:
        raise XbdocsError(_("LibreOffice (soffice) is not installed; on Debian: apt-get "
                            "install libreoffice-writer-nogui"))
    with tempfile.TemporaryDirectory(prefix="xbdocs-lo-") as profile:
        command = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
                   *map(str, files)]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise XbdocsError(_("LibreOffice did not finish in {seconds} s").format(
                seconds=timeout)) from None
    pdfs = [outdir / f"{path.stem}.pdf" for path in files]
    missing = [str(pdf.name) for pdf in pdfs if not pdf.is_file()]
    if missing:
        raise XbdocsError(_("LibreOffice did not convert: {files}").format(
            files=", ".join(missing)))
    return pdfs


def count_pages(pdf: Path) -> int:
    """Pages of a PDF that LibreOffice wrote (it keeps page objects uncompressed)."""
    return len(_PAGE.findall(pdf.read_bytes()))



def _converted(files: dict[str, bytes]) -> dict[str, bytes]:
    """PDF bytes of each DOCX given as bytes by name (same names, .pdf)."""
    with tempfile.TemporaryDirectory(prefix="xbdocs-pdf-") as work:
        folder = Path(work)
        paths = []
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            paths.append(path)
        pdfs = convert_to_pdf(paths, folder / "pdf")
        return {pdf.name: pdf.read_bytes() for pdf in pdfs}


def to_pdf(files: dict[str, bytes]) -> dict[str, bytes]:
    """A PDF for every DOCX among ``files``."""
    return _converted({n: d for n, d in files.items() if n.endswith(".docx")})


def page_counts(files: dict[str, bytes]) -> dict[str, int]:
    """Pages of each DOCX given as bytes by name, laid out by LibreOffice."""
    pdfs = _converted(files)
    return {name: len(_PAGE.findall(pdfs[f"{Path(name).stem}.pdf"])) for name in files}
