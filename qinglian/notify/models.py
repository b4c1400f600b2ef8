"""Reminders: the rules of what is due (this block) and, below, delivery (inbox, sent-once records)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from qinglian.lib.models import Record
from qinglian.org.models import Unit

# --- rules of what is due (rules.py, due.py) -------------------------------------------------------------
# The system admin keeps one ReminderDefault per kind: the default numbers and the bounds a unit may choose
# within; a unit's leader may save a ReminderRule for its own subtree. The nearest unit's rule wins.


class RuleKind(models.TextChoices):
    MEASURE = "measure", "整改措施时限"
    DUTY = "duty", "责任事项履行"
    LETTER = "letter", "责任书签订"
    ORDER = "order", "督办答复"
    ALERT = "alert", "舆情提示函反馈"
    REVIEW = "review", "稿件三审"
    FOLLOWUP = "followup", "回头看"
    HOLIDAY = "holiday", "节前廉政提醒"


class DueLevel(models.TextChoices):
    """Levels of a due item, in the order they come (the escalation steps start at one of them)."""

    UPCOMING = "upcoming", "即将到期"
    YELLOW = "yellow", "黄色预警"
    TODAY = "today", "今日到期"
    RED = "red", "已逾期"
    OVERDUE = "overdue", "逾期较久"
    NEVER = "never", "不升级"


SIGN_BY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


def sign_by_parts(text: str) -> tuple[int, int]:
    """"3-31" → (3, 31); a ValueError with a Chinese message otherwise (29 February is refused)."""
    import datetime as dt

    m = SIGN_BY.match((text or "").strip())
    if not m:
        raise ValueError("签订时限请写成“月-日”，如 3-31。")
    month, day = int(m[1]), int(m[2])
    try:
        dt.date(2025, month, day)
    except ValueError as exc:
        raise ValueError(f"签订时限“{text}”不是有效的日期（2月29日不可用）。") from exc
    return month, day


class ReminderDefault(models.Model):
    """The system admin's numbers for one kind of reminder: defaults, and the bounds units choose within."""

    kind = models.CharField("提醒类型", max_length=20, choices=RuleKind.choices, unique=True)
    enabled = models.BooleanField("启用", default=True, help_text="停用后，该类事项不再提醒。")
    lead = models.PositiveSmallIntegerField("提前提醒（工作日）", default=10,
                                            help_text="到期前这么多个工作日起开始提醒。")
    lead_min = models.PositiveSmallIntegerField("提前提醒下限", default=1)
    lead_max = models.PositiveSmallIntegerField("提前提醒上限", default=30)
    overdue = models.PositiveSmallIntegerField("逾期升级（工作日）", default=5,
                                               help_text="逾期超过这么多个工作日，视为“逾期较久”，告知主要领导。")
    overdue_min = models.PositiveSmallIntegerField("逾期升级下限", default=1)
    overdue_max = models.PositiveSmallIntegerField("逾期升级上限", default=30)
    wait = models.PositiveSmallIntegerField("审核等待（工作日）", default=3,
                                            help_text="仅稿件三审：某一环节等待超过这么多个工作日即提醒审核人。")
    wait_min = models.PositiveSmallIntegerField("审核等待下限", default=1)
    wait_max = models.PositiveSmallIntegerField("审核等待上限", default=20)
    leader_level = models.CharField("告知分管领导", max_length=10, choices=DueLevel.choices, default=DueLevel.RED,
                                    help_text="事项到了这一级别，同时告知分管（责任）领导。")
    principal_level = models.CharField("告知主要领导", max_length=10, choices=DueLevel.choices,
                                       default=DueLevel.OVERDUE, help_text="事项到了这一级别，同时告知单位主要领导。")
    sign_by = models.CharField("签订时限（月-日）", max_length=5, blank=True, default="3-31",
                               help_text="仅责任书：每年这一天前应签订，如 3-31。")
    text = models.TextField("提醒文字", blank=True, help_text="仅节前廉政提醒：发给干部的标准文字。")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "提醒规则（默认与范围）"
        verbose_name_plural = "提醒规则（默认与范围）"
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（默认）"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name, label in (("lead", "提前提醒"), ("overdue", "逾期升级"), ("wait", "审核等待")):
            low, value, high = getattr(self, f"{name}_min"), getattr(self, name), getattr(self, f"{name}_max")
            if not low <= value <= high:
                errors[name] = f"{label}的默认值须在下限 {low} 与上限 {high} 之间。"
        if self.kind == RuleKind.LETTER:
            try:
                sign_by_parts(self.sign_by)
            except ValueError as exc:
                errors["sign_by"] = str(exc)
        if errors:
            raise ValidationError(errors)


