"""Subtitles (.vtt, .srt): the transcript a video platform gives of a webcast, an interview or a
results call, as downloaded with the video or from its transcript panel.

Read as text, each cue's number and timing line ("00:01:04.200 --> 00:01:07.900 align:start") was a
statement and every sentence was cut across cues. Read as subtitles (webvtt-py parses the cues,
WebVTT's and SubRip's, with their timings and voices, and takes out tags and word stamps such as
YouTube's `<00:01:05.120><c> output</c>`), the cues' words run together as the spoken text;
automatic captions, which repeat each line in the next cue, lose their repeats; a pause of
`PAUSE_S` seconds or more, a speaker's turn (WebVTT's `<v Name>`, or a caption's ">>") starts a
paragraph. A file has no title
line, so its name is the title (a video's, as downloaders name them), without a language code or a
video id ("….en.vtt", "[dQw4w9WgXcQ]").
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from assay.readers.text import read_text_file
from assay.sources import SourceError, decode, source_suffix
from assay.types import Fetched, RawItem, SourceKind

PAUSE_S = 2
_STEM_NOISE = re.compile(r"(?:\s*\[[\w-]{6,}\])?(?:\.[a-z]{2}(?:-[A-Za-z]{2,4})?)?$")
_SUBRIP_CUE = re.compile(r"^\d+\s*\n(?:\d+:)?\d{1,2}:\d{2}[.,]\d{3}\s+-->", re.M)


def looks_like_subtitles(text: str) -> bool:
    head = text.lstrip("\ufeff \n")[:2000]
    return head.startswith("WEBVTT") or len(_SUBRIP_CUE.findall(head)) >= 2


def _captions(text: str, source: str) -> list[webvtt.Caption]:
    """The cues, parsed by webvtt-py: WebVTT, or SubRip when the text does not open with "WEBVTT"."""
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    try:
        return webvtt.from_buffer(io.StringIO(text), format="vtt" if text.lstrip().startswith("WEBVTT") else "srt").captions
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise SourceError(f"{source}: damaged subtitles ({exc}): download them again") from None


def subtitle_text(text: str, source: str = "subtitles") -> str:
    """The spoken text of a subtitle file, in paragraphs."""
    paragraphs: list[list[str]] = [[]]
    last_end: int | None = None
    last_voice: str | None = None
    spoken: list[str] = []  # every line taken, to drop a rolling caption's repeat
    for caption in _captions(text, source):
        if last_end is not None and caption.start_in_seconds - last_end >= PAUSE_S and paragraphs[-1]:
            paragraphs.append([])
        last_end = caption.end_in_seconds
        for line in caption.text.split("\n"):
            line = html.unescape(" ".join(line.split()))
            turn = line.startswith(">>")  # a caption's change of speaker
            line = line.lstrip("> ").strip()
            if not line or (spoken and line == spoken[-1]):
                continue
            voice = caption.voice if caption.voice != last_voice else None  # a speaker's turn opens with their name
            last_voice = caption.voice
            if (voice or turn) and paragraphs[-1]:
                paragraphs.append([])
            spoken.append(line)
            paragraphs[-1].append(f"{voice.strip()}: {line}" if voice else line)
    if not spoken:
        raise SourceError(f"{source}: subtitles with no cue to read (a cue is a timing line, '00:00:01.000 --> 00:00:04.000', then its text)")
    if unpunctuated(spoken):
        paragraphs = [run for p in paragraphs for run in _runs(p)]
    return "\n\n".join(" ".join(p) for p in paragraphs if p) + "\n"


RUN_WORDS = 18  # an unpunctuated caption run is cut after about this many words: a sentence's length


def unpunctuated(lines: list[str]) -> bool:
    """Whether captions carry no sentence's end, as automatic captions do ("hey everyone welcome back…"): fewer
    than one full stop, question or exclamation mark in 60 words."""
    words = sum(len(line.split()) for line in lines)
    return words >= 40 and sum(len(re.findall(r"[.!?](?:\s|$)", line)) for line in lines) * 60 < words


def _runs(lines: list[str]) -> list[list[str]]:
    """A paragraph of unpunctuated captions as runs of whole cues of about `RUN_WORDS` words each: without
    them the paragraph was one statement of hundreds of words. Where the speaker's sentences end, nothing says."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if sum(len(x.split()) for x in runs[-1]) >= RUN_WORDS:
            runs.append([])
        runs[-1].append(line)
    return runs


def read_subtitles(fetched: Fetched, text: str) -> RawItem:
    stem = _STEM_NOISE.sub("", Path(fetched.source).stem).strip() or Path(fetched.source).stem
    title = stem.replace("_", " ")
    markdown = f"---\ntitle: {title!r}\n---\n\n{subtitle_text(text, fetched.source)}"
    item = read_text_file(markdown, fetched.model_copy(update={"content_type": "text/markdown"}))
    item.notes.append("subtitles: read as the spoken text, without cue numbers and timings; titled by the file's name")
    if unpunctuated(item.content.splitlines()):
        item.notes.append(f"the captions have no punctuation (automatic captions): each statement is a run of whole cues of about "
                          f"{RUN_WORDS} words, not a sentence")
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
