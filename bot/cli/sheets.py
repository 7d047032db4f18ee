"""Ledger sinks: an XLSX workbook streamed by openpyxl's write-only mode, or a CSV file.

XLSX: frozen header row, column widths, real datetimes and percentages; a second sheet with the
summary. CSV: UTF-8 with a byte-order mark (so spreadsheet programs read Chinese), the rows only.
"""

from __future__ import annotations

import csv
from datetime import datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from bot.domain.ledger import Column

FORMATS = {"datetime": "yyyy-mm-dd hh:mm", "rate": "0%"}


class XlsxSink:
    """Rows appended to a write-only workbook (each sheet spooled to a temporary file, not held)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.book = Workbook(write_only=True)
        self.sheet = None
        self.cols: list[Column] = []

    def _sheet(self, title: str, headers: list[str], cols: list[Column]):
        sheet = self.book.create_sheet(title)
        sheet.freeze_panes = "A2"
        for i, c in enumerate(cols):
            sheet.column_dimensions[_letter(i)].width = max(c.width, _text_width(headers[i]) + 2)
        bold = Font(bold=True)
        sheet.append([_cell(sheet, h, None, bold) for h in headers])
        self.sheet, self.cols = sheet, cols
        return sheet

    def start(self, title: str, headers: list[str], cols: list[Column]) -> None:
        """Open the ledger sheet and write its header row."""
        self._sheet(title, headers, cols)

    def row(self, values: list[object]) -> None:
        """Append one row."""
        self.sheet.append(
            [
                _cell(self.sheet, v, FORMATS.get(c.kind)) if c.kind in FORMATS else v
                for v, c in zip(values, self.cols)
            ]
        )

    def summary(self, title: str, headers: list[str], cols: list[Column], rows: list[list[object]]) -> None:
        """Write the summary sheet, then the workbook."""
        self._sheet(title, headers, cols)
        for values in rows:
            self.row(values)
        self.book.save(self.path)


class CsvSink:
    """Rows written to a CSV stream as they come; the summary is not part of a CSV."""

    def __init__(self, stream: IO[str]) -> None:
        self.writer = csv.writer(stream)

    def start(self, title: str, headers: list[str], cols: list[Column]) -> None:
        """Write the header row."""
        self.writer.writerow(headers)

    def row(self, values: list[object]) -> None:
        """Write one row (datetimes as `2026-11-30 09:15:00`)."""
        self.writer.writerow(
            [
                "" if v is None else v.strftime("%Y-%m-%d %H:%M:%S") if isinstance(v, datetime) else v
                for v in values
            ]
        )

    def summary(self, title: str, headers: list[str], cols: list[Column], rows: list[list[object]]) -> None:
        """Nothing: a CSV file holds one table."""


def _cell(sheet, value: object, number_format: str | None, font: Font | None = None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if number_format and value is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _text_width(text: str) -> int:
    """Display width: CJK characters count twice."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
