"""Title, genre, and the parts a report is made of: problems, plans, rectification items.

Everything here works from the outline: a section is a heading and the paragraphs up to the next
heading of the same or a higher level. Problems live in a section whose heading names them
(存在的问题, 不足, 短板…), plans in one that looks ahead (计划, 打算, 下一步…); a report that puts both
under one heading is split paragraph by paragraph.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .chrome import is_site_name
from .items import first_sentence, sentences, split_enumeration
from .model import OutlineItem, RectProblem, StateReading
from .outline import heading_body, match_marker
from .states import measure_states, overall_state

_PROBLEM_HEAD = re.compile(r"问题|不足|短板|差距|弱项|薄弱|欠缺")
# A heading of work done that names problems as its object, not a part that states them: "坚持问题导向，
# 深化…腐败问题集中整治", "聚焦群众反映强烈的问题".
_PROBLEMS_AS_OBJECT = re.compile(
    r"问题导向|(?:坚持|聚焦|针对|解决|破解|紧盯|着力|围绕|整治|查处).{0,12}问题|问题.{0,4}(?:集中整治|专项整治|线索)"
)
_PROBLEMS_STATED = re.compile(r"存在|不足|短板|差距|弱项|薄弱|欠缺|主要问题|问题(?:和|与|及|、)|^问题|问题$")
_PLAN_HEAD = re.compile(
    r"计划|打算|下一步|下步|今后|努力方向|工作思路|展望|(?:20\d\d|明|来)年.{0,6}(?:重点|安排|思路|任务|目标)"
    r"|工作要点|(?:整改|改进)(?:措施|方向)|工作重点"
)
_PLAN_PARAGRAPH = re.compile(
    r"^(?:下一步|下步|今后|接下来|20\d\d年[，,]|.{0,12}将(?:继续|进一步|坚持|以|持续|着力))"
)
_PROBLEM_LIST = re.compile(
    r"(?:主要(?:是|有|表现(?:在|为)|体现在)|具体(?:是|表现为))[：:]?"
    r"(?P<list>.+?)等(?:方面的?)?(?:问题|不足|短板)"
)
_PROBLEM_WORDS = re.compile(
    r"不够|不足|不强|不高|不到位|不严|不力|不深|不实|有待|差距|薄弱|欠缺|存在|缺乏|滞后|不多|不明显|不规范"
    r"|不健全|不完善|不充分|不平衡|不均衡|不及时|盲区|漏洞|松懈|缺少|偏少|偏弱|单一|还需|仍需|亟待|较少|流于形式"
)
_LEADING_WHEN = re.compile(r"^(?:下一步|下步|今后|接下来|20\d\d年)[，,：:]?")
_MEASURE_LABEL = re.compile(r"^(?:整改(?:落实)?(?:情况|措施|进展|结果|成效)|落实情况|整改举措)[:：]?")
_TARGETED = re.compile(r"^针对[“\"](?P<p>.+)[”\"](?:的|等)?问题$")
_ASPECT_END = re.compile(r"方面$")
_BRACKETED = re.compile(r"[（(]([^（()）]{2,12})[)）]")

_TITLE_FROM_INTRO = re.compile(
    r"现将(?P<t>.{4,60}?)(?:向.{1,12}?)?(?:作|做)(?:如下|以下)?(?:简要)?(?:报告|汇报|通报|说明)"
    r"|现将(?P<u>.{4,60}?)(?:向.{1,12}?)?(?:报告|汇报|通报|总结|说明)如下"
)
_SALUTATION = re.compile(r"[:：]$")
_GENRE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("personal", re.compile(r"述责述廉|述职述廉|述廉述责|述责述职|个人廉洁自律情况报告|述职报告")),
    ("rectification", re.compile(
        r"(?:巡察|巡视|审计|督查|反馈).{0,12}整改|整改.{0,8}(?:情况|进展).{0,4}(?:通报|报告)"
    )),
    ("bulletin", re.compile(r"(?:新闻)?宣传.{0,4}通报|采用情况.{0,2}通报")),
    ("summary", re.compile(r"工作总结|年度总结|总结及|工作计划|工作要点")),
    ("responsibility", re.compile(
        r"党风廉政建设责任制|主体责任|监督责任|党风廉政建设.{0,6}情况|全面从严治党.{0,8}情况"
    )),
)


# What a report's own title ends with, or how it begins ("关于…的报告").
_TITLE_WORDS = re.compile(
    r"(?:报告|总结|通报|情况|汇报|讲话|发言|发言提纲|述职|述廉|公告|通知|意见|方案|计划|要点|材料|说明|公开|"
    r"剖析材料|清单|台账|纪要|简报|公示|综述|自查|打算|安排|思路)(?:[（(][^（()）]{1,12}[)）])?$|^关于.{2,}的"
)
_NOT_TITLE = re.compile(r"^(?:各位|尊敬的|同志们|根据|按照|为|今年|20\d\d年[，,以]|近年来|本人)|[:：]$")


_DOC_NUMBER = re.compile(r"[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*\d+\s*号")


def _title_like(line: str) -> int:
    """How much a line looks like a document's own title: 0 not at all, 1 maybe, 2 surely."""
    if not 6 <= len(line) <= 80 or match_marker(line) is not None or _NOT_TITLE.search(line):
        return 0
    if is_site_name(line) or line[-1] in "。；;，,！!？?" or _DOC_NUMBER.search(line):
        return 0
    return 2 if _TITLE_WORDS.search(line) else 1


