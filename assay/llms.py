"""LLM backends: everything backend-specific lives here; chains see a LangChain chat model.

- `local` (default): llama.cpp in this process (llama-cpp-python), the embedded
  Qwen2.5-Coder-1.5B model, with faster greedy JSON decoding (assay/llamacpp.py).
  One model per process behind a lock: llama.cpp
  contexts are not thread-safe, and on 2 cores parallel calls only queue. Its
  KV cache keeps the longest common prefix of the previous prompt, so calls
  that share a system prompt and an article skip re-reading them.
- `openai`: any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp's
  server) through langchain-openai.

`structured()` is the one way chains get a validated pydantic object back: JSON
constrained by the schema, and a validation error goes back to the model once
with the error, then fails loudly (instructor's rule).
"""

from __future__ import annotations

import json
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import BaseModel, PrivateAttr, ValidationError

from assay.models import ModelMissing, model_path, verify
from assay.settings import Settings

Schema = TypeVar("Schema", bound=BaseModel)


class BackendNotConfigured(RuntimeError):
    """The configured LLM backend lacks what it needs to start (its message names the setting)."""


class StructuredOutputError(RuntimeError):
    """The model's answer did not fit the schema, even after it was shown the error once."""


# --- local: llama.cpp in process ------------------------------------------------------------

_llamas: dict[tuple[str, int, int | None], Any] = {}
_llamas_lock = threading.Lock()


def _llama(path: str, n_ctx: int, threads: int | None) -> Any:
    """One loaded model per file and process: loading costs seconds and ~1-2 GB."""
    with _llamas_lock:
        key = (path, n_ctx, threads)
        if key not in _llamas:
            from assay.llamacpp import FastLlama

            # llama-cpp-python's default is half the cores; on 2 cores all of them is 1.6x faster (measured).
            cores = threads or os.cpu_count() or 1
            _llamas[key] = FastLlama(model_path=path, n_ctx=n_ctx, n_threads=cores, n_threads_batch=cores, verbose=False)
        return _llamas[key]


_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LocalLlamaChat(BaseChatModel):
    """A LangChain chat model over llama-cpp-python's `create_chat_completion`."""

    model_path: str
    model_name: str
    n_ctx: int = 8192
    n_threads: int | None = None
    max_tokens: int = 1024
    temperature: float = 0.0
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp-local"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name, "n_ctx": self.n_ctx, "temperature": self.temperature}

    def _completion_args(self, messages: list[BaseMessage], stop: list[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
        return {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages],
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop,
            "seed": 0,
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama = _llama(self.model_path, self.n_ctx, self.n_threads)
        started = time.perf_counter()
        if kwargs.get("logprobs"):
            return self._first_token(llama, messages, int(kwargs.get("top_logprobs") or 5), started)
        with _LOCAL_LOCK:
            out = llama.create_chat_completion(**self._completion_args(messages, stop, kwargs), response_format=kwargs.get("response_format"))
        usage = out.get("usage") or {}
        message = AIMessage(
            content=out["choices"][0]["message"]["content"] or "",
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
            response_metadata={
                "model_name": self.model_name,
                "finish_reason": out["choices"][0].get("finish_reason"),
                "latency_s": time.perf_counter() - started,
            },
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _first_token(self, llama: Any, messages: list[BaseMessage], top: int, started: float) -> ChatResult:
        """The likeliest first token and the `top` likeliest with their log-probabilities, in the shape
        OpenAI's `logprobs` take in `response_metadata`, so probes read both backends alike."""
        with _LOCAL_LOCK:
            best = llama.next_token_logprobs(self._completion_args(messages, None, {})["messages"], top)
        content = [{"token": best[0][0], "logprob": best[0][1], "top_logprobs": [{"token": t, "logprob": lp} for t, lp in best]}] if best else []
        message = AIMessage(
            content=best[0][0] if best else "",
            usage_metadata={"input_tokens": llama.n_tokens, "output_tokens": 1, "total_tokens": llama.n_tokens + 1},
            response_metadata={"model_name": self.model_name, "logprobs": {"content": content}, "latency_s": time.perf_counter() - started},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        """Text as it is generated (no JSON mode): for answers shown in the terminal."""
        llama = _llama(self.model_path, self.n_ctx, self.n_threads)
        started = time.perf_counter()
        pieces = 0
        with _LOCAL_LOCK:
            for part in llama.create_chat_completion(**self._completion_args(messages, stop, kwargs), stream=True):
                text = part["choices"][0]["delta"].get("content") or ""
                if text:
                    pieces += 1  # llama-cpp-python streams one token per part
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=text))
                    if run_manager:
                        run_manager.on_llm_new_token(text, chunk=chunk)
                    yield chunk
            # The KV cache now holds prompt + answer, so the prompt's length is what is left.
            prompt_tokens = max(llama.n_tokens - pieces, 0)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata={"input_tokens": prompt_tokens, "output_tokens": pieces, "total_tokens": prompt_tokens + pieces},
                response_metadata={"model_name": self.model_name, "latency_s": time.perf_counter() - started},
            )
        )


