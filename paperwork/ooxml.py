"""The one guard every uploaded .xlsx/.docx passes before a parser (openpyxl, python-docx, our own readers) sees it.

An Office file is a zip of XML parts, and a zip can lie: 1 MB of deflate inflates to 1 GB (a zip bomb), the
directory can declare sizes the data does not have, and an XML part can carry a DOCTYPE whose entities
expand a billion times or fetch another file (XXE). `open_package(data, max_unpacked=…)` refuses all of
that, or returns a `Package` the parsers may open:

- no more than `max_members` parts (counted on the raw bytes before the zip directory is even parsed);
- only the methods Office writes (stored, deflate): bzip2 and LZMA inflate without any bound per read;
- every part inflated through a counting reader that stops at the limit, whatever the directory declares;
  a part whose real size differs from its declared size is refused (parsers would see it truncated);
- no part inflates more than `max_ratio` times its compressed size (past RATIO_FLOOR), nor the whole file;
- no XML part holds a <!DOCTYPE or <!ENTITY declaration (in UTF-8/16/32), nor declares an encoding in
  which such a declaration could hide from that search (UTF-7, EBCDIC…).

Why the original bytes are safe to hand on once checked: every parser here reads the zip through
`zipfile`, which locates each part from the same directory and cuts every read at the part's declared
size; the guard has proved each declared size true and their sum within the limit, and refused duplicate
names, so a parser can inflate nothing the guard did not count. The guard keeps no inflated bytes (it
streams them through in CHUNK pieces), so refusing a bomb costs a few hundred kilobytes of memory.

Every refusal is a `PackageRefused` whose `message_zh` says, in Chinese, which limit was hit and what to do.
No Django here: the limits are parameters (the project passes its settings).
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

MB = 1024 * 1024
DEFAULT_MAX_UNPACKED = 50 * MB
DEFAULT_MAX_MEMBERS = 1000
DEFAULT_MAX_RATIO = 200  # Excel's sheets deflate 5–30 times; deflate cannot pass about 1,030
RATIO_FLOOR = 1 * MB  # a small part may deflate far (a page of spaces): ratios count past this size
CHUNK = 64 * 1024

CENTRAL_ENTRY = b"PK\x01\x02"
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_TRIGGERS = ("<!DOCTYPE", "<!ENTITY")
_PATTERNS = tuple(t.encode(enc) for t in _TRIGGERS for enc in ("ascii", "utf-16-le", "utf-16-be", "utf-32-le",
                                                              "utf-32-be"))
_CARRY = max(len(p) for p in _PATTERNS) - 1
_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})["']""")
_EBCDIC_XML = b"\x4c\x6f\xa7\x94"  # "<?xm" in EBCDIC, which libxml2 detects without a declaration

_RESAVE = "请在 Excel、WPS 或 Word 中打开它，“另存为” .xlsx / .docx 后再上传。"


class PackageRefused(ValueError):
    """An .xlsx/.docx refused before any parser opened it. `message_zh` says why and what to do; `reason` is
    one of REASONS, for a caller that words one case its own way (a reader's "this file is damaged")."""

    def __init__(self, message_zh: str, reason: str) -> None:
        super().__init__(message_zh)
        self.message_zh, self.reason = message_zh, reason


REASONS = ("broken", "too_large", "ratio", "members", "duplicate", "method", "directory", "dtd", "encoding")


@dataclass(frozen=True)
class Package:
    """A checked .xlsx/.docx: its bytes (safe to hand to a parser, see the module's docstring), the names of its
    parts and their true inflated sizes."""

    data: bytes
    sizes: dict[str, int]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.sizes)

    @property
    def unpacked(self) -> int:
        return sum(self.sizes.values())

    def read(self, name: str) -> bytes | None:
        """One part's bytes (at most its checked size), or None when the package has no such part."""
        if name not in self.sizes:
            return None
        with zipfile.ZipFile(io.BytesIO(self.data)) as zf, zf.open(name) as fh:
            return fh.read(self.sizes[name] + 1)[: self.sizes[name]]


def _mb(n: int) -> str:
    return f"{n / MB:g} MB"


def _of(name: str) -> str:
    return f"文件“{name}”" if name else "文件"


def _broken(name: str) -> PackageRefused:
    return PackageRefused(f"{_of(name)}已损坏或不是 Excel（.xlsx）/ Word（.docx）文件，无法打开。{_RESAVE}", "broken")


def _too_large(name: str, max_unpacked: int) -> PackageRefused:
    return PackageRefused(
        f"{_of(name)}解压后的内容超过 {_mb(max_unpacked)}（上限），无法导入。请删去其中无关的工作表、图片和大片空白"
        "行列后另存再上传；内容确实很多的，请拆分为多个文件分批导入。", "too_large")


