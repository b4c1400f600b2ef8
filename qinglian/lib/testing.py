"""Plain helpers for tests (no factory library): a small tree and the personas of every permission test.

    county ─┬─ A (县委宣传部) ── A1 (新闻宣传股)
            └─ B (县财政局)

clerk_a / leader_a work in A; clerk_b in B; supervisor reads the whole county; the three admins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.test import Client

from qinglian.org.models import Person, Role, TeamRole, Unit, UnitKind, User
from qinglian.org.services import unit_create

PASSWORD = "Test#Pass2026"
_HASH: list[str] = []


def make_unit(name: str, parent: Unit | None = None, kind: str = UnitKind.DEPARTMENT) -> Unit:
    return unit_create(user=None, name=name, kind=kind, parent=parent)


def make_person(unit: Unit, name: str, team_role: str = TeamRole.STAFF, post: str = "", portfolio: str = "") -> Person:
    person = Person(unit=unit, name=name, team_role=team_role, post=post, portfolio=portfolio)
    person.save()
    return person


def make_user(username: str, role: str, unit: Unit | None = None, person: Person | None = None) -> User:
    if not _HASH:
        _HASH.append(make_password(PASSWORD))
    # No superuser, not even the system admin: the admin site goes by role (三员分立).
    return User.objects.create(username=username, role=role, unit=unit, person=person, password=_HASH[0])


def login(client: Client, user: User) -> Client:
    """Log `user` in with both factors: the password step (force_login), then django-otp's own otp_login with
    a real confirmed TOTP device of the account (created if it has none), as the code page does."""
    from django.http import HttpRequest
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True))
    request = HttpRequest()
    request.session, request.user = client.session, user
    otp_login(request, device)
    request.session.save()
    return client


def totp_code(user: User, at: float | None = None) -> str:
    """The code the account's authenticator app shows at `at` (seconds since the epoch; default now)."""
    import time

    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "pk").first()
    assert device is not None, f"{user.username} 没有动态口令设备"
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    """Log in through the real forms: the password, then (where the policy asks for it) a real TOTP code of
    the account's device (a confirmed one is created if it has none). The last response is returned."""
    import time

    from django_otp.plugins.otp_totp.models import TOTPDevice

    response = client.post("/login/", {"username": username, "password": password}, **extra)
    if response.status_code != 302 or not client.get(response["Location"], **extra).get("Location", "").startswith(
            "/factors/"):
        return response
    user = User.objects.get_by_natural_key(username)
    device = (TOTPDevice.objects.filter(user=user, confirmed=True).first()
              or TOTPDevice.objects.create(user=user, name="动态口令", confirmed=True))
    step = int(time.time()) // device.step
    if device.last_t >= step + 1:  # this step's and the next one's codes are spent: wait for a fresh one
        time.sleep((device.last_t + 1) * device.step - time.time() + 0.1)
        step = int(time.time()) // device.step
    at = max(step, device.last_t + 1) * device.step
    return client.post("/factors/code/", {"code": totp_code(user, at), "next": "/"}, **extra)


def browser_second_factor(page: Any, key: str | None = None) -> None:
    """In a browser, after the password was submitted: the code page with the code of `key` (the device's hex
    key, read before the browser started), or enrolment, confirmed with the code of the secret the page shows
    (the ten recovery codes are then passed by 继续); then the page asked for. Needs no ORM (Playwright's loop)."""
    import time
    from base64 import b32decode

    from django_otp.oath import TOTP

    def code(secret: bytes) -> str:
        totp = TOTP(secret)
        totp.time = time.time()
        return f"{totp.token():06d}"

    page.wait_for_url(lambda url: "/login/" not in url)
    if "/factors/enrol/" in page.url:
        page.fill("#id_code", code(b32decode(page.inner_text("figure.qr code").replace(" ", ""))))
        page.click("main button.primary")  # the top bar's log-out button comes first
        page.click("main a.primary")  # 我已保存好，继续
    elif "/factors/code/" in page.url:
        assert key is not None, "this account has a device: pass its key"
        page.fill("#id_code", code(bytes.fromhex(key)))
        page.click("main button.primary")
    page.wait_for_url(lambda url: "/factors/" not in url)


def client_for(user: User) -> Client:
    return login(Client(), user)


@dataclass
class World:
    county: Unit
    a: Unit
    a1: Unit
    b: Unit
    principal_a: Person
    member_a: Person
    staff_a: Person
    staff_a1: Person
    principal_b: Person
    staff_b: Person
    clerk_a: User
    leader_a: User
    clerk_b: User
    supervisor: User
    sysadmin: User
    secadmin: User
    auditor: User

    def client(self, who: str) -> Client:
        return client_for(getattr(self, who))


