"""全程纪实: activity records, responsibility lists (三个清单), letters (责任书) and integrity-risk points.

Every record keeps the day it happened and the moment it was entered; one entered more than
QINGLIAN_LATE_ENTRY_DAYS after the event is 补录 (`late`). The flag is derived by the services when the record
is saved (from `entered_at` and the date it happened) and stored so that counting it costs nothing; `qinglian
stats --rebuild` re-derives it after the setting changes.

`ActivityTally` is an exact pre-aggregate of activities per unit, kind and month/year, kept by the services in
the same transaction as the record (see services.tally_apply) so that the statistics engine answers a province
in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qinglian.crypto.fields import SENSITIVE, SealedTextField
from qinglian.lib.models import Record, RecordQuerySet, StoredFile
from qinglian.org.models import Person, Unit


def is_late(happened_on: dt.date, entered_at: dt.datetime, late_days: int | None = None) -> bool:
    """补录: entered more than `late_days` (QINGLIAN_LATE_ENTRY_DAYS) after the day it happened."""
    days = settings.QINGLIAN_LATE_ENTRY_DAYS if late_days is None else late_days
    entered_on = timezone.localdate(entered_at) if timezone.is_aware(entered_at) else entered_at.date()
    return (entered_on - happened_on).days > days


# -- activity kinds (data the admin extends) -------------------------------------------------------
class Category(models.TextChoices):
    MEETING = "meeting", "会议"
    STUDY = "study", "学习"
    TALK = "talk", "谈话"
    EDUCATION = "education", "教育"
    TRAINING = "training", "培训"
    INSPECTION = "inspection", "督查"
    OTHER = "other", "其他"


class CountingUnit(models.TextChoices):
    TIMES = "次", "次"
    PERSON_TIMES = "人次", "人次"
    SESSIONS = "期", "期"
    EVENTS = "场", "场"
    PERSONS = "人", "人"
    PIECES = "篇", "篇"
    ITEMS = "条", "条"
    CASES = "件", "件"
    COPIES = "份", "份"
    UNITS = "个", "个"
    ENTRIES = "项", "项"


class ActivityKind(models.Model):
    """A kind of activity record (中心组学习, 约谈 …) and how it is counted. Edited by the system admin."""

    code = models.SlugField("代码", max_length=50, unique=True,
                            help_text="稳定的英文代码，统计项为 activity.<代码>，如 central_group_study。创建后不要修改。")
    name = models.CharField("名称", max_length=50, unique=True, help_text="如：中心组学习")
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    counting_unit = models.CharField("计量单位", max_length=4, choices=CountingUnit.choices, default="次")
    counts_persons = models.BooleanField(
        "按人次计", default=False, help_text="勾选后，每条记录按谈话（提醒）对象人数计数，如约谈 3 人记 3 人次。")
    order = models.PositiveIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True, help_text="停用后不能再新增此类记录，已有记录照常统计。")

    class Meta:
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def stat_code(self) -> str:
        return f"activity.{self.code}"


# -- activities ---------------------------------------------------------------------------------------
class ActivityQuerySet(RecordQuerySet):
    def late(self) -> ActivityQuerySet:
        return self.filter(late=True)

    def between(self, date_from: dt.date, date_to: dt.date) -> ActivityQuerySet:
        return self.filter(happened_on__gte=date_from, happened_on__lte=date_to)


class ActivityManager(models.Manager.from_queryset(ActivityQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> ActivityQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Activity(Record):
    """One thing that happened (a meeting, a study session, a talk …), recorded once and counted everywhere."""

    UNTRACKED_FIELDS = Record.UNTRACKED_FIELDS | {"late", "weight"}

    # no single-column indexes: the (unit, day) and (kind, day) indexes below serve those lookups
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="activities",
                             db_index=False)
    kind = models.ForeignKey(ActivityKind, verbose_name="类型", on_delete=models.PROTECT, related_name="activities",
                             db_index=False)
    happened_on = models.DateField("发生日期", help_text="活动实际发生的日期，可写 2023-3-5、2023.3.5 或 2023年3月5日。")
    topic = models.CharField("主题", max_length=200, help_text="如：传达学习党的二十大精神")
    participants = models.ManyToManyField(Person, verbose_name="参加人员", blank=True, related_name="activities")
    talked_to = models.ManyToManyField(
        Person, verbose_name="谈话（提醒）对象", blank=True, related_name="talks",
        help_text="谈话类记录按对象人数计人次。")
    presided_by = models.ForeignKey(Person, verbose_name="主持人", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="presided")
    # encrypted for every activity (talks' content is what an evaluator looks for in a dump): never searched
    minutes = SealedTextField("记录内容", blank=True, help_text="会议纪要、学习内容或谈话要点（加密存储）。")
    entered_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    late = models.BooleanField("补录", default=False, editable=False,
                               help_text="录入时间晚于发生日期超过规定天数的记录为补录，照常统计并标注。")
    weight = models.PositiveIntegerField("计数", default=1, editable=False,
                                         help_text="此记录在统计中计几（按人次计的类型为对象人数）。")

    objects = ActivityManager()
    with_deleted = models.Manager.from_queryset(ActivityQuerySet)()

    class Meta:
        verbose_name = "纪实记录"
        verbose_name_plural = "纪实记录"
        ordering = ["-happened_on", "-id"]
        base_manager_name = "with_deleted"
        indexes = [
            # covering for counting: the days of a subtree's partial months are summed from the index alone
            models.Index(fields=["unit", "happened_on", "kind", "weight", "late", "deleted_at"],
                         name="activity_unit_day"),
            models.Index(fields=["kind", "happened_on"], name="activity_kind_day"),
        ]

    def __str__(self) -> str:
        return f"{self.happened_on:%Y-%m-%d} {self.kind.name}：{self.topic}"


def attachment_path(instance: Any, filename: str) -> str:
    """Where the first migration's FileField put attachments (kept for that migration; files are now stored
    by lib.files)."""
    today = timezone.localdate()
    return f"records/{today:%Y/%m}/{filename}"


class Attachment(StoredFile):
    """A file kept with an activity record (see lib.models.StoredFile)."""

    unit_field = "activity__unit"

    activity = models.ForeignKey(Activity, verbose_name="纪实记录", on_delete=models.PROTECT,
                                 related_name="attachments")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["id"]


class Grain(models.TextChoices):
    DAY = "d", "日"  # ActivityTotal only: per-unit days would be as many rows as the records themselves
    MONTH = "m", "月"
    YEAR = "y", "年"


class _UnitCell(models.Model):
    """One cell of a unit's pre-aggregate: activities of one kind in one month or year (not shown to users)."""

    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                             db_index=False)
    kind = models.ForeignKey(ActivityKind, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                             db_index=False)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()
    records = models.IntegerField(default=0)
    weight = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        abstract = True


