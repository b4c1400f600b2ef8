"""Copied text (雷同): the generator's wording and stock phrases are discounted, what units wrote is compared."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import call_command

from qinglian.lib.testing import make_person, make_unit
from qinglian.oversight import minhash, similar
from qinglian.oversight.models import IndexedReport
from qinglian.oversight.tests.conftest import YEAR, upload
from qinglian.reports.services import report_generate

PARAGRAPH = ("围绕窗口服务、项目审批、资金拨付三个关键环节，逐项梳理办事流程，绘制权力运行流程图十二张，推行“一事一档、"
             "全程留痕”，对超时办理的事项由分管领导当面说明情况，确保群众反映的每一件事都有人管、有回音、有结果。")
PERSONAL = ("一年来，我始终把学习作为第一需要，坚持每天阅读党报党刊，撰写学习笔记三万余字，在系统内作了专题辅导。"
            "我严格遵守中央八项规定精神，从不接受管理服务对象的宴请，坚决不收受礼品礼金，不违规使用公车，"
            "配偶子女均未在我分管领域经商办企业。存在的不足：联系实际思考不够深入，深入基层调研的时间还不够多。")


def draft(user, unit):  # type: ignore[no-untyped-def]
    return report_generate(user=user, unit=unit, genre="responsibility", date_from=dt.date(YEAR, 1, 1),
                           date_to=dt.date(YEAR, 12, 31))


def test_twenty_units_generated_drafts_flag_none_though_their_raw_text_is_alike(world, media) -> None:
    units = [make_unit(f"县第{i + 1}局", world.county) for i in range(20)]
    texts = []
    for unit in units:
        made = draft(world.supervisor, unit)
        texts.append(similar.generated_text(made))
        upload(world.supervisor, unit, texts[-1], f"{made.title}.txt")  # uploaded unchanged
    assert minhash.jaccard(minhash.shingle_hashes(texts[0]), minhash.shingle_hashes(texts[1])) > 0.5
    assert similar.similar_pairs(world.county, 0.2) == []
    assert IndexedReport.objects.filter(upload__isnull=False).count() == 20


def test_two_units_sharing_a_paragraph_they_wrote_are_a_pair_with_the_paragraph(world, media) -> None:
    for unit, extra in ((world.a, PARAGRAPH), (world.b, PARAGRAPH), (world.county, "本县今年另行开展了清廉村居建设试点工作，"
                                                                                    "在三个村试行村务监督委员会季度述职。")):
        made = draft(world.supervisor, unit)
        upload(world.supervisor, unit, similar.generated_text(made) + "\n" + extra, f"{made.title}.txt")
    pairs = similar.similar_pairs(world.county)
    assert [(p.a.unit, p.b.unit) for p in pairs] == [(world.a, world.b)]
    assert pairs[0].similarity > 0.9 and not pairs[0].same_owner
    assert pairs[0].passages() == [PARAGRAPH]
    # the subtree of b alone still sees the pair (one side in it); a unit outside both sees nothing
    assert len(similar.similar_pairs(world.b)) == 1
    assert similar.similar_pairs(world.a1) == []
    # what a user may see: both sides inside the subtree
    assert similar.similar_pairs(world.b, within=world.b) == []


def test_a_personal_report_copied_from_last_year_is_found_and_versions_are_not(world, media) -> None:
    person = make_person(world.a, "孙明", post="部长")
    first = upload(world.leader_a, world.a, f"孙明{YEAR - 1}年度述责述廉报告\n{PERSONAL}")
    second = upload(world.leader_a, world.a, f"孙明{YEAR}年度述责述廉报告\n{PERSONAL.replace('三万', '四万')}")
    assert first.person == person and first.year == YEAR - 1 and second.year == YEAR
    # a second version of this year's report (a typo fixed) is the same report, not a copy
    upload(world.leader_a, world.a, f"孙明{YEAR}年度述责述廉报告\n{PERSONAL.replace('三万', '五万')}")
    pairs = similar.similar_pairs(world.county)
    assert {(p.a.upload_id, p.b.upload_id) for p in pairs} <= {(first.pk, second.pk), (first.pk, second.pk + 1)}
    assert (first.pk, second.pk) in {(p.a.upload_id, p.b.upload_id) for p in pairs}
    assert all(p.same_owner for p in pairs)


def test_the_same_file_uploaded_twice_is_kept_once(world, media) -> None:
    text = f"县委宣传部{YEAR}年度工作总结\n{PARAGRAPH}"
    assert upload(world.clerk_a, world.a, text) == upload(world.clerk_a, world.a, text)


def test_stock_phrases_alone_make_no_pair(world, media) -> None:
    stock = "\n".join(line for line in similar.BOILERPLATE.read_text(encoding="utf-8").splitlines()
                      if line and not line.startswith("#"))
    upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n{stock}")
    upload(world.clerk_b, world.b, f"县财政局{YEAR}年度工作总结\n{stock}")
    assert similar.similar_pairs(world.county, 0.1) == []


def test_the_command_prints_the_pairs_as_json(world, media) -> None:
    upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n{PARAGRAPH}")
    b = upload(world.clerk_b, world.b, f"县财政局{YEAR}年度工作总结\n{PARAGRAPH}")
    out = io.StringIO()
    call_command("similar", "--unit", world.b.full_name, "--json", stdout=out)
    found = json.loads(out.getvalue())
    assert len(found) == 1
    assert found[0]["b"] == {"id": f"upload:{b.pk}", "unit": world.b.full_name, "title": b.title, "year": YEAR}
    assert found[0]["a"]["unit"] == world.a.full_name
    assert 0.9 < found[0]["similarity"] <= 1 and found[0]["passages"] == [PARAGRAPH]
    out = io.StringIO()
    call_command("similar", "--unit", world.a1.full_name, "--json", stdout=out)
    assert json.loads(out.getvalue()) == []


def test_reindex_keeps_the_answer(world, media) -> None:
    upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n{PARAGRAPH}")
    upload(world.clerk_b, world.b, f"县财政局{YEAR}年度工作总结\n{PARAGRAPH}")
    before = similar.as_json(similar.similar_pairs(world.county))
    assert similar.reindex() == 2
    assert similar.as_json(similar.similar_pairs(world.county)) == before
