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
    """A compound file holding `streams`, each named by its path: "name" at the root, "storage/name"
    in a storage (as a message's attachments are)."""
    tree: dict[str, dict[str, bytes] | bytes] = {}
    for path, data in streams.items():
        storage, _, name = path.rpartition("/")
        if storage:
            tree.setdefault(storage, {})[name] = data  # type: ignore[index]
        else:
            tree[name] = data
    # Directory entries in order: the root, then each level's siblings (a right-leaning chain) with a
    # storage's children after it. (name, kind, data, child index or FREE, right sibling or FREE)
    entries: list[list] = [["Root Entry", 5, b"", FREE, FREE]]

    def add(level: dict) -> int:
        first = len(entries)
        names = sorted(level, key=lambda n: (len(n), n.upper()))
        indices = []
        for name in names:
            indices.append(len(entries))
            value = level[name]
            entries.append([name, 1 if isinstance(value, dict) else 2, b"" if isinstance(value, dict) else value, FREE, FREE])
            if isinstance(value, dict):
                entries[indices[-1]][3] = add(value)
        for this, following in zip(indices, indices[1:]):
            entries[this][4] = following
        return first if names else FREE

    entries[0][3] = add(tree)
    datas = [e[2].ljust(MINI_CUTOFF, b"\0") if e[1] == 2 else b"" for e in entries]
    data_sectors = [-(-len(d) // SECTOR) for d in datas]
    dir_sectors = -(-len(entries) * 128 // SECTOR)
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < fat_sectors + dir_sectors + sum(data_sectors):
        fat_sectors += 1
    fat = [FAT_SECTOR] * fat_sectors
    first_dir = len(fat)
    fat += [*range(first_dir + 1, first_dir + dir_sectors), END]
    starts = []
    for count in data_sectors:
        starts.append(len(fat) if count else END)
        fat += [*range(len(fat) + 1, len(fat) + count), END] if count else []
    fat += [FREE] * (fat_sectors * SECTOR // 4 - len(fat))
    directory = b"".join(_entry(name, kind, right, child, start if kind == 2 else (END if kind == 5 else 0), len(data))
                         for (name, kind, _, child, right), start, data in zip(entries, starts, datas))
    directory = directory.ljust(dir_sectors * SECTOR, b"\0")
    difat = [*range(fat_sectors), *[FREE] * (109 - fat_sectors)]
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII109I", bytes.fromhex("d0cf11e0a1b11ae1"), bytes(16), 0x3E, 3, 0xFFFE, 9, 6, bytes(6),
                         0, fat_sectors, first_dir, 0, MINI_CUTOFF, END, 0, END, 0, *difat)
    body = struct.pack(f"<{len(fat)}I", *fat) + directory + b"".join(d.ljust(n * SECTOR, b"\0") for d, n in zip(datas, data_sectors))
    return header + body


def _filetime(when: datetime) -> int:
    return int((when - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def outlook_message(subject: str, body: str | None, *, sender_name: str = "", sender_address: str = "", html: bytes | None = None,
                    headers: str | None = None, sent: datetime | None = None, attached: dict[str, bytes] | None = None) -> bytes:
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
    for n, (name, data) in enumerate((attached or {}).items()):  # each attachment a storage: its file name and bytes
        storage = f"__attach_version1.0_#{n:08X}"
        streams[f"{storage}/__substg1.0_3707001F"] = name.encode("utf-16-le")
        streams[f"{storage}/__substg1.0_37010102"] = data
    return compound_file(streams)
