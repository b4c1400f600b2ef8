"""A raw dump of the demo county — every table, the audit trail included — holds none of its people's phone
numbers and none of its talks' content (sqlite3's iterdump on SQLite, pg_dump on PostgreSQL)."""

from __future__ import annotations

import glob
import os
import re
import subprocess

import pytest
from django.db import connection

from qinglian.lib.testing import load_demo, reseed
from qinglian.org.models import Person
from qinglian.records.demo_texts import OPENINGS, REPLIES, TALK_KINDS
from qinglian.records.models import Activity


def raw_dump() -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"),
                   key=lambda p: [int(x) for x in re.findall(r"\d+", p)])
    if not found:
        pytest.skip("找不到 pg_dump（请先运行 make system-deps）")
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    result = subprocess.run(
        [found[-1], "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"],
         "--no-owner", db["NAME"]], capture_output=True, env=env, check=True, timeout=300)
    return result.stdout.decode("utf-8")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_dump_of_the_demo_has_no_phone_number_and_no_talk_text():
    reseed()
    load_demo("--today", "2026-11-23")
    phones = {p.phone for p in Person.objects.all() if p.phone}
    talks = [a.minutes for a in Activity.objects.filter(kind__code__in=TALK_KINDS)]
    assert len(phones) > 1000 and len(talks) > 100 and all(talks)
    dump = raw_dump()
    assert "sm4:1:k1:" in dump  # the values are there, sealed
    assert not phones & set(re.findall(r"(?<!\d)1\d{10}(?!\d)", dump))
    assert "谈话记录第" not in dump
    for sentence in [s for group in OPENINGS.values() for s in group] + REPLIES:
        assert sentence not in dump
