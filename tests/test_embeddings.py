"""MiniLMEmbeddings against sentence-transformers' own vectors.

tests/data/reference_embeddings.json comes from tests/data/make_reference_embeddings.py
(torch + sentence-transformers, run once by hand); these tests need neither.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from assay.embeddings import DIMENSIONS, MiniLMEmbeddings
from assay.settings import Settings

REFERENCE = json.loads(
    (Path(__file__).parent / "data" / "reference_embeddings.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def emb() -> MiniLMEmbeddings:
    return MiniLMEmbeddings(batch_size=Settings().embed_batch_size)


def test_matches_sentence_transformers(emb):
    # int8 weights cost a little accuracy; 0.999 still means "same vector".
    ours = np.array(emb.embed_documents(REFERENCE["sentences"]))
    ref = np.array(REFERENCE["vectors"])
    cosines = (ours * ref).sum(axis=1) / (
        np.linalg.norm(ours, axis=1) * np.linalg.norm(ref, axis=1)
    )
    worst = int(cosines.argmin())
    assert cosines.min() >= 0.999, (REFERENCE["sentences"][worst][:60], cosines.tolist())


def test_unit_norm_and_dimensions(emb):
    vectors = emb.embed_documents(REFERENCE["sentences"])
    assert all(len(v) == DIMENSIONS for v in vectors)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_order_preserved_across_small_batches():
    # Lengths deliberately out of order so the internal length sort reorders them.
    texts = [REFERENCE["sentences"][i] for i in (7, 4, 0, 1, 6, 3, 5)]
    small = np.array(MiniLMEmbeddings(batch_size=2).embed_documents(texts))
    one_by_one = np.array([MiniLMEmbeddings(batch_size=1).embed_query(t) for t in texts])
    # Padding within a batch changes nothing but float rounding.
    np.testing.assert_allclose(small, one_by_one, atol=1e-5)
    assert (np.argmax(small @ one_by_one.T, axis=1) == np.arange(len(texts))).all()


def test_embed_query_equals_single_document(emb):
    q = "MP Materials ships NdPr oxide from Mountain Pass."
    np.testing.assert_allclose(emb.embed_query(q), emb.embed_documents([q])[0], atol=1e-6)


def test_empty_list(emb):
    assert emb.embed_documents([]) == []
    assert emb.forward([]).shape == (0, DIMENSIONS)


def test_model_id():
    assert MiniLMEmbeddings(batch_size=Settings().embed_batch_size).model_id == "all-MiniLM-L6-v2-onnx-int8"


def test_every_instance_shares_one_session_per_process():
    """Each settings' services make their own embedder; the ~310 MB session is loaded once for all of them."""
    first, second = MiniLMEmbeddings(batch_size=8), MiniLMEmbeddings(batch_size=32)
    assert first.forward(["Lynas shipped oxide."]).shape == (1, 384)
    assert second._load() is first._load()
    assert (second.forward(["Lynas shipped oxide."]) == first.forward(["Lynas shipped oxide."])).all()
