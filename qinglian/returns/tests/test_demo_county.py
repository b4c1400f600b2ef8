"""The demo county fills three upper-level forms of different layouts: mapped, filled, every figure the
engine's, unmapped cells listed; next quarter's form of the same office fills without asking."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from paperwork.tests import return_forms
from qinglian.lib import files
from qinglian.lib.testing import client_for, load_demo
from qinglian.org.models import Unit, User
from qinglian.returns import figures as returns_figures
from qinglian.returns.models import ReturnFill, ReturnForm
from qinglian.stats import engine

TODAY = dt.date(2026, 11, 23)
Q3 = {"date_from": dt.date(2026, 7, 1), "date_to": dt.date(2026, 9, 30)}


@pytest.fixture
def county(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    load_demo("--today", TODAY.isoformat())
    return User.objects.get(username="county_leader")


def every_figure_is_the_engines(fill: ReturnFill, root: Unit) -> None:
    """Each filled cell holds, in the file kept, the engine's number for its unit's subtree and the period."""
    ws_of = openpyxl.load_workbook(io.BytesIO(files.media_path(fill.stored).read_bytes()))
    assert fill.filled
    for c in fill.filled:
        unit = Unit.objects.get(pk=c["unit_id"])
        assert unit.is_within(root)
        counts = {f.kind: f.count for f in engine.figures(unit=unit, date_from=fill.date_from,
                                                          date_to=fill.date_to, memo=False)}
        assert c["count"] == returns_figures.value(c["figure"], counts), c
        written = ws_of[c["sheet"]][c["cell"]].value
        assert written in (c["count"], round(c["count"] / 100, 4)), c


def _post_upload(client, data: bytes, name: str, unit: Unit, **period):  # type: ignore[no-untyped-def]
    return client.post("/returns/upload/", {
        "file": SimpleUploadedFile(name, data), "unit": unit.pk, "date_from": period["date_from"].isoformat(),
        "date_to": period["date_to"].isoformat(), "office": "县纪委监委党风政风监督室"})


def _confirm(client, url: str, unit: Unit, changes: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Post the mapping page as a user who accepts each proposal (but `changes`, label → kind)."""
    page = client.get(url).content.decode()
    data = {"unit": unit.pk, "date_from": Q3["date_from"].isoformat(), "date_to": Q3["date_to"].isoformat(),
            "office": "县纪委监委党风政风监督室"}
    labels = dict(re.findall(r'<label for="id_(map_\d+)">([^<]*)</label>', page))
    for name, body in re.findall(r'<select name="(map_\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = (changes or {}).get(labels[name], chosen.group(1) if chosen else "")
    return client.post(url, data)


@pytest.mark.slow
def test_three_layouts_map_and_fill_for_the_demo_county(county) -> None:
    root = Unit.objects.get(parent__isnull=True)
    client = client_for(county)
    towns = list(Unit.objects.filter(kind="town").order_by("path").values_list("name", flat=True))
    depts = ["县委办公室", "县委宣传部", "县委组织部"]
    forms = [("乡镇统计表.xlsx", return_forms.county_table(towns)),
             ("各单位统计表.xlsx", return_forms.sheet_per_unit(depts)),
             ("工作情况统计表.xlsx", return_forms.merged_header([*depts, "城关镇", "县委宣传部办公室", "县供销社"]))]
    for name, data in forms:
        response = _post_upload(client, data, name, root, **Q3)
        assert response.status_code == 302 and "/returns/map/" in response["Location"], name
        page = client.get(response["Location"]).content.decode()
        assert "确认对应关系" in page and "<select" in page
        response = _confirm(client, response["Location"], root)
        assert response.status_code == 302, response.content.decode()[:2000]
        fill = ReturnFill.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
        assert fill.created_by == county and fill.unit == root and fill.date_from == Q3["date_from"]
        every_figure_is_the_engines(fill, root)
        detail = client.get(response["Location"]).content.decode()
        assert "/stats/records/?unit=" in detail and "未填的格子" in detail
        links = re.findall(r'<a href="/stats/records/\?[^"]*">([^<]*)</a>', detail)
        assert links and not [t for t in links if re.fullmatch(r"[a-z_.+]+", t)], links[:5]  # names, not keys
        download = client.get(f"/returns/{fill.pk}/download/")
        assert download.status_code == 200
        assert openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))  # a real workbook
    rows, sheets, merged = ReturnFill.objects.order_by("id")
    # the county table: every town's row filled; 主题党日 has no figure; the 合计 row's formulas untouched
    assert {c["unit"] for c in rows.filled} == set(towns)
    assert {c["figure"] for c in rows.filled} == {"activity.central_group_study", "activity.heart_to_heart_talk",
                                                 "publicity.central", "ratio.rectification_done"}
    reasons = {(c["label"], c["reason"]) for c in rows.unfilled}
    assert ("主题党日（次）", "未对应统计项") in reasons and ("中心组学习（次）", "公式单元格，未改动") in reasons
    assert sum(1 for c in rows.unfilled if c["label"] == "主题党日（次）") == len(towns) + 1
    # one sheet per unit: each sheet for its own unit
    assert {(c["sheet"], c["unit"]) for c in sheets.filled} == {(d, d) for d in depts}
    # the merged header: a name written with its department matches; an unknown unit's row is listed
    assert "县委宣传部办公室" in {c["unit"] for c in merged.filled}
    assert {c["unit"] for c in merged.unfilled if c["reason"].startswith("单位未匹配")} == {"县供销社"}
    assert ReturnForm.objects.filter(unit=root).count() == 3

    # next quarter's form of the same office: other dates, more rows; filled without asking
    q4 = return_forms.county_table(towns, quarter="2026年第四季度")
    response = _post_upload(client, q4, "乡镇统计表（四季度）.xlsx", root, date_from=dt.date(2026, 10, 1),
                            date_to=dt.date(2026, 12, 31))
    assert response.status_code == 302 and "/returns/map/" not in response["Location"]
    latest = ReturnFill.objects.latest("id")
    assert latest.form == rows.form and latest.date_from == dt.date(2026, 10, 1)
    every_figure_is_the_engines(latest, root)
    assert "修改对应关系" in client.get(response["Location"]).content.decode()

    # the command line fills with the saved mapping; --json lists filled and unfilled cells
    path = files.media_path("q4.xlsx")
    path.write_bytes(q4)
    out = io.StringIO()
    call_command("fill", str(path), "--unit", str(root.pk), "--from", "2026-10-01", "--to", "2026-12-31",
                 "-o", str(path.with_name("out.xlsx")), "--json", stdout=out)
    answer = json.loads(out.getvalue())
    assert set(answer) == {"filled", "unfilled"}
    assert [c for c in answer["filled"]] == [{k: c[k] for k in ("sheet", "cell", "label", "figure", "count")}
                                             for c in latest.filled]
    assert all(set(c) >= {"sheet", "cell", "label", "unit"} for c in answer["unfilled"])
    assert ReturnFill.objects.latest("id").via == "cli"

