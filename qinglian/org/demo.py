"""The demo county: a deterministic, realistic unit tree with people and accounts (seed 003's county).

`build_demo()` creates the org part; each domain app may add `qinglian/<app>/demo.py` with a function
`populate(ctx: DemoContext) -> str` that adds its records (called in the order of DEMO_APPS) and returns a
one-line Chinese summary. Everything is relative to `ctx.today` and drawn from `ctx.rng`, so the same seed
and day give the same county.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from qinglian.org.models import (
    ADMIN_ROLES,
    SEGMENT,
    Person,
    Role,
    SecurityPolicy,
    TeamRole,
    Unit,
    UnitKind,
    User,
)
from qinglian.org.passwords import record_password
from qinglian.records.demo_texts import mobile

DEMO_PASSWORD = "Qinglian#2026"
DEMO_APPS = ("ledger", "verify", "records", "publicity", "reports", "dashboard", "oversight", "appraisal")
DEMO_USERNAMES = ("xcb_clerk", "xcb_leader", "jw_clerk", "town_clerk", "county_leader", "jjz_supervisor",
                  "sysadmin", "secadmin", "auditor")

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红志斌辉波鹏飞宇浩然晨雪梅琳颖俊峰亮成林海燕文玲婷云丹彬宁欣蕾琴晓东春生荣德贵")

PARTY_DEPTS = ["县委办公室", "县委组织部", "县委宣传部", "县委统战部", "县委政法委员会", "县委机构编制委员会办公室",
               "县委巡察工作领导小组办公室", "县委党校", "县融媒体中心", "县委党史研究室", "县档案馆", "县委老干部局",
               "县直机关工委", "县总工会", "团县委", "县妇联"]
GOV_DEPTS = ["县人民政府办公室", "县发展和改革局", "县教育局", "县科学技术局", "县工业和信息化局", "县公安局", "县民政局",
             "县司法局", "县财政局", "县人力资源和社会保障局", "县自然资源局", "县生态环境局", "县住房和城乡建设局",
             "县交通运输局", "县水利局", "县农业农村局", "县商务局", "县文化旅游体育局", "县卫生健康局",
             "县退役军人事务局", "县应急管理局", "县审计局", "县市场监督管理局", "县统计局", "县医疗保障局", "县林业局",
             "县乡村振兴局", "县信访局", "县数据局", "县城市管理局", "县行政审批服务局", "县供销合作社",
             "县融资担保中心", "县公共资源交易中心", "县疾病预防控制中心", "县人民医院", "县中医医院", "县第一中学",
             "县职业技术学校", "县气象局"]
DISCIPLINE_DEPTS = ["县纪委监委办公室", "县纪委监委党风政风监督室", "县纪委监委第一监督检查室", "县纪委监委第二监督检查室",
                    "县纪委监委第三监督检查室", "县纪委监委第一审查调查室", "县纪委监委第二审查调查室", "县纪委监委案件审理室",
                    "县纪委监委宣传部", "县纪委监委信访室", "县纪委监委干部监督室"] + [
    f"县纪委监委派驻第{n}纪检监察组" for n in "一二三四五六七八"]
PROPAGANDA_OFFICES = ["办公室", "理论教育股", "新闻宣传股", "县委网信办", "文明创建股", "文艺宣传股"]
TOWNS = ["城关镇", "东关镇", "西山镇", "南河镇", "北坪镇", "青石镇", "白龙镇", "红岩镇", "桃源乡", "柳溪乡", "石门乡",
         "清水乡", "金田镇", "龙泉镇", "马坡乡", "安乐镇", "新华乡", "平安镇"]
TOWN_OFFICES = ["党政办公室", "纪委", "机关党支部"]
PORTFOLIOS = ["党建、意识形态", "党风廉政建设", "财务、后勤", "新闻宣传", "网络安全和信息化", "精神文明建设", "干部人事",
              "业务工作", "安全生产", "项目建设", "信访维稳", "乡村振兴", "理论学习", "文化产业"]


@dataclass
class DemoContext:
    rng: random.Random
    seed: int
    today: date
    county: Unit
    units: dict[str, Unit]  # named units: "county", "party", "gov", "discipline", "xcb", "jw_xcb", "towns:<name>" …
    people: dict[int, list[Person]]  # unit id → people, principal first
    users: dict[str, User]
    scale: int = 1  # >1 for benchmark data sets: apps add records in proportion
    log: Callable[[str], None] = print
    extra: dict[str, Any] = field(default_factory=dict)

    def principal(self, unit: Unit) -> Person | None:
        return next((p for p in self.people.get(unit.pk, []) if p.team_role == TeamRole.PRINCIPAL), None)

    def team(self, unit: Unit) -> list[Person]:
        return [p for p in self.people.get(unit.pk, []) if p.team_role != TeamRole.STAFF]

    def staff(self, unit: Unit) -> list[Person]:
        return [p for p in self.people.get(unit.pk, []) if p.team_role == TeamRole.STAFF]

    def departments(self) -> list[Unit]:
        return [u for u in self.units.values() if u.kind == UnitKind.DEPARTMENT]


class _Tree:
    """Builds units in memory with their paths, then saves them in bulk."""

    def __init__(self) -> None:
        self.units: list[Unit] = []
        self.children: dict[str, int] = {}

    def add(self, name: str, kind: str, parent: Unit | None, short: str = "") -> Unit:
        prefix = parent.path if parent else ""
        n = self.children.get(prefix, 0) + 1
        self.children[prefix] = n
        unit = Unit(name=name, short_name=short, kind=kind, order=n,  # parent wired after insert
                    path=prefix + str(n).zfill(SEGMENT), full_name=f"{parent.full_name}/{name}" if parent else name)
        self.units.append(unit)
        return unit


def _county(tree: _Tree, parent: Unit | None, name: str, named: dict[str, Unit] | None) -> list[Unit]:
    county = tree.add(name, UnitKind.COUNTY, parent)
    party = tree.add("县委", UnitKind.ORGAN, county)
    gov = tree.add("县政府", UnitKind.ORGAN, county)
    discipline = tree.add("县纪委监委", UnitKind.ORGAN, county)
    created = [county, party, gov, discipline]
    for dept in PARTY_DEPTS:
        unit = tree.add(dept, UnitKind.DEPARTMENT, party, short=dept.removeprefix("县委").removeprefix("县"))
        created.append(unit)
        if dept == "县委宣传部":
            if named is not None:
                named["xcb"] = unit
            for office in PROPAGANDA_OFFICES:
                created.append(tree.add(office, UnitKind.OFFICE, unit))
            created.append(tree.add("机关党支部", UnitKind.BRANCH, unit))
        elif dept == "县融媒体中心" and named is not None:
            named["media"] = unit
    for dept in GOV_DEPTS:
        unit = tree.add(dept, UnitKind.DEPARTMENT, gov, short=dept.removeprefix("县"))
        created.append(unit)
        created.append(tree.add("机关党支部", UnitKind.BRANCH, unit))
    for dept in DISCIPLINE_DEPTS:
        unit = tree.add(dept, UnitKind.DEPARTMENT, discipline, short=dept.removeprefix("县纪委监委"))
        created.append(unit)
        if named is not None and dept == "县纪委监委宣传部":
            named["jw_xcb"] = unit
        if named is not None and dept == "县纪委监委派驻第一纪检监察组":
            named["jjz1"] = unit
    for town in TOWNS:
        unit = tree.add(town, UnitKind.TOWN, county)
        created.append(unit)
        if named is not None:
            named[f"towns:{town}"] = unit
        for office in TOWN_OFFICES:
            created.append(tree.add(office, UnitKind.BRANCH if "支部" in office else UnitKind.OFFICE, unit))
    if named is not None:
        named.update(county=county, party=party, gov=gov, discipline=discipline)
    return created


def _name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _posts(unit: Unit) -> tuple[str, list[str], str]:
    """(principal post, team member posts, staff post) by the kind of unit."""
    name = unit.name
    if unit.kind == UnitKind.TOWN:
        return "党委书记", ["镇长", "党委副书记", "纪委书记", "党委委员、宣传委员", "副镇长"], "干部"
    if unit.kind in (UnitKind.OFFICE, UnitKind.BRANCH):
        head = "支部书记" if unit.kind == UnitKind.BRANCH else ("主任" if "办" in name else "股长")
        return head, ["副股长"], "干事"
    if unit.kind in (UnitKind.COUNTY, UnitKind.ORGAN, UnitKind.PROVINCE, UnitKind.CITY):
        return "书记", ["副书记", "常委"], "干部"
    if "纪检监察组" in name:
        return "组长", ["副组长"], "纪检监察员"
    if "纪委" in name:
        return "主任", ["副主任"], "纪检监察员"
    if name.endswith("部"):
        return "部长", ["常务副部长", "副部长", "副部长"], "干事"
    if name.endswith("局") or name.endswith("委"):
        return "党组书记、局长", ["党组成员、副局长", "党组成员、副局长", "纪检监察员"], "科员"
    return "党组书记、主任", ["副主任", "副主任"], "科员"


def _people_for(unit: Unit, rng: random.Random, count: int) -> list[Person]:
    head, team_posts, staff_post = _posts(unit)
    people = [Person(unit=unit, name=_name(rng), post=head, team_role=TeamRole.PRINCIPAL,
                     portfolio="全面工作", order=1)]
    for i, post in enumerate(team_posts[: max(0, count - 2)], start=2):  # keep at least one staff member
        areas = "、".join(rng.sample(PORTFOLIOS, 2))
        people.append(Person(unit=unit, name=_name(rng), post=post, team_role=TeamRole.TEAM_MEMBER,
                             portfolio=areas, order=i))
    for i in range(len(people) + 1, count + 1):
        people.append(Person(unit=unit, name=_name(rng), post=staff_post, team_role=TeamRole.STAFF, order=i))
    return people


def _weights(unit: Unit) -> int:
    return {UnitKind.DEPARTMENT: 14, UnitKind.TOWN: 22, UnitKind.OFFICE: 4, UnitKind.BRANCH: 3}.get(unit.kind, 3)


@transaction.atomic
def build_demo(*, seed: int = 2026, today: date, units: int = 0, people: int = 2000,
               log: Callable[[str], None] = print) -> DemoContext:
    if Unit.with_deleted.exists():
        raise ValueError("数据库中已有单位，示范数据只能装入空数据库。请换一个数据库文件（DATABASE_URL），或先删除现有数据库。")
    rng = random.Random(seed)
    tree, named = _Tree(), {}
    if units and units > 400:
        # Province scale: cities of counties, each county shaped like the demo county.
        per_county = len(_county(_Tree(), None, "样", None))
        counties = max(1, -(-units // per_county))  # ceiling: at least the units asked for
        province = tree.add("示范省", UnitKind.PROVINCE, None)
        cities = [tree.add(f"第{i + 1}市", UnitKind.CITY, province) for i in range(max(1, counties // 10))]
        _county(tree, cities[0], "示范县", named)
        for i in range(1, counties):
            _county(tree, cities[i % len(cities)], f"第{i + 1}县", None)
    else:
        _county(tree, None, "示范县", named)
    Unit.objects.bulk_create(tree.units, batch_size=1000)
    # bulk_create on SQLite returns no ids for parents already referenced; reload to wire ids.
    by_path = {u.path: u for u in Unit.objects.all()}
    for u in by_path.values():
        parent_path = u.path[:-SEGMENT]
        if parent_path:
            u.parent = by_path[parent_path]
    Unit.objects.bulk_update([u for u in by_path.values() if u.parent_id], ["parent"], batch_size=1000)
    named = {k: by_path[v.path] for k, v in named.items()}
    all_units = sorted(by_path.values(), key=lambda u: u.path)
    log(f"单位：{len(all_units)} 个")

    total_weight = sum(_weights(u) for u in all_units)
    target = max(people, 2 * len(all_units))
    rows: list[Person] = []
    for unit in all_units:
        count = max(2, round(_weights(unit) * target / total_weight))
        rows.extend(_people_for(unit, rng, count))
    phones = random.Random(f"phones-{seed}")  # its own stream: the rest of the demo is unchanged
    for person in rows:
        person.phone = mobile(phones)  # encrypted (crypto.fields): a dump of the demo shows none of them
    Person.objects.bulk_create(rows, batch_size=2000)
    by_unit: dict[int, list[Person]] = {}
    for person in Person.objects.filter(unit__in=[u.pk for u in named.values()]).order_by("order", "id"):
        by_unit.setdefault(person.unit_id, []).append(person)
    if len(all_units) <= 400:
        by_unit = {}
        for person in Person.objects.order_by("order", "id"):
            by_unit.setdefault(person.unit_id, []).append(person)
    log(f"干部：{len(rows)} 人")

    ctx = DemoContext(rng=rng, seed=seed, today=today, county=named["county"], units=named, people=by_unit,
                      users={}, scale=max(1, len(all_units) // 150), log=log)
    ctx.extra["all_units"] = all_units
    _accounts(ctx)
    return ctx


def _accounts(ctx: DemoContext) -> None:
    xcb, jjz = ctx.units["xcb"], ctx.units["jjz1"]
    specs = [
        ("xcb_clerk", Role.CLERK, xcb, ctx.staff(xcb)[0], "县委宣传部录入员"),
        ("xcb_leader", Role.LEADER, xcb, ctx.principal(xcb), "县委宣传部部长"),
        ("jw_clerk", Role.CLERK, ctx.units["discipline"], ctx.staff(ctx.units["jw_xcb"])[0], "县纪委监委宣传部录入员"),
        ("town_clerk", Role.CLERK, ctx.units["towns:城关镇"], ctx.staff(ctx.units["towns:城关镇"])[0], "城关镇录入员"),
        ("county_leader", Role.LEADER, ctx.county, ctx.principal(ctx.units["party"]), "县委书记（全县）"),
        ("jjz_supervisor", Role.SUPERVISOR, ctx.units["party"], ctx.principal(jjz), "派驻第一纪检监察组组长（监督县委各部门）"),
        ("sysadmin", Role.SYSADMIN, None, None, "系统管理员"),
        ("secadmin", Role.SECADMIN, None, None, "安全管理员"),
        ("auditor", Role.AUDITOR, None, None, "审计管理员"),
    ]
    hashed = make_password(DEMO_PASSWORD)  # hash once: PBKDF2 is slow on purpose
    now = timezone.now()
    for username, role, unit, person, label in specs:
        # The documented demo password stays usable: no forced change, its history recorded as if chosen now.
        user = User(username=username, role=role, unit=unit, person=person, first_name=label, password=hashed,
                    must_change_password=False, password_changed_at=now)
        user.save()
        record_password(user, now)
        ctx.users[username] = user
    _second_factor(ctx)


def _second_factor(ctx: DemoContext) -> None:
    """A newcomer's walk stays easy: business roles log in with the password alone, while the three admins
    need their TOTP code as always; each admin gets a confirmed device whose secret (random, made now, not
    from the seed) demo_logins prints, to be added to an authenticator app."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qinglian.factors.totp import TOTP_NAME

    policy = SecurityPolicy.current()
    policy.business_second_factor = False
    policy.save()
    for user in ctx.users.values():
        if user.role in ADMIN_ROLES:
            TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=True)


def demo_logins(ctx_users: dict[str, User]) -> list[str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qinglian.factors.totp import grouped, secret

    lines = []
    for u in ctx_users.values():
        lines.append(f"  {u.username:<16} {u.get_role_display():<6} {u.first_name}")
        device = TOTPDevice.objects.filter(user=u, confirmed=True).first() if u.role in ADMIN_ROLES else None
        if device is not None:
            lines.append(f"    动态口令密钥 {grouped(secret(device))}  {device.config_url}")
    return lines
