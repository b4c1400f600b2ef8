"""Rate limits: the security admin's policy (one row) and the fixed-window counters shared by every worker."""

from __future__ import annotations

import time
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models


class Kind(models.TextChoices):
    LOGIN = "login", "登录"
    EXPORT = "export", "导出"
    DOWNLOAD = "download", "下载文件"
    GENERATE = "generate", "生成报告"
    CODE = "code", "输入动态口令"


class RatePolicy(models.Model):
    """How many requests of each kind one account, and one client address, may make per window.

    One row, edited by the security admin; the values may only be lowered from the defaults (tightened).
    """

    login_limit = models.PositiveSmallIntegerField(
        "登录尝试（次/分钟）", default=60, help_text="同一用户名、同一来源地址每分钟最多提交登录这么多次。")
    export_limit = models.PositiveSmallIntegerField(
        "导出（次/10分钟）", default=30, help_text="同一账号、同一来源地址每 10 分钟最多导出 Excel 这么多次。")
    download_limit = models.PositiveSmallIntegerField(
        "下载文件（次/10分钟）", default=120, help_text="同一账号、同一来源地址每 10 分钟最多下载附件和报告这么多次。")
    generate_limit = models.PositiveSmallIntegerField(
        "生成报告（次/10分钟）", default=20, help_text="同一账号、同一来源地址每 10 分钟最多生成报告这么多次（一批算一次）。")
    code_limit = models.PositiveSmallIntegerField(
        "输入动态口令（次/分钟）", default=60,
        help_text="同一账号、同一来源地址每分钟最多提交动态口令这么多次（含绑定时的确认）。")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "频率限制"
        verbose_name_plural = "频率限制"

    # Login: 60 a minute, not fewer, because a whole office behind one NAT address signs in at nine together;
    # guessing is stopped earlier by the lockout (qinglian.org.auth: failures per name and per address), which
    # this limit sits in front of and does not replace.
    # Code entry: 60 a minute per address, like log-in, serves an office signing in together; per account, guessing is
    # stopped earlier by the code lockout (qinglian.factors.services: 5 wrong codes lock, as passwords do).
    DEFAULTS: ClassVar[dict[str, int]] = {"login_limit": 60, "export_limit": 30, "download_limit": 120,
                                          "generate_limit": 20, "code_limit": 60}
    # The windows are fixed: a shorter limit is the one way to tighten, so "only tighten" is one comparison.
    WINDOWS: ClassVar[dict[str, int]] = {Kind.LOGIN: 60, Kind.EXPORT: 600, Kind.DOWNLOAD: 600, Kind.GENERATE: 600,
                                          Kind.CODE: 60}
    # Each worker reads the row at most this often: a limited request then costs its one counting statement.
    CACHE_SECONDS = 10
    _cached: ClassVar[tuple[float, RatePolicy] | None] = None

    def __str__(self) -> str:
        return "频率限制"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        RatePolicy.forget()

    @classmethod
    def current(cls) -> RatePolicy:
        cached = cls._cached
        if cached is not None and time.monotonic() - cached[0] < cls.CACHE_SECONDS:
            return cached[1]
        policy = cls.objects.order_by("pk").first() or cls(**cls.DEFAULTS)
        cls._cached = (time.monotonic(), policy)
        return policy

    @classmethod
    def forget(cls) -> None:
        cls._cached = None

    def limit(self, kind: str) -> int:
        return int(getattr(self, f"{kind}_limit"))

    def clean(self) -> None:
        errors = {name: f"只能收紧：请填写 1 到 {default} 之间的次数。"
                  for name, default in self.DEFAULTS.items() if not 1 <= (getattr(self, name) or 0) <= default}
        if errors:
            raise ValidationError(errors)


class RateCounter(models.Model):
    """Requests of one kind by one key (an account or an address) in the window that starts at `window_start`
    (seconds since the epoch). Counted by one INSERT … ON CONFLICT DO UPDATE, so workers never lose a count."""

    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    key = models.CharField("账号或地址", max_length=200)
    window_start = models.BigIntegerField("时间窗起点")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "频率计数"
        verbose_name_plural = "频率计数"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="limits_counter_kind_key")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}: {self.count}"
