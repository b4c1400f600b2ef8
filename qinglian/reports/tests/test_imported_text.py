"""Text read from an imported report never passes for a counted figure (issue 12): a generated report that
reuses it marks its numbers ("来自导入文本，未经统计") in the preview and the snapshot, and `qinglian check`
flags them in the document; the builder never writes "关于关于…的问题"."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from django.core.management import CommandError, call_command

from qinglian.ledger.models import Measure, MeasureStatus
from qinglian.ledger.tests.test_report_import import _docx, _media, _preview, _seed, _text  # noqa: F401
from qinglian.lib import tracking
from qinglian.reports.genres.data import ProblemItem
from qinglian.reports.genres.rectification import _problem_heading
from qinglian.reports.models import GeneratedReport
from qinglian.reports.services import report_generate

SEVENTEEN = "集中学习会议17次"
NOTE = "来自导入文本，未经统计"


def _import_003(world: Any, *, under_way: str = "创新学习方式") -> None:
    """Seed 003 imported through the pages; the user leaves one measure 推进中 (so plans reuse it)."""
    client = world.client("clerk_a")
    _html, action, form = _preview(client, "巡察整改情况.docx", _docx(_seed("003")), world.a)
    row = next(k.removesuffix("-text") for k, v in form.items() if k.endswith("-text") and v.startswith(under_way))
    form.update({f"{row}-status": MeasureStatus.IN_PROGRESS, "feedback_date": "2021年7月26日",
                 "default-deadline": "2021年10月25日"})
    response = client.post(action, form)
    assert response.status_code == 302, _text(response)[:2000]
    assert Measure.objects.get(text__startswith=under_way).status == MeasureStatus.IN_PROGRESS


def _checkdoc(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("checkdoc", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def _generate(world: Any, genre: str) -> GeneratedReport:
    return report_generate(user=world.clerk_a, unit=world.a, genre=genre, date_from=dt.date(2021, 1, 1),
                           date_to=dt.date(2021, 12, 31), today=dt.date(2022, 1, 10))


def test_plans_reusing_an_imported_measure_mark_its_numbers_and_check_flags_them(world, tmp_path: Path) -> None:
    _import_003(world)
    report = _generate(world, "responsibility")
    plans = next(b for b in report.blocks if b["kind"] == "p" and "重点抓好" in b["text"])
    assert SEVENTEEN in plans["text"]
    # the snapshot keeps the imported numbers apart from the counted figures
    marks = {r["text"]: r["origin"] for r in plans["imported"]}
    assert marks["组织开展党史学习教育集中学习会议17次"] == "巡察整改情况.docx"
    assert not any(SEVENTEEN in f["text"] for f in report.figures)

    page = world.client("clerk_a").get(report.get_absolute_url())
    html = page.content.decode()
    assert re.search(rf'<mark class="imported" title="{NOTE}（导入自“巡察整改情况.docx”）[^"]*">[^<]*{SEVENTEEN}</mark>',
                     html)
    assert not re.search(rf'<a class="fig"[^>]*>[^<]*{SEVENTEEN}', html)  # not dressed as a counted figure
    note = re.sub(r"\s+", "", _text(page))
    assert f"4个数字{NOTE}" in note and "整改台账中修改该措施或问题的文字，再重新生成" in note

    path = tmp_path / "report.docx"
    path.write_bytes(_stored(report).read_bytes())
    code, output = _checkdoc(str(path), "--unit", str(world.a.pk), "--from", "2021-01-01", "--to", "2021-12-31")
    assert code == 1
    flagged = [line for line in output.splitlines() if f"[{NOTE}]" in line]
    assert any(SEVENTEEN in line for line in flagged), output
    assert not any(SEVENTEEN in line and "[与记录不符]" in line for line in output.splitlines())
    # before any import of that period, the same document has nothing imported to flag
    code, output = _checkdoc(str(path), "--unit", str(world.a.pk), "--from", "2020-01-01", "--to", "2020-12-31")
    assert f"[{NOTE}]" not in output


def test_the_check_page_flags_imported_numbers_too(world) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    _import_003(world)
    report = _generate(world, "responsibility")
    page = world.client("clerk_a").post("/reports/check/", {
        "file": SimpleUploadedFile("报告.docx", _stored(report).read_bytes()), "compare": "on",
        "unit": world.a.pk, "year": 2021})
    text = _text(page)
    assert NOTE in text and "组织开展党史学习教育集中学习会议17次" in text


def test_the_notice_marks_imported_measures_and_problems_but_not_counted_figures(world) -> None:
    _import_003(world)
    report = _generate(world, "rectification")
    imported = [r["text"] for b in report.blocks for r in b.get("imported", [])]
    assert any(t.endswith(SEVENTEEN) for t in imported) and "65条" in " ".join(imported)  # measure, problem
    counted = {f["text"] for f in report.figures}
    assert counted and not counted & set(imported)
    html = world.client("clerk_a").get(report.get_absolute_url()).content.decode()
    assert html.count('<mark class="imported" title=') == len(imported)


def test_typed_measures_are_not_marked(world) -> None:
    _import_003(world)
    with tracking.bulk("测试准备"):
        Measure.objects.update(origin="entered", origin_document="")
    report = _generate(world, "responsibility")
    assert not any(b.get("imported") for b in report.blocks)
    assert NOTE not in _text(world.client("clerk_a").get(report.get_absolute_url()))


def test_a_problem_that_begins_with_guanyu_is_not_guanyu_twice() -> None:
    assert _problem_heading("关于三会一课制度落实不严格") == "关于三会一课制度落实不严格的问题"
    assert _problem_heading("关于财务管理不规范的问题。") == "关于财务管理不规范的问题"
    assert _problem_heading("执行财经纪律不严") == "关于执行财经纪律不严的问题"
    assert ProblemItem("x").imported is False


def _stored(report: GeneratedReport) -> Path:
    from qinglian.lib import files

    return files.media_path(report.stored)
