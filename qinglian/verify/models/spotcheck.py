"""抽查 / 反向核查: a supervisor draws a random sample of closed (销号) items in its subtree and records, for each,
what it found in the field. The draw is reproducible: `random.Random(seed)` over the population's ids in
ascending order, both kept on the check, so anyone can draw the same sample again and compare. A finding of
不属实 reopens the item for rework and issues a 督办 (services.spotcheck)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.ledger.models import Measure, Problem, SupervisionOrder
from qinglian.lib.models import Record, StoredFile
from qinglian.org.models import Unit

__all__ = ["SpotCheck", "SpotCheckEvidence", "SpotCheckItem", "SpotCheckTarget", "Verdict"]


class SpotCheckTarget(models.TextChoices):
    MEASURE = "measure", "已销号的整改措施"
    PROBLEM = "problem", "已销号的问题"


class Verdict(models.TextChoices):
    PENDING = "pending", "待核查"
    TRUE = "true", "属实"
    FALSE = "false", "不属实"
    PARTIAL = "partial", "部分属实"


class SpotCheck(Record):
    """One draw: from which subtree, what kind of item, how many, and the seed and population that reproduce it."""

    unit = models.ForeignKey(Unit, verbose_name="抽查范围", on_delete=models.PROTECT, related_name="+",
                             help_text="从该单位及其下级单位已销号的事项中抽取。")
    title = models.CharField("名称", max_length=200, help_text="如：2026年第二季度整改销号反向核查。")
    target = models.CharField("抽查对象", max_length=20, choices=SpotCheckTarget.choices,
                              default=SpotCheckTarget.MEASURE)
    closed_from = models.DateField("销号日期自", null=True, blank=True)
    closed_to = models.DateField("销号日期至", null=True, blank=True)
    ratio = models.DecimalField("抽查比例（%）", max_digits=5, decimal_places=2, null=True, blank=True,
                                help_text="按比例抽取时填写，如 10 表示 10%，不足一项的按一项。")
    size = models.PositiveIntegerField("抽查数量", null=True, blank=True, help_text="按数量抽取时填写。")
    seed = models.BigIntegerField("随机种子", help_text="同一种子、同一总体，任何人都能抽出同样的样本。")
    population = models.JSONField("总体（事项编号）", default=list, blank=True,
                                  help_text="抽取时符合条件的全部事项编号，按从小到大排列。")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="抽查人", on_delete=models.PROTECT,
                                 related_name="+")
    drawn_on = models.DateField("抽取日期")

    class Meta:
        verbose_name = "抽查"
        verbose_name_plural = "抽查"
        ordering = ["-drawn_on", "-id"]

    def __str__(self) -> str:
        return self.title


class SpotCheckItem(Record):
    """One sampled item and what the field check found. `unit` is the item's own unit, so that unit sees the
    finding about itself (and may appeal it) and nothing else of the check."""

    spot_check = models.ForeignKey(SpotCheck, verbose_name="抽查", on_delete=models.PROTECT, related_name="items")
    unit = models.ForeignKey(Unit, verbose_name="被抽查单位", on_delete=models.PROTECT, related_name="+")
    measure = models.ForeignKey(Measure, verbose_name="整改措施", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveIntegerField("序号", default=0)
    verdict = models.CharField("核查结论", max_length=20, choices=Verdict.choices, default=Verdict.PENDING)
    notes = models.TextField("核查情况", blank=True, help_text="到现场看了什么、问了谁、对照了哪些材料。")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField("核查日期", null=True, blank=True)
    order_issued = models.ForeignKey(SupervisionOrder, verbose_name="督办", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text="核查不属实时下发的督办。")

    class Meta:
        verbose_name = "抽查事项"
        verbose_name_plural = "抽查事项"
        ordering = ["spot_check", "order", "id"]
        indexes = [models.Index(fields=["verdict", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}：{self.measure or self.problem}"

    @property
    def item(self) -> Measure | Problem:
        return self.measure or self.problem


class SpotCheckEvidence(StoredFile):
    """A file the checker brought back (photo, interview note): content-addressed like ledger evidence."""

    item = models.ForeignKey(SpotCheckItem, verbose_name="抽查事项", on_delete=models.PROTECT,
                             related_name="evidence")
    unit = models.ForeignKey(Unit, verbose_name="被抽查单位", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "核查材料"
        verbose_name_plural = "核查材料"
        ordering = ["id"]
