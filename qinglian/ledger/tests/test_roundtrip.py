"""An exported ledger imports back into an emptied unit and reproduces it field by field: the source, aspects,
problems and their parts in order, measures with their people, units, names kept as written, deadlines,
statuses and 完成情况 texts."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from qinglian.ledger.batches import batch_undo
from qinglian.ledger.models import Aspect, ImportBatch, Measure, Problem, Source
from qinglian.ledger.tests.sheets import build, seed003_rows
from qinglian.ledger.transfer import ledger_export_xlsx, ledger_import_xlsx

SOURCE = {"kind": "inspection", "issued_by": "市委第七提级交叉巡察组", "feedback_date": dt.date(2021, 7, 26)}


def ledger_plan(source: Source) -> dict[str, Any]:
    """Everything the export carries of one source, without database ids, in ledger order."""
    aspects = []
    for a in Aspect.objects.filter(source=source).order_by("order", "id"):
        problems = []
        for p in Problem.objects.filter(aspect=a, parent__isnull=True).order_by("order", "id"):
            parts = [_problem(c) for c in Problem.objects.filter(parent=p).order_by("order", "id")]
            problems.append({**_problem(p), "parts": parts})
        aspects.append({"title": a.title, "order": a.order, "problems": problems})
    return {"kind": source.kind, "issued_by": source.issued_by, "feedback_date": source.feedback_date,
            "title": str(source), "aspects": aspects}


def _problem(p: Problem) -> dict[str, Any]:
    measures = [{"text": m.text, "order": m.order, "leader": (m.leader_in_charge_id, m.leader_in_charge_text),
                 "unit": (m.responsible_unit_id, m.responsible_unit_text), "owner": (m.owner_id, m.owner_text),
                 "deadline": m.deadline, "deadline_text": m.deadline_text, "status": m.status,
                 "situation": m.situation} for m in Measure.objects.filter(problem=p).order_by("order", "id")]
    return {"text": p.text, "order": p.order, "is_leaf": p.is_leaf, "measures": measures}


def _rows() -> list:
    rows = seed003_rows()
    rows[2][1][4] = "县委宣传部新闻宣传股"  # a unit with its department in front: matched
    rows[4][1][5] = "临时工小刘"  # no such person: kept as written
    rows[7][1][3] = "孙主任"  # no such leader: kept as written
    rows[9][1][4] = "县委网信办"  # no such unit: kept as written
    return rows


def test_an_export_imports_back_into_an_emptied_unit_exactly(world) -> None:
    first = ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=build(_rows()), filename="原台账.xlsx",
                               source_fields=SOURCE)
    assert first.ok and len(first.result.unmatched) == 3
    original = ledger_plan(Source.objects.get())
    assert sum(len(p["parts"]) for a in original["aspects"] for p in a["problems"]) == 9
    kept = [m for a in original["aspects"] for p in a["problems"] for leaf in [p, *p["parts"]]
            for m in leaf["measures"] if m["owner"] == (None, "临时工小刘")]
    assert len(kept) == 1
    exported = ledger_export_xlsx(user=world.clerk_a, unit=world.a)
    batch_undo(user=world.clerk_a, batch=ImportBatch.objects.get(), reason="测试：清空后导回")
    assert not Source.objects.exists() and not Measure.objects.exists()
    back = ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=exported, filename="导出.xlsx", source_fields={})
    assert back.ok, back.errors
    assert {u["text"] for u in back.result.unmatched} == {"临时工小刘", "孙主任", "县委网信办"}
    again = ledger_plan(Source.objects.get())
    for key in ("kind", "issued_by", "feedback_date", "title"):
        assert again[key] == original[key], key
    assert len(again["aspects"]) == len(original["aspects"])
    for a_again, a_orig in zip(again["aspects"], original["aspects"], strict=True):
        assert a_again["title"] == a_orig["title"] and a_again["order"] == a_orig["order"]
        for p_again, p_orig in zip(a_again["problems"], a_orig["problems"], strict=True):
            for leaf_again, leaf_orig in zip([p_again, *p_again["parts"]], [p_orig, *p_orig["parts"]], strict=True):
                for key in ("text", "order", "is_leaf"):
                    assert leaf_again[key] == leaf_orig[key], (key, leaf_orig["text"])
                assert len(leaf_again["measures"]) == len(leaf_orig["measures"]), leaf_orig["text"]
                for m_again, m_orig in zip(leaf_again["measures"], leaf_orig["measures"], strict=True):
                    for key, value in m_orig.items():
                        assert m_again[key] == value, (key, m_orig["text"])
    assert again == original


def test_a_second_export_of_the_reimported_ledger_is_the_same_workbook_content(world) -> None:
    ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=build(_rows()), filename="原台账.xlsx",
                       source_fields=SOURCE)
    exported = ledger_export_xlsx(user=world.clerk_a, unit=world.a)
    batch_undo(user=world.clerk_a, batch=ImportBatch.objects.get(), reason="测试")
    ledger_import_xlsx(user=world.clerk_a, unit=world.a, data=exported, filename="导出.xlsx", source_fields={})
    second = ledger_export_xlsx(user=world.clerk_a, unit=world.a)

    def cells(data: bytes) -> list[list[Any]]:
        ws = load_workbook(io.BytesIO(data)).worksheets[0]
        return [[c.value for c in row] for row in ws.iter_rows()]

    assert cells(second) == cells(exported)