class ActivityTally(_UnitCell):
    """Exact pre-aggregate: activities of one unit and kind in one month or year (not shown to users).

    Kept by `records.services` in the same transaction as each activity write; `tally_rebuild()` recomputes
    it from the records after bulk loads (demo, benchmark) and is what `qinglian stats --rebuild` runs. The
    subtree pre-aggregate (ActivityRollup) is summed from it, so a unit moved in the tree costs no recount.
    """

    class Meta:
        verbose_name = "统计预汇总"
        verbose_name_plural = "统计预汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "grain", "start", "kind"], name="tally_cell")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.kind_id}/{self.grain}{self.start}: {self.weight}"


class ActivityRollup(_UnitCell):
    """The same pre-aggregate for a unit's whole subtree (the unit and every unit below it): a county's year is
    one index range of a few dozen rows, not one seek per unit. Kept by the same writes as ActivityTally;
    rebuilt from it by `tally_rebuild()` and whenever a unit moves in the tree."""

    class Meta:
        verbose_name = "子树统计预汇总"
        verbose_name_plural = "子树统计预汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "grain", "start", "kind"], name="rollup_cell")]
        # covering: a subtree's cells are read from the index alone
        indexes = [models.Index(fields=["unit", "grain", "start", "kind", "records", "weight", "late"],
                                name="rollup_cover")]

    def __str__(self) -> str:
        return f"{self.unit_id}*/{self.kind_id}/{self.grain}{self.start}: {self.weight}"


