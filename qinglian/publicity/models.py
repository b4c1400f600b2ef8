"""Publicity (新闻宣传), public opinion (舆情) and the three-stage review of drafts (三审三校).

Everything countable here is counted by the providers in `providers.py`; the monthly bulletin reads those
same figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qinglian.crypto.fields import SealedTextField
from qinglian.lib.models import Record, RecordQuerySet
from qinglian.org.models import Person, Unit, path_prefixes


class Level(models.TextChoices):
    CENTRAL = "central", "中央"
    PROVINCIAL = "provincial", "省"
    CITY = "city", "市州"
    COUNTY = "county", "县"


class Channel(models.TextChoices):
    PRESS = "press", "报刊"
    WEB = "web", "网站"
    NEW_MEDIA = "new_media", "新媒体"
    BROADCAST = "broadcast", "广播电视"


class CountingUnit(models.TextChoices):
    ARTICLE = "篇", "篇（稿件）"
    ITEM = "条", "条（短消息、帖文）"


class Outlet(models.Model):
    """A newspaper, site, account or station that runs pieces. Data, edited by the system admin."""

    name = models.CharField("媒体名称", max_length=100, unique=True, help_text="如：人民日报、学习强国")
    level = models.CharField("媒体级别", max_length=20, choices=Level.choices)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    active = models.BooleanField("可选用", default=True, help_text="停用后不再出现在录入选项中，已有记录不受影响。")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "媒体"
        verbose_name_plural = "媒体"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}·{self.get_channel_display()}）"


class PublicityRule(Record):
    """How a unit counts and ranks its publicity: the counting unit it reports in and the bulletin weights.

    A unit without a rule uses its nearest ancestor's, else the defaults below.
    """

    class RankBy(models.TextChoices):
        COUNT = "count", "按采用数量"
        WEIGHTED = "weighted", "按级别加权得分"

    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="publicity_rule")
    counting_unit = models.CharField("计量单位", max_length=2, choices=CountingUnit.choices,
                                     default=CountingUnit.ARTICLE, help_text="新录入稿件默认的计量单位。")
    rank_by = models.CharField("通报排名方式", max_length=20, choices=RankBy.choices, default=RankBy.COUNT)
    weight_central = models.PositiveSmallIntegerField("中央级分值", default=10)
    weight_provincial = models.PositiveSmallIntegerField("省级分值", default=5)
    weight_city = models.PositiveSmallIntegerField("市州级分值", default=2)
    weight_county = models.PositiveSmallIntegerField("县级分值", default=1)

    class Meta:
        verbose_name = "宣传计分规则"
        verbose_name_plural = "宣传计分规则"

    def __str__(self) -> str:
        return f"{self.unit}的宣传计分规则"

    def weights(self) -> dict[str, int]:
        return {Level.CENTRAL: self.weight_central, Level.PROVINCIAL: self.weight_provincial,
                Level.CITY: self.weight_city, Level.COUNTY: self.weight_county}

    @classmethod
    def for_unit(cls, unit: Unit) -> PublicityRule:
        rule = cls.objects.filter(unit__path__in=path_prefixes(unit.path)).order_by("-unit__path").first()
        return rule or cls(unit=unit)


def alive_manager(queryset: type[RecordQuerySet]) -> models.Manager:
    """A default manager over `queryset` that hides soft-deleted rows (as Record's own does)."""

    class Alive(models.Manager.from_queryset(queryset)):  # type: ignore[misc]
        def get_queryset(self) -> Any:
            return super().get_queryset().filter(deleted_at__isnull=True)

    return Alive()


class PublicationQuerySet(RecordQuerySet):
    def adopted(self) -> Self:
        return self.filter(adopted=True)


class Publication(Record):
    """A piece sent to an outlet: adopted (采用, the outlet ran it) or only submitted."""

    unit = models.ForeignKey(Unit, verbose_name="作者单位", on_delete=models.PROTECT, related_name="publications")
    title = models.CharField("标题", max_length=300)
    authors = models.CharField("作者", max_length=200, blank=True, help_text="姓名，多人用顿号“、”分隔。")
    outlet = models.ForeignKey(Outlet, verbose_name="媒体", on_delete=models.PROTECT, related_name="publications")
    published_on = models.DateField("刊发（报送）日期", help_text="已采用的填刊发日期，未采用的填报送日期。")
    adopted = models.BooleanField("已采用", default=True, help_text="媒体已刊发为采用；仅报送未刊发的不勾选。")
    counting_unit = models.CharField("计量单位", max_length=2, choices=CountingUnit.choices,
                                     default=CountingUnit.ARTICLE, help_text="稿件计“篇”，短消息、帖文计“条”。")
    link = models.URLField("链接", max_length=500, blank=True)
    clipping = models.FileField("剪报或截图", upload_to="publicity/clippings/%Y/%m/", blank=True, max_length=300)
    entry_lag = models.PositiveIntegerField(
        "录入滞后天数", default=0, editable=False,
        help_text="录入日期晚于刊发（报送）日期的天数；超过统计口径的天数即为补录。")
    draft = models.OneToOneField("Draft", verbose_name="审签稿件", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="publication")

    objects = alive_manager(PublicationQuerySet)
    with_deleted = models.Manager.from_queryset(PublicationQuerySet)()

    class Meta:
        verbose_name = "宣传稿件"
        verbose_name_plural = "宣传稿件"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["published_on", "id"], name="pub_date_idx"),
                   # covering for counting: a subtree's publications are grouped from the index alone, one
                   # range per unit (no table rows read, none of the other subtrees' rows touched)
                   models.Index(fields=["unit", "published_on", "outlet", "adopted", "counting_unit", "entry_lag",
                                        "deleted_at"], name="pub_unit_cover")]

    def __str__(self) -> str:
        return self.title

    def set_entry_lag(self, entered_on: dt.date) -> None:
        """Stored, not computed in queries: counting 补录 then needs no date arithmetic in SQL."""
        self.entry_lag = max(0, (entered_on - self.published_on).days)


