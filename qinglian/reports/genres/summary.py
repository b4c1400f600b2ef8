"""工作总结及下年计划 (seed 004): 一、总结（一）… 二、存在的主要问题 三、计划（一）…"""

from __future__ import annotations

from paperwork.write import Block, Heading, Paragraph, Report
from qinglian.reports.genres.changes import ledger_outcomes, year_on_year
from qinglian.reports.genres.common import guidance, join, listing, period_label, report_date, sentence
from qinglian.reports.genres.data import ReportInput
from qinglian.reports.genres.responsibility import plans_section, problems_section, rectification_summary

DEFAULT_PROBLEMS = (
    "重点稿件不多，大篇幅、有分量的稿件较少",
    "创新力度不够，运用新媒体、新手段开展宣传教育的思路还不够开阔",
    "廉洁文化建设统筹推进力度不大，本地廉洁文化资源挖掘不够深入",
)

PLANS = (
    ("深入学习宣传贯彻党的创新理论",
     "继续把学习贯彻习近平新时代中国特色社会主义思想作为首要政治任务，做好理论学习中心组集体学习服务保障。"),
    ("发挥宣传引领作用",
     "加强宣传策划，定期召开宣传策划会，深度发掘、总结、提炼特色亮点工作，持续做好对上宣传推介工作。"),
    ("深入开展纪法教育和警示教育",
     "强化警示教育与党员干部日常管理监督融入融合，组织参观警示教育基地、旁听庭审，提高警示教育针对性有效性。"),
    ("认真落实意识形态工作责任制",
     "坚持24小时舆情监看制度，严格执行突发敏感舆情处置工作机制，实现事件处理与舆情处置同步进行。"),
    ("抓好问题整改", ""),
)


def build(d: ReportInput) -> Report:
    year = d.date_to.year
    period = period_label(d)
    blocks: list[Block] = [
        Paragraph(f"现将{d.unit_name}{year}年工作总结及{year + 1}年工作计划报告如下。"),
        Heading(1, f"{year}年工作总结"),
        year_on_year(d) or Paragraph(""),  # what changed leads; the standing wording follows
        Paragraph(f"{year}年，{d.unit_name}{guidance(d)}，认真贯彻落实各级纪委全会部署要求，全面做好宣传、教育、"
                  "网络舆情、廉洁文化建设、意识形态等工作。"),
        Heading(2, "提高政治站位，推动理论学习走深走实"),
        listing(d, "服务保障理论学习中心组学习，", [
            ("activity.central_group_study", "组织中心组学习"), ("activity.collective_study", "集中学习"),
            ("activity.seminar", "交流研讨"), ("activity.study_class", "举办读书班")], tail="。")
        or Paragraph("服务保障理论学习中心组学习，组织开展集中学习和交流研讨。"),
        Heading(2, "聚焦主责主业，新闻宣传提质增效"),
        join(["加强与各级新闻媒体沟通协作，加大工作经验成果宣传展示力度，",
              sentence(d, [("publicity.adopted", "全年在各级媒体刊播稿件")], tail="，"),
              sentence(d, [("publicity.central", "中央级媒体采用"), ("publicity.provincial", "省级媒体采用"),
                           ("publicity.city", "市州级媒体采用"), ("publicity.county", "县级媒体采用")],
                       lead="其中", tail="。", sep="、"),
              "严格落实“三审三校”制度，",
              sentence(d, [("review.drafts_signed", "经三审签发的稿件")], tail="，"),
              "唱响主旋律、凝聚正能量。"]) or Paragraph(""),
        Heading(2, "做深做实警示教育，筑牢思想防线"),
        listing(d, "", [("activity.warning_education", "开展警示教育"), ("activity.warning_film", "观看警示片"),
                        ("activity.education_base_visit", "参观廉政教育基地"), ("activity.court_hearing", "旁听庭审"),
                        ("activity.training", "举办培训班"), ("activity.pre_appointment_talk", "任前谈话"),
                        ("activity.integrity_reminder_talk", "廉政提醒谈话")],
                tail="，以身边事教育身边人。")
        or Paragraph("坚持以案为鉴、以案促改，组织党员干部接受警示教育，以身边事教育身边人。"),
        Heading(2, "抓实意识形态工作，加强舆情监测处置"),
        join(["落实意识形态工作责任制，持续加强网络舆情监测处置，",
              sentence(d, [("opinion.tickets", "监测处置舆情"), ("opinion.closed", "办结舆情"),
                           ("opinion.alert_letters", "下发《舆情提示函》"), ("opinion.digests", "编发《网上舆情》")],
                       tail="，"),
              "全年未发生重大负面舆情。"]) or Paragraph(""),
        Heading(2, "压实整改责任，强化风险防控"),
        rectification_summary(d) or Paragraph("对上级反馈的问题全面认领、逐项整改，做到整改不到位不销号。"),
        ledger_outcomes(d) or Paragraph(""),
        listing(d, "", [("risk.points", "排查廉政风险点")], tail="，逐项制定防控措施。") or Paragraph(""),
        Heading(1, "存在的主要问题"),
        Paragraph(f"{period}工作虽然取得了一定成效，但也存在一些问题和不足：")]
    blocks += problems_section(d, DEFAULT_PROBLEMS)
    blocks += [Heading(1, f"{year + 1}年工作计划"),
               Paragraph(f"{year + 1}年，{d.unit_name}将坚持围绕中心、服务大局，着力提升能力本领，推动各项工作高质量发展。")]
    blocks += plans_section(d, PLANS)
    blocks = [b for b in blocks if not (isinstance(b, Paragraph) and not b.text)]
    return Report(title=f"{d.unit_name}{year}年工作总结及{year + 1}年工作计划", genre="summary",
                  issuer=d.unit_name, date=report_date(d), blocks=blocks)
