"""整改台账: a feedback round (Source) → aspects (方面) → problems (问题, with sub-problems) → measures (整改措施).

Every row carries its owning unit (the unit answering the feedback) so that scoping is one index range.
`Measure.position` is a denormalised sort key that starts with that unit's tree path: the ledger page's
scoped, filtered, ordered page is then a range scan on one index of one table, whatever the ledger's size.
The rules needed for one row and for a list are written side by side (`Measure.warning` / `warning_q`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from qinglian.crypto.fields import SENSITIVE, SealedTextField
from qinglian.lib.models import Record, RecordQuerySet, StoredFile
from qinglian.org.models import Person, Unit, path_successor


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", "巡察"
    TOUR = "tour", "巡视"
    AUDIT = "audit", "审计"
    SUPERVISION = "supervision", "督查"
    DEMOCRATIC_MEETING = "democratic_meeting", "民主生活会"
    SELF_CHECK = "self_check", "自查"
    ASSIGNED = "assigned", "上级交办"


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"
    LONG_TERM = "long_term", "长期坚持"


ACTIVE_STATUSES = (MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS)


class TextOrigin(models.TextChoices):
    """Where a problem's or a measure's words come from. Text read from an imported report keeps saying so:
    the numbers in it were typed by someone once, not counted from records, and a generated report that
    reuses it marks them ("来自导入文本，未经统计")."""

    ENTERED = "entered", "台账录入"
    IMPORTED = "imported", "从报告导入"


def origin_fields() -> tuple[models.CharField, models.CharField]:  # type: ignore[type-arg]
    return (models.CharField("文字来源", max_length=20, choices=TextOrigin.choices, default=TextOrigin.ENTERED,
                             help_text="从报告导入的文字，其中的数字未经统计，生成报告时会标出。"),
            models.CharField("导入自", max_length=200, blank=True, help_text="导入的报告文件名。"))


class Closure(models.TextChoices):
    """Where an item stands on the road to 销号."""

    OPEN = "open", "未销号"
    REQUESTED = "requested", "待审批"
    VERIFYING = "verifying", "已完成待验收"  # 完成 approved, 验收 (app verify) still to come: not closed
    CLOSED = "closed", "已销号"
    RETURNED = "returned", "已退回"
    REOPENED = "reopened", "回头看后重新整改"


class ImportBatch(StoredFile):
    """One import of a ledger workbook: the original file (content-addressed, `lib.files`), who, when, into which
    unit, what it held and created, and the rows it refused with why. Every row it created points at it, so the
    whole batch can be undone (soft-deleted, audited) while nothing in it has been touched since."""

    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+",
                             help_text="导入到的单位。")
    source = models.ForeignKey("Source", verbose_name="反馈来源", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    sheet = models.CharField("工作表", max_length=100, blank=True)
    via = models.CharField("导入方式", max_length=10, default="web", help_text="web：网页；cli：命令行。")
    aspects = models.PositiveIntegerField("方面数", default=0)
    problems = models.PositiveIntegerField("具体问题数", default=0)
    measures = models.PositiveIntegerField("措施数", default=0)
    created = models.PositiveIntegerField("新建记录数", default=0)
    refused = models.JSONField("未导入的行", default=list, blank=True,
                               help_text="[{row, column, message}]：跳过的行及原因。")
    unmatched = models.JSONField("待匹配的名称", default=list, blank=True,
                                 help_text="[{text, field, rows}]：按原文保留、尚未与名册匹配的姓名或单位。")
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    undo_reason = models.TextField("撤销原因", blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "created_at"]), models.Index(fields=["sha256"])]

    def get_absolute_url(self) -> str:
        return reverse("ledger:batch", args=[self.pk])

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


def batch_field() -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(ImportBatch, verbose_name="导入批次", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text="由哪一次导入新建；手工录入的为空。")


class Source(Record):
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="ledger_sources",
                             help_text="接受反馈、负责整改的单位。")
    kind = models.CharField("来源", max_length=30, choices=SourceKind.choices)
    issued_by = models.CharField("反馈机关", max_length=200, help_text="如：县委第三巡察组、县审计局。")
    title = models.CharField("名称", max_length=300, blank=True,
                             help_text="如：县委第三巡察组巡察反馈问题整改台账；留空时自动生成。")
    feedback_date = models.DateField("反馈日期", null=True, blank=True)
    batch = batch_field()

    class Meta:
        verbose_name = "反馈来源"
        verbose_name_plural = "反馈来源"
        ordering = ["-feedback_date", "-id"]
        indexes = [models.Index(fields=["unit", "feedback_date"])]

    def __str__(self) -> str:
        return self.title or self.default_title()

    def get_absolute_url(self) -> str:
        return reverse("ledger:source", args=[self.pk])

    def default_title(self) -> str:
        return f"{self.issued_by}{self.get_kind_display()}反馈问题整改台账"

    @property
    def choice_label(self) -> str:
        """How a picker names the source: "县委第一巡察组巡察（2021年7月26日反馈）"."""
        d = self.feedback_date
        return f"{self.issued_by}{self.get_kind_display()}" + (f"（{d.year}年{d.month}月{d.day}日反馈）" if d else "")


class Aspect(Record):
    source = models.ForeignKey(Source, verbose_name="反馈来源", on_delete=models.PROTECT, related_name="aspects")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("方面", max_length=500)
    order = models.PositiveIntegerField("排序", default=0)
    batch = batch_field()

    class Meta:
        verbose_name = "方面"
        verbose_name_plural = "方面"
        ordering = ["source", "order", "id"]

    def __str__(self) -> str:
        return self.title


class ProblemQuerySet(RecordQuerySet):
    def leaves(self) -> ProblemQuerySet:
        """Specific problems as seed 003 counts them: a problem split into （1）（2） counts its parts."""
        return self.filter(is_leaf=True)


class ProblemManager(models.Manager.from_queryset(ProblemQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> ProblemQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Problem(Record):
    UNTRACKED_FIELDS = Record.UNTRACKED_FIELDS | {"is_leaf"}
    aspect = models.ForeignKey(Aspect, verbose_name="方面", on_delete=models.PROTECT, related_name="problems")
    source = models.ForeignKey(Source, verbose_name="反馈来源", on_delete=models.PROTECT, related_name="problems")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", verbose_name="上级问题", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    text = models.TextField("问题")
    order = models.PositiveIntegerField("排序", default=0)
    is_leaf = models.BooleanField("具体问题", default=True, help_text="没有下级问题的问题；统计“具体问题”时计数。")
    closure = models.CharField("销号状态", max_length=20, choices=Closure.choices, default=Closure.OPEN)
    closed_at = models.DateField("销号日期", null=True, blank=True)
    reopened_count = models.PositiveIntegerField("重新整改次数", default=0)
    origin, origin_document = origin_fields()
    batch = batch_field()

    objects = ProblemManager()
    with_deleted = models.Manager.from_queryset(ProblemQuerySet)()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["aspect", "order", "id"]
        base_manager_name = "with_deleted"

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("ledger:problem", args=[self.pk])

    @property
    def number(self) -> str:
        """The number a ledger prints: 1. for a problem, （1） for a sub-problem."""
        return f"（{self.order}）" if self.parent_id else f"{self.order}."

    @property
    def is_closed(self) -> bool:
        return self.closure == Closure.CLOSED

    @property
    def imported(self) -> bool:
        return self.origin == TextOrigin.IMPORTED


class MeasureQuerySet(RecordQuerySet):
    def in_subtree(self, unit: Unit) -> MeasureQuerySet:
        """Measures of `unit`'s subtree as one range on the `position` index (see module docstring)."""
        return self.filter(position__gte=unit.path, position__lt=path_successor(unit.path))

    def active(self) -> MeasureQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES).exclude(closure=Closure.CLOSED)

    def overdue(self, today: dt.date) -> MeasureQuerySet:
        return self.filter(overdue_q(today))

    def unmatched(self) -> MeasureQuerySet:
        """Measures holding a name kept as written (待匹配); the row twin is `Measure.unmatched_fields`."""
        return self.filter(unmatched_q())


