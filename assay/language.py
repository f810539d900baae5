"""Which articles the analysis can read: the summary prompt, the statement splitter and the
classifiers were all built on English, so an article in another language is said to be out of
reach rather than analysed into nonsense.

Cheap and local (no model): the share of letters in the Latin script, then the share of words that
are common English function words. Measured on the 25 sample articles: 0.21-0.32 of their words
are in ENGLISH_WORDS; a Spanish or German wire story scores 0.00-0.07. A slide deck's bullets have
few function words (0.13 in a results deck): a text under 0.15 still reads as English when most of
its longer words are English ones (`ENGLISH_VOCABULARY_SHARE`).
"""

from __future__ import annotations

import re
import unicodedata

from assay.embeddings import english_words

# The most frequent English function words: together about 40 % of running English text.
ENGLISH_WORDS = frozenset(
    "the of and to a in is that for on with as by it was are be at from this its has have said will "
    "an or which not but their more than been were also had after into over would about new".split()
)
_WORD = re.compile(r"[^\W\d_]+")
# The share of words of three letters or more in uncased English BERT's vocabulary (MiniLM's), for a
# text with few function words. Measured: the sample's and outside set's articles 0.82-0.97, a
# results deck's slides 0.88; the same wire story in Spanish, German, French, Portuguese, Italian,
# Dutch, Indonesian and Vietnamese 0.12-0.28.
ENGLISH_VOCABULARY_SHARE = 0.6
_SCRIPT_NAMES = {"CJK": "Chinese (Han)", "HIRAGANA": "Japanese", "KATAKANA": "Japanese", "HANGUL": "Korean"}


def script_of(letter: str) -> str:
    """The script of a letter, from its Unicode name: "LATIN", "CJK", "CYRILLIC", "ARABIC" ..."""
    name = unicodedata.name(letter, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def english_reason(text: str) -> str | None:
    """None when the text reads as English; otherwise why not, in a user's words."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "it has no text to analyse"
    scripts: dict[str, int] = {}
    for letter in letters:
        script = script_of(letter)
        scripts[script] = scripts.get(script, 0) + 1
    main, count = max(scripts.items(), key=lambda kv: kv[1])
    if main != "LATIN" or count / len(letters) < 0.5:
        return f"it is written mostly in the {_SCRIPT_NAMES.get(main, main.title())} script"
    words = [w.lower() for w in _WORD.findall(text)]
    share = sum(w in ENGLISH_WORDS for w in words) / len(words)
    if share >= 0.15:
        return None
    # A deck's bullets and a table's rows are English with few function words ("Record NdPr oxide
    # production of 721 metric tons"): their longer words are English ones all the same.
    longer = [w for w in words if len(w) >= 3]
    known = sum(w in english_words() for w in longer) / max(len(longer), 1)
    if known >= ENGLISH_VOCABULARY_SHARE:
        return None
    return (f"it does not read as English (only {share:.0%} of its words are common English words, "
            f"{known:.0%} of its longer ones English at all)")
