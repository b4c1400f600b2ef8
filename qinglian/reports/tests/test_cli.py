"""`qinglian report …` writes a draft; mistakes are Chinese sentences with a non-zero exit."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document

from .conftest import YEAR


def test_report_command_writes_the_draft(seeded, tmp_path: Path) -> None:
    out = tmp_path / "报告.docx"
    stdout = io.StringIO()
    call_command("report", "--unit", "县委宣传部", "--genre", "summary", "--from", f"{YEAR}-01-01",
                 "--to", f"{YEAR}-12-31", "-o", str(out), stdout=stdout)
    assert "已生成" in stdout.getvalue() and "activity.central_group_study" in stdout.getvalue()
    assert Document(str(out)).paragraphs[0].text == f"县委宣传部{YEAR}年工作总结及{YEAR + 1}年工作计划"
    call_command("report", "--unit", str(seeded.world.a.pk), "--genre", "personal", "--year", str(YEAR),
                 "--person", str(seeded.world.principal_a.pk), "-o", str(out), stdout=io.StringIO())
    assert "王部长" in Document(str(out)).paragraphs[0].text


@pytest.mark.parametrize("args,message", [
    (["--unit", "没有这个单位", "--genre", "summary", "--year", "2026"], "没有这个单位"),
    (["--unit", "县委宣传部", "--genre", "novel", "--year", "2026"], "未知的报告类型"),
    (["--unit", "县委宣传部", "--genre", "summary"], "请给出统计时段"),
    (["--unit", "县委宣传部", "--genre", "summary", "--from", "2026-12-01", "--to", "2026-01-01"], "早于开始日期"),
    (["--unit", "县委宣传部", "--genre", "personal", "--year", "2026"], "--person"),
    (["--unit", "县委宣传部", "--genre", "personal", "--year", "2026", "--person", "999999"], "找不到编号"),
])
def test_report_command_errors(seeded, tmp_path: Path, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, "-o", str(tmp_path / "x.docx"), stdout=io.StringIO())


def test_genre_builders_do_not_need_django() -> None:
    code = ("import sys; import qinglian.reports.genres as g; "
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