# -- public opinion ------------------------------------------------------------------------------------
class RiskLevel(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class TicketState(models.TextChoices):
    CAPTURED = "captured", "已采集"
    ASSESSED = "assessed", "已研判"
    ALERTED = "alerted", "已发函待反馈"
    ANSWERED = "answered", "已反馈待核实"
    CLOSED = "closed", "已办结"


class OpinionCategory(models.TextChoices):
    CONDUCT = "conduct", "干部作风"
    LIVELIHOOD = "livelihood", "民生诉求"
    POLICY = "policy", "政策落实"
    DISCIPLINE = "discipline", "涉纪涉腐"
    SAFETY = "safety", "安全环保"
    OTHER = "other", "其他"


class OpinionTicketQuerySet(RecordQuerySet):
    def visible_to(self, user: Any) -> Self:
        """The issuing office sees what it issued, the unit concerned what is addressed to it."""
        from qinglian.org.scoping import visible_unit_q

        return self.filter(visible_unit_q(user, "issuing_unit") | visible_unit_q(user, "unit"))

    def overdue(self, today: dt.date) -> Self:
        return self.filter(overdue_q(today))


def overdue_q(today: dt.date) -> Q:
    """Tickets whose alert letter's deadline passed with no feedback (twin of OpinionTicket.is_overdue)."""
    return Q(state=TicketState.ALERTED, letter__deadline__lt=today)


class OpinionTicket(Record):
    """One online public-opinion incident, from capture to verified closure."""

    unit_field = "issuing_unit"

    issuing_unit = models.ForeignKey(Unit, verbose_name="发函单位", on_delete=models.PROTECT,
                                     related_name="issued_tickets",
                                     help_text="监测、研判并发函、核实的办公室，通常为网信办或纪委宣传部门。")
    unit = models.ForeignKey(Unit, verbose_name="涉事单位", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="opinion_tickets")
    source = models.CharField("来源", max_length=100, help_text="如：微博、抖音、本地论坛、12345 热线")
    link = models.URLField("链接", max_length=500, blank=True)
    captured_at = models.DateTimeField("发现时间")
    summary = SealedTextField("内容摘要")
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, blank=True)
    category = models.CharField("类别", max_length=20, choices=OpinionCategory.choices, blank=True)
    assessment = SealedTextField("研判意见", blank=True)
    assessed_at = models.DateTimeField("研判时间", null=True, blank=True)
    state = models.CharField("状态", max_length=20, choices=TicketState.choices, default=TicketState.CAPTURED,
                             db_index=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closing_note = models.CharField("办结说明", max_length=500, blank=True)

    objects = alive_manager(OpinionTicketQuerySet)
    with_deleted = models.Manager.from_queryset(OpinionTicketQuerySet)()

    class Meta:
        verbose_name = "舆情"
        verbose_name_plural = "舆情"
        ordering = ["-captured_at", "-id"]
        base_manager_name = "with_deleted"
        indexes = [models.Index(fields=["issuing_unit", "captured_at"], name="ticket_issuer_idx"),
                   models.Index(fields=["unit", "captured_at"], name="ticket_unit_idx")]

    def __str__(self) -> str:
        # not the summary: it is encrypted, and str() ends up in audit summaries
        return f"{self.source}舆情（{timezone.localtime(self.captured_at):%Y-%m-%d %H:%M}）" if self.captured_at \
            else f"{self.source}舆情"

    def is_overdue(self, today: dt.date) -> bool:
        """Twin of `overdue_q`: a letter's deadline passed and the unit has not answered."""
        letter = getattr(self, "letter", None)
        return self.state == TicketState.ALERTED and letter is not None and letter.deadline < today


class AlertLetter(Record):
    """《舆情提示函》 to the unit concerned, numbered per issuing office and year: 〔2026〕第12期."""

    unit_field = "issuing_unit"

    ticket = models.OneToOneField(OpinionTicket, verbose_name="舆情", on_delete=models.PROTECT,
                                  related_name="letter")
    issuing_unit = models.ForeignKey(Unit, verbose_name="发函单位", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="收函单位", on_delete=models.PROTECT, related_name="alert_letters")
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("期号")
    issued_on = models.DateField("发函日期")
    deadline = models.DateField("反馈时限")
    requirement = models.TextField("处置要求")
    feedback = SealedTextField("反馈情况", blank=True)
    feedback_at = models.DateTimeField("反馈时间", null=True, blank=True)
    feedback_by = models.ForeignKey("org.User", verbose_name="反馈人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    verified_by = models.ForeignKey("org.User", verbose_name="核实人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verification = SealedTextField("核实意见", blank=True)

    class Meta:
        verbose_name = "舆情提示函"
        verbose_name_plural = "舆情提示函"
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["issuing_unit", "year", "number"],
                                               name="alert_letter_number_per_year")]
        indexes = [models.Index(fields=["issuing_unit", "issued_on"], name="letter_issuer_idx")]

    def __str__(self) -> str:
        return f"《舆情提示函》{self.label}"

    @property
    def label(self) -> str:
        return f"〔{self.year}〕第{self.number}期"


