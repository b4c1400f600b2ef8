"""Reads of 考核: the rule sets a user sees, runs and scores, the working of one score rechecked."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from qinglian.appraisal.models import (
    AppraisalAppeal,
    AppraisalRuleSet,
    AppraisalRun,
    AppraisalScore,
    RuleSetState,
)
from qinglian.org.models import path_prefixes
from qinglian.org.scoping import NOTHING, scope_root, visible_unit_q


def rule_sets_for(user: Any) -> QuerySet[AppraisalRuleSet]:
    """Those of the user's subtree (drafts included), and the published rules of the levels above (the rules
    its units are scored by)."""
    root = scope_root(user)
    above = Q(unit__path__in=path_prefixes(root.path), state=RuleSetState.PUBLISHED) if root else NOTHING
    return AppraisalRuleSet.objects.filter(visible_unit_q(user) | above).select_related("unit", "published_by")


def runs_for(user: Any) -> QuerySet[AppraisalRun]:
    return AppraisalRun.objects.filter(rule_set__in=rule_sets_for(user).filter(
        state=RuleSetState.PUBLISHED)).select_related("rule_set", "rule_set__unit")


def scores_for(user: Any, run: AppraisalRun) -> QuerySet[AppraisalScore]:
    return AppraisalScore.objects.visible_to(user).filter(run=run).select_related("unit").order_by("unit__path")


def appeals_for(user: Any) -> QuerySet[AppraisalAppeal]:
    """The unit's own appeals, and those against scores of rules the user's subtree published."""
    return (AppraisalAppeal.objects.filter(visible_unit_q(user) | visible_unit_q(user, "score__run__rule_set__unit"))
            .select_related("unit", "score", "score__run", "score__run__rule_set", "score__run__rule_set__unit",
                            "created_by", "decided_by").order_by("-id"))


WORKING_HEADER = ["单位", "单位全称", "指标", "分值", "分子", "分母", "完成率(%)", "适用档次", "得分", "说明", "总分", "等次"]


def export_rows(scores: list[AppraisalScore]) -> list[list[Any]]:
    """One line per unit and indicator: the working, as the score page shows it."""
    rows: list[list[Any]] = []
    for s in scores:
        for w in s.working:
            rows.append([s.unit.name, s.unit.full_name, w["name"], float(w["weight"]), w["numerator"],
                         w["denominator"], "" if w["value"] is None else float(w["value"]), w["band"],
                         float(w["points"]), w["basis"], float(s.total), s.get_grade_display()])
    return rows
