"""The monthly bulletin: numbers from the statistics provider, ranking, change vs last month, downloads."""

from __future__ import annotations

import io
from datetime import date

import docx
import openpyxl

from qinglian.lib.services import record_create
from qinglian.publicity.models import PublicityRule
from qinglian.publicity.tests.conftest import publish
from qinglian.stats import engine
from qinglian.stats.registry import providers


def _data(world):
    publish(world.a, "人民日报", date(2026, 3, 3))
    publish(world.a1, "省日报", date(2026, 3, 4))
    publish(world.a1, "县融媒体中心", date(2026, 3, 5), counting_unit="条")
    publish(world.a1, "县融媒体中心", date(2026, 3, 6), adopted=False)  # submitted only: not counted
    for day in (3, 4, 5, 6):
        publish(world.b, "县融媒体中心", date(2026, 3, day))
    publish(world.b, "市州日报", date(2026, 2, 20))
    publish(world.county, "省日报", date(2026, 3, 9))  # the county's own piece: row 本级


def test_providers_are_registered_with_their_kinds(world):
    prefixes = {p.prefix for p in providers()}
    assert {"publicity", "opinion", "review"} <= prefixes
    _data(world)
    found = {f.kind: f for f in engine.figures(unit=world.a, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))}
    assert found["publicity.central"].count == 1 and found["publicity.provincial"].count == 1
    assert found["publicity.county"].count == 1 and found["publicity.adopted"].count == 3
    assert found["publicity.submitted"].count == 4
    assert found["publicity.channel.press"].count == 2 and found["publicity.channel.new_media"].count == 1
    assert found["publicity.items"].count == 1 and found["publicity.items"].counting_unit == "条"
    assert found["publicity.central"].counting_unit == "篇"
    refs = engine.records(unit=world.a, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31),
                          kind="publicity.central")
    assert [r.url for r in refs] and refs[0].type == "publicity.publication"
    assert {"opinion.tickets", "opinion.alert_letters", "opinion.digests", "review.drafts_signed"} <= set(found)


def test_bulletin_page_ranks_by_count_with_change(world):
    _data(world)
    page = world.client("supervisor").get("/publicity/bulletin/?year=2026&month=3").content.decode()
    assert "示范县2026年3月新闻宣传通报" in page
    response = world.client("supervisor").get(f"/publicity/bulletin.xlsx?unit={world.county.pk}&year=2026&month=3")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    by_name = {r[1]: r for r in rows}
    # 排名, 单位, 中央, 省, 市州, 县, 合计, 上月合计, 环比增减
    assert by_name["县财政局"] == [1, "县财政局", 0, 0, 0, 4, 4, 1, 3]
    assert by_name["县委宣传部"] == [2, "县委宣传部", 1, 1, 0, 1, 3, 0, 3]
    assert by_name["示范县本级"][0] == "—" and by_name["示范县本级"][3] == 1
    assert by_name["合计"][2:7] == [1, 2, 0, 5, 8]


def test_weighted_ranking_follows_the_units_rule(world):
    _data(world)
    record_create(user=None, obj=PublicityRule(unit=world.county, rank_by="weighted", weight_central=10,
                                               weight_provincial=5, weight_city=2, weight_county=1))
    client = world.client("supervisor")
    response = client.get(f"/publicity/bulletin.xlsx?unit={world.county.pk}&year=2026&month=3")
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2)]
    assert rows[0][:2] == [1, "县委宣传部"] and rows[0][7] == 16  # 10 + 5 + 1
    assert rows[1][:2] == [2, "县财政局"] and rows[1][7] == 4
    document = docx.Document(io.BytesIO(client.get(
        f"/publicity/bulletin.docx?unit={world.county.pk}&year=2026&month=3").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "新闻宣传通报" in text and "中央级每篇10分" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "县委宣传部" in cells and "16" in cells


def test_bulletin_scoping(world):
    _data(world)
    clerk_b = world.client("clerk_b")
    assert clerk_b.get(f"/publicity/bulletin/?unit={world.a.pk}&year=2026&month=3").status_code == 404
    assert clerk_b.get(f"/publicity/bulletin.xlsx?unit={world.a.pk}").status_code == 404
    assert world.client("supervisor").post("/publicity/rule/", {"counting_unit": "条"}).status_code == 403
    assert world.client("auditor").get("/publicity/bulletin/").status_code == 403


def test_the_unit_sets_its_rule_and_a_sub_unit_inherits_it(world):
    client = world.client("leader_a")
    data = {"counting_unit": "条", "rank_by": "weighted", "weight_central": 20, "weight_provincial": 8,
            "weight_city": 3, "weight_county": 1}
    for central in (20, 30):  # saved twice: the second time updates the unit's own rule
        assert client.post("/publicity/rule/", {**data, "weight_central": central}).status_code == 302
    rule = PublicityRule.objects.get(unit=world.a)
    assert rule.weight_central == 30 and rule.version == 2
    assert PublicityRule.for_unit(world.a1) == rule
    publish(world.a1, "人民日报", date(2026, 3, 3))
    found = engine.figures(unit=world.a1, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31),
                           kinds=["publicity.central"])
    assert found[0].counting_unit == "条" and found[0].count == 1
