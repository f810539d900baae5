"""Speculative drafts for the local backend: the schema's certain text, prompt lookup, and (through real
llama.cpp) the proof that drafts change speed only: the answer is the same token for token."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from assay.analysis import SummaryReplyV2
from assay.drafts import LOOKUP_DRAFT_TOKENS, JsonDrafts, JsonSkeleton, lookup

SKELETON = JsonSkeleton(SummaryReplyV2.model_json_schema())


@pytest.mark.parametrize(
    ("answer", "certain"),
    [
        ("", '{"companies": ["'),
        ('{"companies": ', '["'),
        ('{"compan', 'ies": ["'),  # a key is fixed by the schema, so the rest of its name is certain
        ('{"companies": ["Lynas", "MP Mat', None),  # a value is the model's to choose
        ('{"companies": ["Lynas"', None),  # another item or the end of the list: the model decides
        ('{"companies": ["Lynas"]', ', "governments": ["'),
        ('{"companies": ["Lynas"],', ' "governments": ["'),
        ('{"companies": ["Lynas"],"gov', 'ernments": ["'),  # without the optional space too
        ('{"companies": []', ', "governments": ["'),
        ('{"companies": ["Lynas"], "governments": [], "countries": [], "materials": [], "projects": []', ', "figures": [{"value": "'),
        ('{"companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [{"value": "5%"',
         ', "measures": "'),
        # `unit` is optional, so after `measures` the model decides between it and the end of the object
        ('{"companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [{"value": "5%", "measures": "growth"',
         None),
        ('{"companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [], '
         '"summary": "He said \\"no\\" to', None),  # an escaped quote does not end the string
        ('{"companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [], '
         '"summary": "He said \\"no\\"."', ', "highlights": ["'),
        ('{"companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [], '
         '"summary": "Short.", "highlights": ["a", "b", "c"]', "}"),
        ('{"companies": ["Lynas"]x', None),  # text the schema does not expect: no guess
    ],
)
def test_skeleton_knows_what_the_schema_makes_certain(answer, certain):
    assert SKELETON.next_text(answer) == certain


def test_lookup_continues_the_latest_longest_match():
    ids = np.array([1, 2, 3, 9, 9, 7, 1, 2, 3, 4, 5, 6, 8, 2, 3, 4, 1, 2, 3], dtype=np.intc)
    assert lookup(ids, (4, 3), 3).tolist() == [4, 5, 6]  # "1 2 3" last seen before 4 5 6
    assert lookup(ids, (3,), 2).tolist() == [4, 5]
    assert lookup(np.array([5, 6, 7, 1, 2, 3], dtype=np.intc), (4, 3), 3).tolist() == []  # never seen: no draft
    assert lookup(np.array([1, 2], dtype=np.intc), (4, 3), 3).tolist() == []


def test_drafts_read_only_the_answer_after_the_prompt():
    text_of = {1: '{"companies": ', 2: '["Lynas"]', 3: "x"}
    drafts = JsonDrafts(tokenize=lambda text: [ord(c) for c in text], detokenize=lambda ids: "".join(text_of[i] for i in ids))
    drafts.start(prompt_tokens=1, schema=SummaryReplyV2.model_json_schema())
    # the prompt token is not part of the answer: the answer so far is `["Lynas"]`, a list at the top
    # level, which this schema does not expect, so only prompt lookup may draft
    assert drafts(np.array([1, 2], dtype=np.intc)).tolist() == []
    drafts.start(prompt_tokens=0, schema=SummaryReplyV2.model_json_schema())
    assert "".join(map(chr, drafts(np.array([1, 2], dtype=np.intc)))) == ', "gove'  # 7 tokens at most
    drafts.start(prompt_tokens=0, schema=None)  # a free-text answer: prompt lookup only
    assert drafts(np.array([3, 1, 2, 3, 1, 2], dtype=np.intc)).tolist() == [3, 1, 2]


needs_llama = pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is installed by `make setup`")


def _summary_request(max_tokens: int) -> dict:
    from assay.articles import sample_articles
    from assay.prompts import load_prompts

    article = sample_articles()[1]
    messages = load_prompts()["summary"].template().format_messages(title=article.title, body=article.body)
    return {
        "messages": [{"role": {"human": "user"}.get(m.type, m.type), "content": str(m.content)} for m in messages],
        "temperature": 0.0, "max_tokens": max_tokens, "seed": 0, "repeat_penalty": 1.0,
        "response_format": {"type": "json_object", "schema": SummaryReplyV2.model_json_schema()},
    }


def _answer(llama, request: dict) -> str:
    return llama.create_chat_completion(**request)["choices"][0]["message"]["content"]


@pytest.mark.llm
@needs_llama
def test_grammar_checked_last_picks_the_same_tokens_as_llama_cpp_python():
    from llama_cpp import Llama

    from assay.llamacpp import FastLlama, safe_loading
    from assay.models import smollm2_path

    request, options = _summary_request(120), {"model_path": str(smollm2_path()), "n_ctx": 2048, "verbose": False}
    ours = _answer(FastLlama(drafts=False, **options), request)
    with safe_loading():  # the same weight buffers as ours
        stock = _answer(Llama(**options), request)  # llama-cpp-python's sampler: grammar checked on every token
    assert ours == stock
    assert ours.startswith('{')


@pytest.mark.llm
@needs_llama
def test_drafts_are_accepted_and_keep_the_answer_in_the_schema():
    from assay import llamacpp
    from assay.models import smollm2_path

    llama = llamacpp.FastLlama(model_path=str(smollm2_path()), n_ctx=2048, verbose=False)
    forward_passes = []
    original_eval = llama.eval
    llama.eval = lambda tokens: (forward_passes.append(len(tokens)), original_eval(tokens))[1]
    out = llama.create_chat_completion(**_summary_request(120))
    answer, generated = out["choices"][0]["message"]["content"], out["usage"]["completion_tokens"]
    assert answer.lstrip().startswith('{') and '"companies"' in answer
    # the prompt is one pass; every other pass sampled one token plus whatever drafts held
    assert len(forward_passes) - 1 < generated
    assert max(forward_passes[1:]) > 1 + LOOKUP_DRAFT_TOKENS  # only the schema drafts that many


@pytest.mark.llm
@needs_llama
def test_a_build_with_amx_kernels_loads_without_its_extra_buffers(monkeypatch):
    """The AMX matrix multiply crashed decoding the embedded model (llama.cpp issue 20824): a build that has it
    loads without the extra buffers, one without loads as llama.cpp would, and the default is restored after."""
    import llama_cpp

    from assay import llamacpp
    from assay.models import smollm2_path

    options = {"model_path": str(smollm2_path()), "n_ctx": 512, "verbose": False}
    monkeypatch.setattr(llamacpp, "built_with_amx", lambda: True)
    assert llamacpp.FastLlama(**options).model_params.use_extra_bufts is False
    monkeypatch.setattr(llamacpp, "built_with_amx", lambda: False)
    assert llamacpp.FastLlama(**options).model_params.use_extra_bufts is True
    assert llama_cpp.llama_cpp.llama_model_default_params().use_extra_bufts is True
