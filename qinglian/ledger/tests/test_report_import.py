"""Importing a Word/txt report into the ledger (and plans into duties), through the web pages."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document

from paperwork.tests.pdfs import scanned_pdf
from qinglian.audit.models import AuditEntry
from qinglian.ledger.models import Aspect, Measure, MeasureStatus, Problem, Source
from qinglian.ledger.selectors import ledger_figures
from qinglian.records.models import Duty, DutyList, DutyListKind
from qinglian.records.services import duty_list_create
from qinglian.stats.registry import Scope

UPLOAD = "/ledger/report-import/"


def _seeds() -> Path:
    env = os.environ.get("QINGLIAN_SEEDS")
    return Path(env) if env else Path(__file__).resolve().parents[4] / "shared" / "seeds"


SEEDS = _seeds()


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt")) if SEEDS.is_dir() else []
    if not found:
        pytest.skip(f"seed {prefix} not found in {SEEDS} (set QINGLIAN_SEEDS to the seeds directory)")
    return found[0].read_text(encoding="utf-8")


def _docx(text: str) -> bytes:
    doc = Document()
    for line in text.splitlines():
        line = line.replace("##paidbegin##", "").replace("##paidend##", "").strip()
        if line:
            doc.add_paragraph(line)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


class _Form(HTMLParser):
    """The values a browser would submit from the page's confirm form, as the page left them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self.action = ""
        self._in_form = False
        self._select: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "confirm" in a.get("action", ""):
            self._in_form, self.action = True, a["action"]
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.data[name] = a.get("value", "on")
            else:
                self.data[name] = a.get("value", "")
        elif tag == "select":
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            if self._first is None:
                self._first = a.get("value", "")
                self.data[self._select] = self._first
            if "selected" in a:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.data[self._textarea] = "".join(self._text).strip()
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)


def _form(html: str) -> tuple[str, dict[str, str]]:
    parser = _Form()
    parser.feed(html)
    assert parser.action, "the preview has no confirm form"
    return parser.action, parser.data


def _upload(client: Client, name: str, data: bytes, unit: Any = None) -> Any:
    post: dict[str, Any] = {"file": SimpleUploadedFile(name, data)}
    if unit is not None:
        post["unit"] = unit.pk
    return client.post(UPLOAD, post)


def _preview(client: Client, name: str, data: bytes, unit: Any) -> tuple[str, str, dict[str, str]]:
    response = _upload(client, name, data, unit)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    action, data_ = _form(html)
    return html, action, data_


def _text(response: Any) -> str:
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def _rows() -> tuple[int, ...]:
    return (Source.with_deleted.count(), Aspect.with_deleted.count(), Problem.with_deleted.count(),
            Measure.with_deleted.count(), Duty.with_deleted.count(), AuditEntry.objects.count())


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _plan_rows(data: dict[str, str]) -> list[str]:
    """Row ids of the plans (they carry a target select)."""
    return sorted({k.removesuffix("-target") for k in data if k.endswith("-target")}, key=lambda r: int(r[1:]))


# -- seed 003: a rectification notice --------------------------------------------------------------------
def test_rectification_notice_imports_3_aspects_12_problems_with_measures_once(world) -> None:
    data = _docx(_seed("003"))
    client = world.client("clerk_a")
    html, action, form = _preview(client, "巡察整改情况.docx", data, world.a)
    assert "3个方面12项具体问题" in html and "巡察整改情况通报" in html
    assert form["kind"] == "inspection" and form["issued_by"] == "市委第七提级交叉巡察组"
    measure_rows = [k for k in form if k.endswith("-status") and f"{k.removesuffix('-status')}-target" not in form]
    form["feedback_date"] = "2021年7月26日"
    response = client.post(action, form)
    assert response.status_code == 302, _text(response)[:3000]
    source = Source.objects.get()
    assert response["Location"] == f"/ledger/sources/{source.pk}/"
    assert source.issued_by == "市委第七提级交叉巡察组" and source.feedback_date == dt.date(2021, 7, 26)
    figures = ledger_figures(Scope(world.a, dt.date(2021, 1, 1), dt.date(2021, 12, 31)))
    assert figures["phrase"] == "3个方面12项具体问题"
    measures = Measure.objects.count()
    assert measures == len(measure_rows) >= 24
    assert all(p.measures.exists() for p in Problem.objects.leaves())  # each with its 整改情况
    assert set(Measure.objects.values_list("status", flat=True)) <= {MeasureStatus.DONE, MeasureStatus.IN_PROGRESS}
    page = client.get(response["Location"])
    assert f"已导入：3个方面12项具体问题，{measures}条措施" in _text(page)
    assert "财务支出审核把关不严" in page.content.decode()

    before = _rows()
    html, action, form = _preview(client, "巡察整改情况.docx", data, world.a)
    assert "tag-green" not in html and "已存在" in html  # the preview already says nothing is new
    form["feedback_date"] = "2021-07-26"
    response = client.post(action, form, follow=True)
    assert "没有新内容：该报告的问题已全部在台账中" in _text(response)
    assert _rows()[:5] == before[:5]


