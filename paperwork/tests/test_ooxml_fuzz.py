"""Spoiled real .xlsx/.docx files: the guard answers a Package or a PackageRefused, and the report reader a
result or a ReadError (no ParseError, TypeError, zlib.error… escapes). The reader is fuzzed without its public
safety net (read_bytes_unchecked), so a real bug shows up as the exception it is."""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook

from paperwork.ooxml import PackageRefused, open_package
from paperwork.read import ReadError
from paperwork.read.reader import read_bytes_unchecked
from paperwork.tests.data.builders import make_docx
from paperwork.tests.data.mutations import spoiled

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DOCX = [make_docx(["关于整改情况的报告", (0, "基本情况"), (1, "加强学习。开展3次。"), (0, "存在问题"), "一是不够。"]),
        make_docx(["报告", "一、问题", "（一）学习不够", "整改情况：一是加强学习。"])]


def _xlsx() -> bytes:
    wb = Workbook()
    wb.active.append(["序号", "问题", "整改措施"])
    wb.active.append([1, "学习不深", "集中学习"])
    wb.active.merge_cells("A2:A3")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@FUZZ
@given(spoiled([*DOCX, _xlsx()]))
def test_the_guard_answers_a_package_or_its_refusal(data: bytes) -> None:
    try:
        package = open_package(data, max_unpacked=1024 * 1024)
    except PackageRefused as exc:
        assert exc.message_zh and exc.reason
    else:
        assert package.unpacked <= 1024 * 1024


@FUZZ
@given(spoiled(DOCX))
def test_the_report_reader_raises_only_read_error(data: bytes) -> None:
    try:
        read_bytes_unchecked(data, "报告.docx", max_bytes=2 * 1024 * 1024)
    except ReadError as exc:
        assert exc.message_zh
