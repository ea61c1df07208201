"""Write a register book as XLSX: the same columns as the PDF, dates as real spreadsheet dates.

openpyxl's write-only mode streams rows to the file as they come, so a large period is never
held in memory as a worksheet.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from vanthu.reports.registers import Cell, Column, RegisterBook

DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
# The column header row: the rows above it hold the title block.
HEADER_ROW = 4
# Excel column width is counted in characters; about 1.6 mm each at the default font size.
MM_PER_CHARACTER = 1.6
# Excel's limit on a worksheet title.
SHEET_TITLE_MAX = 31

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_CENTRE_TOP = Alignment(horizontal="center", vertical="top", wrap_text=True)
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8E8E8")


def _title_cell(
    ws: WriteOnlyWorksheet, value: str, *, bold: bool = False, size: int = 11
) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.font = Font(bold=bold, size=size)
    return cell


def _data_cell(ws: WriteOnlyWorksheet, column: Column, value: Cell) -> WriteOnlyCell:
    if isinstance(value, datetime) and value.tzinfo is not None:
        # Spreadsheets have no time zones: the received time is written as local wall time.
        value = value.replace(tzinfo=None)
    cell = WriteOnlyCell(ws, value=value)
    cell.border = _BORDER
    if isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    cell.alignment = _WRAP_TOP if column.kind == "text" else _CENTRE_TOP
    return cell


def book_xlsx(book: RegisterBook) -> bytes:
    """Return a register book as an XLSX workbook with one sheet."""
    buffer = io.BytesIO()
    book_xlsx_write(book, buffer)
    return buffer.getvalue()


def book_xlsx_write(book: RegisterBook, out: IO[bytes]) -> None:
    """Write a register book as an XLSX workbook with one sheet to the binary file `out`."""
    layout, heading = book.layout, book.heading
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=layout.title.title()[:SHEET_TITLE_MAX])
    for index, column in enumerate(layout.columns, start=1):
        width = max(8.0, column.width_mm / MM_PER_CHARACTER)
        ws.column_dimensions[get_column_letter(index)].width = width
    # The header row stays in view while scrolling and is repeated on every printed page.
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0

    agency = heading.agency_name.upper()
    if heading.parent_agency_name:
        agency = f"{heading.parent_agency_name.upper()} — {agency}"
    ws.append([_title_cell(ws, agency, bold=True)])
    ws.append([_title_cell(ws, f"{layout.title} — NĂM {heading.years}", bold=True, size=14)])
    ws.append([_title_cell(ws, f"Sổ: {heading.register_name}. {heading.period}")])

    header = []
    for column in layout.columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.font = Font(bold=True)
        cell.alignment = _HEADER_ALIGN
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        header.append(cell)
    ws.append(header)

    _write_rows(ws, layout.columns, book.rows)
    workbook.save(out)


def _write_rows(
    ws: WriteOnlyWorksheet, columns: Sequence[Column], rows: Iterable[Sequence[Cell]]
) -> None:
    for cells in rows:
        ws.append(
            [_data_cell(ws, column, value) for column, value in zip(columns, cells, strict=True)]
        )
