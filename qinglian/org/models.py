"""The unit tree, people (干部) and accounts.

The tree is stored as a materialised path of fixed-width decimal segments ("0001" + "0003" + …), so the
subtree of a unit is one index range `path >= P and path < successor(P)` on any database and collation.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from qinglian.crypto.fields import SealedCharField
from qinglian.lib.models import Record, RecordQuerySet, SecurityLabel

SEGMENT = 4  # digits per tree level: up to 9,999 children under one parent


def path_successor(path: str) -> str:
    """The smallest path that is greater than every path in the subtree of `path`."""
    head, last = path[:-SEGMENT], int(path[-SEGMENT:])
    return head + str(last + 1).zfill(SEGMENT)


def path_prefixes(path: str) -> list[str]:
    """The paths of the unit at `path` and of every unit above it, root first (the nearest-up-the-tree rules
    look for a row at any of them)."""
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


class UnitKind(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市州"
    COUNTY = "county", "县"
    ORGAN = "organ", "县级机关"
    DEPARTMENT = "department", "部门"
    OFFICE = "office", "股室"
    BRANCH = "branch", "支部"
    TOWN = "town", "乡镇"


class UnitQuerySet(RecordQuerySet):
    def subtree(self, unit: Unit) -> Self:
        return self.filter(path__gte=unit.path, path__lt=path_successor(unit.path))


class UnitManager(models.Manager.from_queryset(UnitQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> UnitQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class Unit(Record):
    UNTRACKED_FIELDS = Record.UNTRACKED_FIELDS | {"path", "full_name"}
    unit_field = "self"  # handled specially by scoping

    name = models.CharField("名称", max_length=100, help_text="如：县委宣传部")
    short_name = models.CharField("简称", max_length=30, blank=True, help_text="如：宣传部")
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    order = models.PositiveIntegerField("排序", default=0)
    path = models.CharField("树路径", max_length=255, unique=True, editable=False)
    full_name = models.CharField("单位全称", max_length=1000, editable=False, help_text="从根到本单位，以“/”连接")

    objects = UnitManager()
    with_deleted = models.Manager.from_queryset(UnitQuerySet)()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["path"]
        base_manager_name = "with_deleted"

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return len(self.path) // SEGMENT

    @property
    def parent_name(self) -> str:
        """The parent's name, read from the full name (no query): what tells two 办公室 apart."""
        parts = self.full_name.split("/")
        return parts[-2] if len(parts) > 1 else ""

    @property
    def label(self) -> str:
        """Name with the parent's name (县委宣传部/办公室), for pickers where names repeat across the tree."""
        return f"{self.parent_name}/{self.name}" if self.parent_name else self.name

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    def ancestors(self) -> UnitQuerySet:
        return Unit.objects.filter(path__in=path_prefixes(self.path)[:-1]).order_by("path")


class TeamRole(models.TextChoices):
    PRINCIPAL = "principal", "主要领导"
    TEAM_MEMBER = "team_member", "班子成员"
    STAFF = "staff", "一般干部"


