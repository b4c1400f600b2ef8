"""Hostile activity sheets: the reader keeps its contract (a Sheet whose problems say what to do, never an
exception), and the upload page re-shows its form with the reason instead of answering 500."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings

from paperwork.tests.data.bombs import with_doctype
from paperwork.tests.data.mutations import members, spoiled
from qinglian.records.excel import read_sheet, template_bytes
from qinglian.records.models import Activity
from qinglian.records.tests.test_import import GOOD, xlsx

# engine-independent (subprocesses, LibreOffice, readers): run once, on SQLite (Makefile)
pytestmark = pytest.mark.single_engine

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SHEET = xlsx(GOOD).read()
BASES = [SHEET, template_bytes(["中心组学习（次）"], "示范县/县委宣传部")]


@FUZZ
@given(spoiled(BASES))
def test_the_reader_never_raises_on_a_spoiled_sheet(data: bytes) -> None:
    sheet = read_sheet(data)
    assert all(p.message for p in sheet.problems)


@pytest.mark.parametrize("member", sorted(members(SHEET)))
def test_a_dtd_in_any_part_is_one_problem_that_says_why(member: str) -> None:
    sheet = read_sheet(with_doctype(SHEET, member, "xxe"))
    assert not sheet.rows and [p.row for p in sheet.problems] == [0] and "DOCTYPE" in sheet.problems[0].message


def test_a_sheet_with_a_dtd_reshows_the_upload_form(world) -> None:
    client = world.client("clerk_a")
    assert client.post("/records/import/", {"unit": world.a.pk, "file": xlsx(GOOD)}).status_code == 200
    hostile = SimpleUploadedFile("纪实.xlsx", with_doctype(SHEET))
    response = client.post("/records/import/", {"unit": world.a.pk, "file": hostile})
    body = response.content.decode()
    assert response.status_code == 200 and "文档类型声明" in body and "上传并预览" in body and "确认导入 " not in body
    client.post("/records/import/confirm/")  # the earlier upload's preview is gone with the refusal
    assert not Activity.objects.exists()
