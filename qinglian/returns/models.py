"""Upper-level forms (上级报表): a form an upper office sends, the mapping of its cells to figures, each fill.

`ReturnForm` is one office's form as a unit maps it: identified by the fingerprint of its labels
(paperwork.returns.fingerprint: no dates, no numbers), so next quarter's form of the same office finds the
mapping saved this quarter. A mapping saved by a unit serves its subtree too (the nearest one up the tree).
`ReturnFill` is one fill: who, when, which subtree and period, the form's hash, the filled file kept, and
each filled and unfilled cell.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse

from qinglian.lib.models import Record, StoredFile
from qinglian.org.models import Unit


class ReturnForm(Record):
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="return_forms",
                             help_text="保存这份对应关系的单位；其下级单位填同一张表时也沿用。")
    office = models.CharField("报送机关", max_length=200, blank=True, help_text="发来报表的上级机关，如“县纪委监委”。")
    title = models.CharField("报表标题", max_length=300, blank=True)
    fingerprint = models.CharField("表样指纹", max_length=64,
                                   help_text="表头与项目文字（去掉日期）的 SHA-256：下季度同一张表的指纹相同。")
    shape = models.CharField("版式", max_length=10, blank=True, help_text="rows 每行一个单位；sheets 每个工作表一个单位；"
                                                                        "single 一个单位。")
    mapping = models.JSONField("对应关系", default=dict, blank=True,
                               help_text="单元格标签（去掉日期）→ 统计项代码；空字符串表示不填。")

    class Meta:
        verbose_name = "上级报表"
        verbose_name_plural = "上级报表"
        ordering = ["-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit", "fingerprint"], name="return_form_unit_fingerprint")]

    def __str__(self) -> str:
        return self.title or self.office or self.fingerprint[:12]


class ReturnFill(StoredFile):
    """One filled form; `name`/`stored`/`sha256` are the filled file's, `source_*` the uploaded form's."""

    form = models.ForeignKey(ReturnForm, verbose_name="上级报表", on_delete=models.PROTECT, related_name="fills")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="return_fills",
                             help_text="所填的单位（含下级单位）。")
    date_from = models.DateField("统计开始日期")
    date_to = models.DateField("统计结束日期")
    source_name = models.CharField("上传的报表文件", max_length=255)
    source_sha256 = models.CharField("上传文件 SHA-256", max_length=64)
    filled = models.JSONField("已填单元格", default=list, blank=True,
                              help_text="每格：工作表、单元格、标签、统计项代码、单位编号、数字。")
    unfilled = models.JSONField("未填单元格", default=list, blank=True, help_text="每格：工作表、单元格、标签、单位、原因。")
    via = models.CharField("方式", max_length=10, default="web", help_text="web 网页；cli 命令行。")

    class Meta(StoredFile.Meta):
        verbose_name = "上级报表填报记录"
        verbose_name_plural = "上级报表填报记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "created_at"], name="return_fill_unit_created")]

    def get_absolute_url(self) -> str:
        return reverse("returns:detail", args=[self.pk])