def test_preview_edits_unchecked_rows_status_and_people_are_kept(world) -> None:
    data = _docx(_seed("003"))
    client = world.client("clerk_a")
    _html, action, form = _preview(client, "003.docx", data, world.a)
    measure_ids = sorted((k.removesuffix("-status") for k in form if k.endswith("-status") and
                          f"{k.removesuffix('-status')}-target" not in form), key=lambda r: int(r[1:]))
    first, second = measure_ids[0], measure_ids[1]
    del form[f"{second}-on"]  # unchecked
    form[f"{first}-text"] = "创新学习方式（已修改）"
    form[f"{first}-status"] = MeasureStatus.DONE
    form[f"{first}-owner"] = "张干事"
    form["default-leader"] = "李副部长"
    form["default-unit"] = "新闻宣传股"
    form["default-deadline"] = "长期坚持"
    form[f"{first}-deadline"] = "2021年9月底"
    response = client.post(action, form)
    assert response.status_code == 302, _text(response)[:3000]
    edited = Measure.objects.get(text="创新学习方式（已修改）")
    assert edited.status == MeasureStatus.DONE and edited.owner == world.staff_a
    assert edited.deadline == dt.date(2021, 9, 30) and edited.leader_in_charge == world.member_a
    assert edited.responsible_unit == world.a1
    others = Measure.objects.exclude(pk=edited.pk)
    assert others.count() == len(measure_ids) - 2
    assert not others.exclude(status=MeasureStatus.LONG_TERM).exclude(status=MeasureStatus.DONE).exists()
    assert not Measure.objects.filter(text__startswith="注重成果转化").exists()


def test_unknown_person_is_named_and_nothing_is_written(world) -> None:
    data = _docx(_seed("003"))
    client = world.client("clerk_a")
    _html, action, form = _preview(client, "003.docx", data, world.a)
    before = _rows()
    form["default-owner"] = "查无此人"
    form["default-deadline"] = "明年某天"
    response = client.post(action, form)
    assert response.status_code == 200
    text = _text(response)
    assert "查无此人" in text and "尚未导入" in text and "整改时限" in text
    assert _rows() == before
    assert 'value="查无此人"' in response.content.decode()  # the user's edits stay on the page


# -- seeds 000 / 002: responsibility reports -------------------------------------------------------------
def test_responsibility_report_problems_and_plans_to_a_duty_and_a_measure(world) -> None:
    duty_list = duty_list_create(user=world.clerk_a, unit=world.a, kind=DutyListKind.PARTY_ORG, year=2024, owner=None)
    data = _seed("000").encode("utf-8")
    client = world.client("clerk_a")
    html, action, form = _preview(client, "2022年度落实党风廉政建设责任制情况.txt", data, world.a)
    assert "存在的主要问题" in html and "落实党风廉政建设责任制情况报告" in html
    assert form["kind"] == "self_check" and form["issued_by"] == "县委宣传部"
    problem_ids = [k.removesuffix("-text") for k in form if k.endswith("-text") and f"{k[:-5]}-on" in form
                   and f"{k[:-5]}-status" not in form and k[:-5] != "r1"]
    plans = _plan_rows(form)
    assert len(problem_ids) == 3 and len(plans) == 4
    form[f"{plans[0]}-target"] = "duty"
    form[f"{plans[0]}-duty_list"] = str(duty_list.pk)
    form[f"{plans[0]}-frequency"] = "monthly"
    form[f"{plans[1]}-target"] = "measure"
    form[f"{plans[1]}-problem"] = problem_ids[0]
    form[f"{plans[1]}-deadline"] = "2024年6月底"
    form[f"{plans[1]}-owner"] = "张干事"
    form[f"{plans[2]}-target"] = "measure"  # to a new problem 下步工作计划
    form[f"{plans[3]}-target"] = "skip"
    form["feedback_date"] = "2023-01-10"
    response = client.post(action, form, follow=True)
    assert response.status_code == 200
    assert "已导入：1个方面4项具体问题，2条措施，1项责任事项" in _text(response)
    assert Problem.objects.leaves().count() == 4  # the report's 3 problems and 下步工作计划
    assert set(Aspect.objects.values_list("title", flat=True)) == {"存在的主要问题"}
    duty = Duty.objects.get()
    assert duty.duty_list == duty_list and duty.frequency == "monthly" and duty.text == "加强政治建设，强化理论武装"
    measure = Measure.objects.get(text="坚持全面从严，筑牢政治本色")
    assert measure.problem.text.startswith("对党员干部的教育管理需要进一步加强")
    assert measure.deadline == dt.date(2024, 6, 30) and measure.owner == world.staff_a
    assert measure.status == MeasureStatus.NOT_STARTED
    assert Measure.objects.get(problem__text="下步工作计划").text == "坚持问题导向，深化整改成果"

    before = _rows()
    _html, action, again = _preview(client, "report.txt", data, world.a)
    # the same choices on the new preview; its own one-time token (the first one has been used)
    again.update({k: v for k, v in form.items() if (k in again or k.endswith("-on")) and k != "once_token"})
    response = client.post(action, again, follow=True)
    assert "没有新内容" in _text(response)
    assert _rows()[:5] == before[:5]


