"""申诉 and 投诉建议 (DESIGN §7: "every unit can appeal and complain inside the system").

An `Appeal` is a unit's objection to a 三色 colour of one of its measures, a 督办, or a spot-check finding,
with its reason. The office that issued the thing decides (services.appeal.may_decide); the decision is
recorded and audited, and the original stays as it was written (`original` keeps how it read when the
appeal was made; a granted finding keeps its first verdict here too).

A `Complaint` is anyone's 投诉 or 建议 about the work or the system: it reaches the system admins' inbox and
the unit above the writer's, who answer it on the list page.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.ledger.models import Measure, SupervisionOrder
from qinglian.lib.models import Record
from qinglian.org.models import Unit
from qinglian.verify.models.spotcheck import SpotCheckItem

__all__ = ["Appeal", "AppealState", "AppealSubject", "Complaint", "ComplaintKind", "ComplaintState"]


class AppealSubject(models.TextChoices):
    COLOUR = "colour", "三色预警"
    ORDER = "order", "督办"
    FINDING = "finding", "抽查结论"


class AppealState(models.TextChoices):
    PENDING = "pending", "待处理"
    UPHELD = "upheld", "维持原结论"
    GRANTED = "granted", "申诉成立"


class Appeal(Record):
    unit = models.ForeignKey(Unit, verbose_name="申诉单位", on_delete=models.PROTECT, related_name="+")
    subject = models.CharField("申诉事项", max_length=20, choices=AppealSubject.choices)
    measure = models.ForeignKey(Measure, verbose_name="整改措施", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="对三色预警申诉时：预警的措施。")
    order = models.ForeignKey(SupervisionOrder, verbose_name="督办", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    finding = models.ForeignKey(SpotCheckItem, verbose_name="抽查事项", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    original = models.TextField("原结论", help_text="申诉时原结论的内容，申诉处理后原样保留。")
    reason = models.TextField("申诉理由")
    state = models.CharField("状态", max_length=20, choices=AppealState.choices, default=AppealState.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField("处理日期", null=True, blank=True)
    decision = models.TextField("处理意见", blank=True)

    class Meta:
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "unit"])]

    def __str__(self) -> str:
        return f"对{self.get_subject_display()}的申诉：{self.reason[:40]}"

    @property
    def is_pending(self) -> bool:
        return self.state == AppealState.PENDING


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    SUGGESTION = "suggestion", "建议"


class ComplaintState(models.TextChoices):
    OPEN = "open", "待答复"
    ANSWERED = "answered", "已答复"


class Complaint(Record):
    """投诉建议. `unit` is the writer's unit (empty for an admin account); `above` the unit that answers with the
    system admins (the writer's unit's parent; empty at the top of the tree)."""

    unit = models.ForeignKey(Unit, verbose_name="提出人单位", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    above = models.ForeignKey(Unit, verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField("类别", max_length=20, choices=ComplaintKind.choices, default=ComplaintKind.SUGGESTION)
    title = models.CharField("标题", max_length=200)
    text = models.TextField("内容", help_text="反映的情况、涉及的页面或事项，以及希望怎样改进。")
    state = models.CharField("状态", max_length=20, choices=ComplaintState.choices, default=ComplaintState.OPEN)
    answer = models.TextField("答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="答复人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "投诉建议"
        verbose_name_plural = "投诉建议"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"
