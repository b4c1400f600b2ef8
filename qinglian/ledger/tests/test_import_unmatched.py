"""Names and units an imported ledger writes as people write them: matched generously; what matches no one is
shown once with the closest choices, kept as written (待匹配), matched later, or added to the roster."""

from __future__ import annotations

import io
import re

from qinglian.audit.models import AuditEntry
from qinglian.ledger.models import Measure, Source
from qinglian.ledger.names import Roster
from qinglian.ledger.tests.sheets import build, seed003_rows
from qinglian.lib.testing import make_person, make_unit
from qinglian.org.models import Person, UnitKind


def test_units_and_people_are_found_as_people_write_them(world) -> None:
    office = make_unit("办公室", world.a, UnitKind.OFFICE)
    make_unit("办公室", world.b, UnitKind.OFFICE)  # another department's 办公室, outside the subtree
    roster = Roster(world.a)
    for text in ("办公室", "县委宣传部办公室", "县委宣传部/办公室", " 县委宣传部 办公室 ", "示范县县委宣传部办公室"):
        assert roster.unit_named(text).found == office, text
    assert roster.unit_named("县委宣传部新闻宣传股").found == world.a1
    assert roster.unit_named("新闻宣传股（牵头）").found == world.a1
    assert roster.person_named("王 部长", None, leader=True).found == world.principal_a
    assert roster.person_named("部长", None, leader=True).found == world.principal_a  # by post
    assert roster.person_named("赵股长（新闻宣传股）", None, leader=False).found == world.staff_a1
    nearest = roster.unit_named("新闻股")
    assert nearest.found is None and nearest.reason == "找不到" and world.a1 in nearest.candidates
    person = roster.person_named("张干部", None, leader=False)
    assert person.found is None and world.staff_a in person.candidates


def test_two_people_of_one_name_are_a_choice_not_a_guess(world) -> None:
    office = make_unit("办公室", world.a, UnitKind.OFFICE)
    one, other = make_person(world.a1, "刘干事"), make_person(office, "刘干事")
    match = Roster(world.a).person_named("刘干事", None, leader=False)
    assert match.found is None and match.reason == "同名" and set(match.candidates) == {one, other}
    assert Roster(world.a).person_named("刘干事", office, leader=False).found == other  # its unit decides


def _spoiled() -> bytes:
    rows = seed003_rows()
    rows[2][1][5] = "张干部"  # row 5: an owner close to 张干事
    rows[4][1][5] = "张干部"  # row 7: the same name again: listed once
    rows[7][1][4] = "宣传股不存在"  # row 10
    rows[9][1][3] = "孙新人"  # row 12: a leader no roster has
    return build(rows)


def _upload(client, data: bytes) -> str:
    upload = io.BytesIO(data)
    upload.name = "台账.xlsx"
    response = client.post("/ledger/import/", {"file": upload, "kind": "inspection", "issued_by": "市委第七巡察组",
                                               "feedback_date": "2021年7月26日"})
    assert response.status_code == 302
    return response["Location"]


def _select(html: str, text: str) -> tuple[str, list[str]]:
    """The name and option values of the select whose label names `text`."""
    label = re.search(rf'<label for="(id_name_\d+)">[^<]*“{re.escape(text)}”', html)
    assert label, text
    select = re.search(rf'<select name="(name_\d+)"[^>]*id="{label.group(1)}"[^>]*>(.*?)</select>', html, re.S)
    assert select
    return select.group(1), re.findall(r'<option value="([^"]*)"', select.group(2))


def test_preview_lists_each_unmatched_name_once_and_the_choices_go_through(world) -> None:
    client = world.client("clerk_a")
    location = _upload(client, _spoiled())
    html = client.get(location).content.decode()
    assert "确认导入" in html and len(re.findall(r'<label for="id_name_\d+">[^<]*“张干部”', html)) == 1
    owner, owner_choices = _select(html, "张干部")
    assert f"p:{world.staff_a.pk}" in owner_choices and owner_choices[0] == "keep" and "add" in owner_choices
    unit, unit_choices = _select(html, "宣传股不存在")
    assert "add" not in unit_choices  # units are not added from an import
    leader, _ = _select(html, "孙新人")
    done = client.post(location + "confirm/", {owner: f"p:{world.staff_a.pk}", unit: "keep", leader: "add"})
    assert done.status_code == 302
    assert Measure.objects.count() == 24
    assert set(Measure.objects.filter(pk__in=[m.pk for m in Measure.objects.all()])
               .filter(owner=world.staff_a).values_list("owner_text", flat=True)) == {""}
    kept = Measure.objects.get(responsible_unit_text="宣传股不存在")
    assert kept.responsible_unit_id is None and kept.unmatched_fields() == ["responsible_unit"]
    added = Person.objects.get(name="孙新人")
    assert added.unit == world.a and Measure.objects.filter(leader_in_charge=added).count() == 1
    assert AuditEntry.objects.filter(summary__contains="加入干部名册：孙新人").exists()
    batch_page = client.get(done["Location"]).content.decode()  # the batch page: what was kept as written
    assert "宣传股不存在" in batch_page and "去匹配待匹配的名称" in batch_page


def test_a_choice_outside_the_unit_is_kept_as_written(world) -> None:
    client = world.client("clerk_a")
    location = _upload(client, _spoiled())
    owner, _ = _select(client.get(location).content.decode(), "张干部")
    client.post(location + "confirm/", {owner: f"p:{world.staff_b.pk}"})  # 县财政局's cadre, forged
    assert not Measure.objects.filter(owner=world.staff_b).exists()
    assert Measure.objects.filter(owner_text="张干部", owner__isnull=True).count() == 2


def test_kept_names_are_matched_later_from_the_source_page(world) -> None:
    client = world.client("clerk_a")
    location = _upload(client, _spoiled())
    client.post(location + "confirm/")
    source = Source.objects.get()
    url = f"/ledger/sources/{source.pk}/names/"
    page = client.get(url).content.decode()
    assert "张干部" in page and "宣传股不存在" in page and "孙新人" in page
    assert f'<optgroup label="最接近的"><option value="{world.staff_a.pk}">' in page
    measure = Measure.objects.filter(owner_text="张干部").first()
    assert "张干部" in client.get(f"/ledger/measures/{measure.pk}/").content.decode()  # shown as written
    response = client.post(url, {"field": "owner", "text": "张干部", "target": world.staff_a.pk})
    assert response.status_code == 302
    assert Measure.objects.filter(owner=world.staff_a, owner_text="").count() >= 2
    assert not Measure.objects.filter(owner_text="张干部").exists()
    assert "已将2条措施中的“张干部”匹配为张干事" in client.get(url).content.decode()  # the message, once
    assert "<td>张干部</td>" not in client.get(url).content.decode()
    # another unit's person is refused; another unit's clerk does not see the page
    client.post(url, {"field": "leader_in_charge", "text": "孙新人", "target": world.principal_b.pk})
    assert Measure.objects.filter(leader_in_charge_text="孙新人", leader_in_charge__isnull=True).count() == 1
    assert world.client("clerk_b").get(url).status_code == 404
    assert world.client("supervisor").post(url, {"field": "owner", "text": "x", "target": 1}).status_code == 403
