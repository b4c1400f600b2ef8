"""Old Office formats (.doc, .wps, .xls) → .docx / .xlsx through LibreOffice, for uploads.

Units still keep files from Word 2003 and WPS. Rather than sending each clerk off to "save as", the upload
is converted where LibreOffice is installed (Debian: libreoffice-writer-nogui for .doc/.wps,
libreoffice-calc-nogui for .xls); elsewhere, or when the conversion fails, the user is told to save the file
as .docx / .xlsx. Each run gets its own temporary directory and LibreOffice profile
(`-env:UserInstallation`), so conversions in parallel workers never share a lock file, and a time limit
after which the whole process group is killed (soffice starts soffice.bin as a child).

The result is sniffed again: only a real .docx / .xlsx leaves this module.

    data, name = to_ooxml(upload_bytes, "2019年整改方案.doc")   # → (.docx bytes, "2019年整改方案.docx")
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path, PurePath

from .filetypes import OLD_FORMATS, kind_of_name, sniff

TIMEOUT_SECONDS = 60.0
# LibreOffice's filters, named so that it never guesses: left to guess, it imports a damaged .doc as plain
# text and "converts" the garbage. WPS 文字 files of WPS Office 2003 and later are Word 97 files inside.
_IMPORT = {"doc": "MS Word 97", "wps": "MS Word 97", "xls": "MS Excel 97"}
_EXPORT = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
SAVE_AS = "请另存为 .docx / .xlsx 后上传。"


class ConvertError(Exception):
    """The file could not be converted. `message_zh` tells the user what to do (save it as .docx / .xlsx);
    it does not name the file, so a caller puts the name in front: f"“{name}”：{exc.message_zh}"."""

    def __init__(self, message_zh: str, cause: str = "") -> None:
        super().__init__(f"{message_zh} {cause}".strip())
        self.message_zh = message_zh
        self.cause = cause


def soffice() -> str | None:
    """LibreOffice's command, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def is_old_format(name: str) -> bool:
    """True for a name this module converts (.doc, .wps, .xls)."""
    return kind_of_name(name) in OLD_FORMATS


def to_ooxml(data: bytes, name: str, *, timeout: float = TIMEOUT_SECONDS) -> tuple[bytes, str]:
    """The .docx (for .doc, .wps) or .xlsx (for .xls) made from `data`, and the name with its new extension.

    Raises ConvertError, with a Chinese message, when the name is not an old format, the content is not what
    the name says, LibreOffice is missing, or it fails or runs over `timeout` seconds."""
    old = sniff(data, name)
    base = PurePath(name.replace("\\", "/")).stem or "文件"
    if old not in OLD_FORMATS:
        raise ConvertError(f"不是有效的 .doc / .wps / .xls 文件，{SAVE_AS}")
    target = OLD_FORMATS[old]
    exe = soffice()
    if exe is None:
        raise ConvertError(f"本机未安装 LibreOffice，无法转换旧版格式的文件，{SAVE_AS}")
    with tempfile.TemporaryDirectory(prefix="qinglian-convert-") as tmp:
        work = Path(tmp)
        source = work / f"upload.{'xls' if old == 'xls' else 'doc'}"  # never the user's name on the command line
        source.write_bytes(data)
        out = work / "out"
        cmd = [exe, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--nolockcheck", f"--infilter={_IMPORT[old]}", "--convert-to", _EXPORT[target],
               "--outdir", str(out), str(source)]
        cause = _run(cmd, timeout=timeout, home=work)
        result = out / f"upload.{target}"
        converted = result.read_bytes() if result.is_file() else b""
    new_name = f"{base}.{target}"
    if sniff(converted, new_name) != target:
        raise ConvertError(f"无法转换（文件可能已损坏或加密），{SAVE_AS}", cause)
    return converted, new_name


def _run(cmd: list[str], *, timeout: float, home: Path) -> str:
    """Run LibreOffice in its own process group; what it said on failure (empty when it exited cleanly)."""
    env = {**os.environ, "HOME": str(home)}  # LibreOffice writes under $HOME even with a private profile
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True)
    try:
        _, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):  # it may have ended in the meantime
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConvertError(f"转换超过 {timeout:g} 秒仍未完成，{SAVE_AS}", "timeout") from None
    return "" if process.returncode == 0 else f"exit {process.returncode}: {err.decode(errors='replace')[-300:]}"
