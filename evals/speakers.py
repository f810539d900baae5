"""Who each labelled company or government statement speaks for, as `corpus.speaker_finder` decides it:
one line per statement, for reading by hand (there are no gold speakers to score against).

    .venv/bin/python -m assay.evals.speakers --set sample          # all 25 labelled sample articles
    .venv/bin/python -m assay.evals.speakers --set outside         # the other publishers' train + dev
    .venv/bin/python -m assay.evals.speakers --set outside --countries   # as if entity lists named 41 more countries

Spans and attributions are the gold ones, so only the speaker rule is read. The sample articles'
alias book knows their gold entities; the outside articles' knows the shipped alias file only,
unless `--countries` adds the countries an analysis's entity list would name in use. Diff the
output of two versions of the rule to see what a change moves (evals/README.md, "Who speaks when a
statement names nobody").
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from assay.aliases import AliasBook
from assay.articles import sample_articles
from assay.corpus import SourceRules, speaker_finder
from assay.evals.labels import load_all, quote_spans
from assay.evals.outside import load_outside
from assay.types import Article, Attribution, Entity, EntityType

# Countries of the minerals trade that articles name as places as often as speakers: the stand-in
# for the entity lists an analysis adds to the alias book in use.
COUNTRIES = (
    "Canada", "Brazil", "India", "Indonesia", "Malaysia", "Vietnam", "South Korea", "Germany", "France", "Russia", "Kazakhstan",
    "Greenland", "Denmark", "Angola", "Democratic Republic of the Congo", "Saudi Arabia", "Chile", "Mexico", "South Africa",
    "Tanzania", "Malawi", "Madagascar", "Namibia", "Norway", "Sweden", "Estonia", "Philippines", "Thailand", "Laos", "Taiwan",
    "Ukraine", "Finland", "Greece", "Spain", "Italy", "Poland", "Romania", "Portugal", "Austria", "Belgium", "Netherlands",
)
SPEAKING = (Attribution.company, Attribution.government)


def labelled(which: str) -> Iterator[tuple[str, Article, list[tuple[int, int, Attribution]], list[Entity]]]:
    """(name, article, gold spans with their attribution, entities the alias book should know) per article."""
    if which == "sample":
        articles = {a.id: a for a in sample_articles()}
        for article_id, gold in sorted(load_all().items()):
            article = articles[article_id]
            entities = [Entity(name=n, type=EntityType(e.type)) for e in gold.entities or [] for n in e.names]
            spans = gold.spans(article.body)
            yield article_id[:6], article, [(a, b, s.attribution) for s, (a, b) in zip(gold.statements, spans)], entities
        return
    for split in ("train", "dev"):
        for article, labels in load_outside(split):
            spans = quote_spans(labels.file, labels.statements, article.body)
            yield f"{split} {labels.file[:22]}", article, [(a, b, s.attribution) for s, (a, b) in zip(labels.statements, spans)], []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("sample", "outside"), default="sample")
    parser.add_argument("--countries", action="store_true", help="The alias book knows 41 more countries (COUNTRIES).")
    args = parser.parse_args(argv)
    total = resolved = 0
    for name, article, spans, entities in labelled(args.set):
        aliases = AliasBook.load()
        aliases.add_found([*entities, *(Entity(name=n, type=EntityType.country) for n in (COUNTRIES if args.countries else ()))])
        speaker = speaker_finder(article, aliases, SourceRules().type_of(article))
        for start, end, attribution in spans:
            if attribution not in SPEAKING:
                continue
            who = speaker(start, end, attribution)
            total, resolved = total + 1, resolved + (who is not None)
            print(f"{name} {attribution.value} -> {who} | {' '.join(article.body[start:end].split())[:100]}")
    print(f"{resolved} of {total} company or government statements given a speaker")


if __name__ == "__main__":
    main()