class Person(Record):
    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="people")
    post = models.CharField("职务", max_length=100, blank=True)
    team_role = models.CharField(
        "班子角色", max_length=20, choices=TeamRole.choices, default=TeamRole.STAFF,
        help_text="主要领导即第一责任人，每个单位至多一名。",
    )
    portfolio = models.CharField(
        "分管工作", max_length=500, blank=True, help_text="班子成员分管的领域，用顿号“、”分隔（一岗双责）。"
    )
    order = models.PositiveIntegerField("排序", default=0)
    phone = SealedCharField("手机号码", max_length=20, blank=True)
    id_number = SealedCharField("身份证号码", max_length=18, blank=True)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["unit__path", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(team_role="principal", deleted_at__isnull=True),
                name="one_principal_per_unit",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def portfolio_areas(self) -> list[str]:
        return [a.strip() for a in self.portfolio.replace("，", "、").replace(",", "、").split("、") if a.strip()]


class Role(models.TextChoices):
    CLERK = "clerk", "录入员"
    LEADER = "leader", "负责人"
    SUPERVISOR = "supervisor", "监督员"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全管理员"
    AUDITOR = "auditor", "审计管理员"


BUSINESS_ROLES = frozenset({Role.CLERK, Role.LEADER, Role.SUPERVISOR})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
WRITER_ROLES = frozenset({Role.CLERK, Role.LEADER})


def username_key(username: str) -> str:
    """The form of a username two accounts may not share: NFKC, then case folding (so `LOCKTEST`, `locktest`
    and the full-width `ｌｏｃｋｔｅｓｔ` are one name), then NFKC again since folding can denormalise."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", str(username)).strip().casefold())


class AccountManager(UserManager):  # type: ignore[type-arg]
    def get_by_natural_key(self, username: str | None) -> User:
        """Log-in (and Django's own commands) find an account by its normalised name."""
        return self.get(username_key=username_key(username or ""))


class User(AbstractUser):
    """An account. It holds at most one role, so no account can be two of the 三员 (等保 2.0); an account the
    system admin creates holds none (and reaches nothing) until the security admin grants one."""

    role = models.CharField("角色", max_length=20, choices=Role.choices, blank=True, default="",
                            help_text="由安全管理员授予；未授予角色的账号不能访问任何页面。")
    username_key = models.CharField(
        "用户名（规范化）", max_length=150, unique=True, editable=False,
        help_text="用户名经 NFKC 规范化和大小写折叠后的形式：只差大小写或全角半角的用户名视为同一个。",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="所属单位", on_delete=models.PROTECT, null=True, blank=True, related_name="accounts",
        help_text="业务账号可见本单位及其下级单位；监督员为其监督的单位。",
    )
    person = models.ForeignKey(
        Person, verbose_name="对应干部", on_delete=models.PROTECT, null=True, blank=True, related_name="accounts"
    )
    must_change_password = models.BooleanField(
        "首次登录须改密码", default=False, help_text="密码由他人设置（新建账号、重置密码）时，本人登录后须先修改密码。")
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True, editable=False)
    expires_on = models.DateField("账号有效期至", null=True, blank=True,
                                  help_text="过了这一天，该账号不能再登录；不填则长期有效。")
    clearance = models.CharField(
        "可阅密级", max_length=10, choices=SecurityLabel.choices, default=SecurityLabel.INTERNAL,
        help_text="由安全管理员设定：可见密级不高于此的记录。")
    can_unmask = models.BooleanField(
        "可查看完整号码", default=False,
        help_text="由安全管理员授予：可查看完整的手机号码和身份证号码，每次查看都记入审计。")

    objects = AccountManager()

    class Meta:
        verbose_name = "账号"
        verbose_name_plural = "账号"
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=["", *[r.value for r in Role]]), name="user_has_one_known_role"
            ),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.username_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = update_fields = {*update_fields, "username_key"}
        if self._password is not None:  # set_password() was called (not the hasher's silent upgrade)
            self.password_changed_at = timezone.now()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "password_changed_at"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        key = username_key(self.username)
        if key and User.objects.filter(username_key=key).exclude(pk=self.pk).exists():
            raise ValidationError({"username": f"用户名“{self.username}”已被使用（不区分大小写和全角半角），请换一个。"})
        if self.role in BUSINESS_ROLES and self.unit_id is None:
            raise ValidationError({"unit": "业务账号必须指定所属单位。"})
        if self.role in ADMIN_ROLES and self.person_id and self.person and self.person.accounts.exclude(
            pk=self.pk
        ).filter(role__in=list(ADMIN_ROLES)).exists():
            raise ValidationError({"person": "同一人不能同时担任系统管理员、安全管理员、审计管理员中的两个（三员分立）。"})

    @property
    def is_business(self) -> bool:
        return self.role in BUSINESS_ROLES

    @property
    def can_write(self) -> bool:
        return self.role in WRITER_ROLES

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.name
        return self.get_full_name() or self.username


