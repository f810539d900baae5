"""The LLM kind decider (assay/llm_kinds.py) through a fake OpenAI-compatible server on loopback: what it
sends (the schema, the numbered statements with their headings), what it accepts, and how it is chosen."""

from __future__ import annotations

import json

import numpy as np
import pytest
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage

from assay.llm_kinds import KindsReply, LLMKindDecider, render_statements
from assay.llms import StructuredOutputError
from assay.prompts import load_prompt, load_prompts, released
from assay.statements import statements
from assay.types import Article, Section
from tests.test_llms import completion, openai_backend  # noqa: F401  (the fixture, shared)

OPENING = "Lynas Rare Earths said on Tuesday it produced 10,500 tonnes of NdPr oxide in 2025. "
SPIN = "The company called its Kalgoorlie plant the world’s most advanced separation facility. "
HEADING = "REEx Take"
TAKE = "This is a triumph for the free world and a blow to Beijing’s monopoly. In our view, the ramp-up will take longer than management admits."
BODY = f"{OPENING}{SPIN}\n{HEADING}\n{TAKE}"


def article(body: str = BODY, heading_at: int | None = None) -> Article:
    cut = body.index(HEADING) if heading_at is None else heading_at
    return Article(
        id="lynas", title="Lynas output", source="Rare Earth Exchanges", source_url="test", body=body,
        sections=[Section(heading=None, start=0, end=cut), Section(heading=HEADING, start=cut, end=len(body))],
    )


LABELS = [
    ("fact", "company", "self_reported", "a figure and a date the company gives"),
    ("claim", "company", "none", "superlative 'most advanced' with no figure"),
    ("rhetoric", "author", "none", "nationalist framing: 'triumph for the free world'"),
    ("opinion", "author", "none", "the author's prediction in the REEx Take section"),
]


def answer(labels: list[tuple[str, str, str, str]], numbers: list[int]) -> bytes:
    entries = [{"n": n, "kind": k, "attribution": a, "evidence": e, "rationale": r} for n, (k, a, e, r) in zip(numbers, labels)]
    return completion(json.dumps({"labels": entries}))


def sent(server, i: int = 0) -> dict:
    return json.loads(server.post_bodies["/v1/chat/completions"][i])


def test_labels_come_back_in_order_and_the_request_carries_schema_and_numbered_statements(openai_backend):  # noqa: F811
    model, config, registry, server = openai_backend
    doc = article()
    found = statements(doc)
    assert len(found) == 4
    # The model answers out of order, with a rationale over two lines: labels come back in statement order, one line each.
    shuffled = [LABELS[2], LABELS[0], LABELS[3], (*LABELS[1][:3], "superlative\n 'most advanced'   with no figure")]
    server.posts["/v1/chat/completions"].append(answer(shuffled, [3, 1, 4, 2]))
    decider = LLMKindDecider(model, load_prompt("kinds", "1"), callbacks=config["callbacks"])
    labels = decider.decide(doc, found, np.zeros((len(found), 384)))

    assert [(x.kind, x.attribution, x.evidence) for x in labels] == [lab[:3] for lab in LABELS]
    assert labels[1].rationale == "superlative 'most advanced' with no figure"
    assert all(x.kind_confidence is None and not x.uncertain for x in labels)
    assert decider.name == "llm:gpt-4o-mini@kinds1"

    request = sent(server)
    schema = request["response_format"]
    assert schema["type"] == "json_schema" and schema["json_schema"]["strict"] is True
    assert schema["json_schema"]["name"] == "KindsReply"
    items = schema["json_schema"]["schema"]["properties"]["labels"]
    assert (items["minItems"], items["maxItems"]) == (4, 4)  # exactly one label per statement of the batch
    user = request["messages"][-1]["content"]
    assert "Publisher: Rare Earth Exchanges" in user
    lines = user.split("<statements>")[1].split("</statements>")[0].strip().splitlines()
    assert lines[0] == "## (opening, before any heading)" and lines[1].startswith("1. Lynas Rare Earths said")
    assert lines[2].startswith("2. The company called its Kalgoorlie plant")
    assert lines[3] == f"## {HEADING}" and lines[4].startswith("3. This is a triumph") and lines[5].startswith("4. In our view")
    with registry.session() as s:  # every call logged under the kinds prompt
        from assay.store.registry import LLMCallRow

        (row,) = s.query(LLMCallRow).all()
        assert (row.prompt, row.prompt_version, row.article_id) == ("kinds", "1", "lynas")


