"""Whole files sealed like field values: SM4-GCM through the provider, the file's own name as associated data.

    MAGIC + <key id> + "\n" + nonce + ciphertext + tag

A file is sealed where what it holds would be sealed in a column (a 党风廉政意见回复 quotes talk content, which is
always encrypted): the database's ciphertext would mean nothing if the same text lay in plain on the disk. The
associated data is the file's path under MEDIA_ROOT, so a sealed file copied over another (random) name fails
authentication. Old keys stay readable by id after `keys rotate`, like field values.
"""

from __future__ import annotations

from qinglian.crypto.provider import get_provider

MAGIC = b"QINGLIAN-SM4-FILE/1\n"
SUFFIX = ".sm4"


def seal_blob(content: bytes, name: str) -> bytes:
    key_id, blob = get_provider().seal(content, b"file|" + name.encode("utf-8"))
    return MAGIC + key_id.encode("ascii") + b"\n" + blob


def open_blob(data: bytes, name: str) -> bytes:
    """The plaintext; raises ValueError on a file that is not a sealed blob, and the provider's UnknownKey or
    AuthenticationFailed on a key not held or a changed (or moved) file."""
    if not data.startswith(MAGIC):
        raise ValueError("not a sealed file")
    key_id, _, blob = data[len(MAGIC):].partition(b"\n")
    return get_provider().open(key_id.decode("ascii"), blob, b"file|" + name.encode("utf-8"))
