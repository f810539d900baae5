"""LLM backends: the OpenAI-compatible path against a fake server on loopback (its HTTP, not our code,
is what is faked), the local path through real llama.cpp, and every call logged."""

from __future__ import annotations

import importlib.util
import json

import pytest
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from assay.llm_log import LLMCallLogger
from assay.llms import StructuredOutputError, chat_model, structured
from assay.models import ModelMissing, smollm2_path
from assay.settings import get_settings
from assay.store.registry import Registry


class Verdict(BaseModel):
    kind: str = Field(pattern="^(fact|claim|rhetoric|opinion)$")
    reason: str = Field(max_length=80)


def completion(content: str, prompt_tokens: int = 120, completion_tokens: int = 12) -> bytes:
    return json.dumps({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
    }).encode()


@pytest.fixture
def openai_backend(assay_home, http_server, monkeypatch):
    monkeypatch.setenv("ASSAY_LLM", "openai")
    monkeypatch.setenv("ASSAY_LLM_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("ASSAY_LLM_BASE_URL", http_server.url("/v1"))
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    get_settings.cache_clear()
    settings = get_settings()
    registry = Registry(settings.registry_url)
    http_server.posts["/v1/chat/completions"] = []
    http_server.post_bodies.pop("/v1/chat/completions", None)
    return chat_model(settings), {"callbacks": [LLMCallLogger(registry, local=False)]}, registry, http_server


MESSAGES = [SystemMessage(content="Label the statement."), HumanMessage(content="Lynas is the world's best producer.")]


def test_openai_backend_returns_a_validated_object_and_logs_the_call(openai_backend):
    model, config, registry, server = openai_backend
    server.posts["/v1/chat/completions"].append(completion('{"kind": "claim", "reason": "superiority without evidence"}'))
    config["metadata"] = {"prompt": "kind", "prompt_version": "1", "article_id": "abc"}
    verdict, retries = structured(model, MESSAGES, Verdict, config)
    assert (verdict.kind, retries) == ("claim", 0)
    sent = json.loads(server.post_bodies["/v1/chat/completions"][0])
    assert sent["model"] == "gpt-4o-mini"
    # The schema travels with the request, strict: every field required, no extra keys, and the caps
    # OpenAI's strict subset rejects (maxLength) left to pydantic.
    assert sent["response_format"] == {"type": "json_schema", "json_schema": {"name": "Verdict", "strict": True, "schema": {
        "type": "object", "title": "Verdict", "additionalProperties": False, "required": ["kind", "reason"],
        "properties": {"kind": {"type": "string", "title": "Kind", "pattern": "^(fact|claim|rhetoric|opinion)$"},
                       "reason": {"type": "string", "title": "Reason"}}}}}
    with registry.session() as s:
        from assay.store.registry import LLMCallRow

        (row,) = s.query(LLMCallRow).all()
        assert (row.prompt, row.prompt_version, row.article_id, row.model) == ("kind", "1", "abc", "gpt-4o-mini")
        assert (row.input_tokens, row.output_tokens) == (120, 12) and "world's best producer" in row.input
        assert row.cost_usd == pytest.approx((120 * 0.15 + 12 * 0.60) / 1e6)
    assert registry.llm_totals()["llm_calls"] == 1


def test_a_reply_read_back_from_the_output_cache_is_no_call(openai_backend, tmp_path):
    """The analysis's output cache: the same input to the same model is answered from the cache,
    logged once (the call that was made), and a cache that cannot be opened only costs the call."""
    from assay.store.output_cache import SQLiteOutputCache

    _, config, registry, server = openai_backend
    cache = SQLiteOutputCache(tmp_path / "llm-cache.sqlite")
    model = chat_model(get_settings(), cache=cache)
    server.posts["/v1/chat/completions"].append(completion('{"kind": "claim", "reason": "superiority without evidence"}'))
    first, _ = structured(model, MESSAGES, Verdict, config)
    again, _ = structured(model, MESSAGES, Verdict, config)  # the server holds no second reply: a call would fail
    assert first == again and (cache.hits, len(server.post_bodies["/v1/chat/completions"])) == (1, 1)
    assert registry.llm_totals()["llm_calls"] == 1
    (tmp_path / "blocked").write_text("a file where the cache's folder should be")
    unusable = SQLiteOutputCache(tmp_path / "blocked" / "llm-cache.sqlite")
    server.posts["/v1/chat/completions"].append(completion('{"kind": "fact", "reason": "a figure"}'))
    verdict, _ = structured(chat_model(get_settings(), cache=unusable), MESSAGES, Verdict, config)
    assert verdict.kind == "fact" and registry.llm_totals()["llm_calls"] == 2


def test_a_validation_error_goes_back_once_then_fails_loudly(openai_backend):
    model, config, registry, server = openai_backend
    server.posts["/v1/chat/completions"] += [completion('{"kind": "slogan", "reason": "x"}'), completion('{"kind": "rhetoric", "reason": "loaded"}')]
    verdict, retries = structured(model, MESSAGES, Verdict, config)
    assert (verdict.kind, retries) == ("rhetoric", 1)
    second = json.loads(server.post_bodies["/v1/chat/completions"][1])
    assert "was not valid" in second["messages"][-1]["content"] and "slogan" in second["messages"][-2]["content"]

    server.posts["/v1/chat/completions"] += [completion("not json"), completion('{"kind": "nope"}')]
    with pytest.raises(StructuredOutputError, match="invalid twice"):
        structured(model, MESSAGES, Verdict, config)
    assert registry.llm_totals()["llm_calls"] == 4


def test_a_server_without_json_schema_gets_json_mode(openai_backend):
    model, config, _, server = openai_backend
    server.posts["/v1/chat/completions"] += [
        (400, json.dumps({"error": {"message": "response_format json_schema is not supported", "type": "invalid_request_error"}}).encode()),
        completion('{"kind": "fact", "reason": "a figure"}'),
    ]
    verdict, retries = structured(model, MESSAGES, Verdict, config)
    assert (verdict.kind, retries) == ("fact", 0)
    first, second = (json.loads(body) for body in server.post_bodies["/v1/chat/completions"])
    assert first["response_format"]["type"] == "json_schema" and second["response_format"] == {"type": "json_object"}


def test_missing_local_model_names_the_repair(assay_home, monkeypatch, tmp_path):
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_MODELS_DIR", str(tmp_path / "no-models"))
    get_settings.cache_clear()
    with pytest.raises(ModelMissing, match="make setup"):
        chat_model(get_settings())


def test_a_server_of_one_s_own_needs_no_key_and_the_openai_api_says_which_it_needs(assay_home, monkeypatch):
    """`ASSAY_LLM=openai ASSAY_LLM_BASE_URL=http://127.0.0.1:8000/v1` without OPENAI_API_KEY (a vLLM or llama.cpp server)
    had failed with the OpenAI library's "Missing credentials" (thirty-second session)."""
    from assay.llms import BackendNotConfigured
    from assay.settings import get_settings

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("ASSAY_LLM", "openai")
    get_settings.cache_clear()
    with pytest.raises(BackendNotConfigured, match="OPENAI_API_KEY.*ASSAY_LLM_BASE_URL"):
        chat_model(get_settings())
    monkeypatch.setenv("ASSAY_LLM_BASE_URL", "http://127.0.0.1:8000/v1")
    get_settings.cache_clear()
    assert chat_model(get_settings()).openai_api_base == "http://127.0.0.1:8000/v1"
    # The name analyses are keyed by is the model's, read without making it (`assay status` needs neither key nor file).
    from assay.llms import configured_model_name, model_name

    for model in (None, "qwen2.5-7b-instruct"):
        if model:
            monkeypatch.setenv("ASSAY_LLM_MODEL", model)
        get_settings.cache_clear()
        assert configured_model_name(get_settings()) == model_name(chat_model(get_settings())) == (model or "gpt-4o-mini")


@pytest.mark.llm
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is installed by `make setup`")
def test_local_llama_cpp_gives_schema_valid_json(assay_home, monkeypatch):
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_LLM_MODEL_PATH", str(smollm2_path()))
    monkeypatch.setenv("ASSAY_LLM_CONTEXT_TOKENS", "2048")
    monkeypatch.setenv("ASSAY_LLM_MAX_TOKENS", "96")
    get_settings.cache_clear()
    settings = get_settings()
    registry = Registry(settings.registry_url)
    model = chat_model(settings)
    verdict, _ = structured(model, MESSAGES, Verdict, {"callbacks": [LLMCallLogger(registry, local=True)]})
    assert verdict.kind in {"fact", "claim", "rhetoric", "opinion"}  # the grammar keeps even a 135M model inside the schema
    totals = registry.llm_totals()
    assert totals["llm_calls"] >= 1 and totals["llm_input_tokens"] > 0 and totals["llm_cost_usd"] == 0


def first_token(top: dict[str, float]) -> bytes:
    """A one-token completion carrying OpenAI's `logprobs` for its first token."""
    best = max(top, key=top.get)
    entries = [{"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in top.items()]
    return json.dumps({
        "id": "chatcmpl-2", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": best},
                     "logprobs": {"content": [{"token": best, "logprob": top[best], "bytes": list(best.encode()), "top_logprobs": entries}]}}],
        "usage": {"prompt_tokens": 90, "completion_tokens": 1, "total_tokens": 91},
    }).encode()


def test_yes_probability_reads_an_openai_server_s_logprobs(openai_backend):
    import math

    from assay.llms import yes_probability

    model, config, registry, server = openai_backend
    server.posts["/v1/chat/completions"] += [
        first_token({"Yes": math.log(0.6), "yes": math.log(0.1), "No": math.log(0.2), "Maybe": math.log(0.1)}),
        first_token({"The": math.log(0.9), "A": math.log(0.1)}),
    ]
    # Yes and no renormalised between themselves: (0.6 + 0.1) / (0.6 + 0.1 + 0.2).
    assert yes_probability(model, MESSAGES, config) == pytest.approx(0.7 / 0.9)
    sent = json.loads(server.post_bodies["/v1/chat/completions"][0])
    assert (sent["logprobs"], sent["top_logprobs"], sent.get("max_tokens") or sent.get("max_completion_tokens")) == (True, 20, 1)
    assert yes_probability(model, MESSAGES, config) is None  # neither word among the top tokens: no judgement, not "no"
    server.posts["/v1/chat/completions"].append(
        (400, json.dumps({"error": {"message": "logprobs are not supported", "type": "invalid_request_error"}}).encode()))
    assert yes_probability(model, MESSAGES, config) is None  # a server that refuses log-probabilities: no judgement either
    assert registry.llm_totals()["llm_calls"] == 3  # probes are logged like every call, the refused one too
    # A probe asked after another prompt's messages is logged under its own name, not that prompt's (the
    # analysis's name probes were logged as "summary").
    from assay.prompts import load_prompts
    from assay.store.registry import LLMCallRow

    says = load_prompts(None)["says"]
    server.posts["/v1/chat/completions"].append(first_token({"Yes": math.log(0.9), "No": math.log(0.1)}))
    summary_config = {**config, "metadata": {"prompt": "summary", "prompt_version": "5", "article_id": "abc"}}
    assert yes_probability(model, MESSAGES, says.logged(summary_config)) == pytest.approx(0.9)
    with registry.session() as s:
        last = s.query(LLMCallRow).order_by(LLMCallRow.id.desc()).first()
        assert (last.prompt, last.prompt_version, last.article_id) == ("says", says.version, "abc")
    assert summary_config["metadata"]["prompt"] == "summary"  # the caller's config is not changed


@pytest.mark.llm
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python is installed by `make setup`")
def test_local_probes_read_the_model_s_own_logprobs_and_reuse_the_cached_prefix(assay_home, monkeypatch):
    from assay.llms import _llama, yes_probability
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_LLM_MODEL_PATH", str(smollm2_path()))
    monkeypatch.setenv("ASSAY_LLM_CONTEXT_TOKENS", "2048")
    get_settings.cache_clear()
    settings = get_settings()
    model = chat_model(settings)
    shared = [SystemMessage(content="Answer from the passages."),
              HumanMessage(content="[1] Lynas produced 10,500 tonnes of NdPr.\n[2] MP Materials sold magnets.\n\nQuestion: How much NdPr did Lynas produce?")]
    first = yes_probability(model, [*shared, HumanMessage(content="Does passage [1] answer the question? Reply yes or no.")])
    llama = _llama(model.model_path, model.n_ctx, model.n_threads)
    evaluated: list[int] = []
    real_eval = llama.eval
    monkeypatch.setattr(llama, "eval", lambda tokens: (evaluated.append(len(tokens)), real_eval(tokens))[1])
    second = yes_probability(model, [*shared, HumanMessage(content="Does passage [2] answer the question? Reply yes or no.")])
    assert first is not None and second is not None and 0 <= first <= 1 and 0 <= second <= 1
    # The second probe evaluated only what follows the shared prefix: the KV cache kept the rest.
    assert 0 < sum(evaluated) < 20 < llama.n_tokens, (evaluated, llama.n_tokens)
    monkeypatch.undo()
    # The probabilities are the model's own: the same as llama.cpp's logits for that prompt, from scratch.
    llama.reset()
    again = yes_probability(model, [*shared, HumanMessage(content="Does passage [2] answer the question? Reply yes or no.")])
    assert again == pytest.approx(second, abs=1e-3)