class LetterEventKind(models.TextChoices):
    FEEDBACK = "feedback", "反馈处置情况"
    RETURNED = "returned", "核实未通过，退回重新处置"
    ACCEPTED = "accepted", "核实通过，办结"


class LetterEvent(Record):
    """One step in the life of an alert letter, never overwritten: each reply of the unit, each 核实 (a send-back
    with its note and new deadline, or the acceptance). The letter's own feedback/verification fields hold the
    latest of each; the ticket page shows these rows, in order."""

    unit_field = "letter__issuing_unit"

    letter = models.ForeignKey(AlertLetter, verbose_name="舆情提示函", on_delete=models.PROTECT, related_name="events")
    kind = models.CharField("环节", max_length=20, choices=LetterEventKind.choices)
    text = SealedTextField("内容", help_text="反馈的处置情况，或核实意见（加密存储）。")
    deadline = models.DateField("新的反馈时限", null=True, blank=True, help_text="退回时重新设定的反馈时限。")
    at = models.DateTimeField("时间")
    by = models.ForeignKey("org.User", verbose_name="办理人", null=True, blank=True, on_delete=models.PROTECT,
                           related_name="+")

    class Meta:
        verbose_name = "舆情办理记录"
        verbose_name_plural = "舆情办理记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{timezone.localtime(self.at):%Y-%m-%d}）" if self.at \
            else self.get_kind_display()


