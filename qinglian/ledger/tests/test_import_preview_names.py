"""The import previews speak Chinese (issue 12): a source kind by its name (巡察, 督查, 自查), no code such as
`supervision`, `self_check` or `ledger.sources`, and no "关于关于…"."""

from __future__ import annotations

import io
import re

import pytest

from qinglian.ledger.tests.sheets import build
from qinglian.ledger.tests.test_report_import import _docx, _media, _preview, _seed  # noqa: F401

CODE = re.compile(r"\b[a-z]+(?:[._][a-z]+)+\b")


def _visible(html: str) -> str:
    html = re.sub(r"<(script|style|datalist|select)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(("kind", "label"), [("supervision", "督查"), ("self_check", "自查"), ("inspection", "巡察")])
def test_excel_import_preview_names_the_source_kind(world, kind: str, label: str) -> None:
    client = world.client("clerk_a")
    upload = io.BytesIO(build())
    upload.name = "台账.xlsx"
    response = client.post("/ledger/import/", {"file": upload, "kind": kind, "issued_by": "县委督查室",
                                               "feedback_date": "2021年7月26日"})
    assert response.status_code == 302
    text = _visible(client.get(response["Location"]).content.decode())
    assert f"{label} · 县委督查室" in re.sub(r"\s+", " ", text)
    assert kind not in text and not CODE.search(text), CODE.findall(text)


@pytest.mark.parametrize("seed", ["003", "002"])
def test_report_import_preview_has_no_code_names(world, seed: str) -> None:
    html, _action, _form = _preview(world.client("clerk_a"), "报告.docx", _docx(_seed(seed)), world.a)
    text = _visible(html)
    assert not CODE.search(text), CODE.findall(text)
    assert "关于关于" not in html
    chosen = re.search(r'<select name="kind"[^>]*>.*?<option value="[^"]*" selected>([^<]*)</option>', html, re.S)
    assert chosen and chosen.group(1) == {"003": "巡察", "002": "自查"}[seed]
