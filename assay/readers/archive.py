"""A .zip of articles: how news databases hand over many results at once (Nexis Uni's download of a
result list is a .zip of Word or RTF files, one article each) and how articles are mailed in bulk.
Each file in it is read by the reader its content calls for, as a file in a folder is; one that
cannot be read is named in the ingest report's notes and the rest go in. Before, a .zip was refused
as "binary data, not text".

A .zip that would unpack to far more than it holds (a "zip bomb") is refused before anything is
unpacked: articles compress by a factor of 3 to 10, so anything past `MAX_RATIO` is no archive of them.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from assay.sources import SourceError
from assay.types import Fetched, RawItem, SourceKind

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a first file, or the end of an empty archive
MAX_RATIO = 100
MAX_UNPACKED_BYTES = 500_000_000
# A package that is a zip inside: a Word, Excel or PowerPoint file, an OpenDocument, an e-book.
_PACKAGE_MEMBERS = ("[Content_Types].xml", "mimetype", "META-INF/manifest.xml")


def _member_names(content: bytes) -> set[str] | None:
    """The names of the files a zip holds; None for what is no zip, or a damaged one."""
    if not content.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None


def zip_holds(content: bytes, member: str) -> bool:
    """Whether `content` is a zip with `member` in it: how an Office package says what it is."""
    return member in (_member_names(content) or ())


# Packages no reader reads, named with the way out (a zip inside, so never "binary data").
_UNREAD_PACKAGES = {
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp), which Assay does not read: save it as .pptx or PDF",
    "application/vnd.oasis.opendocument.spreadsheet": "a spreadsheet (.ods), not an article: save the article itself as .docx, PDF or text",
    "application/epub+zip": "an EPUB e-book, which Assay does not read: save the chapter you want as PDF or text",
}


def unread_package(content: bytes) -> str | None:
    """What an Office package or e-book no reader reads is, with the way out; None for anything else."""
    if not content.startswith(ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            kind = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
    except (zipfile.BadZipFile, ValueError, KeyError):
        return None
    return _UNREAD_PACKAGES.get(kind) or next((what for member, what in _UNREAD_PACKAGES.items() if member in names), None)


def _hidden(name: str) -> bool:
    """What an archiver adds beside the files: macOS's resource forks, dot files, folders."""
    parts = PurePosixPath(name).parts
    return name.endswith("/") or any((part.startswith(".") and part not in (".", "..")) or part == "__MACOSX" for part in parts)


def archive_items(fetched: Fetched) -> list[RawItem]:
    # Imported here: the registry in assay.readers holds this reader too.
    from assay.readers import JSON_HEAD, JSON_SUFFIXES, opens_as_stories, parse_inner, supported_suffixes

    try:
        archive = zipfile.ZipFile(io.BytesIO(fetched.content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise SourceError(f"{fetched.source}: a damaged .zip archive ({exc}): download it again") from None
    with archive:
        members = [m for m in archive.infolist() if not _hidden(m.filename)]
        unpacked = sum(m.file_size for m in members)
        if unpacked > MAX_UNPACKED_BYTES or unpacked > MAX_RATIO * max(len(fetched.content), 1):
            raise SourceError(f"{fetched.source}: a .zip that unpacks to {unpacked:,} bytes from {len(fetched.content):,}: "
                              "no archive of articles is like that; unpack it yourself and ingest the folder")
        items: list[RawItem] = []
        unread: list[str] = []
        for member in members:
            # A member's name as a path inside the archive, never above it ("../../etc/passwd" is "etc/passwd").
            name = PurePosixPath(*[part for part in PurePosixPath(member.filename.replace("\\", "/")).parts if part not in ("/", "..", ".")])
            # As a folder's files are chosen: JSON only where it opens as stories (a wire service's ninjs).
            suffix = name.suffix.lower()
            if suffix not in supported_suffixes() and not (suffix in JSON_SUFFIXES and opens_as_stories(name.name, archive.open(member).read(JSON_HEAD))):
                unread.append(f"{name}: not a format articles come in ({name.suffix or 'no suffix'})")
                continue
            try:
                found = parse_inner(fetched, str(name), name.suffix.lower(), archive.read(member))
            except SourceError as exc:
                unread.append(f"{name}: {exc}")
                continue
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:  # damaged, encrypted, an unknown compression
                unread.append(f"{name}: not unpacked ({exc})")
                continue
            items.extend(found)
    if not items:
        raise SourceError(f"{fetched.source}: no article in the .zip could be read"
                          + (f" ({len(unread)} files; the first: {unread[0]})" if unread else " (it holds no files)"))
    items[0].notes = [*items[0].notes, f"read {len(members) - len(unread)} of the {len(members)} files in the .zip",
                      *(f"not read: {reason}" for reason in unread)]
    return items


class ZipReader:
    name = "zip"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".zip",)
    content_type = "application/zip"
    binary = True
    description = "a .zip archive"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        if not fetched.content.startswith(ZIP_MAGIC):
            return False
        names = _member_names(fetched.content)
        if names is None:  # a damaged archive, named so: reading it says so
            return fetched.content_type == self.content_type or fetched.source.lower().endswith(".zip")
        return not names.intersection(_PACKAGE_MEMBERS)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, archive_items(fetched)