class ReminderRule(Record):
    """A unit's own numbers for one kind of reminder, for itself and its subtree (within the admin's bounds)."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("提醒类型", max_length=20, choices=RuleKind.choices)
    lead = models.PositiveSmallIntegerField("提前提醒（工作日）", help_text="到期前这么多个工作日起开始提醒。")
    overdue = models.PositiveSmallIntegerField("逾期升级（工作日）",
                                               help_text="逾期超过这么多个工作日，告知单位主要领导。")
    wait = models.PositiveSmallIntegerField("审核等待（工作日）", default=3,
                                            help_text="仅稿件三审：某一环节等待超过这么多个工作日即提醒审核人。")
    sign_by = models.CharField("签订时限（月-日）", max_length=5, blank=True,
                               help_text="仅责任书：每年这一天前应签订，如 3-31。")
    text = models.TextField("提醒文字", blank=True, help_text="仅节前廉政提醒：本单位及下级单位使用的文字。")

    class Meta:
        verbose_name = "本单位提醒规则"
        verbose_name_plural = "本单位提醒规则"
        ordering = ["unit__path", "kind"]
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], condition=Q(deleted_at__isnull=True),
                                               name="one_reminder_rule_per_unit_kind")]

    def __str__(self) -> str:
        return f"{self.unit}：{self.get_kind_display()}"


# --- delivery (delivery.py, inbox.py) ---------------------------------------------------------------------
# Delivery keeps what was sent, never how anyone used it (DESIGN §7): a message's read_at only shows it unread or
# not; nothing counts opens, clicks or feed fetches per person.

KIND_LABELS = {
    "measure": "整改措施", "duty": "责任事项", "letter": "责任书", "order": "督办", "alert": "舆情提示函",
    "review": "稿件审核", "followup": "回头看", "holiday": "节前廉政提醒", "digest": "每日汇总",
    "complaint": "投诉建议", "appeal": "申诉",  # messages of verify.services.appeal, not reminders
}
STEP_LABELS = {"owner": "责任人", "leader": "分管领导", "principal": "主要领导", "team": "领导班子成员"}


class Reminder(models.Model):
    """One due item at one level told to one person at one escalation step: written once (the unique
    constraint), so a second run, or a second worker at the same moment, sends nothing again."""

    key = models.CharField("事项", max_length=120, help_text="到期事项的稳定标识，如 measure:123。")
    level = models.CharField("阶段", max_length=10, choices=DueLevel.choices)
    step = models.CharField("提醒对象", max_length=10, choices=list(STEP_LABELS.items()))
    person = models.ForeignKey("org.Person", verbose_name="干部", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey("org.User", verbose_name="账号", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", help_text="空：此人没有账号，提醒只记录、无处送达。")
    kind = models.CharField("类别", max_length=10, choices=list(KIND_LABELS.items()))
    title = models.CharField("标题", max_length=300,
                             help_text="敏感事项只存中性标题（“您有一项整改事项即将到期”），其内容只在事项页面上可见。")
    sensitive = models.BooleanField("敏感事项", default=False)
    due = models.DateField("时限")
    url = models.CharField("事项地址", max_length=300)
    created_at = models.DateTimeField("提醒时间")
    run = models.CharField("发送批次", max_length=32, editable=False,
                           help_text="写入此行的那次发送；同时运行的另一次发送遇到已有的行即跳过。")
    inbox_at = models.DateTimeField("送达站内消息时间", null=True, blank=True)
    mailed_at = models.DateTimeField("邮件发出时间", null=True, blank=True)
    in_digest = models.BooleanField("并入每日汇总", default=False)

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        constraints = [models.UniqueConstraint(fields=["key", "level", "step", "person"], name="notify_reminder_once")]
        indexes = [models.Index(fields=["run"], name="notify_reminder_run"),
                   models.Index(fields=["person", "due"], name="notify_reminder_person_due")]

    def __str__(self) -> str:
        return f"{self.key} {self.level} {self.step}"


class Message(models.Model):
    """An inbox message of one account: a reminder (or a digest of several) with a link straight to the item."""

    user = models.ForeignKey("org.User", verbose_name="账号", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("类别", max_length=10, choices=list(KIND_LABELS.items()))
    title = models.CharField("标题", max_length=300)
    body = models.TextField("内容", blank=True)
    link = models.CharField("事项地址", max_length=300, blank=True)
    items = models.JSONField("汇总的事项", default=list, blank=True,
                             help_text="每日汇总列出的事项：标题、地址、时限、阶段。")
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True, help_text="只用于显示未读，不作任何统计。")

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notify_message_unread"),
                   models.Index(fields=["user", "kind", "created_at"], name="notify_message_kind")]

    def __str__(self) -> str:
        return self.title


class OutboxMail(models.Model):
    """A mail waiting for the SMTP server: claimed by a compare-and-set update, retried with exponential
    back-off while the server is down, given up after QINGLIAN_MAIL_MAX_ATTEMPTS (shown to the system admin)."""

    user = models.ForeignKey("org.User", verbose_name="账号", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    to = models.CharField("收件人", max_length=254)
    subject = models.CharField("主题", max_length=200)
    text = models.TextField("纯文本")
    html = models.TextField("HTML")
    reminder_ids = models.JSONField("提醒记录", default=list, blank=True)
    created_at = models.DateTimeField("生成时间")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_try = models.DateTimeField("下次尝试时间", null=True, blank=True)
    claimed_until = models.DateTimeField("发送中（至）", null=True, blank=True, editable=False)
    last_error = models.CharField("最近一次错误", max_length=500, blank=True)
    sent_at = models.DateTimeField("发出时间", null=True, blank=True)
    gave_up_at = models.DateTimeField("放弃时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发邮件"
        verbose_name_plural = "待发邮件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["next_try"], condition=models.Q(next_try__isnull=False),
                                name="notify_outbox_pending")]

    def __str__(self) -> str:
        return f"{self.to} {self.subject}"


class CalendarFeed(models.Model):
    """The secret address of one account's iCalendar feed: only the token's SHA-256 is kept, so the database
    alone does not give the address; resetting makes a new token and the old address answers 404."""

    user = models.OneToOneField("org.User", verbose_name="账号", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField("令牌散列", max_length=64, unique=True)
    created_at = models.DateTimeField("生成时间")

    class Meta:
        verbose_name = "日历订阅"
        verbose_name_plural = "日历订阅"

    def __str__(self) -> str:
        return f"日历订阅 {self.user_id}"
