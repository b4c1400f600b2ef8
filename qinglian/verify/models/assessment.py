"""巡察整改质效评估: an office's indicator set (weights, 优秀 / 较好 / 一般 / 差 bands) applied to one source some
months after its deadline. An indicator is either counted from the ledger (a fixed list of outcomes: closed
on time, closed at all, no extension, no reopening, spot checks found true) or scored by the assessors
(interviews, questionnaires, 民主测评). No indicator may read logins, clicks, time online or uploads
(DESIGN §7): `IndicatorKind` is the whole list, and nothing else is counted."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from qinglian.ledger.models import Source
from qinglian.lib.models import Record
from qinglian.org.models import Unit

__all__ = ["Assessment", "AssessmentScore", "AssessmentState", "Band", "Indicator", "IndicatorKind", "IndicatorSet"]


class IndicatorKind(models.TextChoices):
    """Ledger outcomes a counted indicator may read (its share 0–1 times its weight), or the assessors' score."""

    ON_TIME = "on_time", "按期（含提前）完成销号的措施占比"
    CLOSED = "closed", "已销号（含长期坚持）的措施占比"
    NO_EXTENSION = "no_extension", "未申请延期的措施占比"
    NOT_REOPENED = "not_reopened", "未被重新打开的问题占比"
    SPOT_TRUE = "spot_true", "抽查属实率（部分属实计一半）"
    ASSESSOR = "assessor", "评估组打分"


COUNTED_KINDS = tuple(k for k in IndicatorKind if k != IndicatorKind.ASSESSOR)


class Band(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


class IndicatorSet(Record):
    """An office's indicators: applies to the sources of its subtree (the nearest set up the tree is offered)."""

    unit = models.ForeignKey(Unit, verbose_name="制定单位", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=200, help_text="如：巡察整改质效评估指标（2026年版）。")
    months_after = models.PositiveSmallIntegerField("整改时限届满后（月）", default=6,
                                                    help_text="评估在反馈问题的最后整改时限届满这么多个月后开展。")
    excellent_min = models.DecimalField("优秀（分以上）", max_digits=5, decimal_places=1, default=Decimal("90"))
    good_min = models.DecimalField("较好（分以上）", max_digits=5, decimal_places=1, default=Decimal("80"))
    fair_min = models.DecimalField("一般（分以上）", max_digits=5, decimal_places=1, default=Decimal("60"),
                                   help_text="低于此分为“差”。")

    class Meta:
        verbose_name = "质效评估指标体系"
        verbose_name_plural = "质效评估指标体系"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.name


class Indicator(Record):
    indicator_set = models.ForeignKey(IndicatorSet, verbose_name="指标体系", on_delete=models.PROTECT,
                                      related_name="indicators")
    unit = models.ForeignKey(Unit, verbose_name="制定单位", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("指标", max_length=100, help_text="如：主体责任落实、组织实施、整改成效、民主测评。")
    kind = models.CharField("计分方式", max_length=20, choices=IndicatorKind.choices,
                            help_text="从台账计算的，按占比乘以分值；评估组打分的，由评估人填写。")
    weight = models.DecimalField("分值", max_digits=5, decimal_places=1,
                                 validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("100"))])
    guidance = models.TextField("评分说明", blank=True, help_text="评估组打分时依据什么，如：个别谈话、问卷调查。")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评估指标"
        verbose_name_plural = "评估指标"
        ordering = ["indicator_set", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}分）"

    @property
    def counted(self) -> bool:
        return self.kind != IndicatorKind.ASSESSOR


class AssessmentState(models.TextChoices):
    DRAFT = "draft", "评估中"
    FINAL = "final", "已定级"


class Assessment(Record):
    """One source's 质效评估. `unit` is the assessed unit (it sees its own result); `office` the assessing one."""

    indicator_set = models.ForeignKey(IndicatorSet, verbose_name="指标体系", on_delete=models.PROTECT,
                                      related_name="+")
    source = models.ForeignKey(Source, verbose_name="反馈来源", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="被评估单位", on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    outcomes = models.JSONField("台账数据", default=dict, blank=True,
                                help_text="开始评估时从台账统计的数字：措施数、按期、销号、延期、重新打开、抽查结果。")
    total = models.DecimalField("总分", max_digits=6, decimal_places=1, null=True, blank=True)
    band = models.CharField("等次", max_length=20, choices=Band.choices, blank=True)
    opinion = models.TextField("评估意见", blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评估人", on_delete=models.PROTECT,
                                    related_name="+")
    assessed_on = models.DateField("评估日期")

    class Meta:
        verbose_name = "质效评估"
        verbose_name_plural = "质效评估"
        ordering = ["-assessed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.source}质效评估"


class AssessmentScore(Record):
    assessment = models.ForeignKey(Assessment, verbose_name="质效评估", on_delete=models.PROTECT,
                                   related_name="scores")
    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="被评估单位", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    basis = models.TextField("依据", blank=True, help_text="台账计算的说明，或评估组打分的理由。")

    class Meta:
        verbose_name = "指标得分"
        verbose_name_plural = "指标得分"
        ordering = ["indicator__order", "indicator_id"]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.score}"
