"""Writes on 全程纪实. Each function is atomic, checks what the user may do, writes the audit row and keeps
the statistics pre-aggregate (`ActivityTally`) exact in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Max, Min
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.lib import tracking
from qinglian.lib.files import PICTURES, StoredFiles, Upload, check_uploads, stored_files, upload_types
from qinglian.lib.models import SecurityLabel
from qinglian.lib.security import label_problem
from qinglian.lib.services import record_create, record_delete, record_restore, record_update
from qinglian.org.models import SEGMENT, Person, Role, TeamRole, Unit, path_prefixes
from qinglian.org.scoping import may_see_unit, may_write_unit
from qinglian.records.evidence import duties_evidenced_by, duty_evidence_rebuild, duty_evidence_refresh
from qinglian.records.models import (
    Activity,
    ActivityKind,
    ActivityRollup,
    ActivityTally,
    ActivityTotal,
    Attachment,
    Category,
    Control,
    Duty,
    DutyEvidence,
    DutyList,
    DutyListKind,
    Grain,
    Letter,
    LetterKind,
    RiskPoint,
    RiskReview,
    is_late,
)


# -- validation shared by the form, the Excel import and the services ------------------------------------
@dataclass
class ActivityInput:
    """What a clerk enters for one activity (from the form or one Excel row)."""

    unit: Unit
    kind: ActivityKind
    happened_on: dt.date
    topic: str
    participants: list[Person] = field(default_factory=list)
    talked_to: list[Person] = field(default_factory=list)
    presided_by: Person | None = None
    minutes: str = ""
    security_label: str = ""  # empty: 内部 for a new record, unchanged for an edited one


def activity_problems(*, user: Any, data: ActivityInput, today: dt.date | None = None) -> dict[str, list[str]]:
    """Everything wrong with `data`, by field, in Chinese sentences that say what to fix. Empty when fine."""
    today = today or timezone.localdate()
    problems: dict[str, list[str]] = defaultdict(list)
    if not may_write_unit(user, data.unit):
        problems["unit"].append(f"您不能为“{data.unit.full_name}”登记纪实记录，请选择您所在单位或其下级单位。")
    if not data.kind.active:
        problems["kind"].append(f"活动类型“{data.kind.name}”已停用，请选择其他类型。")
    if data.happened_on > today:
        problems["happened_on"].append(
            f"发生日期 {data.happened_on:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}），不能登记尚未发生的活动；"
            "请填写活动实际发生的日期。")
    if not data.topic.strip():
        problems["topic"].append("请填写主题。")
    if label := label_problem(data.security_label, user):
        problems["security_label"].append(label)
    for name, people in (("participants", data.participants), ("talked_to", data.talked_to)):
        outside = [p for p in people if not may_see_unit(user, p.unit)]
        if outside:  # no names: the user may not learn who they are
            problems[name].append(f"所选人员中有 {len(outside)} 人（编号 {'、'.join(str(p.pk) for p in outside)}）"
                                  "不在您的管辖范围内，不能选择；请只选择本单位及下级单位的干部。")
    if data.presided_by is not None and not may_see_unit(user, data.presided_by.unit):
        problems["presided_by"].append("所选主持人不在您的管辖范围内，请选择本单位及下级单位的干部。")
    if data.kind.category == Category.MEETING and not data.participants:
        problems["participants"].append(f"“{data.kind.name}”是会议，请至少勾选一名参加人员。")
    if data.kind.counts_persons and not data.talked_to:
        problems["talked_to"].append(
            f"“{data.kind.name}”按{data.kind.counting_unit}计，请至少选择一名谈话（提醒）对象。")
    return dict(problems)


def _raise(problems: dict[str, list[str]]) -> None:
    if problems:
        raise ValidationError({k: v for k, v in problems.items()})


def _weight(kind: ActivityKind, talked_to: Sequence[Person]) -> int:
    return len(set(p.pk for p in talked_to)) if kind.counts_persons else 1


# -- the pre-aggregate ----------------------------------------------------------------------------------
def _cells(activity: Activity) -> list[tuple[str, dt.date]]:
    day = activity.happened_on
    return [(Grain.MONTH, day.replace(day=1)), (Grain.YEAR, day.replace(month=1, day=1))]


def _bump(model: Any, key: dict[str, Any], n: int, w: int, late: int) -> None:
    changed = model.objects.filter(**key).update(records=F("records") + n, weight=F("weight") + w,
                                                 late=F("late") + late)
    if changed:
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, records=n, weight=w, late=late)
    except IntegrityError:  # another transaction created the cell meanwhile (PostgreSQL)
        model.objects.filter(**key).update(records=F("records") + n, weight=F("weight") + w, late=F("late") + late)


def tally_apply(activities: Iterable[Activity], sign: int) -> None:
    """Add (`sign`=1) or remove (-1) `activities` from the pre-aggregates. Call inside the write's transaction."""
    deltas: dict[tuple[int, int, str, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in activities:
        for grain, start in _cells(a):
            d = deltas[(a.unit_id, a.kind_id, grain, start)]
            d[0] += sign
            d[1] += sign * a.weight
            d[2] += sign * int(a.late)
    totals: dict[tuple[int, str, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in activities:
        t = totals[(a.kind_id, Grain.DAY, a.happened_on)]
        t[0] += sign
        t[1] += sign * a.weight
        t[2] += sign * int(a.late)
    ancestors = _ancestors({unit_id for unit_id, *_ in deltas})
    rollup: dict[tuple[int, int, str, dt.date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (unit_id, kind_id, grain, start), (n, w, late) in deltas.items():
        _bump(ActivityTally, {"unit_id": unit_id, "kind_id": kind_id, "grain": grain, "start": start}, n, w, late)
        for above in ancestors.get(unit_id, [unit_id]):
            r = rollup[(above, kind_id, grain, start)]
            r[0] += n
            r[1] += w
            r[2] += late
        t = totals[(kind_id, grain, start)]
        t[0] += n
        t[1] += w
        t[2] += late
    for (unit_id, kind_id, grain, start), (n, w, late) in rollup.items():
        _bump(ActivityRollup, {"unit_id": unit_id, "kind_id": kind_id, "grain": grain, "start": start}, n, w, late)
    for (kind_id, grain, start), (n, w, late) in totals.items():
        _bump(ActivityTotal, {"kind_id": kind_id, "grain": grain, "start": start}, n, w, late)


def _ancestors(unit_ids: set[int]) -> dict[int, list[int]]:
    """Each unit's id with the ids of every unit above it (soft-deleted ones too: the tree as the paths say)."""
    paths = dict(Unit.with_deleted.filter(pk__in=unit_ids).values_list("pk", "path"))
    prefixes = {prefix for p in paths.values() for prefix in path_prefixes(p)}
    ids = dict(Unit.with_deleted.filter(path__in=prefixes).values_list("path", "pk"))
    return {pk: [ids[prefix] for prefix in path_prefixes(p) if prefix in ids] for pk, p in paths.items()}


def rollup_rebuild(**_: Any) -> None:
    """Recompute the subtree pre-aggregate from the per-unit one: one INSERT … SELECT per tree level (a unit's
    ancestor at level d is the unit whose path is the first d segments of its own). Registered to run when a
    unit moves in the tree."""
    rollup, tally, unit = ActivityRollup._meta.db_table, ActivityTally._meta.db_table, Unit._meta.db_table
    with transaction.atomic():
        ActivityRollup.objects.all().delete()
        deepest = max((len(p) for p in Unit.with_deleted.values_list("path", flat=True)), default=0)
        sql = (f"INSERT INTO {rollup} (unit_id, kind_id, grain, start, records, weight, late) "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
               f"SELECT a.id, t.kind_id, t.grain, t.start, SUM(t.records), SUM(t.weight), SUM(t.late) "
               f"FROM {tally} t JOIN {unit} u ON u.id = t.unit_id JOIN {unit} a ON a.path = substr(u.path, 1, %s) "
               f"WHERE length(u.path) >= %s GROUP BY a.id, t.kind_id, t.grain, t.start")
        with connection.cursor() as cursor:
            for end in range(SEGMENT, deepest + 1, SEGMENT):
                cursor.execute(sql, [end, end])


@transaction.atomic
def tally_rebuild() -> int:
    """Recompute the whole pre-aggregate, and the duties' (`records.evidence`), from the records (after bulk
    loads or a changed 补录 threshold).

    One INSERT … SELECT … GROUP BY per month and per year, in plain SQL that SQLite and PostgreSQL both run
    (no date functions: each statement gets its month's or year's bounds as parameters).
    """
    ActivityTally.objects.all().delete()
    ActivityTotal.objects.all().delete()
    ActivityRollup.objects.all().delete()  # here too: with no records left the rebuild stops below
    duty_evidence_rebuild()
    bounds = Activity.objects.aggregate(lo=Min("happened_on"), hi=Max("happened_on"))
    if bounds["lo"] is None:
        return 0
    tally, activity = ActivityTally._meta.db_table, Activity._meta.db_table
    sql = (f"INSERT INTO {tally} (unit_id, kind_id, grain, start, records, weight, late) "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
           f"SELECT unit_id, kind_id, %s, %s, COUNT(*), SUM(weight), SUM(CASE WHEN late THEN 1 ELSE 0 END) "
           f"FROM {activity} WHERE deleted_at IS NULL AND happened_on >= %s AND happened_on <= %s "
           f"GROUP BY unit_id, kind_id")
    cells: list[tuple[str, dt.date, dt.date]] = []
    for year in range(bounds["lo"].year, bounds["hi"].year + 1):
        cells.append((Grain.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31)))
        for month in range(1, 13):
            first = dt.date(year, month, 1)
            last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            if last >= bounds["lo"] and first <= bounds["hi"]:
                cells.append((Grain.MONTH, first, last))
    total, per_unit = ActivityTotal._meta.db_table, ActivityTally._meta.db_table
    sum_sql = (f"INSERT INTO {total} (kind_id, grain, start, records, weight, late) "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
               f"SELECT kind_id, grain, start, SUM(records), SUM(weight), SUM(late) FROM {per_unit} "
               f"GROUP BY kind_id, grain, start")
    day_sql = (f"INSERT INTO {total} (kind_id, grain, start, records, weight, late) "  # identifiers from the models (lib.sql.tables), every value a bound parameter  # nosec B608
               f"SELECT kind_id, %s, happened_on, COUNT(*), SUM(weight), SUM(CASE WHEN late THEN 1 ELSE 0 END) "
               f"FROM {activity} WHERE deleted_at IS NULL GROUP BY kind_id, happened_on")
    with connection.cursor() as cursor:
        for grain, first, last in cells:
            cursor.execute(sql, [grain, first, first, last])
        cursor.execute(sum_sql)
        cursor.execute(day_sql, [Grain.DAY])
    rollup_rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the tables were rewritten: statistics for the planner now
            cursor.execute(f"ANALYZE {per_unit}, {total}, {ActivityRollup._meta.db_table}, "
                           f"{DutyEvidence._meta.db_table}")
    return ActivityTally.objects.count()


@transaction.atomic
def late_flags_rebuild(late_days: int) -> int:
    """Re-derive every 补录 flag for `late_days` (after QINGLIAN_LATE_ENTRY_DAYS changed)."""
    changed = []
    for a in Activity.with_deleted.only("id", "happened_on", "entered_at", "late").iterator(chunk_size=5000):
        flag = is_late(a.happened_on, a.entered_at, late_days)
        if flag != a.late:
            a.late = flag
            changed.append(a)
    Activity.with_deleted.bulk_update(changed, ["late"], batch_size=2000)
    for model, day in ((RiskPoint, "identified_on"), (Letter, "signed_on")):
        rows = []
        for obj in model.with_deleted.exclude(**{f"{day}__isnull": True}).iterator(chunk_size=5000):
            when = obj.entered_at if model is RiskPoint else obj.signed_recorded_at
            flag = bool(when) and is_late(getattr(obj, day), when, late_days)
            if flag != obj.late:
                obj.late = flag
                rows.append(obj)
        model.with_deleted.bulk_update(rows, ["late"], batch_size=2000)
    return len(changed)


# -- activities -------------------------------------------------------------------------------------------
def _attach(*, user: Any, activity: Activity, files: Sequence[Upload], written: StoredFiles) -> None:
    for f in files:
        record_create(user=user, obj=Attachment(activity=activity, **written.store(f, "records")),
                      summary=f"上传附件：{f.name}（{activity}）")


def activity_create(*, user: Any, data: ActivityInput, files: Sequence[UploadedFile] = (),
                    today: dt.date | None = None, now: dt.datetime | None = None, request: Any = None) -> Activity:
    """Record one activity. `now` (the moment of entry) is only given by tests and demo loaders."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    _raise(activity_problems(user=user, data=data, today=today))
    uploads = check_uploads(files, field="files")  # by size, by kind; a .doc becomes a .docx
    with stored_files() as written, tracking.bulk("", user):  # one version: the record and its links
        activity = Activity(
            unit=data.unit, kind=data.kind, happened_on=data.happened_on, topic=data.topic.strip(),
            presided_by=data.presided_by, minutes=data.minutes, entered_at=now,
            late=is_late(data.happened_on, now), weight=_weight(data.kind, data.talked_to),
            security_label=data.security_label or SecurityLabel.INTERNAL)
        record_create(user=user, obj=activity, request=request)
        activity.participants.set(data.participants)
        activity.talked_to.set(data.talked_to)
        _attach(user=user, activity=activity, files=uploads, written=written)
        tally_apply([activity], +1)
        duty_evidence_refresh(duties_evidenced_by([activity]))
    return activity


def activity_update(*, user: Any, activity: Activity, data: ActivityInput, version: int,
                    files: Sequence[UploadedFile] = (), today: dt.date | None = None,
                    request: Any = None) -> Activity:
    if not may_write_unit(user, activity.unit):
        raise PermissionDenied("您不能修改此记录。")
    _raise(activity_problems(user=user, data=data, today=today))
    uploads = check_uploads(files, field="files")
    with stored_files() as written, tracking.bulk("", user):
        old = Activity.with_deleted.select_for_update().get(pk=activity.pk)
        changes = {
            "unit": data.unit, "kind": data.kind, "happened_on": data.happened_on, "topic": data.topic.strip(),
            "presided_by": data.presided_by, "minutes": data.minutes,
            "security_label": data.security_label or old.security_label,
            "late": is_late(data.happened_on, old.entered_at), "weight": _weight(data.kind, data.talked_to),
        }
        updated = record_update(user=user, obj=activity, data=changes, version=version, request=request)
        updated.participants.set(data.participants)
        updated.talked_to.set(data.talked_to)
        _attach(user=user, activity=updated, files=uploads, written=written)
        if old.deleted_at is None:
            tally_apply([old], -1)
            tally_apply([updated], +1)
            duty_evidence_refresh(duties_evidenced_by([old, updated]))
    return updated


def activity_delete(*, user: Any, activity: Activity, request: Any = None) -> Activity:
    if not may_write_unit(user, activity.unit):
        raise PermissionDenied("您不能删除此记录。")
    with transaction.atomic():
        was_alive = Activity.with_deleted.select_for_update().get(pk=activity.pk).deleted_at is None
        obj = record_delete(user=user, obj=activity, request=request)
        if was_alive:
            tally_apply([obj], -1)
            duty_evidence_refresh(duties_evidenced_by([obj]))
    return obj


def activity_restore(*, user: Any, activity: Activity, request: Any = None) -> Activity:
    if not may_write_unit(user, activity.unit):
        raise PermissionDenied("您不能恢复此记录。")
    with transaction.atomic():
        was_deleted = Activity.with_deleted.select_for_update().get(pk=activity.pk).deleted_at is not None
        obj = record_restore(user=user, obj=activity, request=request)
        if was_deleted:
            tally_apply([obj], +1)
            duty_evidence_refresh(duties_evidenced_by([obj]))
    return obj


def activities_import(*, user: Any, rows: Sequence[ActivityInput], source: str = "",
                      now: dt.datetime | None = None, request: Any = None) -> list[Activity]:
    """Create every row or none: any problem in any row aborts the whole import."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    problems = {i: p for i, row in enumerate(rows, start=1) if (p := activity_problems(user=user, data=row,
                                                                                        today=today))}
    if problems:
        first = next(iter(problems.items()))
        raise ValidationError(f"第 {first[0]} 条记录有错误，未导入任何记录：" + "；".join(
            m for msgs in first[1].values() for m in msgs))
    with tracking.bulk("导入纪实记录", user):
        created = []
        for row in rows:
            activity = Activity(
                unit=row.unit, kind=row.kind, happened_on=row.happened_on, topic=row.topic.strip(),
                presided_by=row.presided_by, minutes=row.minutes, entered_at=now,
                late=is_late(row.happened_on, now), weight=_weight(row.kind, row.talked_to),
                created_by=user, updated_by=user)
            activity.full_clean()
            created.append(activity)
        Activity.objects.bulk_create(created)
        if any(a.pk is None for a in created):  # pragma: no cover - databases without RETURNING
            raise RuntimeError("bulk_create did not return ids")
        part = Activity.participants.through
        talk = Activity.talked_to.through
        part.objects.bulk_create([part(activity_id=a.pk, person_id=p.pk) for a, r in zip(created, rows, strict=True)
                                  for p in {p.pk: p for p in r.participants}.values()])
        talk.objects.bulk_create([talk(activity_id=a.pk, person_id=p.pk) for a, r in zip(created, rows, strict=True)
                                  for p in {p.pk: p for p in r.talked_to}.values()])
        tally_apply(created, +1)
        duty_evidence_refresh(duties_evidenced_by(created))
        audit_log(action=Action.IMPORT, summary=f"从 Excel 导入纪实记录 {len(created)} 条{('（' + source + '）') if source else ''}",
                  actor=user, after={"ids": [a.pk for a in created]})
    return created


def activity_kind_save(*, user: Any, kind: ActivityKind, request: Any = None) -> ActivityKind:
    """Save a kind from the admin; when 按人次计 changes, re-derive the counts of its records."""
    with transaction.atomic():
        old = ActivityKind.objects.filter(pk=kind.pk).first() if kind.pk else None
        if old is not None and old.code != kind.code:
            raise ValidationError("活动类型的代码创建后不能修改（统计项和报告依赖它）；如需更名请修改“名称”。")
        kind.full_clean()
        kind.save()
        if old is not None and old.counts_persons != kind.counts_persons:
            records = Activity.with_deleted.filter(kind=kind).annotate(n=Count("talked_to"))
            changed = []
            for a in records:
                a.weight = a.n if kind.counts_persons else 1
                changed.append(a)
            Activity.with_deleted.bulk_update(changed, ["weight"], batch_size=2000)
            tally_rebuild()
        audit_log(action=Action.UPDATE if old else Action.CREATE, summary=f"活动类型：{kind.name}（{kind.code}）",
                  actor=user, obj=kind, after={"name": kind.name, "counting_unit": kind.counting_unit,
                                               "counts_persons": kind.counts_persons, "active": kind.active})
    return kind


# -- responsibility lists -----------------------------------------------------------------------------------
def duty_list_create(*, user: Any, unit: Unit, kind: str, year: int, owner: Person | None,
                     request: Any = None) -> DutyList:
    if not may_write_unit(user, unit):
        raise PermissionDenied("您不能为此单位建立清单。")
    errors: dict[str, list[str]] = {}
    if kind == DutyListKind.PARTY_ORG:
        owner = None
    elif owner is None:
        errors["owner"] = ["第一责任人清单、一岗双责清单须选择责任人。"]
    elif owner.unit_id != unit.pk:
        errors["owner"] = [f"“{owner.name}”不是{unit.name}的干部，请选择本单位班子成员。"]
    elif kind == DutyListKind.PRINCIPAL and owner.team_role != TeamRole.PRINCIPAL:
        errors["owner"] = [f"第一责任人清单的责任人应为主要领导，“{owner.name}”不是。"]
    elif kind == DutyListKind.DUAL_ROLE and owner.team_role != TeamRole.TEAM_MEMBER:
        errors["owner"] = [f"一岗双责清单的责任人应为班子成员，“{owner.name}”不是。"]
    if DutyList.objects.filter(unit=unit, kind=kind, year=year, owner=owner).exists():
        errors.setdefault("kind", []).append(f"{unit.name}{year}年已有此清单，请在原清单中添加事项。")
    if errors:
        raise ValidationError(errors)
    return record_create(user=user, obj=DutyList(unit=unit, kind=kind, year=year, owner=owner), request=request)


def duty_add(*, user: Any, duty_list: DutyList, text: str, frequency: str, kinds: Sequence[ActivityKind],
             request: Any = None) -> Duty:
    if not may_write_unit(user, duty_list.unit):
        raise PermissionDenied("您不能修改此清单。")
    with tracking.bulk("", user):  # one version: the duty and its kinds
        order = duty_list.duties.count() + 1
        duty = record_create(user=user, obj=Duty(duty_list=duty_list, text=text.strip(), frequency=frequency,
                                                 order=order), request=request)
        duty.kinds.set(kinds)
        duty_evidence_refresh([duty.pk])
    return duty


def duty_update(*, user: Any, duty: Duty, text: str, frequency: str, kinds: Sequence[ActivityKind], version: int,
                request: Any = None) -> Duty:
    """Reword a duty, change its frequency or the kinds of record that evidence it."""
    if not may_write_unit(user, duty.duty_list.unit):
        raise PermissionDenied("您不能修改此清单。")
    if not text.strip():
        raise ValidationError({"text": ["请填写责任事项。"]})
    with tracking.bulk("", user):
        old_kinds = sorted(duty.kinds.values_list("name", flat=True))
        new_kinds = sorted(k.name for k in kinds)
        note = "" if old_kinds == new_kinds else f"；佐证记录类型：{'、'.join(old_kinds) or '无'} → {'、'.join(new_kinds) or '无'}"
        updated = record_update(user=user, obj=duty, data={"text": text.strip(), "frequency": frequency},
                                version=version, summary=f"修改责任事项：{text.strip()}{note}", request=request)
        updated.kinds.set(kinds)
        duty_evidence_refresh([updated.pk])
    return updated


def duty_remove(*, user: Any, duty: Duty, request: Any = None) -> Duty:
    if not may_write_unit(user, duty.duty_list.unit):
        raise PermissionDenied("您不能修改此清单。")
    return record_delete(user=user, obj=duty, request=request)


def duty_link(*, user: Any, duty: Duty, activity: Activity, linked: bool = True, request: Any = None) -> None:
    """Link (or unlink) a record to a duty by hand, as evidence of it."""
    if not may_write_unit(user, duty.duty_list.unit) or not may_see_unit(user, activity.unit):
        raise PermissionDenied("您不能关联此记录。")
    with transaction.atomic():
        if linked:
            duty.linked.add(activity)
        else:
            duty.linked.remove(activity)
        duty_evidence_refresh([duty.pk])
        audit_log(action=Action.UPDATE, summary=f"{'关联' if linked else '取消关联'}纪实记录“{activity}”与责任事项“{duty}”",
                  actor=user, obj=duty, after={"activity": activity.pk, "linked": linked})


# -- letters --------------------------------------------------------------------------------------------
def letters_issue(*, user: Any, issuer: Unit, year: int, kind: str, request: Any = None) -> list[Letter]:
    """Create this year's letters of `issuer` with each direct sub-unit (its principal signs) and with its own
    people (责任书: team members; 廉政承诺书: everyone). Letters that exist already are kept as they are."""
    if not may_write_unit(user, issuer):
        raise PermissionDenied("您不能为此单位发放责任书。")
    if kind not in LetterKind.values:
        raise ValidationError("请选择责任书类型。")
    existing = set(Letter.objects.filter(issuer=issuer, year=year, kind=kind).values_list("unit_id", "signatory_id"))
    new: list[Letter] = []
    if kind == LetterKind.RESPONSIBILITY:
        for child in issuer.children.filter(deleted_at__isnull=True).order_by("order", "path"):
            principal = Person.objects.filter(unit=child, team_role=TeamRole.PRINCIPAL).first()
            if (child.pk, principal.pk if principal else None) not in existing:
                new.append(Letter(kind=kind, year=year, issuer=issuer, unit=child, signatory=principal))
    people = Person.objects.filter(unit=issuer).order_by("order", "id")
    if kind == LetterKind.RESPONSIBILITY:
        people = people.filter(team_role=TeamRole.TEAM_MEMBER)
    for person in people:
        if (issuer.pk, person.pk) not in existing:
            new.append(Letter(kind=kind, year=year, issuer=issuer, unit=issuer, signatory=person, to_member=True))
    with tracking.bulk("发放责任书", user):
        for letter in new:
            letter.created_by = letter.updated_by = user
            letter.full_clean()
        Letter.objects.bulk_create(new)
        audit_log(action=Action.CREATE, summary=f"发放{year}年{LetterKind(kind).label} {len(new)} 份（{issuer.full_name}）",
                  actor=user, unit_id=issuer.pk, after={"count": len(new)})
    return new


def letter_sign(*, user: Any, letter: Letter, signed_on: dt.date, version: int, scan: UploadedFile | None = None,
                now: dt.datetime | None = None, request: Any = None) -> Letter:
    """Record that a letter was signed. Only a 负责人 (leader) who may write the letter's unit does this."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if getattr(user, "role", None) != Role.LEADER or not (may_write_unit(user, letter.unit)
                                                          or may_write_unit(user, letter.issuer)):
        audit_log(action=Action.REFUSED, summary=f"登记签订被拒绝（非负责人）：{letter}", actor=user, obj=letter)
        raise PermissionDenied("只有负责人可以登记责任书签订。")
    if signed_on > today:
        raise ValidationError({"signed_on": [f"签订日期 {signed_on:%Y-%m-%d} 晚于今天，请填写实际签订日期。"]})
    if signed_on.year not in (letter.year, letter.year - 1):
        raise ValidationError({"signed_on": [f"{letter.year}年的责任书应在{letter.year}年（或上年末）签订，请核对日期。"]})
    if scan is not None:
        check_uploads([scan], allowed=upload_types(*PICTURES), what="扫描件", field="scan")
    data: dict[str, Any] = {"signed_on": signed_on, "signed_recorded_at": now, "signed_recorded_by": user,
                            "late": is_late(signed_on, now)}
    if scan is not None:
        data["scan"] = scan
    return record_update(user=user, obj=letter, data=data, version=version, action=Action.APPROVE,
                         summary=f"登记签订：{letter}（{signed_on:%Y-%m-%d}）", request=request)


# -- risk points -----------------------------------------------------------------------------------------
def risk_point_create(*, user: Any, unit: Unit, post: str, category: str, level: str, description: str,
                      identified_on: dt.date, holder: Person | None = None, controls: Sequence[str] = (),
                      security_label: str = "", now: dt.datetime | None = None,
                      request: Any = None) -> RiskPoint:
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not may_write_unit(user, unit):
        raise PermissionDenied("您不能为此单位登记风险点。")
    errors: dict[str, list[str]] = {}
    if identified_on > today:
        errors["identified_on"] = [f"排查日期 {identified_on:%Y-%m-%d} 晚于今天，请填写实际排查日期。"]
    if holder is not None and holder.unit_id != unit.pk:
        errors["holder"] = [f"“{holder.name}”不是{unit.name}的干部。"]
    if label := label_problem(security_label, user):
        errors["security_label"] = [label]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        point = record_create(user=user, obj=RiskPoint(
            unit=unit, post=post, category=category, level=level, description=description, holder=holder,
            identified_on=identified_on, entered_at=now, late=is_late(identified_on, now),
            security_label=security_label or SecurityLabel.INTERNAL), request=request)
        for text in controls:
            if text.strip():
                record_create(user=user, obj=Control(risk_point=point, measure=text.strip()), request=request)
    return point


def risk_point_update(*, user: Any, point: RiskPoint, data: dict[str, Any], version: int,
                      today: dt.date | None = None, request: Any = None) -> RiskPoint:
    """Correct a risk point (post, holder, category, level, description, date); its unit stays. The 补录 mark
    follows the corrected date against the moment it was first entered."""
    if not may_write_unit(user, point.unit):
        raise PermissionDenied("您不能修改此单位的风险点。")
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if data["identified_on"] > today:
        errors["identified_on"] = [f"排查日期 {data['identified_on']:%Y-%m-%d} 晚于今天，请填写实际排查日期。"]
    holder = data.get("holder")
    if holder is not None and holder.unit_id != point.unit_id:
        errors["holder"] = [f"“{holder.name}”不是{point.unit.name}的干部。"]
    label = data.get("security_label") or point.security_label
    if problem := label_problem(label, user):
        errors["security_label"] = [problem]
    if errors:
        raise ValidationError(errors)
    fields = ("post", "holder", "category", "level", "description", "identified_on")
    changes = {k: data[k] for k in fields} | {"late": is_late(data["identified_on"], point.entered_at),
                                              "security_label": label}
    return record_update(user=user, obj=point, data=changes, version=version, request=request)


def control_add(*, user: Any, risk_point: RiskPoint, measure: str, responsible: str = "",
                request: Any = None) -> Control:
    if not may_write_unit(user, risk_point.unit):
        raise PermissionDenied("您不能修改此风险点。")
    return record_create(user=user, obj=Control(risk_point=risk_point, measure=measure.strip(),
                                                responsible=responsible), request=request)


def risk_review_add(*, user: Any, risk_point: RiskPoint, reviewed_by: Person, reviewed_on: dt.date, finding: str,
                    today: dt.date | None = None, request: Any = None) -> RiskReview:
    today = today or timezone.localdate()
    if not may_write_unit(user, risk_point.unit):
        raise PermissionDenied("您不能复核此风险点。")
    if reviewed_on > today:
        raise ValidationError({"reviewed_on": ["复核日期晚于今天，请填写实际复核日期。"]})
    if not may_see_unit(user, reviewed_by.unit):
        raise ValidationError({"reviewed_by": [f"“{reviewed_by.name}”不在您的管辖范围内。"]})
    if RiskReview.objects.filter(risk_point=risk_point, year=reviewed_on.year).exists():
        raise ValidationError({"reviewed_on": [f"此风险点{reviewed_on.year}年已复核，如需更正请修改原复核记录。"]})
    return record_create(user=user, obj=RiskReview(risk_point=risk_point, year=reviewed_on.year,
                                                   reviewed_by=reviewed_by, reviewed_on=reviewed_on,
                                                   finding=finding), request=request)