class SecurityPolicy(models.Model):
    """Password/lockout policy; one row, edited by the security admin. Values may only be tightened."""

    failure_limit = models.PositiveSmallIntegerField("连续失败次数上限", default=5,
                                                     help_text="同一用户名连续失败这么多次即锁定。")
    failure_window_minutes = models.PositiveSmallIntegerField("失败计数时间窗（分钟）", default=15)
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=30)
    address_failure_limit = models.PositiveSmallIntegerField(
        "同一地址失败次数上限", default=30, help_text="同一来源地址（不论用户名）在时间窗内失败这么多次，即暂停受理该地址的登录。")
    address_window_minutes = models.PositiveSmallIntegerField("地址失败计数时间窗（分钟）", default=15)
    address_block_minutes = models.PositiveSmallIntegerField("地址暂停时长（分钟）", default=15)
    password_max_age_days = models.PositiveSmallIntegerField(
        "密码最长使用期限（天）", default=90, help_text="密码使用超过这么多天，登录后须先修改密码。")
    password_history = models.PositiveSmallIntegerField(
        "不得重复使用最近几次的密码", default=5, help_text="新密码不能与最近这么多次用过的密码相同。")
    dormant_days = models.PositiveSmallIntegerField(
        "长期未登录（天）", default=90, help_text="这么多天没有登录的账号列入“长期未登录账号”，供安全管理员核查。")
    business_second_factor = models.BooleanField(
        "业务账号须使用动态口令", default=True,
        help_text="三员账号始终须用动态口令（第二因素）登录；取消勾选后，录入员、负责人、监督员可只用密码登录。")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "安全策略"
        verbose_name_plural = "安全策略"

    DEFAULTS: dict[str, Any] = {"failure_limit": 5, "failure_window_minutes": 15, "lockout_minutes": 30,
                                "address_failure_limit": 30, "address_window_minutes": 15,
                                "address_block_minutes": 15, "password_max_age_days": 90, "password_history": 5,
                                "dormant_days": 90, "business_second_factor": True}
    # Tightening means fewer failures allowed, longer windows and locks (up to a day), shorter password and
    # dormancy ages (at least a day), and more past passwords remembered (up to 24).
    LIMITS = ("failure_limit", "address_failure_limit")
    DURATIONS = ("failure_window_minutes", "lockout_minutes", "address_window_minutes", "address_block_minutes")
    AGES = ("password_max_age_days", "dormant_days")
    HISTORY_MAX = 24

    def __str__(self) -> str:
        return f"{self.failure_window_minutes}分钟内失败{self.failure_limit}次锁定{self.lockout_minutes}分钟"

    @classmethod
    def current(cls) -> SecurityPolicy:
        policy = cls.objects.order_by("pk").first()
        return policy or cls(**cls.DEFAULTS)

    def clean(self) -> None:
        errors = {}
        for name in self.LIMITS:
            if not 1 <= getattr(self, name) <= self.DEFAULTS[name]:
                errors[name] = f"只能收紧：请填写 1 到 {self.DEFAULTS[name]} 之间的次数。"
        for name in self.DURATIONS:
            if not self.DEFAULTS[name] <= getattr(self, name) <= 1440:
                errors[name] = f"只能收紧：请填写 {self.DEFAULTS[name]} 到 1440 之间的分钟数。"
        for name in self.AGES:
            if not 1 <= getattr(self, name) <= self.DEFAULTS[name]:
                errors[name] = f"只能收紧：请填写 1 到 {self.DEFAULTS[name]} 之间的天数。"
        if not self.DEFAULTS["password_history"] <= self.password_history <= self.HISTORY_MAX:
            errors["password_history"] = (f"只能收紧：请填写 {self.DEFAULTS['password_history']} 到 "
                                          f"{self.HISTORY_MAX} 之间的次数。")
        if errors:
            raise ValidationError(errors)


class ThrottleKind(models.TextChoices):
    USERNAME = "username", "用户名"
    ADDRESS = "address", "来源地址"
    CODE = "code", "动态口令"


class LoginThrottle(models.Model):
    """The failure counter of one username (its normalised key, known or not, so both answer alike) or of
    one client address. Log-in locks the row (SELECT … FOR UPDATE) while it checks, authenticates and counts,
    so concurrent attempts on one name are taken one at a time and the limit is exact."""

    kind = models.CharField("类型", max_length=10, choices=ThrottleKind.choices)
    key = models.CharField("用户名或地址", max_length=150)
    failures = models.PositiveIntegerField("时间窗内失败次数", default=0)
    window_start = models.DateTimeField("本时间窗首次失败时间", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    class Meta:
        verbose_name = "登录失败计数"
        verbose_name_plural = "登录失败计数"
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="one_throttle_row_per_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}：{self.failures}"


class PasswordHistory(models.Model):
    """A password an account had (its hash only), kept so that the last N are never chosen again."""

    user = models.ForeignKey(User, verbose_name="账号", on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField("密码（散列）", max_length=128)
    at = models.DateTimeField("设置时间")

    class Meta:
        verbose_name = "历史密码"
        verbose_name_plural = "历史密码"
        indexes = [models.Index(fields=["user", "-at"], name="password_history_latest")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d}"
