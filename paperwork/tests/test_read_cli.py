"""`qinglian read FILE [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paperwork.read.cli import main

REPORT = (
    "2023年度述责述廉报告\n一、履职情况\n讲廉政党课3次，谈话XX人次。\n"
    "二、存在问题\n一是学习不深。二是监督不严。\n"
)


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes(REPORT.encode("gbk"))
    assert main([str(path), "--json"]) == 0
    out = capsys.readouterr().out
    assert "述责述廉" in out  # ensure_ascii=False
    data = json.loads(out)
    assert data["genre"] == "personal"
    assert data["outline"][0] == {"level": 1, "marker": "一、", "heading": "履职情况"}
    assert data["figures"][1] == {"text": "谈话XX人次", "number": "XX", "counting_unit": "人次"}
    assert data["problems"] == ["学习不深", "监督不严"]


def test_summary_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.txt"
    path.write_text(REPORT, encoding="utf-8")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "类型：述责述廉报告" in out and "未填写 1 处" in out


def test_read_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4 ...")
    assert main([str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert "PDF" in captured.err and captured.out == ""
