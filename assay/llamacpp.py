"""Faster decoding for the local llama.cpp backend: JSON under a grammar, greedy, on a CPU.

Two changes to llama-cpp-python's decoding, each measured on a sample article (724 prompt
tokens, 200 completion tokens, 2 cores; `benchmarks/analyse.py` has the per-article figures):

1. Grammar checked last, not first. llama-cpp-python puts the grammar at the head of its
   sampler chain, so every step tests all 151k vocabulary tokens against it (39 s). Like
   llama.cpp's own `common_sampler`, `GreedyGrammarSampler` tests only the best token and
   falls back to the whole vocabulary when the grammar rejects it (29 s). Greedy output is
   unchanged: the best token the grammar allows is the same either way.
2. Prompt-lookup speculative decoding. A summary copies names, figures and phrases from the
   article, so n-grams of the prompt predict the next tokens well; llama.cpp verifies up to
   `DRAFT_TOKENS` of them in one batch, which on a CPU costs about one token (21 s). Greedy
   verification keeps the output unchanged. Logits are computed only where they are
   sampled (the prompt's last token and the drafted positions): llama-cpp-python's own draft
   path keeps logits for every prompt token, which added 1 GB of RSS.
"""

from __future__ import annotations

import ctypes
from typing import Any, Sequence

import llama_cpp
import numpy as np
from llama_cpp import Llama
from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

# Measured 2, 4, 6 and 10 drafted tokens: 4 was fastest (21 s against 23-25 s).
DRAFT_TOKENS = 4


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
        self._penalise_repeats(logits)
        token = int(np.argmax(logits))
        if not self._allowed(token, float(logits[token])):
            token = self._best_allowed(logits)
        llama_cpp.llama_sampler_accept(self._grammar, token)
        return token

    def _penalise_repeats(self, logits: np.ndarray) -> None:
        # llama.cpp's repeat penalty, as llama-cpp-python's chat completion applies it by default.
        if self._repeat_penalty == 1.0:
            return
        n = self._llama.n_tokens
        recent = np.unique(self._llama.input_ids[max(0, n - self._last_n) : n])
        seen = logits[recent]
        logits[recent] = np.where(seen > 0, seen / self._repeat_penalty, seen * self._repeat_penalty)

    def _allowed(self, token: int, logit: float) -> bool:
        self._one[0].id, self._one[0].logit, self._one[0].p = token, logit, 0.0
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


class FastLlama(Llama):
    """`Llama` with the two decoding changes above; everything else (chat templates, the prompt
    cache, JSON-schema grammars) is llama-cpp-python's own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("draft_model", LlamaPromptLookupDecoding(num_pred_tokens=DRAFT_TOKENS))
        super().__init__(*args, **kwargs)

    def _init_sampler(self, **kwargs: Any) -> Any:
        greedy = kwargs.get("temp") == 0.0 and not kwargs.get("mirostat_mode") and kwargs.get("logits_processor") is None
        if greedy and kwargs.get("grammar") is not None:
            return GreedyGrammarSampler(self, kwargs["grammar"], kwargs.get("repeat_penalty", 1.0), self.last_n_tokens_size)
        return super()._init_sampler(**kwargs)

    def eval(self, tokens: Sequence[int]) -> None:
        # A short batch is the last token plus drafts: every position is sampled, so every position
        # needs logits. A long one is a prompt: only its last token is sampled.
        every_position = len(tokens) <= DRAFT_TOKENS + 1
        self._ctx.kv_cache_seq_rm(-1, self.n_tokens, -1)
        for i in range(0, len(tokens), self.n_batch):
            batch = list(tokens[i : i + self.n_batch])
            n_past = self.n_tokens
            self._batch.set_batch(batch=batch, n_past=n_past, logits_all=every_position)
            self._ctx.decode(self._batch)
            self.input_ids[n_past : n_past + len(batch)] = batch
            self.n_tokens += len(batch)
            self._requires_eval = False
