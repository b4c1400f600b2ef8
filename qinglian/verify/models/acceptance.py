"""完成 → 验收, and recurrences in the watch window.

Where the unit's rules ask for it, the leader's approval of a measure is 完成 (with a 真实性承诺 the leader
ticks; the measure shows 已完成待验收) and an `Acceptance` waits for 验收 by another account. The 销号 date
(`Measure.closed_at`) is the day 完成 was approved: 提前 / 按期 / 逾期 judge the unit's work, not how long
the checker took. A recurrence within the watch window reopens the same problem and its measures.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.ledger.models import Measure, Problem
from qinglian.lib.models import Record
from qinglian.org.models import Unit

__all__ = ["Acceptance", "AcceptanceState", "Recurrence"]


class AcceptanceState(models.TextChoices):
    PENDING = "pending", "待验收"
    ACCEPTED = "accepted", "验收通过"
    REFUSED = "refused", "验收不通过"
    WITHDRAWN = "withdrawn", "已退回重办"


class Acceptance(Record):
    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.PROTECT,
                                related_name="verify_acceptances")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="批准完成人", on_delete=models.PROTECT,
                                     related_name="+")
    completed_on = models.DateField("批准完成日期")
    pledge = models.BooleanField("真实性承诺", default=False,
                                 help_text="批准人承诺：整改情况和证明材料真实、完整，经得起核查。")
    state = models.CharField("状态", max_length=20, choices=AcceptanceState.choices, default=AcceptanceState.PENDING)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="验收人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    opinion = models.TextField("验收意见", blank=True)
    watch_until = models.DateField("观察期至", null=True, blank=True,
                                   help_text="巡察、巡视反馈的问题：期内复发的，重新打开原问题整改。")

    class Meta:
        verbose_name = "验收"
        verbose_name_plural = "验收"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "unit"])]

    def __str__(self) -> str:
        return f"{self.get_state_display()}：{self.measure}"


class Recurrence(Record):
    """整改后复发: found within the watch window, it reopened the same problem (never a new one)."""

    problem = models.ForeignKey(Problem, verbose_name="问题", on_delete=models.PROTECT, related_name="verify_recurrences")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("复发情况")
    watch_until = models.DateField("观察期至")
    measures_reopened = models.PositiveIntegerField("重新打开的措施数", default=0)

    class Meta:
        verbose_name = "整改后复发"
        verbose_name_plural = "整改后复发"
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.note[:60]
