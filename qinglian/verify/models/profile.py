"""Classification and cause of a problem (问题性质, 共性/个性, 整改类型, 原因剖析), one profile per problem.

The natures and the rectification types are data the system admin edits (the admin site), seeded with the
standard lists by a data migration. A profile is a Record owned by the problem's unit, so it is scoped and
history-tracked like the problem itself; its 原因剖析 is sealed on 敏感 rows (as the ledger's progress notes).
"""

from __future__ import annotations

from django.db import models

from qinglian.crypto.fields import SealedTextField
from qinglian.ledger.models import Problem
from qinglian.lib.models import Record
from qinglian.org.models import Unit

__all__ = ["DEFAULT_NATURES", "DEFAULT_TYPES", "ProblemNature", "ProblemProfile", "Reach", "RectificationType"]

# (code, name): the standard natures of feedback problems; the admin may rename, add, reorder or retire them
DEFAULT_NATURES = (
    ("political", "政治建设"), ("ideological", "思想建设"), ("organisational", "组织建设"), ("conduct", "作风建设"),
    ("discipline", "纪律建设"), ("finance", "财务管理"), ("ideology_work", "意识形态"), ("other", "其他"),
)
# (code, name, months): the default time limit of each rectification type; None: no date (长期坚持)
DEFAULT_TYPES = (("immediate", "立行立改", 1), ("limited", "限期整改", 3), ("long_term", "长期坚持", None))


class ProblemNature(models.Model):
    """问题性质: a class of feedback problems (政治建设, 作风建设 …). Edited by the system admin."""

    code = models.SlugField("代码", max_length=50, unique=True,
                            help_text="稳定的英文代码，统计项为 verify_class.nature.<代码>。创建后不要修改。")
    name = models.CharField("名称", max_length=50, unique=True, help_text="如：作风建设")
    order = models.PositiveIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True, help_text="停用后不能再选用，已归类的问题照常统计。")

    class Meta:
        verbose_name = "问题性质"
        verbose_name_plural = "问题性质"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class RectificationType(models.Model):
    """整改类型 (立行立改 / 限期整改 / 长期坚持) and its default time limit. Edited by the system admin."""

    code = models.SlugField("代码", max_length=50, unique=True,
                            help_text="稳定的英文代码，统计项为 verify_class.type.<代码>。创建后不要修改。")
    name = models.CharField("名称", max_length=50, unique=True, help_text="如：限期整改")
    months = models.PositiveSmallIntegerField(
        "默认时限（月）", null=True, blank=True,
        help_text="自反馈日期起的月数；选定整改类型时，为尚未填写时限的措施建议这一时限。留空表示“长期坚持”，不定日期。")
    order = models.PositiveIntegerField("排序", default=100)
    active = models.BooleanField("启用", default=True, help_text="停用后不能再选用，已归类的问题照常统计。")

    class Meta:
        verbose_name = "整改类型"
        verbose_name_plural = "整改类型"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def limit_label(self) -> str:
        return f"{self.months}个月" if self.months else "长期坚持"


class Reach(models.TextChoices):
    COMMON = "common", "共性问题"
    INDIVIDUAL = "individual", "个性问题"


class ProblemProfile(Record):
    """How a problem is classified and why it arose. A part （1） without its own profile takes its parent's."""

    problem = models.OneToOneField(Problem, verbose_name="问题", on_delete=models.PROTECT,
                                   related_name="verify_profile")
    unit = models.ForeignKey(Unit, verbose_name="整改单位", on_delete=models.PROTECT, related_name="+")
    nature = models.ForeignKey(ProblemNature, verbose_name="问题性质", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    reach = models.CharField("共性或个性", max_length=20, choices=Reach.choices, blank=True,
                             help_text="共性问题：其他单位、其他方面也普遍存在；个性问题：本单位、本事项特有。")
    rect_type = models.ForeignKey(RectificationType, verbose_name="整改类型", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    cause = SealedTextField("原因剖析", when_sensitive=True, blank=True,
                            help_text="从思想认识、制度机制、监督管理等方面剖析问题产生的原因（敏感问题加密存储）。")

    class Meta:
        verbose_name = "问题分类"
        verbose_name_plural = "问题分类"
        ordering = ["problem"]

    def __str__(self) -> str:
        parts = [str(x) for x in (self.nature, self.get_reach_display() if self.reach else "", self.rect_type) if x]
        return "、".join(parts) or "未分类"
