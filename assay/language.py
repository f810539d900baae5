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
from functools import cache
from typing import Any

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


# Latin-script languages a question may come in, for the language identifier (py3langid, langid.py's model:
# naive Bayes over byte n-grams, trained on 97 languages; shipped in its wheel, nothing downloaded). Narrowed
# to these, it tells a short question's language far better than among all 97.
QUESTION_LANGUAGES = {
    "en": "English", "fr": "French", "es": "Spanish", "de": "German", "pt": "Portuguese", "it": "Italian", "nl": "Dutch",
    "id": "Indonesian", "ms": "Malay", "vi": "Vietnamese", "tl": "Tagalog", "pl": "Polish", "cs": "Czech", "sk": "Slovak",
    "hu": "Hungarian", "ro": "Romanian", "tr": "Turkish", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
    "ca": "Catalan",
}
# Words of English questions: two of them decide without the identifier, so a usual question costs no model load.
# One alone decides nothing: a few are words of other languages too (Dutch "is" and "was", German "was" and "will",
# Portuguese "do").
ENGLISH_QUESTION_WORDS = frozenset(
    "the of and to is that for with was are be from this its has have said will what how who which when where why did "
    "does do much many were been would could should about their than any".split()
)
# The identifier's probability (among QUESTION_LANGUAGES) a question's common words must have of another language.
QUESTION_LANGUAGE_MIN_P = 0.5
_QUESTION_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)*")


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(QUESTION_LANGUAGES))
    return identifier


def common_words(question: str) -> list[str]:
    """The question's words less its names: a name is the same in any language ("MP Materials", "NdPr", "CNRE",
    "La Paz") and would only mislead the identifier. Names here: capitalised words after the first, runs of
    capitalised words, words with digits or more than one capital."""
    words = _QUESTION_WORD.findall(question)
    capital = [w[0].isupper() for w in words]
    # The first word is capitalised anyway: a name only before another capitalised word ("La Paz", not "Quanto NdPr").
    first_is_name = len(words) > 1 and capital[0] and capital[1] and sum(c.isupper() for c in words[1]) == 1
    return [w for i, w in enumerate(words)
            if not (any(c.isdigit() for c in w) or sum(c.isupper() for c in w) > 1 or (capital[i] and (i > 0 or first_is_name)))]


def question_language_reason(question: str) -> str | None:
    """None when a question can be asked of the corpus; otherwise which language it reads as. Retrieval and the
    corpus are English: a Chinese question ("莱纳斯公司说了什么？", what did Lynas say?) retrieved another company's
    passage and the answer gave Lynas its words (seen here); a French one was declined for naming "Qu'a"; an Italian
    one ("Chi ha firmato l'accordo con MP Materials?") passed the function-word test this replaced. A question of
    names and one word ("Lynas NdPr output 2025?") is too short to tell, and asked."""
    written = main_script(question)
    if written is None:
        return None
    main, _ = written
    if main != "LATIN":
        return f"it is written in the {_SCRIPT_NAMES.get(main, main.title())} script"
    words = common_words(question)
    if len(words) < 2 or sum(w.lower() in ENGLISH_QUESTION_WORDS for w in words) >= 2:
        return None
    # Every longer word an English one: English, whatever the identifier makes of a list of nouns ("word word word"
    # read as Dutch). The other languages' questions written here have at most 75 % of them English.
    longer = [w.lower() for w in words if len(w) >= 3]
    if longer and all(w in english_words() for w in longer):
        return None
    language, p = _identifier().classify(" ".join(words))
    return f"it reads as {QUESTION_LANGUAGES[language]}" if language != "en" and p >= QUESTION_LANGUAGE_MIN_P else None
