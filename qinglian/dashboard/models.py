"""The dashboard's pre-aggregated counts: one row per unit, day, metric and key, for the unit's own records and
for its whole subtree. Derived data, rebuilt by `dashboard.snapshot.refresh` (the worker, `qinglian dashboard
refresh`); never edited, never shown row by row, so not a tracked Record."""

from __future__ import annotations

from django.db import models

from qinglian.org.models import Unit


class Cell(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_index=False)
    day = models.DateField(help_text="状态类指标为截至当日；流量类指标为当月 1 日。")
    metric = models.CharField(max_length=40)
    key = models.CharField(max_length=40)
    own = models.IntegerField(default=0)
    subtree = models.IntegerField(default=0)

    class Meta:
        verbose_name = "看板预汇总"
        verbose_name_plural = "看板预汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "metric", "day", "key"], name="dashboard_one_cell")]
        indexes = [models.Index(fields=["metric", "day", "key", "subtree"], name="dashboard_rank")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.metric}/{self.day}/{self.key}: {self.subtree}"


class Refresh(models.Model):
    """When the counts were last made, and for which day: the page says how fresh its figures are."""

    day = models.DateField()
    finished_at = models.DateTimeField()
    cells = models.IntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        verbose_name = "看板刷新"
        verbose_name_plural = "看板刷新"
        get_latest_by = "finished_at"

    def __str__(self) -> str:
        return f"{self.day}: {self.cells}"
