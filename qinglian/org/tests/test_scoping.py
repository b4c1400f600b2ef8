"""Who sees what: the one scoping rule holds for lists, details, edits and exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qinglian.lib.testing import World
from qinglian.org.models import Person, Unit
from qinglian.org.scoping import visible_units

pytestmark = pytest.mark.django_db


def test_clerk_sees_own_unit_and_subtree_only(world: World) -> None:
    names = set(visible_units(world.clerk_a).values_list("name", flat=True))
    assert names == {"县委宣传部", "新闻宣传股"}
    assert set(Person.objects.visible_to(world.clerk_a).values_list("name", flat=True)) == {
        "王部长", "李副部长", "张干事", "赵股长"}


def test_clerk_of_a_gets_404_on_everything_of_b(world: World) -> None:
    client = world.client("clerk_a")
    other = world.staff_b
    assert client.get(f"/org/people/{other.pk}/").status_code == 404
    assert client.get(f"/org/people/{other.pk}/edit/").status_code == 404
    assert client.post(f"/org/people/{other.pk}/edit/", {"name": "改名", "team_role": "staff",
                                                          "version": 1}).status_code == 404
    assert client.post(f"/org/people/{other.pk}/delete/").status_code == 404
    assert client.get(f"/org/units/{world.b.pk}/").status_code == 404
    listing = client.get("/org/people/", headers={"HX-Request": "true"}).content.decode()
    assert "陈科员" not in listing and "张干事" in listing
    export = client.get("/org/people/export.xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {"王部长", "李副部长", "张干事", "赵股长"}
    assert Person.objects.get(pk=other.pk).name == "陈科员"


def test_switching_to_an_invisible_unit_is_404(world: World) -> None:
    client = world.client("clerk_a")
    assert client.post("/org/switch/", {"unit": world.b.pk}).status_code == 404
    assert client.post("/org/switch/", {"unit": world.a1.pk}).status_code == 302
    assert "赵股长" in client.get("/org/people/", headers={"HX-Request": "true"}).content.decode()
    assert "张干事" not in client.get("/org/people/", headers={"HX-Request": "true"}).content.decode()


def test_supervisor_reads_whole_subtree_and_writes_nothing(world: World) -> None:
    client = world.client("supervisor")
    listing = client.get("/org/people/", headers={"HX-Request": "true"}).content.decode()
    assert "陈科员" in listing and "张干事" in listing
    assert client.get(f"/org/people/{world.staff_b.pk}/").status_code == 200
    assert client.get(f"/org/people/{world.staff_b.pk}/edit/").status_code == 403
    response = client.post(f"/org/people/{world.staff_b.pk}/edit/", {"name": "改名", "team_role": "staff",
                                                                     "version": 1})
    assert response.status_code == 403
    assert client.post(f"/org/people/{world.staff_b.pk}/delete/").status_code == 403
    assert Person.objects.get(pk=world.staff_b.pk).name == "陈科员"


@pytest.mark.parametrize("who", ["sysadmin", "secadmin", "auditor"])
def test_admins_see_no_business_data(world: World, who: str) -> None:
    client = world.client(who)
    assert client.get("/org/people/").status_code == 403
    assert client.get(f"/org/people/{world.staff_a.pk}/").status_code == 403
    assert not Person.objects.visible_to(getattr(world, who)).exists()
    assert not visible_units(getattr(world, who)).exists()


def test_anonymous_is_sent_to_login(world: World) -> None:
    from django.test import Client

    response = Client().get("/org/people/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_subtree_is_an_index_range_that_follows_moves(world: World) -> None:
    from qinglian.org.services import unit_save

    a1 = Unit.objects.get(pk=world.a1.pk)
    a1.parent = world.b
    unit_save(user=world.sysadmin, unit=a1)
    assert Unit.objects.get(pk=a1.pk).full_name == "示范县/县财政局/新闻宣传股"
    assert "赵股长" not in set(Person.objects.visible_to(world.clerk_a).values_list("name", flat=True))
    assert "赵股长" in set(Person.objects.visible_to(world.clerk_b).values_list("name", flat=True))
