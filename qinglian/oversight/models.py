"""The supervisor's view: reports units uploaded, the index that finds copied text, and the 督办 made of findings.

`UploadedReport` keeps what the report check page read (qinglian.reports.views.check): the file in the
content-addressed store, its text and the reader's figures, so a supervisor can later compare its claims with
the records and its text with other reports. `IndexedReport` is one row per uploaded or generated report in
the similarity index: its MinHash signature (after discounting) and its LSH band keys (`ReportBand`), so a new
report is checked with one indexed lookup instead of loading every signature. The index is derived data:
`qinglian similar --reindex` rebuilds it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from qinglian.lib.models import StoredFile
from qinglian.org.models import Person, Unit
from qinglian.reports.models import GeneratedReport, Genre


class UploadedReport(StoredFile):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="uploaded_reports",
                             help_text="报告所属单位：检查时所选，或按报告标题中的单位名称认定。")
    genre = models.CharField("报告类型", max_length=20, choices=Genre.choices, blank=True,
                             help_text="按标题认定；认不出时为空。")
    person = models.ForeignKey(Person, verbose_name="述责述廉人", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="uploaded_reports", help_text="述责述廉报告开头写明的本单位干部。")
    title = models.CharField("标题", max_length=300)
    year = models.PositiveSmallIntegerField("年度", help_text="报告所述年度（标题中的年度，或检查时所填时段的年度）。")
    date_from = models.DateField("统计开始日期", null=True, blank=True)
    date_to = models.DateField("统计结束日期", null=True, blank=True)
    text = models.TextField("正文", help_text="读出的段落，一段一行。")
    figures = models.JSONField("报告中的数字", default=list, blank=True,
                               help_text="读出的每个数字：写法、数量、计量单位、所在段落。")

    class Meta(StoredFile.Meta):
        verbose_name = "上传的报告"
        verbose_name_plural = "上传的报告"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "year"], name="upload_unit_year")]

    def __str__(self) -> str:
        return self.title or self.name

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n")


class IndexedReport(models.Model):
    """A report in the similarity index (derived; never edited by hand)."""

    upload = models.OneToOneField(UploadedReport, verbose_name="上传的报告", null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="indexed")
    generated = models.OneToOneField(GeneratedReport, verbose_name="生成的报告", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="indexed")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, verbose_name="述责述廉人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    genre = models.CharField("报告类型", max_length=20, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=300)
    text = models.TextField("正文")
    own = models.PositiveIntegerField("计入比对的片段数", default=0,
                                      help_text="去掉套话、生成器原文和高频片段后剩下的5字片段数。")
    signature = models.BinaryField("MinHash 签名", default=b"", help_text="126 个 64 位值；片段太少时为空。")
    indexed_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        verbose_name = "查重索引"
        verbose_name_plural = "查重索引"
        constraints = [models.CheckConstraint(condition=Q(upload__isnull=True) ^ Q(generated__isnull=True),
                                              name="indexed_report_one_origin")]

    def __str__(self) -> str:
        return self.title

    @property
    def ref(self) -> str:
        return f"upload:{self.upload_id}" if self.upload_id else f"generated:{self.generated_id}"


class ReportBand(models.Model):
    """One LSH band key of an indexed report: reports sharing a key are candidates for a similar pair."""

    report = models.ForeignKey(IndexedReport, on_delete=models.CASCADE, related_name="bands")
    key = models.BigIntegerField("键")

    class Meta:
        verbose_name = "查重分段键"
        verbose_name_plural = "查重分段键"
        indexes = [models.Index(fields=["key", "report"], name="band_key")]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.key}"


class GeneratorShingle(models.Model):
    """A 5-shingle the report generator wrote in some draft: text a unit did not write itself, discounted."""

    hash = models.BigIntegerField("片段哈希", primary_key=True)

    class Meta:
        verbose_name = "生成器原文片段"
        verbose_name_plural = "生成器原文片段"

    def __str__(self) -> str:
        return str(self.hash)


class CommonShingle(models.Model):
    """A 5-shingle found in more than QINGLIAN_SIMILAR_COMMON_SHARE of the indexed reports (the genre's
    stock phrasing), discounted; recomputed by `qinglian similar --reindex` and daily by the worker."""

    hash = models.BigIntegerField("片段哈希", primary_key=True)
    reports = models.PositiveIntegerField("出现于报告数")

    class Meta:
        verbose_name = "高频片段"
        verbose_name_plural = "高频片段"

    def __str__(self) -> str:
        return str(self.hash)


class FindingOrder(models.Model):
    """The 督办 a finding became (one per finding, so a second click shows the first instead of a copy)."""

    key = models.CharField("发现编号", max_length=100, unique=True,
                           help_text="如 claims:upload:12、similar:upload:3:upload:9、late:45:2026-12。")
    order = models.ForeignKey("ledger.SupervisionOrder", verbose_name="督办", on_delete=models.PROTECT,
                              related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="督办人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "监督发现的督办"
        verbose_name_plural = "监督发现的督办"

    def __str__(self) -> str:
        return self.key