# A column tag set before a title: "【清廉建设】县审计局…报告".
_COLUMN_TAG = re.compile(r"^[【\[][^】\]]{1,10}[】\]]\s*")
# A subtitle under the main title: "——在2024年度述责述廉会议上的报告".
_SUBTITLE = re.compile(r"^(?:——|—|--|－－)")


def find_title(paragraphs: list[str]) -> str:
    """The document's own title: the first early line that reads as one (not the site's or column's name),
    else the first plain short line, else what the introduction names ("现将…报告如下"). A main title with a
    "——" subtitle under it is the main line; a column tag before the title is not part of it."""
    head = [_COLUMN_TAG.sub("", p) for p in paragraphs[:8]]
    scores = [_title_like(p) for p in head]
    for i in range(1, len(head)):
        if _SUBTITLE.match(head[i]) and scores[i - 1] and (i == 1 or _is_lead_in(head[:i - 1])):
            return head[i - 1]
    for want in (2, 1):
        for i, score in enumerate(scores):
            if score == want and (want == 2 or i == 0 or _is_lead_in(head[:i])):
                # A title set on two lines (centred, or cut by a PDF): "XX县委宣传部2026年" / "…情况报告";
                # not the issuing body's name above a title of its own ("中共XX乡委员会" / "关于…的报告").
                if want == 2 and i > 0 and scores[i - 1] == 1 and len(head[i - 1]) + len(head[i]) <= 70 and (
                        i == 1 or _is_lead_in(head[:i - 1])) and not (
                        head[i].startswith("关于") and _SIGNATURE.match(head[i - 1])):
                    return head[i - 1] + head[i]
                return head[i]
    for paragraph in paragraphs[:4]:
        m = _TITLE_FROM_INTRO.search(paragraph)
        if m:
            return (m.group("t") or m.group("u") or "").strip("，, ")
    return ""


def _is_lead_in(lines: list[str]) -> bool:
    """Only site names and short labels before it: a plain line there may still be the title."""
    return all(is_site_name(x) or len(x) <= 12 for x in lines)


def find_genre(title: str, paragraphs: list[str]) -> str | None:
    for text in (title, " ".join(paragraphs[:3]), " ".join(paragraphs)):
        for genre, pattern in _GENRE_RULES:
            if pattern.search(text):
                return genre
    return None


class Sections:
    """Heading → paragraph span lookups over one outline."""

    def __init__(self, outline: list[OutlineItem], n_paragraphs: int) -> None:
        self.outline = outline
        self.n = n_paragraphs

    def end_of(self, i: int) -> int:
        item = self.outline[i]
        for later in self.outline[i + 1:]:
            if later.level <= item.level:
                return later.paragraph
        return self.n

    def children(self, i: int) -> list[int]:
        item, end = self.outline[i], self.end_of(i)
        return [j for j in range(i + 1, len(self.outline))
                if self.outline[j].paragraph < end and self.outline[j].level > item.level]

    def top(self) -> list[int]:
        if not self.outline:
            return []
        level = min(o.level for o in self.outline)
        return [i for i, o in enumerate(self.outline) if o.level == level]

    def body(self, i: int, paragraphs: list[str]) -> list[str]:
        """Text directly under heading i (run-in body and plain paragraphs), children excluded."""
        item = self.outline[i]
        kids = self.children(i)
        stop = self.outline[kids[0]].paragraph if kids else self.end_of(i)
        out = [heading_body(paragraphs[item.paragraph])]
        out.extend(paragraphs[item.paragraph + 1: stop])
        return [p for p in out if p]