def test_seed_002_plan_to_duty_needs_a_list(world) -> None:
    data = _docx(_seed("002"))
    client = world.client("clerk_a")
    html, action, form = _preview(client, "002.docx", data, world.a)
    assert "建立责任清单" in html  # no list yet: the page says where to make one
    plan = _plan_rows(form)[0]
    form[f"{plan}-target"] = "duty"
    form["feedback_date"] = ""
    before = _rows()
    response = client.post(action, form)
    assert response.status_code == 200 and "请选择放入哪份责任清单" in _text(response)
    assert _rows() == before
    assert not DutyList.objects.exists()


# -- bad input -------------------------------------------------------------------------------------------
BAD = [
    ("empty.txt", b"", "空"),
    ("scan.pdf", scanned_pdf(), "扫描件"),
    ("broken.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj" + bytes(200), "损坏"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(200), "图片"),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "另存为"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_get_their_message_and_write_nothing(world, settings: Any, name: str, data: bytes,
                                                       message: str) -> None:
    client = world.client("clerk_a")
    before = _rows()
    response = _upload(client, name, data, world.a)
    assert response.status_code == 200
    assert message in _text(response)
    if name.endswith(".doc"):
        assert ".docx" in _text(response)
    assert _rows() == before
    assert not list((Path(settings.MEDIA_ROOT) / "imports").glob("*"))


def test_a_text_with_nothing_to_import_is_read_and_the_preview_offers_nothing(world) -> None:
    client = world.client("clerk_a")
    before = _rows()
    response = _upload(client, "notes.txt", "今天开会。\n大家讨论了工作。\n会议很成功。\n".encode(), world.a)
    assert response.status_code == 302  # read, not refused
    page = client.get(response["Location"])
    text = _text(page)
    assert page.status_code == 200 and "没有可导入台账的内容" in text
    assert "确认导入" not in text and "不是一份报告" not in text
    assert _rows() == before


def test_too_large_file_is_refused_from_its_size_before_reading(world, settings: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from qinglian.ledger import views_report_import

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("an over-size upload was read")

    monkeypatch.setattr(views_report_import, "read_bytes", no_read)
    settings.QINGLIAN_MAX_UPLOAD_BYTES = 100 * 1024
    client = world.client("clerk_a")
    before = _rows()
    response = _upload(client, "big.docx", b"x" * (100 * 1024 + 1), world.a)
    assert response.status_code == 200
    assert "超过上限 100 KB" in _text(response) and "另存为 .docx" in _text(response)
    assert _rows() == before


# -- who may import --------------------------------------------------------------------------------------
def test_scoping(world) -> None:
    data = "关于2023年度工作情况的报告\n一、基本情况\n全年学习12次。\n二、存在问题\n一是学习不够。二是监督不严。\n".encode()
    clerk_b = world.client("clerk_b")
    assert clerk_b.get(UPLOAD, {"unit": world.a.pk}).status_code == 404
    assert _upload(clerk_b, "r.txt", data, world.a).status_code == 404
    assert clerk_b.get(UPLOAD).status_code == 200  # its own unit
    for who in ("supervisor", "sysadmin", "secadmin", "auditor"):
        client = world.client(who)
        assert client.get(UPLOAD).status_code == 403, who
        assert _upload(client, "r.txt", data, world.a).status_code == 403, who
    leader = world.client("leader_a")
    _html, action, form = _preview(leader, "r.txt", data, world.a)
    # another user's pending upload is not there for clerk_b (nor for anyone without the session)
    token_url = action.removesuffix("confirm/")
    assert clerk_b.get(token_url).status_code == 404
    assert clerk_b.post(action, form).status_code == 404
    assert world.client("supervisor").post(action, form).status_code == 403
    assert not Source.objects.exists()
    response = leader.post(action, form)
    assert response.status_code == 302 and Problem.objects.leaves().count() == 2
    assert leader.get(token_url).status_code == 404  # the upload is gone once imported


def test_upload_page_and_nav_for_writers(world) -> None:
    client = world.client("clerk_a")
    page = client.get(UPLOAD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "导入报告" in html and 'enctype="multipart/form-data"' in html and "县委宣传部" in html
    assert "导入报告" not in world.client("supervisor").get("/ledger/").content.decode()


# -- in a browser: one screenshot of the preview -----------------------------------------------------------
SHOTS = Path(__file__).resolve().parents[3] / ".tmp" / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser_upload_preview_and_confirm(world, browser_page, tmp_path: Path,  # type: ignore[no-untyped-def]
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from qinglian.lib.testing import PASSWORD, browser_second_factor

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM check below runs beside Playwright's loop

    path = tmp_path / "巡察整改情况.docx"
    path.write_bytes(_docx(_seed("003")))
    page = browser_page
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    browser_second_factor(page)
    page.wait_for_url(page.base_url + "/")
    page.click("nav.sidenav >> text=导入报告")
    page.set_input_files("input[type=file]", str(path))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/report-import/*/")
    assert "3个方面12项具体问题" in page.inner_text("dl.facts")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ledger-report-import-preview.png"), full_page=True)
    page.fill("#id_feedback_date", "2021-07-26")
    page.fill("#default-owner", "张干事")
    page.click("text=确认导入")
    page.wait_for_url("**/ledger/sources/*/")
    assert "已导入：3个方面12项具体问题" in page.inner_text("main")
    assert Measure.objects.filter(owner=world.staff_a).count() == Measure.objects.count() > 0


# -- the plan built from the preview (plain functions) ------------------------------------------------------
def _notice() -> Any:
    from paperwork.read import read_text

    return read_text(
        "关于巡察整改情况的通报\n"
        "一、整改落实情况\n"
        "（一）学习贯彻方面\n"
        "1.关于学习不到位的问题。\n"
        "整改情况：一是已完成集中学习。二是建立学习台账，按月通报。\n"
        "2.关于财务管理不规范的问题。\n"
        "（1）针对“报销把关不严”问题。\n"
        "整改情况：一是追缴违规资金。二是已制定报销制度。\n"
        "（2）针对“固定资产未登记”问题。\n"
        "整改情况：一是全部登记入账。二是每年盘点一次。\n"
        "二、下步工作计划\n"
        "一是持续深化思想认识。二是持续压实整改责任。\n")


def test_statuses_are_guessed_conservatively_and_unchecked_rows_drop_what_is_under_them() -> None:
    from qinglian.ledger.report_import import Edit, default_edits, report_plan, report_rows

    result = _notice()
    rows = report_rows(result)
    kinds = [r.kind for r in rows]
    assert kinds.count("aspect") == 1 and kinds.count("group") == 1 and kinds.count("part") == 2
    status = {r.text: r.status for r in rows if r.kind == "measure"}
    assert status["已完成集中学习"] == MeasureStatus.DONE and status["已制定报销制度"] == MeasureStatus.DONE
    assert status["建立学习台账，按月通报"] == MeasureStatus.IN_PROGRESS
    edits = default_edits(rows, rectification=True)
    assert all(edits[r.id].target == "skip" for r in rows if r.kind == "plan")
    plan = report_plan(rows, edits, Edit()).plan
    assert [len(p["children"]) for p in plan[0]["problems"]] == [0, 2]

    parts = [r for r in rows if r.kind == "part"]
    for part in parts:
        edits[part.id].on = False  # a group without its parts is a specific problem itself
    edits[parts[0].id].text = ""  # empty, but unchecked: no complaint
    out = report_plan(rows, edits, Edit())
    assert out.ok and [len(p["children"]) for p in out.plan[0]["problems"]] == [0, 0]

    aspect = next(r for r in rows if r.kind == "aspect")
    edits[aspect.id].on = False
    plan_row = next(r for r in rows if r.kind == "plan")
    edits[plan_row.id].target = "measure"
    edits[plan_row.id].problem = next(r.id for r in rows if r.kind == "problem")
    out = report_plan(rows, edits, Edit())
    assert [e.row for e in out.errors] == [plan_row.number] and "没有勾选" in out.errors[0].message
    edits[plan_row.id].problem = "new"
    out = report_plan(rows, edits, Edit())
    assert out.ok and out.plan == [{"title": "下步工作计划", "row": 0, "problems": [
        {"text": "下步工作计划", "children": [], "measures": [out.plan[0]["problems"][0]["measures"][0]]}]}]
