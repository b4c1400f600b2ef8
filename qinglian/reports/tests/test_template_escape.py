"""Finding 1 of the outside test: a report template ran `os.popen` on the server. Through the upload page and
through `qinglian report --template`, every well-known escape is refused in Chinese and runs nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from paperwork.tests.template_payloads import PAYLOADS
from paperwork.tests.test_write_template import make_template
from qinglian.reports.models import ReportTemplate

from .conftest import YEAR
from .test_templates import _upload


def _payload(name: str, marker: Path) -> str:
    return PAYLOADS[name].replace("{marker}", str(marker))


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_upload_page_refuses_every_escape(world, tmp_path: Path, name: str) -> None:
    marker = tmp_path / "pwned"
    payload = _payload(name, marker)
    response = _upload(world.client("clerk_a"), make_template("{{ title }}", f"抄送：{payload}", "{{ date }}"))
    body = response.content.decode()
    assert response.status_code == 400 and "Traceback" not in body
    assert "抄送：" in body and ("不允许" in body or "不存在的数据" in body)
    assert not marker.exists()
    assert not ReportTemplate.objects.exists()


@pytest.mark.parametrize("name", ["lipsum globals", "subclasses loop", "cycler", "attr filter", "str.format"])
def test_the_report_command_refuses_every_escape(seeded, tmp_path: Path, name: str) -> None:
    marker = tmp_path / "pwned"
    template = tmp_path / "模板.docx"
    template.write_bytes(make_template("{{ title }}", f"抄送：{_payload(name, marker)}", "{{ date }}"))
    out = tmp_path / "报告.docx"
    with pytest.raises(CommandError, match=r"模板有误：.*(不允许|不存在的数据)"):
        call_command("report", "--unit", "县委宣传部", "--genre", "summary", "--year", str(YEAR),
                     "--template", str(template), "-o", str(out), stdout=io.StringIO())
    assert not marker.exists() and not out.exists()