def _problems_from_text(text: str) -> list[str]:
    quoted = [_quoted_problem(m) for m in _QUOTED_PROBLEM.finditer(text)
              if m.start() == 0 or text[m.start() - 1] in "\n。；;：:"]
    if quoted:
        return quoted
    _, items = split_enumeration(text)
    if items:
        return [first_sentence(item) for item in items]
    m = _PROBLEM_LIST.search(text)
    if m:
        return [p.strip() for p in re.split(r"[、；;]", m.group("list")) if p.strip()]
    out: list[str] = []
    text = re.sub(r"(?<=[；;，,、])\n", "", text)  # a paragraph ending in ； goes on with the list below
    for sentence in sentences(text):
        if _PLAN_PARAGRAPH.match(sentence):
            continue
        colon = re.search(r"[:：]", sentence)
        body = sentence[colon.end():] if colon and colon.start() < 40 else sentence
        out.extend(_problem_clauses(body))
    return out


def _problem_clauses(body: str) -> list[str]:
    """A sentence listing problems: its clauses split by ；, or by ， when each one states a problem."""
    clauses = [c.strip() for c in re.split(r"[；;]", body) if c.strip()]
    if len(clauses) >= 2:
        return clauses
    commas = [c.strip() for c in re.split(r"[，,]", body) if c.strip()]
    if len(commas) >= 2 and all(len(c) >= 6 and _PROBLEM_WORDS.search(c) for c in commas):
        return commas
    return [body.strip()] if _PROBLEM_WORDS.search(body) else []


# Lines after the plans that are not plans: the contact line, the invitation to supervise, the signature.
_NOT_PLAN = re.compile(
    r"联系电话|电子邮箱|邮箱[:：]|(?<!\d)(?:0\d{2,3}|[X*]{3,4})-(?:\d{7,8}|[X*]{7,8})(?!\d)|[\w.]+@[\w.]+|欢迎.{0,28}监督|^[^，。；]{2,30}\n?(?:19|20|２０)[\d*X]{2}年[\d*X]{1,2}月"
    r"|^(?:19|20)[\d*X]{2}年[\d*X]{1,2}月[\d*X]{1,2}日$|^(?:述职人|述责述廉人|报告人)[:：]"
)
_SUBJECT_WILL = re.compile(r"^[^，。；“]{0,14}?将(?=[^来])")
_PLAN_VERB = re.compile(
    r"^(?:坚持|持续|进一步|加强|深化|推动|强化|严格|始终|切实|全面|不断|着力|继续|从严|深入|提升|健全|完善|打造|扎实"
    r"|聚焦|紧扣|巩固|确保|按照|推进|做好|抓好|创新|落实|以|把|在|守牢|筑牢|压实|严守|突出|围绕|加快|用好"
    r"|建立|锻造|持之以恒|提高|增强|营造|树立|优化|规范|加大|狠抓|做实|做细|坚决|带头|主动|自觉|认真|对)"
)


_SHORT_PLAN = 18  # a list of plans in one sentence is a list of short clauses
_SIGNATURE = re.compile(r"^[^，。；：:、]{2,30}(?:部|局|委|办|馆|中心|党组|党委|支部|委员会|办公室|政府|院|所|站|队|会|组)$")


def _plan_clauses(sentence: str) -> list[str]:
    """One plan sentence, its subject ("本人将") dropped, split into the plans it lists (by ；, or by ， when
    each clause starts with what is to be done)."""
    sentence = _LEADING_WHEN.sub("", sentence.strip(), count=1)
    parts = [c.strip() for c in re.split(r"[；;]", sentence) if c.strip()]
    if len(parts) >= 2:
        return parts
    commas = [c.strip() for c in re.split(r"[，,]", sentence) if c.strip()]
    if len(commas) >= 3 and commas[-1].startswith(("为", "努力", "奋力")):  # "…，为乡村振兴提供保障": the aim
        commas = commas[:-1]
    bare = [_SUBJECT_WILL.sub("", c, count=1) if k == 0 else c for k, c in enumerate(commas)]  # "本人将…"
    if len(commas) >= 2 and all(_PLAN_VERB.match(c) and len(c) <= _SHORT_PLAN for c in bare):
        return commas
    return [sentence] if sentence else []


