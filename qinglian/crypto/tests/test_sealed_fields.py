"""Encrypted fields: what is stored, what a user sees, what is refused."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import FieldError
from django.db import connection, transaction

from qinglian.audit.models import Action, AuditEntry
from qinglian.crypto.fields import NOTICE_TAMPERED, Sealed
from qinglian.crypto.tests.conftest import make_activity
from qinglian.lib import tracking
from qinglian.lib.services import record_update
from qinglian.org.models import Person
from qinglian.records.models import Activity

TALK = "提醒对象严守中央八项规定精神，对象表示坚决照办（测试谈话甲）"
OTHER = "对象就个人有关事项作了说明（测试谈话乙）"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return str(cursor.fetchone()[0])


def test_round_trip_stores_a_token_and_reads_plaintext(world):
    activity = make_activity(world, TALK)
    stored = raw("records_activity", "minutes", activity.pk)
    assert stored.startswith("sm4:1:k1:") and TALK not in stored
    assert Activity.objects.get(pk=activity.pk).minutes == TALK
    page = world.client("clerk_a").get(f"/records/activities/{activity.pk}/")
    assert TALK in page.content.decode()


def test_same_text_twice_gives_two_ciphertexts(world):
    a, b = make_activity(world, TALK), make_activity(world, TALK)
    assert raw("records_activity", "minutes", a.pk) != raw("records_activity", "minutes", b.pk)


def test_phone_numbers_are_sealed_through_bulk_create(world):
    with tracking.bulk("测试准备"):
        people = Person.objects.bulk_create([Person(unit=world.a, name=f"测试{i}", phone=f"1390000{i:04d}")
                                             for i in range(3)])
    for i, person in enumerate(people):
        assert raw("org_person", "phone", person.pk).startswith("sm4:1:")
        assert Person.objects.get(pk=person.pk).phone == f"1390000{i:04d}"


def test_swapped_ciphertext_is_refused_audited_and_shown_as_a_notice(world):
    a, b = make_activity(world, TALK), make_activity(world, OTHER)
    with connection.cursor() as cursor:  # an insider with database access moves a's talk onto b
        cursor.execute("UPDATE records_activity SET minutes = %s WHERE id = %s",
                       [raw("records_activity", "minutes", a.pk), b.pk])
    page = world.client("clerk_a").get(f"/records/activities/{b.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "未通过完整性校验" in text and TALK not in text and OTHER not in text
    entry = AuditEntry.objects.filter(action=Action.TAMPERED).get()
    assert entry.object_id == str(b.pk) and "记录内容" in entry.summary
    assert Activity.objects.get(pk=b.pk).minutes == NOTICE_TAMPERED


def test_saving_a_refused_value_keeps_the_refused_token(world):
    a, b = make_activity(world, TALK), make_activity(world, OTHER)
    token = raw("records_activity", "minutes", a.pk)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE records_activity SET minutes = %s WHERE id = %s", [token, b.pk])
    fresh = Activity.objects.get(pk=b.pk)
    record_update(user=world.clerk_a, obj=fresh, data={"topic": "改了主题", "minutes": fresh.minutes},
                  version=fresh.version)
    assert raw("records_activity", "minutes", b.pk) == token  # not laundered into a valid value


def test_encrypted_fields_cannot_be_searched_or_updated_in_bulk(world):
    make_activity(world, TALK)
    with pytest.raises(FieldError):
        list(Activity.objects.filter(minutes__contains="八项规定"))
    with pytest.raises(tracking.UntrackedWrite):  # a bulk write outside tracking.bulk() is refused anyway
        Activity.objects.update(minutes="明文")
    with pytest.raises(ValueError, match="encrypted"), transaction.atomic(), tracking.bulk("测试"):
        Activity.objects.update(minutes="明文")
    page = world.client("clerk_a").get("/records/?q=八项规定")  # the list's search covers the topic only
    assert page.status_code == 200


def test_values_list_gives_no_ciphertext(world):
    make_activity(world, TALK)
    (value,) = Activity.objects.values_list("minutes", flat=True)
    assert isinstance(value, Sealed) and str(value) == "〔已加密〕"


def test_audit_records_that_the_content_changed_never_the_content(world):
    activity = make_activity(world, TALK)
    record_update(user=world.clerk_a, obj=activity, data={"minutes": OTHER}, version=activity.version)
    entries = list(AuditEntry.objects.filter(object_id=str(activity.pk), object_type="records.activity").order_by("pk"))
    dumped = repr([(e.summary, e.before, e.after) for e in entries])
    assert TALK not in dumped and OTHER not in dumped
    update = entries[-1]
    assert re.fullmatch(r"〔已加密·[0-9a-f]{8}〕", update.before["minutes"])
    assert update.before["minutes"] != update.after["minutes"]


def test_list_page_decrypts_nothing(world, monkeypatch):
    for i in range(3):
        make_activity(world, f"{TALK}{i}")
    from qinglian.crypto import fields

    opened = []
    real = fields.open_value
    monkeypatch.setattr(fields, "open_value", lambda *a: opened.append(a) or real(*a))
    page = world.client("clerk_a").get("/records/")
    assert page.status_code == 200 and opened == []
