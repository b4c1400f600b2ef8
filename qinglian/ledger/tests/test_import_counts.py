"""`qinglian ledger import … --dry-run --json` counts a ledger as the notice counts it ("3个方面13项具体问题"),
from what it read, before the source is filled in or every name is found; --split-measures splits numbered
measures, and a column nobody maps is listed."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError

from qinglian.ledger.models import Measure, Problem, Source
from qinglian.ledger.tests.shapes import Shape, expected, ledger, ledger_rows, workbook

SOURCE = ("--source-kind", "巡察", "--source-by", "县委第二巡察组", "--feedback-date", "2021-07-26")


def _cli(tmp_path: Path, data: bytes, *args: str) -> tuple[dict[str, Any], str]:
    """(the JSON printed, the message the command failed with or "")."""
    path = tmp_path / "台账.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    failed = ""
    try:
        call_command("ledger", "import", str(path), "--unit", "示范县/县委宣传部", "--json", *args, stdout=out)
    except CommandError as exc:
        failed = str(exc)
    return json.loads(out.getvalue()), failed


def test_counts_come_before_the_source_is_given(world, tmp_path: Path) -> None:
    result, failed = _cli(tmp_path, ledger(cover=True), "--dry-run")
    assert failed and any(e["column"] == "来源" for e in result["errors"])  # no source given: it says so
    assert (result["aspects"], result["problems"], result["measures"]) == (3, 13, 15)
    assert result["summary"] == "3个方面13项具体问题15条措施" and result["sheet"] == "整改台账"
    assert not Source.objects.exists()


def test_counts_stand_when_names_are_not_found(world, tmp_path: Path) -> None:
    rows, merges = ledger_rows()
    for row in rows[3:9]:
        row[6] = "查无此人"
    result, _ = _cli(tmp_path, workbook(("台账", rows, merges)), "--dry-run", *SOURCE)
    assert (result["aspects"], result["problems"], result["measures"]) == (3, 13, 15)
    assert not Measure.objects.exists()


def test_the_import_writes_the_specific_problems_it_counted(world, tmp_path: Path) -> None:
    result, failed = _cli(tmp_path, ledger(shape=Shape(title_rows=3, two_row_header=True)), *SOURCE)
    assert failed == "" and result["problems"] == 13
    assert Problem.objects.leaves().count() == 13 and Measure.objects.count() == 15
    assert Problem.objects.filter(text="票据管理混乱。", parent__text="财务管理不规范。").exists()


def test_numbered_measures_split_only_when_asked(world, tmp_path: Path) -> None:
    data = ledger(shape=Shape(measure_text="1.对照{p}建立台账；2.每月通报进展。"))
    whole, _ = _cli(tmp_path, data, "--dry-run", *SOURCE)
    assert (whole["measures"], whole["splittable"], whole["split_measures"]) == (15, 15, False)
    split, _ = _cli(tmp_path, data, "--dry-run", "--split-measures", *SOURCE)
    assert (split["measures"], split["split_measures"]) == (30, True) and split["problems"] == expected()["problems"]
    _cli(tmp_path, data, "--split-measures", *SOURCE)
    assert Measure.objects.filter(text="每月通报进展。").count() == 15


def test_a_column_nobody_maps_is_listed_and_does_not_stop_the_import(world, tmp_path: Path) -> None:
    result, failed = _cli(tmp_path, ledger(shape=Shape(extra_header="备注")), *SOURCE)
    assert failed == "" and result["unmapped_columns"] == [{"index": 9, "header": "备注"}]
    assert [w["column"] for w in result["warnings"]] == ["备注"] and Measure.objects.count() == 15


def test_the_plain_report_says_the_counts_and_the_hints(world, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger(shape=Shape(extra_header="备注", measure_text="（1）对照{p}建台账（2）每月通报")))
    out = io.StringIO()
    call_command("ledger", "import", str(path), "--unit", "示范县/县委宣传部", "--dry-run", *SOURCE, stdout=out)
    text = out.getvalue()
    assert "读到：3个方面13项具体问题15条措施" in text and "“备注”列" in text and "--split-measures" in text
