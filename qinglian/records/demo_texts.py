"""What the demo county's talks say (their minutes are encrypted, so a dump of the demo must not contain them)
and its people's phone numbers. Drawn from a random.Random of their own, so the rest of the demo is unchanged."""

from __future__ import annotations

import random

TALK_KINDS = frozenset({"heart_to_heart_talk", "integrity_reminder_talk", "admonition_talk", "pre_appointment_talk",
                        "key_post_talk"})

OPENINGS = {
    "integrity_reminder_talk": [
        "节日将至，提醒对象严守中央八项规定精神，不收受礼品礼金、消费卡，不违规操办婚丧喜庆事宜",
        "针对近期群众反映的办事拖沓问题开展提醒谈话，要求对象正视问题、立行立改",
        "就公务接待中存在的超标准苗头进行提醒，要求严格执行接待审批单和公函制度",
    ],
    "heart_to_heart_talk": [
        "与对象交流思想和工作情况，对象表示近期分管工作任务重、压力大，家庭情况总体稳定",
        "围绕班子团结和分管领域风险防控谈心，双方坦诚交换意见，对象提出加强股室之间协作的建议",
        "了解对象对本单位作风建设的看法，对象反映个别同志上班纪律松散，建议加强考勤管理",
    ],
    "admonition_talk": [
        "就分管领域巡察反馈问题整改进度滞后进行约谈，指出对象落实一岗双责不到位",
        "针对审计指出的项目资金拨付不规范问题约谈对象，要求十日内书面说明情况并制定整改方案",
    ],
    "pre_appointment_talk": [
        "对新任职干部进行任前廉政谈话，讲明新岗位的廉政风险点，要求对象签订廉政承诺书",
        "向新提任干部通报近年本系统违纪违法典型案例，要求对象守住底线、不越红线",
    ],
    "key_post_talk": [
        "与财务、采购等重要岗位人员谈话，重申资金审批“三重一大”程序，要求对象严格执行不相容岗位分离",
        "提醒项目审批岗位人员不得与服务对象私下接触，不得接受管理服务对象的宴请",
    ],
}
REPLIES = [
    "对象表示完全接受组织提醒，将认真对照检查，主动向组织说明有关情况",
    "对象就个人有关事项作了说明，表示今后在工作生活中严格要求自己和家属",
    "对象承认存在思想松懈的情况，表示将在班子民主生活会上作深刻检查",
    "对象提出分管股室人手紧张，请求统筹调配，谈话人表示会后研究",
]
FOLLOW_UPS = [
    "谈话人要求对象一个月内报送整改情况",
    "下一步由纪检监察组跟踪了解对象整改落实情况",
    "谈话情况已记入干部廉政档案",
    "约定三个月后进行回访谈话",
]
MOBILE_PREFIXES = ("133", "135", "136", "138", "139", "150", "151", "157", "158", "177", "182", "187", "189", "199")


def talk_minutes(rng: random.Random, code: str, number: int) -> str:
    """The content of one talk: what was said, the answer, what follows (第 number 次, so that no two match)."""
    opening = rng.choice(OPENINGS[code])
    return (f"{opening}。{rng.choice(REPLIES)}。{rng.choice(FOLLOW_UPS)}（谈话记录第{number:04d}号，"
            f"谈话地点：{rng.choice(['书记办公室', '小会议室', '纪检组办公室'])}）。")


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
