"""历史版本: a full copy of a business record's row after every write, never changed or removed.

`data` holds the row's columns exactly as stored (an encrypted field's ciphertext, never its plaintext) and the
ids of its many-to-many links, so any record can be rebuilt as it stood at any moment (history.selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from qinglian.audit.models import InsertOnly


class VersionKind(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    RESTORE = "restore", "恢复"
    RELATED = "related", "关联人员变动"


class Version(InsertOnly):
    model = models.CharField("记录类型", max_length=100, help_text="app_label.model，如 ledger.measure")
    object_id = models.BigIntegerField("记录编号")
    version = models.PositiveIntegerField("版本", null=True, blank=True)
    kind = models.CharField("操作", max_length=10, choices=VersionKind.choices)
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", db_constraint=False)
    actor_name = models.CharField("操作人名称", max_length=150)
    reason = models.CharField("原因", max_length=500, blank=True)
    data = models.JSONField("内容")

    class Meta:
        verbose_name = "历史版本"
        verbose_name_plural = "历史版本"
        ordering = ["model", "object_id", "id"]
        indexes = [models.Index(fields=["model", "object_id", "id"], name="history_of_record")]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id} v{self.version} {self.get_kind_display()}"
