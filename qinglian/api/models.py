"""Personal access tokens of the API, and the answers kept for an Idempotency-Key.

A token is 256 random bits shown to its owner once; only its SHA-256 is stored (like the calendar feed's), so
the database alone does not give a working token. A token acts as its account, never beyond it: the account's
role and unit decide what it reaches, and its scope (read, write) can only narrow that.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class Scope(models.TextChoices):
    READ = "read", "只读"
    WRITE = "write", "读写"


class TokenQuerySet(models.QuerySet["PersonalAccessToken"]):
    def usable(self, now: dt.datetime) -> TokenQuerySet:
        """Not revoked and not expired (the row twin is `PersonalAccessToken.is_usable`)."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class PersonalAccessToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("用途", max_length=100, help_text="如：市纪委数据报送系统读取台账。")
    scope = models.CharField("权限", max_length=10, choices=Scope.choices, default=Scope.READ,
                             help_text="只读令牌只能读取；读写令牌还能报送进展、申请销号、登记纪实、生成报告。")
    token_hash = models.CharField("令牌散列", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=12, help_text="令牌的前几位，便于辨认；不足以使用令牌。")
    created_at = models.DateTimeField("创建时间")
    expires_at = models.DateTimeField("有效期至")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    last_used_at = models.DateTimeField("最后使用时间", null=True, blank=True)
    last_used_ip = models.GenericIPAddressField("最后使用地址", null=True, blank=True)

    objects = TokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="api_token_user_created")]

    def __str__(self) -> str:
        return f"接口令牌 #{self.pk} {self.name}（{self.prefix}…）"

    def is_usable(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    @property
    def can_write(self) -> bool:
        return self.scope == Scope.WRITE


class IdempotentAnswer(models.Model):
    """The answer given to the first create sent with an Idempotency-Key: the same key from the same account
    with the same request gets it again (replayed, nothing created twice); with another request, a 422."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE,
                             related_name="+")
    key = models.CharField("幂等键", max_length=200)
    fingerprint = models.CharField("请求指纹", max_length=64, help_text="方法、路径和请求体的 SHA-256。")
    status = models.PositiveSmallIntegerField("状态码")
    body = models.JSONField("应答", default=dict)
    headers = models.JSONField("应答头", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "幂等应答"
        verbose_name_plural = "幂等应答"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotent_user_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.status}"
