"""Importing a ledger .xlsx (CLI and web), re-importing it, exporting it, and the figures it yields."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from qinglian.ledger.models import Aspect, Measure, Problem, Source
from qinglian.ledger.selectors import ledger_figures
from qinglian.ledger.tests.sheets import build, seed003_rows
from qinglian.ledger.transfer import ledger_export_xlsx, ledger_import_xlsx
from qinglian.lib import tracking
from qinglian.stats.registry import Scope

SOURCE = {"kind": "inspection", "issued_by": "市委第七提级交叉巡察组", "feedback_date": dt.date(2021, 7, 26)}


def _cli(tmp_path: Path, data: bytes, *args: str) -> tuple[dict, bool]:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    try:
        call_command("ledger", "import", str(path), "--unit", "示范县/县委宣传部", "--source-kind", "巡察",
                     "--source-by", "市委第七提级交叉巡察组", "--feedback-date", "2021-07-26", "--json", *args,
                     stdout=out)
        ok = True
    except CommandError:
        ok = False
    return json.loads(out.getvalue()), ok


def test_cli_dry_run_then_import_then_reimport_creates_nothing(world, tmp_path: Path) -> None:
    data = build()
    dry, ok = _cli(tmp_path, data, "--dry-run")
    assert ok and (dry["aspects"], dry["problems"], dry["measures"], dry["created"]) == (3, 12, 24, 0)
    assert dry["errors"] == [] and dry["would_create"] > 0 and not Source.objects.exists()
    first, ok = _cli(tmp_path, data)
    assert ok and first["created"] == 1 + 3 + 7 + 9 + 24  # source, aspects, problems, their parts, measures
    again, ok = _cli(tmp_path, data)
    assert ok and again["created"] == 0 and again["existing"] > 0
    assert Measure.objects.count() == 24 and Problem.objects.leaves().count() == 12


def test_cli_unknown_names_are_kept_as_written_and_listed_without_failing(world, tmp_path: Path) -> None:
    rows = seed003_rows()
    rows[4][1][5] = "查无此人"
    rows[7][1][4] = "宣传股不存在"
    result, ok = _cli(tmp_path, build(rows))
    assert ok and result["errors"] == [] and result["created"] == 1 + 3 + 7 + 9 + 24
    assert {(u["text"], u["field"], tuple(u["rows"])) for u in result["unmatched"]} == {
        ("查无此人", "owner", (7,)), ("宣传股不存在", "responsible_unit", (10,))}
    kept = Measure.objects.get(owner_text="查无此人")
    assert kept.owner_id is None and kept.unmatched_fields() == ["owner"]
    assert Measure.objects.get(responsible_unit_text="宣传股不存在").responsible_unit_id is None


def test_cli_refuses_xls_with_chinese_message(world, tmp_path: Path) -> None:
    result, ok = _cli(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert not ok and result["errors"][0]["row"] == 0 and ".xlsx" in result["errors"][0]["message"]


def test_failure_mid_import_writes_nothing(world, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Measure.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=build(), filename="t.xlsx", source_fields=SOURCE)
    assert not Source.objects.exists() and not Aspect.objects.exists() and not Problem.objects.exists()


def test_export_reimport_round_trip_and_figures_say_3_aspects_12_problems(world) -> None:
    ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=build(), filename="t.xlsx", source_fields=SOURCE)
    before = _content()
    exported = ledger_export_xlsx(user=world.clerk_a, unit=world.a)
    wb = load_workbook(io.BytesIO(exported))
    ws = wb.worksheets[0]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$3:$3"
    assert [c.value for c in ws[3]] == ["序号", "问题", "整改措施", "责任领导", "责任单位", "责任人", "整改时限", "完成情况"]
    # the same file again into the same unit: nothing new
    again = ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=exported, filename="e.xlsx", source_fields={})
    assert again.ok and again.result.created == 0
    # into a fresh unit tree: the same content
    with tracking.bulk("测试准备"):
        Measure.objects.update(deleted_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        Problem.objects.update(deleted_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        Aspect.objects.update(deleted_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        Source.objects.update(issued_by="旧")
    fresh = ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=exported, filename="e.xlsx", source_fields={})
    assert fresh.ok and fresh.result.created == 1 + 3 + 7 + 9 + 24
    assert _content(Source.objects.get(pk=fresh.result.source_id)) == before
    figures = ledger_figures(Scope(world.a, dt.date(2021, 1, 1), dt.date(2021, 12, 31)))
    assert figures["phrase"] == "3个方面12项具体问题"
    assert (figures["aspects"], figures["problems"], figures["measures"]) == (3, 12, 24)


def _content(source: Source | None = None) -> list:
    source = source or Source.objects.get()
    return [(m.aspect.title, m.problem.parent.text if m.problem.parent_id else "", m.problem.text, m.text,
             m.leader_in_charge_id, m.responsible_unit_id, m.owner_id, m.deadline, m.deadline_text, m.status,
             m.situation) for m in Measure.objects.filter(source=source).order_by("position")]


def test_web_import_previews_then_writes_on_confirm(world) -> None:
    client = world.client("clerk_a")
    upload = io.BytesIO(build())
    upload.name = "台账.xlsx"
    response = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "市委第七提级交叉巡察组",
                                               "feedback_date": "2021年7月26日"})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    body = preview.content.decode()
    assert "3个方面 12项具体问题 24条措施" in body and "确认导入" in body
    assert not Source.objects.exists()
    done = client.post(response["Location"] + "confirm/")
    assert done.status_code == 302 and Measure.objects.count() == 24


def test_web_import_preview_lists_every_row_problem(world) -> None:
    rows = seed003_rows()
    rows[4][1][5] = "查无此人"
    rows[2][1][6] = "下个月吧"
    upload = io.BytesIO(build(rows))
    upload.name = "台账.xlsx"
    client = world.client("clerk_a")
    response = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "巡察组"})
    body = client.get(response["Location"]).content.decode()
    assert "第7行" in body and "查无此人" in body and "第5行" in body and "下个月吧" in body
    assert "确认导入" not in body
    assert client.post(response["Location"] + "confirm/").status_code == 302
    assert not Source.objects.exists()


def test_other_unit_cannot_see_export_or_preview(world) -> None:
    ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=build(), filename="t.xlsx", source_fields=SOURCE)
    client = world.client("clerk_a")
    upload = io.BytesIO(build())
    upload.name = "台账.xlsx"
    location = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "x"})["Location"]
    assert world.client("clerk_b").get(location).status_code == 404
    exported = world.client("clerk_b").get("/ledger/export.xlsx")
    wb = load_workbook(io.BytesIO(exported.content))
    assert all(ws.max_row <= 3 for ws in wb.worksheets)  # B's (empty) ledger only
    assert world.client("supervisor").get("/ledger/import/").status_code == 403
