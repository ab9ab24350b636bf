"""The filtered appointment list as CSV or Excel, as staff see it (phones masked)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

__all__ = ["COLUMNS", "ExportRow", "to_csv", "to_xlsx"]

COLUMNS = (
    "日期",
    "时间",
    "预约码",
    "工作站",
    "项目",
    "姓名",
    "手机（隐去中间四位）",
    "问题类别",
    "情况简介",
    "状态",
    "备注",
    "预约渠道",
)


@dataclass(frozen=True)
class ExportRow:
    day: str
    time: str
    code: str
    station: str
    service: str
    name: str
    phone_masked: str
    question: str
    summary: str
    status: str
    notes: str
    channel: str

    def cells(self) -> list[str]:
        return [
            self.day,
            self.time,
            self.code,
            self.station,
            self.service,
            self.name,
            self.phone_masked,
            self.question,
            self.summary,
            self.status,
            self.notes,
            self.channel,
        ]


def _safe(value: str) -> str:
    """Defuse spreadsheet formulas a worker could have typed (CSV/formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it without garbled text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row.cells()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Sequence[ExportRow], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active or workbook.create_sheet()
    sheet.title = "预约名单"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DCEBF2")
    for row in rows:
        sheet.append([_safe(cell) for cell in row.cells()])
    widths = (12, 8, 10, 28, 12, 10, 16, 14, 40, 8, 30, 10)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for line in sheet.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