class ActivityTotal(models.Model):
    """The same pre-aggregate summed over every unit (the whole tree), kept alongside ActivityTally: the root's
    question reads a few dozen rows instead of one per unit and kind."""

    kind = models.ForeignKey(ActivityKind, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                             db_index=False)
    grain = models.CharField(max_length=1, choices=Grain.choices)
    start = models.DateField()
    records = models.IntegerField(default=0)
    weight = models.IntegerField(default=0)
    late = models.IntegerField(default=0)

    class Meta:
        verbose_name = "统计预汇总（全部单位）"
        verbose_name_plural = "统计预汇总（全部单位）"
        constraints = [models.UniqueConstraint(fields=["grain", "start", "kind"], name="total_cell")]

    def __str__(self) -> str:
        return f"*/{self.kind_id}/{self.grain}{self.start}: {self.weight}"


# -- responsibility lists (三个清单) ---------------------------------------------------------------------
class DutyListKind(models.TextChoices):
    PARTY_ORG = "party_org", "主体责任清单"
    PRINCIPAL = "principal", "第一责任人清单"
    DUAL_ROLE = "dual_role", "一岗双责清单"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    YEARLY = "yearly", "每年"


class DutyList(Record):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="duty_lists")
    kind = models.CharField("清单类型", max_length=20, choices=DutyListKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    owner = models.ForeignKey(
        Person, verbose_name="责任人", null=True, blank=True, on_delete=models.PROTECT, related_name="duty_lists",
        help_text="第一责任人清单为主要领导，一岗双责清单为班子成员；主体责任清单的责任主体是单位（党组织），不填。")

    class Meta:
        verbose_name = "责任清单"
        verbose_name_plural = "责任清单"
        ordering = ["-year", "unit__path", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "year", "owner"], condition=Q(deleted_at__isnull=True),
                                    name="one_duty_list_per_owner_year"),
        ]

    def __str__(self) -> str:
        who = f"（{self.owner.name}）" if self.owner_id else ""
        return f"{self.unit.name}{self.year}年{self.get_kind_display()}{who}"

    @property
    def owner_label(self) -> str:
        return self.owner.name if self.owner_id else f"{self.unit.name}党组织"


class Duty(Record):
    unit_field = "duty_list__unit"

    duty_list = models.ForeignKey(DutyList, verbose_name="清单", on_delete=models.PROTECT, related_name="duties")
    text = models.CharField("责任事项", max_length=300, help_text="如：每季度专题研究党风廉政建设工作")
    frequency = models.CharField("频次", max_length=20, choices=Frequency.choices, default=Frequency.QUARTERLY)
    kinds = models.ManyToManyField(ActivityKind, verbose_name="佐证记录类型", blank=True, related_name="duties",
                                   help_text="本单位在期内有这些类型的纪实记录，即视为已履行。")
    linked = models.ManyToManyField(Activity, verbose_name="手工关联记录", blank=True, related_name="linked_duties")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "责任事项"
        verbose_name_plural = "责任事项"
        ordering = ["duty_list", "order", "id"]

    def __str__(self) -> str:
        return self.text


class DutyEvidence(models.Model):
    """Pre-aggregate of duty evidence: the first day in one period of its list's year on which a duty was
    evidenced (a record of one of its kinds by its list's unit, or a record linked to it by hand; not shown to
    users). A duty is done on `as_of` when its judged period's row has `first_on` on or before the judged day, so
    the province's 当期待履行 is one join instead of one probe of the records per duty.

    Kept by `records.services.duty_evidence_refresh` in the same transaction as every write that can change it
    (an activity's unit, kind, day or deletion; a duty's frequency, kinds or links); `tally_rebuild()` recomputes
    it after bulk loads, and `records.selectors.duty_statuses`, which reads the records, is what it must equal."""

    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="+")
    start = models.DateField()  # the period's first day
    first_on = models.DateField()

    class Meta:
        verbose_name = "责任事项佐证预汇总"
        verbose_name_plural = "责任事项佐证预汇总"
        constraints = [models.UniqueConstraint(fields=["duty", "start"], name="duty_evidence_cell")]

    def __str__(self) -> str:
        return f"{self.duty_id}/{self.start}: {self.first_on}"


# -- responsibility letters (责任书 / 廉政承诺书) ----------------------------------------------------------
class LetterKind(models.TextChoices):
    RESPONSIBILITY = "responsibility", "党风廉政建设责任书"
    PLEDGE = "pledge", "廉政承诺书"


def letter_scan_path(instance: Any, filename: str) -> str:
    return f"letters/{instance.year}/{filename}"


