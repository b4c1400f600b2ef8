"""paperwork.convert.to_ooxml: real .doc / .xls files (made by LibreOffice here) come back as .docx / .xlsx."""

from __future__ import annotations

import io
import time
from concurrent.futures import ThreadPoolExecutor

import docx
import pytest
from openpyxl import load_workbook

from paperwork import convert
from paperwork.filetypes import sniff
from paperwork.tests.data import samples

pytestmark = pytest.mark.skipif(convert.soffice() is None, reason="未安装 LibreOffice")


def _doc(text: str) -> bytes:
    data = samples.old_office(samples.docx_bytes(text), "doc")
    assert data is not None and sniff(data, "x.doc") == "doc"
    return data


def test_doc_and_wps_become_docx_with_the_text_kept() -> None:
    data = _doc("二〇一九年整改方案")
    for name in ("2019年整改方案.doc", "2019年整改方案.wps"):
        converted, new_name = convert.to_ooxml(data, name)
        assert new_name == "2019年整改方案.docx" and sniff(converted, new_name) == "docx"
        assert "二〇一九年整改方案" in [p.text for p in docx.Document(io.BytesIO(converted)).paragraphs]


def test_xls_becomes_xlsx() -> None:
    data = samples.old_office(samples.xlsx_bytes("问题清单"), "xls")
    if data is None:
        pytest.skip("LibreOffice 未安装电子表格组件（libreoffice-calc-nogui）")
    converted, new_name = convert.to_ooxml(data, r"C:\台账\旧台账.XLS")
    assert new_name == "旧台账.xlsx"
    assert load_workbook(io.BytesIO(converted)).active["A1"].value == "问题清单"


def test_parallel_conversions_do_not_clash() -> None:
    data = _doc("并行转换")
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda i: convert.to_ooxml(data, f"文件{i}.doc"), range(3)))
    assert [name for _, name in results] == ["文件0.docx", "文件1.docx", "文件2.docx"]


def test_what_cannot_be_converted_says_to_save_as() -> None:
    for data, name in ((samples.docx_bytes(), "新格式.docx"), (samples.HTML, "页面.doc"),
                       (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\x00" * 600,
                        "损坏.doc")):
        with pytest.raises(convert.ConvertError) as caught:
            convert.to_ooxml(data, name)
        assert caught.value.message_zh.endswith("请另存为 .docx / .xlsx 后上传。")


def test_a_conversion_over_its_time_limit_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(convert.ConvertError) as caught:
        convert.to_ooxml(_doc("超时"), "超时.doc", timeout=0.05)
    assert "超过" in caught.value.message_zh and time.monotonic() - started < 10


def test_without_libreoffice_the_user_is_told_to_save_as(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _doc("无 LibreOffice")
    monkeypatch.setattr(convert, "soffice", lambda: None)
    with pytest.raises(convert.ConvertError) as caught:
        convert.to_ooxml(data, "旧文件.doc")
    assert "未安装 LibreOffice" in caught.value.message_zh and "请另存为 .docx / .xlsx 后上传" in caught.value.message_zh
