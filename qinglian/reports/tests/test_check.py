"""`qinglian check` (pure and with the records) on the seeds and on generated drafts, and the upload page."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from paperwork.check import main as pure_main
from paperwork.tests.test_read_seeds import SEEDS, needs_seeds
from qinglian.reports.services import report_draft

from .conftest import YEAR


def _seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def _checkdoc(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("checkdoc", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@needs_seeds
@pytest.mark.parametrize("prefix,least", [("000", 24), ("001", 10), ("002", 10), ("004", 20)])
def test_seeds_with_placeholders_fail(db, prefix: str, least: int, capsys) -> None:
    code, output = _checkdoc(str(_seed(prefix)))
    assert code == 1 and output.count("[占位符]") >= least
    assert pure_main([str(_seed(prefix))]) == 1
    assert "[占位符]" in capsys.readouterr().out


@needs_seeds
def test_seed_003_is_clean(db, capsys) -> None:
    assert _checkdoc(str(_seed("003"))) == (0, "未发现问题。\n")
    assert pure_main([str(_seed("003"))]) == 0


def test_generated_draft_is_clean_and_agrees_with_the_records(seeded, tmp_path: Path, capsys) -> None:
    w = seeded.world
    path = tmp_path / "报告.docx"
    for genre in ("responsibility", "rectification", "summary"):
        path.write_bytes(report_draft(unit=w.a, genre=genre, date_from=dt.date(YEAR, 1, 1),
                                      date_to=dt.date(YEAR, 12, 31)).docx)
        assert pure_main([str(path)]) == 0, capsys.readouterr().out
        code, output = _checkdoc(str(path), "--unit", str(w.a.pk), "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31")
        assert code == 0, output
        assert "与记录一致" in output
    path.write_bytes(report_draft(unit=w.a, genre="personal", person=w.principal_a, date_from=dt.date(YEAR, 1, 1),
                                  date_to=dt.date(YEAR, 12, 31)).docx)
    code, output = _checkdoc(str(path), "--unit", str(w.a.pk), "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31",
                             "--person", str(w.principal_a.pk))
    assert code == 0, output


def test_figures_that_disagree_with_the_records(seeded, tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    path.write_text(f"县委宣传部{YEAR}年度报告\n一、基本情况\n年内组织中心组学习14次，召开部务会议2次，"
                    "建立了2个方面5项具体问题台账。\n", encoding="utf-8")
    code, output = _checkdoc(str(path), "--unit", "县委宣传部", "--from", f"{YEAR}-01-01", "--to", f"{YEAR}-12-31")
    assert code == 1
    assert "第3段 [与记录不符] 年内组织中心组学习14次" in output and "报告写 14 次，记录为 4 次" in output
    assert "部务会议" not in output  # 2 meetings: right
    assert "整改台账为2个方面3项具体问题" in output


def test_cli_errors_are_chinese(db, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("一、基本情况\n正文。\n", encoding="utf-8")
    assert _checkdoc(str(tmp_path / "missing.docx"))[0] == 2
    code, output = _checkdoc(str(path), "--unit", "不存在的单位", "--from", "2026-01-01", "--to", "2026-12-31")
    assert code == 2 and "不存在的单位" in output
    code, output = _checkdoc(str(path), "--unit", "x")
    assert code == 2 and "--from" in output


def test_qinglian_check_routes_to_checkdoc(seeded, tmp_path: Path) -> None:
    """The console script: `qinglian check FILE` is pure, with --unit it needs the database (subprocess)."""
    path = tmp_path / "报告.txt"
    path.write_text("一、基本情况\n中心组学习*次。\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "qinglian.cli", "check", str(path)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1 and "占位符" in done.stdout


def test_upload_page(seeded) -> None:
    w = seeded.world
    clerk = w.client("clerk_a")
    assert clerk.get("/reports/check/").status_code == 200
    text = f"县委宣传部{YEAR}年度报告\n一、基本情况\n年内组织中心组学习14次，廉政党课*次。\n".encode()
    response = clerk.post("/reports/check/", {"file": SimpleUploadedFile("报告.txt", text)})
    body = response.content.decode()
    assert "发现 1 处" in body and "占位符" in body and "与记录不符" not in body
    response = clerk.post("/reports/check/", {"file": SimpleUploadedFile("报告.txt", text), "compare": "on",
                                              "unit": w.a.pk, "year": YEAR})
    body = response.content.decode()
    assert "发现 2 处" in body and "记录为 4 次" in body
    bad = clerk.post("/reports/check/", {"file": SimpleUploadedFile("报告.pdf", b"%PDF")})
    assert bad.status_code == 400 and "不是有效的 PDF 文件" in bad.content.decode()
    assert clerk.post("/reports/check/", {"file": SimpleUploadedFile("报告.txt", text), "compare": "on",
                                          "unit": w.b.pk, "year": YEAR}).status_code == 400


def test_the_check_page_compares_with_the_reports_own_unit_and_year(seeded) -> None:
    """The app's own report for last year, checked with the period and unit left blank, is compared with
    last year's records of the unit its title names — not with this year's (24 false findings before)."""
    from paperwork.write import report_text
    from qinglian.reports.services import report_draft

    w = seeded.world
    draft = report_draft(unit=w.a, genre="summary", date_from=dt.date(YEAR - 1, 1, 1),
                         date_to=dt.date(YEAR - 1, 12, 31), today=dt.date(YEAR, 1, 20))
    assert "中心组学习1次" in "".join(report_text(draft.docx))  # last year's one study, so there is a figure
    page = w.client("supervisor").post("/reports/check/", {
        "file": SimpleUploadedFile("总结.docx", draft.docx), "compare": "on"}).content.decode()
    assert "未发现问题" in page and "与记录不符" not in page
    assert f"已与示范县/县委宣传部（含下级单位）{YEAR - 1}年1月1日至{YEAR - 1}年12月31日的记录比对" in page