def _plans_from_text(text: str) -> list[str]:
    text = "\n".join(p for p in text.split("\n") if not _NOT_PLAN.search(p))
    _, items = split_enumeration(text)
    if items:
        return [first_sentence(item) for item in items]
    # The signature is a line of its own; a clause of a plan may end like a unit's name ("…挂账督办").
    return [c for s in sentences(text) if not (_NOT_PLAN.search(s) or _SIGNATURE.match(s))
            for c in _plan_clauses(s)]


# A subsection that only names a part: "（一）存在的问题" / "（二）下一步打算" under "三、存在的问题及下步打算".
_PART_NAME = re.compile(
    r"^(?:存在的?|主要|突出)?(?:问题|不足|短板|差距|弱项)(?:[和及与、](?:不足|差距|短板|问题|原因))*(?:分析)?$"
    r"|^(?:下一步|下步|今后|明年|20\d\d年)(?:的)?(?:工作)?(?:打算|计划|安排|思路|措施|重点|努力方向)?$"
)


def find_problems_and_plans(
    outline: list[OutlineItem], paragraphs: list[str]
) -> tuple[list[str], list[str]]:
    sections = Sections(outline, len(paragraphs))
    problems: list[str] = []
    plans: list[str] = []
    for i in sections.top():
        _from_section(sections, paragraphs, i, problems, plans)
    if not plans:
        plans = _plans_after_next_step(paragraphs)
    return problems, plans


def _from_section(sections: Sections, paragraphs: list[str], i: int, problems: list[str], plans: list[str]) -> None:
    """The problems and plans a section holds, by what its heading names."""
    outline = sections.outline
    heading = outline[i].heading
    is_problem = bool(_PROBLEM_HEAD.search(heading)) and not (
        _PROBLEMS_AS_OBJECT.search(heading) and not _PROBLEMS_STATED.search(heading))
    is_plan = bool(_PLAN_HEAD.search(heading))
    if not (is_problem or is_plan):
        return
    children = sections.children(i)
    kids = [j for j in children if outline[j].level == min((outline[k].level for k in children), default=0)]
    if kids and all(_PART_NAME.match(outline[j].heading) for j in kids):
        for j in kids:
            _from_section(sections, paragraphs, j, problems, plans)
        return
    body = sections.body(i, paragraphs)
    problem_text = [p for p in body if not _PLAN_PARAGRAPH.match(p)]
    plan_text = [p for p in body if _PLAN_PARAGRAPH.match(p)]
    if is_problem and is_plan:
        problems.extend(_problems_from_text("\n".join(problem_text)))
        plans.extend(_plans_from_text("\n".join(plan_text)) if plan_text else [])
        plans.extend(outline[j].heading for j in kids)
    elif is_problem:
        if kids:
            problems.extend(outline[j].heading for j in kids)
        else:
            problems.extend(_problems_from_text("\n".join(problem_text)))
        plans.extend(_plans_from_text("\n".join(plan_text)) if plan_text else [])
    elif kids:
        plans.extend(outline[j].heading for j in kids)
    else:
        plans.extend(_plans_from_text("\n".join(body)))


_NEXT_STEP = re.compile(r"(?:下一步|今后|接下来|新的一年|(?:20\d\d|明)年)[，,：:]")
_WILL = re.compile(r"[^，。；]{0,14}?将(?=继续|进一步|坚持|持续|按照|以|着力|聚焦|紧扣|切实|全面|不断|更加|严格|深化)")


