"""The upper-level form pages on a small world: what is refused and why, who may fill for which unit."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from paperwork.tests import return_forms
from qinglian.audit.models import AuditEntry
from qinglian.returns import services
from qinglian.returns.models import ReturnFill


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _upload(client, data: bytes, name: str, unit):  # type: ignore[no-untyped-def]
    return client.post("/returns/upload/", {"file": SimpleUploadedFile(name, data), "unit": unit.pk, "year": 2026})


def _confirm(client, url: str, unit):  # type: ignore[no-untyped-def]
    return client.post(url, {"unit": unit.pk, "year": 2026, "map_0": "activity.central_group_study"})


def test_a_clerk_fills_a_form_for_their_unit_and_downloads_it(world) -> None:
    client = world.client("clerk_a")
    response = _upload(client, return_forms.sheet_per_unit(["新闻宣传股"]), "表.xlsx", world.a)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "中心组学习（次）" in page.content.decode()
    response = _confirm(client, response["Location"], world.a)
    fill = ReturnFill.objects.get()
    assert response["Location"] == f"/returns/{fill.pk}/"
    assert [(c["cell"], c["count"], c["full_name"]) for c in fill.filled] == [("D4", 0, world.a1.full_name)]
    assert AuditEntry.objects.filter(object_type="returns.returnfill", object_id=str(fill.pk)).exists()
    download = client.get(f"/returns/{fill.pk}/download/")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))["新闻宣传股"]
    assert ws["D4"].value == 0 and ws["D5"].value is None and ws["A1"].value.endswith("统计表")
    assert "表.xlsx" in world.client("leader_a").get("/returns/").content.decode()  # the history


def test_no_one_fills_or_sees_a_fill_outside_their_tree(world) -> None:
    client = world.client("clerk_a")
    response = _upload(client, return_forms.sheet_per_unit(["县委宣传部"]), "表.xlsx", world.a)
    _confirm(client, response["Location"], world.a)
    fill = ReturnFill.objects.get()
    other = world.client("clerk_b")
    assert other.get(f"/returns/{fill.pk}/").status_code == 404
    assert other.get(f"/returns/{fill.pk}/download/").status_code == 404
    assert other.get(response["Location"]).status_code == 404  # another account's upload
    refused = _upload(other, return_forms.sheet_per_unit(["县委宣传部"]), "表.xlsx", world.a)
    assert refused.status_code == 404 and not ReturnFill.objects.filter(created_by=world.clerk_b).exists()


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"not a workbook", "表.xlsx", "不是 Excel（.xlsx）"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000, "旧表.xls", "请另存为 .xlsx"),
])
def test_files_that_cannot_be_read_are_refused_in_chinese(world, monkeypatch, data, name, says) -> None:
    monkeypatch.setattr("qinglian.returns.services.soffice", lambda: None)  # no LibreOffice on this machine
    response = _upload(world.client("clerk_a"), data, name, world.a)
    assert response.status_code == 400 and says in response.content.decode()
    assert not ReturnFill.objects.exists()


def test_a_form_asking_for_nothing_the_records_count_says_so(world) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["单位", "发展党员（人）", "主题党日（次）"], ["县委宣传部", None, None]):
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    response = _upload(world.client("clerk_a"), out.getvalue(), "其他表.xlsx", world.a)
    assert response.status_code == 400 and "表中没有找到系统统计的项目" in response.content.decode()


def test_a_changed_mapping_is_saved_and_serves_the_units_below(world) -> None:
    client = world.client("leader_a")
    data = return_forms.sheet_per_unit(["县委宣传部"])
    response = _upload(client, data, "表.xlsx", world.a)
    keys = ["map_0", "map_1", "map_2", "map_3", "map_4", "map_5"]
    mapped = dict(zip(keys, ["activity.central_group_study", "", "", "", "", "activity.collective_study"],
                      strict=True))
    client.post(response["Location"], {"unit": world.a.pk, "year": 2026, **mapped})
    fill = ReturnFill.objects.get()
    assert [c["figure"] for c in fill.filled] == ["activity.central_group_study", "activity.collective_study"]
    assert {c["reason"] for c in fill.unfilled} == {"未对应统计项"} and len(fill.unfilled) == 4
    layout, _, _ = services.form_read(data, "表.xlsx")
    choices, _ = services.catalogue(world.a1, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    mapping, saved = services.mapping_for(layout, unit=world.a1, choices=choices)
    assert saved is not None and saved.unit == world.a  # a unit below uses the mapping saved above it
    assert mapping[layout.cells[-1].key] == "activity.collective_study" and mapping[layout.cells[1].key] == ""
    again = _upload(world.client("clerk_a"), data, "表（下季度）.xlsx", world.a)
    assert "/returns/map/" not in again["Location"]  # filled without asking


def test_each_mapped_figure_shows_its_definition(world) -> None:
    client = world.client("clerk_a")
    response = _upload(client, return_forms.merged_header(["县委宣传部"]), "表.xlsx", world.a)
    page = client.get(response["Location"]).content.decode()
    assert "已完成措施 ÷ 整改措施 × 100%" in page  # the ratio's own, beside 完成率
    assert 'hx-get="/returns/definition/"' in page
    answer = client.get("/returns/definition/", {"map_0": "activity.central_group_study"})
    assert answer.status_code == 200 and answer.content.decode()  # the engine's 统计口径
    assert client.get("/returns/definition/", {"map_0": "no.such"}).content == b""


@pytest.mark.single_engine
def test_an_old_xls_form_is_converted_where_libreoffice_is_installed(world, tmp_path) -> None:
    import subprocess

    from paperwork.convert import soffice

    exe = soffice()
    if exe is None:
        pytest.skip("未安装 LibreOffice")
    xlsx = tmp_path / "form.xlsx"
    xlsx.write_bytes(return_forms.sheet_per_unit(["县委宣传部"]))
    subprocess.run([exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xls:MS Excel 97", "--outdir", str(tmp_path), str(xlsx)],
                   check=True, capture_output=True, timeout=120)
    old = (tmp_path / "form.xls").read_bytes()
    layout, content, name = services.form_read(old, "旧表.xls")
    assert name == "旧表.xlsx" and content[:2] == b"PK"
    assert layout.fingerprint == services.form_read(xlsx.read_bytes(), "form.xlsx")[0].fingerprint
