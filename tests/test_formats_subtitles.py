"""Subtitles (.vtt, .srt), as a video platform gives a webcast's transcript. The fixtures
(tests/fixtures/formats/subtitles/) were written here: one in the shape of YouTube's automatic
captions (each line repeated in the next cue, each word stamped), one plain SubRip file. Read as text,
every cue number and timing line had been a statement and sentences were cut across cues."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.types import Fetched

FIXTURES = Path(__file__).parent / "fixtures" / "formats" / "subtitles"


def read(path: Path, content: bytes | None = None):
    (item,) = parse(Fetched(source=str(path), content=content if content is not None else path.read_bytes(), content_type="text/plain"))[2]
    return item, to_article(item)


def test_automatic_captions_lose_their_repeats_stamps_and_timings():
    item, article = read(FIXTURES / "Lynas Q1 FY27 results webcast [a1B2c3D4e5F].en.vtt")
    assert article.title == "Lynas Q1 FY27 results webcast"  # the video's name, without its id and language
    # A pause of over two seconds, or a caption's ">>" (another speaker), starts a paragraph.
    assert article.body == ("welcome to the Lynas quarterly briefing. NdPr production was 2,204 tonnes.\n\n"
                            "thank you Amanda. my first question is on Malaysia.")
    assert "subtitles: read as the spoken text" in " ".join(item.notes)


def test_a_subrip_file_reads_as_sentences_across_its_cues():
    _, article = read(FIXTURES / "Lynas interview.srt")
    assert article.title == "Lynas interview"
    assert article.body.startswith("Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter, up 12%")
    assert "-->" not in article.body and "\n\nThe company expects to reach nameplate capacity by the middle of 2027." in article.body


def test_a_speakers_voice_opens_their_turn():
    vtt = ("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Amanda Lacaze>We produced 2,204 tonnes of NdPr.</v>\n\n"
           "00:00:04.100 --> 00:00:06.000\n<v.analyst Reg Spencer>What about Malaysia?\n")
    _, article = read(Path("/tmp/call.vtt"), vtt.encode())
    assert article.body == "Amanda Lacaze: We produced 2,204 tonnes of NdPr.\n\nReg Spencer: What about Malaysia?"


@pytest.mark.parametrize("text", ["Timeline\n\n1\n2026: Lynas signs.\n", "Lynas said output rose.\n\n00:00 is midnight.\n"])
def test_text_that_mentions_times_is_text(text):
    item, _ = read(Path("/tmp/notes.txt"), text.encode())
    assert "subtitles" not in " ".join(item.notes)


@pytest.mark.parametrize("content", ["WEBVTT\n\n00:00:01.000 --> garbage\nHello\n", "WEBVTT\n\nNOTE only a note\n"])
def test_subtitles_with_no_cue_say_so(content):
    from assay.sources import SourceError

    with pytest.raises(SourceError, match="subtitles with no cue to read"):
        read(Path("/tmp/broken.vtt"), content.encode())


def test_captions_without_punctuation_are_cut_into_runs_of_whole_cues():
    """Written here (twenty-seventh session): automatic captions with no full stop at all, as a video platform makes
    them, had been one statement of every word between two pauses. Now a run of whole cues of about eighteen words
    is one, and the reading notes say the statements are no sentences."""
    from assay.statements import statements

    item, article = read(FIXTURES / "The metals desk, December 2026.en.vtt")
    found = [s.text for s in statements(article)]
    assert len(found) == 5 and max(len(s.split()) for s in found) <= 30
    assert found[0] == "hey everyone welcome back to the metals desk today we're talking about the new chinese export controls on"
    assert any("the captions have no punctuation" in note for note in item.notes)
    _, punctuated = read(FIXTURES / "Lynas interview.srt")  # sentences stay as they are
    assert "\n\nThe company expects to reach nameplate capacity by the middle of 2027." in punctuated.body
