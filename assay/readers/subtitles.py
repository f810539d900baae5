"""Subtitles (.vtt, .srt): the transcript a video platform gives of a webcast, an interview or a
results call, as downloaded with the video or from its transcript panel.

Read as text, each cue's number and timing line ("00:01:04.200 --> 00:01:07.900 align:start") was a
statement and every sentence was cut across cues. Read as subtitles, the cues' words run together as
the spoken text; YouTube's automatic captions, which repeat each line in the next cue and stamp every
word (`<00:01:05.120><c> output</c>`), lose their repeats and stamps; a pause of `PAUSE_S` or more,
a speaker's turn (WebVTT's `<v Name>`, or a caption's ">>") starts a paragraph. A file has no title
line, so its name is the title (a video's, as downloaders name them), without a language code or a
video id ("….en.vtt", "[dQw4w9WgXcQ]").
"""

from __future__ import annotations

import re
from pathlib import Path

from assay.readers.text import read_text_file
from assay.sources import decode, source_suffix
from assay.types import Fetched, RawItem, SourceKind

PAUSE_S = 2.0
_TIMING = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})\s+-->\s+(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{3})")
_INLINE = re.compile(r"<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{3}>|</?c(?:\.[\w.-]+)?>|</?[ibu]>|</v>|<lang [^>]*>|</lang>|\{\\an\d\}")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
_HEADER_BLOCK = re.compile(r"^(?:WEBVTT|NOTE|STYLE|REGION)\b")
_STEM_NOISE = re.compile(r"(?:\s*\[[\w-]{6,}\])?(?:\.[a-z]{2}(?:-[A-Za-z]{2,4})?)?$")


def _seconds(h: str | None, m: str, s: str, ms: str) -> float:
    return int(h or 0) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000


def looks_like_subtitles(text: str) -> bool:
    head = text.lstrip("\ufeff \n")[:2000]
    return head.startswith("WEBVTT") or len(re.findall(r"^\d+\s*\n" + _TIMING.pattern, head, re.M)) >= 2


def subtitle_text(text: str) -> str:
    """The spoken text of a subtitle file, in paragraphs."""
    paragraphs: list[list[str]] = [[]]
    last_end = None
    spoken: list[str] = []  # every line taken, to drop a rolling caption's repeat
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").lstrip("\ufeff")):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        timings = [(i, found) for i, line in enumerate(lines) if (found := _TIMING.match(line))]
        if not timings or _HEADER_BLOCK.match(lines[0]):
            continue  # the header, a note, a style: no cue
        timing_at, timing = timings[0]
        start, end = _seconds(*timing.groups()[:4]), _seconds(*timing.groups()[4:])
        if last_end is not None and start - last_end >= PAUSE_S and paragraphs[-1]:
            paragraphs.append([])
        last_end = end
        for line in lines[timing_at + 1 :]:
            voice = _VOICE.search(line)
            line = " ".join(_INLINE.sub("", _VOICE.sub("", line)).split())
            turn = line.startswith(">>")
            line = line.lstrip("> ").strip()
            if not line or (spoken and line == spoken[-1]):
                continue
            if (voice or turn) and paragraphs[-1]:
                paragraphs.append([])
            if voice:
                line = f"{voice[1].strip()}: {line}"
            spoken.append(line)
            paragraphs[-1].append(line)
    return "\n\n".join(" ".join(p) for p in paragraphs if p) + "\n"


def read_subtitles(fetched: Fetched, text: str) -> RawItem:
    stem = _STEM_NOISE.sub("", Path(fetched.source).stem).strip() or Path(fetched.source).stem
    title = stem.replace("_", " ")
    markdown = f"---\ntitle: {title!r}\n---\n\n{subtitle_text(text)}"
    item = read_text_file(markdown, fetched.model_copy(update={"content_type": "text/markdown"}))
    item.notes.append("subtitles: read as the spoken text, without cue numbers and timings; titled by the file's name")
    return item


class SubtitleReader:
    name = "subtitles"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".vtt", ".srt")
    content_type = "text/vtt"
    binary = False
    description = "subtitles"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        text = decode(fetched) if text is None else text
        return source_suffix(fetched) in self.suffixes or fetched.content_type.startswith(("text/vtt", "application/x-subrip")) or looks_like_subtitles(text)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, [read_subtitles(fetched, decode(fetched) if text is None else text)]
