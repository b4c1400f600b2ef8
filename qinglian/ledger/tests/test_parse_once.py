"""An import parses its upload once: the preview (viewed any number of times) and the confirm read what was
parsed and stored on upload; only a new column mapping parses the file again. Confirm stays all-or-nothing
and idempotent."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from paperwork.tests.data.builders import make_docx
from qinglian.ledger import excel, views_report_import
from qinglian.ledger.models import Measure, Source
from qinglian.ledger.tests.sheets import HEADER, build


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _counted(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[str]:
    """`module.name` replaced by itself plus an entry in the returned list per call."""
    calls: list[str] = []
    real = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return calls


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One entry per workbook openpyxl opens for a ledger import."""
    return _counted(monkeypatch, excel, "load_workbook")


def _upload(client: Any, data: bytes) -> Any:
    upload = io.BytesIO(data)
    upload.name = "台账.xlsx"
    return client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "市委第七提级交叉巡察组",
                                           "feedback_date": "2021年7月26日"})


def test_the_ledger_preview_and_confirm_read_what_the_upload_parsed(world, parses: list[str]) -> None:
    client = world.client("clerk_a")
    preview = _upload(client, build())["Location"]
    assert parses == ["load_workbook"]
    for _ in range(3):
        assert "3个方面 12项具体问题 24条措施" in client.get(preview).content.decode()
    assert client.post(preview + "confirm/").status_code == 302
    assert parses == ["load_workbook"] and Measure.objects.count() == 24 and Source.objects.count() == 1
    assert client.post(preview + "confirm/").status_code == 404  # the token is spent: nothing twice
    assert client.get(preview).status_code == 404
    assert Measure.objects.count() == 24


def test_a_new_column_mapping_parses_once_more(world, parses: list[str]) -> None:
    header = ["序号", "问题描述及表现", "整改措施", "责任领导", "责任单位", "责任人", "整改时限", "完成情况"]
    assert header != HEADER
    client = world.client("clerk_a")
    preview = _upload(client, build(header=header))["Location"]
    assert "核对列的对应关系" in client.get(preview).content.decode()
    mapping = {"headers": header, "map_problem": header[1], "map_measure": "整改措施", "map_number": "序号",
               "map_owner": "责任人", "map_leader": "责任领导", "map_responsible_unit": "责任单位",
               "map_deadline": "整改时限", "map_situation": "完成情况"}
    assert "24条措施" in client.post(preview, mapping).content.decode()
    assert "24条措施" in client.get(preview).content.decode()
    assert len(parses) == 2
    assert client.post(preview + "confirm/").status_code == 302 and Measure.objects.count() == 24


def test_the_report_preview_reads_what_the_upload_read(world, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted(monkeypatch, views_report_import, "read_bytes")
    docx = make_docx(["关于巡察反馈问题整改情况的报告", "一、学习贯彻方面", "（一）学习不深入的问题",
                      "整改情况：一是制定学习计划。二是开展集中学习。"])
    client = world.client("clerk_a")
    response = client.post("/ledger/report-import/", {"file": SimpleUploadedFile("报告.docx", docx),
                                                      "unit": world.a.pk})
    assert response.status_code == 302 and calls == ["read_bytes"]
    for _ in range(2):
        assert "学习不深入" in client.get(response["Location"]).content.decode()
    assert client.post(response["Location"].rstrip("/") + "/confirm/", {}).status_code in (200, 302, 400)
    assert calls == ["read_bytes"]
