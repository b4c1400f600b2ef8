"""统计口径: every kind a provider can produce has a complete written definition."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from qinglian.org.models import Unit
from qinglian.stats import engine
from qinglian.stats.definitions import all_definitions, definition, definitions_for
from qinglian.stats.registry import providers


def missing(kinds):
    return sorted(k for k in kinds if (d := definition(k)) is None or not d.is_complete())


@pytest.mark.slow
@pytest.mark.single_engine
def test_every_figure_of_the_demo_county_has_a_definition(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    call_command("demo", "--today", "2026-11-23", "--people", "400", stdout=io.StringIO())
    kinds = set()
    for unit in (Unit.objects.get(parent__isnull=True), Unit.objects.get(name="县委宣传部")):
        for year in (2025, 2026):
            kinds |= {f.kind for f in engine.figures(unit=unit, date_from=dt.date(year, 1, 1),
                                                      date_to=dt.date(year, 12, 31), memo=False)}
    assert len(kinds) > 60
    assert missing(kinds) == []


def test_every_kind_a_provider_can_produce_is_defined_and_declared(world):
    """For each provider: the kinds it counts (an empty year and a year with records) are the kinds it declares,
    each with a complete definition, under its own prefix; retired activity kinds and data-made classes too."""
    from qinglian.records.models import ActivityKind
    from qinglian.records.tests.helpers import make_activity

    ActivityKind.objects.filter(code="study_class").update(active=False)
    make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2023, 2, 10))
    produced = set()
    for year in (2023, 2030):
        produced |= {f.kind for f in engine.figures(unit=world.county, date_from=dt.date(year, 1, 1),
                                                     date_to=dt.date(year, 12, 31), memo=False)}
    declared = {}
    for provider in providers():
        own = provider.definitions()
        assert own, provider.prefix
        assert all(k.startswith(provider.prefix + ".") for k in own), provider.prefix
        declared.update(own)
    assert produced <= set(declared), sorted(produced - set(declared))
    assert missing(declared) == [] and missing(produced) == []
    assert "activity.study_class" in declared and "activity.study_class" not in produced
    assert set(all_definitions()) >= set(declared) and "person.ledger.done" in all_definitions()
    assert definition("activity.nope") is None and definitions_for([]) == {}


def test_definitions_say_what_the_code_does(world):
    """Spot checks of wording against the rules the providers apply."""
    from qinglian.records.models import ActivityKind

    talk = definition("activity.admonition_talk")
    assert "人次" in talk.counting_unit and "对象人数" in talk.counts and "已删除" in talk.excludes
    assert "补录" in talk.counts and "发生日期" in talk.counts
    study = definition("activity.central_group_study")
    assert "每条记录计1次" in study.counts
    ActivityKind.objects.filter(code="central_group_study").update(counts_persons=True, counting_unit="人次")
    assert "对象人数" in definition("activity.central_group_study").counts  # follows the admin's setting
    overdue = definition("ledger.overdue")
    assert "未启动或推进中" in overdue.counts and "已销号" in overdue.excludes and "反馈日期" in overdue.counts
    assert "结束日所在年份" in definition("duty.due").counts
    assert "未采用" in definition("publicity.adopted").excludes
    assert "未采用" not in definition("publicity.submitted").excludes
    assert "待核查" in definition("spotcheck.checked").excludes or "尚未核查" in definition("spotcheck.checked").excludes
    assert "不受统计时段限制" in definition("person.ledger.measures").counts


def test_statistics_page_and_trace_show_each_definition_and_export_the_table(world):
    from docx import Document
    from openpyxl import load_workbook

    from qinglian.audit.models import AuditEntry
    from qinglian.records.tests.helpers import make_activity

    make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2023, 2, 10))
    client = world.client("clerk_a")
    page = client.get(f"/stats/?unit={world.a.pk}&date_from=2023-01-01&date_to=2023-12-31").content.decode()
    study = definition("activity.central_group_study")
    assert page.count('<details class="definition">') > 60 and "缺少口径说明" not in page
    assert 'aria-label="中心组学习的统计口径"' in page and study.counts in page and study.excludes in page
    trace = client.get(f"/stats/records/?unit={world.a.pk}&date_from=2023-01-01&date_to=2023-12-31"
                       "&kind=ledger.overdue").content.decode()
    assert "统计口径" in trace and definition("ledger.overdue").excludes in trace

    book = client.get(f"/stats/definitions.xlsx?unit={world.a.pk}")
    assert book.status_code == 200 and "attachment" in book["Content-Disposition"]
    ws = load_workbook(io.BytesIO(book.content)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "序号")
    table = {row[3]: row for row in values[header + 1:]}
    assert table["activity.central_group_study"][2:8] == [
        "中心组学习", "activity.central_group_study", study.counts, study.excludes, study.counting_unit, study.records]
    assert set(table) == set(all_definitions())

    word = client.get(f"/stats/definitions.docx?unit={world.a.pk}")
    doc = Document(io.BytesIO(word.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "统计口径说明" in text and world.a.name in text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert study.counts in cells and definition("ledger.overdue").counting_unit in cells
    assert doc.sections[0].top_margin.mm == pytest.approx(37, abs=0.5)
    assert AuditEntry.objects.filter(summary__startswith="导出统计口径说明").count() == 2
    assert world.client("clerk_b").get(f"/stats/definitions.xlsx?unit={world.a.pk}").status_code == 404
    assert world.client("sysadmin").get("/stats/definitions.xlsx").status_code == 403


def test_cli_lists_the_definitions(world):
    import json

    out = io.StringIO()
    call_command("stats", "definitions", "--json", stdout=out)
    rows = {r["kind"]: r for r in json.loads(out.getvalue())}
    assert rows["ledger.problems"]["counting_unit"].startswith("项") and rows["ledger.problems"]["excludes"]
    assert set(rows) == set(all_definitions())
    out = io.StringIO()
    call_command("stats", "definitions", stdout=out)
    assert "约谈  [activity.admonition_talk]" in out.getvalue() and "不计入：" in out.getvalue()
