"""Which articles the analysis reads: English ones, decks of terse bullets included; not others."""

from __future__ import annotations

import pytest

from assay.language import english_reason

# One wire story, written here in each language.
FOREIGN = {
    "Spanish": "La producción de tierras raras de China aumentó un 12% en octubre, según datos de aduanas publicados el viernes. "
               "Lynas Rare Earths dijo que su planta de Kalgoorlie produjo 2.204 toneladas de óxido de NdPr en el trimestre.",
    "German": "Die Produktion seltener Erden in China stieg im Oktober um 12 Prozent, wie Zolldaten am Freitag zeigten. "
              "Lynas Rare Earths teilte mit, dass die Anlage in Kalgoorlie im Quartal 2.204 Tonnen NdPr-Oxid produziert habe.",
    "French": "La production de terres rares en Chine a augmenté de 12 % en octobre, selon les données douanières publiées vendredi. "
              "Lynas Rare Earths a déclaré que son usine de Kalgoorlie avait produit 2 204 tonnes d'oxyde de NdPr au cours du trimestre.",
    "Dutch": "De productie van zeldzame aardmetalen in China steeg in oktober met 12 procent, blijkt uit douanegegevens die vrijdag "
             "zijn gepubliceerd. Lynas Rare Earths zei dat zijn fabriek in Kalgoorlie in het kwartaal 2.204 ton NdPr-oxide produceerde.",
    "Indonesian": "Produksi logam tanah jarang China naik 12% pada bulan Oktober, menurut data bea cukai yang dirilis pada hari Jumat. "
                  "Lynas Rare Earths mengatakan pabriknya di Kalgoorlie memproduksi 2.204 ton oksida NdPr pada kuartal tersebut.",
}


@pytest.mark.parametrize("language", FOREIGN)
def test_another_language_is_out_of_reach(language):
    assert "does not read as English" in english_reason(FOREIGN[language])


def test_chinese_is_named_by_its_script():
    assert english_reason("北方稀土10月31日发布公告称，公司前三季度实现营业收入312.6亿元。") == "it is written mostly in the Chinese (Han) script"


def test_english_prose_and_a_deck_of_terse_bullets_are_read():
    """A results deck's slides hold 13 % function words against an article's 21-32 %: it had been
    refused, "only 13% of its words are common English words"."""
    from assay.articles import sample_articles, to_article
    from assay.language import _WORD, ENGLISH_WORDS
    from assay.readers import parse
    from assay.types import Fetched
    from tests.test_formats_pptx import results_deck

    assert all(english_reason(f"{a.title}\n{a.body}") is None for a in sample_articles())
    (item,) = parse(Fetched(source="/tmp/deck.pptx", content=results_deck()))[2]
    deck = to_article(item)
    text = f"{deck.title}\n{deck.body}"  # as the analysis asks
    words = [w.lower() for w in _WORD.findall(text)]
    assert sum(w in ENGLISH_WORDS for w in words) / len(words) < 0.15  # what had it refused
    assert english_reason(text) is None


def test_a_question_is_told_by_its_language_and_names_do_not_count():
    """Italian and Portuguese questions ("Chi ha firmato l'accordo con MP Materials?") had passed the function-word test
    and been asked of an English corpus; English questions that are mostly names ("La Paz lithium deal?", "CNRE quota
    2026") must still be asked. The sets are in tests/data/question_languages.yaml; all labelled questions are asked too."""
    from pathlib import Path

    import yaml

    from assay.evals.labels import load_all
    from assay.language import common_words, question_language_reason

    sets = yaml.safe_load((Path(__file__).parent / "data" / "question_languages.yaml").read_text(encoding="utf-8"))
    labelled = [q.question for a in load_all().values() for q in a.questions]
    for english in [*labelled, *sets["english_dev"], *sets["english_heldout"], "La Paz lithium deal?", "Des Moines plant status?"]:
        assert question_language_reason(english) is None, english
    for language, questions in {**sets["other_dev"], **sets["other_heldout"]}.items():
        for question in questions:
            said = question_language_reason(question)
            assert said is not None, question
            if language in ("Italian", "Portuguese", "Spanish", "French", "German"):
                assert said == f"it reads as {language}", (question, said)
    assert common_words("Quanto NdPr a Lynas produziu em 2025?") == ["Quanto", "a", "produziu", "em"]
    assert common_words("La Paz lithium deal?") == ["lithium", "deal"]
