"""Classification and cause of problems: the writes (`classes_*`), the deadline a rectification type proposes,
and the figures by class (statistics provider prefix "verify_class").

A part （1）（2） is counted under its parent's classes wherever it sets none of its own (no profile, or a field
left unset), so a problem classified once counts all its specific problems.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from qinglian.audit.models import Action
from qinglian.audit.services import audit_log
from qinglian.ledger.models import Measure, MeasureStatus, Problem, Source
from qinglian.ledger.selectors import record_label, scoped_sources
from qinglian.ledger.services import ledger_measure_update
from qinglian.lib import sql
from qinglian.lib.services import record_create, record_update
from qinglian.org.scoping import may_write_unit
from qinglian.stats.registry import Definition, Figure, RecordRef, Scope
from qinglian.verify.models import ProblemNature, ProblemProfile, Reach, RectificationType
from qinglian.verify.rules import add_months
from qinglian.verify.services import date_zh, refuse

PREFIX = "verify_class"
GROUP = "问题分类"
TRACE_LIMIT = 5000
LONG_TERM_TEXT = "长期坚持"
UNSET = object()  # a bulk field left as it was


# -- the deadline a type proposes -----------------------------------------------------------------------------
def proposed_deadline(problem: Problem, rect_type: RectificationType, today: dt.date | None = None) -> str:
    """The 整改时限 a type proposes, as the ledger reads it: the feedback date (else today) plus the type's
    months ("2026年4月2日"), or "长期坚持" for a type without a date."""
    if not rect_type.months:
        return LONG_TERM_TEXT
    base = problem.source.feedback_date or today or timezone.localdate()
    return date_zh(add_months(base, rect_type.months))


def undated_measures(problem: Problem) -> QuerySet[Measure]:
    """The measures of a problem (and of its parts) with no 整改时限 at all: the ones a type may date."""
    return (Measure.objects.filter(Q(problem=problem) | Q(problem__parent=problem), deadline__isnull=True,
                                   deadline_text="").exclude(status=MeasureStatus.LONG_TERM).order_by("position"))


# -- writes -----------------------------------------------------------------------------------------------------
@dataclass
class Saved:
    profile: ProblemProfile
    dated: list[Measure] = field(default_factory=list)  # measures given the proposed deadline
    deadline: str = ""


def _check_choice(value: Any, current_id: int | None, what: str) -> None:
    if value is not None and not value.active and value.pk != current_id:
        raise ValidationError(f"{what}“{value}”已停用，请选择其他{what}。")


def classes_profile_set(*, user: Any, problem: Problem, nature: ProblemNature | None, reach: str,
                        rect_type: RectificationType | None, cause: str, propose: bool = True,
                        today: dt.date | None = None, request: Any = None) -> Saved:
    """Classify a problem and record why it arose. With `propose`, a chosen type dates the problem's measures
    that have no 整改时限 yet (each change audited as a measure update)."""
    if not may_write_unit(user, problem.unit):
        raise refuse(user, "只有本单位的录入员或负责人可以为问题分类、剖析原因。", problem)
    if reach not in ("", *Reach.values):
        raise ValidationError({"reach": ["请选择共性问题或个性问题。"]})
    current = ProblemProfile.objects.filter(problem=problem).first()
    _check_choice(nature, current.nature_id if current else None, "问题性质")
    _check_choice(rect_type, current.rect_type_id if current else None, "整改类型")
    data = {"nature": nature, "reach": reach, "rect_type": rect_type, "cause": (cause or "").strip(),
            "security_label": problem.security_label}
    with transaction.atomic():
        if current is None:
            profile = record_create(user=user, obj=ProblemProfile(problem=problem, unit=problem.unit, **data),
                                    summary=f"问题分类：{problem}", request=request)
        else:
            profile = record_update(user=user, obj=current, data=data, version=current.version,
                                    summary=f"修改问题分类：{problem}", request=request)
        saved = Saved(profile)
        if propose and rect_type is not None:
            saved.deadline = proposed_deadline(problem, rect_type, today)
            for m in undated_measures(problem):
                saved.dated.append(ledger_measure_update(
                    user=user, measure=m, data={"deadline_text": saved.deadline}, version=m.version, today=today,
                    request=request))
    return saved


def classes_bulk_set(*, user: Any, problems: Sequence[Problem], nature: Any = UNSET, reach: Any = UNSET,
                     rect_type: Any = UNSET, today: dt.date | None = None, request: Any = None) -> list[Saved]:
    """Set the same class on several problems at once (the source page); what is UNSET stays as it was, and
    each problem keeps its 原因剖析. All or nothing."""
    if not problems:
        raise ValidationError("请勾选要分类的问题。")
    profiles = {p.problem_id: p for p in ProblemProfile.objects.filter(problem__in=problems)}
    out = []
    with transaction.atomic():
        for problem in problems:
            cur = profiles.get(problem.pk)
            out.append(classes_profile_set(
                user=user, problem=problem, request=request, today=today,
                nature=(cur.nature if cur else None) if nature is UNSET else nature,
                reach=(cur.reach if cur else "") if reach is UNSET else reach,
                rect_type=(cur.rect_type if cur else None) if rect_type is UNSET else rect_type,
                cause=cur.cause if cur else "", propose=rect_type is not UNSET))
    return out


def classes_kind_save(*, user: Any, obj: ProblemNature | RectificationType, request: Any = None) -> Any:
    """Save a nature or a type from the admin site: its code is fixed once made (the figures' codes)."""
    model = type(obj)
    with transaction.atomic():
        old = model.objects.filter(pk=obj.pk).first() if obj.pk else None
        if old is not None and old.code != obj.code:
            raise ValidationError(f"{model._meta.verbose_name}的代码创建后不能修改；如需更名请修改“名称”。")
        obj.full_clean()
        obj.save()
        after = {"name": obj.name, "order": obj.order, "active": obj.active}
        if isinstance(obj, RectificationType):
            after["months"] = obj.months
        audit_log(action=Action.UPDATE if old else Action.CREATE, actor=user, obj=obj, after=after,
                  summary=f"{model._meta.verbose_name}：{obj.name}（{obj.code}）")
    return obj


# -- reads ------------------------------------------------------------------------------------------------------
def profile_of(problem: Problem) -> ProblemProfile | None:
    """The problem's own profile, else (a part) its parent's."""
    own = ProblemProfile.objects.filter(problem=problem).select_related("nature", "rect_type").first()
    if own is None and problem.parent_id:
        return ProblemProfile.objects.filter(problem_id=problem.parent_id).select_related("nature", "rect_type").first()
    return own


BULK_LIMIT = 500  # specific problems listed for classifying at once (a county's source has a few dozen)


def class_rows(user: Any, source: Any) -> dict[str, Any]:
    """The source's specific problems the user may see, each with its (or its parent's) profile, and the bulk
    form when the user may classify them: the context of the classification table."""
    from qinglian.verify.forms_profile import BulkForm

    problems = list(Problem.objects.visible_to(user).leaves().filter(source=source).select_related("aspect", "parent")
                    .order_by("aspect__order", "parent__order", "order", "pk")[:BULK_LIMIT])
    wanted = {p.pk for p in problems} | {p.parent_id for p in problems if p.parent_id}
    own = {p.problem_id: p for p in ProblemProfile.objects.filter(problem__in=wanted).select_related(
        "nature", "rect_type")}
    can_write = may_write_unit(user, source.unit) and getattr(user, "can_write", False)
    return {"source": source, "rows": [(p, own.get(p.pk) or own.get(p.parent_id or 0)) for p in problems],
            "can_write": can_write, "bulk_form": BulkForm(problem_ids=[]) if can_write else None,
            "limited": len(problems) == BULK_LIMIT}


def _own_or_parent(name: str) -> Any:
    own, parent = f"verify_profile__{name}", f"parent__verify_profile__{name}"
    if name == "reach":  # blank, not NULL, when a profile leaves it unset
        return Case(When(Q(**{f"{own}__gt": ""}), then=F(own)), default=F(parent), output_field=CharField())
    return Coalesce(F(own), F(parent))


def classified_leaves(root: Any, date_from: dt.date, date_to: dt.date,
                      only: Sequence[int] | None = None) -> QuerySet[Problem]:
    """The specific problems of the period's sources, each annotated with its (or its parent's) classes."""
    sources = scoped_sources(root, date_from, date_to, only).values("pk")
    return Problem.objects.leaves().filter(source__in=sources).annotate(
        c_nature=_own_or_parent("nature_id"), c_type=_own_or_parent("rect_type_id"), c_reach=_own_or_parent("reach"))


def _kinds() -> list[tuple[str, str, Q]]:
    """(kind, name, Q on classified_leaves) of every figure: each nature and type (retired ones too), 未分类,
    共性 and 个性."""
    out = [(f"{PREFIX}.nature.{n.code}", f"{n.name}类问题", Q(c_nature=n.pk)) for n in ProblemNature.objects.all()]
    out.append((f"{PREFIX}.nature.none", "未定性质的问题", Q(c_nature__isnull=True)))
    out += [(f"{PREFIX}.type.{t.code}", f"{t.name}类问题", Q(c_type=t.pk)) for t in RectificationType.objects.all()]
    out.append((f"{PREFIX}.type.none", "未定整改类型的问题", Q(c_type__isnull=True)))
    out += [(f"{PREFIX}.reach.{r.value}", str(r.label), Q(c_reach=r.value)) for r in Reach]
    return out


@functools.cache
def _classes_sql(whole: bool) -> str:
    """`classified_leaves` grouped by its three classes, in one statement (see lib.sql): a part's own class,
    else its parent's (the reach: its own unless blank)."""
    t = sql.tables(Source, Problem, ProblemProfile)
    # identifiers from the models (lib.sql.tables), every value a bound parameter
    return f"""
        SELECT COALESCE(own.nature_id, up.nature_id), COALESCE(own.rect_type_id, up.rect_type_id),
               CASE WHEN own.reach > '' THEN own.reach ELSE up.reach END, COUNT(*)
        FROM {t["problem"]} p
        LEFT JOIN {t["problemprofile"]} own ON own.problem_id = p.id
        LEFT JOIN {t["problemprofile"]} up ON up.problem_id = p.parent_id
        WHERE p.deleted_at IS NULL AND p.is_leaf = %(true)s AND p.source_id IN (
            SELECT s.id FROM {t["source"]} s WHERE s.deleted_at IS NULL AND {sql.in_subtree("s.unit_id", whole)}
              AND s.feedback_date >= %(date_from)s AND s.feedback_date <= %(date_to)s)
        GROUP BY 1, 2, 3"""  # nosec B608


def class_counts(root: Any, date_from: dt.date, date_to: dt.date,
                 only: Sequence[int] | None = None, whole: bool = False) -> dict[str, tuple[str, int]]:
    """kind → (name, count): from one grouped statement for a subtree (`whole`: `root` is the whole tree),
    in one aggregate over the period's specific problems for some sources (`only`)."""
    kinds = _kinds()
    if not only:
        params = {**sql.subtree(root), "date_from": sql.day(date_from), "date_to": sql.day(date_to), "true": True}
        groups = sql.fetch(_classes_sql(whole), params)
        return {kind: (name, sum(n for nature, rect_type, reach, n in groups
                                 if _row_in(q, {"c_nature": nature, "c_type": rect_type, "c_reach": reach})))
                for kind, name, q in kinds}
    counts = classified_leaves(root, date_from, date_to, only).aggregate(
        **{f"k{i}": Count("pk", filter=q) for i, (_, _, q) in enumerate(kinds)})
    return {kind: (name, int(counts[f"k{i}"] or 0)) for i, (kind, name, _) in enumerate(kinds)}


def _row_in(q: Q, row: dict[str, Any]) -> bool:
    """Whether a grouped row is one of a kind's (`_kinds`: one equality or one isnull test)."""
    ((lookup, value),) = q.children
    field_name, _, test = lookup.partition("__")
    return (row[field_name] is None) == value if test == "isnull" else row[field_name] == value


def class_definitions() -> dict[str, Definition]:
    """The 统计口径 of every class figure (natures and types are data: retired ones too, as `_kinds`)."""
    from qinglian.ledger.stats import PROBLEM_UNIT, SOURCES, UNDATED
    from qinglian.stats.definitions import DELETED

    inherit = "子问题未单独分类的，按其上级问题的分类计"
    out = {}
    for kind, name, _q in _kinds():
        axis, _, code = kind.removeprefix(PREFIX + ".").partition(".")
        field_name = {"nature": "问题性质", "type": "整改类型", "reach": "共性/个性"}[axis]
        if code == "none":
            rule, other = f"尚未确定{field_name}的", f"已确定{field_name}的问题"
        else:
            rule, other = f"{field_name}为“{name.removesuffix('类问题')}”的", f"{field_name}为其他的或未确定的问题"
        out[kind] = Definition(
            name=name, group=GROUP, counting_unit=PROBLEM_UNIT,
            counts=f"{SOURCES}下的具体问题中，{rule}（{inherit}）；已停用的分类照常统计；按现状统计。",
            excludes=f"{DELETED}；{other}；有子问题的上级问题本身；{UNDATED}。",
            records="具体问题，逐项显示问题内容和销号日期。")
    return out


class ClassProvider:
    prefix = PREFIX

    def definitions(self) -> dict[str, Definition]:
        return class_definitions()

    def figures(self, scope: Scope) -> list[Figure]:
        return [Figure(kind=kind, name=name, counting_unit="项", count=n, group=GROUP)
                for kind, (name, n) in class_counts(scope.root, scope.date_from, scope.date_to,
                                                    whole=scope.whole).items()]

    def records(self, scope: Scope, kind: str) -> list[RecordRef]:
        q = next((q for k, _, q in _kinds() if k == kind), None)
        if q is None:
            return []
        refs = []
        rows = classified_leaves(scope.root, scope.date_from, scope.date_to).filter(q).order_by("pk")
        for obj in rows[:TRACE_LIMIT]:
            label, url, when = record_label("problems", obj)
            refs.append(RecordRef(type=obj._meta.label_lower, id=obj.pk, label=label, date=when, url=url))
        return refs


def install() -> None:
    from qinglian.stats.registry import register

    register(ClassProvider())
