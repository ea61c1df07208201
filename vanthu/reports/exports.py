"""Printable register books for views and the API: one call returns the finished file.

`register_export_file` writes the book into a temporary file (in memory up to
`SPOOL_MAX_BYTES`, then on disk) that the page and the API stream to the client; the rows are
streamed from the database while the file is written (`reports.registers`).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import IO

from vanthu.core.actor import Actor
from vanthu.reports.pdf import book_pdf_write
from vanthu.reports.registers import Book, register_book_get
from vanthu.reports.xlsx import book_xlsx_write

# A book larger than this is spooled to a temporary file on disk rather than kept in memory.
SPOOL_MAX_BYTES = 8 * 1024 * 1024


class FileFormat(StrEnum):
    """The file formats a book is printed in; values appear in URLs and the API."""

    PDF = "pdf"
    XLSX = "xlsx"


CONTENT_TYPES = {
    FileFormat.PDF: "application/pdf",
    FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True, slots=True)
class Export:
    """A finished book file: its download name, media type and bytes."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True, slots=True)
class ExportFile:
    """A finished book file to stream: its download name, media type and an open binary file.

    The file is positioned at its start; whoever streams it closes it (Django's FileResponse
    does), which deletes it.
    """

    filename: str
    content_type: str
    file: IO[bytes]


def register_export_file(
    *,
    actor: Actor,
    book: Book | str,
    register_id: int,
    date_from: date,
    date_to: date,
    file_format: FileFormat | str,
) -> ExportFile:
    """Write one register book of a period as PDF or XLSX, read with the actor's rights.

    Raises NotFound (another agency's register), PermissionDenied (not a clerk, leader or
    archivist of its agency) or ValidationFailed (the wrong book for the register, a period
    that ends before it starts), before anything is written.
    """
    file_format = FileFormat(file_format)
    register_book = register_book_get(
        actor=actor, book=Book(book), register_id=register_id, date_from=date_from, date_to=date_to
    )
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES)  # noqa: SIM115 (returned open)
    try:
        if file_format == FileFormat.PDF:
            book_pdf_write(register_book, out)
        else:
            book_xlsx_write(register_book, out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return ExportFile(
        filename=register_book.filename(file_format.value),
        content_type=CONTENT_TYPES[file_format],
        file=out,
    )


def register_export(
    *,
    actor: Actor,
    book: Book | str,
    register_id: int,
    date_from: date,
    date_to: date,
    file_format: FileFormat | str,
) -> Export:
    """Return one register book of a period as PDF or XLSX bytes, read with the actor's rights."""
    export = register_export_file(
        actor=actor,
        book=book,
        register_id=register_id,
        date_from=date_from,
        date_to=date_to,
        file_format=file_format,
    )
    with export.file as handle:
        content = handle.read()
    return Export(filename=export.filename, content_type=export.content_type, content=content)


def _content(
    book: Book, file_format: FileFormat, actor: Actor, register_id: int, start: date, end: date
) -> bytes:
    return register_export(
        actor=actor,
        book=book,
        register_id=register_id,
        date_from=start,
        date_to=end,
        file_format=file_format,
    ).content


def incoming_register_pdf(
    *, actor: Actor, register_id: int, date_from: date, date_to: date
) -> bytes:
    """Return the incoming book (Sổ đăng ký văn bản đến) of a period as PDF."""
    return _content(Book.INCOMING, FileFormat.PDF, actor, register_id, date_from, date_to)


def incoming_register_xlsx(
    *, actor: Actor, register_id: int, date_from: date, date_to: date
) -> bytes:
    """Return the incoming book (Sổ đăng ký văn bản đến) of a period as XLSX."""
    return _content(Book.INCOMING, FileFormat.XLSX, actor, register_id, date_from, date_to)


def outgoing_register_pdf(
    *, actor: Actor, register_id: int, date_from: date, date_to: date
) -> bytes:
    """Return the outgoing book (Sổ đăng ký văn bản đi) of a period as PDF."""
    return _content(Book.OUTGOING, FileFormat.PDF, actor, register_id, date_from, date_to)


def outgoing_register_xlsx(
    *, actor: Actor, register_id: int, date_from: date, date_to: date
) -> bytes:
    """Return the outgoing book (Sổ đăng ký văn bản đi) of a period as XLSX."""
    return _content(Book.OUTGOING, FileFormat.XLSX, actor, register_id, date_from, date_to)


def tracking_register_pdf(
    *, actor: Actor, register_id: int, date_from: date, date_to: date
) -> bytes:
    """Return the tracking book (Sổ theo dõi giải quyết văn bản đến) of a period as PDF."""
    return _content(Book.TRACKING, FileFormat.PDF, actor, register_id, date_from, date_to)


def tracking_register_xlsx(
    *, actor: Actor, register_id: int, date_from: date, date_to: date
) -> bytes:
    """Return the tracking book (Sổ theo dõi giải quyết văn bản đến) of a period as XLSX."""
    return _content(Book.TRACKING, FileFormat.XLSX, actor, register_id, date_from, date_to)
