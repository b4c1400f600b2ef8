"""考核 by rules published at the start of the year (DESIGN §7: "rules for a year are published at its start").

An `AppraisalRuleSet` is one unit's rules for one year: `AppraisalIndicator`s, each reading one outcome
measure of the closed catalogue (`appraisal.catalogue`) with its weight, scoring bands and the evidence it
asks for. Drafted, then published: a published set is locked (its indicators and its own fields can no
longer change; `clean()` and `save()` refuse, whatever the path). An `AppraisalRun` scores every unit of the
publisher's subtree as of a day; each `AppraisalScore` keeps the working (per indicator: numerator,
denominator, rate, band, points), so a score can be reproduced and appealed (`AppraisalAppeal`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from qinglian.lib.models import Record
from qinglian.org.models import Unit

LOCKED = "该考核规则已于年初发布并锁定，不能再修改；如确需调整，请发布下一年度的规则，或对得分提出申诉。"


class RuleSetState(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class IfNone(models.TextChoices):
    FULL = "full", "按满分计"
    ZERO = "zero", "按零分计"


class Grade(models.TextChoices):
    """等次 of a total (the names 质效评估 uses: one name per concept)."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "较好"
    FAIR = "fair", "一般"
    POOR = "poor", "差"


def _points(**kwargs: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal(0)),
                               MaxValueValidator(Decimal(100))], **kwargs)


