"""Hostile and oversized ledgers: the reader keeps its contract (a ParsedLedger whose errors say what to do,
never an exception), the CLI prints a Chinese message and exits non-zero without a traceback, the web upload
re-shows its form instead of answering 500, and a ledger over the row limit is refused while it is read."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given, settings
from openpyxl import Workbook

from paperwork.tests.data.bombs import with_doctype, write_bomb
from paperwork.tests.data.mutations import members, spoiled, zipped
from qinglian.ledger.excel import read_ledger
from qinglian.ledger.models import Source
from qinglian.ledger.tests.sheets import build

# engine-independent (subprocesses, LibreOffice, readers): run once, on SQLite (Makefile)
pytestmark = pytest.mark.single_engine

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASES = [build(), build(extra_sheet=True)]
SPLIT = "请拆分为多个文件分批导入"


@FUZZ
@given(spoiled(BASES))
def test_the_reader_never_raises_on_a_spoiled_workbook(data: bytes) -> None:
    parsed = read_ledger(data, "台账.xlsx")
    assert all(e.message for e in parsed.errors)


@pytest.mark.parametrize("member", sorted(members(build())))
def test_a_dtd_in_any_part_is_refused_and_a_missing_part_never_raises(member: str) -> None:
    refused = read_ledger(with_doctype(build(), member, "xxe"), "台账.xlsx")
    assert [e.row for e in refused.errors] == [0] and "DOCTYPE" in refused.errors[0].message
    missing = read_ledger(zipped({k: v for k, v in members(build()).items() if k != member}), "台账.xlsx")
    assert all(e.message for e in missing.errors)  # optional parts may go; a missing sheet is an error


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=spoiled(BASES))
def test_the_cli_answers_a_spoiled_workbook_in_chinese(world, tmp_path: Path, data: bytes) -> None:
    _cli(tmp_path, data)


def _cli(tmp_path: Path, data: bytes) -> tuple[str, str]:
    """(what `qinglian ledger import FILE --dry-run` printed, the message it exits 1 with, or "" for success).
    Only a CommandError may leave the command: the CLI prints it and exits 1; anything else is a traceback.
    (In-process through call_command: the real CLI closes the test's database connection when it ends; the
    subprocess in test_zip_bomb runs it for real.)"""
    path = tmp_path / "台账.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    try:
        call_command("ledger", "import", str(path), "--unit", "示范县/县委宣传部", "--dry-run", stdout=out)
    except CommandError as exc:
        assert "导入未完成" in str(exc) or "文件" in str(exc)
        return out.getvalue(), str(exc)
    return out.getvalue(), ""


@pytest.mark.parametrize("kind", ["xxe", "laughs"])
def test_the_cli_refuses_a_dtd_and_a_bomb_in_chinese(world, tmp_path: Path, kind: str) -> None:
    out, error = _cli(tmp_path, with_doctype(build(), kind=kind))
    assert "文档类型声明" in out and "导入未完成" in error
    out, error = _cli(tmp_path, write_bomb(tmp_path / "b.xlsx", build(), inflated=300 * 1024 * 1024).read_bytes())
    assert "超过 50 MB" in out and "导入未完成" in error


def _upload(client, data: bytes):  # type: ignore[no-untyped-def]
    upload = io.BytesIO(data)
    upload.name = "台账.xlsx"
    return client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "县委第三巡察组"})


def test_a_workbook_with_a_dtd_reshows_the_upload_form(world) -> None:
    response = _upload(world.client("clerk_a"), with_doctype(build()))
    body = response.content.decode()
    assert response.status_code == 200 and "文档类型声明" in body and "上传并预览" in body
    assert not Source.objects.exists()


def test_a_ledger_over_the_row_limit_reshows_the_form_with_the_split_advice(world, settings) -> None:  # type: ignore[no-untyped-def]
    rows = read_ledger(build()).rows  # the seed-003 ledger's rows below its header
    settings.QINGLIAN_MAX_IMPORT_ROWS = rows - 1
    body = _upload(world.client("clerk_a"), build()).content.decode()
    assert f"超过 {rows - 1} 行内容" in body and SPLIT in body and "上传并预览" in body
    settings.QINGLIAN_MAX_IMPORT_ROWS = rows
    assert _upload(world.client("clerk_a"), build()).status_code == 302


def _rows(n: int) -> bytes:
    """A plain ledger: a title, the header, `n` rows of one problem and one measure each."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    ws.append(["县委第三巡察组反馈问题整改台账"])
    ws.append(["序号", "问题", "整改措施", "整改时限"])
    for i in range(1, n + 1):
        ws.append([i, f"问题{i}", f"措施{i}", "长期坚持"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_twenty_thousand_rows_are_read_and_one_more_is_refused_with_the_split_advice() -> None:
    parsed = read_ledger(_rows(20_000), "台账.xlsx")
    assert parsed.ok and parsed.rows == 20_000
    refused = read_ledger(_rows(20_001), "台账.xlsx")
    assert not refused.aspects and len(refused.errors) == 1
    assert refused.errors[0].row == 0 and "超过 20000 行内容" in refused.errors[0].message
    assert SPLIT in refused.errors[0].message


def test_a_forged_dimension_does_not_widen_every_row() -> None:
    """<dimension ref="A1:XFD1048576"> would make openpyxl pad each row to 16,384 cells."""
    from paperwork.tests.data.bombs import SHEET

    parts = members(build())
    parts[SHEET] = re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD1048576"/>', parts[SHEET])
    assert b"XFD1048576" in parts[SHEET]
    parsed = read_ledger(zipped(parts), "台账.xlsx")
    assert parsed.ok and parsed.rows == read_ledger(build()).rows and len(parsed.headers) <= 64
