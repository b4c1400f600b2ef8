"""Excel downloads: one helper so every export is scoped by its caller, audited and laid out alike."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from paperwork.xlsx import append_row
from qinglian.audit.models import Action
from qinglian.audit.services import audit_request
from qinglian.limits.services import Kind, rate_refusal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    append_row(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        append_row(ws, row)
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(60, len(str(name)) * 2 + 4))
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(request: HttpRequest, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
                  ) -> HttpResponse:
    """`rows` as an .xlsx download, audited as an export by the user of `request`, with its address; a 429
    instead when the account or the address has exported too often."""
    if refused := rate_refusal(request, Kind.EXPORT):
        return refused
    audit_request(request, action=Action.EXPORT, summary=f"导出{title}（{len(rows)}行）")
    stamp = timezone.localdate().strftime("%Y%m%d")
    return file_response(xlsx_bytes(title, header, rows), f"{title}-{stamp}.xlsx", XLSX)
