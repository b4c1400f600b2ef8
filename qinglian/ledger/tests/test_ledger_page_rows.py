"""The ledger page read in one statement (`lib.models.ValuesPage`: the ids chosen on the measures, the rows read
through a rule statement compiled once per scope and clearance) gives, page by page, exactly what the scoping rule
and the filters say, written the plain way: `visible_to` in the unit's subtree by unit path, every filter as a Q,
in ledger order. For every combination of status, 销号, 预警 and 逾期, with names, kinds and words, for accounts of
different scopes and clearances, over deleted, sensitive and closed rows, with a page size that walks several
pages; and a second account of the same rule reuses the statement without seeing more."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from qinglian.ledger.calendar import warning_bounds
from qinglian.ledger.imports import ledger_create_from_plan
from qinglian.ledger.models import Measure, overdue_q, warning_q
from qinglian.ledger.selectors import ROW_VALUES, ledger_page
from qinglian.lib import tracking
from qinglian.lib.models import ValuesPage
from qinglian.lib.testing import make_user
from qinglian.org.models import Role
from qinglian.org.scoping import may_see_unit, subtree_q

TODAY = timezone.localdate()
STATUSES = ["not_started", "in_progress", "done", "long_term"]
SIZE = 7


def _load(world) -> None:
    deadlines = [TODAY - dt.timedelta(days=30), TODAY, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=12),
                 TODAY + dt.timedelta(days=40), TODAY + dt.timedelta(days=400), None]
    for clerk, unit, prefix, n, owners in ((world.clerk_a, world.a, "宣传", 14, ("赵股长", "张干事")),
                                           (world.clerk_b, world.b, "财政", 9, (world.principal_b.name, "陈科员"))):
        plan = [{"title": f"{prefix}方面", "problems": [
            {"text": f"{prefix}问题{i}", "children": [], "measures": [
                {"text": f"{prefix}措施{i}-{k}", "status": STATUSES[(i + k) % 4], "owner": owners[bool(k)],
                 "deadline": deadlines[(i * 2 + k) % len(deadlines)]} for k in range(3)]} for i in range(n)]}]
        result = ledger_create_from_plan(user=clerk, unit=unit, aspects=plan, source_fields={
            "kind": "inspection" if unit == world.a else "audit", "issued_by": "县委巡察组",
            "feedback_date": TODAY - dt.timedelta(days=60)})
        assert result.ok, result.errors
    with tracking.bulk("测试：销号、敏感、删除", world.clerk_a):
        ids = list(Measure.objects.order_by("pk").values_list("pk", flat=True))
        Measure.objects.filter(pk__in=ids[::5]).update(closure="closed")
        Measure.objects.filter(pk__in=ids[1::6]).update(security_label="sensitive")
        Measure.objects.filter(pk__in=ids[2::11]).update(deleted_at=timezone.now())


def _oracle(user, unit, f: dict) -> list[dict]:
    if not may_see_unit(user, unit):
        return []
    qs = Measure.objects.visible_to(user).filter(subtree_q(unit))
    for name in ("status", "closure"):
        if f.get(name):
            qs = qs.filter(**{name: f[name]})
    if f.get("owner"):
        qs = qs.filter(owner__name=f["owner"])
    if f.get("kind"):
        qs = qs.filter(source__kind=f["kind"])
    if f.get("overdue"):
        qs = qs.filter(overdue_q(TODAY))
    if f.get("level"):
        qs = qs.filter(warning_q(f["level"], warning_bounds(TODAY)))
    if f.get("q"):
        qs = qs.filter(text__contains=f["q"]) | qs.filter(problem__text__contains=f["q"])
    return list(qs.order_by("position").values(*ROW_VALUES))


def _pages(user, unit, f: dict) -> list[dict]:
    page = ledger_page(user, unit, f)
    assert isinstance(page, ValuesPage)
    rows, start = [], 0
    while True:
        got = page[start:start + SIZE + 1]
        rows += got[:SIZE]
        if len(got) <= SIZE:
            return rows
        start += SIZE


def test_every_filter_combination_pages_exactly_what_the_rule_and_the_filters_say(world) -> None:
    _load(world)
    public = make_user("public_reader", Role.SUPERVISOR, world.county)
    public.clearance = "public"
    public.save()
    readers = [(world.clerk_a, world.a), (world.supervisor, world.county), (world.clerk_b, world.b),
               (public, world.county), (world.clerk_a, world.b), (world.supervisor, world.a1)]
    combos = [dict(status=s, closure=c, level=lv) for s, c, lv in itertools.product(
        ["", *STATUSES], ["", "open", "closed"], ["", "red", "yellow", "green"])]
    combos += [dict(overdue=True), dict(overdue=True, status="done"), dict(overdue=True, closure="open"),
               dict(owner="赵股长"), dict(owner="赵股长", status="in_progress"), dict(kind="audit"),
               dict(kind="inspection", level="red"), dict(q="问题1"), dict(q="措施2-", closure="open")]
    sizes = set()
    for (user, unit), f in itertools.product(readers, combos):
        expected = _oracle(user, unit, f)
        assert _pages(user, unit, f) == expected, (user.username, unit.name, f)
        sizes.add(len(expected))
    assert max(sizes) > 3 * SIZE and 0 in sizes and len(sizes) > 10  # the cases differ, several pages walked


def test_accounts_of_one_rule_share_its_statement_and_no_more(world) -> None:
    _load(world)
    other_a = make_user("clerk_a2", Role.CLERK, world.a)
    first = _pages(world.clerk_a, world.a, {})
    assert _pages(other_a, world.a, {}) == first and first
    # same scope, lower clearance: its own statement, without the sensitive rows
    other_a.clearance = "public"
    other_a.save()
    lower = _pages(other_a, world.a, {})
    assert lower == _oracle(other_a, world.a, {}) and len(lower) < len(first)
    # another scope asking for A: nothing, whatever was compiled before
    assert _pages(world.clerk_b, world.a, {}) == []


def test_a_statement_compiled_for_a_wider_scope_never_serves_a_narrower_one(world) -> None:
    """The rows' statement is the rule's, per scope: a sort key gone wrong puts a 财政局 measure inside 宣传部's
    range; the county's supervisor, who may see it, asks first, and 宣传部's clerk, asking the same page after,
    still does not get it."""
    _load(world)
    stray = Measure.objects.filter(text__startswith="财政措施").order_by("pk").first()
    Measure.objects.filter(pk=stray.pk).update(position=world.a.path + "|0")
    assert stray.pk in {r["id"] for r in _pages(world.supervisor, world.a, {})}
    assert stray.pk not in {r["id"] for r in _pages(world.clerk_a, world.a, {})}
    assert stray.pk not in {r["id"] for r in _pages(make_user("clerk_a3", Role.CLERK, world.a), world.a, {})}


@pytest.mark.django_db(transaction=True)  # as the views run: outside a transaction
def test_on_postgresql_the_page_is_planned_once_and_a_deadline_window_for_its_values(world) -> None:
    """With prepared statements, every page of a question runs one prepared statement under its generic plan
    (never planned again however large the table grows), and a 黄色预警 window is never prepared: it is planned
    for its values each time."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 的执行计划缓存")
    _load(world)
    for _ in range(12):
        _pages(world.clerk_a, world.a, {"status": "in_progress"})
        _pages(world.clerk_a, world.a, {"level": "yellow"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                       "WHERE statement LIKE 'WITH ql_page%%'")
        prepared = cursor.fetchall()
    assert len(prepared) == 1, prepared  # the window's statement is not among them
    _text, generic, custom = prepared[0]
    assert "status" in _text and generic >= 5 and custom == 0  # auto mode plans the first five for their values