class AppraisalRuleSet(Record):
    unit = models.ForeignKey(Unit, verbose_name="发布单位", on_delete=models.PROTECT, related_name="+",
                             help_text="考核本单位及下级单位。")
    year = models.PositiveSmallIntegerField("考核年度", validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField("名称", max_length=200, help_text="如：2026年度党风廉政建设责任制考核细则")
    state = models.CharField("状态", max_length=20, choices=RuleSetState.choices, default=RuleSetState.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    excellent_min = _points(verbose_name="优秀分数线", default=Decimal(90))
    good_min = _points(verbose_name="较好分数线", default=Decimal(80))
    fair_min = _points(verbose_name="一般分数线", default=Decimal(60),
                       help_text="总分低于此线为“差”。")

    class Meta:
        verbose_name = "考核规则"
        verbose_name_plural = "考核规则"
        ordering = ["-year", "unit__path", "id"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], condition=Q(deleted_at__isnull=True),
                                               name="appraisal_one_rule_set_per_unit_year")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.state == RuleSetState.PUBLISHED

    def clean(self) -> None:
        if not (self.fair_min <= self.good_min <= self.excellent_min):
            raise ValidationError("分数线须满足：一般 ≤ 较好 ≤ 优秀。")

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A published set never changes (only its soft delete is refused too): the lock holds on any path."""
        if self.pk is not None:
            stored = type(self).with_deleted.filter(pk=self.pk).values("state").first()
            if stored is not None and stored["state"] == RuleSetState.PUBLISHED:
                raise ValidationError(LOCKED)
        super().save(*args, **kwargs)

    def grade(self, total: Decimal) -> str:
        if total >= self.excellent_min:
            return Grade.EXCELLENT
        if total >= self.good_min:
            return Grade.GOOD
        if total >= self.fair_min:
            return Grade.FAIR
        return Grade.POOR


def _measure_choices() -> list[tuple[str, str]]:
    """The catalogue's measures by name (so the audit trail and the admin show 整改按期完成率, not a key)."""
    from qinglian.appraisal.catalogue import choices

    return choices()


class AppraisalIndicator(Record):
    unit_field = "rule_set__unit"

    rule_set = models.ForeignKey(AppraisalRuleSet, verbose_name="考核规则", on_delete=models.PROTECT,
                                 related_name="indicators")
    measure = models.CharField("考核内容", max_length=60, choices=_measure_choices,
                               help_text="从考核指标目录中选择，只含工作结果类指标。")
    name = models.CharField("指标名称", max_length=100)
    weight = _points(verbose_name="分值")
    bands = models.JSONField("计分档次", default=list, help_text="[[下限%, 上限%, 下限得分, 上限得分], …]")
    evidence = models.CharField("佐证要求", max_length=300, blank=True,
                                help_text="以系统中已有的记录为准，如：整改台账销号记录、责任书签订登记。不另报材料。")
    if_none = models.CharField("无考核事项时", max_length=10, choices=IfNone.choices, default=IfNone.FULL,
                               help_text="本单位当年没有应考核的事项（分母为零）时如何计分。")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["rule_set", "order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight}分）"

    def clean(self) -> None:
        from qinglian.appraisal.catalogue import ForbiddenMeasure, measure_for
        from qinglian.appraisal.forbidden import refusal

        if self.rule_set_id and self.rule_set.is_published:
            raise ValidationError(LOCKED)
        try:
            measure_for(self.measure)
        except ForbiddenMeasure as exc:
            raise ValidationError({"measure": [str(exc)]}) from exc
        for field in ("name", "evidence"):
            if reason := refusal(getattr(self, field)):
                raise ValidationError({field: [reason]})

    def save(self, *args: Any, **kwargs: Any) -> None:
        if AppraisalRuleSet.with_deleted.filter(pk=self.rule_set_id, state=RuleSetState.PUBLISHED).exists():
            raise ValidationError(LOCKED)
        super().save(*args, **kwargs)


class AppraisalRun(models.Model):
    """One scoring of a published set: every unit of the publisher's subtree, as of `as_of`."""

    rule_set = models.ForeignKey(AppraisalRuleSet, verbose_name="考核规则", on_delete=models.PROTECT,
                                 related_name="runs")
    as_of = models.DateField("计算截止日")
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="计算人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    units = models.PositiveIntegerField("单位数", default=0)

    class Meta:
        verbose_name = "考核计分"
        verbose_name_plural = "考核计分"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.rule_set.name}（截至{self.as_of}）"


class ScoreQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> Self:
        """A unit sees its own score (and those below it); the publisher's level its whole subtree."""
        from qinglian.org.scoping import visible_unit_q

        return self.filter(visible_unit_q(user))


class AppraisalScore(models.Model):
    """A unit's score in one run, with the working: a computed row, written in bulk, never edited."""

    run = models.ForeignKey(AppraisalRun, verbose_name="考核计分", on_delete=models.PROTECT, related_name="scores")
    unit = models.ForeignKey(Unit, verbose_name="被考核单位", on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("总分", max_digits=6, decimal_places=1)
    grade = models.CharField("等次", max_length=20, choices=Grade.choices)
    working = models.JSONField("计分过程", default=list,
                               help_text="每项指标：分子、分母、完成率、适用档次、得分及说明。")

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"
        ordering = ["run", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="appraisal_one_score_per_run_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name}：{self.total}分"


class AppealState(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "维持原结论"
    GRANTED = "granted", "申诉成立"


class AppraisalAppeal(Record):
    """申诉 against an appraisal score (verify's `Appeal` covers colours, orders and findings; until it takes
    a score as a subject, a score's appeal lives here, with the same states and the same rule: the original
    kept as it read, decided by the level above, never by the one who appealed)."""

    score = models.ForeignKey(AppraisalScore, verbose_name="考核得分", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="申诉单位", on_delete=models.PROTECT, related_name="+")
    original = models.TextField("原结论", help_text="申诉时的得分与计分过程摘要，处理后原样保留。")
    reason = models.TextField("申诉理由", help_text="哪项指标、哪条记录有误，应当如何计算。")
    state = models.CharField("状态", max_length=20, choices=AppealState.choices, default=AppealState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decision = models.TextField("处理意见", blank=True)

    class Meta:
        verbose_name = "考核申诉"
        verbose_name_plural = "考核申诉"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"对考核得分的申诉：{self.reason[:40]}"

    @property
    def is_pending(self) -> bool:
        return self.state == AppealState.PENDING