def build_world() -> World:
    county = make_unit("示范县", None, UnitKind.COUNTY)
    a = make_unit("县委宣传部", county)
    a1 = make_unit("新闻宣传股", a, UnitKind.OFFICE)
    b = make_unit("县财政局", county)
    principal_a = make_person(a, "王部长", TeamRole.PRINCIPAL, "部长", "全面工作")
    member_a = make_person(a, "李副部长", TeamRole.TEAM_MEMBER, "副部长", "新闻宣传、党风廉政建设")
    staff_a = make_person(a, "张干事", post="干事")
    staff_a1 = make_person(a1, "赵股长", post="股长")
    principal_b = make_person(b, "刘局长", TeamRole.PRINCIPAL, "局长", "全面工作")
    staff_b = make_person(b, "陈科员", post="科员")
    return World(
        county=county, a=a, a1=a1, b=b, principal_a=principal_a, member_a=member_a, staff_a=staff_a,
        staff_a1=staff_a1, principal_b=principal_b, staff_b=staff_b,
        clerk_a=make_user("clerk_a", Role.CLERK, a, staff_a),
        leader_a=make_user("leader_a", Role.LEADER, a, principal_a),
        clerk_b=make_user("clerk_b", Role.CLERK, b, staff_b),
        supervisor=make_user("supervisor", Role.SUPERVISOR, county),
        sysadmin=make_user("sysadmin", Role.SYSADMIN),
        secadmin=make_user("secadmin", Role.SECADMIN),
        auditor=make_user("auditor", Role.AUDITOR),
    )



# The data migrations that seed reference rows (activity kinds, outlets): a transactional test's flush empties
# their tables, so a later test that needs them (the demo county in a browser test) seeds them again.
SEED_MIGRATIONS = (("qinglian.records.migrations.0002_standard_activity_kinds", "add_kinds"),
                   ("qinglian.publicity.migrations.0002_seed_outlets", "seed"),
                   ("qinglian.verify.migrations.0003_problem_profile", "seed"))


def reseed() -> None:
    """Run the seeding data migrations again (each is idempotent)."""
    import importlib

    from django.apps import apps

    from qinglian.lib import tracking

    with tracking.bulk("测试：重新装入基础数据"):
        for module, function in SEED_MIGRATIONS:
            getattr(importlib.import_module(module), function)(apps, None)


# -- tests that run `qinglian serve` as a subprocess -----------------------------------------------------------
def free_port() -> int:
    """A loopback port no one listens on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Any, seconds: float) -> bool:
    """Whether `condition()` came true within `seconds`, asked every 0.1 s."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return bool(condition())


# -- the demo county, built once per test process -------------------------------------------------------------
@dataclass
class _DemoCopy:
    tables: list[tuple[str, list[str], list[tuple[Any, ...]]]]
    media: str  # a copy of the media files the demo wrote


_DEMOS: dict[tuple[str, ...], _DemoCopy] = {}


def load_demo(*args: str) -> None:
    """`qinglian demo ARGS` into the test database and settings.MEDIA_ROOT. The first call in a test process
    builds it (tens of seconds); later calls with the same ARGS put the same rows and files back (a second or
    two): the test sees exactly the database the command made, ids, audit chain and sealed files included."""
    import io

    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    key = (connection.vendor, *args)
    media = settings.MEDIA_ROOT
    if key in _DEMOS:
        _restore(_DEMOS[key], media)
    else:
        reseed()  # an earlier transactional test in this process may have flushed the seeded kinds and outlets
        call_command("demo", *args, stdout=io.StringIO())
        _DEMOS[key] = _copy(media)
    cache.clear()  # the memo keys on the audit chain, which the copy repeats exactly


def _demo_tables() -> list[str]:
    from django.db import connection

    from qinglian.audit.triggers import PERMIT_TABLE

    return [t for t in connection.introspection.table_names() if t not in ("django_migrations", PERMIT_TABLE)]


def _copy(media: str) -> _DemoCopy:
    import atexit
    import shutil
    import tempfile
    from pathlib import Path

    from django.db import connection

    tables = []
    with connection.cursor() as cursor:
        for table in _demo_tables():
            cursor.execute(f'SELECT * FROM "{table}"')  # names from the database's own catalogue  # nosec B608
            rows = cursor.fetchall()
            if rows:
                tables.append((table, [c[0] for c in cursor.description], rows))
    saved = tempfile.mkdtemp(prefix="qinglian-demo-media-")
    atexit.register(shutil.rmtree, saved, ignore_errors=True)  # kept for the process's later tests, no longer
    if Path(media).is_dir():
        shutil.copytree(media, saved, dirs_exist_ok=True)
    return _DemoCopy(tables=tables, media=saved)