# llama.cpp is not thread-safe and has one KV cache: one call at a time per process.
_LOCAL_LOCK = threading.Lock()


# --- choosing a backend -----------------------------------------------------------------------


def chat_model(settings: Settings, **overrides: Any) -> BaseChatModel:
    """The configured backend as a chat model; a missing local model is a clear error naming its repair."""
    if settings.llm == "openai":
        from langchain_openai import ChatOpenAI

        api_key = os.environ.get("OPENAI_API_KEY")
        if not api_key and settings.llm_base_url is None:
            raise BackendNotConfigured("ASSAY_LLM=openai without OPENAI_API_KEY: set the key for the OpenAI API, "
                                       "or point ASSAY_LLM_BASE_URL at an OpenAI-compatible server of your own")
        return ChatOpenAI(
            model=configured_model_name(settings),
            base_url=settings.llm_base_url,
            # A server of one's own (vLLM, llama.cpp's, Ollama) takes no key, but the client will not start without one:
            # the OpenAI library's "Missing credentials" had been all a user with such a server was told.
            api_key=api_key or "none",
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout_s,
            max_retries=0,  # retries with backoff belong to the Prefect task, which sees every attempt
            stream_usage=True,  # token counts for streamed answers too
            **overrides,
        )
    path = settings.llm_model_path or model_path(settings)
    if settings.llm_model_path and not path.is_file():
        raise ModelMissing(f"ASSAY_LLM_MODEL_PATH {path} does not exist")
    if not settings.llm_model_path:
        verify(path)  # the default model must be the exact file we pinned
    return LocalLlamaChat(
        model_path=str(path),
        model_name=configured_model_name(settings),
        n_ctx=settings.llm_context_tokens,
        n_threads=settings.llm_threads,
        max_tokens=settings.llm_max_tokens,
        **overrides,
    )


def backend_fault(error: object, settings: Settings) -> str | None:
    """An OpenAI-compatible server's fault as one line naming its cause and its fix; None for any other error."""
    import openai

    if isinstance(error, openai.APIConnectionError | openai.APITimeoutError):
        where = settings.llm_base_url or "the OpenAI API"
        return f"cannot reach the LLM server at {where} ({type(error).__name__}): is it running? (ASSAY_LLM_BASE_URL)"
    if isinstance(error, openai.AuthenticationError):
        return "the LLM server refused the API key (OPENAI_API_KEY)"
    if isinstance(error, openai.APIStatusError):
        return f"the LLM server answered HTTP {error.status_code}: {str(error.message).splitlines()[0][:200]}"
    return None


def model_name(model: BaseChatModel) -> str:
    return str(getattr(model, "model_name", None) or getattr(model, "model", "unknown"))


def configured_model_name(settings: Settings) -> str:
    """`model_name` of the model `chat_model` would make, without making it: `assay status` names outdated analyses
    with no key for the API and no model file on this machine, as it did before."""
    if settings.llm == "openai":
        return settings.llm_model or "gpt-4o-mini"
    return (settings.llm_model_path or model_path(settings)).stem


# --- probabilities ------------------------------------------------------------------------------


