"""延期申请: a unit asks for a later deadline; its leader, and for items from a higher level the issuing
office's supervisor, decide. Approved, the measure's deadline in force becomes the new date (so the ledger's
one 三色 rule and its 逾期 figure keep working); the deadline it replaced stays here."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.ledger.models import Measure
from qinglian.lib.models import Record
from qinglian.org.models import Unit

__all__ = ["Extension", "ExtensionState"]


class ExtensionState(models.TextChoices):
    LEADER = "leader", "待负责人审批"
    ISSUER = "issuer", "待反馈机关审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


PENDING_STATES = (ExtensionState.LEADER, ExtensionState.ISSUER)


class Extension(Record):
    measure = models.ForeignKey(Measure, verbose_name="整改措施", on_delete=models.PROTECT,
                                related_name="verify_extensions")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("延期理由")
    proposed_date = models.DateField("申请延期至")
    original_deadline = models.DateField("原整改时限")
    original_text = models.CharField("原整改时限（原文）", max_length=50, blank=True)
    needs_issuer = models.BooleanField("须反馈机关审批", default=False,
                                       help_text="上级反馈的问题（巡察、巡视、审计、督查、上级交办），还须反馈机关的监督员审批。")
    state = models.CharField("状态", max_length=20, choices=ExtensionState.choices, default=ExtensionState.LEADER)
    leader_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="负责人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    leader_opinion = models.TextField("负责人意见", blank=True)
    issuer_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="反馈机关审批人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issuer_opinion = models.TextField("反馈机关意见", blank=True)
    decided_on = models.DateField("审批完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "延期申请"
        verbose_name_plural = "延期申请"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "unit"])]

    def __str__(self) -> str:
        return f"延期至{self.proposed_date}：{self.reason[:40]}"

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES
