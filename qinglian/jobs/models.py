"""The job queue's one table. A job is machinery, not a business record: it is not history-tracked, and its
rows are claimed and updated with guarded UPDATEs (see queue.py), never with a bare save()."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from qinglian.org.models import Role, Unit


class State(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "运行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class JobQuerySet(models.QuerySet["Job"]):
    def visible_to(self, user: Any) -> JobQuerySet:
        """The system admin sees every job (failures are theirs to act on); a business user the jobs they
        started and those of the units they may see; anyone else none. System jobs (no unit, no creator, such
        as the periodic reminders) are the system admin's only."""
        from qinglian.org.scoping import visible_unit_q

        role = getattr(user, "role", None)
        if not getattr(user, "is_authenticated", False) or role is None:
            return self.none()
        if role == Role.SYSADMIN:
            return self.all()
        if not getattr(user, "is_business", False):
            return self.none()
        return self.filter(Q(created_by=user) | visible_unit_q(user))

    def finished(self) -> JobQuerySet:
        return self.filter(state__in=(State.DONE, State.FAILED))


class Job(models.Model):
    kind = models.CharField("任务类型", max_length=100, help_text="登记的处理函数名，如 reports.batch。")
    payload = models.JSONField("参数", default=dict, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField("已运行次数", default=0,
                                           help_text="每领取一次加一；也是领取时比对的版本号。")
    max_attempts = models.PositiveIntegerField("最多运行次数", default=5)
    run_after = models.DateTimeField("最早运行时间", help_text="排队的任务到这个时间才会被领取（重试时向后推）。")
    locked_by = models.CharField("领取的工作进程", max_length=100, blank=True)
    locked_at = models.DateTimeField("领取时间", null=True, blank=True)
    lease_until = models.DateTimeField("租约到期", null=True, blank=True,
                                       help_text="工作进程运行中定时续约；过期未续（进程被杀）则任务可被重新领取。")
    progress_done = models.PositiveIntegerField("已完成", default=0)
    progress_total = models.PositiveIntegerField("总数", default=0)
    status_text = models.CharField("进度说明", max_length=200, blank=True)
    checkpoint = models.JSONField("断点", default=dict, blank=True,
                                  help_text="处理函数保存的断点：中断后从这里继续，不重做已完成的部分。")
    result = models.JSONField("结果", default=dict, blank=True,
                              help_text="完成后的结果，如 {\"links\": [{\"label\": …, \"url\": …}]}。")
    error = models.TextField("错误", blank=True)
    unique_key = models.CharField("去重键", max_length=200, null=True, blank=True, unique=True,
                                  help_text="同一键只排一次队，如周期任务的“名称+时段”。")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="jobs")
    unit = models.ForeignKey(Unit, verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="jobs", help_text="任务所属的单位：能看到该单位的人能看到这项任务。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "run_after"], name="job_claimable"),
            models.Index(fields=["state", "lease_until"], name="job_lease"),
            models.Index(fields=["created_by", "created_at"], name="job_creator"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def title(self) -> str:
        from qinglian.jobs.registry import title_of

        return title_of(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.state in (State.DONE, State.FAILED)

    @property
    def percent(self) -> int:
        if self.state == State.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def links(self) -> list[dict[str, str]]:
        """The result's links, only those pointing inside the site (a result is data, never a redirect out)."""
        raw = self.result.get("links", []) if isinstance(self.result, dict) else []
        return [{"label": str(link.get("label", ""))[:100], "url": str(link["url"])} for link in raw
                if isinstance(link, dict) and str(link.get("url", "")).startswith("/")
                and not str(link.get("url", "")).startswith("//")]