def open_package(data: bytes, *, name: str = "", max_unpacked: int = DEFAULT_MAX_UNPACKED,
                 max_members: int = DEFAULT_MAX_MEMBERS, max_ratio: int = DEFAULT_MAX_RATIO) -> Package:
    """Check `data` as an Office zip within the limits; the checked `Package`, or PackageRefused."""
    if data.count(CENTRAL_ENTRY) > max_members:  # before zipfile builds one object per directory entry
        raise _too_many(name, max_members)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except Exception:  # BadZipFile, or whatever a damaged directory makes zipfile raise
        raise _broken(name) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > max_members:
            raise _too_many(name, max_members)
        if len({i.filename for i in infos}) != len(infos):
            raise PackageRefused(f"{_of(name)}中有重复的部件名，不是 Office 正常保存的文件。{_RESAVE}", "duplicate")
        sizes: dict[str, int] = {}
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            if info.compress_type not in _METHODS or info.flag_bits & 0x1:  # other methods, or encrypted
                raise PackageRefused(f"{_of(name)}使用了 Office 不使用的压缩方式或已加密，无法读取。{_RESAVE}", "method")
            size = _inflate(zf, info, name, max_unpacked, max_unpacked - total, max_ratio)
            sizes[info.filename] = size
            total += size
    if total > RATIO_FLOOR and total > max_ratio * max(len(data), 1):
        raise _ratio(name, max_ratio)
    return Package(data=data, sizes=sizes)


def _too_many(name: str, max_members: int) -> PackageRefused:
    return PackageRefused(f"{_of(name)}中的部件超过 {max_members} 个（上限），不像是正常的 Office 文件。"
                          "请删去其中无关的内容后另存再上传。", "members")


def _ratio(name: str, max_ratio: int) -> PackageRefused:
    return PackageRefused(f"{_of(name)}解压后过大（超过压缩前的 {max_ratio} 倍），压缩比异常，可能是恶意构造的“压缩炸弹”，"
                          f"已拒绝。{_RESAVE}", "ratio")


def _inflate(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_unpacked: int, budget: int,
             max_ratio: int) -> int:
    """The true inflated size of one part, reading at most `budget` + 1 bytes of it and scanning it for
    DTD declarations; the declared size is not trusted (zipfile would stop reading at it)."""
    declared = info.file_size
    # our own ZipFile, discarded after the check: let zipfile read past the budget (it checks the CRC where it
    # believes the part ends, and must not believe that before the count below has gone past the budget)
    info.file_size = max(budget, 0) + CHUNK + 1
    ratio_limit = max(max_ratio * info.compress_size, RATIO_FLOOR)
    scan = _Scanner(name, info.filename)
    count = 0
    try:
        with zf.open(info) as fh:
            for chunk in _chunks(fh):
                count += len(chunk)
                if count > budget:
                    raise _too_large(name, max_unpacked)
                if count > ratio_limit:
                    raise _ratio(name, max_ratio)
                scan.feed(chunk)
    except PackageRefused:
        raise
    except Exception:  # zlib errors, bad CRC, truncated data, a local header that contradicts the directory
        raise _broken(name) from None
    finally:
        info.file_size = declared
    if count != declared:
        raise PackageRefused(f"{_of(name)}的目录与内容不符（部件“{info.filename}”声明 {declared} 字节，实际 {count} 字节），"
                             f"可能是恶意构造的文件，已拒绝。{_RESAVE}", "directory")
    return count


def _chunks(fh: IO[bytes]) -> Iterator[bytes]:
    while chunk := fh.read(CHUNK):
        yield chunk


class _Scanner:
    """Looks through one part, chunk by chunk, for a DTD declaration or an encoding that could hide one."""

    def __init__(self, name: str, part: str) -> None:
        self.name, self.part = name, part
        self.tail = b""
        self.head_checked = False

    def feed(self, chunk: bytes) -> None:
        if not self.head_checked:
            self.head_checked = True
            self._check_head(chunk)
        window = self.tail + chunk
        if any(p in window for p in _PATTERNS):
            raise PackageRefused(
                f"{_of(self.name)}的部件“{self.part}”中含有 XML 文档类型声明（DOCTYPE/ENTITY）。Excel、WPS 和 Word "
                f"保存的文件不会含有它，它可被用来攻击服务器，已拒绝。{_RESAVE}", "dtd")
        self.tail = window[-_CARRY:]

    def _check_head(self, chunk: bytes) -> None:
        head = chunk[:512]
        if head.startswith(_EBCDIC_XML):
            raise self._encoding("EBCDIC")
        declared = _declared_encoding(head)
        if declared is not None and not _searchable(declared):
            raise self._encoding(declared)

    def _encoding(self, encoding: str) -> PackageRefused:
        return PackageRefused(f"{_of(self.name)}的部件“{self.part}”使用了 Office 不使用的字符编码（{encoding}），"
                              f"已拒绝。{_RESAVE}", "encoding")


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_BARE = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))


def _declared_encoding(head: bytes) -> str | None:
    """The encoding an XML declaration at the start of `head` names, if any."""
    for bom, encoding in _BOMS:  # UTF-32 first: its little-endian mark begins like UTF-16's
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, errors="ignore")
            break
    else:
        encoding = next((enc for start, enc in _BARE if head.startswith(start)), "latin-1")
        text = head.decode(encoding, errors="ignore")
    found = _ENCODING.match(text)
    return found[1] if found else None


# encodings in which the bytes of "<!DOCTYPE" can only be written one way, and our byte search catches that way
_SEARCHABLE = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "ascii",
                         "cp1252", "gbk", "gb2312", "gb18030", "big5"})


def _searchable(encoding: str) -> bool:
    """Whether a DTD declaration written in `encoding` would show up in the byte search: UTF-7 can spell "<" as
    "+ADw-", EBCDIC spells it otherwise, and an encoding Python does not know may be one libxml2 knows."""
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        return False
    return codec in _SEARCHABLE or codec.startswith("iso8859-")