class Letter(Record):
    """One letter of one year between a level (`issuer`) and a sub-unit or a member.

    `unit` is the receiving side's unit (the sub-unit, or the issuer itself for its own members): it scopes the
    letter, so a department sees the letter it signed with the county and those it issued to its people.
    """

    kind = models.CharField("类型", max_length=20, choices=LetterKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    issuer = models.ForeignKey(Unit, verbose_name="签订单位（发出方）", on_delete=models.PROTECT,
                               related_name="letters_issued")
    unit = models.ForeignKey(Unit, verbose_name="签订对象单位", on_delete=models.PROTECT, related_name="letters")
    signatory = models.ForeignKey(Person, verbose_name="签订人", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="letters", help_text="下级单位为其主要领导；本单位干部为其本人。")
    to_member = models.BooleanField("与本单位干部签订", default=False)
    signed_on = models.DateField("签订日期", null=True, blank=True)
    signed_recorded_at = models.DateTimeField("登记签订时间", null=True, blank=True, editable=False)
    signed_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+", editable=False)
    scan = models.FileField("扫描件", upload_to=letter_scan_path, max_length=300, blank=True)
    late = models.BooleanField("补录", default=False, editable=False)

    class Meta:
        verbose_name = "责任书"
        verbose_name_plural = "责任书"
        ordering = ["-year", "issuer__path", "to_member", "unit__path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "issuer", "unit", "signatory"],
                                    condition=Q(deleted_at__isnull=True), name="one_letter_per_party_year"),
        ]

    def __str__(self) -> str:
        party = self.signatory.name if self.to_member and self.signatory_id else self.unit.name
        return f"{self.year}年{self.get_kind_display()}（{self.issuer.name}—{party}）"

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


# -- integrity-risk points (廉政风险点) ----------------------------------------------------------------------
class RiskCategory(models.TextChoices):
    AUTHORITY = "authority", "职权"
    POST = "post", "岗位"
    SYSTEM = "system", "制度"
    PROCESS = "process", "流程"


class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class RiskPoint(Record):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="risk_points")
    post = models.CharField("岗位", max_length=100, help_text="如：部长、财务股股长")
    holder = models.ForeignKey(Person, verbose_name="岗位人员", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="risk_points", help_text="班子成员查找的风险点请选择本人。")
    category = models.CharField("类别", max_length=20, choices=RiskCategory.choices)
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices)
    description = SealedTextField("风险点描述", when_sensitive=True)
    identified_on = models.DateField("排查日期")
    entered_at = models.DateTimeField("录入时间", default=timezone.now, editable=False)
    late = models.BooleanField("补录", default=False, editable=False)

    class Meta:
        verbose_name = "廉政风险点"
        verbose_name_plural = "廉政风险点"
        ordering = ["unit__path", "-identified_on", "id"]

    def __str__(self) -> str:
        if self.security_label == SENSITIVE:
            return f"{self.post}（敏感）"  # its description is encrypted: never in audit summaries
        return f"{self.post}：{self.description[:30]}"


class Control(Record):
    unit_field = "risk_point__unit"

    risk_point = models.ForeignKey(RiskPoint, verbose_name="风险点", on_delete=models.PROTECT,
                                   related_name="controls")
    measure = SealedTextField("防控措施", when_sensitive=True)
    responsible = models.CharField("责任人（岗位）", max_length=100, blank=True)

    class Meta:
        verbose_name = "防控措施"
        verbose_name_plural = "防控措施"
        ordering = ["id"]

    def __str__(self) -> str:
        return "防控措施（敏感）" if self.security_label == SENSITIVE else self.measure[:40]


class RiskReview(Record):
    unit_field = "risk_point__unit"

    risk_point = models.ForeignKey(RiskPoint, verbose_name="风险点", on_delete=models.PROTECT,
                                   related_name="reviews")
    year = models.PositiveSmallIntegerField("年度")
    reviewed_by = models.ForeignKey(Person, verbose_name="复核人", on_delete=models.PROTECT, related_name="+")
    reviewed_on = models.DateField("复核日期")
    finding = SealedTextField("复核意见", when_sensitive=True, help_text="如：风险仍存在，措施有效；或：岗位调整，风险等级下调为低。")

    class Meta:
        verbose_name = "风险点年度复核"
        verbose_name_plural = "风险点年度复核"
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.year}年复核"
