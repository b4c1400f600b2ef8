"""Claims against records: each figure an uploaded report claims beside what the records count."""

from __future__ import annotations

import datetime as dt

from qinglian.oversight import claims
from qinglian.oversight.tests.conftest import YEAR, activities, upload


def seed(unit, studies: int, meetings: int) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(YEAR, 3, 2)
    activities(unit, [(day, day)] * studies, "collective_study")
    activities(unit, [(day, day)] * meetings, "party_group_meeting")


def test_an_inflated_figure_is_found_with_the_count_and_its_records(world, media) -> None:
    seed(world.a, studies=6, meetings=4)
    report = upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度落实党风廉政建设责任制情况报告\n"
                                            "年内召开党组会议4次，组织干部职工集中学习15次，开展谈心谈话60余人次。")
    found = claims.claim_report(report)
    rows = {r.name: r for r in found.rows}
    assert rows["集中学习"].claimed == 15 and rows["集中学习"].counted == 6 and rows["集中学习"].difference == 9
    assert rows["集中学习"].flagged and not rows["党组会（部务会）"].flagged
    # "60余人次" of talks with no talk recorded is a claim too
    assert [r.name for r in found.flagged] == ["集中学习", "谈心谈话"] and found.gap == 9 + 60
    assert f"unit={world.a.pk}" in rows["集中学习"].url and "kind=activity.collective_study" in rows["集中学习"].url


def test_the_list_puts_the_widest_gap_first_and_stays_in_scope(world, media) -> None:
    seed(world.a, studies=6, meetings=4)
    seed(world.b, studies=2, meetings=2)
    upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n组织干部职工集中学习8次，召开党组会议4次。")
    upload(world.clerk_b, world.b, f"县财政局{YEAR}年度工作总结\n组织干部职工集中学习20次，召开党组会议2次。")
    listed = claims.claim_reports(world.supervisor, world.county, YEAR)
    assert [(r.upload.unit, r.gap) for r in listed] == [(world.b, 18), (world.a, 2)]
    assert [r.upload.unit for r in claims.claim_reports(world.leader_a, world.a, YEAR)] == [world.a]


def test_approximate_figures_and_reports_without_a_year(world, media) -> None:
    seed(world.a, studies=12, meetings=0)
    ok = upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n组织干部职工集中学习10余次。")
    assert claims.claim_report(ok).flagged == []
    undated = upload(world.clerk_a, world.a, "工作总结\n组织干部职工集中学习30次。")
    assert "未写明年度" in claims.claim_report(undated).error


def test_only_the_latest_version_of_a_report_is_listed(world, media) -> None:
    seed(world.a, studies=6, meetings=0)
    upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n组织干部职工集中学习16次。")
    upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n组织干部职工集中学习6次。")
    listed = claims.claim_reports(world.supervisor, world.county, YEAR)
    assert len(listed) == 1 and listed[0].gap == 0
