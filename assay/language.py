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
from collections import Counter

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


def main_script(text: str) -> tuple[str, float] | None:
    """The script most of the text's letters are in, and their share; None without letters."""
    scripts = Counter(script_of(c) for c in text if c.isalpha())
    if not scripts:
        return None
    main, count = scripts.most_common(1)[0]
    return main, count / scripts.total()


def english_reason(text: str) -> str | None:
    """None when the text reads as English; otherwise why not, in a user's words."""
    written = main_script(text)
    if written is None:
        return "it has no text to analyse"
    main, share = written
    if main != "LATIN" or share < 0.5:
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


# Function words of the other languages analysts of this field write questions in, by language. A word here
# may also be English ("die", "as"): a question is said to be in another language only when the article test
# above also finds it not English, so neither signal decides alone.
QUESTION_WORDS = {
    "French": frozenset("le la les des du de sur est que qui une dans pour avec quel quelle quels combien pourquoi comment où été sont ont".split()),
    "Spanish": frozenset("el la los las del de que qué sobre por una cuál cuánto cuántas cuándo dónde cómo está han fue para".split()),
    "German": frozenset("der die das und über hat ist mit von wie wer wann warum welche welcher viel viele sind haben dem auf für".split()),
    "Portuguese": frozenset("os as do da dos das sobre quanto qual quais quando onde como não são foi para com uma".split()),
    "Italian": frozenset("il lo gli della del che sono una quanto quale quando dove perché per".split()),
}


def question_language_reason(question: str) -> str | None:
    """None when a question can be asked of the corpus; otherwise which language it reads as. Retrieval and the
    corpus are English: a Chinese question ("莱纳斯公司说了什么？", what did Lynas say?) retrieved another company's
    passage and the answer gave Lynas its words (seen here); a French one was declined for naming "Qu'a".
    The article test alone is too strict for a question: "Lynas NdPr output 2025?" has no function words."""
    written = main_script(question)
    if written is None:
        return None
    main, _ = written
    if main != "LATIN":
        return f"it is written in the {_SCRIPT_NAMES.get(main, main.title())} script"
    if english_reason(question) is None:
        return None
    words = {w.lower() for w in _WORD.findall(question)}
    hits = {language: len(words & function_words) for language, function_words in QUESTION_WORDS.items()}
    language, found = max(hits.items(), key=lambda kv: kv[1])
    return f"it reads as {language}" if found >= 2 else None
