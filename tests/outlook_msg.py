"""Outlook messages (.msg) made here, as Outlook saves a mail: an OLE compound file (MS-CFB, version 3)
whose streams are the message's properties, named by their tags (MS-OXMSG). No library writes one,
so this writes the container itself; olefile, which Assay reads them with, reads it back.

Every stream is padded to the 4,096 bytes under which Outlook would keep it in the mini stream:
where a stream lives is olefile's business, and the writer stays small. Strings end in NULs there,
as some of Outlook's own do."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

SECTOR = 512
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
MINI_CUTOFF = 4096


def _entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQII4x", encoded, len(encoded), kind, 1, FREE, right, child, bytes(16), 0, 0, 0, start, size)


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams` at its root."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(MINI_CUTOFF, b"\0") for n in names]
    data_sectors = [-(-len(d) // SECTOR) for d in datas]
    dir_sectors = -(-(len(names) + 1) * 128 // SECTOR)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + dir_sectors + sum(data_sectors):
        fat_sectors += 1
    fat = [FAT_SECTOR] * fat_sectors
    first_dir = len(fat)
    fat += [*range(first_dir + 1, first_dir + dir_sectors), END]
    starts = []
    for count in data_sectors:
        starts.append(len(fat))
        fat += [*range(len(fat) + 1, len(fat) + count), END]
    fat += [FREE] * (fat_sectors * SECTOR // 4 - len(fat))
    entries = _entry("Root Entry", 5, FREE, 1, END, 0)
    for i, (name, start, data) in enumerate(zip(names, starts, datas), 1):
        entries += _entry(name, 2, i + 1 if i < len(names) else FREE, FREE, start, len(data))
    entries = entries.ljust(dir_sectors * SECTOR, b"\0")
    difat = [*range(fat_sectors), *[FREE] * (109 - fat_sectors)]
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII109I", bytes.fromhex("d0cf11e0a1b11ae1"), bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6),
                         0, fat_sectors, first_dir, 0, MINI_CUTOFF, END, 0, END, 0, *difat)
    body = struct.pack(f"<{len(fat)}I", *fat) + entries + b"".join(d.ljust(n * SECTOR, b"\0") for d, n in zip(datas, data_sectors))
    return header + body


def _filetime(when: datetime) -> int:
    return int((when - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def outlook_message(subject: str, body: str | None, *, sender_name: str = "", sender_address: str = "", html: bytes | None = None,
                    headers: str | None = None, sent: datetime | None = None) -> bytes:
    """A .msg as Outlook saves one: subject, sender, plain and HTML bodies, the transport headers of a
    received mail, and the time it was sent among the fixed-length properties."""
    def text(tag: str, value: str) -> tuple[str, bytes]:
        return f"__substg1.0_{tag}001F", value.encode("utf-16-le")

    streams = dict([text("0037", subject), text("0C1A", sender_name), text("0C1F", sender_address)])
    if body is not None:
        streams.update([text("1000", body)])
    if html is not None:
        streams["__substg1.0_10130102"] = html
    if headers is not None:
        streams.update([text("007D", headers)])
    properties = bytes(32)  # a top-level message's header: reserved, next ids, counts
    if sent is not None:  # PR_CLIENT_SUBMIT_TIME, a PT_SYSTIME
        properties += struct.pack("<HHIQ", 0x0040, 0x0039, 0x06, _filetime(sent))
    streams["__properties_version1.0"] = properties
    return compound_file(streams)