def yes_probability(model: BaseChatModel, messages: list[BaseMessage], config: Any = None) -> float | None:
    """The model's probability that its reply to a yes/no question starts with yes, from the first
    token's log-probabilities (yes and no renormalised, so the rest of the vocabulary does not count).
    None when the backend returns no log-probabilities or neither word is among its top tokens."""
    import openai

    try:
        reply = model.bind(logprobs=True, top_logprobs=20, max_tokens=1).invoke(messages, config=config)
    except openai.BadRequestError:
        return None  # a server that refuses log-probabilities gives no judgement; any other fault is the caller's
    content = (reply.response_metadata.get("logprobs") or {}).get("content") or []
    if not content:
        return None
    mass = {"yes": 0.0, "no": 0.0}
    for entry in content[0].get("top_logprobs") or []:
        word = str(entry.get("token", "")).strip().lower()
        if word in mass:
            mass[word] += math.exp(float(entry["logprob"]))
    total = mass["yes"] + mass["no"]
    return mass["yes"] / total if total > 0 else None


# --- structured output --------------------------------------------------------------------------


# Left out of the schema sent with strict: OpenAI's strict subset rejects them; pydantic still checks them here.
_NOT_STRICT = frozenset({"minLength", "maxLength", "default"})


def _strict_schema(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strict_schema(v) for k, v in value.items() if k not in _NOT_STRICT}
    return [_strict_schema(v) for v in value] if isinstance(value, list) else value


def json_schema_format(schema: type[BaseModel]) -> dict[str, Any]:
    """The OpenAI `response_format` that constrains the answer to `schema`: strict (every field required,
    no extra keys) where the schema allows it, i.e. no free-form mapping; length caps are checked by pydantic."""
    from openai.lib._pydantic import to_strict_json_schema

    strict = _strict_schema(to_strict_json_schema(schema))

    def closed(node: Any) -> bool:
        if isinstance(node, dict):
            open_object = node.get("type") == "object" and node.get("additionalProperties") is not False
            return not open_object and all(closed(v) for v in node.values())
        return all(closed(v) for v in node) if isinstance(node, list) else True

    is_strict = closed(strict)
    body = strict if is_strict else schema.model_json_schema()
    return {"type": "json_schema", "json_schema": {"name": schema.__name__, "schema": body, "strict": is_strict}}


def _json_answer(model: BaseChatModel, messages: list[BaseMessage], schema: type[BaseModel], config: Any) -> AIMessage:
    if isinstance(model, LocalLlamaChat):
        # llama-cpp-python turns the schema into a grammar, so the output cannot leave it.
        return model.bind(response_format={"type": "json_object", "schema": schema.model_json_schema()}).invoke(messages, config=config)
    import openai

    try:
        # The schema itself (vLLM, llama.cpp's server, Ollama and OpenAI all take json_schema).
        return model.bind(response_format=json_schema_format(schema)).invoke(messages, config=config)
    except openai.BadRequestError:
        # A server with JSON mode only: json_object, the schema travels in the system prompt.
        return model.bind(response_format={"type": "json_object"}).invoke(messages, config=config)


def _parse(text: str, schema: type[Schema], check: Callable[[Schema], None] | None) -> Schema:
    start, end = text.find("{"), text.rfind("}")
    # strict=False: small models put raw newlines inside strings, which is harmless here.
    value = schema.model_validate(json.loads(text[start : end + 1] if start >= 0 else text, strict=False))
    if check:
        check(value)  # grounding rules code can check but a schema cannot express
    return value


def structured(
    model: BaseChatModel,
    messages: list[BaseMessage],
    schema: type[Schema],
    config: Any = None,
    check: Callable[[Schema], None] | None = None,
    recheck: Callable[[Schema], None] | None = None,
) -> tuple[Schema, int]:
    """(validated object, repair retries). An answer that fails the schema or `check` goes back to the
    model once with the error; a second failure raises StructuredOutputError. The repaired answer is
    checked by `recheck` when given (a caller that can mend some faults itself checks less the second time)."""
    answer = _json_answer(model, messages, schema, config)
    try:
        return _parse(str(answer.content), schema, check), 0
    except (ValidationError, ValueError) as first_error:
        retry = [
            *messages,
            answer,
            HumanMessage(
                content=f"That answer was not valid: {first_error}. Reply again with only a JSON object that fits the schema."
            ),
        ]
        second = _json_answer(model, retry, schema, config)
        try:
            return _parse(str(second.content), schema, recheck or check), 1
        except (ValidationError, ValueError) as second_error:
            raise StructuredOutputError(f"{schema.__name__}: invalid twice: {second_error}") from second_error
