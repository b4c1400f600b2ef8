"""Generated drafts (history) and per-unit .docx templates.

A draft's file and a template's file live under MEDIA_ROOT/reports (outside the web root, random names);
only views that check the user may see the draft's unit serve them. A draft keeps a snapshot of what it
said: its blocks (for the preview) and every figure in it (for the trace page and the .xlsx appendix).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse

from qinglian.crypto.fields import SealedTextField
from qinglian.lib.models import Record, RecordQuerySet
from qinglian.org.models import Person, Role, Unit


class Genre(models.TextChoices):
    RESPONSIBILITY = "responsibility", "落实党风廉政建设责任制情况报告"
    PERSONAL = "personal", "述责述廉报告"
    RECTIFICATION = "rectification", "巡察整改情况通报"
    SUMMARY = "summary", "工作总结及下年计划"
    BULLETIN = "bulletin", "新闻宣传通报"
    INTEGRITY = "integrity", "党风廉政意见回复"


# Genres whose drafts quote encrypted content (a 党风廉政意见回复 quotes what talks said): their snapshot and file
# are sealed like the columns they quote, and they stay out of the similarity index (which keeps text).
SEALED_GENRES = frozenset({Genre.INTEGRITY})


class GeneratedReportQuerySet(RecordQuerySet):
    def visible_to(self, user: Any) -> GeneratedReportQuerySet:
        """The one scoping rule, and a 党风廉政意见回复 only for supervisors (纪检): it is a lookup of a person that
        the cadre's own unit does not see."""
        qs = super().visible_to(user)
        return qs if getattr(user, "role", None) == Role.SUPERVISOR else qs.exclude(genre=Genre.INTEGRITY)


class GeneratedReportManager(models.Manager.from_queryset(GeneratedReportQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> GeneratedReportQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class GeneratedReport(Record):
    UNTRACKED_FIELDS = Record.UNTRACKED_FIELDS | {"pdf_stored"}
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="generated_reports",
                             help_text="报告统计的单位（含下级单位）。")
    genre = models.CharField("报告类型", max_length=20, choices=Genre.choices)
    date_from = models.DateField("统计开始日期")
    date_to = models.DateField("统计结束日期")
    person = models.ForeignKey(Person, verbose_name="述责述廉人", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="generated_reports",
                               help_text="述责述廉报告的述职人，或党风廉政意见回复所查的干部。")
    title = models.CharField("标题", max_length=300)
    stored = models.CharField("存储位置", max_length=255, editable=False,
                              help_text="MEDIA_ROOT 下的相对路径；不在网站目录中，只经权限检查后下载。")
    size = models.PositiveIntegerField("大小（字节）", default=0)
    pdf_stored = models.CharField("PDF 存储位置", max_length=255, blank=True, editable=False)
    template_name = models.CharField("所用模板", max_length=200, default="默认模板")
    blocks = models.JSONField("正文快照", default=list, help_text="生成时报告的标题与段落，用于预览。")
    # A draft that quotes encrypted content (a 党风廉政意见回复 quotes talks) keeps its snapshot here, sealed,
    # and `blocks` empty; its file is sealed too (crypto.blobs). `content_blocks` gives either.
    sealed_blocks = SealedTextField("正文快照（加密）", blank=True, editable=False)
    figures = models.JSONField("数字快照", default=list,
                               help_text="报告中每个数字：统计项代码、名称、计量单位、数量、在文中的写法。")
    sources = models.JSONField("所选反馈来源", default=list, blank=True,
                               help_text="整改情况通报针对的反馈来源编号；为空即时段内全部来源。")

    objects = GeneratedReportManager()
    with_deleted = models.Manager.from_queryset(GeneratedReportQuerySet)()

    class Meta:
        verbose_name = "生成的报告"
        verbose_name_plural = "生成的报告"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "created_at"], name="report_unit_created")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    @property
    def content_blocks(self) -> list[dict[str, Any]]:
        if not self.sealed_blocks:
            return self.blocks
        try:
            return json.loads(str(self.sealed_blocks))
        except ValueError:  # a notice in place of a value that could not be opened
            return [{"kind": "p", "text": str(self.sealed_blocks), "figures": []}]

    @property
    def filename(self) -> str:
        return f"{self.title}.docx"

    @property
    def period_label(self) -> str:
        return f"{self.date_from:%Y-%m-%d} 至 {self.date_to:%Y-%m-%d}"


class ReportTemplate(Record):
    """A unit's own .docx template for one genre; it also serves the unit's subtree unless a lower unit has
    its own."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="report_templates")
    genre = models.CharField("报告类型", max_length=20, choices=Genre.choices)
    name = models.CharField("文件名", max_length=200)
    stored = models.CharField("存储位置", max_length=255, editable=False)
    size = models.PositiveIntegerField("大小（字节）", default=0)

    class Meta:
        verbose_name = "报告模板"
        verbose_name_plural = "报告模板"
        ordering = ["unit__path", "genre"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "genre"], condition=Q(deleted_at__isnull=True),
                                    name="one_report_template_per_unit_genre"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name}·{self.get_genre_display()}模板（{self.name}）"
