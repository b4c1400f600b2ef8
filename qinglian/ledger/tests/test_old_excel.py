"""Ledgers and activity sheets still kept as Excel 97-2003 (.xls) are converted with LibreOffice and imported
like the .xlsx they become: through the ledger import page, the activity import page and the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from paperwork.tests.data.samples import old_office
from qinglian.ledger.models import Measure
from qinglian.records.models import Activity
from qinglian.records.tests.test_import import GOOD, xlsx

from .sheets import build

# engine-independent (subprocesses, LibreOffice, readers): run once, on SQLite (Makefile)
pytestmark = pytest.mark.single_engine


def _xls(data: bytes) -> bytes:
    made = old_office(data, "xls")
    if made is None:
        pytest.skip("LibreOffice（含 Calc）未安装，无法生成 .xls")
    return made


def test_an_xls_ledger_is_converted_and_imported_on_the_page(world) -> None:
    client = world.client("clerk_a")
    upload = SimpleUploadedFile("整改台账.xls", _xls(build()))
    response = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "市委第七巡察组"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "3个方面 12项具体问题 24条措施" in client.get(response["Location"]).content.decode()
    assert client.post(response["Location"] + "confirm/").status_code == 302
    assert Measure.objects.count() == 24


def test_an_xls_activity_sheet_is_converted_and_imported(world) -> None:
    client = world.client("clerk_a")
    sheet = SimpleUploadedFile("纪实.xls", _xls(xlsx(GOOD).read()))
    page = client.post("/records/import/", {"unit": world.a.pk, "file": sheet}).content.decode()
    assert "确认导入 4 条" in page
    client.post("/records/import/confirm/")
    assert Activity.objects.count() == 4


def test_the_cli_converts_an_xls_ledger(world, tmp_path: Path) -> None:
    path = tmp_path / "台账.xls"
    path.write_bytes(_xls(build()))
    out = io.StringIO()
    call_command("ledger", "import", str(path), "--unit", str(world.a.pk), "--source-kind", "inspection",
                 "--source-by", "市委第七巡察组", stdout=out)
    assert Measure.objects.count() == 24
