"""Import batches: the original file kept by its hash, who and when, every created row linked; a repeated
file warns; refused rows as an .xlsx with why; undo of the whole batch while untouched, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from openpyxl import load_workbook

from qinglian.audit.models import AuditEntry
from qinglian.ledger.models import Aspect, ImportBatch, Measure, Problem, Source
from qinglian.ledger.selectors import ledger_figures
from qinglian.ledger.services import ledger_measure_update, ledger_progress_add
from qinglian.ledger.tests.sheets import build, seed003_rows
from qinglian.lib import files
from qinglian.stats.registry import Scope

YEAR = dict(date_from=dt.date(2021, 1, 1), date_to=dt.date(2021, 12, 31))


def _upload(client, data: bytes, name: str = "台账.xlsx") -> str:
    upload = io.BytesIO(data)
    upload.name = name
    response = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "市委第七巡察组",
                                               "feedback_date": "2021年7月26日"})
    assert response.status_code == 302
    return response["Location"]


def _import(client, data: bytes, **post: str) -> ImportBatch:
    location = _upload(client, data)
    assert client.post(location + "confirm/", post).status_code == 302
    return ImportBatch.objects.latest("id")


def test_a_web_import_is_a_batch_with_its_file_and_every_row_linked(world) -> None:
    data = build()
    batch = _import(world.client("clerk_a"), data)
    assert batch.sha256 == hashlib.sha256(data).hexdigest() and batch.created_by == world.clerk_a
    assert files.path_of(batch).read_bytes() == data and batch.stored.endswith(hashlib.new("sm3", data).hexdigest())
    assert (batch.aspects, batch.problems, batch.measures, batch.created) == (3, 12, 24, 1 + 3 + 16 + 24)
    assert batch.unit == world.a and batch.source == Source.objects.get() and batch.via == "web"
    assert Source.objects.get().batch == batch
    for model in (Aspect, Problem, Measure):
        assert not model.objects.exclude(batch=batch).exists()
    page = world.client("clerk_a").get("/ledger/batches/").content.decode()
    assert "台账.xlsx" in page and "3个方面 12项具体问题 24条措施" in page
    assert world.client("clerk_b").get(f"/ledger/batches/{batch.pk}/").status_code == 404
    assert "台账.xlsx" not in world.client("clerk_b").get("/ledger/batches/").content.decode()
    original = world.client("clerk_a").get(f"/ledger/batches/{batch.pk}/file/")
    assert b"".join(original.streaming_content) == data


def test_the_same_file_again_warns_and_creates_nothing(world) -> None:
    client = world.client("clerk_a")
    data = build()
    first = _import(client, data)
    location = _upload(client, data)
    page = client.get(location).content.decode()
    assert "这个文件已经导入过" in page and f"/ledger/batches/{first.pk}/" in page
    client.post(location + "confirm/")
    assert ImportBatch.objects.count() == 1 and Measure.objects.count() == 24


def test_undo_removes_the_batch_from_the_ledger_and_its_figures_audited(world) -> None:
    client = world.client("clerk_a")
    batch = _import(client, build())
    assert ledger_figures(Scope(world.a, **YEAR))["measures"] == 24
    response = client.post(f"/ledger/batches/{batch.pk}/undo/", {"reason": "导错了文件"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.is_undone and batch.undone_by == world.clerk_a and batch.undo_reason == "导错了文件"
    figures = ledger_figures(Scope(world.a, **YEAR))
    assert (figures["aspects"], figures["problems"], figures["measures"]) == (0, 0, 0)
    assert not Measure.objects.exists() and Measure.with_deleted.filter(batch=batch).count() == 24
    entry = AuditEntry.objects.filter(summary__startswith="撤销导入批次").get()
    assert entry.actor_name and "导错了文件" in entry.summary
    assert client.get(f"/ledger/sources/{batch.source_id}/").status_code == 404
    # undone, the same file may be imported again, without a warning
    location = _upload(client, build())
    assert "这个文件已经导入过" not in client.get(location).content.decode()


def test_undo_is_refused_once_anything_in_the_batch_was_edited(world) -> None:
    client = world.client("clerk_a")
    batch = _import(client, build())
    measure = Measure.objects.first()
    ledger_measure_update(user=world.clerk_a, measure=measure, data={"text": measure.text + "（已修改）"},
                          version=measure.version)
    page = client.get(f"/ledger/batches/{batch.pk}/").content.decode()
    assert "不能整批撤销" in page and "1条整改措施在导入后被修改或删除过" in page
    client.post(f"/ledger/batches/{batch.pk}/undo/", {"reason": "试试"})
    batch.refresh_from_db()
    assert not batch.is_undone and Measure.objects.count() == 24


def test_undo_is_refused_once_progress_was_reported(world) -> None:
    batch = _import(world.client("clerk_a"), build())
    ledger_progress_add(user=world.clerk_a, measure=Measure.objects.first(), text="已召开专题会议",
                        status_after="in_progress", date=dt.date(2021, 8, 1))
    response = world.client("clerk_a").post(f"/ledger/batches/{batch.pk}/undo/", {"reason": "x"})
    assert response.status_code == 302 and Measure.objects.count() == 24
    assert not ImportBatch.objects.get().is_undone
    assert world.client("clerk_b").post(f"/ledger/batches/{batch.pk}/undo/", {"reason": "x"}).status_code == 404


def test_rows_with_problems_can_be_skipped_and_come_back_as_a_workbook_with_why(world) -> None:
    rows = seed003_rows()
    rows[2][1][6] = "下个月吧"  # row 5: a deadline nobody can read
    rows[9][1][6] = "某天"  # row 12
    client = world.client("clerk_a")
    location = _upload(client, build(rows))
    page = client.get(location).content.decode()
    assert "跳过有问题的行，导入其余内容" in page and "未导入 2 处" in page
    assert client.post(location + "confirm/", {"skip": "1"}).status_code == 302
    batch = ImportBatch.objects.get()
    assert [e["row"] for e in batch.refused] == [5, 12] and Measure.objects.count() == 22
    assert batch.measures == 22
    response = client.get(f"/ledger/batches/{batch.pk}/refused.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[0] == "原表行号" and header[-1] == "未导入原因" and "整改时限（完成时间）" in header
    lines = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    assert [line[0] for line in lines] == [5, 12]
    first = dict(zip(header, lines[0], strict=True))
    assert first["整改时限（完成时间）"] == "下个月吧" and first["存在问题"]  # the merged problem cell filled in
    assert "整改时限" in first["未导入原因"]


def test_the_command_line_import_is_a_batch_too(world, tmp_path) -> None:
    from django.core.management import call_command

    path = tmp_path / "台账.xlsx"
    path.write_bytes(build())
    call_command("ledger", "import", str(path), "--unit", "示范县/县委宣传部", "--source-kind", "巡察",
                 "--source-by", "市委第七巡察组", "--feedback-date", "2021-07-26", stdout=io.StringIO())
    batch = ImportBatch.objects.get()
    assert batch.via == "cli" and batch.created_by is None and batch.created == 1 + 3 + 16 + 24


def test_the_preview_splits_numbered_measures_when_asked(world) -> None:
    rows = seed003_rows()
    rows[2][1][2] = "1.建立网站信息审核制度；2.每季度开展一次检查；3.通报检查结果。"
    client = world.client("clerk_a")
    location = _upload(client, build(rows))
    page = client.get(location).content.decode()
    assert "有 1 条整改措施在一格中写了多项" in page and "24条措施" in page
    assert client.post(location, {"split": "1"}).status_code == 302
    page = client.get(location).content.decode()
    assert "已把 1 条" in page and "26条措施" in page
    client.post(location + "confirm/")
    assert Measure.objects.count() == 26 and Measure.objects.filter(text__contains="通报检查结果").count() == 1
    assert ImportBatch.objects.get().measures == 26
