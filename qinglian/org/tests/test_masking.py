"""Phone and ID numbers: masked on the person page, in the people export and in a generated .docx; checked
when typed; shown in full only to an account the security admin granted 查看完整号码, each time audited
without the number; the grant and the clearance set by the security admin, audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from qinglian.audit.models import Action, AuditEntry
from qinglian.lib.security import mask_id_number, mask_phone, normalize_id_number
from qinglian.lib.testing import World
from qinglian.org.models import User

pytestmark = pytest.mark.django_db

PHONE = "13812341234"
ID_NUMBER = "11010519491231002X"  # GB 11643's own example, check digit X


@pytest.fixture
def numbered(world: World) -> World:
    world.staff_a.phone, world.staff_a.id_number = PHONE, ID_NUMBER
    world.staff_a.save()
    return world


def test_the_masks_keep_the_ends_only() -> None:
    assert mask_phone(PHONE) == "138****1234"
    assert mask_phone("0851-12345678") == "0851-****5678"
    assert mask_id_number(ID_NUMBER) == "110105********002X"
    assert mask_phone("") == "" and mask_id_number("") == ""


def test_the_person_page_shows_masked_numbers_and_no_unmask_button_without_the_grant(numbered: World) -> None:
    page = numbered.client("clerk_a").get(f"/org/people/{numbered.staff_a.pk}/").content.decode()
    assert "138****1234" in page and "110105********002X" in page
    assert PHONE not in page and ID_NUMBER not in page
    assert "显示完整号码" not in page


def test_unmask_without_the_grant_is_refused_and_writes_no_unmask_row(numbered: World) -> None:
    response = numbered.client("clerk_a").post(f"/org/people/{numbered.staff_a.pk}/unmask/", {"reason": "核对"})
    assert response.status_code == 403 and PHONE not in response.content.decode()
    assert not AuditEntry.objects.filter(action=Action.UNMASK).exists()


def test_unmask_with_the_grant_shows_the_full_numbers_once_and_audits_whose_not_what(numbered: World) -> None:
    User.objects.filter(pk=numbered.clerk_a.pk).update(can_unmask=True)
    client = numbered.client("clerk_a")
    page = client.get(f"/org/people/{numbered.staff_a.pk}/").content.decode()
    assert "显示完整号码" in page and PHONE not in page
    response = client.post(f"/org/people/{numbered.staff_a.pk}/unmask/", {"reason": "联系本人核对信息"})
    body = response.content.decode()
    assert response.status_code == 200 and PHONE in body and ID_NUMBER in body
    assert response["Cache-Control"] == "no-store"
    entry = AuditEntry.objects.get(action=Action.UNMASK)
    assert entry.actor_id == numbered.clerk_a.pk and "张干事" in entry.summary and "联系本人核对信息" in entry.summary
    everything = f"{entry.summary} {entry.before} {entry.after}"
    assert PHONE not in everything and ID_NUMBER not in everything and "1234" not in everything
    # the next visit is masked again
    assert PHONE not in client.get(f"/org/people/{numbered.staff_a.pk}/").content.decode()


def test_the_people_export_masks_the_numbers(numbered: World) -> None:
    User.objects.filter(pk=numbered.clerk_a.pk).update(can_unmask=True)  # even with the grant: files travel
    response = numbered.client("clerk_a").get("/org/people/export.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert "手机号码" in header and "身份证号码" in header
    values = [str(c.value) for row in ws.iter_rows() for c in row if c.value]
    assert "138****1234" in values and "110105********002X" in values
    assert PHONE not in values and ID_NUMBER not in values


def _edit(world: World, **over: str):  # type: ignore[no-untyped-def]
    person = world.staff_a
    person.refresh_from_db()
    data = {"name": person.name, "post": person.post, "team_role": person.team_role, "portfolio": "",
            "phone": "", "id_number": "", "version": person.version, **over}
    return world.client("clerk_a").post(f"/org/people/{person.pk}/edit/", data)


def test_the_person_form_checks_numbers_in_chinese(world: World) -> None:
    body = _edit(world, phone="12345678901").content.decode()
    assert "手机号码应为 11 位数字" in body
    body = _edit(world, id_number="110105194912310021").content.decode()
    assert "校验位不对" in body
    body = _edit(world, id_number="11010519491231").content.decode()
    assert "应为 18 位" in body
    assert _edit(world, phone="0851-12345678", id_number="11010519491231002x").status_code == 302
    world.staff_a.refresh_from_db()
    assert world.staff_a.phone == "0851-12345678" and world.staff_a.id_number == ID_NUMBER


def test_the_edit_form_offers_the_numbers_masked_and_keeps_them_when_posted_back(numbered: World) -> None:
    form = numbered.client("clerk_a").get(f"/org/people/{numbered.staff_a.pk}/edit/").content.decode()
    assert "138****1234" in form and PHONE not in form and ID_NUMBER not in form
    assert _edit(numbered, post="科员", phone="138****1234", id_number="110105********002X").status_code == 302
    numbered.staff_a.refresh_from_db()
    assert numbered.staff_a.phone == PHONE and numbered.staff_a.id_number == ID_NUMBER
    assert numbered.staff_a.post == "科员"


def test_gb11643_check_digit() -> None:
    assert normalize_id_number("11010519491231002x") == ID_NUMBER
    with pytest.raises(Exception, match="校验位"):
        normalize_id_number("110105194912310020")


def test_the_security_admin_sets_clearance_and_the_grant_audited(world: World) -> None:
    client = world.client("secadmin")
    page = client.get(f"/org/accounts/{world.clerk_a.pk}/").content.decode()
    assert "可阅密级" in page and "可查看完整号码" in page
    refused = client.post(f"/org/accounts/{world.clerk_a.pk}/clearance/", {"clearance": "sensitive"})
    assert refused.status_code == 400 and "请勾选确认" in refused.content.decode()
    response = client.post(f"/org/accounts/{world.clerk_a.pk}/clearance/",
                           {"clearance": "sensitive", "can_unmask": "on", "confirm": "on"})
    assert response.status_code == 302
    world.clerk_a.refresh_from_db()
    assert world.clerk_a.clearance == "sensitive" and world.clerk_a.can_unmask
    entry = AuditEntry.objects.filter(object_id=str(world.clerk_a.pk), action=Action.UPDATE).latest("id")
    assert "可阅密级由“内部”改为“敏感”" in entry.summary and "授予查看完整号码权限" in entry.summary
    assert entry.before == {"clearance": "internal", "can_unmask": False}
    # never to oneself, and nobody but the security admin
    own = client.post(f"/org/accounts/{world.secadmin.pk}/clearance/",
                      {"clearance": "public", "confirm": "on"}).content.decode()
    assert "不能调整自己的" in own
    assert world.client("sysadmin").post(f"/org/accounts/{world.clerk_a.pk}/clearance/",
                                         {"clearance": "public", "confirm": "on"}).status_code == 403