class OpinionDigest(Record):
    """An issue of 《网上舆情》 compiled from selected tickets, numbered per unit and year."""

    unit = models.ForeignKey(Unit, verbose_name="编发单位", on_delete=models.PROTECT, related_name="opinion_digests")
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("期号")
    issued_on = models.DateField("编发日期")
    title = models.CharField("本期标题", max_length=200)
    summary = models.TextField("编者按", blank=True)
    tickets = models.ManyToManyField(OpinionTicket, verbose_name="收录舆情", related_name="digests")

    class Meta:
        verbose_name = "网上舆情"
        verbose_name_plural = "网上舆情"
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "number"], name="digest_number_per_year")]
        indexes = [models.Index(fields=["unit", "issued_on"], name="digest_unit_idx")]

    def __str__(self) -> str:
        return f"《网上舆情》{self.label}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.number}期"


# -- three-stage review ----------------------------------------------------------------------------------
class Stage(models.TextChoices):
    FIRST = "first", "初审"
    SECOND = "second", "复审"
    FINAL = "final", "终审"


STAGE_ORDER: tuple[str, ...] = (Stage.FIRST, Stage.SECOND, Stage.FINAL)


class ReviewStage(Record):
    """A unit names who may sign each stage (usually 初审 an editor, 复审 the office head, 终审 the leader).

    Drafts of a unit use the assignments of the nearest unit up the tree that has any for the stage.
    """

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="review_stages")
    stage = models.CharField("审核环节", max_length=10, choices=Stage.choices)
    person = models.ForeignKey(Person, verbose_name="审核人", on_delete=models.PROTECT, related_name="review_stages")

    class Meta:
        verbose_name = "审核环节指定"
        verbose_name_plural = "审核环节指定"
        ordering = ["unit__path", "stage", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "person"], condition=Q(deleted_at__isnull=True),
                                               name="one_stage_per_person_per_unit")]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}：{self.person}"

    def clean(self) -> None:
        if self.person_id and self.unit_id and not self.person.unit.is_within(self.unit):
            raise ValidationError({"person": "审核人须为本单位或下级单位的干部。"})


class DraftState(models.TextChoices):
    REVIEWING = "reviewing", "审核中"
    SIGNED = "signed", "三审已完成"
    PUBLISHED = "published", "已发布"


class Draft(Record):
    """A piece awaiting 初审 → 复审 → 终审; `stage` is the next stage to sign while under review."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="drafts")
    title = models.CharField("稿件标题", max_length=300)
    authors = models.CharField("作者", max_length=200, help_text="姓名，多人用顿号“、”分隔。")
    content = models.TextField("正文")
    state = models.CharField("状态", max_length=20, choices=DraftState.choices, default=DraftState.REVIEWING,
                             db_index=True)
    stage = models.CharField("待审环节", max_length=10, choices=Stage.choices, default=Stage.FIRST, blank=True)

    class Meta:
        verbose_name = "稿件"
        verbose_name_plural = "稿件"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Decision(models.TextChoices):
    APPROVE = "approve", "通过"
    RETURN = "return", "退回"


class SignOff(Record):
    """One stage's signature (or a return) on a draft. Approvals are sealed in a chain (SM3)."""

    unit_field = "draft__unit"

    draft = models.ForeignKey(Draft, verbose_name="稿件", on_delete=models.PROTECT, related_name="signoffs")
    stage = models.CharField("审核环节", max_length=10, choices=Stage.choices)
    decision = models.CharField("结论", max_length=10, choices=Decision.choices, default=Decision.APPROVE)
    person = models.ForeignKey(Person, verbose_name="审核人", on_delete=models.PROTECT, related_name="+", null=True,
                               blank=True, help_text="退回可由监督员作出，其账号可能不对应干部。")
    signed_at = models.DateTimeField("签署时间")
    opinion = models.TextField("审核意见")
    prev_seal = models.CharField("上一签章", max_length=64, blank=True)
    seal = models.CharField("签章", max_length=64, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True,
                                     help_text="退回或修改正文后，此前的签署作废，需重新审核。")

    class Meta:
        verbose_name = "审签记录"
        verbose_name_plural = "审签记录"
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}{self.get_decision_display()}：{self.person}"

    @property
    def short_seal(self) -> str:
        return self.seal[:12]
