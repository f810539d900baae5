"""Faster decoding for the local llama.cpp backend: JSON under a grammar, greedy, on a CPU.

Two changes to llama-cpp-python's decoding, measured on the sample articles (2 cores;
`benchmarks/analyse.py` has the per-article figures):

1. Grammar checked last, not first. llama-cpp-python puts the grammar at the head of its
   sampler chain, so every step tests all 151k vocabulary tokens against it (39 s on one
   article). Like llama.cpp's own `common_sampler`, `GreedyGrammarSampler` tests only the best
   token and falls back to the whole vocabulary when the grammar rejects it (29 s). The best
   token the grammar allows is the same either way (a test compares the two token for token).
2. Speculative decoding with drafts from the schema and the prompt (`assay/drafts.py`): llama.cpp
   checks several drafted tokens in one batch, which on a CPU costs far less than one pass
   each. Median analysis per article: 33 s with llama-cpp-python's prompt lookup, 26.5 s with
   these drafts. Logits are computed only where they are sampled (the prompt's last token and the
   drafted positions): llama-cpp-python's own draft path keeps logits for every prompt token,
   which added 1 GB of RSS.

   Greedy verification keeps the answer the model's own, but not bit for bit: a batch of 8 rounds
   differently from a batch of 1 in the last bits of the logits, which can flip a near tie ("Rare
   earths" for "rare earths"). On 12 sample answers, 10 differed somewhere, by a word or a
   list item, none in validity.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import Llama

from assay.drafts import SCHEMA_DRAFT_TOKENS, JsonDrafts


class GreedyGrammarSampler:
    """Greedy choice among the tokens a grammar allows, testing the grammar on one token when it can.

    Quacks like llama-cpp-python's LlamaSampler where `Llama.generate` uses it: `sample(ctx, idx)`
    picks a token and accepts it into the grammar state.
    """

    def __init__(self, llama: Llama, grammar: Any, repeat_penalty: float, last_n: int) -> None:
        self._llama = llama
        self._grammar = llama_cpp.llama_sampler_init_grammar(
            llama._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
        )
        self._repeat_penalty = repeat_penalty
        self._last_n = last_n
        self._n_vocab = llama.n_vocab()
        self._one = (llama_cpp.llama_token_data * 1)()
        self._one_array = llama_cpp.llama_token_data_array(data=self._one, size=1, selected=-1, sorted=False)
        self.full_vocabulary_checks = 0

    def sample(self, ctx: Any, idx: int = -1) -> int:
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(ctx.ctx, idx), shape=(self._n_vocab,)).copy()
        # `idx` counts back from the end of the batch; with drafts in it, the tokens after this
        # position are guesses the penalty must not see, or the output would depend on them.
        self._penalise_repeats(logits, self._llama.n_tokens + idx + 1)
        token = int(np.argmax(logits))
        if not self._allowed(token, float(logits[token])):
            token = self._best_allowed(logits)
        llama_cpp.llama_sampler_accept(self._grammar, token)
        return token

    def _penalise_repeats(self, logits: np.ndarray, n: int) -> None:
        """llama.cpp's repeat penalty (1.1 by default in llama-cpp-python's chat completion) over
        the `last_n` tokens before position `n`."""
        if self._repeat_penalty == 1.0:
            return
        recent = np.unique(self._llama.input_ids[max(0, n - self._last_n) : n])
        seen = logits[recent]
        logits[recent] = np.where(seen > 0, seen / self._repeat_penalty, seen * self._repeat_penalty)

    def _allowed(self, token: int, logit: float) -> bool:
        self._one[0].id, self._one[0].logit, self._one[0].p = llama_cpp.llama_token(token), logit, 0.0
        self._one_array.size, self._one_array.selected = 1, -1
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(self._one_array))
        return bool(np.isfinite(self._one[0].logit))

    def _best_allowed(self, logits: np.ndarray) -> int:
        self.full_vocabulary_checks += 1
        data = (llama_cpp.llama_token_data * self._n_vocab)()
        view = np.ctypeslib.as_array(data)
        view["id"], view["logit"], view["p"] = np.arange(self._n_vocab), logits, 0.0
        array = llama_cpp.llama_token_data_array(data=data, size=self._n_vocab, selected=-1, sorted=False)
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(array))
        view = np.ctypeslib.as_array(data)[: array.size]
        return int(view["id"][int(np.argmax(view["logit"]))])

    def close(self) -> None:
        if self._grammar is not None:
            llama_cpp.llama_sampler_free(self._grammar)
            self._grammar = None

    def __del__(self) -> None:
        self.close()


def built_with_amx() -> bool:
    """Whether this llama.cpp was built with Intel AMX kernels: a source build on a Sapphire Rapids or newer
    Xeon compiles them in (`-march=native`)."""
    return "AMX_INT8 = 1" in llama_cpp.llama_print_system_info().decode("utf-8", "replace")


@contextmanager
def safe_loading() -> Iterator[None]:
    """Load a model inside this: where the build has AMX kernels, without llama.cpp's extra weight buffers (AMX,
    repacked). A build with AMX kernels crashed in its first decode (SIGSEGV in the AMX matrix multiply, llama.cpp
    issue 20824) with the embedded model on this project's machine on 2026-12-06: `make setup` builds from source
    with `-march=native`, and that machine was a Sapphire Rapids Xeon. Without the AMX buffer the same build
    answers, as fast as the AVX2 builds measured before (158 prompt and 58 answer tokens in 6.8 s).

    `Llama.__init__` takes its model parameters from `llama_model_default_params()` and loads in the same call,
    so the default is changed around it; callers hold `llms._llamas_lock` (tests load alone)."""
    if not built_with_amx():
        yield
        return
    default = llama_cpp.llama_cpp.llama_model_default_params

    def params() -> Any:
        found = default()
        found.use_extra_bufts = False
        return found

    llama_cpp.llama_cpp.llama_model_default_params = params
    try:
        yield
    finally:
        llama_cpp.llama_cpp.llama_model_default_params = default


class FastLlama(Llama):
    """`Llama` with the two decoding changes above; everything else (chat templates, the prompt
    cache, JSON-schema grammars) is llama-cpp-python's own."""

    def __init__(self, *args: Any, drafts: bool = True, **kwargs: Any) -> None:
        with safe_loading():
            super().__init__(*args, **kwargs)
        if drafts:
            self.draft_model = JsonDrafts(
                tokenize=lambda text: self.tokenize(text.encode("utf-8"), add_bos=False, special=False),
                detokenize=lambda ids: self.detokenize(ids).decode("utf-8", "ignore"),
            )
        self._answer_schema: dict[str, Any] | None = None
        self._formatter: Any = None  # the model's own chat template, for next_token_logprobs

    def create_chat_completion(self, *args: Any, **kwargs: Any) -> Any:
        # The schema the grammar follows also tells the drafts what comes next.
        self._answer_schema = (kwargs.get("response_format") or {}).get("schema")
        return super().create_chat_completion(*args, **kwargs)

    def generate(self, tokens: Sequence[int], *args: Any, **kwargs: Any) -> Any:
        if isinstance(self.draft_model, JsonDrafts):
            self.draft_model.start(prompt_tokens=len(tokens), schema=self._answer_schema)
        return super().generate(tokens, *args, **kwargs)

    def _init_sampler(self, **kwargs: Any) -> Any:  # type: ignore[override]  # llama-cpp-python's private hook, called with keywords only; we take them all and pass them on
        greedy = kwargs.get("temp") == 0.0 and not kwargs.get("mirostat_mode") and kwargs.get("logits_processor") is None
        if greedy and kwargs.get("grammar") is not None:
            return GreedyGrammarSampler(self, kwargs["grammar"], kwargs.get("repeat_penalty", 1.0), self.last_n_tokens_size)
        return super()._init_sampler(**kwargs)

    def eval(self, tokens: Sequence[int]) -> None:
        # A short batch is the last token plus drafts: every position is sampled, so every position
        # needs logits. A long one is a prompt: only its last token is sampled.
        every_position = len(tokens) <= SCHEMA_DRAFT_TOKENS + 1
        self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
        for i in range(0, len(tokens), self.n_batch):
            batch = list(tokens[i : i + self.n_batch])
            n_past = self.n_tokens
            self._batch.set_batch(batch=batch, n_past=n_past, logits_all=every_position)
            self._ctx.decode(self._batch)
            self.input_ids[n_past : n_past + len(batch)] = batch
            self.n_tokens += len(batch)
            self._requires_eval = False

    def next_token_logprobs(self, messages: list[dict[str, str]], top: int) -> list[tuple[str, float]]:
        """The `top` likeliest first tokens of the assistant's reply to `messages`, with their
        log-probabilities: one forward pass over what the KV cache does not already hold, so probes
        that share a long prefix (the passages and the question) cost only their own few tokens."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        if "tokenizer.chat_template" not in self.metadata:
            return []  # a model file without its chat template: no way to put the question as it was trained
        if self._formatter is None:
            eos, bos = self.token_eos(), self.token_bos()
            self._formatter = Jinja2ChatFormatter(
                template=self.metadata["tokenizer.chat_template"],
                eos_token=self._model.token_get_text(eos) if eos != -1 else "",
                bos_token=self._model.token_get_text(bos) if bos != -1 else "",
            )
        try:
            formatted = self._formatter(messages=messages)
        except ValueError:
            return []  # a template that refuses these messages (some demand strictly alternating roles)
        tokens = self.tokenize(formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special, special=True)
        # Keep the cached prefix, but always evaluate at least the last token: its logits are the answer.
        limit = min(self.n_tokens, len(tokens) - 1)
        differs = np.flatnonzero(self.input_ids[:limit] != np.asarray(tokens[:limit]))
        kept = int(differs[0]) if differs.size else limit
        if kept < self.n_tokens and not self._ctx.kv_cache_seq_rm(-1, kept, -1):
            kept = 0  # a memory that cannot drop its tail (recurrent models): start again, as llama-cpp-python does
            self.reset()
            self._ctx.kv_cache_clear()
        self.n_tokens = kept
        self.eval(tokens[self.n_tokens :])
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self._ctx.ctx, -1), shape=(self.n_vocab(),)).astype(np.float64)
        logprobs = logits - (logits.max() + np.log(np.exp(logits - logits.max()).sum()))
        best = np.argsort(-logprobs)[:top]
        return [(self.detokenize([int(t)]).decode("utf-8", "ignore"), float(logprobs[t])) for t in best]
