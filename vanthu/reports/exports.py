"""Printable register books for views and the API: one call returns the finished file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from vanthu.core.actor import Actor
from vanthu.reports.pdf import book_pdf
from vanthu.reports.registers import Book, register_book_get
from vanthu.reports.xlsx import book_xlsx


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


def register_export(
    *,
    actor: Actor,
    book: Book | str,
    register_id: int,
    date_from: date,
    date_to: date,
    file_format: FileFormat | str,
) -> Export:
    """Return one register book of a period as PDF or XLSX, read with the actor's rights."""
    file_format = FileFormat(file_format)
    register_book = register_book_get(
        actor=actor, book=Book(book), register_id=register_id, date_from=date_from, date_to=date_to
    )
    content = book_pdf(register_book) if file_format == FileFormat.PDF else book_xlsx(register_book)
    return Export(
        filename=register_book.filename(file_format.value),
        content_type=CONTENT_TYPES[file_format],
        content=content,
    )


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
