"""Who takes part in a measure beside its lead unit, and each unit's rules of 验收.

The lead unit (牵头单位) of a measure is the ledger's `Measure.responsible_unit` (else the measure's own unit);
配合单位 are `AssistingUnit` rows, each owned by the assisting unit itself (its `unit`), so that unit's users
see the row, the measure it belongs to (`ledger.selectors.visible_measures`), and report on their part.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from qinglian.ledger.models import Measure, Source
from qinglian.lib.models import Record
from qinglian.org.models import Unit

__all__ = ["AcceptanceMode", "AssistingUnit", "PartProgress", "PartStatus", "SourceIssuer", "UnitRules"]


class PartStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class AssistingUnit(Record):
    """配合单位: a unit asked to do a part of a measure another unit leads."""

    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.PROTECT, related_name="verify_parts")
    unit = models.ForeignKey(Unit, verbose_name="配合单位", on_delete=models.PROTECT, related_name="+",
                             help_text="配合单位的账号可以查看该措施，并报送本单位承担部分的进展。")
    part = models.TextField("配合事项", help_text="配合单位承担的工作，如：提供近三年公务接待台账。")
    status = models.CharField("完成状态", max_length=20, choices=PartStatus.choices, default=PartStatus.IN_PROGRESS)

    class Meta:
        verbose_name = "配合单位"
        verbose_name_plural = "配合单位"
        ordering = ["measure", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "unit"], condition=Q(deleted_at__isnull=True),
                                               name="verify_one_part_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit}：{self.part[:40]}"


class PartProgress(Record):
    """A progress note of an assisting unit on its part (the lead unit's own notes stay the ledger's Progress)."""

    part = models.ForeignKey(AssistingUnit, verbose_name="配合事项", on_delete=models.PROTECT, related_name="progress")
    unit = models.ForeignKey(Unit, verbose_name="配合单位", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("日期")
    text = models.TextField("进展情况")
    status_after = models.CharField("报送后状态", max_length=20, choices=PartStatus.choices)

    class Meta:
        verbose_name = "配合进展"
        verbose_name_plural = "配合进展"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class AcceptanceMode(models.TextChoices):
    INSPECTION = "inspection", "巡察、巡视反馈的问题须验收"
    ALL = "all", "全部问题须验收"
    NONE = "none", "不设验收（负责人批准即销号）"


class UnitRules(Record):
    """A unit's rules of 验收, for its subtree (the nearest unit up the tree with rules decides)."""

    unit = models.OneToOneField(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    acceptance = models.CharField("验收要求", max_length=20, choices=AcceptanceMode.choices,
                                  default=AcceptanceMode.INSPECTION,
                                  help_text="须验收的措施，负责人批准完成后还要由另一账号验收，验收前显示为“已完成待验收”。")
    watch_months = models.PositiveSmallIntegerField(
        "观察期（月）", default=6, help_text="巡察、巡视反馈的问题验收后的观察期；期内复发的，重新打开原问题整改。")

    class Meta:
        verbose_name = "验收规则"
        verbose_name_plural = "验收规则"

    def __str__(self) -> str:
        return f"{self.unit}：{self.get_acceptance_display()}"


class SourceIssuer(Record):
    """The office that issued a source's feedback (a 巡察办, a 派驻组, an upper office), as a unit: its
    supervisor accounts (their person works there) approve extensions and may 验收 the source's items.
    `Source.issued_by` stays the name as written ("县委第三巡察组")."""

    source = models.OneToOneField(Source, verbose_name="反馈来源", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    office = models.ForeignKey(Unit, verbose_name="反馈机关", on_delete=models.PROTECT, related_name="+",
                               help_text="发出反馈意见的机关，如县委巡察办；其监督员审批延期、参与验收。")

    class Meta:
        verbose_name = "反馈机关"
        verbose_name_plural = "反馈机关"

    def __str__(self) -> str:
        return f"{self.source}：{self.office}"