class MeasureManager(models.Manager.from_queryset(MeasureQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> MeasureQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


# the name fields an import may leave as written: the link, and the text kept while the link is empty
NAME_FIELDS = ("leader_in_charge", "responsible_unit", "owner")


def unmatched_q() -> Q:
    q = Q(pk__in=[])
    for name in NAME_FIELDS:
        q |= Q(**{f"{name}__isnull": True}) & ~Q(**{f"{name}_text": ""})
    return q


def overdue_q(today: dt.date) -> Q:
    return Q(status__in=ACTIVE_STATUSES, deadline__lt=today) & ~Q(closure=Closure.CLOSED)


# -- what stood open at the end of a day (the one period rule every report genre uses) -----------------------
def fed_back_by_q(day: dt.date, source: str = "source__") -> Q:
    """Rows whose source had been fed back by `day` (a source without a date: entered by then)."""
    return Q(**{f"{source}feedback_date__lte": day}) | Q(
        **{f"{source}feedback_date__isnull": True, f"{source}created_at__date__lte": day}
    )


def measure_finished_by_q(day: dt.date) -> Q:
    """Measures closed off (销号) by `day`, or done by then: done now, and not reported done only after it."""
    closed = Q(closure=Closure.CLOSED) & (Q(closed_at__lte=day) | Q(closed_at__isnull=True))
    done_later = models.Exists(Progress.objects.filter(
        measure=models.OuterRef("pk"), status_after=MeasureStatus.DONE, date__gt=day))
    done_by = Q(status=MeasureStatus.DONE) & ~Q(done_later) & ~Q(closed_at__gt=day)
    return closed | done_by


def problem_closed_by_q(day: dt.date) -> Q:
    return Q(closure=Closure.CLOSED) & (Q(closed_at__lte=day) | Q(closed_at__isnull=True))


def warning_q(level: str, bounds: dict[str, dt.date]) -> Q:
    """The rows of one 三色预警 level; `bounds` from ledger.calendar.warning_bounds (today, yellow, green)."""
    active = Q(status__in=ACTIVE_STATUSES) & ~Q(closure=Closure.CLOSED)
    if level == "red":
        return active & Q(deadline__lt=bounds["today"])
    if level == "yellow":
        return active & Q(deadline__gte=bounds["today"], deadline__lte=bounds["yellow"])
    if level == "green":
        return active & Q(deadline__gt=bounds["yellow"], deadline__lte=bounds["green"])
    return Q(pk__in=[])


def deadline_level(deadline: dt.date, bounds: dict[str, dt.date]) -> str:
    """The level of an open item due on `deadline` (the row twin of `warning_q`)."""
    if deadline < bounds["today"]:
        return "red"
    if deadline <= bounds["yellow"]:
        return "yellow"
    if deadline <= bounds["green"]:
        return "green"
    return ""


class Measure(Record):
    UNTRACKED_FIELDS = Record.UNTRACKED_FIELDS | {"position"}
    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.PROTECT, related_name="measures")
    aspect = models.ForeignKey(Aspect, verbose_name="方面", on_delete=models.PROTECT, related_name="+")
    source = models.ForeignKey(Source, verbose_name="反馈来源", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    text = models.TextField("整改措施")
    leader_in_charge = models.ForeignKey(Person, verbose_name="责任领导", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    responsible_unit = models.ForeignKey(Unit, verbose_name="责任单位", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(Person, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    # names as the imported ledger wrote them, kept while no person or unit of the roster is chosen (待匹配)
    leader_in_charge_text = models.CharField("责任领导（原文）", max_length=200, blank=True,
                                             help_text="导入时未能与干部名册匹配的姓名，按原文保留，待匹配。")
    responsible_unit_text = models.CharField("责任单位（原文）", max_length=200, blank=True,
                                             help_text="导入时未能与单位匹配的名称，按原文保留，待匹配。")
    owner_text = models.CharField("责任人（原文）", max_length=200, blank=True,
                                  help_text="导入时未能与干部名册匹配的姓名，按原文保留，待匹配。")
    deadline = models.DateField("整改时限", null=True, blank=True)
    deadline_text = models.CharField("整改时限（原文）", max_length=50, blank=True,
                                     help_text="台账中原样写的时限，如“2021年9月底”“长期坚持”“立行立改”。")
    status = models.CharField("完成状态", max_length=20, choices=MeasureStatus.choices,
                              default=MeasureStatus.NOT_STARTED)
    situation = models.TextField("完成情况", blank=True)
    closure = models.CharField("销号状态", max_length=20, choices=Closure.choices, default=Closure.OPEN)
    closed_at = models.DateField("销号日期", null=True, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    position = models.CharField("排序键", max_length=300, editable=False, default="",
                                help_text="单位树路径|来源|方面|问题|措施，用于按单位范围分页。")
    origin, origin_document = origin_fields()
    batch = batch_field()

    objects = MeasureManager()
    with_deleted = models.Manager.from_queryset(MeasureQuerySet)()

    class Meta:
        verbose_name = "整改措施"
        verbose_name_plural = "整改措施"
        ordering = ["position"]
        base_manager_name = "with_deleted"
        indexes = [
            # the ledger's order over what is alive: a partial index, as PostgreSQL reads no order by position
            # out of (deleted_at, position) under `deleted_at IS NULL` and sorted the whole subtree for each page
            models.Index(fields=["position"], name="measure_alive_position", condition=Q(deleted_at__isnull=True)),
            models.Index(fields=["status", "position"], name="measure_status_position"),
            models.Index(fields=["source", "position"], name="measure_source_position"),
            models.Index(fields=["owner", "position"], name="measure_owner_position"),
            models.Index(fields=["leader_in_charge", "position"], name="measure_leader_position"),
            models.Index(fields=["deadline"], name="measure_deadline"),
            # 三色预警 counts: open statuses × a deadline range
            models.Index(fields=["status", "deadline"], name="measure_status_deadline"),
            models.Index(fields=["closure", "position"], name="measure_closure_position"),
            # both filters at once: a 完成状态 with no row of that 销号状态 is answered from the index, not by
            # reading every row of the one and dropping it for the other
            models.Index(fields=["status", "closure", "position"], name="measure_status_closure_pos",
                         condition=Q(deleted_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def get_absolute_url(self) -> str:
        return reverse("ledger:measure", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES and self.closure != Closure.CLOSED

    @property
    def imported(self) -> bool:
        return self.origin == TextOrigin.IMPORTED

    def unmatched_fields(self) -> list[str]:
        """Row twin of `unmatched_q`: the name fields whose text waits for a person or unit (待匹配)."""
        return [n for n in NAME_FIELDS if getattr(self, f"{n}_id") is None and getattr(self, f"{n}_text")]

    def shown(self, name: str) -> str:
        """What a page or report prints for one name field: the person's or unit's name, else the text as written."""
        linked = getattr(self, name)
        return linked.name if linked is not None else getattr(self, f"{name}_text")

    @property
    def leader_shown(self) -> str:
        return self.shown("leader_in_charge")

    @property
    def unit_shown(self) -> str:
        return self.shown("responsible_unit")

    @property
    def owner_shown(self) -> str:
        return self.shown("owner")

    def is_overdue(self, today: dt.date) -> bool:
        """Row twin of `overdue_q`."""
        return self.is_active and self.deadline is not None and self.deadline < today

    def warning(self, bounds: dict[str, dt.date]) -> str:
        """Row twin of `warning_q`: "red" / "yellow" / "green" / ""."""
        if not self.is_active or self.deadline is None:
            return ""
        return deadline_level(self.deadline, bounds)


class Progress(Record):
    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.PROTECT, related_name="progress")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    text = SealedTextField("进展情况", when_sensitive=True)
    status_after = models.CharField("报送后状态", max_length=20, choices=MeasureStatus.choices)

    class Meta:
        verbose_name = "整改进展"
        verbose_name_plural = "整改进展"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return "整改进展（敏感）" if self.security_label == SENSITIVE else self.text[:60]


class Evidence(StoredFile):
    progress = models.ForeignKey(Progress, verbose_name="整改进展", on_delete=models.PROTECT, related_name="evidence")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "证明材料"
        verbose_name_plural = "证明材料"
        ordering = ["id"]


class ClosureStepKind(models.TextChoices):
    REQUEST = "request", "申请销号"
    APPROVE = "approve", "批准销号"
    RETURN = "return", "退回"
    REOPEN = "reopen", "重新整改"


class ClosureStep(Record):
    """One step on the road to 销号 of a measure or a problem, with the opinion or reason given."""

    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.PROTECT, related_name="closure_steps")
    measure = models.ForeignKey(Measure, verbose_name="整改措施", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="closure_steps", help_text="为空表示针对整个问题。")
    kind = models.CharField("操作", max_length=20, choices=ClosureStepKind.choices)
    opinion = models.TextField("意见或理由")

    class Meta:
        verbose_name = "销号记录"
        verbose_name_plural = "销号记录"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.opinion[:40]}"


class FollowUpResult(models.TextChoices):
    PENDING = "pending", "待开展"
    HELD = "held", "整改成果巩固"
    RELAPSED = "relapsed", "问题反弹"


class FollowUp(Record):
    """回头看: a review scheduled months after 销号; a relapse reopens the same problem."""

    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.PROTECT, related_name="follow_ups")
    scheduled_date = models.DateField("计划日期")
    done_date = models.DateField("开展日期", null=True, blank=True)
    result = models.CharField("结论", max_length=20, choices=FollowUpResult.choices, default=FollowUpResult.PENDING)
    finding = models.TextField("发现情况", blank=True)

    class Meta:
        verbose_name = "回头看"
        verbose_name_plural = "回头看"
        ordering = ["scheduled_date", "id"]
        indexes = [models.Index(fields=["result", "scheduled_date"])]

    def __str__(self) -> str:
        return f"回头看 {self.scheduled_date}"


class OrderState(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"


class SupervisionOrder(Record):
    """督办: a supervisor asks for an item to be fixed by a date; the unit answers."""

    unit = models.ForeignKey(Unit, verbose_name="被督办单位", on_delete=models.PROTECT, related_name="+")
    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.PROTECT, related_name="orders")
    measure = models.ForeignKey(Measure, verbose_name="整改措施", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="orders")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT,
                                  related_name="+")
    content = models.TextField("督办要求")
    due_date = models.DateField("办理时限")
    state = models.CharField("状态", max_length=20, choices=OrderState.choices, default=OrderState.OPEN)
    answer = models.TextField("答复", blank=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "督办"
        verbose_name_plural = "督办"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "unit"])]

    def __str__(self) -> str:
        return self.content[:60]

    @property
    def is_open(self) -> bool:
        return self.state != OrderState.CLOSED


class HolidayArrangement(models.Model):
    """The State Council's holiday arrangement for one year, entered by the sysadmin for years that
    chinese-calendar does not know yet. It takes precedence over chinese-calendar for that year."""

    year = models.PositiveIntegerField("年份", unique=True)
    holidays = models.TextField("放假日期", help_text="每行一个日期或日期段，如 2027-01-01 或 2027-02-06~2027-02-12。")
    workdays = models.TextField("调休上班日期", blank=True, help_text="每行一个日期，如 2027-02-14。")
    notice = models.CharField("依据", max_length=300, blank=True, help_text="如：国务院办公厅关于2027年部分节假日安排的通知")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "节假日安排"
        verbose_name_plural = "节假日安排"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from qinglian.ledger.calendar import arrangement_from_text

        try:
            arrangement_from_text(self.year, self.holidays, self.workdays)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def measure_position(unit: Unit, source_id: int, aspect_order: int, problem_key: str, measure_order: int) -> str:
    return f"{unit.path}|{source_id:09d}|{aspect_order:04d}|{problem_key}|{measure_order:04d}"


def problem_key(problem: Problem | Any, parent_order: int | None = None) -> str:
    if problem.parent_id or parent_order is not None:
        top = parent_order if parent_order is not None else problem.parent.order
        return f"{top:04d}.{problem.order:04d}"
    return f"{problem.order:04d}.0000"
