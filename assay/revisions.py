"""What changed between two versions of an article, sentence by sentence.

An article read again with other text keeps each version (the registry's `article_versions`): an
agency's "UPDATE 1" with a corrected figure, a company's release edited after it went out, a page's
correction. A reader wants the edit, not two bodies to compare: the sentences changed (and, in
each, the figures that moved: "1.5" -> "1.6"), added and taken out. Sentences are paired by
difflib over the two lists; within a run of replaced sentences, each earlier one goes with the later
one most like it, if any is alike enough to be the same sentence edited.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from datetime import datetime

from assay.analysis import NUMBER
from assay.statements import text_sentences
from assay.types import Revision, TextChange, Version

# Two sentences at least this alike (difflib's ratio over their characters) are one sentence edited.
SAME_SENTENCE = 0.6


def _sentences(body: str) -> list[str]:
    return [" ".join(s.text.split()) for s in text_sentences(body) if s.text.strip()]


def _moved_figures(before: str, after: str) -> list[tuple[str, str]]:
    """The figures of a sentence, in order, that its edit changed: pairs of (was, is)."""
    was, now = NUMBER.findall(before), NUMBER.findall(after)
    matcher = difflib.SequenceMatcher(None, was, now, autojunk=False)
    return [(a, b) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag == "replace"
            for a, b in zip(was[i1:i2], now[j1:j2], strict=False)]


def _paired(before: list[str], after: list[str]) -> list[TextChange]:
    """A run of replaced sentences: each earlier one with the most alike later one still free, if alike enough."""
    changes: list[TextChange] = []
    free = list(range(len(after)))
    for old in before:
        scored = [(difflib.SequenceMatcher(None, old, after[j], autojunk=False).ratio(), j) for j in free]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SAME_SENTENCE:
            free.remove(best[1])
            changes.append(TextChange(kind="changed", before=old, after=after[best[1]], figures=_moved_figures(old, after[best[1]])))
        else:
            changes.append(TextChange(kind="removed", before=old))
    changes.extend(TextChange(kind="added", after=after[j]) for j in free)
    return changes


def revision(version: int, at: datetime, title_before: str, body_before: str, title_after: str, body_after: str,
             reread: bool = False) -> Revision:
    """What changed from the version before `version` to `version` (`reread`: a newer reading made it)."""
    before, after = _sentences(body_before), _sentences(body_after)
    changes: list[TextChange] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "replace":
            changes.extend(_paired(before[i1:i2], after[j1:j2]))
        elif tag == "delete":
            changes.extend(TextChange(kind="removed", before=text) for text in before[i1:i2])
        elif tag == "insert":
            changes.extend(TextChange(kind="added", after=text) for text in after[j1:j2])
    return Revision(version=version, at=at, reread=reread, title_before=title_before if title_before != title_after else None, changes=changes)


def revisions(versions: Sequence[Version]) -> list[Revision]:
    """What each version changed from the one before it, newest first (`versions` oldest first). A
    version a newer reading made (its `read_by` not the earlier one's) is marked `reread`."""
    return [
        revision(later.version, later.read_at, earlier.title, earlier.body, later.title, later.body,
                 reread=(later.read_by or "1") != (earlier.read_by or "1"))
        for earlier, later in itertools.pairwise(versions)
    ][::-1]
