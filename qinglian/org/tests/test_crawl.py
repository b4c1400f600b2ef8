"""Every URL of the project, as every role: each answers exactly the roles DESIGN.md §1 gives it (三员分立),
and none answers 500.

The URLs are not listed by hand: they are walked from the resolver, so a page added later is crawled too
and must be given its roles in ACCESS below (an unknown URL name fails the test). Path parameters are
filled with real objects of a small world (the units and people of lib/testing.py, a ledger source with a
problem and a measure, a publication, an activity), or an id that does not exist (the role is decided
before the lookup, so a 404 still says "reached").

"Reached" means the response, after redirects, is neither a 401 (the API without its token), a 403 nor the
log-in page. A GET that answers 405 (a POST-only view) is sent again as an empty POST, except log-outs (which would end the session).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from qinglian.lib.testing import World, build_world, client_for, make_user

pytestmark = pytest.mark.django_db

# ---------------------------------------------------------------------------------------------------------
# Who may reach what: DESIGN.md §1 as a table.
# ---------------------------------------------------------------------------------------------------------
CLERK, LEADER, SUPERVISOR = "clerk", "leader", "supervisor"
SYSADMIN, SECADMIN, AUDITOR = "sysadmin", "secadmin", "auditor"
NO_ROLE, ANONYMOUS = "no role", "anonymous"

EVERYONE = frozenset({CLERK, LEADER, SUPERVISOR, SYSADMIN, SECADMIN, AUDITOR, NO_ROLE, ANONYMOUS})
SIGNED_IN = EVERYONE - {ANONYMOUS}
BUSINESS = frozenset({CLERK, LEADER, SUPERVISOR})  # business pages: read by all three
WRITERS = frozenset({CLERK, LEADER})  # create and edit a unit's records
LEADERS = frozenset({LEADER})  # approve
NOBODY: frozenset[str] = frozenset()

# By URL name; "ns:*" is the default of a namespace. Business namespaces default to BUSINESS.
ACCESS: dict[str, frozenset[str]] = {
    # Signing in and out, and the home page (for an account with no role: "账号尚未授权…").
    "login": EVERYONE,
    "logout": EVERYONE,
    # 统一身份认证登录 and its callback: anyone may begin a log-in (404 here: single sign-on is not configured).
    "sso:*": EVERYONE,
    "home": SIGNED_IN,
    # 系统管理员: the admin site (units, accounts, activity kinds, reference data), nothing else.
    "admin:*": frozenset({SYSADMIN}),
    # 审计管理员: the audit trail, nothing else.
    "audit:*": frozenset({AUDITOR}),
    # 安全管理员: roles and policy, nothing else.
    "org:policy": frozenset({SECADMIN}),
    "limits:*": frozenset({SECADMIN}),
    "org:accounts": frozenset({SECADMIN}),
    "org:account": frozenset({SECADMIN}),
    "org:account_clearance": frozenset({SECADMIN}),
    # 显示完整号码: business accounts the security admin granted can_unmask (no crawl persona holds it).
    "org:person_unmask": NOBODY,
    "org:dormant": frozenset({SECADMIN}),
    # Everyone signed in changes their own password and keeps their own second factor; the security admin
    # resets another account's (a lost phone).
    "org:password_change": SIGNED_IN,
    "factors:*": SIGNED_IN,
    "factors:reset": frozenset({SECADMIN}),
    # Business: clerks, leaders and supervisors read; writers write; leaders approve.
    "org:*": BUSINESS,
    "stats:*": BUSINESS,
    "ledger:*": BUSINESS,
    "records:*": BUSINESS,
    "publicity:*": BUSINESS,
    "reports:*": BUSINESS,
    "history:*": BUSINESS,  # a record's 历史版本, scoped like the record
    "jobs:*": BUSINESS | {SYSADMIN},  # one's own jobs and those of visible units; the system admin all of them
    "jobs:retry": frozenset({SYSADMIN}),  # queue a failed job again
    # Reminders: every account with a role has its own inbox and calendar feed; the feed itself is reached by
    # its token alone (no session: calendar apps); the failed mails are the system admin's.
    "notify:inbox": SIGNED_IN - {NO_ROLE},
    "notify:message_read": SIGNED_IN - {NO_ROLE},
    "notify:messages_read_all": SIGNED_IN - {NO_ROLE},
    "notify:calendar_reset": SIGNED_IN - {NO_ROLE},
    "notify:calendar_feed": EVERYONE,
    "notify:rules": frozenset({LEADER, SYSADMIN}),
    "dashboard:*": frozenset({LEADER, SUPERVISOR}),  # 工作看板: leaders and supervisors, for their subtree  # a leader adjusts its subtree's; the system admin sets the bounds
    "notify:mail_failures": frozenset({SYSADMIN}),
    "notify:mail_retry": frozenset({SYSADMIN}),
}
# Business pages that only writers (录入员, 负责人) reach: creating, editing, importing a unit's records.
ACCESS.update(dict.fromkeys([
    "org:person_edit", "org:person_delete", "org:person_restore",  # clerks keep their units' people
    "ledger:source_new", "ledger:aspect_new", "ledger:problem_new", "ledger:measure_new", "ledger:measure_edit",
    "ledger:progress_add", "ledger:problem_request_close", "ledger:measure_request_close",
    "ledger:follow_up_new", "ledger:follow_up_record", "ledger:order_answer",
    "ledger:import", "ledger:import_preview", "ledger:import_confirm", "ledger:batch_undo",
    "ledger:report_import", "ledger:report_import_preview", "ledger:report_import_confirm",
    "records:activity_new", "records:activity_edit", "records:activity_delete", "records:activity_restore",
    "records:import", "records:import_confirm", "records:import_template",
    "records:duty_list_new", "records:duty_link", "records:duty_edit", "records:duty_delete",
    "records:letters_issue", "records:risk_new", "records:risk_edit",
    "publicity:publication_new", "publicity:publication_edit", "publicity:publication_delete", "publicity:rule",
    "publicity:ticket_new", "publicity:ticket_assess", "publicity:ticket_letter", "publicity:ticket_feedback",
    "publicity:ticket_close", "publicity:digest_new",
    "publicity:draft_new", "publicity:draft_edit", "publicity:draft_sign", "publicity:draft_publish",
    "reports:template_delete",
], WRITERS))
# Approving is the leader's: 销号, signing a responsibility letter, the unit's review stages.
ACCESS.update(dict.fromkeys([
    "ledger:problem_approve", "ledger:measure_approve", "records:letter_sign", "publicity:review_stage_remove",
], LEADERS))
# 退回 (return for rework): the leader, and the supervisor (DESIGN.md §1, what a supervisor may write).
ACCESS.update(dict.fromkeys(["ledger:problem_return", "ledger:measure_return"], frozenset({LEADER, SUPERVISOR})))
# 督办 (a supervision order) is the supervisor's alone.
ACCESS.update(dict.fromkeys(["ledger:order_new", "ledger:order_close"], frozenset({SUPERVISOR})))
# 党风廉政意见回复 on a cadre of the units supervised: the supervisor's (纪检) alone.
ACCESS.update(dict.fromkeys(["reports:integrity", "reports:integrity_people"], frozenset({SUPERVISOR})))
# The supervisor's view (监督视图): supervisors and leaders (their subtree); a finding's 督办 is the supervisor's.
ACCESS.update({"oversight:*": frozenset({LEADER, SUPERVISOR}), "oversight:order": frozenset({SUPERVISOR})})
# The JSON API (/api/) is reached by a personal access token alone: a session is no credential there and gets
# 401 without data (a token of one unit reaching nothing of another: qinglian/api/tests/test_scoping.py). Its
# OpenAPI document holds no data and is anyone's; the token page is each business account's own.
# ninja's root (/api/) answers 404 to all, without data; the document is built from its address.
ACCESS.update({"api:*": NOBODY, "api:openapi-json": EVERYONE, "api:api-root": EVERYONE, "api:tokens": BUSINESS,
               "api:token_revoke": BUSINESS})
# Verification beside the ledger: business accounts read and decide what the services let them (延期, 验收,
# 复发); asking for an extension and naming 配合单位 or reporting a part is a writer's; 完成 is the leader's.
ACCESS["verify:*"] = BUSINESS
# 上级报表: who may fill a form for a unit is who may generate a report for it (any business account).
ACCESS["returns:*"] = BUSINESS
ACCESS.update(dict.fromkeys(["verify:extension_new", "verify:part_new", "verify:part_progress"], WRITERS))
ACCESS["verify:complete"] = LEADERS
# 投诉建议 (the 2026 rules require a channel in the app): every account with a role writes; answering is the
# system admin's and the unit above's, decided by the service.
ACCESS.update(dict.fromkeys(["verify:complaints", "verify:complaint_answer"], SIGNED_IN - {NO_ROLE}))
ACCESS["verify:appeal_new"] = WRITERS
# A spot check's finding and starting a 质效评估 are the supervisor's (the field work of 纪检); a problem's
# nature, class and 原因剖析 are written by the unit's writers.
ACCESS.update(dict.fromkeys(["verify:spotcheck_finding", "verify:assessment_start"], frozenset({SUPERVISOR})))
ACCESS["verify:profile_set"] = WRITERS
# 考核: business accounts read (their own scores and the working); the publisher's leader drafts, publishes and
# scores; a unit's writers appeal its score.
ACCESS["appraisal:*"] = BUSINESS
ACCESS.update(dict.fromkeys(["appraisal:indicator_add", "appraisal:indicator_remove", "appraisal:publish",
                             "appraisal:score_run"], LEADERS))
ACCESS["appraisal:appeal_new"] = WRITERS
# Admin pages no one has: deleting (units, people and reference data are soft-deleted or deactivated).
ACCESS.update(dict.fromkeys([
    "admin:org_unit_delete", "admin:org_person_delete", "admin:org_user_delete",
    "admin:ledger_holidayarrangement_delete", "admin:verify_problemnature_delete",
    "admin:verify_rectificationtype_delete", "admin:records_activitykind_delete", "admin:publicity_outlet_delete",
], NOBODY))


def expected(name: str) -> frozenset[str]:
    if name in ACCESS:
        return ACCESS[name]
    namespace = name.split(":")[0] + ":*"
    assert namespace in ACCESS, f"URL {name!r} has no line in ACCESS: give it its roles (DESIGN.md §1)"
    return ACCESS[namespace]


# ---------------------------------------------------------------------------------------------------------
# The crawl.
# ---------------------------------------------------------------------------------------------------------
@dataclass
class Url:
    name: str
    path: str


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, Any, str]]:
    """(name, pattern, full route) of every URL pattern, depth first; unnamed ones as "ns:(unnamed)"."""
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            name = p.name or "(unnamed)"
            yield (f"{namespace}:{name}" if namespace else name), p.pattern, prefix + str(p.pattern)


NO_ID = "987654321"


def _objects(world: World) -> dict[str, str]:
    """The id each path segment before a parameter names: real rows of the small world, or NO_ID."""
    from qinglian.ledger.models import Aspect, Measure, Problem, Source
    from qinglian.publicity.models import Publication
    from qinglian.publicity.tests.conftest import publish
    from qinglian.records.tests.helpers import make_activity

    source = Source.objects.create(unit=world.a, kind="inspection", issued_by="县委巡察组", title="巡察反馈",
                                   feedback_date=dt.date(2026, 7, 26))
    aspect = Aspect.objects.create(source=source, unit=world.a, title="落实管党治党政治责任", order=1)
    problem = Problem.objects.create(aspect=aspect, source=source, unit=world.a, text="学习不深入", order=1)
    measure = Measure.objects.create(problem=problem, aspect=aspect, source=source, unit=world.a, text="建立制度",
                                     deadline=dt.date(2026, 12, 31))
    publication: Publication = publish(world.a, "人民日报", dt.date(2026, 3, 1), title="廉政稿件")
    activity = make_activity(world.clerk_a, world.a, "central_group_study", dt.date(2026, 3, 2))
    return {
        "units": str(world.a.pk), "people": str(world.staff_a.pk), "sources": str(source.pk),
        "aspects": str(aspect.pk), "problems": str(problem.pk), "measures": str(measure.pk),
        "publicity": str(publication.pk), "activities": str(activity.pk),
        "<str:label>": str(measure.pk),  # history/ledger.measure/<pk>/
    }


def _fill(name: str, pattern: Any, path: str, world: World, ids: dict[str, str]) -> str:
    if isinstance(pattern, RegexPattern):  # the admin's app index and its catch-all
        return "/admin/org/" if name == "admin:app_list" else "/admin/no-such-page/"
    assert isinstance(pattern, RoutePattern)
    if name == "admin:autocomplete":  # the account form's unit picker
        return "/admin/autocomplete/?app_label=org&model_name=user&field_name=unit"

    def value(match: re.Match[str]) -> str:
        converter, param = match.group(1) or "str", match.group(2)
        before = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        if name == "admin:view_on_site":  # a unit, by its content type
            return str(ContentType.objects.get_for_model(type(world.a)).pk if param == "content_type_id" else world.a.pk)
        if param == "object_id" or (name.startswith("admin:") and param == "id"):
            model = _admin_model(name)
            row = model.objects.order_by("pk").first() if model else None
            return str(row.pk) if row else NO_ID
        if converter == "int":
            return ids.get(before, NO_ID)
        return {"fmt": "xlsx", "genre": "responsibility", "stage": "first", "label": "ledger.measure"}.get(
            param, "no-such-token")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, path)


def _admin_model(name: str) -> Any:
    match = re.match(r"admin:(\w+?)_(\w+?)_(change|history|delete|password_change)$", name)
    if name == "admin:auth_user_password_change":
        return apps.get_model("org", "User")
    return apps.get_model(match.group(1), match.group(2)) if match else None


def urls(world: World) -> list[Url]:
    ids = _objects(world)
    return [Url(name, _fill(name, pattern, path, world, ids)) for name, pattern, path in
            _walk(get_resolver().url_patterns)]


def test_the_table_names_only_urls_that_exist() -> None:
    names = {name for name, _, _ in _walk(get_resolver().url_patterns)}
    assert len(names) > 150
    stale = [n for n in ACCESS if not n.endswith(":*") and n not in names]
    assert not stale, f"ACCESS names URLs that no longer exist: {stale}"


NO_POST = {"logout", "admin:logout"}


def reached(client: Client, url: Url) -> tuple[bool, int]:
    response = client.get(url.path, follow=True)
    if response.status_code == 405 and url.name not in NO_POST:
        response = client.post(url.path, {}, follow=True)
    assert response.status_code != 500, url
    final = response.redirect_chain[-1][0] if response.redirect_chain else url.path
    on_login = response.redirect_chain and final.split("?")[0] == "/login/"
    return response.status_code not in (401, 403) and not on_login, response.status_code


PERSONAS = {CLERK: "clerk_a", LEADER: "leader_a", SUPERVISOR: "supervisor", SYSADMIN: "sysadmin",
            SECADMIN: "secadmin", AUDITOR: "auditor"}


@pytest.mark.parametrize("role", sorted(EVERYONE))
def test_every_url_answers_exactly_the_roles_design_gives_it(role: str, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "files"
    world = build_world()
    if role == ANONYMOUS:
        client = Client()
    elif role == NO_ROLE:
        client = client_for(make_user("waiting", "", world.a))
    else:
        client = world.client(PERSONAS[role])
    wrong = []
    for url in urls(world):
        got, status = reached(client, url)
        if got != (role in expected(url.name)):
            wrong.append(f"{url.name:<40} {url.path:<50} {'reached' if got else 'refused'} ({status})")
    assert not wrong, f"{role}: answers that differ from ACCESS:\n" + "\n".join(wrong)
