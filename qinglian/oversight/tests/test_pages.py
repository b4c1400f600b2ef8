"""The supervisor's view in pages: who sees what, the check page keeps what it read, exports, 督办 in one click."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from qinglian.ledger.models import SupervisionOrder
from qinglian.lib.testing import client_for
from qinglian.oversight.models import FindingOrder, UploadedReport
from qinglian.oversight.tests.conftest import YEAR, activities, upload

PARAGRAPH = ("围绕窗口服务、项目审批、资金拨付三个关键环节，逐项梳理办事流程，绘制权力运行流程图十二张，推行“一事一档、"
             "全程留痕”，对超时办理的事项由分管领导当面说明情况，确保群众反映的每一件事都有人管、有回音、有结果。")


def plant(world) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(YEAR, 3, 2)
    activities(world.a, [(day, day)] * 5)
    upload(world.clerk_a, world.a, f"县委宣传部{YEAR}年度工作总结\n组织干部职工集中学习15次。\n{PARAGRAPH}")
    upload(world.clerk_b, world.b, f"县财政局{YEAR}年度工作总结\n{PARAGRAPH}")


def test_the_check_page_keeps_the_report_it_read(world, media) -> None:
    text = f"县委宣传部{YEAR}年度工作总结\n组织干部职工集中学习15次。".encode()
    page = client_for(world.clerk_a).post("/reports/check/", {"file": SimpleUploadedFile("总结.txt", text)})
    assert page.status_code == 200 and "检查过的报告会留存" in page.content.decode()
    kept = UploadedReport.objects.get()
    assert (kept.unit, kept.year, kept.title, kept.created_by) == (world.a, YEAR, f"县委宣传部{YEAR}年度工作总结",
                                                                   world.clerk_a)
    assert kept.figures[0]["text"].endswith("集中学习15次") and kept.stored.startswith("sm3/")
    assert kept.indexed.own > 0


def test_supervisors_and_leaders_see_their_subtree_and_clerks_nothing(world, media) -> None:
    plant(world)
    sup = client_for(world.supervisor)
    for url in ("/oversight/", "/oversight/claims/", "/oversight/similar/", "/oversight/late/"):
        assert sup.get(url).status_code == 200, url
        assert client_for(world.clerk_a).get(url).status_code == 403, url
    found = sup.get("/oversight/").content.decode()
    assert "报告数字与记录不符" in found and "报告雷同" in found and "县财政局" in found
    leader = client_for(world.leader_a)
    mine = leader.get("/oversight/").content.decode()
    assert "报告数字与记录不符" in mine and "县财政局" not in mine  # the pair has a side outside the subtree
    assert leader.get(f"/oversight/?unit={world.b.pk}").status_code == 404
    other = UploadedReport.objects.get(unit=world.b)
    assert leader.get(f"/oversight/claims/{other.pk}/").status_code == 404
    mine_up = UploadedReport.objects.get(unit=world.a)
    assert leader.get(f"/oversight/similar/upload:{mine_up.pk}/upload:{other.pk}/").status_code == 404
    assert leader.get(f"/oversight/claims/{mine_up.pk}/").status_code == 200


def test_the_side_by_side_marks_the_shared_paragraph(world, media) -> None:
    plant(world)
    a, b = UploadedReport.objects.get(unit=world.a), UploadedReport.objects.get(unit=world.b)
    page = client_for(world.supervisor).get(f"/oversight/similar/upload:{a.pk}/upload:{b.pk}/").content.decode()
    assert page.count(f'<mark class="shared">{PARAGRAPH}</mark>') == 2  # left and right
    assert f"<li>{PARAGRAPH}</li>" in page  # and the list of shared passages above them
    assert "集中学习15次" in page and '<mark class="shared">组织' not in page


def test_claims_page_lists_the_gap_and_links_the_records(world, media) -> None:
    plant(world)
    up = UploadedReport.objects.get(unit=world.a)
    page = client_for(world.supervisor).get(f"/oversight/claims/{up.pk}/").content.decode()
    assert "集中学习15次" in page and "+10" in page and "/stats/records/?unit=" in page


def test_findings_export_to_excel_and_word(world, media) -> None:
    plant(world)
    sup = client_for(world.supervisor)
    book = load_workbook(io.BytesIO(sup.get(f"/oversight/findings.xlsx?year={YEAR}").content))
    rows = list(book.active.iter_rows(values_only=True))
    kinds = sorted(r[1] for r in rows if isinstance(r[0], int))
    assert kinds == ["报告数字与记录不符", "报告雷同"]
    doc = Document(io.BytesIO(sup.get(f"/oversight/findings.docx?year={YEAR}").content))
    assert "共发现问题2个" in "\n".join(p.text for p in doc.paragraphs)
    assert len(doc.tables[0].rows) == 3


def test_a_finding_becomes_one_supervision_order_in_one_click(world, media) -> None:
    plant(world)
    up = UploadedReport.objects.get(unit=world.a)
    key = f"claims:upload:{up.pk}"
    sup = client_for(world.supervisor)
    for _ in range(2):  # a second click shows the first order instead of a copy
        assert sup.post(f"/oversight/order/?year={YEAR}", {"key": key}).status_code == 302
    order = SupervisionOrder.objects.get()
    assert order.unit == world.a and order.issued_by == world.supervisor and "集中学习15次" in order.content
    assert order.problem.source.kind == "supervision" and order.problem.unit == world.a
    assert FindingOrder.objects.get().order == order
    assert "已督办" in sup.get(f"/oversight/?year={YEAR}").content.decode()
    # a leader sees findings but issues no 督办
    assert client_for(world.leader_a).post(f"/oversight/order/?year={YEAR}", {"key": key}).status_code == 403
    assert SupervisionOrder.objects.count() == 1
