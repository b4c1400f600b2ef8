"""What an appraisal indicator may never read (DESIGN §7, the 2026 rules on government apps, the 2024 and 2023
rules on burden): logins, clicks and page views, time online, study time, counts of uploads and photos,
likes and votes, check-ins, location tracks, points rankings.

`refusal(text)` screens any text an indicator carries (a catalogue key, the name a leader types, the
evidence asked for, a formula someone tries to post) and answers the Chinese sentence that refuses it, or
"" when the text names none of these. Chinese terms are matched as substrings, English ones as whole tokens
of a key (`login_count`, `studyDuration`, `photo.uploads`), so `likely` or `shared` pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

APP_RULE = "国办《政务移动互联网应用程序规范化管理办法》（2026年）"
BURDEN_RULE = "《整治形式主义为基层减负若干规定》（2024年）"
FINGERTIP_RULE = "《关于防治“指尖上的形式主义”的若干意见》（2023年）"


@dataclass(frozen=True)
class ForbiddenKind:
    code: str
    name: str  # what it is, in the refusal
    rule: str  # the rule that forbids it
    chinese: tuple[str, ...]
    english: tuple[str, ...]  # tokens of a key (lower case)


KINDS: tuple[ForbiddenKind, ...] = (
    ForbiddenKind("login", "登录次数或登录情况", f"{APP_RULE}禁止强制定期登录、以登录情况考核基层",
                  ("登录", "登陆", "上线次数", "签入"), ("login", "logins", "logon", "signin", "sign_in")),
    ForbiddenKind("click", "点击量、浏览量或访问次数", f"{APP_RULE}禁止把应用的使用情况作为考核依据，{FINGERTIP_RULE}禁止过度留痕、滥用排名",
                  ("点击", "浏览量", "浏览次数", "访问量", "访问次数", "阅读量", "页面访问"),
                  ("click", "clicks", "pageview", "pageviews", "views", "visits", "pv", "hits")),
    ForbiddenKind("online_time", "在线时长", f"{APP_RULE}禁止计算在线时长",
                  ("在线", "活跃时长", "使用时长", "停留时长", "在岗时长"),
                  ("online", "active_time", "session_time", "dwell", "uptime")),
    ForbiddenKind("study_time", "学习时长或学时", f"{APP_RULE}禁止以学习时长作为考核依据",
                  ("学习时长", "学习时间", "学时", "学习积分", "学习进度", "观看时长"),
                  ("study_time", "studytime", "study_duration", "learning_time", "study_hours", "duration")),
    ForbiddenKind("uploads", "上传照片、视频或材料的数量", f"{APP_RULE}禁止非必要地以上传工作照片、视频作为考核依据",
                  ("上传", "照片", "图片", "视频", "截图", "附件数", "附件数量", "材料数量", "佐证数量", "留痕"),
                  ("upload", "uploads", "photo", "photos", "image", "images", "picture", "pictures", "video",
                   "videos", "attachment", "attachments", "screenshot", "screenshots")),
    ForbiddenKind("likes", "点赞、投票或转发数", f"{APP_RULE}禁止以点赞、投票、转发作为考核依据",
                  ("点赞", "投票", "转发", "分享", "评论数", "关注数", "粉丝"),
                  ("like", "likes", "vote", "votes", "share", "shares", "forward", "forwards", "followers")),
    ForbiddenKind("checkin", "打卡或签到", f"{APP_RULE}禁止打卡、签到类考核",
                  ("打卡", "签到"), ("checkin", "check_in", "checkins", "clockin", "clock_in", "attendance")),
    ForbiddenKind("track", "位置轨迹或定位", f"{APP_RULE}禁止非必要地以位置轨迹作为考核依据",
                  ("轨迹", "定位", "位置"), ("track", "tracks", "tracking", "gps", "location", "locations", "geo")),
    ForbiddenKind("points", "积分排名", f"{APP_RULE}禁止积分排名；{BURDEN_RULE}",
                  ("积分", "打分排名"), ("points", "ranking", "leaderboard")),
)


def _tokens(text: str) -> set[str]:
    """The lower-case tokens of a key: split at anything not a letter or digit and at camelCase humps; each
    adjacent pair is kept joined too (`study_time`, `check_in`)."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9]+", spaced) if w]
    pairs = {f"{a}_{b}" for a, b in pairwise(words)} | {
        f"{a}{b}" for a, b in pairwise(words)}
    return set(words) | pairs


def forbidden_kind(text: str) -> ForbiddenKind | None:
    if not text:
        return None
    tokens = _tokens(text)
    for kind in KINDS:
        if any(term in text for term in kind.chinese) or tokens & set(kind.english):
            return kind
    return None


def refusal(text: str, what: str = "考核指标") -> str:
    """The Chinese sentence refusing `text` as (part of) an indicator, or "" when it names nothing forbidden."""
    kind = forbidden_kind(text)
    if kind is None:
        return ""
    return (f"不能以{kind.name}作为{what}（“{text[:40]}”）：{kind.rule}。考核只看工作结果，"
            f"请从考核指标目录中选择结果类指标，如整改按期完成率、责任书签订率、责任事项按期履行率。")
