"""The append-only, hash-chained audit trail (操作日志).

Each entry stores the SM3 hash of its content and of the previous entry, so editing or deleting any row
breaks the chain at that row (`qinglian audit verify`). The ORM refuses updates and deletes outright.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("操作日志只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("操作日志只能追加，不能删除。")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise PermissionError("操作日志只能追加，不能修改。")


class Action(models.TextChoices):
    CREATE = "create", "新增"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    RESTORE = "restore", "恢复"
    LOGIN = "login", "登录"
    LOGOUT = "logout", "退出"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOCKED = "locked", "账号锁定"
    REFUSED = "refused", "操作被拒绝"
    APPROVE = "approve", "审批"
    RETURN = "return", "退回"
    IMPORT = "import", "导入"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载"
    GENERATE = "generate", "生成"
    UNMASK = "unmask", "查看完整号码"
    TAMPERED = "tampered", "数据校验失败"
    FACTOR = "factor", "动态口令"
    KEYS = "keys", "密钥管理"
    BACKUP = "backup", "备份"
    RESTORE_BACKUP = "restore_backup", "备份恢复"
    ARCHIVE = "archive", "归档"
    API = "api", "接口调用"


class InsertOnly(models.Model):
    """A row written once and never changed or removed through the ORM (the database's triggers refuse raw
    SQL too: audit.triggers). History rows share it."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name}只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError(f"{self._meta.verbose_name}只能追加，不能删除。")


class AuditEntry(InsertOnly):
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", db_constraint=False,
    )
    actor_name = models.CharField("操作人名称", max_length=150)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField("对象类型", max_length=100, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_version = models.PositiveIntegerField("对象版本", null=True, blank=True)
    unit_id = models.BigIntegerField("单位编号", null=True, blank=True)
    summary = models.CharField("摘要", max_length=500)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64)
    hash = models.CharField("本条哈希", max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"


class ChainHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain one at a time."""

    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.count}: {self.last_hash[:12]}"


class ArchiveMark(InsertOnly):
    """Where an archive cut the trail: the entries up to `last_id` (and history rows up to `before`) were copied
    to `location`, verified and removed; the chain goes on from `last_hash`. Written once per archive, with an
    ARCHIVE audit entry that records the same boundary, so a forged mark does not match the chain."""

    at = models.DateTimeField("归档时间")
    before = models.DateTimeField("归档截至")
    last_id = models.BigIntegerField("最后一条归档日志")
    last_hash = models.CharField("最后一条归档日志的哈希", max_length=64)
    entries = models.BigIntegerField("归档日志条数")
    versions = models.BigIntegerField("归档历史版本条数")
    location = models.CharField("归档位置", max_length=500)
    digest = models.CharField("归档清单 SM3", max_length=64)

    class Meta:
        verbose_name = "归档记录"
        verbose_name_plural = "归档记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"归档至 #{self.last_id}（{self.entries} 条）"
