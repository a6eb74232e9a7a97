"""LibreOffice, when it is installed: converting DOCX to PDF and counting pages.

Each call runs soffice with a private profile folder, so parallel calls do not collide, with
a timeout, because some files hang it forever, and tied to xbdocs's life, so a killed build
leaves no soffice running. Its temporary files go into the folder the caller gives (the
output package's scratch folder), so they are cleaned up with it."""

from __future__ import annotations

import hashlib
import re
import subprocess
import tempfile
from pathlib import Path

from xbdocs import diskcache, system
from xbdocs.errors import XbdocsError
from xbdocs.i18n import Message

TIMEOUT_SECONDS = 180
_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")
soffice = system.soffice


def convert_to_pdf(files: list[Path], outdir: Path, timeout: int = TIMEOUT_SECONDS,
                   work: Path | None = None) -> list[Path]:
    """Convert DOCX files to PDF in ``outdir``; return the PDFs in the same order. The
    LibreOffice profile is made in ``work`` (default: beside ``outdir``)."""
    program = soffice()
    if program is None:
        raise XbdocsError(Message("LibreOffice (soffice) is not installed; on Debian: apt-get "
                                  "install libreoffice-writer-nogui"))
    work = work or outdir.parent
    with tempfile.TemporaryDirectory(prefix="lo-profile-", dir=work) as profile:
        command = [program, f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
                   "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
                   *map(str, files)]
        try:
            system.run_tied(command, timeout)
        except subprocess.TimeoutExpired:
            raise XbdocsError(Message("LibreOffice did not finish in {seconds} s").format(
                seconds=timeout)) from None
        except OSError as exc:
            raise XbdocsError(Message("LibreOffice could not be started: {error}").format(
                error=exc.strerror)) from None
    pdfs = [outdir / f"{path.stem}.pdf" for path in files]
    missing = [str(pdf.name) for pdf in pdfs if not pdf.is_file()]
    if missing:
        raise XbdocsError(Message("LibreOffice did not convert: {files}").format(
            files=", ".join(missing)))
    return pdfs


def count_pages(pdf: Path) -> int:
    """Pages of a PDF that LibreOffice wrote (it keeps page objects uncompressed)."""
    return len(_PAGE.findall(pdf.read_bytes()))


def _converted(files: dict[str, bytes], work: Path) -> dict[str, bytes]:
    """PDF bytes of each DOCX given as bytes by name (same names, .pdf)."""
    with tempfile.TemporaryDirectory(prefix="pdf-", dir=work) as folder_name:
        folder = Path(folder_name)
        paths = []
        for name, data in files.items():
            path = folder / name
            path.write_bytes(data)
            paths.append(path)
        pdfs = convert_to_pdf(paths, folder / "pdf", work=folder)
        return {pdf.name: pdf.read_bytes() for pdf in pdfs}


def to_pdf(files: dict[str, bytes], work: Path) -> dict[str, bytes]:
    """A PDF for every DOCX among ``files``; temporaries in ``work``."""
    return _converted({n: d for n, d in files.items() if n.endswith(".docx")}, work)


def page_counts(files: dict[str, bytes], work: Path) -> dict[str, int]:
    """Pages of each DOCX given as bytes by name, laid out by LibreOffice.

    A count is kept in the disk cache by the DOCX's bytes and the LibreOffice installed
    (:mod:`xbdocs.diskcache`), so a package built again — the browser's download of a
    package previewed, a build repeated — does not start LibreOffice (about 2 s) for
    documents it has counted already."""
    program = soffice()
    counts: dict[str, int] = {}
    keys = {name: _count_key(data, program) for name, data in files.items()}
    for name, key in keys.items():
        kept = diskcache.read("page-counts", key) if key else None
        if kept is not None and kept.isdigit():
            counts[name] = int(kept)
    missing = {name: data for name, data in files.items() if name not in counts}
    if missing:
        pdfs = _converted(missing, work)
        for name in missing:
            counts[name] = len(_PAGE.findall(pdfs[f"{Path(name).stem}.pdf"]))
            if keys[name]:
                diskcache.write("page-counts", keys[name], str(counts[name]).encode())
    return {name: counts[name] for name in files}


def _count_key(data: bytes, program: str | None) -> str | None:
    """What a page count depends on: the document's bytes and the LibreOffice that laid it
    out (its program file's path, size and time: an upgrade finds no old entry)."""
    if program is None:
        return None
    try:
        stat = Path(program).resolve().stat()
    except OSError:
        return None
    digest = hashlib.sha256(data)
    digest.update(f"{Path(program).resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()
