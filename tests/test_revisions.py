"""What an article's next version changed: sentences edited (and the figures that moved), added and
taken out, as `assay show` prints them."""

from __future__ import annotations

from datetime import UTC, datetime

from assay.revisions import revision

WHEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
BEFORE = ("Lynas Rare Earths said on Friday it had produced 1.5 tonnes of separated dysprosium oxide at Kuantan.\n\n"
          "The company expects about 120 tonnes a year once the circuit is ramped up in 2027.\n\n"
          "Shares rose 4.2% in Sydney.")
AFTER = ("Lynas Rare Earths said on Friday it had produced 1.6 tonnes of separated dysprosium oxide at Kuantan.\n\n"
         "The company expects about 120 tonnes a year once the circuit is ramped up in 2027.\n\n"
         "China accounts for about 99% of heavy rare earth separation, the IEA says.")


def test_a_correction_shows_the_sentence_and_the_figure_that_moved():
    found = revision(2, WHEN, "Lynas lifts output", BEFORE, "Lynas lifts heavy rare earths output", AFTER)
    assert (found.version, found.at, found.title_before) == (2, WHEN, "Lynas lifts output")
    assert [(c.kind, c.figures) for c in found.changes] == [("changed", [("1.5", "1.6")]), ("removed", []), ("added", [])]
    assert found.changes[1].before == "Shares rose 4.2% in Sydney." and found.changes[2].after.startswith("China accounts")


def test_the_same_text_again_changes_nothing():
    found = revision(3, WHEN, "Lynas lifts output", BEFORE, "Lynas lifts output", BEFORE.replace("\n\n", "\n\n\n"))
    assert found.changes == [] and found.title_before is None
