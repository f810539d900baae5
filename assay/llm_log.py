"""Every LLM call, logged to the registry database by a LangChain callback.

Chains pass `metadata={"prompt": name, "prompt_version": v, "article_id": id}` in
their run config; the handler records it with the model, a hash of the input,
the output, token usage, latency and, where the model's price is known, cost.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult

from assay.types import CallLog

# In a generation's info: the reply was read back from an output cache (`assay/store/output_cache.py`),
# and no call was made, so none is logged.
CACHED = "assay_cached"

# USD per million tokens (input, output); local models cost nothing per call.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


def usage_of(response: LLMResult) -> tuple[int, int]:
    """(input tokens, output tokens) of a chat model's answer, from its usage metadata."""
    message = getattr(response.generations[0][0], "message", None)
    usage = getattr(message, "usage_metadata", None) or {}
    return int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))


class UsageCounter(BaseCallbackHandler):
    """Tokens and calls of one piece of work (an analysis, an eval article), for its provenance."""

    def __init__(self) -> None:
        self.input_tokens = self.output_tokens = self.calls = 0

    def on_llm_end(self, response: LLMResult, **kwargs: Any) -> None:
        self.calls += 1
        input_tokens, output_tokens = usage_of(response)
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens


def cost_usd(model: str, input_tokens: int, output_tokens: int, *, local: bool) -> float | None:
    if local:
        return 0.0
    price = PRICES_PER_MTOK.get(model)
    return None if price is None else (input_tokens * price[0] + output_tokens * price[1]) / 1e6


class LLMCallLogger(BaseCallbackHandler):
    def __init__(self, registry: CallLog, *, local: bool):
        self.registry, self.local = registry, local
        self._started: dict[UUID, tuple[float, str, dict[str, Any], str]] = {}

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *, run_id: UUID,
        metadata: dict[str, Any] | None = None, invocation_params: dict[str, Any] | None = None, **kwargs: Any,
    ) -> None:
        text = json.dumps([[{"role": m.type, "content": m.content} for m in batch] for batch in messages], ensure_ascii=False)
        params = invocation_params or {}
        model = str(params.get("model_name") or params.get("model") or (metadata or {}).get("ls_model_name") or "unknown")
        self._started[run_id] = (time.perf_counter(), text, dict(metadata or {}), model)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        started, text, metadata, model = self._started.pop(run_id, (time.perf_counter(), "", {}, "unknown"))
        generation = response.generations[0][0]
        if (generation.generation_info or {}).get(CACHED):
            return
        message = getattr(generation, "message", None)
        model = str((getattr(message, "response_metadata", None) or {}).get("model_name") or model)
        input_tokens, output_tokens = usage_of(response)
        self._log(metadata, model, text, started, output=generation.text, input_tokens=input_tokens, output_tokens=output_tokens)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        started, text, metadata, model = self._started.pop(run_id, (time.perf_counter(), "", {}, "unknown"))
        self._log(metadata, model, text, started, error=f"{type(error).__name__}: {error}")

    def _log(self, metadata: dict[str, Any], model: str, text: str, started: float, **fields: Any) -> None:
        self.registry.log_llm_call(
            prompt=metadata.get("prompt"),
            prompt_version=metadata.get("prompt_version"),
            article_id=metadata.get("article_id"),
            model=model,
            input_hash=hashlib.sha256(text.encode()).hexdigest(),
            input=text,
            latency_s=time.perf_counter() - started,
            cost_usd=cost_usd(model, fields.get("input_tokens", 0), fields.get("output_tokens", 0), local=self.local),
            **fields,
        )