def _plans_after_next_step(paragraphs: list[str]) -> list[str]:
    """No plan section: a late paragraph saying "下一步，我们将…一要…二要…" carries the plans."""
    for paragraph in paragraphs[len(paragraphs) // 2:]:
        m = _NEXT_STEP.search(paragraph)
        if m:
            return _plans_from_text(paragraph[m.end():])
    for paragraph in reversed(paragraphs[len(paragraphs) * 2 // 3:]):  # "…馆党支部将按照时间节点持续推进。"
        m = _WILL.search(paragraph)
        if m:
            return _plans_from_text(paragraph[m.end():])
    return []


def find_rectification(outline: list[OutlineItem], paragraphs: list[str]
                       ) -> tuple[list[RectProblem], StateReading]:
    """Leaf headings under 方面 (or anything followed by 整改情况) are the specific problems, each measure
    with the state the notice gives it (read.states); and the notice-wide statement, read outside the
    problems' own paragraphs."""
    sections = Sections(outline, len(paragraphs))
    top_level = min((o.level for o in outline), default=1)
    found: list[tuple[RectProblem, list[str], list[str]]] = []
    inside: set[int] = set()
    for i, item in enumerate(outline):
        has_children = bool(sections.children(i))
        body = sections.body(i, paragraphs)
        if not has_children and any(_PROBLEM_LABEL.match(p) for p in body):
            # "问题：…" / "整改措施：…" / "整改成效：…" per item: each labelled problem with what follows it.
            aspect = item.heading if item.level != top_level else ""
            inside.update(range(item.paragraph, sections.end_of(i)))
            for problem, measures in _labelled_problems(body):
                found.append((RectProblem(aspect, problem, measures, "", item.paragraph), [], []))
            continue
        if item.level == top_level or has_children:
            continue
        labelled = bool(body) and bool(_MEASURE_LABEL.match(body[0]) or _DETAIL_LABEL.match(body[0]))
        states_problem = bool(_PROBLEM_WORDS.search(item.heading)) and not _under_plans(outline, i)
        if not labelled and "问题" not in item.heading and not states_problem:
            continue
        ancestors: list[int] = []
        for j in range(i - 1, -1, -1):
            if outline[j].level < (outline[ancestors[-1]].level if ancestors else item.level):
                ancestors.append(j)
        ancestors = [a for a in reversed(ancestors) if outline[a].level != top_level]
        aspect = outline[ancestors[0]].heading if ancestors else ""
        group = outline[ancestors[-1]].heading if len(ancestors) > 1 else ""
        group_at = ancestors[-1] if len(ancestors) > 1 else None
        if ancestors and not _ASPECT_END.search(aspect) and len(ancestors) == 1 and "问题" in aspect:
            aspect, group, group_at = "", aspect, ancestors[0]
        inside.update(range(item.paragraph, sections.end_of(i)))
        text = "\n".join(p for p in body if not _DETAIL_LABEL.match(p))
        text = _MEASURE_LABEL.sub("", text, count=1).strip()
        preamble, measures = split_enumeration(text)
        if not measures:
            preamble, measures = "", sentences(text)
        m = _TARGETED.match(item.heading)
        problem = m.group("p") if m else item.heading
        said = [preamble, *_BRACKETED.findall(item.heading)]
        group_said = ([*sections.body(group_at, paragraphs), *_BRACKETED.findall(outline[group_at].heading)]
                      if group_at is not None else [])
        found.append((RectProblem(aspect, problem, measures, group, item.paragraph), said, group_said))
    overall = overall_state([p for n, p in enumerate(paragraphs) if n not in inside]) if found else StateReading()
    return [replace(rp, states=measure_states(rp.measures, said, group_said, overall))
            for rp, said, group_said in found], overall


# A problem stated under a label of its own ("问题：", "问题一：", "问题2："), the measures under theirs.
_PROBLEM_LABEL = re.compile(r"^(?:反馈)?问题\s*[一二三四五六七八九十\d]{0,3}\s*[:：]\s*(?=\S)")
# The details of the problem a heading states: "问题表现：…", "具体表现：…".
_DETAIL_LABEL = re.compile(r"^(?:问题表现|具体表现|问题描述|主要表现)\s*[:：]")


def _labelled_problems(body: list[str]) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for paragraph in body:
        m = _PROBLEM_LABEL.match(paragraph)
        if m:
            out.append((first_sentence(paragraph[m.end():]), []))
        elif out:
            measure = _MEASURE_LABEL.sub("", paragraph, count=1).strip()
            if measure:
                out[-1][1].append(measure)
    return out


def _under_plans(outline: list[OutlineItem], i: int) -> bool:
    """Is heading i inside a section that looks ahead (下一步…)? Its headings are plans, not problems."""
    level = outline[i].level
    for j in range(i - 1, -1, -1):
        if outline[j].level < level:
            if _PLAN_HEAD.search(outline[j].heading):
                return True
            level = outline[j].level
    return False


# A problem table flattened to lines (decode set its cells apart by tabs): the column whose head names
# the problem ("反馈问题", "存在问题", "问题描述"), read down the rows below the head.
_PROBLEM_COLUMN = re.compile(r"问题(?:描述|表现|内容)?$|^(?:具体|主要)?问题")
_NOT_PROBLEM_COLUMN = re.compile(r"整改|措施|序号|责任|时限|进展|状态")


def problems_in_tables(paragraphs: list[str]) -> list[str]:
    problems: list[str] = []
    column = -1
    for paragraph in paragraphs:
        cells = [c.strip() for c in paragraph.split("\t")]
        if len(cells) < 3:
            column = -1
            continue
        if all(len(c) <= 12 for c in cells):
            heads = [k for k, c in enumerate(cells) if _PROBLEM_COLUMN.search(c) and not _NOT_PROBLEM_COLUMN.search(c)]
            if heads:
                column = heads[0]
                continue
        if 0 <= column < len(cells) and len(cells[column]) >= 4:
            problems.append(first_sentence(cells[column]))
    return problems


# Prose that introduces the problems: "还存在一些不足：", "巡察发现的主要问题：", "存在的问题主要是…".
_PROSE_INTRO = re.compile(
    r"(?:存在(?:的|着)?(?:一些|以下|如下|不少|诸多|一定的?)?(?:突出|主要)?(?:问题|不足|短板|差距|薄弱环节)"
    r"|问题主要(?=是|有|表现|体现)"
    r"|(?:问题|差距)(?:和|与)不足|不足之处|主要问题|(?:还|仍)有(?:一些|以下|不少)?(?:差距|不足|短板)"
    r"|发现(?:的|了)?(?:一些|以下|如下)?(?:主要)?问题(?:有|是|如下)?[:：])"
    r"(?:(?:主要)?(?:是|有|表现(?:在|为)|体现在)|如下|(?:还)?(?:不少|很多))?[:：]?"
)
_PROSE_NOT_PROBLEM = re.compile(r"针对|整改|解决")
_ENUM_START = re.compile(r"^(?:[一二三四五六七八九十]{1,3}(?:是|要)|第[一二三四五六七八九十]{1,3}[，,、：:]|首先|其次)")
# A rectification told in prose: "巡察指出…不到位，对…不严。对此，…" (the problem is the first clause).
_SAID_PROBLEM = re.compile(r"^(?:巡察|巡视|审计|督查|检查)(?:组)?(?:反馈)?(?:指出|发现)"
                           r"(?!(?:的|了)?(?:一些|以下|如下)?(?:主要|突出)?(?:问题|不足))(?P<p>[^，。；：:]{4,60})")
_QUOTED_PROBLEM = re.compile(r"(?:(?P<a>关于)[“\"](?P<q>[^”\"]{2,80})[”\"](?:的|等)?问题"
                             r"|针对[“\"](?P<p>[^”\"]{2,80})[”\"](?:的|等)?问题)")


def problems_in_prose(paragraphs: list[str]) -> list[str]:
    """Problems of a text without a problem section: the lists after a sentence that introduces them
    (一是…二是…, or clauses split by ；), and paragraphs that name one (关于“…”的问题, 针对“…”问题)."""
    problems: list[str] = []
    i = 0
    while i < len(paragraphs):
        paragraph = paragraphs[i]
        i += 1
        quoted = _QUOTED_PROBLEM.match(paragraph)
        if quoted:
            problems.append(_quoted_problem(quoted))
            continue
        said = _SAID_PROBLEM.match(paragraph)
        if said:
            problems.append(said.group("p"))
            continue
        m = _PROSE_INTRO.search(paragraph)
        if m is None or _PLAN_PARAGRAPH.match(paragraph) or _PROSE_NOT_PROBLEM.search(paragraph[:m.start()][-12:]):
            continue
        text = paragraph[m.end():].strip()
        if not (m.group(0)[-1] in ":：是有为在如" or text.startswith(("一是", "一方面", "首先", "第一")) or (
                not text and i < len(paragraphs) and _ENUM_START.match(paragraphs[i]))):
            continue  # "聚焦存在的问题，…" mentions problems; it does not list them
        # The list may go on in the paragraphs below ("…存在以下问题：" / "一是…" / "二是…").
        while i < len(paragraphs) and _ENUM_START.match(paragraphs[i]) and not _PLAN_PARAGRAPH.match(paragraphs[i]):
            text += "\n" + paragraphs[i]
            i += 1
        problems.extend(_prose_items(text))
    return problems


def _quoted_problem(m: re.Match[str]) -> str:
    """关于“…”的问题 as the notice names it; 针对“…”问题 by the quoted problem alone."""
    return m.group(0) if m.group("a") else m.group("p")


def _prose_items(text: str) -> list[str]:
    _, items = split_enumeration(text)
    if len(items) >= 2:
        return [first_sentence(item) for item in items]
    m = _PROBLEM_LIST.search(text)
    if m:
        return [p.strip() for p in re.split(r"[、；;]", m.group("list")) if p.strip()]
    return _problem_clauses(first_paragraph_sentence(text))


def first_paragraph_sentence(text: str) -> str:
    """The text up to its first full stop (a list of clauses split by ；)."""
    m = re.search(r"[。！？!?\n]", text)
    return text[: m.start()] if m else text
