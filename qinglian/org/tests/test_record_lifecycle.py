"""What every business record inherits: optimistic locking, soft delete with restore, audit in the same
transaction."""

from __future__ import annotations

from unittest import mock

import pytest

from qinglian.audit.models import AuditEntry
from qinglian.lib.services import ConflictError, record_update
from qinglian.lib.testing import World
from qinglian.org.models import Person

pytestmark = pytest.mark.django_db


def _edit(client, person: Person, version: int, **changes: str):  # type: ignore[no-untyped-def]
    data = {"name": person.name, "post": person.post, "team_role": person.team_role,
            "portfolio": person.portfolio, "version": version, **changes}
    return client.post(f"/org/people/{person.pk}/edit/", data)


def test_two_editors_from_the_same_version_one_wins_one_sees_what_changed(world: World) -> None:
    person = world.staff_a
    first, second = world.client("clerk_a"), world.client("leader_a")
    assert 'name="version" value="1"' in first.get(f"/org/people/{person.pk}/edit/").content.decode()
    assert _edit(first, person, 1, post="宣传干事").status_code == 302
    response = _edit(second, person, 1, post="网评员")
    assert response.status_code == 200
    page = response.content.decode()
    assert "已被他人修改" in page and "宣传干事" in page and "职务" in page
    saved = Person.objects.get(pk=person.pk)
    assert saved.post == "宣传干事" and saved.version == 2


def test_conflict_error_names_who_changed_what(world: World) -> None:
    person = world.staff_a
    record_update(user=world.clerk_a, obj=person, data={"post": "股长"}, version=1)
    with pytest.raises(ConflictError) as excinfo:
        record_update(user=world.leader_a, obj=Person.objects.get(pk=person.pk), data={"post": "科员"}, version=1)
    assert excinfo.value.changes[0].new == "股长"
    assert "张干事" in str(excinfo.value) and "股长" in str(excinfo.value)


def test_delete_hides_and_restore_brings_it_back_whole(world: World) -> None:
    person = world.member_a
    before = Person.objects.get(pk=person.pk).snapshot()
    client = world.client("clerk_a")
    assert client.post(f"/org/people/{person.pk}/delete/").status_code == 302
    assert "李副部长" not in client.get("/org/people/", headers={"HX-Request": "true"}).content.decode()
    assert not Person.objects.filter(pk=person.pk).exists()
    assert Person.with_deleted.filter(pk=person.pk).exists()  # never removed
    detail = client.get(f"/org/people/{person.pk}/").content.decode()
    assert "已删除" in detail and "恢复" in detail
    assert client.post(f"/org/people/{person.pk}/restore/").status_code == 302
    assert Person.objects.get(pk=person.pk).snapshot() == before
    assert "李副部长" in client.get("/org/people/", headers={"HX-Request": "true"}).content.decode()
    actions = list(AuditEntry.objects.filter(object_id=str(person.pk), object_type="org.person")
                   .values_list("action", flat=True))
    assert "delete" in actions and "restore" in actions


def test_business_rows_cannot_be_removed_through_the_orm(world: World) -> None:
    with pytest.raises(PermissionError):
        Person.objects.filter(pk=world.staff_a.pk).delete()


def test_if_the_audit_write_fails_the_change_fails(world: World) -> None:
    person = world.staff_a
    with mock.patch("qinglian.lib.services.audit_log", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        record_update(user=world.clerk_a, obj=person, data={"post": "不应保存"}, version=1)
    assert Person.objects.get(pk=person.pk).post == "干事"


def test_every_change_is_audited_with_before_and_after(world: World) -> None:
    _edit(world.client("clerk_a"), world.staff_a, 1, post="网评员")
    entry = AuditEntry.objects.filter(object_type="org.person", action="update").latest("id")
    assert entry.before == {"post": "干事"} and entry.after == {"post": "网评员"}
    assert entry.actor_id == world.clerk_a.pk and entry.ip == "127.0.0.1"