def test_the_sentence_before_is_shown_only_where_it_is_not_listed():
    # "Details remain thin." is too short to be a statement: the sentence after it gets it as context.
    body = f"{OPENING}\n{HEADING}\nDetails remain thin. Nobody says who funds losses if markets fall apart."
    doc = article(body)
    found = statements(doc)
    text = render_statements(doc, found, range(1, len(found) + 1))
    assert text.splitlines()[-1] == "2. (after: Details remain thin.) Nobody says who funds losses if markets fall apart."
    # A batch that starts mid-section repeats the heading and shows the sentence before.
    doc = article()
    found = statements(doc)
    assert render_statements(doc, found, range(4, 5)).splitlines() == [
        f"## {HEADING}", "4. (after: This is a triumph for the free world and a blow to Beijing’s monopoly.) In our view, the ramp-up will take longer than management admits."
    ]


def test_a_reply_missing_a_statement_goes_back_once_then_fails(openai_backend):  # noqa: F811
    model, config, _, server = openai_backend
    doc = article()
    found = statements(doc)
    decider = LLMKindDecider(model, load_prompt("kinds", "1"))
    # Four labels, but statement 2 twice and 4 never: the check names what is wrong.
    server.posts["/v1/chat/completions"] += [answer(LABELS, [1, 2, 2, 3]), answer(LABELS, [1, 2, 3, 4])]
    labels = decider.decide(doc, found, np.zeros((4, 384)))
    assert [x.kind for x in labels] == ["fact", "claim", "rhetoric", "opinion"]
    retry = sent(server, 1)["messages"][-1]["content"]
    assert "was not valid" in retry and "missing [4]" in retry and "repeated [2]" in retry

    server.posts["/v1/chat/completions"] += [answer(LABELS[:3], [1, 2, 3]), answer(LABELS[:3], [1, 2, 3])]
    with pytest.raises(StructuredOutputError, match="invalid twice"):
        decider.decide(doc, found, np.zeros((4, 384)))
    assert len(server.post_bodies["/v1/chat/completions"]) == 4


def test_many_statements_go_in_batches(openai_backend):  # noqa: F811
    model, _, _, server = openai_backend
    sentences = [f"Company {i} said it produced {100 + i} tonnes of NdPr oxide in 2025." for i in range(30)]
    body = " ".join(sentences) + f"\n{HEADING}\n{TAKE}"
    doc = article(body)
    found = statements(doc)
    assert len(found) == 32
    decider = LLMKindDecider(model, load_prompt("kinds", "1"), batch_size=20)
    server.posts["/v1/chat/completions"] += [answer([LABELS[0]] * 20, list(range(1, 21))), answer([LABELS[3]] * 12, list(range(21, 33)))]
    labels = decider.decide(doc, found, np.zeros((32, 384)))
    assert [x.kind for x in labels] == ["fact"] * 20 + ["opinion"] * 12
    first, second = sent(server, 0), sent(server, 1)
    assert "\n20. " in first["messages"][-1]["content"] and "21. " not in first["messages"][-1]["content"]
    second_user = second["messages"][-1]["content"]
    assert "\n21. (after: Company 19 said" in second_user and f"## {HEADING}\n31. This is a triumph" in second_user
    assert second["response_format"]["json_schema"]["schema"]["properties"]["labels"]["maxItems"] == 12
    # By default a batch fits the answer budget: 1024 tokens at ~60 a label.
    assert LLMKindDecider(model, load_prompt("kinds", "1")).batch_size == 17


def test_services_build_the_llm_decider_and_its_name_enters_provenance(openai_backend, monkeypatch):  # noqa: F811
    from assay.analysis import analyse_article
    from assay.embeddings import MiniLMEmbeddings
    from assay.services import services
    from assay.settings import get_settings
    from tests.test_analysis import reply

    _, _, _, server = openai_backend
    assert released()["kinds"] == "1" and load_prompts()["kinds"].reply_schema() is KindsReply
    monkeypatch.setenv("ASSAY_KIND_DECIDER", "llm")
    get_settings.cache_clear()
    made = services(get_settings())
    decider = made.kind_decider
    assert isinstance(decider, LLMKindDecider) and decider.name == "llm:gpt-4o-mini@kinds1"

    server.posts["/v1/chat/completions"].append(answer(LABELS, [1, 2, 3, 4]))
    summary_model = FakeMessagesListChatModel(responses=[reply()])
    analysis = analyse_article(
        article(), model=summary_model, prompts=load_prompts(), decider=decider, embedder=MiniLMEmbeddings(batch_size=8)
    )
    assert analysis.provenance.kind_decided_by == "llm:gpt-4o-mini@kinds1"
    assert analysis.provenance.prompts == {"summary": released()["summary"], "says": released()["says"]}
    assert [(s.kind, s.rationale) for s in analysis.statements] == [(k, r) for k, _, _, r in LABELS]
    assert analysis.rhetoric_share == 0.5  # a claim and a rhetoric of four sure statements


def test_a_prompt_whose_schema_is_not_a_kinds_reply_is_refused():
    model = FakeMessagesListChatModel(responses=[AIMessage(content="{}")])
    with pytest.raises(TypeError, match="not a KindsReply"):
        LLMKindDecider(model, load_prompt("summary", "3"))