def _restore(copy: _DemoCopy, media: str) -> None:
    import shutil

    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from qinglian.audit.triggers import removal_permit

    # One transaction: foreign keys are checked at its end, after every table is back.
    with transaction.atomic(), removal_permit(reason="测试：装回示范数据"), connection.cursor() as cursor:
        for table in _demo_tables():
            cursor.execute(f'DELETE FROM "{table}"')  # nosec B608
        raw = cursor.cursor
        for table, columns, rows in copy.tables:
            names = ", ".join(f'"{c}"' for c in columns)
            if connection.vendor == "postgresql":
                with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as pipe:
                    for row in rows:
                        pipe.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)  # nosec B608
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(sql)
    shutil.copytree(copy.media, media, dirs_exist_ok=True)


# -- databases of their own, for tests that run commands in subprocesses --------------------------------------
# `migrate` on an empty database costs tens of seconds (the migration states are rendered); the test session's
# own database has just been migrated, so a copy of it, taken then, stands in for every later fresh migrate.
_PRISTINE: dict[str, str] = {}


def keep_pristine(folder: Any) -> None:
    """Keep a copy of the session's freshly migrated test database (a SQLite file in `folder`, or a PostgreSQL
    template database beside it). Called once, right after the test database is made."""
    from django.db import connection

    if connection.vendor == "sqlite":
        _PRISTINE["sqlite"] = _sqlite_backup(folder / "pristine.sqlite3")
    elif connection.vendor == "postgresql":
        template = f"{connection.settings_dict['NAME']}_pristine"
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{template}"')
        _PRISTINE["postgresql"] = _pg_copy_of_test_database(template)


def drop_pristine() -> None:
    template = _PRISTINE.pop("postgresql", None)
    if template:
        drop_database(pg_url(template))
    _PRISTINE.pop("sqlite", None)


def pg_admin() -> Any:
    """An autocommit connection to the server's `postgres` database, as the test database's user."""
    import psycopg
    from django.db import connection

    s = connection.settings_dict
    return psycopg.connect(host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432, user=s["USER"],
                           password=s["PASSWORD"] or None, dbname="postgres", autocommit=True)


def pg_url(name: str) -> str:
    """DATABASE_URL with the database `name` on the same server."""
    import os
    from urllib.parse import urlsplit

    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def _pg_create(name: str, template: str) -> str:
    with pg_admin() as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return name


def _pg_copy_of_test_database(name: str) -> str:
    from django.db import connection, connections

    source = connection.settings_dict["NAME"]
    connections.close_all()  # a template may have no one connected to it; the next query reconnects
    return _pg_create(name, source)


def _sqlite_backup(path: Any) -> str:
    """The test database (what it has committed) copied to the SQLite file `path`."""
    import sqlite3

    from django.db import connection

    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return str(path)


def migrated_sqlite(path: Any) -> None:
    """Put a migrated database at `path` (a SQLite file not there yet) when the session runs on SQLite; on
    another engine leave it to the caller's own `migrate`, which the copy makes a quick no-op otherwise."""
    import shutil

    if "sqlite" in _PRISTINE:
        shutil.copyfile(_PRISTINE["sqlite"], path)


def migrated_database(folder: Any) -> str:
    """A DATABASE_URL of a new database of the session's engine, already migrated: a SQLite file in `folder`,
    or a PostgreSQL database made from the pristine template (drop it with `drop_database`); empty when the
    session made no test database (the caller's own `migrate` then does the work)."""
    import secrets

    from django.db import connection

    if connection.vendor == "postgresql":  # no pristine copy (no test database this session): an empty one
        return pg_url(_pg_create(f"own_{secrets.token_hex(4)}", _PRISTINE.get("postgresql", "template0")))
    path = folder / "own.sqlite3"
    migrated_sqlite(path)
    return f"sqlite:///{path}"


def database_copy(folder: Any) -> str:
    """A DATABASE_URL of a new database holding what the test database has committed now (a transactional
    test's rows): a SQLite file in `folder`, or a PostgreSQL database made with the test database as template."""
    import secrets

    from django.db import connection

    if connection.vendor == "sqlite":
        return f"sqlite:///{_sqlite_backup(folder / 'copy.sqlite3')}"
    return pg_url(_pg_copy_of_test_database(f"copy_{secrets.token_hex(4)}"))


def drop_database(url: str) -> None:
    if url.startswith(("postgres://", "postgresql://")):
        with pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
